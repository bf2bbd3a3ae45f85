"""Issue 30: the deputy's summary opens on «Главное» and «Динамика», «мало отметок» is pro-rated
to the part of the period gone, and each class teacher gets their own class's summary.

Oracles: a class's week figures are recomputed here from the store with plain SQL (weighted
marks by the work types' weights, the thresholds 4.5/3.5), the falling class's second week is
typed as «2» only (average 2,00, quality 0,0 %), and the pro-rata count is worked by hand.
"""

from __future__ import annotations

import datetime as dt
import email
import io
import random
import re
import shutil
import zipfile
from email import policy
from xml.etree import ElementTree

import openpyxl
import pytest
from conftest import WEEK, Workspace, journal_sheets
from openpyxl.utils import range_boundaries

from zhurnal.core.settings import load_settings
from zhurnal.demo.fill import fill_grid
from zhurnal.demo.week import fill_week
from zhurnal.publish.front_page import week_front
from zhurnal.publish.run import publish_week
from zhurnal.publish.summaries import write_summary
from zhurnal.publish.summary_data import marks_due, week_summary
from zhurnal.school.calendar import Week, parse_week
from zhurnal.school.snapshot import Section

NEXT = parse_week("2026-W49")
FALLING = "5А"
CHART = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


@pytest.fixture(scope="module")
def two_weeks(tmp_path_factory, _school_with_week):
    """GIVEN W48 of the demo school as the session fixture typed it and W49 typed the same way,
    except that every mark of 5А in W49 is «2»."""
    ws = Workspace(_school_with_week.copy("sqlite", tmp_path_factory.mktemp("two") / "ws"))
    templates = sorted(ws.week_templates(NEXT).values())
    typed = ws.path.parent / "typed49"
    filled = fill_week(ws.school(), templates, typed, NEXT, random.Random(11))
    for path in templates:
        target = typed / path.name
        if path.name not in {p.name for p in filled.journals.values()}:
            shutil.copy2(target, ws.settings.inbox / path.name)       # a register, as typed
            continue
        author = next(a for a, p in filled.journals.items() if p.name == path.name)
        values = filled.values[author]
        for sheet, info in journal_sheets(path).items():
            if info["section"].class_code == FALLING:
                values[sheet] = {key: "2" if isinstance(key[0], int) and re.fullmatch(r"[2-5][+-]?(/[2-5])?", str(v))
                                 else v for key, v in values[sheet].items()}
        fill_grid(path, ws.settings.inbox / path.name, values)
    assert ws.ingest(now=dt.datetime(2026, 12, 5, 14, 0)).ok
    yield ws
    ws.engine.dispose()


def week_oracle(ws: Workspace, code: str, week: Week) -> tuple[float, float]:
    """(average, quality %) of ``code``'s marks in ``week``, from plain SQL: per pupil × 5-point
    subject the weighted mean of the week's marks (a double mark is two, «4+» is 4), the class
    average the mean of those, quality the share of them at 3.5 or more (a suggested «4»/«5»)."""
    with ws.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT e.student_id, l.subject, e.marks, COALESCE(w.weight, 1.0) FROM journal_entries e "
            "JOIN lessons l ON l.id = e.lesson_id JOIN subjects sub ON sub.name = l.subject AND sub.scale = '5' "
            "LEFT JOIN work_types w ON w.name = l.work_type "
            "WHERE l.class_code = ? AND l.date BETWEEN ? AND ? AND e.marks <> ''",
            (code, week.monday.isoformat(), week.sunday.isoformat())).all()
    sums: dict[tuple[int, str], list[float]] = {}
    for sid, subject, marks, weight in rows:
        for mark in re.findall(r"[1-5]", marks):
            total = sums.setdefault((sid, subject), [0.0, 0.0])
            total[0] += weight * int(mark)
            total[1] += weight
    averages = [total / weights for total, weights in sums.values()]
    good = sum(1 for a in averages if round(a, 2) >= 3.5)
    return round(sum(averages) / len(averages), 2), round(good * 100 / len(averages), 1)


def ru(value: float, places: int) -> str:
    return f"{value:.{places}f}".replace(".", ",")


