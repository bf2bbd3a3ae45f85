"""Week by week figures of a period so far, and the same weeks of the period before, read from
the store: what the deputy's «Главное» and «Динамика» compare.

A week's figures come from that week's own marks and absences (not the period's running
average, which moves slowly): for each pupil × subject with marks in the week, the weighted
average of the week's marks (:func:`zhurnal.school.averages.class_averages`, the one path every
average in zhurnal takes) and the mark it suggests by the school's thresholds (one mark is
enough: it is a week, not a period). Of a group (a class, a subject across classes, a class ×
subject):

* average — the mean of its pupil × subject week averages, in mark points;
* quality — («5» + «4») × 100 / N over the same results (:func:`zhurnal.publish.metrics.metrics`);
* attendance — lessons attended × 100 / lessons due: the register's lessons missed against the
  class's timetabled lessons of its school days times its pupils (classes only).

Week k of a period is the k-th calendar week from the week of its first day; «the same point of
the previous period» is week k of the class's term before (none in the first term).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from math import fsum

from sqlalchemy import Connection

from zhurnal.core.settings import Settings
from zhurnal.publish.metrics import metrics
from zhurnal.school.averages import class_averages
from zhurnal.school.calendar import Week, period_kind, week_of
from zhurnal.school.lookup import class_sort_key
from zhurnal.school.marks import suggested_mark
from zhurnal.school.snapshot import School
from zhurnal.store import queries as q

ONE_WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class Figures:
    """One group in one week; None where nothing was there to count."""

    average: float | None = None      # mark points, rounded to hundredths
    quality: float | None = None      # percent, one decimal
    attendance: float | None = None   # percent of lessons due attended, one decimal
    marked: int = 0                   # pupil × subject results with marks that week


EMPTY = Figures()


@dataclass
class Pool:
    """What a group's figures are made of, so groups can be added (a subject across classes)."""

    averages: list[float] = field(default_factory=list)
    results: list[str] = field(default_factory=list)
    missed: int = 0
    due: int = 0

    def add(self, other: Pool) -> None:
        self.averages += other.averages
        self.results += other.results
        self.missed += other.missed
        self.due += other.due

    def figures(self) -> Figures:
        average = round(fsum(self.averages) / len(self.averages), 2) if self.averages else None
        quality = metrics(self.results).quality if self.results else None
        attendance = round(100 - self.missed * 100 / self.due, 1) if self.due else None
        return Figures(average, quality, attendance, len(self.results))


@dataclass
class WeekFigures:
    """One calendar week: class → figures, subject → figures (across classes), (class, subject)."""

    week: Week
    classes: dict[str, Figures] = field(default_factory=dict)
    subjects: dict[str, Figures] = field(default_factory=dict)
    sections: dict[tuple[str, str], Figures] = field(default_factory=dict)


def _class_pools(conn: Connection, school: School, settings: Settings, code: str, period: dict,
                 week: Week, missed: dict[int, int], held: set[tuple[str, dt.date]]) -> dict[str | None, Pool]:
    """Subject → the class's pool in ``week`` (clipped to ``period``); key None: the whole class.
    ``missed``: pupil → lessons missed that week (the register); ``held``: (class, Monday) of the
    weeks with lessons in the store — a week nobody handed in has no attendance, not 100 %."""
    start, end = max(week.monday, period["start"]), min(week.sunday, period["end"])
    pools: dict[str | None, Pool] = defaultdict(Pool)
    if start > end:
        return pools
    roster = [st["id"] for st in school.class_students(code, start, end)]
    whole = pools[None]
    days = [d for d in school.school_days(code, week) if start <= d <= end]
    if (code, week.monday) in held:
        whole.due = len(roster) * sum(school.lessons_per_day(code, d) for d in days)
    whole.missed = sum(missed.get(sid, 0) for sid in roster) if whole.due else 0
    if not school.classes[code]["has_marks"] or not roster:
        return pools
    found = class_averages(conn, school.school_id, code, start, end, settings=settings.marks, roster=roster,
                           period_kind=period_kind(period["code"]), hours=school.subject_hours(code))
    for subject, averages in found.items():
        if school.subjects.get(subject, {}).get("scale") != "5":
            continue
        pool = pools[subject]
        for mine in averages.students.values():
            if mine.average is not None and mine.count:
                pool.averages.append(mine.average)
                pool.results.append(suggested_mark(mine.average, mine.count, settings.marks.thresholds, 1))
        whole.add(Pool(pool.averages, pool.results))
    return pools


