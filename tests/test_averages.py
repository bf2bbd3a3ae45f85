"""Averages and suggested period marks against hand-computed cases, through the one API
(``zhurnal.school.averages.class_averages``) and the outputs that show it."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import WEEK
from sqlalchemy import insert
from test_period_and_plan import algebra_week  # noqa: F401 (a fixture)

from zhurnal.core.settings import MarkSettings
from zhurnal.publish.report_card import report_cards
from zhurnal.publish.summary_data import period_summary, week_summary
from zhurnal.publish.week_data import load_week
from zhurnal.school.averages import NO_MARKS, class_averages
from zhurnal.school.calendar import parse_week
from zhurnal.school.marks import mark_values, suggested_mark, weighted_average
from zhurnal.school.snapshot import load_school
from zhurnal.store import open_store
from zhurnal.store import schema as s

DEFAULT = (4.5, 3.5, 2.5)
STRICT = (4.65, 3.65, 2.65)


def test_weights():
    average, count = weighted_average([("5", 2), ("3", 1)])
    assert round(average, 2) == 4.33 and count == 2          # (5·2 + 3·1) / 3
    average, count = weighted_average([("4", 5), ("5", 3), ("5", 1)])
    assert round(average, 2) == 4.44 and count == 3          # 40 / 9


def test_double_marks_count_twice():
    average, count = weighted_average([("5/4", 1), ("3", 1)])
    assert average == 4.0 and count == 3                     # (5 + 4 + 3) / 3
    average, count = weighted_average([("5/3", 2), ("4", 1)])
    assert average == pytest.approx((5 * 2 + 3 * 2 + 4) / 5) and count == 3


def test_plus_minus_ignored_by_default_or_counted_when_configured():
    assert weighted_average([("4+", 1), ("5-", 1)])[0] == 4.5
    assert weighted_average([("4+", 1)]) == (4.0, 1) and weighted_average([("5-", 2)]) == (5.0, 1)
    assert weighted_average([("4+", 1), ("5-", 1), ("4+", 1)], modifier_step=0.25)[0] == pytest.approx((4.25 + 4.75 + 4.25) / 3)
    assert mark_values("зач/5") == [5.0]


@pytest.mark.parametrize("average,default,strict", [
    (4.6, "5", "4"), (4.65, "5", "5"), (4.5, "5", "4"), (4.49, "4", "4"), (3.6, "4", "3"),
    (2.6, "3", "2"), (2.4, "2", "2"), (40 / 9, "4", "4"), (13 / 3, "4", "4")])
def test_thresholds_are_one_setting_apart(average, default, strict):
    assert suggested_mark(average, 5, DEFAULT, 3) == default
    assert suggested_mark(average, 5, STRICT, 3) == strict


def test_too_few_marks_suggest_not_assessed():
    assert suggested_mark(5.0, 2, DEFAULT, 3) == "н/а"
    assert suggested_mark(5.0, 3, DEFAULT, 3) == "5"
    assert suggested_mark(None, 0, DEFAULT, 0) == "н/а"


# --- the one API, against a tiny store whose marks are typed in by hand ------------------------

NOV = lambda day: dt.date(2026, 11, day)  # noqa: E731
# lesson id → (class, subject, date, work type); weights: Ответ на уроке 1, Контрольная работа 2
LESSONS = {1: ("5А", "Математика", NOV(9), "Контрольная работа"), 2: ("5А", "Математика", NOV(10), "Ответ на уроке"),
           3: ("5А", "Математика", NOV(11), "Ответ на уроке"), 4: ("5А", "Математика", NOV(12), None),
           5: ("5А", "Математика", dt.date(2026, 12, 1), "Контрольная работа"),   # after the range
           6: ("5Б", "Математика", NOV(9), "Ответ на уроке"),                     # another class
           7: ("5А", "Физика", NOV(9), "Проект"),                                  # a work type not in the setup
           8: ("5А", "Физика", NOV(10), "Контрольная работа"),
           9: ("4А", "Математика", NOV(9), "Ответ на уроке"),                     # a class sorting before
           10: ("5А", "Алгебра", NOV(9), "Ответ на уроке")}                       # a subject sorting before
CELLS = {(1, 1): "5", (2, 1): "3",                               # student 1: (5·2 + 3·1)/3 = 13/3
         (1, 2): "5", (2, 2): "5", (3, 2): "5/4",                # student 2: (10 + 5 + 5 + 4)/5 = 24/5
         (1, 3): "3-", (2, 3): "4+",                             # student 3: (3·2 + 4)/3 = 10/3 (step 0)
         (3, 4): "", (5, 2): "2", (6, 1): "2", (6, 5): "5",      # student 4 absent only; outside; 5Б
         (4, 3): "зач",                                          # a pass mark counts as no mark
         (7, 1): "5", (8, 1): "2",                               # Физика: (5·1 + 2·2)/3 = 3 (default weight 1)
         (9, 1): "2", (10, 1): "3"}                              # 4А's lesson: not 5А's
RANGE = (NOV(1), NOV(30))


@pytest.fixture
def store(tmp_path):
    engine = open_store(f"sqlite:///{tmp_path / 'averages.sqlite'}")
    with engine.begin() as conn:
        conn.execute(insert(s.schools).values(id=1, code="t", name="Школа"))
        conn.execute(insert(s.work_types), [{"school_id": 1, "name": "Ответ на уроке", "weight": 1.0},
                                            {"school_id": 1, "name": "Контрольная работа", "weight": 2.0}])
        conn.execute(insert(s.students), [{"school_id": 1, "id": sid, "class_code": "5Б" if sid == 5 else "5А",
                                           "full_name": f"Ученик {sid}", "active": True} for sid in range(1, 6)])
        conn.execute(insert(s.lessons), [{"school_id": 1, "id": lid, "class_code": c, "subject": subj, "subgroup": "",
                                          "date": day, "lesson_no": 1, "work_type": wt}
                                         for lid, (c, subj, day, wt) in LESSONS.items()])
        conn.execute(insert(s.journal_entries), [
            {"school_id": 1, "lesson_id": lid, "student_id": sid, "marks": m, "presence": "" if m else "н"}
            for (lid, sid), m in CELLS.items()])
    yield engine
    engine.dispose()


def _math(store, marks: MarkSettings | None = None, **kwargs):
    with store.connect() as conn:
        return class_averages(conn, 1, "5А", *RANGE, settings=marks or MarkSettings(), **kwargs)


def test_one_function_weighs_counts_and_suggests(store):
    math = _math(store)["Математика"]
    assert set(math.students) == {1, 2, 3}                       # 4 has no marks, 5 is in 5Б
    assert math.of(1).average == pytest.approx(13 / 3) and (math.of(1).count, math.of(1).suggested) == (2, "н/а")
    assert math.of(2).average == pytest.approx(4.8) and (math.of(2).count, math.of(2).suggested) == (4, "5")
    assert math.of(3).average == pytest.approx(10 / 3) and math.of(3).count == 2
    assert math.of(4) == NO_MARKS and NO_MARKS.as_tuple() == (None, 0, "н/а")
    # the class: the mean of the three students' averages, the one without marks left out
    assert math.class_average == pytest.approx((13 / 3 + 4.8 + 10 / 3) / 3)   # 187/45 = 4.1556


def test_modifiers_default_weight_range_and_roster(store):
    stepped = _math(store, MarkSettings(modifier_step=0.25))["Математика"]
    assert stepped.of(3).average == pytest.approx((2.75 * 2 + 4.25) / 3)      # 3.25
    assert _math(store)["Физика"].of(1).average == pytest.approx(3.0)         # «Проект» weighs 1
    assert _math(store, MarkSettings(default_weight=3))["Физика"].of(1).average == pytest.approx((15 + 4) / 5)
    with store.connect() as conn:
        december = class_averages(conn, 1, "5А", NOV(1), dt.date(2026, 12, 31), settings=MarkSettings())
    assert december["Математика"].of(2).average == pytest.approx((24 + 2 * 2) / 7)   # the 1 Dec test counts
    only = _math(store, subject="Математика", roster=[1, 2])
    assert set(only) == {"Математика"} and set(only["Математика"].students) == {1, 2}
    assert only["Математика"].class_average == pytest.approx((13 / 3 + 4.8) / 2)    # 137/30
    assert only["История"].students == {} and only["История"].class_average is None
    import dataclasses
    with pytest.raises(dataclasses.FrozenInstanceError):
        NO_MARKS.count = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        only["Математика"].class_average = 0


def test_the_minimum_of_marks_depends_on_the_period_kind_and_hours(store):
    """Student 2 has 4 marks in Математика (24/5 = 4.8): enough for a quarter's 3, not for a
    semester's 5; with 2 more per extra weekly hour, a quarter of a 2-hour subject needs 5."""
    marks = MarkSettings(min_marks_quarter=3, min_marks_semester=5)
    assert _math(store, marks, period_kind="quarter")["Математика"].of(2).suggested == "5"
    assert _math(store, marks, period_kind="semester")["Математика"].of(2).suggested == "н/а"
    scaled = MarkSettings(min_marks_quarter=3, min_marks_per_extra_hour=2)
    assert _math(store, scaled, hours={"Математика": 1})["Математика"].of(2).suggested == "5"
    assert _math(store, scaled, hours={"Математика": 2})["Математика"].of(2).suggested == "н/а"   # needs 5


