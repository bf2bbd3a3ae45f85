"""Publishing a week: every diary holds exactly its student's week and nobody else's, mail
goes to the right parents, print bundles cover the rest, summaries are safe and right."""

from __future__ import annotations

import datetime as dt
import email
import re
import subprocess
from collections import Counter, defaultdict
from email.policy import default
from pathlib import Path

import openpyxl
from conftest import WEEK, journal_sheets, mailed_children, s

from zhurnal.publish.run import publish_period, publish_week

MARK = re.compile(r"^(?:[1-5][+-]?|зач|незач)$")


def pdf_words(path: Path) -> list[tuple[int, float, float, str]]:
    """(page, x, y, word) for every word, as pdftotext -bbox sees the page."""
    done = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, check=True, text=True)
    assert done.stderr == "", (path, done.stderr)      # poppler reads it without complaint
    html = done.stdout
    words, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        found = re.search(r'xMin="([\d.]+)" yMin="([\d.]+)".*?>(.*?)</word>', line)
        if found:
            words.append((page, float(found.group(1)), float(found.group(2)), found.group(3)))
    return words


def marks_column(words) -> list[str]:
    """Words in the «Отметки» column of the day tables («Посещение» in a class without marks;
    right of its header, above the sections that follow the days: averages and absences)."""
    headers = [(p, x, y) for p, x, y, w in words if w in ("Отметки", "Посещение")]
    # the day tables' last column (the period table's «Отметки за период» sits further left)
    header_x = max(x for _, x, _ in headers)
    first_page, _, first_y = min(headers, key=lambda h: (h[0], h[2]))
    stop = {(p, y) for p, _, y, w in words if w in ("Средние", "Пропуски")}
    running = {(p, y) for p, _, y, w in words if w == "стр."}     # «стр. N из M» of the running header
    found = []
    for page, x, y, word in words:
        if (page, y) < (first_page, first_y) or (page, y) in running:
            continue  # the title block above the first day (its period name may hold digits)
        if x >= header_x - 1 and not any(p == page and y >= stop_y for p, stop_y in stop):
            found.append(word)
    return found


def column_text(words, left: str, right: tuple[str, ...]) -> str:
    """The words of a day table's column, from its header word ``left`` up to the next column's
    header (one of ``right``), in reading order (page, line, x): a cell's wrapped lines stay
    together, where pdftotext's own order may interleave two wrapped cells of one row."""
    found = []
    for page in sorted({p for p, *_ in words}):
        lefts = [x for p, x, _, w in words if p == page and w == left]
        if not lefts:
            continue
        start = min(lefts) - 1
        rights = [x for p, x, _, w in words if p == page and w in right and x > start]   # not another table's
        if not rights:
            continue
        stop = min(rights) - 1
        found += sorted((p, y, x, w) for p, x, y, w in words if p == page and start <= x < stop)
    return " ".join(w for *_, w in found)


def text_of(path: Path, first: int = 1) -> str:
    """The text of the PDF at ``path`` from page ``first`` on, white space squeezed."""
    done = subprocess.run(["pdftotext", "-f", str(first), str(path), "-"], capture_output=True, check=True, text=True)
    assert done.stderr == "", (path, done.stderr)
    return re.sub(r"\s+", " ", done.stdout)


def pages_of(path: Path) -> int:
    done = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True, text=True)
    assert done.stderr == "", (path, done.stderr)
    return int(re.search(r"^Pages:\s+(\d+)", done.stdout, re.M).group(1))


def running_headers(words) -> dict[int, str]:
    """Page → the text of its running header line (the line holding «стр. N из M»)."""
    lines = {(p, y) for p, _, y, w in words if w == "стр."}
    return {p: " ".join(w for q, _, y, w in words if (q, y) == (p, line_y)) for p, line_y in sorted(lines)}


