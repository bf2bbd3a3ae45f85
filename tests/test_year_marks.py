"""Year, exam and final marks: the rounding, the rules of the attestat order, the year workbook
and the earlier years' marks, each against hand-computed values and plain SQL."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import openpyxl
import pytest
from conftest import findings_of, status_of
from sqlalchemy import text

from zhurnal.batch.issue import issue_prior_marks, issue_year
from zhurnal.core.settings import ConfigError, MarkSettings, load_settings
from zhurnal.year.carry import carry_forward
from zhurnal.year.final import final_mark_9, final_mark_11
from zhurnal.year.ledger import summary_ledger
from zhurnal.year.marks import round_half_up, year_mark

FIRST = 4      # year sheets: title, hidden keys, one header row, then the pupils
NOW = dt.datetime(2027, 5, 28, 12, 0)


# ---- the rules, by hand ------------------------------------------------------------------------

def test_rounding_is_half_up_not_bankers():
    assert round(4.5) == 4 and round(2.5) == 2          # what Python's round would give
    assert [round_half_up(Fraction(n, 2)) for n in (5, 7, 9)] == [3, 4, 5]     # 2.5, 3.5, 4.5
    assert round_half_up(Fraction(449, 100)) == 4 and round_half_up(Fraction(17, 4)) == 4


def test_year_mark_from_four_quarters():
    assert year_mark(["4", "5", "4", "5"]) == "5"        # 18/4 = 4.5 → 5
    assert year_mark(["3", "4", "3", "4"]) == "4"        # 3.5 → 4
    assert year_mark(["5", "4", "4", "4"]) == "4"        # 4.25
    assert year_mark(["3", "3", "4", "3"]) == "3"        # 3.25
    assert year_mark(["4", "5"]) == "5"                  # semesters: 4.5
    assert year_mark(["4", "5", "4", None]) is None      # Q4 not set yet
    assert year_mark(["осв", "5", "4", "5"]) == "5"      # an exempt quarter is left out: 14/3
    assert year_mark(["5", "н/а", "5", "5"]) == "н/а"
    assert year_mark(["зач", "зач", "осв", "зач"]) == "зач"
    assert year_mark(["зач", "незач", "зач", "зач"]) == "незач"
    # at exactly .5 the last quarter decides under the other rule
    assert year_mark(["3", "4", "3", "4"], "mean_last_decides") == "4"
    assert year_mark(["4", "3", "4", "3"], "mean_last_decides") == "3"
    assert year_mark(["4", "4", "4", "3"], "mean_last_decides") == "4"   # 3.75: no tie


def test_final_marks_by_the_attestat_order():
    assert final_mark_9("4", "5", "ОГЭ") == "5"          # (4 + 5)/2 = 4.5 → 5
    assert final_mark_9("4", "3", "ГВЭ") == "4"          # 3.5 → 4
    assert final_mark_9("5", "3", "ОГЭ") == "4"          # 4.0
    assert final_mark_9("4") == "4"                      # no exam: the year mark
    assert final_mark_9("зач") == "зачтено" and final_mark_9(None, "5", "ОГЭ") is None
    # grade 11: H1, H2, year of grade 10 and of grade 11
    assert final_mark_11(["4", "5", "5", "4", "4", "5"]) == "5"     # 27/6 = 4.5
    assert final_mark_11(["4", "4", "4", "4", "5", "4"]) == "4"     # 25/6 = 4.17
    assert final_mark_11(["3", "4", "4", "3", "3", "3"]) == "3"     # 20/6 = 3.33
    assert final_mark_11([None, None, None, "5", "4", "5"]) == "5"  # taught in grade 11 only: 14/3
    assert final_mark_11(["зач", "зач", "зач"]) == "зачтено"


def test_minimum_marks_per_period_kind(tmp_path):
    marks = MarkSettings(min_marks_quarter=3, min_marks_semester=5, min_marks_per_extra_hour=2)
    assert [marks.min_marks_for("quarter", h) for h in (None, 1, 2, 3)] == [3, 3, 5, 7]
    assert [marks.min_marks_for("semester", h) for h in (1, 1.5, 2)] == [5, 6, 7]    # 1 × 0.5 = 1 (half up)
    assert MarkSettings(min_marks=4).min_marks_for("semester") == 4          # the old key: both kinds
    toml = tmp_path / "zhurnal.toml"
    toml.write_text('[school]\ncode = "x"\nname = "x"\n[marks]\nmin_marks = 3\nmin_marks_semester = 5\n',
                    encoding="utf-8")
    with pytest.raises(ConfigError, match="min_marks"):
        load_settings(tmp_path, need_key=False)


# ---- the setup's year period ---------------------------------------------------------------------

def test_the_year_period_is_no_overlap_but_must_hold_its_terms(ws, school):
    import copy
    setup = copy.deepcopy(school.setup)
    periods = setup["Периоды"]
    q4 = next(i for i, p in enumerate(periods) if p["code"] == "Q4")
    periods[q4]["end"] = dt.date(2027, 5, 29)              # after the year period's end (26.05)
    periods.append({"code": "Y2", "name": "Год 2", "start": dt.date(2026, 9, 1), "end": dt.date(2027, 5, 26),
                    "grade_from": 9, "grade_to": 9})
    ws.drop_setup(setup)
    found = findings_of(ws.ingest())
    assert found == {("Периоды", f"A{q4 + 2}", "period-outside-year"),
                     ("Периоды", f"A{len(periods) + 1}", "period-overlap")}   # two year periods for grade 9


# ---- the year workbook ---------------------------------------------------------------------------

def _pupils(ws, class_code: str) -> list[int]:
    return [st["id"] for st in ws.school().class_students(class_code)]


def _store_marks(ws, rows: list[tuple[int, str, str, str]]) -> None:
    with ws.engine.begin() as conn:
        for sid, subject, period, mark in rows:
            conn.execute(text("INSERT INTO period_marks (school_id, student_id, subject, period, mark) "
                              "VALUES (1, :sid, :subject, :period, :mark)"),
                         {"sid": sid, "subject": subject, "period": period, "mark": mark})


def _teacher_of(ws, class_code: str, subject: str) -> str:
    school = ws.school()
    return next(t for sec, t in school.load.items() if sec.class_code == class_code and sec.subject == subject)


@pytest.mark.both_stores
def test_year_workbook_round_trip_with_exams_and_finals(loaded):
    """GIVEN 9А Алгебра's quarter marks in the store
    WHEN the teacher's year workbook is issued, filled in openpyxl (the computed marks left as
    prefilled, one mark overridden, two ОГЭ results) and ingested
    THEN the sheet showed the hand-computed year marks, the override is a warning at its cell,
    the store holds the year marks and exams, and the ledger's finals follow the order."""
    a, b, c, d = _pupils(loaded, "9А")[:4]
    quarters = {a: "4545", b: "3434", c: "5444", d: "3343"}           # → 5 (4.5), 4 (3.5), 4, 3
    _store_marks(loaded, [(sid, "Алгебра", f"Q{i + 1}", m) for sid, ms in quarters.items() for i, m in enumerate(ms)])
    teacher = _teacher_of(loaded, "9А", "Алгебра")
    [path] = [p for p in issue_year(loaded.ctx(NOW), teacher=teacher)]
    sheet = openpyxl.load_workbook(path)["9А Алг"]
    keys = {sheet.cell(row=2, column=col).value: col for col in range(3, sheet.max_column + 1)}
    assert list(keys) == ["term:Q1", "term:Q2", "term:Q3", "term:Q4", "computed", "mark", "exam_form", "exam"]
    rows = {sheet.cell(row=r, column=1).value: r for r in range(FIRST, sheet.max_row + 1)}
    shown = lambda sid, key: sheet.cell(row=rows[sid], column=keys[key]).value
    assert [shown(a, f"term:Q{i}") for i in range(1, 5)] == ["4", "5", "4", "5"]
    assert [shown(sid, "computed") for sid in (a, b, c, d)] == ["5", "4", "4", "3"]
    assert [shown(sid, "mark") for sid in (a, b, c, d)] == ["5", "4", "4", "3"]    # prefilled: to confirm
    others = [sid for sid in rows if sid not in (a, b, c, d)]
    assert others and all(shown(sid, "mark") is None for sid in others)          # no term marks: nothing

    filled = {(c, "mark"): "5",                                                      # c: 5, not the computed 4
              (a, "exam_form"): "ОГЭ", (a, "exam"): 4,                                   # 5 and 4 → 4.5 → 5
              (b, "exam_form"): "ОГЭ", (b, "exam"): "5"}                                 # 4 and 5 → 5
    loaded.drop_grid(path, {"9А Алг": filled}, name="year.xlsx")
    report = loaded.ingest(now=NOW)
    assert status_of(report) == {"year.xlsx": "accepted"}
    mark_col = openpyxl.utils.get_column_letter(keys["mark"])
    assert findings_of(report) == {("9А Алг", f"{mark_col}{rows[c]}", "year-mark-differs")}

    with loaded.engine.connect() as conn:
        stored = set(conn.execute(text("SELECT student_id, mark FROM period_marks WHERE period = 'Y' "
                                       "AND subject = 'Алгебра'")).all())
        exams = set(conn.execute(text("SELECT student_id, form, result FROM exam_marks")).all())
        ledger = {r.student_id: r for r in summary_ledger(conn, 1, "9А") if r.subject == "Алгебра"}
    assert stored == {(a, "5"), (b, "4"), (c, "5"), (d, "3")}
    assert exams == {(a, "ОГЭ", "4"), (b, "ОГЭ", "5")}
    # Алгебра is a course of the attestat's «Математика» (issue 27): its row has no final mark of
    # its own; «Математика» waits for Геометрия's and ВиС's year marks (tests/test_attestat.py)
    assert (ledger[a].year, ledger[a].exam, ledger[a].final) == ("5", "4", None)
    assert (ledger[b].year, ledger[b].exam, ledger[b].final) == ("4", "5", None)
    assert (ledger[c].year, ledger[c].exam, ledger[c].final) == ("5", None, None)
    assert ledger[a].periods == {"Q1": "4", "Q2": "5", "Q3": "4", "Q4": "5"}

    # the year closed: neither a year mark nor an exam result changes any more
    from zhurnal.merge.period_lock import close_period
    with loaded.engine.begin() as conn:
        close_period(conn, 1, "Y", closed=True, reason=None, now=NOW)
    loaded.drop_grid(path, {"9А Алг": {**filled, (d, "mark"): "4", (a, "exam"): "5"}}, name="closed.xlsx")
    report = loaded.ingest(now=NOW)
    assert status_of(report) == {"closed.xlsx": "rejected"}
    exam_col = openpyxl.utils.get_column_letter(keys["exam"])
    assert {f.where() for f in report.files[0].findings if f.is_error} == {
        ("9А Алг", f"{mark_col}{rows[d]}", "period-closed"), ("9А Алг", f"{exam_col}{rows[a]}", "period-closed")}
    with loaded.engine.begin() as conn:
        close_period(conn, 1, "Y", closed=False, reason="проверка", now=NOW)

    # a bad exam result and a form grade 9 has no such exam are errors at their cells
    loaded.drop_grid(path, {"9А Алг": {**filled, (a, "exam"): "7", (b, "exam_form"): "ЕГЭ"}}, name="bad.xlsx")
    exam_col, form_col = (openpyxl.utils.get_column_letter(keys[k]) for k in ("exam", "exam_form"))
    assert {f for f in findings_of(loaded.ingest(now=NOW)) if f[2] != "year-mark-differs"} == {
        ("9А Алг", f"{exam_col}{rows[a]}", "exam-result-invalid"),
        ("9А Алг", f"{form_col}{rows[b]}", "exam-form-invalid")}