def test_the_period_sheet_stats_are_the_hand_computed_ones(store):
    """The period sheet's (average, count, suggested) per student, by hand: 13/3 from two marks
    (too few: н/а), 24/5 = 4.8 from four (≥ 4.5: 5), 10/3 from two."""
    expected = {1: (pytest.approx(13 / 3), 2, "н/а"), 2: (pytest.approx(4.8), 4, "5"), 3: (pytest.approx(10 / 3), 2, "н/а")}
    assert _math(store, subject="Математика")["Математика"].as_stats() == expected


def test_diary_summary_and_report_card_show_the_hand_computed_average(loaded, algebra_week):
    """GIVEN 8А algebra marked by hand (test_period_and_plan.algebra_week) WHEN the week's diary,
    the week summary and the period report card are built THEN each shows 24/5 = 4.8 from 4 marks
    for the second student, and the diary's class average is (13/3 + 24/5 + 4 + 18/4)/4 = 4.41."""
    _, info = algebra_week
    student = info["students"][1]
    with loaded.engine.connect() as conn:
        school_id = loaded.ctx().school_id
        diary = load_week(conn, school_id, WEEK, loaded.settings).diary(student)
        school = load_school(conn, school_id)
        summary = week_summary(conn, school, loaded.settings, WEEK)
        period = period_summary(conn, school, loaded.settings, "Q2")
        card = report_cards(conn, period, school.calendar.period_row("Q2"))[student]
    [row] = [a for a in diary["averages"] if a["subject"] == "Алгебра"]
    # the period's marks as typed (the КР counts twice: 5·2 + 5 + 5 + 4 = 24 over 5), and the
    # average at each week's end of Q2: no mark before 23.11, then 4.8
    assert row.pop("marks") == [{"date": "23.11", "mark": "5", "type": "КР"}, {"date": "24.11", "mark": "5", "type": "ОНУ"},
                                {"date": "25.11", "mark": "5/4", "type": "ОНУ"}]
    assert row.pop("trend") == [{"week": "02.11", "average": None}, {"week": "09.11", "average": None},
                                {"week": "16.11", "average": None}, {"week": "23.11", "average": 4.8}]
    assert row == {"subject": "Алгебра", "average": 4.8, "count": 4, "class_average": 4.41,
                   "average_text": "4,80", "class_average_text": "4,41"}
    [result] = [r for r in summary.results if r.student_id == student and r.subject == "Алгебра"]
    assert (round(result.average, 2), result.count, result.result, result.week_result) == (4.8, 4, "5", "5")
    [result] = [r for r in period.results if r.student_id == student and r.subject == "Алгебра"]
    assert (round(result.average, 2), result.count) == (4.8, 4)
    [line] = [x for x in card["subjects"] if x["subject"] == "Алгебра"]
    assert (line["average"], line["count"]) == (4.8, 4)