def test_the_falling_class_comes_first_with_both_weeks_and_the_trend_holds_both(two_weeks, tmp_path):
    """WHEN the W49 summary is written THEN «Главное» opens with 5А, both weeks' figures in its
    line and in the table, the line links to «Динамика»; «Данные динамики» holds both weeks;
    every chart's series point at cells of the workbook that hold those figures."""
    ws = two_weeks
    before_average, before_quality = week_oracle(ws, FALLING, WEEK)
    assert week_oracle(ws, FALLING, NEXT) == (2.0, 0.0)
    with ws.engine.connect() as conn:
        school = ws.school()
        data = week_summary(conn, school, ws.settings, NEXT)
        front = week_front(conn, school, ws.settings, NEXT, data)
    path = write_summary(tmp_path / "week.xlsx", data, ws.settings, with_week=True, front=front)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:3] == ["Главное", "Динамика", "Данные динамики"]
    main = book["Главное"]
    caption = next(r for r in range(1, 20) if main.cell(r, 1).value and "упали" in main.cell(r, 1).value)
    first = main.cell(caption + 1, 1)
    assert first.value == (f"{FALLING}: качество {ru(before_quality, 1)} % → 0,0 % (−{ru(before_quality, 1)}), "
                           f"средний балл {ru(before_average, 2)} → 2,00")
    assert first.hyperlink.location == "'Динамика'!A1"
    assert front.headlines.top()[0] == first.value
    table = {row[0]: row for row in main.iter_rows(values_only=True) if row[0] == FALLING and len(row) > 4}
    assert table[FALLING][1:5] == (before_quality, 0.0, before_average, 2.0)
    data_sheet = book["Данные динамики"]
    blocks = _blocks(data_sheet)
    quality, average = blocks["Качество, %"][FALLING], blocks["Средний балл"][FALLING]
    weeks = blocks["Качество, %"]["Класс"]
    # W48 and W49 are weeks 4 and 5 of Q2 (from 05.11): both are there, side by side
    assert weeks[3:5] == ("Неделя 4 (23.11)", "Неделя 5 (30.11)")
    assert (quality[3:5], average[3:5]) == ((before_quality, 0.0), (before_average, 2.0))
    _check_charts(path, book)


def _blocks(sheet) -> dict[str, dict[str, tuple]]:
    """«Данные динамики»: measure → class (and «Класс»: the header) → this period's week values."""
    found: dict[str, dict[str, tuple]] = {}
    current = None
    for row in sheet.iter_rows(values_only=True):
        if row[0] and " по неделям — " in str(row[0]):
            current = str(row[0]).split(" по неделям")[0]
            if current in found:          # the subjects' blocks come second: keep the classes'
                current = None
            else:
                found[current] = {}
        elif current is not None and row[0]:
            weeks = len([v for v in row[1:] if isinstance(v, str) and v.startswith("Неделя") and "прошлый" not in v]) \
                if row[0] == "Класс" else None
            found[current][row[0]] = row[1:1 + (weeks or len(found[current]["Класс"]))]
    return found