def typed_week(ws) -> dict[int, dict]:
    """Per student: the marks, «н» and «оп» counts, topics, homework and absences the demo typed
    for W48, read from what it typed (``ws.filled``) and the typed journals' own sheets (which
    students each sheet lists), never from the store."""
    filled = ws.filled
    found = defaultdict(lambda: {"marks": Counter(), "absent": 0, "late": 0, "topics": set(), "homework": set(),
                                 "absences": []})
    for teacher, path in filled.journals.items():
        sheets = journal_sheets(path)
        for sheet, values in filled.values[teacher].items():
            for (who, _key), value in values.items():
                if who in ("topic", "homework"):
                    for sid in sheets[sheet]["students"]:
                        found[sid]["topics" if who == "topic" else "homework"].add(value)
                elif isinstance(who, int):
                    if value == "н":
                        found[who]["absent"] += 1
                    elif value == "оп":
                        found[who]["late"] += 1
                    else:
                        found[who]["marks"].update(value.split("/"))
    for (sid, day), (missed, _reason, _) in filled.absent.items():
        found[sid]["absences"].append((f"{day:%d.%m}", missed))
    return found


def test_every_diary_holds_its_students_week_and_nobody_elses(week_ws):
    report = publish_week(week_ws.ctx(), WEEK)
    school = week_ws.school()
    active = {sid: st for sid, st in school.students.items() if st["active"]}
    assert report.diaries == len(active)
    expected = typed_week(week_ws)
    names = {st["full_name"] for st in active.values()}
    # the test school has two unrelated families called Смирнов with children in one class
    smirnovs = [st for st in active.values() if st["class_code"] == "5А" and st["full_name"].startswith("Смирнов")]
    assert len(smirnovs) >= 2
    for sid, student in active.items():
        [pdf] = (week_ws.settings.outbox / WEEK.label / "diaries").rglob(f"*_{sid}.pdf")
        text = text_of(pdf)
        want = expected[sid]
        assert student["full_name"] in text
        assert not [n for n in names - {student["full_name"]} if n in text], sid
        words = pdf_words(pdf)
        # pdfinfo reads the document catalog that pdftotext may skip
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True)
        pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
        assert info.stderr == "", info.stderr
        # every page names its student (and the class and week), numbered within the diary
        headers = running_headers(words)
        assert sorted(headers) == list(range(1, pages + 1)), (pdf, headers)
        for page, line in headers.items():
            assert f"{student['full_name']} · {student['class_code']} класс · неделя 23.11–29.11.2026" in line
            assert line.endswith(f"стр. {page} из {pages}"), line
        # Russian decimals: «4,55», never «4.55» (a date's «23.11.2026» is not a decimal)
        assert not re.search(r"(?<![\d.])\d\.\d\d(?![\d.])", text), student["full_name"]
        if student["class_code"] == "1А":    # grade 1: its own topics, no homework, no marks
            assert "Состав числа" in text or "Слог" in text or "Что такое Родина" in text
            assert not re.search(r"§|Упр\.|Десятичные дроби|Однородные члены", text)
        if "Средние баллы" in text:
            assert re.search(r"(?<![\d,])[1-5],\d\d(?![\d,])", text)
        column = marks_column(words)
        assert Counter(w for w in column if MARK.match(w)) == want["marks"], student["full_name"]
        assert column.count({"м": "отсутствовал", "ж": "отсутствовала"}[student["sex"]]) == want["absent"]
        assert ("Отметки" in {w for *_, w in words}) == (student["class_code"][0] != "1"
                                                         or student["class_code"][:2] in ("10", "11"))
        assert column.count("опоздание") == want["late"]
        # a cell may wrap a topic over lines, and pdftotext joins a line ending in "-" with the next
        squeeze = lambda value: re.sub(r"[\s-]+", "", value)
        # each column read on its own: a remark row under a lesson makes pdftotext interleave cells
        squeezed = squeeze(column_text(words, "Тема", ("Домашнее",)) + " "
                           + column_text(words, "Домашнее", ("Отметки", "Посещение")))
        for item in want["topics"] | want["homework"]:                  # grade 1 has no homework
            assert squeeze(item) in squeezed, (student["full_name"], item)
        for day, lessons in want["absences"]:
            assert f"{day}: пропущено уроков — {lessons}" in text
        assert text.count(": пропущено уроков — ") == len(want["absences"]), student["full_name"]