def _missed(conn: Connection, school: School, start: dt.date, end: dt.date) -> dict[dt.date, dict[int, int]]:
    """Monday → pupil → lessons missed that week, from the registers, for ``start``…``end``."""
    found: dict[dt.date, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in q.absences_between(conn, school.school_id, start, end):
        found[week_of(row["date"]).monday][row["student_id"]] += row["lessons"] or 0
    return found


def _held(conn: Connection, school: School, start: dt.date, end: dt.date) -> set[tuple[str, dt.date]]:
    """(class, Monday) of every week from ``start`` to ``end`` with a lesson in the store."""
    return {(row["class_code"], week_of(row["date"]).monday)
            for row in q.lessons_between(conn, school.school_id, start, end)}


def _collect(found: WeekFigures, pools: dict[str, dict[str | None, Pool]]) -> WeekFigures:
    by_subject: dict[str, Pool] = defaultdict(Pool)
    for code in sorted(pools, key=class_sort_key):
        for subject, pool in pools[code].items():
            if subject is None:
                found.classes[code] = pool.figures()
            else:
                found.sections[(code, subject)] = pool.figures()
                by_subject[subject].add(pool)
    found.subjects = {subject: by_subject[subject].figures() for subject in sorted(by_subject)}
    return found


def week_figures(conn: Connection, school: School, settings: Settings, week: Week) -> WeekFigures:
    """Every class's figures in ``week``, within the period its diaries speak of (classes with
    no period that week are left out)."""
    missed = _missed(conn, school, week.monday, week.sunday).get(week.monday, {})
    held = _held(conn, school, week.monday, week.sunday)
    pools = {code: _class_pools(conn, school, settings, code, period, week, missed, held)
             for code in school.classes if (period := school.week_period(code, week))}
    return _collect(WeekFigures(week), pools)


def week_number(period: dict, week: Week) -> int:
    """Which week of ``period`` ``week`` is: 1 for the week holding its first day."""
    return (week.monday - week_of(period["start"]).monday).days // 7 + 1


def period_weeks(period: dict) -> int:
    """How many calendar weeks ``period`` touches (Q2 2026, 05.11 Thu – 28.12 Mon: 9)."""
    return week_number(period, week_of(period["end"]))


def _previous_term(school: School, code: str, period: dict) -> dict | None:
    terms = school.calendar.grade_terms(school.grade(code))
    before = [t for t in terms if t["end"] < period["start"]]
    return before[-1] if before else None


@dataclass
class Trend:
    """Weeks 1…n of each class's period so far and of the term before (lists of n figures)."""

    weeks: int = 0
    now: list[WeekFigures] = field(default_factory=list)
    before: list[WeekFigures] = field(default_factory=list)

    def series(self, which: str, side: str, key) -> list[Figures]:
        """The n figures of one group: ``which`` "classes" | "subjects" | "sections", ``side``
        "now" | "before", ``key`` the class, subject or (class, subject)."""
        return [getattr(week, which).get(key, EMPTY) for week in getattr(self, side)]


def trend(conn: Connection, school: School, settings: Settings, week: Week) -> Trend:
    """Weeks 1…n up to ``week`` of the period most classes are in (the quarter; a class in a
    semester takes the same calendar weeks of its own period), and week k of each class's term
    before (none for a class in its first term)."""
    spans: dict[str, tuple[dict, dict | None]] = {}
    for code in school.classes:
        period = school.week_period(code, week)
        if period:
            spans[code] = (period, _previous_term(school, code, period))
    if not spans:
        return Trend()
    common = Counter(period["code"] for period, _ in spans.values()).most_common(1)[0][0]
    first = week_of(next(p for p, _ in spans.values() if p["code"] == common)["start"])
    n = week_number({"start": first.monday}, week)
    starts = [p["start"] for period, before in spans.values() for p in (period, before) if p]
    missed = _missed(conn, school, min(starts), week.sunday)
    held = _held(conn, school, min(starts), week.sunday)
    found = Trend(weeks=n)
    for k in range(n):
        now, pools = Week(first.monday + k * ONE_WEEK), {}
        for code, (period, _) in spans.items():
            pools[code] = _class_pools(conn, school, settings, code, period, now, missed.get(now.monday, {}), held)
        found.now.append(_collect(WeekFigures(now), pools))
        pools, shown = {}, now
        for code, (_, before) in spans.items():
            if before is None:
                continue
            shown = Week(week_of(before["start"]).monday + k * ONE_WEEK)
            if shown.monday <= before["end"]:
                pools[code] = _class_pools(conn, school, settings, code, before, shown, missed.get(shown.monday, {}), held)
        found.before.append(_collect(WeekFigures(shown), pools))
    return found
