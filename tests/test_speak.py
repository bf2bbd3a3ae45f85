"""The command line in the reader's own terms (issue 16): Russian help and errors through the
gettext catalogs, unknown names as usage errors, status in people's words, Russian plurals."""

from __future__ import annotations

import datetime as dt
import json
import re

from click.testing import CliRunner
from conftest import make_workspace, s

from zhurnal.cli import main
from zhurnal.text.i18n import LOCALE_DIR, choose_locale, ngettext, speaking

CYRILLIC = re.compile("[а-яА-ЯёЁ]{4,}")


def _set_locale(path, locale: str) -> None:
    toml = path / "zhurnal.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('locale = "ru"', f'locale = "{locale}"'),
                    encoding="utf-8")


def test_help_and_usage_errors_speak_the_workspace_locale(tmp_path):
    """GIVEN a workspace with locale ru (the default) WHEN --help or a bad option THEN click's own
    headings and our help are Russian, exit 0 and 2; with locale en, or LANG=en_US outside a
    workspace, English; the compiled catalogs are in the package."""
    assert (LOCALE_DIR / "ru" / "LC_MESSAGES" / "zhurnal.mo").is_file()
    assert (LOCALE_DIR / "ru" / "LC_MESSAGES" / "click.mo").is_file()
    make_workspace(tmp_path / "ws")
    runner = CliRunner()
    where = ["--workspace", str(tmp_path / "ws")]
    result = runner.invoke(main, [*where, "--help"])
    assert result.exit_code == 0 and "Usage:" not in result.output and "Options:" not in result.output
    assert CYRILLIC.search(result.output.split("\n")[0])          # the usage line itself
    result = runner.invoke(main, [*where, "status", "--bogus"])
    assert result.exit_code == 2 and "Error:" not in result.output and CYRILLIC.search(result.output)
    result = runner.invoke(main, [*where, "templates", "week", "--help"])
    assert result.exit_code == 0 and "Only this teacher" not in result.output and CYRILLIC.search(result.output)
    help_line = next(line for line in result.output.splitlines() if "--help" in line)
    assert CYRILLIC.search(help_line), help_line                  # click's own --help option too
    _set_locale(tmp_path / "ws", "en")
    result = runner.invoke(main, [*where, "--help"])
    assert result.output.startswith("Usage:") and "Options:" in result.output
    assert not CYRILLIC.search(result.output.replace("Моя школа", ""))
    outside = ["--workspace", str(tmp_path / "none")]
    assert runner.invoke(main, [*outside, "--help"], env={"LANG": "en_US.UTF-8"}).output.startswith("Usage:")
    assert not runner.invoke(main, [*outside, "--help"], env={"LANG": "C"}).output.startswith("Usage:")
    assert choose_locale(None, {}) == "ru" and choose_locale(None, {"LANG": "en_GB.UTF-8"}) == "en"


def test_unknown_names_are_usage_errors(week_ws):
    """GIVEN a school WHEN history or templates are asked for a class, student, subject or teacher
    it does not have THEN exit 2 with a Russian message and nothing written; «5A» typed with a
    Latin A finds class 5А."""
    runner = CliRunner()
    where = ["--workspace", str(week_ws.path)]
    for args in (["history", "--class", "12Я"], ["history", "--student", "999999"],
                 ["history", "--subject", "Астрология"], ["templates", "week", "2026-W49", "--teacher", "Никто Н. Н."],
                 ["templates", "plan", "--teacher", "Никто Н. Н."], ["templates", "period", "Q9"]):
        result = runner.invoke(main, [*where, *args])
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output and CYRILLIC.search(result.output), args
    assert not (week_ws.settings.templates / "2026-W49").exists()
    cyrillic = runner.invoke(main, [*where, "history", "--class", "5А", "--json"])
    latin = runner.invoke(main, [*where, "history", "--class", "5a", "--json"])
    assert cyrillic.exit_code == latin.exit_code == 0
    rows = json.loads(latin.output)
    assert rows and rows == json.loads(cyrillic.output) and {r["class_code"] for r in rows} == {"5А"}


