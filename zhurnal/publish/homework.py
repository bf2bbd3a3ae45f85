"""Homework by the day it is due (issue 28, point 4): the diary shows an assignment under the
lesson it is for, and «задано …» under the lesson that set it.

The day an assignment is for is the teacher's «Задание к дате» (``lessons.homework_due``) or,
when empty, the next lesson of the same class, subject and subgroup by the timetable (holidays
skipped: up to :data:`WEEKS_AHEAD` weeks on). An assignment set in an earlier week and due in
this one is shown too (:data:`SET_BEFORE` days are looked back).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from zhurnal.school.calendar import Week, week_of
from zhurnal.school.snapshot import School, Section

WEEKS_AHEAD = 3                     # a next lesson beyond the winter holidays is still found
SET_BEFORE = dt.timedelta(days=21)  # how far back assignments due in the week are looked for


def next_lesson(school: School, lesson: dict) -> dt.date | None:
    """The day of the section's next timetabled lesson after ``lesson``'s day, or None."""
    section = Section(lesson["class_code"], lesson["subject"], lesson["subgroup"])
    start = week_of(lesson["date"])
    for n in range(WEEKS_AHEAD + 1):
        for day, _no in school.lessons(section, Week(start.monday + dt.timedelta(weeks=n))):
            if day > lesson["date"]:
                return day
    return None


class DueDates:
    """Each lesson's homework and the day it is for, worked out once per publish."""

    def __init__(self, school: School, lessons: list[dict]) -> None:
        self.school = school
        self.due: dict[int, dt.date | None] = {}
        # (class, day) → the assignments due that day: (lesson that set it, due day)
        self.by_day: dict[tuple[str, dt.date], list[dict]] = defaultdict(list)
        for lesson in lessons:
            if not lesson.get("homework"):
                continue
            self.due[lesson["id"]] = due = lesson.get("homework_due") or next_lesson(school, lesson)
            if due is not None:
                self.by_day[(lesson["class_code"], due)].append(lesson)

    def due_on(self, class_code: str, day: dt.date, takes) -> list[dict]:
        """The assignments due on ``day`` for a pupil of ``class_code`` (``takes(lesson)``: whether
        the pupil is in that lesson's group), in the order they were set."""
        return sorted((lesson for lesson in self.by_day.get((class_code, day), []) if takes(lesson)),
                      key=lambda lesson: (lesson["date"], lesson["lesson_no"]))


def place_homework(days: list[dict], due: list[list[dict]], set_due: dict[int, dt.date | None]) -> None:
    """Fill each diary day's lessons with what is due at them: ``days[i]`` (a diary day with its
    lessons, each with ``id`` and ``subject``) gets ``due[i]`` (the stored lessons whose
    homework is due that day); an assignment goes to the day's first lesson of its subject, or,
    without one, to the day's ``homework_other``. ``set_due``: lesson id → due day, for the
    «задано к …» of the lesson that set it."""
    for day, assignments in zip(days, due):
        day["homework_other"] = []
        for lesson in day["lessons"]:
            lesson["homework"], lesson["homework_from"] = "", ""
            when = set_due.get(lesson.pop("_id"))
            lesson["homework_set_due"] = f"{when:%d.%m}" if when and lesson["homework_set"] else ""
        for assignment in assignments:
            target = next((l for l in day["lessons"] if l["subject"] == assignment["subject"]), None)
            if target is None:
                day["homework_other"].append({"subject": assignment["subject"], "text": assignment["homework"],
                                              "set_on": f"{assignment['date']:%d.%m}"})
                continue
            target["homework"] = "; ".join(filter(None, [target["homework"], assignment["homework"]]))
            target["homework_from"] = ", ".join(filter(None, [target["homework_from"],
                                                              f"{assignment['date']:%d.%m}"]))
