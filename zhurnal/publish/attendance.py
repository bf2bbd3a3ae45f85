"""Attendance counted in whole days and in lessons, by reason, and lates.

Lessons missed and their reason come from the class teacher's attendance register (one row per
pupil and day: lessons missed, reason б/у/н or empty); a day is missed whole when the lessons
missed reach every lesson the pupil had that day by the timetable (their own subgroups only: a
parallel lesson of another subgroup is not theirs). Lates are the journal's ``оп`` cells, one per
lesson. Reason ``?``: the register gives none.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from zhurnal.school.calendar import parity_matches
from zhurnal.school.marks import LATE
from zhurnal.school.snapshot import School
from zhurnal.store import queries as q
from zhurnal.store import schema as s

NO_REASON = "?"


@dataclass
class Missed:
    """One pupil over a date range."""

    lessons: Counter = field(default_factory=Counter)    # reason → lessons missed
    days: Counter = field(default_factory=Counter)       # reason → whole days missed
    late: int = 0                                        # lessons come late to (оп)

    def __iadd__(self, other: "Missed") -> "Missed":
        self.lessons.update(other.lessons)
        self.days.update(other.days)
        self.late += other.late
        return self

    @property
    def total_lessons(self) -> int:
        return sum(self.lessons.values())

    @property
    def total_days(self) -> int:
        return sum(self.days.values())


def lessons_of_pupil(school: School, student_id: int, day: dt.date) -> int:
    """How many lessons the pupil has on ``day`` by the timetable (their subgroups only; one per slot)."""
    student = school.students[student_id]
    code = student["class_code"]
    period = school.calendar.period(day, school.grade(code))
    members = school.members.get(student_id, {})
    return len({e["lesson_no"] for e in school.timetable_of(code, day.isoweekday())
                if e["period"] == period and parity_matches(e["parity"], day)
                and (not e["subgroup"] or members.get(e["subject"]) == e["subgroup"])})


def missed(conn: Connection, school: School, pupils: Iterable[int], start: dt.date, end: dt.date) -> dict[int, Missed]:
    """Pupil id → what they missed from ``start`` to ``end`` (both included); every pupil given is a key."""
    wanted = set(pupils)
    found = {sid: Missed() for sid in wanted}
    for row in q.absences_between(conn, school.school_id, start, end):
        sid = row["student_id"]
        if sid not in wanted or not row["lessons"]:
            continue
        reason = row["reason"] or NO_REASON
        found[sid].lessons[reason] += row["lessons"]
        day_lessons = lessons_of_pupil(school, sid, row["date"])
        if day_lessons and row["lessons"] >= day_lessons:
            found[sid].days[reason] += 1
    l, e = s.lessons, s.journal_entries
    late = conn.execute(select(e.c.student_id).join(l, l.c.id == e.c.lesson_id).where(
        l.c.school_id == school.school_id, l.c.date.between(start, end), e.c.presence == LATE))
    for (sid,) in late:
        if sid in wanted:
            found[sid].late += 1
    return found


@dataclass
class Attendance:
    """A summary's attendance: the report's own range (the week, or the whole period) and the
    period so far, per pupil."""

    current: dict[int, Missed]
    period: dict[int, Missed]

    def class_total(self, pupils: Iterable[int], which: str = "current") -> Missed:
        total = Missed()
        for sid in pupils:
            total += getattr(self, which).get(sid, Missed())
        return total


def attendance(conn: Connection, school: School, starts: dict[str, dt.date], until: dt.date,
               enrolled: dict[str, list[int]], *, week=None) -> Attendance:
    """Per class (``starts``: class → its period's first day), the pupils ``enrolled`` up to ``until``;
    ``current`` is ``week``'s when given, else the same as ``period``."""
    by_start: dict[dt.date, list[int]] = defaultdict(list)
    for code, start in starts.items():
        by_start[start] += enrolled.get(code, [])
    period: dict[int, Missed] = {}
    for start, pupils in by_start.items():
        period.update(missed(conn, school, pupils, start, until))
    if week is None:
        return Attendance(period, period)
    everyone = [sid for pupils in by_start.values() for sid in pupils]
    return Attendance(missed(conn, school, everyone, week.monday, min(week.sunday, until)), period)
