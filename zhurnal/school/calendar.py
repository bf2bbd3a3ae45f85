"""School calendar: ISO weeks, school days, holidays, periods and timetabled lessons.

Odd and even weeks follow the ISO week number (week 1 of the year is odd), the convention the
timetable's «нечётная/чётная» column is read with.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

_WEEK = re.compile(r"^(\d{4})-?[Ww](\d{1,2})$")


class BadWeek(ValueError):
    """The text names no week."""


@dataclass(frozen=True)
class Week:
    monday: dt.date

    @property
    def label(self) -> str:
        year, number, _ = self.monday.isocalendar()
        return f"{year}-W{number:02d}"

    @property
    def sunday(self) -> dt.date:
        return self.monday + dt.timedelta(days=6)

    def days(self, count: int = 7) -> list[dt.date]:
        return [self.monday + dt.timedelta(days=i) for i in range(count)]

    def __contains__(self, day: dt.date) -> bool:
        return self.monday <= day <= self.sunday

    @property
    def parity(self) -> str:
        return "odd" if self.monday.isocalendar()[1] % 2 else "even"

    def title(self) -> str:
        return f"{self.monday:%d.%m}–{self.sunday:%d.%m.%Y}"


def parse_week(text: str) -> Week:
    """``2026-W48``, or any date inside the week (``2026-11-25``, ``25.11.2026``)."""
    text = text.strip()
    found = _WEEK.match(text)
    try:
        if found:
            return Week(dt.date.fromisocalendar(int(found.group(1)), int(found.group(2)), 1))
        if re.match(r"^\d{1,2}\.\d{1,2}\.\d{4}$", text):
            day = dt.datetime.strptime(text, "%d.%m.%Y").date()
        else:
            day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise BadWeek(text) from exc
    return week_of(day)


def week_of(day: dt.date) -> Week:
    return Week(day - dt.timedelta(days=day.weekday()))


def period_kind(code: str) -> str:
    """What a period is, by its code's first letter (the setup's «Код» column says so): ``Y``
    or ``Г`` a year («Год», the span year marks are set for, beside the quarters or semesters
    of the same grades), ``H`` or ``П`` a semester (полугодие), anything else a quarter."""
    first = code.strip()[:1].casefold()
    return "year" if first in ("y", "г") else "semester" if first in ("h", "п") else "quarter"


@dataclass(frozen=True)
class Calendar:
    """The school's periods and holidays, as stored (rows of ``periods`` and ``holidays``)."""

    periods: tuple[dict, ...]
    holidays: tuple[dict, ...]

    def holiday(self, day: dt.date, grade: int) -> str | None:
        for row in self.holidays:
            if row["start"] <= day <= row["end"] and row["grade_from"] <= grade <= row["grade_to"]:
                return row["name"]
        return None

    @functools.cached_property
    def terms(self) -> tuple[dict, ...]:
        """The periods lessons are held in (quarters, semesters): every period but the year
        (kept: a journal's merge asks for the period of every cell it checks)."""
        return tuple(p for p in self.periods if period_kind(p["code"]) != "year")

    def year_period(self, grade: int) -> dict | None:
        """The year period of ``grade``, None when the setup declares none."""
        return next((p for p in self.periods if period_kind(p["code"]) == "year"
                     and p["grade_from"] <= grade <= p["grade_to"]), None)

    def grade_terms(self, grade: int) -> list[dict]:
        """The terms of ``grade`` in date order."""
        return sorted((p for p in self.terms if p["grade_from"] <= grade <= p["grade_to"]),
                      key=lambda p: p["start"])

    def period(self, day: dt.date, grade: int) -> str | None:
        """The term (never the year period) ``day`` falls in for ``grade``."""
        for row in self.terms:
            if row["start"] <= day <= row["end"] and row["grade_from"] <= grade <= row["grade_to"]:
                return row["code"]
        return None

    def period_row(self, code: str) -> dict | None:
        """The period ``code`` (Q2, q2: case does not matter), None when there is none."""
        wanted = code.strip().casefold()
        return next((p for p in self.periods if p["code"].casefold() == wanted), None)

    def school_days(self, week: Week, grade: int, days_per_week: int) -> list[dt.date]:
        """Days of ``week`` with lessons for a class: its working days minus holidays."""
        return [d for d in week.days(days_per_week)
                if self.period(d, grade) and not self.holiday(d, grade)]


def parity_matches(entry_parity: str, day: dt.date) -> bool:
    return not entry_parity or entry_parity == week_of(day).parity