def test_mail_goes_to_each_parent_with_only_their_children(week_ws):
    report = publish_week(week_ws.ctx(), WEEK)
    school = week_ws.school()
    expected = mailed_children(week_ws)
    class_teachers = {r["code"]: r["class_teacher"] for r in week_ws.rows(s.classes)}
    teacher_email = {r["full_name"]: r["email"] for r in week_ws.rows(s.teachers)}
    class_of = {st["full_name"]: st["class_code"] for st in school.students.values()}
    mails = list((week_ws.settings.outbox / WEEK.label / "mail").glob("diary.*.eml"))
    assert len(mails) == report.mails == len(expected)
    seen = {}
    for path in mails:
        message = email.message_from_bytes(path.read_bytes(), policy=default)
        address = message["To"].addresses[0].addr_spec
        assert address not in seen
        attached = [part.get_filename() for part in message.iter_attachments()]
        children = expected[address]
        assert len(attached) == len(children)
        for name in children:
            assert any(name.replace(" ", "_") in a for a in attached)
        many = len(children) > 1
        assert message["Subject"].startswith(f"{'Дневники' if many else 'Дневник'} за неделю 23.11–29.11.2026")
        assert all(name in message["Subject"] for name in children), (message["Subject"], children)
        body = message.get_body(("plain",)).get_content()
        assert body.startswith("Здравствуйте")
        assert ("электронные дневники за неделю" in body and "В них " in body) if many else \
            ("электронный дневник за неделю" in body and "В нём " in body)
        for name in children:    # whom to tell about a mistake, with the address
            teacher = class_teachers[class_of[name]]
            assert f"{teacher} ({teacher_email[teacher]})" in body, body
        # the school's clock (Europe/Moscow by default), not -0000
        assert message["Date"].datetime.utcoffset() == dt.timedelta(hours=3), message["Date"]
        seen[address] = path
    # raw headers are RFC 2047 encoded ASCII; the body is UTF-8
    raw = mails[0].read_bytes().split(b"\r\n\r\n", 1)[0]
    assert raw.isascii() and b"=?utf-8?" in raw.lower()

    # families without email (or who opted out) are in their class's print bundle
    mailed = {n for names in expected.values() for n in names}
    for bundle in report.print_bundles:
        text = text_of(Path(bundle), first=2)      # the diaries, after the cover (see test_print_bundle_cover)
        class_code = Path(bundle).stem.split("_", 1)[1]
        paper = {st["full_name"] for st in school.class_students(class_code) if st["full_name"] not in mailed}
        assert paper and all(name in text for name in paper)
        # pages are numbered within each student's diary, so a mixed-up pile sorts back
        assert text.count("стр. 1 из") == len(paper), class_code
        assert all(f"{name} · {class_code} класс" in text for name in paper)
        assert not [st["full_name"] for st in school.class_students(class_code)
                    if st["full_name"] in mailed and st["full_name"] in text]
        # the bundle is the diaries already rendered, page for page (poppler counts them)
        own = [pdf for pdf in (Path(report.outbox) / "diaries").rglob("*.pdf")
               if any(pdf.name.startswith(name.replace(" ", "_") + "_") for name in paper)]
        assert len(own) == len(paper)
        assert pages_of(Path(bundle)) == 1 + sum(pages_of(pdf) for pdf in own)