def test_a_pass_fail_subject_is_in_the_diary_period_table_with_its_marks_and_no_average(loaded, tmp_path):
    """GIVEN a 5А pupil whose only marks in ОДНКНР (pass/fail) this period are «зач», «незач»,
    «зач» on 10, 17 and 24.11 WHEN week 48's diary is built and rendered THEN its period table
    lists ОДНКНР with those three marks and their dates, and no average (none for the class)."""
    from test_year_counts import _journal, _pdf_text

    from zhurnal.publish.diary import DiaryRenderer, template_path
    pupil = next(r["id"] for r in loaded.rows(s.students) if r["class_code"] == "5А")
    with loaded.engine.begin() as conn:
        _journal(conn, "5А", "ОДНКНР", {pupil: ["зач", "незач", "зач"]})
    with loaded.engine.connect() as conn:
        diary = load_week(conn, 1, WEEK, loaded.settings).diary(pupil)
    [row] = [a for a in diary["averages"] if a["subject"] == "ОДНКНР"]
    assert [(m["date"], m["mark"]) for m in row["marks"]] == [("10.11", "зач"), ("17.11", "незач"), ("24.11", "зач")]
    assert (row["average"], row["average_text"], row["class_average"], row["class_average_text"], row["trend"]) == \
        (None, "", None, "", [])
    pdf = tmp_path / "diary.pdf"
    pdf.write_bytes(DiaryRenderer(template_path(loaded.settings.workspace)).render_one(diary))
    text = _pdf_text(pdf)
    assert "ОДНКНР зач 10.11 незач 17.11 зач 24.11" in text, text[text.find("Средние баллы"):]