def _check_charts(path, book) -> None:
    """Every series of every chart part names a range of an existing sheet; the quality line
    chart has a series on 5А's row whose cells are the figures above."""
    with zipfile.ZipFile(path) as archive:
        parts = [n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        assert len(parts) >= 7          # «Главное» 1, «Динамика» 6, the older sheets' 2
        found = []
        for name in parts:
            root = ElementTree.parse(io.BytesIO(archive.read(name))).getroot()
            title = "".join(t.text or "" for t in root.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}t"))
            for series in root.iter(f"{CHART}ser"):
                refs = {tag: series.find(f"{CHART}{tag}/{CHART}numRef/{CHART}f") for tag in ("val",)}
                formula = refs["val"].text
                sheet_name, area = formula.rsplit("!", 1)
                sheet_name = sheet_name.strip("'")
                assert sheet_name in book.sheetnames, formula
                low_col, low_row, high_col, high_row = range_boundaries(area.replace("$", ""))
                cells = [book[sheet_name].cell(r, c).value for r in range(low_row, high_row + 1)
                         for c in range(low_col, high_col + 1)]
                assert all(v is None or isinstance(v, (int, float)) for v in cells), formula
                label = series.find(f"{CHART}tx/{CHART}strRef/{CHART}f")
                name_cell = None
                if label is not None:
                    where = label.text.rsplit("!", 1)[1].replace("$", "")
                    name_cell = book[sheet_name][where].value
                found.append((title, name_cell, cells))
    quality_lines = [cells for title, name, cells in found if title.startswith("Качество, % по классам по неделям")
                     and name == FALLING]
    assert len(quality_lines) == 1 and quality_lines[0][4] == 0.0


def test_class_teachers_get_their_own_class_only_and_the_letters_say_what_matters(two_weeks):
    """WHEN W49 is published THEN 5А's class teacher gets «Сводка по классу 5А …» whose workbook
    names no other class and no pupil of another class; the deputy's and the class teacher's
    letters start their «Главное» with 5А's fall; a second publish of the same data mails nothing new."""
    ws = two_weeks
    toml = ws.path / "zhurnal.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('deputy_address = ""', 'deputy_address = "zavuch@school.example"'),
                    encoding="utf-8")
    ws.settings = load_settings(ws.path)
    report = publish_week(ws.ctx(), NEXT)
    mail = ws.settings.outbox / NEXT.label / "mail"
    letters = {p.name: email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in mail.glob("*.eml")}
    school = ws.school()
    with ws.engine.connect() as conn:
        teachers = dict(conn.exec_driver_sql("SELECT full_name, email FROM teachers").all())
        heads = dict(conn.exec_driver_sql("SELECT code, class_teacher FROM classes").all())
    own = [m for n, m in letters.items() if n.startswith("class_summary.")]
    assert report.class_mails == len(own) == sum(1 for c in heads.values() if teachers.get(c))
    [mine] = [m for m in own if m["To"].addresses[0].addr_spec == teachers[heads[FALLING]]]
    assert str(mine["Subject"]) == f"Сводка по классу {FALLING} за неделю 30.11–06.12.2026"
    body = mine.get_body(("plain",)).get_content()
    bullets = [line for line in body.splitlines() if line.startswith("• ")]
    assert bullets[0].startswith(f"• {FALLING}: качество ") and 0 < len(bullets) <= 5
    [attachment] = list(mine.iter_attachments())
    assert attachment.get_filename() == f"Сводка_{FALLING}_{NEXT.label}.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))
    assert book.sheetnames == ["Главное", "Динамика", "Данные динамики", "Группа риска", "Пропуски",
                               "Мало отметок", "Пояснения"]
    texts = [str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    named = {m for text in texts for m in re.findall(r"(?<![\d«.])(\d{1,2}[А-Я])(?![а-яА-Я])", text)}
    assert named == {FALLING}
    others = {st["full_name"] for st in school.students.values() if st["class_code"] != FALLING}
    ours = {st["full_name"] for st in school.students.values() if st["class_code"] == FALLING}
    assert not [name for name in others for text in texts if name in text]
    assert ours & set(texts)            # its pupils are there (absences, risk, few marks)
    [deputy] = [m for n, m in letters.items() if n.startswith("summary.")]
    top = [line for line in deputy.get_body(("plain",)).get_content().splitlines() if line.startswith("• ")]
    assert len(top) == 5 and top[0].startswith(f"• {FALLING}: качество ")
    again = publish_week(ws.ctx(), NEXT)
    assert again.class_mails == report.class_mails
    assert sorted(p.name for p in mail.glob("class_summary.*.eml")) == sorted(
        n for n in letters if n.startswith("class_summary."))


def test_few_marks_in_week_2_of_a_9_week_quarter_are_pro_rated(loaded):
    """GIVEN a quarter minimum of 9 marks and, in W46 (week 2 of Q2, 05.11–28.12: 9 calendar
    weeks), three pupils of 5А with 1, 2 and 3 marks in Математика THEN 9 × 2/9 = 2 marks are due:
    only the pupil with 1 mark is «мало отметок»; without pro-rating all three are."""
    toml = loaded.path / "zhurnal.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("min_marks_quarter = 3", "min_marks_quarter = 9"),
                    encoding="utf-8")
    week = parse_week("2026-W46")
    section = Section(FALLING, "Математика", "")
    school = loaded.school()
    teacher = school.load[section]
    path = loaded.week_templates(week)[("journal", teacher)]
    [(sheet, info)] = [(n, i) for n, i in journal_sheets(path).items() if i["section"] == section]
    lessons = [k for k in info["keys"] if not k.startswith("extra")]
    pupils = info["students"][:3]
    typed = {(sid, key): "4" for n, sid in enumerate(pupils, start=1) for key in lessons[:n]}
    loaded.drop_grid(path, {sheet: typed})
    assert loaded.ingest(now=dt.datetime(2026, 11, 14, 14, 0)).ok
    period = school.calendar.period_row("Q2")
    assert marks_due(9, period, week, True) == 9 * 2 / 9 == 2.0
    for pro_rata, few in ((True, {pupils[0]}), (False, set(pupils))):
        if not pro_rata:
            toml.write_text(toml.read_text(encoding="utf-8").replace("few_marks_pro_rata = true",
                                                                     "few_marks_pro_rata = false"), encoding="utf-8")
        settings = load_settings(loaded.path)
        assert settings.metrics.few_marks_pro_rata is pro_rata
        with loaded.engine.connect() as conn:
            data = week_summary(conn, school, settings, week)
        mine = {r.student_id: r for r in data.results if r.class_code == FALLING and r.subject == "Математика"}
        assert {sid: mine[sid].count for sid in pupils} == dict(zip(pupils, (1, 2, 3)))
        assert {sid for sid, r in mine.items() if r.result == "мало"} == few
        # «Ведение журнала» counts pupils behind, those without any mark too
        assert {sid for sid, r in mine.items() if r.few} == few | (set(mine) - set(pupils))