def test_grade_11_final_from_imported_grade_10_marks(loaded):
    """GIVEN grade 10's Физика marks typed into the prior-marks workbook (the school's first year)
    and grade 11's H1, H2 and year marks in the store THEN the final mark is the mean of all six."""
    a, b = _pupils(loaded, "11А")[:2]
    [path] = issue_prior_marks(loaded.ctx(NOW))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "11А"
    keys = [v.value for v in book["11А"][2] if v.value not in (None, "key")]
    assert {"Физика|H1", "Физика|H2", "Физика|Y"} <= set(keys)
    loaded.drop_grid(path, {"11А": {(a, "Физика|H1"): "4", (a, "Физика|H2"): "5", (a, "Физика|Y"): "5",
                                    (b, "Физика|H1"): "3", (b, "Физика|H2"): "4", (b, "Физика|Y"): "х"}},
                     name="prior.xlsx")
    report = loaded.ingest(now=NOW)
    assert status_of(report) == {"prior.xlsx": "rejected"}            # «х» is no mark
    assert {f[2] for f in findings_of(report)} == {"period-mark-invalid"}
    loaded.drop_grid(path, {"11А": {(a, "Физика|H1"): "4", (a, "Физика|H2"): "5", (a, "Физика|Y"): "5",
                                    (b, "Физика|H1"): "3", (b, "Физика|H2"): "4", (b, "Физика|Y"): "4"}},
                     name="prior2.xlsx")
    assert loaded.ingest(now=NOW).ok
    with loaded.engine.connect() as conn:
        imported = set(conn.execute(text("SELECT student_id, period, mark, source FROM prior_marks "
                                         "WHERE subject = 'Физика' AND grade = 10")).all())
    assert imported == {(a, "H1", "4", "import"), (a, "H2", "5", "import"), (a, "Y", "5", "import"),
                        (b, "H1", "3", "import"), (b, "H2", "4", "import"), (b, "Y", "4", "import")}
    _store_marks(loaded, [(a, "Физика", "H1", "4"), (a, "Физика", "H2", "4"), (a, "Физика", "Y", "5"),
                          (b, "Физика", "H1", "3"), (b, "Физика", "H2", "3")])      # b: year computed: 3
    with loaded.engine.connect() as conn:
        ledger = {r.student_id: r for r in summary_ledger(conn, 1, "11А") if r.subject == "Физика"}
    assert (ledger[a].year, ledger[a].final) == ("5", "5")     # (4+5+5 + 4+4+5)/6 = 27/6 = 4.5 → 5
    assert (ledger[b].year, ledger[b].final) == ("3", "3")     # (3+4+4+3+3+3)/6 = 20/6 = 3.33