def test_diary_and_summary_speak_of_the_same_period(loaded):
    """GIVEN 2026-W43, the last week of Q1 (grades 1–9, ends Saturday 24.10) while H1 (grades 10–11)
    goes on WHEN the week's diary data and summary are built THEN both use Q1 for 5А and H1 for 10А
    (the summary used to keep only the classes whose period held the Sunday: 10А and 11А)."""
    week = parse_week("2026-W43")
    with loaded.engine.connect() as conn:
        data = load_week(conn, 1, week, loaded.settings)
        summary = week_summary(conn, data.school, loaded.settings, week)
    assert data.diary(data.school.class_students("5А")[0]["id"])["period"] == "1 четверть"
    assert data.diary(data.school.class_students("10А")[0]["id"])["period"] == "1 полугодие"
    assert {"5А", "9А", "10А", "11А"} <= {r.class_code for r in summary.results}


def test_each_school_of_a_shared_store_counts_only_its_own_marks_and_weights(store):
    """A district store: a second school with the same class, subject and work type names but
    other weights. Each school's averages are its own, by hand."""
    with store.begin() as conn:
        conn.execute(insert(s.schools).values(id=2, code="u", name="Другая школа"))
        conn.execute(insert(s.work_types), [{"school_id": 2, "name": "Ответ на уроке", "weight": 3.0},
                                            {"school_id": 2, "name": "Контрольная работа", "weight": 5.0}])
        conn.execute(insert(s.students), [{"school_id": 2, "id": sid, "class_code": "5А", "full_name": f"Ученик {sid}",
                                           "active": True} for sid in (11, 12)])
        conn.execute(insert(s.lessons), [
            {"school_id": 2, "id": 21, "class_code": "5А", "subject": "Математика", "subgroup": "", "date": NOV(9),
             "lesson_no": 1, "work_type": "Контрольная работа"},
            {"school_id": 2, "id": 22, "class_code": "5А", "subject": "Математика", "subgroup": "", "date": NOV(10),
             "lesson_no": 1, "work_type": "Ответ на уроке"}])
        conn.execute(insert(s.journal_entries), [
            {"school_id": 2, "lesson_id": lid, "student_id": sid, "marks": m, "presence": ""}
            for lid, sid, m in ((21, 11, "2"), (22, 11, "4"), (21, 12, "5"))])
    first = _math(store)["Математика"]
    assert set(first.students) == {1, 2, 3}
    assert first.of(1).average == pytest.approx(13 / 3) and first.of(1).count == 2
    assert first.class_average == pytest.approx((13 / 3 + 4.8 + 10 / 3) / 3)
    with store.connect() as conn:
        second = class_averages(conn, 2, "5А", *RANGE, settings=MarkSettings())
    assert set(second) == {"Математика"}
    assert second["Математика"].of(11).average == pytest.approx((2 * 5 + 4 * 3) / 8)    # 2.75
    assert second["Математика"].of(11).count == 2 and second["Математика"].of(12).average == 5.0
    # a student without marks has no pass/fail marks either
    assert (first.of(4).passed, first.of(4).failed) == (0, 0)