def period_oracle(ws: Workspace, code: str, start: dt.date, end: dt.date) -> tuple[float, float]:
    """(average, quality %) of ``code``'s period results from plain SQL: per pupil × 5-point
    subject the weighted mean of its marks from ``start`` to ``end``; a result with fewer than 3
    marks (the quarter's minimum) is н/а, still in N; quality = results at 3.5 or more × 100 / N."""
    with ws.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT e.student_id, l.subject, e.marks, COALESCE(w.weight, 1.0) FROM journal_entries e "
            "JOIN lessons l ON l.id = e.lesson_id JOIN subjects sub ON sub.name = l.subject AND sub.scale = '5' "
            "LEFT JOIN work_types w ON w.name = l.work_type "
            "WHERE l.class_code = ? AND l.date BETWEEN ? AND ? AND e.marks <> ''",
            (code, start.isoformat(), end.isoformat())).all()
    sums: dict[tuple[int, str], list[float]] = {}
    for sid, subject, marks, weight in rows:
        for mark in re.findall(r"[1-5]", marks):
            total = sums.setdefault((sid, subject), [0.0, 0.0, 0])
            total[0] += weight * int(mark)
            total[1] += weight
            total[2] += 1
    averages = [(total / weights, count) for total, weights, count in sums.values()]
    good = sum(1 for a, count in averages if count >= 3 and round(a, 2) >= 3.5)
    return round(sum(a for a, _ in averages) / len(averages), 2), round(good * 100 / len(averages), 1)