def test_carry_forward_keeps_grade_10_marks(loaded):
    a, b = _pupils(loaded, "10А")[:2]
    _store_marks(loaded, [(a, "Химия", "H1", "5"), (a, "Химия", "H2", "4"), (a, "Химия", "Y", "5"),
                          (b, "Химия", "H1", "3"), (b, "Химия", "H2", "4")])        # b's year: 3.5 → 4
    with loaded.engine.begin() as conn:
        written = carry_forward(conn, 1)
    with loaded.engine.connect() as conn:
        carried = set(conn.execute(text("SELECT student_id, period, mark, source FROM prior_marks "
                                         "WHERE subject = 'Химия' AND grade = 10")).all())
    assert written == 6
    assert carried == {(a, "H1", "5", "year 2026/2027"), (a, "H2", "4", "year 2026/2027"),
                       (a, "Y", "5", "year 2026/2027"), (b, "H1", "3", "year 2026/2027"),
                       (b, "H2", "4", "year 2026/2027"), (b, "Y", "4", "year 2026/2027")}


def test_year_commands(loaded):
    """`templates year` writes one workbook per teacher, `templates prior-marks` one for the
    administration; the year period is no period of the period sheet (exit 2, no traceback)."""
    from click.testing import CliRunner

    from zhurnal.cli import main
    runner = CliRunner()
    where = ["--workspace", str(loaded.path)]
    result = runner.invoke(main, [*where, "templates", "year", "--teacher", _teacher_of(loaded, "9А", "Физика")])
    assert result.exit_code == 0, result.output
    made = result.output.strip().splitlines()[0]                  # then the line on the teachers' folders
    assert [p.name for p in (loaded.settings.templates / "год").iterdir()] == [made.rsplit("/", 1)[1]]
    result = runner.invoke(main, [*where, "templates", "prior-marks"])
    assert result.exit_code == 0 and (loaded.settings.templates / "отметки_10_класса.xlsx").is_file()
    result = runner.invoke(main, [*where, "templates", "prior-marks", "--grade", "5-8"])
    assert result.exit_code == 0 and (loaded.settings.templates / "отметки_5-8_классов.xlsx").is_file()
    result = runner.invoke(main, [*where, "templates", "prior-marks", "--grade", "5-9"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    result = runner.invoke(main, [*where, "templates", "period", "Y"])
    assert result.exit_code == 2 and "templates year" in result.output and "Traceback" not in result.output


def test_two_copies_of_one_year_workbook(loaded):
    """GIVEN two copies of one issued year workbook, prefilled with the computed marks
    WHEN the first is handed in with one mark changed, then the second (saved later) with
    another THEN each change is kept: the second copy's untouched prefill neither undoes the
    first's change nor conflicts with it, and the computed marks nobody touched are confirmed."""
    a, b, c = _pupils(loaded, "9А")[:3]
    _store_marks(loaded, [(sid, "Химия", f"Q{i + 1}", m) for sid, ms in {a: "4545", b: "3434", c: "3333"}.items()
                          for i, m in enumerate(ms)])                 # computed: 5, 4, 3
    [path] = issue_year(loaded.ctx(NOW), teacher=_teacher_of(loaded, "9А", "Химия"))
    sheet = next(n for n in openpyxl.load_workbook(path, read_only=True).sheetnames if n.startswith("9А"))
    loaded.drop_grid(path, {sheet: {(a, "mark"): "4"}}, name="first.xlsx", modified=NOW)
    assert loaded.ingest(now=NOW).ok
    loaded.drop_grid(path, {sheet: {(c, "mark"): "4"}}, name="second.xlsx", modified=NOW + dt.timedelta(hours=1))
    report = loaded.ingest(now=NOW + dt.timedelta(hours=1))
    assert status_of(report) == {"second.xlsx": "accepted"}
    with loaded.engine.connect() as conn:
        stored = set(conn.execute(text("SELECT student_id, mark FROM period_marks WHERE period = 'Y'")).all())
    assert stored == {(a, "4"), (b, "4"), (c, "4")}
    # a third copy changing a's mark the first copy changed otherwise: a conflict at the cell
    loaded.drop_grid(path, {sheet: {(a, "mark"): "3"}}, name="third.xlsx", modified=NOW + dt.timedelta(hours=2))
    found = findings_of(loaded.ingest(now=NOW + dt.timedelta(hours=2)))
    assert ("merge-conflict" in {code for _, _, code in found}
            and {cell for _, cell, code in found if code == "merge-conflict"} == {f"H{FIRST}"})


def test_a_reissued_year_workbook_shows_each_subjects_own_marks_and_the_confirmed_year_mark(loaded):
    """GIVEN a pupil with other quarter marks in another subject of the same teacher's class, and
    a year mark the teacher confirmed against the computed one WHEN the year workbook is issued
    again THEN each sheet shows its own subject's quarter marks and the confirmed year mark (not
    the computed one), so typing the computed mark back is a change the store takes."""
    a = _pupils(loaded, "9А")[0]
    _store_marks(loaded, [(a, "Химия", f"Q{i + 1}", m) for i, m in enumerate("4545")]          # computed 5
                 + [(a, "Алгебра", f"Q{i + 1}", m) for i, m in enumerate("3333")])
    teacher = _teacher_of(loaded, "9А", "Химия")
    [path] = issue_year(loaded.ctx(NOW), teacher=teacher)
    book = openpyxl.load_workbook(path)
    sheet = next(n for n in book.sheetnames if n.startswith("9А Хим"))
    keys = {book[sheet].cell(row=2, column=col).value: col for col in range(3, book[sheet].max_column + 1)}
    row = next(r for r in range(FIRST, book[sheet].max_row + 1) if book[sheet].cell(row=r, column=1).value == a)
    assert [book[sheet].cell(row=row, column=keys[f"term:Q{i}"]).value for i in range(1, 5)] == ["4", "5", "4", "5"]
    loaded.drop_grid(path, {sheet: {(a, "mark"): "3"}}, name="confirmed.xlsx", modified=NOW)
    assert status_of(loaded.ingest(now=NOW)) == {"confirmed.xlsx": "accepted"}

    [again] = issue_year(loaded.ctx(NOW + dt.timedelta(hours=1)), teacher=teacher)
    book = openpyxl.load_workbook(again)
    assert book[sheet].cell(row=row, column=keys["mark"]).value == "3"          # as confirmed
    assert book[sheet].cell(row=row, column=keys["computed"]).value == "5"
    loaded.drop_grid(again, {sheet: {(a, "mark"): "5"}}, name="back.xlsx", modified=NOW + dt.timedelta(hours=1))
    assert status_of(loaded.ingest(now=NOW + dt.timedelta(hours=1))) == {"back.xlsx": "accepted"}
    with loaded.engine.connect() as conn:
        assert conn.execute(text("SELECT mark FROM period_marks WHERE student_id = :a AND subject = 'Химия' "
                                 "AND period = 'Y'"), {"a": a}).scalar() == "5"


def test_an_exam_result_corrected_is_in_the_archives_corrections(loaded):
    """GIVEN an ОГЭ result 3 handed in, then corrected to 5 WHEN the year archive's corrections
    are read THEN the correction is there, named as an exam, with the subject and 3 → 5."""
    from zhurnal.closing.archive_data import corrections
    a = _pupils(loaded, "9А")[0]
    _store_marks(loaded, [(a, "Алгебра", f"Q{i + 1}", "4") for i in range(4)])
    teacher = _teacher_of(loaded, "9А", "Алгебра")
    [path] = issue_year(loaded.ctx(NOW), teacher=teacher)
    loaded.drop_grid(path, {"9А Алг": {(a, "exam_form"): "ОГЭ", (a, "exam"): "3"}}, name="exam.xlsx", modified=NOW)
    assert status_of(loaded.ingest(now=NOW)) == {"exam.xlsx": "accepted"}
    later = NOW + dt.timedelta(hours=1)
    [again] = issue_year(loaded.ctx(later), teacher=teacher)
    loaded.drop_grid(again, {"9А Алг": {(a, "exam"): "5"}}, name="exam2.xlsx", modified=later)
    assert status_of(loaded.ingest(now=later)) == {"exam2.xlsx": "accepted"}
    with loaded.engine.connect() as conn:
        name = conn.execute(text("SELECT full_name FROM students WHERE id = :a"), {"a": a}).scalar()
        found = [(c["what"], c["where"], c["old"], c["new"]) for c in corrections(conn, 1, "9А")]
    assert ("Экзамен", f"{name}, Алгебра", "результат: 3", "результат: 5") in found
