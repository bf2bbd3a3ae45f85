"""The school as one read: setup, students, memberships and calendar, for issuing and checking.

Issuing a week's workbooks and validating them need the same few hundred rows many times over;
reading them once into plain dicts keeps both fast and keeps SQL out of the rule code.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import Connection, select

from zhurnal.core.errors import NotASchoolWeek
from zhurnal.school.calendar import Calendar, Week, parity_matches
from zhurnal.school.enrolment import enrolled
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.text.i18n import N_

WEEKDAYS_RU = {1: "Пн", 2: "Вт", 3: "Ср", 4: "Чт", 5: "Пт", 6: "Сб", 7: "Вс"}


@dataclass(frozen=True)
class Section:
    """What one teacher teaches one group: a class, a subject and a subgroup ('' = whole class)."""

    class_code: str
    subject: str
    subgroup: str


@dataclass
class School:
    school_id: int
    classes: dict[str, dict]
    subjects: dict[str, dict]
    load: dict[Section, str]
    timetable: list[dict]
    calendar: Calendar
    bells: dict[int, tuple[str, str]]
    work_types: dict[str, float]
    reasons: dict[str, str]
    students: dict[int, dict]
    members: dict[int, dict[str, str]]
    exemptions: list[dict] = field(default_factory=list)
    closed_periods: set[str] = field(default_factory=set)
    year_label: str | None = None
    year_closed: bool = False            # the setup's year is closed: no change is accepted
    hours: dict[tuple[str, str], float] = field(default_factory=dict)   # (class, subject) → lessons a week
    _hours_by_class: dict[str, dict[str, float]] | None = field(default=None, repr=False, compare=False)
    _students_by_class: dict[str, list[dict]] | None = field(default=None, repr=False, compare=False)
    _timetable_by_day: dict[tuple[str, int], list[dict]] | None = field(default=None, repr=False, compare=False)

    def subject_hours(self, class_code: str) -> dict[str, float]:
        """Subject → weekly hours of ``class_code`` as the teaching load gives them (the largest
        of a split subject's subgroups); a subject without hours is left out. (Indexed once per
        snapshot: publishing asks for every pupil × subject.)"""
        if self._hours_by_class is None:
            index: dict[str, dict[str, float]] = {}
            for (code, subject), h in self.hours.items():
                index.setdefault(code, {})[subject] = h
            self._hours_by_class = index
        return dict(self._hours_by_class.get(class_code, {}))

    def class_students(self, class_code: str, start: dt.date | None = None, end: dt.date | None = None) -> list[dict]:
        """The class's pupils by name: those enrolled on some day of ``start``…``end`` (one day
        without ``end``; see :mod:`zhurnal.school.enrolment`), or without dates those who have not left."""
        if self._students_by_class is None:     # indexed once: publishing asks for every class often
            index: dict[str, list[dict]] = {}
            for st in sorted(self.students.values(), key=lambda st: st["full_name"]):
                index.setdefault(st["class_code"], []).append(st)
            self._students_by_class = index
        everyone = self._students_by_class.get(class_code, [])
        if start is None:
            return [st for st in everyone if st["active"]]
        return [st for st in everyone if enrolled(st, start, end)]

    def timetable_of(self, class_code: str, weekday: int) -> list[dict]:
        """The timetable's entries of ``class_code`` on ISO ``weekday`` (1 = Monday), all periods."""
        if self._timetable_by_day is None:
            index: dict[tuple[str, int], list[dict]] = {}
            for entry in self.timetable:
                index.setdefault((entry["class_code"], entry["weekday"]), []).append(entry)
            self._timetable_by_day = index
        return self._timetable_by_day.get((class_code, weekday), [])

    def section_students(self, section: Section, start: dt.date | None = None,
                         end: dt.date | None = None) -> list[dict]:
        everyone = self.class_students(section.class_code, start, end)
        if not section.subgroup:
            return everyone
        return [st for st in everyone
                if self.members.get(st["id"], {}).get(section.subject) == section.subgroup]

    def grade(self, class_code: str) -> int:
        return self.classes[class_code]["grade"]

    def school_days(self, class_code: str, week: Week) -> list[dt.date]:
        cls = self.classes[class_code]
        return self.calendar.school_days(week, cls["grade"], cls["days_per_week"])

    def require_school_week(self, week: Week) -> None:
        """Raise :class:`NotASchoolWeek` unless some class has a school day in ``week``."""
        if not self.classes:
            raise NotASchoolWeek(week.label, N_("the setup has no classes yet (ingest the setup workbook first)"))
        if any(self.school_days(code, week) for code in self.classes):
            return
        periods = self.calendar.periods
        in_year = bool(periods) and min(p["start"] for p in periods) <= week.sunday \
            and week.monday <= max(p["end"] for p in periods)
        raise NotASchoolWeek(week.label, N_("the whole week is holidays") if in_year
                             else N_("the week is outside the school year's periods"))

    def week_period(self, class_code: str, week: Week) -> dict | None:
        """The period row a week's diary and summary speak of for a class: the one holding the
        class's last school day of the week, else (a week of holidays) the week's latest day in
        a period; None when no day of the week is in one of the class's periods."""
        grade = self.grade(class_code)
        for day in [*reversed(self.school_days(class_code, week)), *reversed(week.days(7))]:
            code = self.calendar.period(day, grade)
            if code:
                return self.calendar.period_row(code)
        return None

    def lessons(self, section: Section, week: Week) -> list[tuple[dt.date, int]]:
        """(date, lesson number) of the section's timetabled lessons in ``week``."""
        grade = self.grade(section.class_code)
        entries = self._by_section.get(section, [])
        found = []
        for day in self.school_days(section.class_code, week):
            period = self.calendar.period(day, grade)
            found += [(day, e["lesson_no"]) for e in entries
                      if e["period"] == period and e["weekday"] == day.isoweekday()
                      and parity_matches(e["parity"], day)]
        return sorted(set(found))

    @cached_property
    def _by_section(self) -> dict[Section, list[dict]]:
        found: dict[Section, list[dict]] = defaultdict(list)
        for entry in self.timetable:
            found[Section(entry["class_code"], entry["subject"], entry["subgroup"])].append(entry)
        return found

    def lessons_per_day(self, class_code: str, day: dt.date) -> int:
        """How many lesson slots the class has that day (parallel subgroups count once)."""
        period = self.calendar.period(day, self.grade(class_code))
        return len({e["lesson_no"] for e in self.timetable
                    if e["period"] == period and e["class_code"] == class_code
                    and e["weekday"] == day.isoweekday() and parity_matches(e["parity"], day)})

    def exempt(self, student_id: int, subject: str, day: dt.date) -> bool:
        return any(e["student_id"] == student_id and e["subject"] == subject and e["start"] <= day <= e["end"]
                   for e in self.exemptions)

    def teacher_sections(self, only: str | None = None) -> dict[str, list[Section]]:
        """Teacher → the groups they teach, in class order; ``only`` keeps one teacher."""
        found: dict[str, list[Section]] = defaultdict(list)
        for section, teacher in sorted(self.load.items(), key=lambda kv: (kv[1], self.grade(kv[0].class_code),
                                                                          kv[0].class_code, kv[0].subject,
                                                                          kv[0].subgroup)):
            if only is None or teacher == only:
                found[teacher].append(section)
        return dict(found)


