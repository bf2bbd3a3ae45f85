"""Whether a dated change may be made (zhurnal.merge.guards.ChangeGuard), on a stand-in school.

The school is a literal: a calendar whose periods are written here, closed periods, a closed
year or not. Each expected finding follows from the rules in the module, in their order: a closed
year refuses everything, then a closed period, then a day older than the editing window (in
whole days, the window's last day still inside it) is flagged with the settings' severity.
"""

from __future__ import annotations

import datetime as dt
import types

import pytest

from zhurnal.core.settings import JournalSettings
from zhurnal.merge.guards import ChangeGuard
from zhurnal.text.labels import Severity

TODAY = dt.date(2026, 11, 28)


class Calendar:
    """Q1 until 25 October for every grade, Q2 from 26 October; asked questions are counted."""

    def __init__(self) -> None:
        self.asked: list[tuple[dt.date, int]] = []

    def period(self, day: dt.date, grade: int) -> str | None:
        self.asked.append((day, grade))
        if day.month == 11 and day.day == 4:
            return None                                     # a holiday: no period
        return "Q1" if day <= dt.date(2026, 10, 25) else "Q2"


def school(*, closed=(), year_closed=False):
    return types.SimpleNamespace(year_closed=year_closed, year_label="2026/2027", calendar=Calendar(),
                                 closed_periods=set(closed), grade=lambda code: int(code[:-1]))


def guard(window=14, severity="warning", **kwargs) -> ChangeGuard:
    return ChangeGuard(school(**kwargs), JournalSettings(edit_window_days=window, edit_window_severity=severity), TODAY)


def codes(found) -> list[tuple[str, str, str, str]]:
    return [(f.code, f.severity, f.cell, f.value) for f in found]


@pytest.mark.parametrize(("days_ago", "expected"), [(0, []), (14, []), (15, [("edit-window-passed", Severity.WARNING, "D7", "5")])])
def test_the_editing_window_counts_whole_days_and_its_last_day_is_inside(days_ago, expected):
    assert codes(guard().check("7А", TODAY - dt.timedelta(days=days_ago), "Алгебра", "D7", "5")) == expected


def test_the_window_says_its_age_and_size_and_takes_the_settings_severity():
    [found] = guard(window=3, severity="error").check("7А", TODAY - dt.timedelta(days=5), "Алгебра", "D7", 5)
    assert (found.code, found.severity, found.value) == ("edit-window-passed", Severity.ERROR, "5")
    assert "5" in found.message and "3" in found.message


def test_a_day_in_the_future_is_no_edit_of_the_past():
    assert guard(window=0).check("7А", TODAY + dt.timedelta(days=3), "Алгебра", "D7", "5") == []


def test_a_closed_period_refuses_before_the_window_is_asked():
    closed = guard(window=1000, closed={"Q1"})
    assert codes(closed.check("7А", dt.date(2026, 10, 25), "S", "C5", "4")) == [("period-closed", Severity.ERROR, "C5", "4")]
    assert closed.check("7А", dt.date(2026, 10, 26), "S", "C5", "4") == []            # Q2 is open
    assert closed.check("7А", dt.date(2026, 11, 4), "S", "C5", "4") == []             # no period: not closed


def test_a_closed_year_refuses_everything_first():
    [found] = guard(closed={"Q2"}, year_closed=True).check("7А", TODAY, "S", "C5", "4")
    assert (found.code, found.severity) == ("year-closed", Severity.ERROR) and "2026/2027" in found.message


def test_each_class_and_day_asks_the_calendar_once_with_the_classs_grade():
    checking = guard()
    for _ in range(3):
        checking.check("7А", TODAY, "S", "C5", "4")
        checking.check("11Б", TODAY, "S", "C5", "4")
        checking.check("7А", dt.date(2026, 11, 4), "S", "C5", "4")      # the answer None is kept too
    assert checking.school.calendar.asked == [(TODAY, 7), (TODAY, 11), (dt.date(2026, 11, 4), 7)]