def test_an_address_a_mail_server_cannot_take_never_stops_the_schools_mail(week_ws):
    """GIVEN a parent whose stored address has Cyrillic before «@» (stored before the roster
    checked it) WHEN the week is published THEN that parent is listed as failed, their child's
    diary goes into the class's print bundle, and every other parent's mail is written."""
    with week_ws.engine.begin() as conn:
        # a parent who is the only one mailed the diary of each of their children
        only = ("SELECT g.student_id FROM guardianships g JOIN parents p ON p.id = g.parent_id "
                "WHERE g.receives_diary AND p.email IS NOT NULL GROUP BY g.student_id HAVING COUNT(*) = 1")
        parent_id = conn.exec_driver_sql(
            "SELECT g.parent_id FROM guardianships g JOIN parents p ON p.id = g.parent_id "
            f"WHERE g.receives_diary AND p.email IS NOT NULL GROUP BY g.parent_id "
            f"HAVING SUM(CASE WHEN g.student_id IN ({only}) THEN 0 ELSE 1 END) = 0 ORDER BY g.parent_id LIMIT 1").scalar()
        children = [r[0] for r in conn.exec_driver_sql(
            "SELECT s.full_name FROM students s JOIN guardianships g ON g.student_id = s.id "
            f"WHERE g.parent_id = {parent_id} AND g.receives_diary").all()]
        conn.exec_driver_sql(f"UPDATE parents SET email = 'иван@почта.рф' WHERE id = {parent_id}")
    report = publish_week(week_ws.ctx(), WEEK)
    assert len(report.failed) == 1 and "иван@почта.рф" in report.failed[0]
    mails = list((Path(report.outbox) / "mail").glob("diary.*.eml"))
    assert mails and not any(f".p{parent_id}." in m.name for m in mails)
    bundles = " ".join(text_of(Path(b)) for b in report.print_bundles)
    assert children and all(name in bundles for name in children)


def test_unchanged_diaries_are_not_mailed_again(week_ws):
    from zhurnal.publish import ledger
    first = publish_week(week_ws.ctx(), WEEK)
    mail = week_ws.settings.outbox / WEEK.label / "mail"
    with week_ws.engine.begin() as conn:   # every delivery failed for now: nothing was delivered
        # (not 'refused': an address refused for good is not mailed again until the roster changes
        # it, tests/test_wrong_addresses.py)
        conn.exec_driver_sql("UPDATE mail_ledger SET status = 'failed' WHERE kind = 'diary'")
    refused = publish_week(week_ws.ctx(), WEEK)
    assert refused.mails == first.mails and refused.unchanged == 0      # built again, not "already sent"
    assert len(list(mail.glob("diary.*.eml"))) == first.mails
    with week_ws.engine.begin() as conn:   # as if the server accepted everything
        for path in (week_ws.settings.outbox / WEEK.label / "mail").glob("diary.*.eml"):
            message = email.message_from_bytes(path.read_bytes(), policy=default)
            ledger.mark(conn, message["Message-ID"], "sent", "250")
            path.unlink()
    second = publish_week(week_ws.ctx(), WEEK)
    assert second.mails == 0 and second.unchanged == first.mails
    forced = publish_week(week_ws.ctx(), WEEK, force=True)
    assert forced.mails == first.mails


def test_summary_workbook_sheets_and_period_report(week_ws):
    report = publish_week(week_ws.ctx(), WEEK)
    book = openpyxl.load_workbook(report.summaries[0])
    assert book.sheetnames == ["Главное", "Динамика", "Данные динамики", "Ведомость", "Метрики", "Пропуски",
                               "Ведение журнала", "Домашние задания", "Группа риска", "Пояснения"]
    assert book["Метрики"]._charts and book["Пропуски"]._charts
    assert book["Ведомость"].conditional_formatting
    rows = list(book["Ведение журнала"].iter_rows(min_row=4, values_only=True))
    control = rows[:next((i for i, row in enumerate(rows) if not row[0]), len(rows))]    # the teachers' table
    assert control and all(row[5] == "в срок" for row in control)
    _check_absence_sheet(week_ws, book["Пропуски"])
    _check_metrics_chart(book["Метрики"])
    period = publish_period(week_ws.ctx(), "Q2")
    assert period.diaries == 0 and period.waiting_for_marks        # no period mark yet: no report card
    assert openpyxl.load_workbook(period.summaries[0]).sheetnames == [
        "Главное", "Динамика", "Данные динамики", "Ведомость", "Метрики", "Пропуски", "Группа риска", "Пояснения"]


