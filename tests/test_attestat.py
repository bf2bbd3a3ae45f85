"""The attestat (issue 27): its subjects formed by the rules as data, each final mark worked out
by hand here (never by zhurnal's arithmetic), the аттестат с отличием conditions, and the grade
5–8 marks of subjects finished before grade 9 from the prior-marks workbook to the attestat and
the year close's warning."""

from __future__ import annotations

import dataclasses
import datetime as dt

import openpyxl
from conftest import status_of
from sqlalchemy import text

from zhurnal.batch.issue import issue_prior_marks
from zhurnal.core.sections import AttestatSettings
from zhurnal.year.attestat import PupilMarks, attestat, honours, honours_eligible
from zhurnal.year.attestat_rules import attestat_rules
from zhurnal.year.ledger import class_attestat, summary_ledger

NOW = dt.datetime(2027, 5, 28, 12, 0)
MATH = ("Алгебра", "Геометрия", "Вероятность и статистика")


def _row(rows, subject):
    return next(r for r in rows if r.subject == subject)


# ---- grade 9 ----------------------------------------------------------------------------------

def test_grade_9_mathematics_from_its_courses_and_the_oge():
    rules = attestat_rules(9)
    # Алгебра 4, Геометрия 5, ВиС 5: (4 + 5 + 5)/3 = 4.67 → year 5; ОГЭ 4: (5 + 4)/2 = 4.5 → 5
    a = PupilMarks(year={"Алгебра": "4", "Геометрия": "5", "Вероятность и статистика": "5", "История": "4"},
                   exams={"Математика": ("ОГЭ", "4")})
    # Алгебра 3, Геометрия 4, ВиС 4: 11/3 = 3.67 → year 4; ОГЭ (recorded against Алгебра) 3: 3.5 → 4
    b = PupilMarks(year={"Алгебра": "3", "Геометрия": "4", "Вероятность и статистика": "4"},
                   exams={"Алгебра": ("ОГЭ", "3")})
    # Алгебра 4, Геометрия 4 (no ВиС in this school's plan): year 4; ОГЭ 3: 3.5 → 4; no exam → year
    c = PupilMarks(year={"Алгебра": "4", "Геометрия": "4"}, exams={"Математика": ("ОГЭ", "3")})
    d = PupilMarks(year={"Алгебра": "5", "Геометрия": "4"})                  # 4.5 → 5, no exam
    found = {name: _row(attestat(rules, m), "Математика") for name, m in (("a", a), ("b", b), ("c", c), ("d", d))}
    assert [(r.year, r.exam, r.final) for r in found.values()] == [
        ("5", "4", "5"), ("4", "3", "4"), ("4", "3", "4"), ("5", None, "5")]
    assert found["a"].source == "Алгебра 4, Геометрия 5, Вероятность и статистика 5"
    # the courses are no attestat subjects of their own; a plain subject stands for itself
    assert [r.subject for r in attestat(rules, a)] == ["Изобразительное искусство", "История", "Математика",
                                                       "Музыка"]
    assert _row(attestat(rules, a), "История").final == "4"
    # «one_mean»: one mean of the courses and the exam — a: (4 + 5 + 5 + 4)/4 = 4.5 → 5;
    # b: (3 + 4 + 4 + 3)/4 = 3.5 → 4; Алгебра 3, Геометрия 3, ВиС 4, ОГЭ 5: 15/4 = 3.75 → 4,
    # where «year_then_exam» gives (3 + 5)/2 = 4 too but from a year mark 10/3 → 3
    one = attestat_rules(9, AttestatSettings(combine_9="one_mean"))
    e = PupilMarks(year={"Алгебра": "3", "Геометрия": "3", "Вероятность и статистика": "4"},
                   exams={"Математика": ("ОГЭ", "5")})
    assert [_row(attestat(one, m), "Математика").final for m in (a, b, e)] == ["5", "4", "4"]
    assert (_row(attestat(rules, e), "Математика").year, _row(attestat(rules, e), "Математика").final) == ("3", "4")
    # a course still without its year mark, or «н/а»: no final mark yet
    assert _row(attestat(rules, PupilMarks(year={"Алгебра": "4", "Геометрия": None})), "Математика").final is None
    assert _row(attestat(rules, PupilMarks(year={"Алгебра": "4", "Геометрия": "н/а"})), "Математика").final is None