def test_status_speaks_of_people_not_tables(week_ws):
    runner = CliRunner()
    result = runner.invoke(main, ["--workspace", str(week_ws.path), "status"])
    assert result.exit_code == 0
    assert not re.search(r"\b(journal_entries|period_marks|subgroup_members|guardianships|revisions)\b",
                         result.output)
    data = json.loads(runner.invoke(main, ["--workspace", str(week_ws.path), "status", "--json"]).output)
    assert data["counts"]["journal_entries"] > 0           # --json keeps the English keys
    assert str(data["counts"]["journal_entries"]) in result.output


def test_russian_plurals():
    """One, few and many differ in Russian (1 месте, 2 местах, 5 местах; 21 like 1, 11 like 5)."""
    with speaking("ru"):
        forms = {n: ngettext("at {n} place", "at {n} places", n) for n in (1, 2, 5, 11, 21)}
    assert forms[1] == forms[21] != forms[5] == forms[11]
    with speaking("en"):
        assert ngettext("at {n} place", "at {n} places", 1) != ngettext("at {n} place", "at {n} places", 2)


def test_an_xlsx_named_xls_is_read_by_its_content(loaded):
    """GIVEN an .xlsx roster renamed .xls WHEN ingested THEN it is read by what it is (accepted),
    never rejected with the reader's own «Cfb error» text."""
    path = loaded.drop_roster("9А", loaded.prefilled_roster("9А"), name="roster.xlsx")
    path.rename(path.with_suffix(".xls"))
    report = loaded.ingest()
    assert [(f.name, f.status, f.kind) for f in report.files] == [("roster.xls", "accepted", "roster")]


def test_validate_checks_one_file_and_keeps_nothing(loaded):
    """GIVEN a roster with a wrong e-mail, lying outside the inbox WHEN ``zhurnal validate FILE``
    THEN exit 1 and its finding at its cell (table and --json), and nothing stored, archived,
    written to the outbox or moved; a good roster exits 0."""
    data = loaded.prefilled_roster("7А")
    data["Родители"][0]["email"] = "мама@почта"
    bad = loaded.drop_roster("7А", data, name="bad.xlsx").rename(loaded.path / "bad.xlsx")
    good = loaded.drop_roster("8А", loaded.prefilled_roster("8А"), name="good.xlsx")
    archived = lambda: sorted(loaded.settings.archive.rglob("*"))
    before = (len(loaded.rows(s.submissions)), len(loaded.rows(s.revisions)), archived())
    runner = CliRunner()
    where = ["--workspace", str(loaded.path)]
    result = runner.invoke(main, [*where, "validate", str(bad), "--json"])
    assert result.exit_code == 1
    found = json.loads(result.output)
    assert found["status"] == "rejected"
    assert ("Родители", "E2", "invalid-email") in {(f["sheet"], f["cell"], f["code"]) for f in found["findings"]}
    text = runner.invoke(main, [*where, "validate", str(bad)])
    assert text.exit_code == 1 and "E2" in text.output and "invalid-email" in text.output
    assert runner.invoke(main, [*where, "validate", str(good)]).exit_code == 0
    assert (len(loaded.rows(s.submissions)), len(loaded.rows(s.revisions)), archived()) == before
    assert bad.exists() and good.exists() and not (loaded.settings.outbox / "feedback").exists()