def _cells(sheet, ref: str) -> list:
    """The values of a chart's range ``'Sheet'!$C$5:$C$9`` read from ``sheet``."""
    area = ref.split("!", 1)[1].replace("$", "")
    return [row[0].value for row in sheet[area]] if ":" in area else [sheet[area].value]


def _check_absence_sheet(ws, sheet) -> None:
    """Each student's absences by reason, total and period total, the class totals and the bar
    chart over them, against the absences the demo typed into the registers (W48 is the only
    week in the store, so the period total is the week's)."""
    with ws.engine.connect() as conn:
        students = {sid: (name, code) for sid, name, code in conn.exec_driver_sql(
            "SELECT id, full_name, class_code FROM students")}
    expected: dict[str, dict] = {}
    for (sid, _day), (missed, reason, _) in ws.filled.absent.items():
        name, code = students[sid]
        record = expected.setdefault(name, {"class": code, "total": 0, "by_reason": Counter()})
        record["total"] += missed
        record["by_reason"][reason] += missed
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    header, split = rows[0], next(i for i, r in enumerate(rows) if r[0] == "По классам")
    assert header[:2] == ("Класс", "Ученик") and header[-3:] == ("За период: уроков", "За период: дней",
                                                                "За период: опозданий")
    lessons_col = {i: h.rsplit("(", 1)[1].rstrip(")") for i, h in enumerate(header)
                   if h.startswith("Уроков: ") and "(" in h}
    total_col, period_col = header.index("Всего уроков"), header.index("За период: уроков")
    reason_of = lessons_col
    table = {r[1]: r for r in rows[1:split] if r[1]}
    # a row per pupil who missed lessons or was late: the ones who missed are exactly those typed
    assert {name for name, row in table.items() if row[total_col]} == set(expected)
    for name, row in table.items():
        want = expected.get(name, {"class": row[0], "total": 0, "by_reason": Counter()})
        assert row[0] == want["class"], name
        assert {reason_of[i]: row[i] for i in reason_of} == {r: want["by_reason"][r] for r in reason_of.values()}, name
        assert (row[header.index("Уроков: Причина не указана")], row[total_col], row[period_col]) == (
            0, want["total"], want["total"]), name
    assert set().union(*(w["by_reason"] for w in expected.values())) <= set(reason_of.values())
    totals = Counter()
    for want in expected.values():
        totals[want["class"]] += want["total"]
    assert rows[split + 1][:3] == ("Класс", None, "Уроков пропущено")
    by_class = [(r[0], r[2]) for r in rows[split + 2:] if r[0]]
    # every class is listed, those without absences with 0
    with ws.engine.connect() as conn:
        classes = {code for code, in conn.exec_driver_sql("SELECT code FROM classes")}
    assert {c for c, _ in by_class} == classes and len(by_class) == len(classes)
    assert dict(by_class) == {code: totals.get(code, 0) for code in classes}
    [chart] = sheet._charts
    [series] = chart.series
    assert _cells(sheet, series.cat.strRef.f if series.cat.strRef else series.cat.numRef.f) == [c for c, _ in by_class]
    assert _cells(sheet, series.val.numRef.f) == [n for _, n in by_class]


def _check_metrics_chart(sheet) -> None:
    """The columns chart shows the «по классам» table of the period block: its class labels as
    categories and its success, quality and both СОУ columns (by pupils, by marks) as the series."""
    rows = list(sheet.iter_rows(values_only=True))
    caption = next(i for i, r in enumerate(rows) if r[0] and str(r[0]).startswith("За период") and
                   str(r[0]).endswith("по классам (по ученикам)"))
    header = rows[caption + 1]
    classes = []
    for r in rows[caption + 2:]:
        if not r[0]:
            break
        classes.append(r)
    [chart] = sheet._charts
    named = ("Успеваемость, %", "Качество, %", "СОУ по ученикам, %", "СОУ по отметкам, %")
    assert [s.tx.v if s.tx.v else s.tx.strRef.f for s in chart.series] == list(named)
    for series, column in zip(chart.series, named, strict=True):
        col = header.index(column)
        assert _cells(sheet, series.cat.strRef.f if series.cat.strRef else series.cat.numRef.f) == [r[0] for r in classes]
        assert _cells(sheet, series.val.numRef.f) == [r[col] for r in classes]
    assert classes and all(isinstance(r[header.index("Успеваемость, %")], (int, float)) for r in classes)