def test_a_subject_finished_in_grade_7_takes_its_grade_7_mark():
    rules = attestat_rules(9)           # ИЗО to grade 7, Музыка to grade 8 (ФОП ООО)
    marks = PupilMarks(year={"Русский язык": "5"},
                       prior={("Изобразительное искусство", 7): ["4"], ("Изобразительное искусство", 6): ["5"],
                              ("Музыка", 8): ["5"]})
    rows = attestat(rules, marks)
    izo, music = _row(rows, "Изобразительное искусство"), _row(rows, "Музыка")
    assert (izo.final, izo.from_grade, izo.source) == ("4", 7, "за 7 класс")      # grade 7's, not grade 6's 5
    assert (music.final, music.from_grade) == ("5", 8)
    # the school's curriculum ended Музыка in grade 7 and Труд in grade 8: its settings say so
    own = attestat_rules(9, AttestatSettings(last_grade_9={"Музыка": 7, "Труд (технология)": 8}))
    rows = attestat(own, dataclasses.replace(marks, prior={**marks.prior, ("Музыка", 7): ["3"]}))
    assert (_row(rows, "Музыка").final, _row(rows, "Труд (технология)").final) == ("3", None)
    # a subject finished early but taught to this class in grade 9 takes this year's mark
    assert _row(attestat(rules, dataclasses.replace(marks, year={"Музыка": "4"})), "Музыка").from_grade is None


def test_honours_fail_on_one_four_and_on_a_failed_exam():
    rules = attestat_rules(9)
    fives = PupilMarks(year={"Алгебра": "5", "Геометрия": "5", "Русский язык": "5", "ОДНКНР": "зач"},
                       exams={"Математика": ("ОГЭ", "4"), "Русский язык": ("ОГЭ", "5")},
                       prior={("Музыка", 8): ["5"], ("Изобразительное искусство", 7): ["5"]})
    rows = attestat(rules, fives)
    # Математика (5 + 4)/2 = 4.5 → 5: every final «5» (ОДНКНР «зачтено»), the ГИА passed
    assert {r.subject: r.final for r in rows}["ОДНКНР"] == "зачтено"
    assert [c.met for c in honours(rules, rows, fives)] == [True, True] and honours_eligible(honours(rules, rows, fives))
    one_four = dataclasses.replace(fives, prior={**fives.prior, ("Изобразительное искусство", 7): ["4"]})
    conditions = honours(rules, attestat(rules, one_four), one_four)
    assert [c.met for c in conditions] == [False, True] and not honours_eligible(conditions)
    assert conditions[0].detail == "Изобразительное искусство «4»"
    failed = dataclasses.replace(fives, exams={**fives.exams, "Русский язык": ("ОГЭ", "2")})   # (5 + 2)/2 → 4
    conditions = honours(rules, attestat(rules, failed), failed)
    assert [c.met for c in conditions] == [False, False] and conditions[1].detail == "ОГЭ Русский язык «2»"
    # a subject without its final mark is no «5» either
    missing = dataclasses.replace(fives, prior={("Музыка", 8): ["5"]})
    assert honours(rules, attestat(rules, missing), missing)[0].detail == \
        "Изобразительное искусство: нет итоговой отметки"


# ---- grade 11 ---------------------------------------------------------------------------------

def test_grade_11_final_from_grades_10_and_11():
    rules = attestat_rules(11)
    marks = PupilMarks(
        year={"Физика": "5", "Алгебра и начала математического анализа": "4", "Геометрия": "5"},
        terms={"Физика": ["4", "4"], "Алгебра и начала математического анализа": ["4", "4"], "Геометрия": ["5", "4"]},
        prior={("Физика", 10): ["4", "5", "5"], ("Алгебра и начала математического анализа", 10): ["3", "4", "4"],
               ("Геометрия", 10): ["4", "4", "4"]},
        exams={"Физика": ("ЕГЭ", "81")})
    rows = attestat(rules, marks)
    # Физика: (4 + 5 + 5 + 4 + 4 + 5)/6 = 27/6 = 4.5 → 5; ЕГЭ points do not enter
    assert (_row(rows, "Физика").final, _row(rows, "Физика").exam) == ("5", None)
    # Математика over both courses' twelve marks: (3+4+4 + 4+4+4) + (4+4+4 + 5+4+5) = 23 + 26 = 49/12 = 4.08 → 4
    math = _row(rows, "Математика")
    assert (math.final, math.source) == ("4", "Алгебра и начала математического анализа, Геометрия")
    assert {r.subject for r in rows} == {"Физика", "Математика"}
    conditions = honours(rules, rows, marks)
    assert [c.met for c in conditions] == [False, None] and conditions[0].detail == "Математика «4»"
    # grade 11's H2 not set yet: no final
    assert _row(attestat(rules, dataclasses.replace(marks, terms={**marks.terms, "Физика": ["4", None]})),
                "Физика").final is None