def test_the_period_and_year_reports_open_on_the_same_front_page_and_charts(two_weeks):
    """WHEN the director's Q2 report and year report are made THEN both open on «Главное» and
    «Динамика»; the Q2 front page's table gives 5А's period average and quality as plain SQL
    counts them; the year's «Динамика» gives the quality by pupils «Итоги по ученикам» gives;
    every chart series of both points at cells of its workbook."""
    from zhurnal.publish.run import publish_period
    from zhurnal.publish.year_report import write_year_report
    ws = two_weeks
    period = publish_period(ws.ctx(), "Q2")
    # no period mark is stored: the families' report cards wait, the director's report does not
    assert period.diaries == period.mails == 0 and all(w["held"] == w["of"] for w in period.waiting_for_marks)
    path = period.summaries[0]
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:3] == ["Главное", "Динамика", "Данные динамики"]
    main = book["Главное"]
    assert main["A1"].value == "Главное: 2 четверть; для сравнения — 1 четверть"
    header = next(r for r in main.iter_rows(values_only=True) if r[0] == "Класс")
    assert header[2] == "Качество, % (этот период)" and header[4] == "Средний балл (этот период)"
    row = next(r for r in main.iter_rows(values_only=True) if r[0] == FALLING)
    average, quality = period_oracle(ws, FALLING, dt.date(2026, 11, 5), dt.date(2026, 12, 28))
    assert (row[2], row[4]) == (quality, average)
    assert _blocks(book["Данные динамики"])["Средний балл"][FALLING][3:5] == (
        week_oracle(ws, FALLING, WEEK)[0], 2.0)
    _series_cells(path, book)
    with ws.engine.connect() as conn:
        year = write_year_report(conn, 1, ws.path / "year.xlsx", ws.settings)
    book = openpyxl.load_workbook(year)
    assert book.sheetnames[:3] == ["Главное", "Динамика", "Движение"]
    trend = {r[0]: r for r in book["Динамика"].iter_rows(min_row=4, values_only=True) if r[0]}
    header = next(r for r in book["Динамика"].iter_rows(values_only=True) if r[0] == "Класс")
    results = list(book["Итоги по ученикам"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(results) if r[0] and str(r[0]).startswith("2 четверть"))
    q2 = {}
    for r in results[start + 2:]:
        if not r[0]:
            break               # the next period's block
        q2[r[0]] = r
    pupil_quality = results[start + 1].index("Качество, %")
    q2_col = header.index("2 четверть")
    for code in ("5А", "6А", "9А"):
        assert trend[code][q2_col] == q2[code][pupil_quality]
    rows = list(book["Динамика"].iter_rows(values_only=True))
    first = next(i for i, r in enumerate(rows) if r[0] == "Предмет") + 1
    subjects = next((i for i, r in enumerate(rows[first:]) if not r[0]), len(rows) - first)
    # one column series per term and the year, one line per subject
    assert len(_series_cells(year, book)) == len([h for h in header[1:] if h]) + subjects > 7


def _series_cells(path, book) -> list[list]:
    """Every chart series' values range in ``path`` read back from ``book``: each names one of its
    sheets and holds numbers or blanks only; the ranges."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for name in [n for n in archive.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]:
            root = ElementTree.parse(io.BytesIO(archive.read(name))).getroot()
            for series in root.iter(f"{CHART}ser"):
                formula = series.find(f"{CHART}val/{CHART}numRef/{CHART}f").text
                sheet_name, area = formula.rsplit("!", 1)
                sheet = book[sheet_name.strip("'")]
                low_col, low_row, high_col, high_row = range_boundaries(area.replace("$", ""))
                cells = [sheet.cell(r, c).value for r in range(low_row, high_row + 1) for c in range(low_col, high_col + 1)]
                assert all(v is None or isinstance(v, (int, float)) for v in cells), formula
                found.append(cells)
    return found


@pytest.mark.soffice
def test_libreoffice_draws_the_charts(two_weeks, tmp_path):
    """The W49 summary converted to PDF by LibreOffice: the front page is one page and the chart
    titles of «Главное» and «Динамика» are drawn (pdftotext reads them from the chart objects)."""
    import subprocess
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is required: .ci/run installs libreoffice-calc"
    ws = two_weeks
    with ws.engine.connect() as conn:
        school = ws.school()
        data = week_summary(conn, school, ws.settings, NEXT)
        front = week_front(conn, school, ws.settings, NEXT, data)
    path = write_summary(tmp_path / "week.xlsx", data, ws.settings, with_week=True, front=front)
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(path)], check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "week.pdf"
    page = lambda n: subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],  # noqa: E731
                                    check=True, capture_output=True, text=True).stdout
    first, second = page(1), page(2)
    assert first.lstrip().startswith("Главное: неделя 30.11–06.12.2026") and "Динамика по неделям" not in first
    assert "Качество по классам: прошлая неделя и эта неделя" in first
    assert "Качество, % по классам по неделям этого периода" in second
    assert "Посещаемость, % по классам по неделям этого периода" in second