def test_feedback_rows_speak_of_student_date_lesson_and_subject(loaded):
    """GIVEN a journal with «55» in the same student's two lessons of one day WHEN it is rejected
    THEN each «Ошибки» row names the student, the date, its own lesson number and the subject,
    the message lists the allowed marks, and the code is the last column."""
    import openpyxl
    from conftest import journal_sheets

    from zhurnal.ingest.feedback import SHEET
    from zhurnal.school.marks import allowed_values
    chosen = None
    for (kind, _), path in sorted(loaded.week_templates().items()):
        for sheet, info in (journal_sheets(path).items() if kind == "journal" else ()):
            days = [k.split("|")[0] for k in info["keys"] if "|" in k]
            twice = next((d for d in days if days.count(d) == 2), None)
            if info["students"] and twice:
                chosen = (path, sheet, info, [k for k in info["keys"] if k.startswith(twice)])
                break
        if chosen:
            break
    path, sheet, info, (first, second) = chosen
    student = info["students"][0]
    loaded.drop_grid(path, {sheet: {(student, first): "55", (student, second): "55"}})
    report = loaded.ingest()
    assert report.files[0].status == "rejected"
    book = openpyxl.load_workbook(loaded.path / report.files[0].feedback)
    rows = list(book[SHEET].iter_rows(min_row=3, values_only=True))
    header, found = rows[0], [dict(zip(rows[0], r)) for r in rows[1:] if r[-1] == "mark-out-of-scale"]
    assert header[-1] == "Код" and book[SHEET].column_dimensions["K"].width <= 20
    name = next(r["full_name"] for r in loaded.rows(s.students) if r["id"] == student)
    day = f"{dt.date.fromisoformat(first.split('|')[0]):%d.%m.%Y}"
    assert sorted((r["Ученик"], r["Дата"], r["Урок"]) for r in found) == \
        [(name, day, int(first.split("|")[1])), (name, day, int(second.split("|")[1]))]
    assert all(info["section"].subject in r["Предмет, класс"] for r in found)
    assert all(allowed_values("5") in r["Что не так и что сделать"] for r in found)


def test_templates_print_their_instructions_together_and_headers_whole(loaded):
    """GIVEN the week's journal and attendance register WHEN printed THEN the «Как заполнять»
    heading and bullets are one merged cell (one row: never split between pages) tall enough for
    its lines, lesson columns fit the longest word of a work type (no mid-word wraps), every
    header row is tall enough for its text wrapped at spaces, and the headers repeat per page."""
    import openpyxl

    from zhurnal.templates.grid import FIRST_HEADER_ROW, wrapped_lines
    templates = loaded.week_templates()
    longest = max(len(w) for r in loaded.rows(s.work_types) for w in r["name"].split())
    for kind in ("journal", "attendance"):
        sheet = openpyxl.load_workbook(next(p for (k, _), p in templates.items() if k == kind)).worksheets[0]
        notes = next(c for c in sheet["B"] if isinstance(c.value, str) and c.value.startswith("Как заполнять"))
        merged = next(r for r in sheet.merged_cells.ranges if notes.coordinate in r)
        assert merged.max_col > 3 and "\n•" in notes.value
        assert sheet.row_dimensions[notes.row].height >= 13 * notes.value.count("\n")
        assert sheet.print_title_rows
        for row in range(FIRST_HEADER_ROW + 1, FIRST_HEADER_ROW + 3):
            for cell in sheet[row][2:]:
                width = sheet.column_dimensions[cell.column_letter].width
                if cell.value:
                    assert (sheet.row_dimensions[row].height or 15) >= 15 * wrapped_lines(cell.value, width), cell.value
        if kind == "journal":
            assert sheet.column_dimensions["C"].width >= longest + 1