# ---- through the store: the prior-marks workbook, the ledger, the close's warning --------------

def _pupils(ws, class_code: str) -> list[int]:
    return [st["id"] for st in ws.school().class_students(class_code)]


def test_grade_5_8_marks_through_the_workbook_onto_the_attestat(loaded):
    """GIVEN 9А's year marks of Алгебра, Геометрия, ВиС and an ОГЭ in the store
    WHEN the «5-8» prior-marks workbook is issued, ИЗО's grade-7 and Музыка's grade-8 marks typed
    in for one pupil and ingested
    THEN her attestat shows Математика from its courses and the exam, ИЗО with the grade-7 mark,
    and the year close warns (at the class) about every other pupil's missing marks."""
    a, b = _pupils(loaded, "9А")[:2]
    [path] = issue_prior_marks(loaded.ctx(NOW), grade="5-8")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "9А" and path.name == "отметки_5-8_классов.xlsx"
    keys = [c.value for c in book["9А"][2] if c.value not in (None, "key")]
    # the week demo's curriculum teaches neither in grade 9: one column each, at its last grade
    assert keys == ["Изобразительное искусство|Y|7", "Музыка|Y|8"]
    loaded.drop_grid(path, {"9А": {(a, "Изобразительное искусство|Y|7"): "4", (a, "Музыка|Y|8"): "5"}},
                     name="prior58.xlsx")
    assert status_of(loaded.ingest(now=NOW)) == {"prior58.xlsx": "accepted"}
    with loaded.engine.begin() as conn:
        stored = set(conn.execute(text("SELECT subject, grade, period, mark FROM prior_marks "
                                       "WHERE student_id = :a"), {"a": a}).all())
        for subject, mark in (("Алгебра", "4"), ("Геометрия", "5"), ("Вероятность и статистика", "4")):
            conn.execute(text("INSERT INTO period_marks (school_id, student_id, subject, period, mark) "
                              "VALUES (1, :sid, :subject, 'Y', :mark)"), {"sid": a, "subject": subject, "mark": mark})
        conn.execute(text("INSERT INTO exam_marks (school_id, student_id, subject, form, result) "
                          "VALUES (1, :sid, 'Алгебра', 'ОГЭ', '5')"), {"sid": a})
    assert stored == {("Изобразительное искусство", 7, "Y", "4"), ("Музыка", 8, "Y", "5")}
    with loaded.engine.connect() as conn:
        pupils = {p.student_id: p for p in class_attestat(conn, 1, "9А")}
        algebra = next(r for r in summary_ledger(conn, 1, "9А") if r.student_id == a and r.subject == "Алгебра")
    rows = {r.subject: r for r in pupils[a].rows}
    # (4 + 5 + 4)/3 = 4.33 → 4; ОГЭ 5: (4 + 5)/2 = 4.5 → 5
    assert (rows["Математика"].year, rows["Математика"].exam, rows["Математика"].final) == ("4", "5", "5")
    assert (rows["Изобразительное искусство"].final, rows["Изобразительное искусство"].from_grade) == ("4", 7)
    assert rows["Музыка"].final == "5" and algebra.final is None and "Алгебра" not in rows
    assert rows["Музыка"].source == "за 8 класс"

    from zhurnal.closing.close import early_marks_missing
    with loaded.engine.connect() as conn:
        found = early_marks_missing(conn, loaded.ctx(NOW))
    names = {st["id"]: st["full_name"] for st in loaded.school().class_students("9А")}
    assert {(f.sheet, f.code, f.value) for f in found} == {
        ("9А", "prior-year-mark-missing", names[sid]) for sid in names if sid != a}
    assert len(found) == 2 * (len(names) - 1) and all(not f.is_error for f in found)
    assert any("«Музыка» за 8 класс" in f.message for f in found if f.value == names[b])
    # `year close` prints each warning
    from pathlib import Path

    from zhurnal.closing.close import CloseReport
    from zhurnal.report.commands import year_closed_text
    printed = year_closed_text(CloseReport("2026/2027", Path("archive"), snapshot="0" * 64, findings=found))
    assert all(f.message in printed for f in found)