def test_the_same_summary_written_at_another_moment_is_the_same_message(tmp_path):
    """The deputy's mail is named by its workbook's content: the file's length is not that (the
    compressed size changes with the creation time written inside), so a rerun of the same week
    would mail the same summary again under another Message-ID."""
    import xlsxwriter

    from zhurnal.publish.staff_mail import workbook_fingerprint as _workbook_fingerprint

    def summary(name: str, created: dt.datetime, text: str) -> bytes:
        book = xlsxwriter.Workbook(str(tmp_path / name))
        book.set_properties({"created": created})
        book.add_worksheet("Ведомость").write(0, 0, text)
        book.close()
        return (tmp_path / name).read_bytes()

    first = summary("a.xlsx", dt.datetime(2026, 11, 28, 14, 0, 0), "5А: 4,55")
    again = summary("b.xlsx", dt.datetime(2026, 11, 28, 14, 7, 39), "5А: 4,55")
    other = summary("c.xlsx", dt.datetime(2026, 11, 28, 14, 0, 0), "5А: 4,56")
    assert first != again
    assert _workbook_fingerprint(first) == _workbook_fingerprint(again)
    assert _workbook_fingerprint(first) != _workbook_fingerprint(other)


def test_a_diary_that_fails_to_render_keeps_the_familys_waiting_mail(week_ws, monkeypatch):
    """GIVEN the week published (mail waiting) WHEN it is published again and one child's diary
    cannot be rendered THEN the failure is listed, that family gets no new message and the one
    waiting for them stays waiting (it is not superseded by nothing); the other families' mail
    is the same as before."""
    from zhurnal.publish.diary import DiaryRenderer, RenderError
    first = publish_week(week_ws.ctx(), WEEK)
    with week_ws.engine.connect() as conn:
        parent_id, child = conn.exec_driver_sql(
            "SELECT g.parent_id, MIN(g.student_id) FROM guardianships g JOIN mail_ledger m ON m.parent_id = g.parent_id "
            "WHERE g.receives_diary AND m.status = 'queued' GROUP BY g.parent_id HAVING COUNT(DISTINCT g.student_id) = 1 "
            "ORDER BY g.parent_id LIMIT 1").one()
        # every parent mailed that child's diary (a child may have two)
        families = conn.exec_driver_sql(
            f"SELECT g.parent_id FROM guardianships g JOIN parents p ON p.id = g.parent_id "
            f"WHERE g.student_id = {child} AND g.receives_diary AND p.email IS NOT NULL").scalars().all()
        waiting = sorted(conn.exec_driver_sql(
            f"SELECT message_id, status FROM mail_ledger WHERE parent_id IN ({', '.join(map(str, families))})").all())
    assert parent_id in families and len(waiting) == len(families) and {s for _, s in waiting} == {"queued"}
    [pdf] = (Path(first.outbox) / "diaries").rglob(f"*_{child}.pdf")
    pdf.unlink()                           # rendered again, and this time it fails
    original = DiaryRenderer.render_one
    monkeypatch.setattr(DiaryRenderer, "render_one", lambda self, diary: RenderError("шаблон сломан")
                        if diary["student_id"] == child else original(self, diary))
    again = publish_week(week_ws.ctx(), WEEK)
    assert len(again.failed) == 1 and "шаблон сломан" in again.failed[0]
    assert again.superseded == 0 and again.mails == first.mails - len(families)
    with week_ws.engine.connect() as conn:
        assert sorted(conn.exec_driver_sql(
            f"SELECT message_id, status FROM mail_ledger WHERE parent_id IN ({', '.join(map(str, families))})"
        ).all()) == waiting
        assert conn.exec_driver_sql("SELECT COUNT(*) FROM mail_ledger WHERE status = 'superseded'").scalar() == 0