def test_deputy_summary_in_natural_class_order_with_legend_and_first_submission(week_ws, tmp_path):
    """GIVEN a published week WHEN the deputy opens the summary THEN classes run 1А … 11А on
    every sheet, «Пояснения» explains the columns, «—» stands where no КТП exists, and a teacher
    whose first journal came on time and was corrected within the editing window is «в срок»
    while one whose only journal came after Sunday is «с опозданием»."""
    import openpyxl
    from conftest import WEEK
    from sqlalchemy import insert, update

    from zhurnal.publish.summaries import write_summary
    from zhurnal.publish.summary_data import week_summary
    from zhurnal.school.lookup import class_sort_key
    from zhurnal.school.snapshot import load_school
    ctx = week_ws.ctx()
    journals = [r for r in week_ws.rows(s.submissions) if r["kind"] == "journal" and r["status"] == "accepted"]
    corrected, late = journals[0], journals[1]
    monday = dt.datetime(2026, 11, 30, 9, 0)
    with ctx.engine.begin() as conn:
        conn.execute(update(s.submissions).where(s.submissions.c.id.in_([corrected["id"], late["id"]]))
                     .values(received_at=monday))
        conn.execute(insert(s.submissions).values(
            school_id=corrected["school_id"], sha256="0" * 64, original_name="first.xlsx", kind="journal",
            author=corrected["author"], received_at=dt.datetime(2026, 11, 28, 9, 0), status="rejected",
            findings="[]", week=WEEK.label))
    with ctx.engine.connect() as conn:      # the summary alone: no diaries to render
        data = week_summary(conn, load_school(conn, ctx.school_id), ctx.settings, WEEK)
    book = openpyxl.load_workbook(write_summary(tmp_path / "summary.xlsx", data, ctx.settings, with_week=True))
    assert book.sheetnames[-1] == "Пояснения" and book["Пояснения"].max_row > 10
    rows = list(book["Ведение журнала"].iter_rows(min_row=4, values_only=True))
    control = {r[0]: r for r in rows[:next((i for i, r in enumerate(rows) if not r[0]), len(rows))]}  # teachers
    assert control[corrected["author"]][5] == "в срок" and control[late["author"]][5] == "с опозданием"
    assert all(r[7] == r[8] == "—" for r in control.values())     # the small school has no КТП
    # issue 27: the class-level СОУ twice, each labelled, and «Пояснения» says which is which
    headers = next(book["Метрики"].iter_rows(min_row=4, max_row=4, values_only=True))
    assert {"СОУ по ученикам, %", "СОУ по отметкам, %"} <= set(headers) and "СОУ, %" not in headers
    legend = {r[1]: r[2] for r in book["Пояснения"].iter_rows(min_row=3, values_only=True) if r[0] == "Метрики"}
    assert "отличники·100" in legend["СОУ по ученикам, %"] and "«5»·100" in legend["СОУ по отметкам, %"]
    assert "Симонов" in legend["СОУ по отметкам, %"] and "по предмету" in legend["СОУ, %"]
    metrics = [r[0] for r in book["Метрики"].iter_rows(min_row=5, values_only=True)]   # caption, headers
    classes = metrics[:metrics.index(None)]
    assert classes == sorted(classes, key=class_sort_key) != sorted(classes)
    # attention first (issue 30), then classes in their natural order (10А after 9А), then names
    header = next(book["Пропуски"].iter_rows(min_row=3, max_row=3, values_only=True))
    rows = [r for r in book["Пропуски"].iter_rows(min_row=4, values_only=True) if r[0]]
    rows = rows[:next((i for i, r in enumerate(rows) if r[0] == "По классам"), len(rows))]
    lessons, late, period = (header.index(h) for h in ("Всего уроков", "Опозданий", "За период: уроков"))
    order = lambda r: (-r[lessons], -r[late], -r[period], class_sort_key(r[0]), r[1])  # noqa: E731
    assert rows == sorted(rows, key=order) and len({r[0] for r in rows}) > 1
    risk = [r for r in book["Группа риска"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert risk == sorted(risk, key=lambda r: (-len(r[2].split("; ")), class_sort_key(r[0]), r[1]))
    assert not week_ws.rows(s.period_marks)       # no period marks yet: risk reasons say «текущий»
    reasons = [r[2] for r in book["Группа риска"].iter_rows(min_row=4, values_only=True) if r[2]]
    assert reasons and not any("«2» за период:" in r for r in reasons)
    header = book["Ведение журнала"][3]
    assert book["Ведение журнала"].row_dimensions[3].height >= 30 and header[6].alignment.wrap_text


def test_readme_links_resolve_and_a_missing_workspace_is_said_in_russian(tmp_path):
    """Every relative link in README.md points at a file of the repository; a folder that is not a
    workspace is a usage error (exit 2) in Russian."""
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    links = re.findall(r"\]\(([^)#]+)\)", (root / "README.md").read_text(encoding="utf-8"))
    local = [link for link in links if "://" not in link]
    assert "docs/DESIGN.md" in local and all((root / link).exists() for link in local), local
    result = CliRunner().invoke(main, ["--workspace", str(tmp_path), "status"])
    assert result.exit_code == 2 and CYRILLIC.search(result.output)
