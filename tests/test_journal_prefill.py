"""What an issued journal sheet is prefilled with (zhurnal.kinds.journal.issue.journal_sheet),
from stored lessons and a plan written here, on the shared school of the tests.

Each expected cell is stated from the rule in the module: a stored lesson's own topic stays;
the plan's topics fill, in the plan's order, the timetabled lessons that have none; every stored
extra lesson (up to the two spare columns) is shown, in date and lesson order; the pupils are
those enrolled on some day of the week, so one arriving on Wednesday is on the sheet and one who
left before Monday is not.
"""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import WEEK

from zhurnal.kinds.journal.issue import journal_sheet, lesson_key
from zhurnal.school.snapshot import load_school


@pytest.fixture
def school_and_section(loaded):
    with loaded.engine.connect() as conn:
        school = load_school(conn, loaded.ctx().school_id)
    for sections in school.teacher_sections(None).values():
        for section in sections:
            if len(school.lessons(section, WEEK)) >= 3 and school.section_students(section, WEEK.monday, WEEK.sunday) \
                    and not section.subgroup:
                return school, section
    raise LookupError("no section with three lessons in the week")


def lesson(id_: int, day: dt.date, number: int, *, topic: str | None = None, extra: bool = False) -> dict:
    return {"id": id_, "date": day, "lesson_no": number, "extra": extra, "topic": topic, "homework": None,
            "homework_due": None, "work_type": None, "ict": None}


def sheet(school, section, stored: dict, plan: list[dict]):
    return journal_sheet(school, section, WEEK, "Лист", stored_lessons=stored, stored_entries={}, plan=plan,
                         allow_plus_minus=False)


def row(grid, marker: str, below: bool = True) -> dict:
    return next(r for r in (grid.markers_below if below else grid.markers_above) if r.marker == marker).values


def test_the_stored_topic_stays_and_the_plan_fills_the_lessons_without_one(school_and_section):
    school, section = school_and_section
    (d0, n0), (d1, n1), (d2, n2) = school.lessons(section, WEEK)[:3]
    stored = {101: lesson(101, d1, n1, topic="Тема, записанная учителем")}
    plan = [{"topic": "План: первая"}, {"topic": "План: вторая"}, {"topic": ""}]
    topics = row(sheet(school, section, stored, plan), "topic")
    assert topics[lesson_key(d0, n0)] == "План: первая"
    assert topics[lesson_key(d1, n1)] == "Тема, записанная учителем"
    assert topics[lesson_key(d2, n2)] == "План: вторая"


def test_without_a_plan_only_stored_topics_are_shown(school_and_section):
    school, section = school_and_section
    (d0, n0), (d1, n1) = school.lessons(section, WEEK)[:2]
    topics = row(sheet(school, section, {7: lesson(7, d1, n1, topic="Своя")}, []), "topic")
    assert topics.get(lesson_key(d0, n0)) in (None, "") and topics[lesson_key(d1, n1)] == "Своя"


def test_every_stored_extra_lesson_is_prefilled_in_date_order(school_and_section):
    school, section = school_and_section
    friday, wednesday = WEEK.monday + dt.timedelta(days=4), WEEK.monday + dt.timedelta(days=2)
    stored = {201: lesson(201, friday, 8, topic="Консультация", extra=True),
              202: lesson(202, wednesday, 7, topic="Разбор контрольной", extra=True)}
    grid = sheet(school, section, stored, [])
    assert {k: row(grid, "date", below=False).get(k) for k in ("extra1", "extra2")} == {"extra1": wednesday, "extra2": friday}
    assert {k: row(grid, "lesson_no", below=False).get(k) for k in ("extra1", "extra2")} == {"extra1": 7, "extra2": 8}
    assert {k: row(grid, "topic").get(k) for k in ("extra1", "extra2")} == {"extra1": "Разбор контрольной",
                                                                           "extra2": "Консультация"}


def test_a_pupil_arriving_on_wednesday_is_on_the_sheet_and_one_gone_before_monday_is_not(school_and_section):
    school, section = school_and_section
    pupils = school.section_students(section, WEEK.monday, WEEK.sunday)
    arriving, leaving = pupils[0], pupils[1]
    school.students[arriving["id"]] = {**arriving, "arrived_on": WEEK.monday + dt.timedelta(days=2)}
    school.students[leaving["id"]] = {**leaving, "left_on": WEEK.monday, "active": False}   # last day: Sunday
    school._students_by_class = None                    # the index is built on first use
    on_sheet = [pupil_id for pupil_id, _ in sheet(school, section, {}, []).students]
    assert arriving["id"] in on_sheet and leaving["id"] not in on_sheet
    assert len(on_sheet) == len(pupils) - 1
