"""The school year closed: a small demo year (two classes) run week by week and closed, its
archive checked with other tools (pikepdf, pdftotext, hashlib, plain SQL), the lock refusing an
ingest change, and the reopen kept as an event."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pikepdf
import pytest
from click.testing import CliRunner
from conftest import Workspace, s
from sqlalchemy import create_engine, select, text, update

from zhurnal.batch.issue import issue_period
from zhurnal.cli import main
from zhurnal.demo.fill import fill_grid, grid_values
from zhurnal.demo.year import run_year
from zhurnal.year.snapshot import snapshot_digest

CLASSES = [("5А", 5, 6), ("9А", 9, 6)]
YEAR = "2026-2027"
JUNE = dt.datetime(2027, 6, 1, 12, 0)
MARK = re.compile(r"^[1-5][+-]?(/[1-5][+-]?)?$")
DATE = re.compile(r"^\d\d\.\d\d$")
FINAL = ("н/а", "осв", "зач", "незач")      # term and year marks beside 1–5


@pytest.fixture(scope="session")
def closed_year(tmp_path_factory) -> Path:
    """The two-class demo year, run through and closed (read-only for tests: copy to change)."""
    path = tmp_path_factory.mktemp("year") / "ws"
    summary = run_year(path, classes=CLASSES, publish=False, echo=lambda line: None)
    assert summary.ok and summary.weeks >= 30 and summary.close and not summary.close.already_closed
    return path


def _sql(path: Path, query: str, **params) -> list[tuple]:
    engine = create_engine(f"sqlite:///{path / 'master.sqlite'}")
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(query), params)]
    engine.dispose()
    return rows


def _pdfs(path: Path) -> list[Path]:
    return sorted((path / "outbox" / "year" / YEAR).rglob("*.pdf"))


def _pages(pdf: Path) -> list[str]:
    """pdftotext -layout, page by page (form feeds split the pages)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True).stdout
    return out.split("\f")[:-1]


