"""The deputy's homework control (issue 28, point 4): per class and school day of a week, the
homework due that day and the minutes it is estimated to take, against the limit of its grade.

Limits: СанПиН 1.2.3685-21 «Гигиенические нормативы и требования к обеспечению безопасности и
(или) безвредности для человека факторов среды обитания» (постановление Главного
государственного санитарного врача РФ от 28.01.2021 № 2), table 6.6, «продолжительность
выполнения домашних заданий»: grade 1 — 1 h, grades 2–3 — 1.5 h, 4–5 — 2 h, 6–8 — 2.5 h,
9–11 — 3.5 h (:data:`LIMIT_MINUTES`; see docs/DESIGN.md «Homework load» for the sources read).

Minutes come from the school, never guessed: a teacher may end the homework's text with the
minutes in brackets («№ 345, 347 (25 мин)», :func:`written_minutes`), else ``[journal]
homework_minutes`` may give its subject's usual minutes; an assignment with neither is counted
but not estimated. A day's load is the homework due that day (done the day before): per
subject, the whole class's assignments plus the longest of its subgroups' (a pupil is in one
subgroup), summed over subjects.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from zhurnal.publish.homework import DueDates
from zhurnal.school.calendar import Week
from zhurnal.school.lookup import class_sort_key
from zhurnal.school.snapshot import School

# grade → the most minutes of homework a day (СанПиН 1.2.3685-21, table 6.6)
LIMIT_MINUTES = {1: 60, 2: 90, 3: 90, 4: 120, 5: 120, 6: 150, 7: 150, 8: 150, 9: 210, 10: 210, 11: 210}
# «(25 мин)», «(~25 мин.)», «(около 25 минут)» — in brackets, so «прочитать 10 минут» is not taken
_MINUTES = re.compile(r"\(\s*(?:~|≈|около\s+)?([0-9]{1,3})\s*мин(?:ут[аы]?|\.)?\s*\)", re.IGNORECASE)


def written_minutes(text: str | None) -> int | None:
    """The minutes a homework's text ends with in brackets (the last such), or None:
    ``written_minutes("упр. 5 (20 мин)") == 20``."""
    found = _MINUTES.findall(text or "")
    return int(found[-1]) if found else None


@dataclass(frozen=True)
class DayLoad:
    """One class's homework due on one school day."""

    class_code: str
    day: dt.date
    due: int                 # assignments due that day
    estimated: int           # of them with minutes (written or the subject's usual)
    minutes: int | None      # the estimated load (None: no assignment had minutes)
    limit: int | None        # the grade's limit in minutes (None: a grade the table does not name)

    @property
    def over(self) -> bool:
        return self.minutes is not None and self.limit is not None and self.minutes > self.limit


def day_minutes(assignments: list[dict], usual: Mapping[str, int]) -> tuple[int, int | None]:
    """(how many of ``assignments`` — stored lessons with ``subject``, ``subgroup``, ``homework`` —
    have minutes, the day's load in minutes or None); see the module's docstring."""
    per_group: dict[str, dict[str | None, int]] = defaultdict(lambda: defaultdict(int))
    estimated = 0
    for lesson in assignments:
        minutes = written_minutes(lesson["homework"])
        if minutes is None:
            minutes = usual.get(lesson["subject"])
        if minutes is None:
            continue
        estimated += 1
        per_group[lesson["subject"]][lesson.get("subgroup") or None] += minutes
    if not estimated:
        return 0, None
    total = 0
    for groups in per_group.values():
        whole = groups.pop(None, 0)
        total += whole + max(groups.values(), default=0)
    return estimated, total


def homework_load(school: School, due: DueDates, week: Week, usual: Mapping[str, int]) -> list[DayLoad]:
    """Every class's school days of ``week`` with homework due, by class and day."""
    found = []
    for code in sorted(school.classes, key=class_sort_key):
        limit = LIMIT_MINUTES.get(school.grade(code))
        for day in school.school_days(code, week):
            assignments = due.by_day.get((code, day), [])
            if assignments:
                estimated, minutes = day_minutes(assignments, usual)
                found.append(DayLoad(code, day, len(assignments), estimated, minutes, limit))
    return found
