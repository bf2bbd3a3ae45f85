"""Is a class's week in? The timetabled lessons of the week against those an accepted journal holds.

Nothing empty is mailed (issue 25): a class's diaries are published for a week only when the
share ``[publish] complete_share`` (default 1: all) of its timetabled lessons of the week is
held by an accepted journal. A timetabled lesson is one of :meth:`School.lessons` — the class's
school days by the calendar (holidays and days outside the terms are no lessons), the timetable
of the period, odd/even weeks — and it is in when the store holds it (every lesson column of an
accepted journal is stored, :mod:`zhurnal.kinds.journal.plan`); extra lessons count for nothing
either way. The store keeps no teacher's leave: a lesson not held because its teacher was away
is missing until the journal says so, or until the share lets it pass.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field

from sqlalchemy import Connection

from zhurnal.school.calendar import Week
from zhurnal.school.snapshot import School, Section
from zhurnal.store import queries as q


@dataclass(frozen=True)
class MissingJournal:
    """A teacher's journal of one group that does not hold ``lessons`` of its timetabled lessons."""

    teacher: str            # as the teaching load names them ("" when the load names nobody)
    class_code: str
    subject: str
    subgroup: str
    lessons: int


@dataclass
class ClassWeek:
    """One class's week: ``timetabled`` lessons, ``held`` of them in the store, what is missing."""

    class_code: str
    timetabled: int
    held: int
    complete: bool
    missing: list[MissingJournal] = field(default_factory=list)

    def missing_subjects(self, memberships: dict[str, str] | None = None) -> list[str]:
        """The subjects missing, in order; with a pupil's ``memberships`` (subject → subgroup)
        only the groups the pupil is in."""
        return sorted({m.subject for m in self.missing
                       if memberships is None or not m.subgroup or memberships.get(m.subject) == m.subgroup})


@dataclass
class WeekReadiness:
    """Per class (those with a lesson in the timetable this week) whether its week is in."""

    week: str
    share: float
    classes: dict[str, ClassWeek] = field(default_factory=dict)

    @property
    def complete(self) -> list[str]:
        return [code for code, c in self.classes.items() if c.complete]

    @property
    def incomplete(self) -> list[str]:
        return [code for code, c in self.classes.items() if not c.complete]

    @property
    def empty(self) -> bool:
        """No lesson of the week is in at all (nothing would be published but empty days)."""
        return not any(c.held for c in self.classes.values())

    def as_dict(self) -> dict:
        return {"week": self.week, "share": self.share,
                "classes": {code: asdict(c) for code, c in self.classes.items()}}


def week_readiness(conn: Connection, school: School, week: Week, share: float) -> WeekReadiness:
    """Each class's timetabled lessons of ``week`` against the stored ones (see the module)."""
    stored = {(l["class_code"], l["subject"], l["subgroup"], l["date"], l["lesson_no"])
              for l in q.lessons_between(conn, school.school_id, week.monday, week.sunday) if not l["extra"]}
    sections: dict[str, set[Section]] = defaultdict(set)
    for entry in school.timetable:
        sections[entry["class_code"]].add(Section(entry["class_code"], entry["subject"], entry["subgroup"]))
    found = WeekReadiness(week.label, share)
    for code in school.classes:
        timetabled = held = 0
        missing = []
        for section in sorted(sections.get(code, ()), key=lambda s: (s.subject, s.subgroup)):
            lessons = school.lessons(section, week)
            absent = sum(1 for day, number in lessons
                         if (code, section.subject, section.subgroup, day, number) not in stored)
            timetabled += len(lessons)
            held += len(lessons) - absent
            if absent:
                missing.append(MissingJournal(school.load.get(section, ""), code, section.subject,
                                              section.subgroup, absent))
        if timetabled:
            found.classes[code] = ClassWeek(code, timetabled, held, held > 0 and held >= share * timetabled,
                                            sorted(missing, key=lambda m: (m.teacher, m.subject, m.subgroup)))
    return found