def _manifest(path: Path) -> dict:
    return json.loads((path / "outbox" / "year" / YEAR / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_archive_is_pdfa_and_every_page_names_class_page_and_snapshot(closed_year):
    """GIVEN the closed year THEN each class has its journal, ledger, corrections and pupils' list PDF; each is
    PDF/A-2b (XMP pdfaid part 2, conformance B; an /OutputIntents entry of subtype GTS_PDFA1);
    every page shows its class, «стр. N из M» and the snapshot digest kept with the close event."""
    [(digest,)] = _sql(closed_year, "select snapshot from year_events where action = 'close'")
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    pdfs = _pdfs(closed_year)
    assert [p.relative_to(closed_year / "outbox" / "year" / YEAR).as_posix() for p in pdfs] == [
        "5А/Журнал 5А.pdf", "5А/Исправления 5А.pdf", "5А/Сводная ведомость 5А.pdf", "5А/Список учащихся 5А.pdf",
        "9А/Журнал 9А.pdf", "9А/Исправления 9А.pdf", "9А/Сводная ведомость 9А.pdf", "9А/Список учащихся 9А.pdf"]
    for pdf in pdfs:
        with pikepdf.open(pdf) as doc:
            with doc.open_metadata() as xmp:
                assert (xmp.get("pdfaid:part"), xmp.get("pdfaid:conformance")) == ("2", "B"), pdf
            intents = doc.Root.get("/OutputIntents")
            assert intents is not None and len(intents) >= 1, pdf
            assert str(intents[0].get("/S")) == "/GTS_PDFA1"
            count = len(doc.pages)
        pages = _pages(pdf)
        assert len(pages) == count
        code = pdf.parent.name
        for number, page in enumerate(pages, start=1):
            assert f"Класс {code}" in page, (pdf, number)
            assert f"стр. {number} из {count}" in page, (pdf, number)
            assert digest in page, (pdf, number)


@pytest.mark.slow
def test_ledger_holds_every_pupil_subject_row_of_the_store(closed_year):
    """GIVEN the closed year WHEN the ledger PDF is read with pdftotext THEN its rows are exactly
    the (pupil, subject) pairs of the class's period marks in the store, each with the marks of
    Q1–Q4 in order (plain SQL)."""
    for code, _, _ in CLASSES:
        rows = _sql(closed_year, "select st.full_name, pm.subject, pm.period, pm.mark from period_marks pm "
                                 "join students st on st.id = pm.student_id where st.class_code = :c", c=code)
        expected: dict[tuple[str, str], dict[str, str]] = {}
        for name, subject, period, mark in rows:
            expected.setdefault((name, subject), {})[period] = mark
        assert len(expected) >= 20
        names = {name for name, _ in expected}
        subjects = {subject for _, subject in expected}
        found = {}
        for page in _pages(closed_year / "outbox" / "year" / YEAR / code / f"Сводная ведомость {code}.pdf"):
            for line in page.splitlines():
                name = next((n for n in names if n in line), None)
                subject = next((x for x in sorted(subjects, key=len, reverse=True) if x in line), None)
                if name and subject:
                    found[(name, subject)] = line.split(subject, 1)[1].split()
        assert set(found) == set(expected)
        exams = {(name, subject): result for name, subject, result in _sql(
            closed_year, "select st.full_name, em.subject, em.result from exam_marks em join students st "
                         "on st.id = em.student_id where st.class_code = :c and em.form in ('ОГЭ', 'ГВЭ')", c=code)}
        assert bool(exams) == code.startswith("9")          # the demo's grade 9 sat ОГЭ
        for key, marks in expected.items():
            terms = [marks.get(p) for p in ("Q1", "Q2", "Q3", "Q4") if marks.get(p)]
            year, exam = marks["Y"], exams.get(key)     # every year mark was confirmed
            final = None
            # приказ № 546: mean of year and exam, half up; Алгебра and Геометрия are courses of
            # the attestat's «Математика», which has the final mark (below)
            if code.startswith("9") and year.isdigit() and key[1] not in ("Алгебра", "Геометрия"):
                final = str(int((int(year) + int(exam)) / 2 + 0.5)) if exam else year
            assert found[key] == [*terms, year, *(x for x in (exam, final) if x)], key


@pytest.mark.slow
def test_grade_9_attestat_has_mathematics_and_the_subjects_finished_before_grade_9(closed_year):
    """GIVEN the closed year WHEN 9А's ledger PDF is read THEN its attestat part gives every pupil
    «Математика» from the Алгебра and Геометрия year marks and the ОГЭ (worked out here from plain
    SQL: their mean half up, then its mean with the exam half up) and Музыка, ИЗО (grade 7) and
    Труд (grade 8) with the year marks the demo handed in for those grades."""
    year = {(n, s): m for n, s, m in _sql(closed_year, "select st.full_name, pm.subject, pm.mark from period_marks pm "
                                                       "join students st on st.id = pm.student_id "
                                                       "where st.class_code = '9А' and pm.period = 'Y'")}
    exam = {n: r for n, r in _sql(closed_year, "select st.full_name, em.result from exam_marks em join students st "
                                               "on st.id = em.student_id where st.class_code = '9А' "
                                               "and em.subject = 'Алгебра' and em.form = 'ОГЭ'")}
    prior = {(n, s): (g, m) for n, s, g, m in _sql(closed_year, "select st.full_name, pm.subject, pm.grade, pm.mark "
                                                                "from prior_marks pm join students st on st.id = "
                                                                "pm.student_id where st.class_code = '9А'")}
    names = sorted({n for n, _ in year})
    assert len(names) == 6 and set(exam) == set(names)
    assert {(s, g) for (_, s), (g, _) in prior.items()} == {
        ("Музыка", 7), ("Изобразительное искусство", 7), ("Труд (технология)", 8)}
    text_ = "\n".join(_pages(closed_year / "outbox" / "year" / YEAR / "9А" / "Сводная ведомость 9А.pdf"))
    part = text_.split("Итоговые отметки для аттестата", 1)[1]
    found: dict[tuple[str, str], list[str]] = {}
    pupil = None
    for line in part.splitlines():
        pupil = next((n for n in names if n in line and "с отличием" in line), pupil)
        for subject in ("Математика", "Музыка", "Изобразительное искусство", "Труд (технология)"):
            if line.strip().startswith(subject):
                found[(pupil, subject)] = line.split()
    with_final = 0
    for name in names:
        for subject in ("Музыка", "Изобразительное искусство", "Труд (технология)"):
            grade, mark = prior[(name, subject)]
            assert found[(name, subject)][-5:] == ["за", str(grade), "класс", mark, mark], (name, subject)
        alg, geo = year[(name, "Алгебра")], year[(name, "Геометрия")]
        line = found[(name, "Математика")]
        assert line[1:5] == ["Алгебра", f"{alg},", "Геометрия", geo], name
        if not (alg.isdigit() and geo.isdigit()):              # a course «н/а»: no final mark
            assert line[5:] == [exam[name]], name
            continue
        math_year = (int(alg) + int(geo) + 1) // 2                # (a + b)/2 half up
        final = (math_year + int(exam[name]) + 1) // 2
        assert line[5:] == [str(math_year), exam[name], str(final)], name
        with_final += 1
    assert with_final >= len(names) // 2


@pytest.mark.slow
def test_journal_pages_show_the_stored_marks_of_a_sampled_pupil(closed_year):
    """GIVEN the closed year WHEN 5А's journal is read page by page THEN the mathematics pages
    carry the store's lesson dates in order, and the sampled pupil's row holds exactly the marks
    the store has for them in mathematics, in lesson order, with each quarter's mark right after
    the quarter's last lesson and the year mark after the last quarter (plain SQL)."""
    [(pupil, sid)] = _sql(closed_year, "select full_name, id from students where class_code = '5А' "
                                       "order by full_name limit 1 offset 2")
    lessons = _sql(closed_year, "select l.date, l.lesson_no, coalesce(j.marks, '') from lessons l "
                                "left join journal_entries j on j.lesson_id = l.id and j.student_id = :sid "
                                "where l.class_code = '5А' and l.subject = 'Математика' order by l.date, l.lesson_no",
                   sid=sid)
    terms = _sql(closed_year, 'select code, name, "end" from periods where grade_from <= 5 and grade_to >= 5 '
                              "and code <> 'Y' order by \"end\"")
    stored = dict(_sql(closed_year, "select period, mark from period_marks where student_id = :sid "
                                    "and subject = 'Математика'", sid=sid))
    assert [code for code, _, _ in terms] == ["Q1", "Q2", "Q3", "Q4"] and all(c in stored for c, _, _ in terms)
    assert "Y" in stored             # the demo confirms its year marks
    expected, pending = [], list(terms)
    for day, _, marks in lessons:
        while pending and day > pending[0][2]:
            expected.append(stored[pending.pop(0)[0]])
        if marks:
            expected.append(marks)
    expected += [stored[code] for code, _, _ in pending] + [stored["Y"]]
    stored_marks = [m for _, _, m in lessons if m]
    assert len(lessons) > 60 and len(stored_marks) > 10
    dates, printed, heads = [], [], ""
    for page in _pages(closed_year / "outbox" / "year" / YEAR / "5А" / "Журнал 5А.pdf"):
        head = page.lstrip().splitlines()[0]
        if not head.startswith("Математика") or "Учитель:" not in head or "Фамилия, имя" not in page:
            continue
        lines = page.splitlines()
        at = next(i for i, line in enumerate(lines) if "Фамилия, имя" in line)
        heads += " ".join(lines[at:at + 2])
        dates += [token for token in lines[at].split("Фамилия, имя", 1)[1].split() if DATE.match(token)]
        row = next(line for line in lines if pupil in line)
        printed += [token for token in row.split(pupil, 1)[1].split() if MARK.match(token) or token in FINAL]
    assert dates == [f"{day[8:10]}.{day[5:7]}" for day, _, _ in lessons]
    assert printed == expected
    assert heads.count("четверть") >= 4 and "Год" in heads


@pytest.mark.slow
def test_journal_has_the_pupils_list_and_its_storage_period(closed_year):
    """GIVEN the closed year WHEN 9А's journal is read THEN its title page states the storage
    periods (5 years, the marks' summary 25) with the order they follow, and its second page lists
    every pupil of the class (plain SQL) in name order with the birth date, arrival and leaving."""
    pages = _pages(closed_year / "outbox" / "year" / YEAR / "9А" / "Журнал 9А.pdf")
    title = " ".join(pages[0].split())
    assert "Срок хранения: 5 лет" in title and "хранится 25 лет" in title
    assert "приказом Росархива от 20.12.2019 № 236" in title
    assert "Список учащихся" in pages[0] and pages[1].lstrip().startswith("Список учащихся")
    pupils = _sql(closed_year, "select full_name, birth_date, arrived_on, left_on from students "
                               "where class_code = '9А' order by full_name")
    assert len(pupils) >= 6
    rows = [line for line in pages[1].splitlines() if re.match(r"^\s*\d+\s", line)]
    assert len(rows) == len(pupils)
    for no, (line, (name, born, arrived, left)) in enumerate(zip(rows, pupils), 1):
        assert line.split()[0] == str(no) and name in line
        for day in (born, arrived, left):
            if day:
                assert f"{day[8:10]}.{day[5:7]}.{day[:4]}" in line, (name, day)


@pytest.mark.slow
def test_corrections_appendix_lists_the_changed_mark(closed_year):
    """GIVEN the demo's correction of an accepted journal WHEN the class's corrections appendix
    is read THEN the changed mark's revision (plain SQL) is there: pupil, old → new, who handed
    the file in, when, and the file."""
    rows = _sql(closed_year, "select r.key, r.old_value, r.new_value, sub.author, sub.original_name "
                             "from revisions r join submissions sub on sub.id = r.submission_id "
                             "where r.entity = 'journal_entries' and r.old_value is not null")
    assert rows, "the demo year corrects two marks"
    key, old, new, author, file = rows[0]
    code, student = key.split("/")[0], int(key.split("/")[-1])
    [(name,)] = _sql(closed_year, "select full_name from students where id = :i", i=student)
    old_mark, new_mark = json.loads(old)["marks"], json.loads(new)["marks"]
    assert old_mark != new_mark
    text_ = "\n".join(_pages(closed_year / "outbox" / "year" / YEAR / code / f"Исправления {code}.pdf"))
    line = next(line for line in text_.splitlines() if name.split()[0] in line and "Отметка" in line)
    tokens = line.split()
    assert tokens[tokens.index(new_mark) - 1] == old_mark, line
    assert author.split()[0] in line
    assert "поправка_журнал" in text_.replace(" ", "") and file.startswith("поправка_")


@pytest.mark.slow
def test_manifest_lists_every_file_with_its_sha256(closed_year):
    """GIVEN the closed year THEN manifest.json lists every file of the archive folder (but
    itself) with the sha256 and size hashlib and stat give, and the snapshot digest of the close
    event, which is the store's digest now (nothing changed since)."""
    folder = closed_year / "outbox" / "year" / YEAR
    manifest = _manifest(closed_year)
    on_disk = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json")
    assert [f["file"] for f in manifest["files"]] == on_disk
    for item in manifest["files"]:
        data = (folder / item["file"]).read_bytes()
        assert item["sha256"] == hashlib.sha256(data).hexdigest() and item["bytes"] == len(data)
    [(digest,)] = _sql(closed_year, "select snapshot from year_events")
    assert manifest["snapshot_sha256"] == digest and manifest["year"] == "2026/2027"
    ws = Workspace(closed_year)
    with ws.engine.connect() as conn:
        assert snapshot_digest(conn, 1) == digest
    ws.engine.dispose()


@pytest.mark.slow
def test_closed_year_refuses_a_change_and_reopen_needs_a_reason(closed_year, tmp_path):
    """GIVEN the closed year WHEN a teacher hands in a changed mark in the last week's journal,
    or a changed Q4 mark THEN each is rejected with «year-closed» and the store keeps its marks; ``year reopen`` without
    --reason exits 2 and changes nothing; with one it reopens (event kept with the reason) and
    the same file now meets only the closed period; ``year close 2026`` closes it again, with a
    new event."""
    path = tmp_path / "ws"
    shutil.copytree(closed_year, path)
    ws = Workspace(path)
    [(sha,)] = _sql(path, "select sha256 from submissions where status = 'accepted' and kind = 'journal' "
                          "order by id desc limit 1")
    book = openpyxl.load_workbook(path / "archive" / sha[:2] / f"{sha}.xlsx")    # the last journal as accepted
    sheet = book.worksheets[0]
    columns = {c.value: c.column for c in sheet[2] if c.value}
    key = next(k for k in columns if isinstance(k, str) and re.match(r"\d{4}-\d\d-\d\d\|\d+$", k))
    row = next(r for r in range(3, sheet.max_row + 1) if isinstance(sheet.cell(r, 1).value, (int, float))
               and sheet.cell(r, columns[key]).value in (None, ""))
    def hand_in(mark: str, name: str):
        sheet.cell(row, columns[key]).value = mark
        book.save(path / "inbox" / name)
        return ws.ingest(now=JUNE)

    report = hand_in("2", "после_закрытия.xlsx")
    [item] = report.files
    assert item.status == "rejected"
    assert "year-closed" in {f.code for f in item.findings if f.is_error}
    assert "2026/2027" in next(f for f in item.findings if f.code == "year-closed").message

    period_sheet = issue_period(ws.ctx(JUNE), "Q4")[0]                 # a period mark changed too
    sheet_name, cells = next(iter(grid_values(period_sheet).items()))
    pupil = next(i for i, k in cells if k == "mark" and isinstance(i, int))
    before = _sql(path, "select subject, mark from period_marks where student_id = :i order by subject, period", i=pupil)
    changed = "4" if cells[(pupil, "mark")] == "5" else "5"
    fill_grid(period_sheet, path / "inbox" / "четверть.xlsx", {sheet_name: {(pupil, "mark"): changed}})
    [item] = ws.ingest(now=JUNE).files
    assert item.status == "rejected" and {f.code for f in item.findings if f.is_error} == {"year-closed"}
    assert _sql(path, "select subject, mark from period_marks where student_id = :i order by subject, period",
                i=pupil) == before

    runner = CliRunner()
    where = ["--workspace", str(path)]
    refused = runner.invoke(main, [*where, "year", "reopen", "2026"])
    assert refused.exit_code == 2 and "--reason" in refused.output
    assert runner.invoke(main, [*where, "year", "reopen", "2026", "--reason", " "]).exit_code == 2
    assert _sql(path, "select action from year_events") == [("close",)]
    done = runner.invoke(main, [*where, "year", "reopen", "2026/2027", "--reason", "ошибка в отметке"])
    assert done.exit_code == 0, done.output
    assert _sql(path, "select action, reason from year_events order by id") == [
        ("close", None), ("reopen", "ошибка в отметке")]
    codes = {f.code for f in hand_in("3", "после_открытия.xlsx").files[0].findings if f.is_error}
    assert "year-closed" not in codes and "period-closed" in codes

    closed = runner.invoke(main, [*where, "year", "close", "2026"])
    assert closed.exit_code == 0, closed.output
    assert [a for a, in _sql(path, "select action from year_events order by id")] == ["close", "reopen", "close"]
    assert runner.invoke(main, [*where, "year", "close", "2025"]).exit_code == 2
    ws.engine.dispose()


@pytest.mark.slow
def test_snapshot_digest_is_the_same_on_postgresql_and_follows_the_data(closed_year, tmp_path, postgres):
    """GIVEN the closed year's store copied into PostgreSQL (``db copy``) THEN the snapshot digest
    there equals SQLite's; changing one mark changes it."""
    path = tmp_path / "ws"
    shutil.copytree(closed_year, path)
    url = postgres.url(postgres.create())
    result = CliRunner().invoke(main, ["--workspace", str(path), "db", "copy", "--to", url])
    assert result.exit_code == 0, result.output
    target, source = create_engine(url), create_engine(f"sqlite:///{path / 'master.sqlite'}")
    with target.connect() as conn:
        school = conn.execute(select(s.schools.c.id).where(s.schools.c.code == "school17")).scalar_one()
        on_postgres = snapshot_digest(conn, school)
    with source.begin() as conn:
        assert snapshot_digest(conn, 1) == on_postgres == _manifest(closed_year)["snapshot_sha256"]
        conn.execute(update(s.journal_entries).where(s.journal_entries.c.marks == "5").values(marks="4"))
        assert snapshot_digest(conn, 1) != on_postgres
    target.dispose()
    source.dispose()


@pytest.mark.slow
def test_a_year_with_an_open_period_is_closed_only_with_force_and_a_closed_year_takes_no_roster(closed_year, tmp_path):
    """GIVEN the closed year WHEN a roster of one of its classes is handed in THEN it is refused
    with «year-closed» and no pupil changes. GIVEN the year reopened and its Q4 reopened WHEN
    ``year close`` runs THEN it exits 2 naming Q4 and nothing is locked; with --force it closes."""
    path = tmp_path / "ws"
    shutil.copytree(closed_year, path)
    ws = Workspace(path)
    pupils = _sql(path, "select id, full_name, left_on from students order by id")
    roster = ws.prefilled_roster("5А")
    roster["Ученики"] = roster["Ученики"][1:]                       # a row deleted: a pupil «left»
    ws.drop_roster("5А", roster, name="список.xlsx")
    [item] = ws.ingest(now=JUNE).files
    assert item.status == "rejected" and [f.code for f in item.findings] == ["year-closed"]
    assert _sql(path, "select id, full_name, left_on from students order by id") == pupils

    runner = CliRunner()
    where = ["--workspace", str(path)]
    def closed_periods(shown: str) -> set[str]:
        return set(re.search(r"^Закрытые периоды: (.*)$", shown, re.M).group(1).split(", "))

    shown = runner.invoke(main, [*where, "status"]).output
    assert "Учебный год 2026/2027: закрыт" in shown, shown
    assert {"Q1", "Q2", "Q3", "Q4"} <= closed_periods(shown)
    assert runner.invoke(main, [*where, "year", "reopen", "2026", "--reason", "исправление"]).exit_code == 0
    assert runner.invoke(main, [*where, "period", "reopen", "Q4", "--reason", "исправление"]).exit_code == 0
    shown = runner.invoke(main, [*where, "status"]).output
    assert "Учебный год 2026/2027: открыт" in shown and "Q4" not in closed_periods(shown)
    assert {"Q1", "Q2", "Q3"} <= closed_periods(shown)
    refused = runner.invoke(main, [*where, "year", "close", "2026"])
    assert refused.exit_code == 2 and "Q4" in refused.output and "--force" in refused.output
    assert [a for a, in _sql(path, "select action from year_events order by id")] == ["close", "reopen"]
    forced = runner.invoke(main, [*where, "year", "close", "2026", "--force"])
    assert forced.exit_code == 0, forced.output
    assert [a for a, in _sql(path, "select action from year_events order by id")] == ["close", "reopen", "close"]
    ws.engine.dispose()


def _year_letters(path: Path) -> list:
    """Every year report card letter in the outbox, parsed with the standard library."""
    return [email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
            for eml in sorted((path / "outbox" / YEAR / "mail").glob("*.eml"))]


@pytest.mark.slow
def test_every_family_gets_one_year_report_card_with_the_year_marks(closed_year, tmp_path):
    """GIVEN the closed year WHEN the outbox's year letters are parsed THEN every parent with an
    address and a child enrolled at the year's end (plain SQL) has exactly one letter, with one
    one-page card per such child; the sampled pupil's card shows their four quarter marks of
    mathematics as stored and the year mark worked out here (their mean, half up); every card
    is in its class's print bundle; the ledger holds one queued ``year`` row per letter."""
    [(q4_end,)] = _sql(closed_year, "select \"end\" from periods where code = 'Q4'")
    rows = _sql(closed_year, "select p.email, s.full_name from parents p join guardianships g on g.parent_id = p.id "
                             "join students s on s.id = g.student_id where g.receives_diary and p.email <> '' "
                             "and (s.left_on is null or s.left_on > :end)", end=q4_end)
    wanted: dict[str, set[str]] = {}
    for address, pupil in rows:
        wanted.setdefault(address.lower(), set()).add(pupil)
    letters = _year_letters(closed_year)
    got: dict[str, list] = {}
    for letter in letters:
        got.setdefault(letter["To"].addresses[0].addr_spec.lower(), []).append(letter)
    assert wanted and set(got) == set(wanted)
    assert all(len(mine) == 1 for mine in got.values())
    pdfs: dict[str, bytes] = {}
    for address, [letter] in got.items():
        assert str(letter["Subject"]).startswith(("Годовой табель за 2026/2027", "Годовые табели за 2026/2027"))
        cards = [part for part in letter.iter_attachments() if part.get_content_type() == "application/pdf"]
        assert len(cards) == len(wanted[address])
        for pupil, part in zip(sorted(wanted[address], key=lambda n: n.replace(" ", "_")), sorted(
                cards, key=lambda p: p.get_filename())):
            assert pupil.replace(" ", "_") in part.get_filename()
            pdfs[pupil] = part.get_content()
    assert len(_sql(closed_year, "select message_id from mail_ledger where kind = 'year' and week = :y",
                    y=YEAR)) == len(letters)
    marks: dict[str, dict[str, str]] = {}
    for name, period, mark in _sql(closed_year, "select s.full_name, m.period, m.mark from period_marks m join "
                                                "students s on s.id = m.student_id where s.class_code = '9А' "
                                                "and m.subject = 'Алгебра' and m.period like 'Q%'"):
        marks.setdefault(name, {})[period] = mark
    pupil = next(name for name in sorted(marks) if name in pdfs and len(marks[name]) == 4
                 and all(m in ("2", "3", "4", "5") for m in marks[name].values()))
    quarters = [marks[pupil][code] for code in ("Q1", "Q2", "Q3", "Q4")]
    total = sum(int(m) for m in quarters)
    year = (2 * total + 4) // 8              # the mean of four marks, half up: 4,5 → 5, 3,25 → 3
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(pdfs[pupil])
    [page] = _pages(pdf)
    assert pupil in page and "Табель успеваемости за 2026/2027 учебный год" in page
    line = next(x for x in page.splitlines() if x.split()[:1] == ["Алгебра"])
    assert line.split()[1:6] == [*quarters, str(year)]
    assert "Итоговые отметки для аттестата" in page and "Математика" in page
    for code in ("5А", "9А"):
        bundle = closed_year / "outbox" / YEAR / "print" / f"Печать_{code}.pdf"
        text = " ".join(" ".join(_pages(bundle)).split())
        names = [n for (n,) in _sql(closed_year, "select full_name from students where class_code = :c", c=code)]
        assert all(name in text for name in names)
    for card in (closed_year / "outbox" / YEAR / "year_cards").rglob("*.pdf"):
        assert len(_pages(card)) == 1, card


@pytest.mark.slow
def test_a_second_close_mails_no_new_year_report_card(closed_year, tmp_path):
    """GIVEN the closed year WHEN it is reopened and closed again, nothing changed THEN the year
    letters in the outbox and the ledger's ``year`` rows are the same as after the first close."""
    path = tmp_path / "ws"
    shutil.copytree(closed_year, path)
    before = sorted(p.name for p in (path / "outbox" / YEAR / "mail").glob("*.eml"))
    ledger = "select message_id, recipient, status from mail_ledger where kind = 'year' order by message_id"
    rows = _sql(path, ledger)
    assert before and len(rows) == len(before)
    runner = CliRunner()
    where = ["--workspace", str(path)]
    assert runner.invoke(main, [*where, "year", "reopen", "2026", "--reason", "проверка"]).exit_code == 0
    result = runner.invoke(main, [*where, "year", "close", "2026"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (path / "outbox" / YEAR / "mail").glob("*.eml")) == before
    assert _sql(path, ledger) == rows