def load_school(conn: Connection, school_id: int) -> School:
    """Read everything the journal stages need in a handful of queries."""
    rows = lambda table, *order: q.table_rows(conn, table, school_id, *order)
    students = {st["id"]: st for st in rows(s.students, "id")}
    members: dict[int, dict[str, str]] = defaultdict(dict)
    year = conn.execute(select(s.schools.c.year_label).where(s.schools.c.id == school_id)).scalar()
    load = rows(s.teaching_load)
    hours: dict[tuple[str, str], float] = {}
    for row in load:
        if row["hours"]:
            key = (row["class_code"], row["subject"])
            hours[key] = max(hours.get(key, 0.0), row["hours"])
    for row in rows(s.subgroup_members):
        members[row["student_id"]][row["subject"]] = row["subgroup"]
    return School(
        school_id=school_id,
        classes={c["code"]: c for c in rows(s.classes, "grade", "code")},
        subjects={x["name"]: x for x in rows(s.subjects, "name")},
        load={Section(r["class_code"], r["subject"], r["subgroup"]): r["teacher"] for r in load},
        timetable=rows(s.timetable),
        calendar=Calendar(periods=tuple(rows(s.periods, "start")), holidays=tuple(rows(s.holidays, "start"))),
        bells={b["lesson_no"]: (b["start"], b["end"]) for b in rows(s.bells)},
        work_types={w["name"]: w["weight"] for w in rows(s.work_types)},
        reasons={r["code"]: r["name"] for r in rows(s.absence_reasons)},
        students=students,
        members=dict(members),
        exemptions=rows(s.exemptions),
        closed_periods={p["period"] for p in rows(s.period_locks) if p["closed"]},
        year_label=year,
        year_closed=year in {y["year_label"] for y in rows(s.year_locks) if y["closed"]},
        hours=hours,
    )
