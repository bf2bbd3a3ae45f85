"""Rules that weigh a change against time: a closed year, closed periods and the school's editing window."""

from __future__ import annotations

import datetime as dt

from zhurnal.core.findings import Finding, Severity, finding
from zhurnal.core.settings import JournalSettings
from zhurnal.school.snapshot import School


class ChangeGuard:
    """Says whether a change to data dated ``day`` for a class may be made, as findings."""

    def __init__(self, school: School, settings: JournalSettings, today: dt.date) -> None:
        self.school = school
        self.settings = settings
        self.today = today
        self._periods: dict[tuple[str, dt.date], str | None] = {}   # a week's cells share a few days

    def check(self, class_code: str, day: dt.date, sheet: str, cell: str, value: object) -> list[Finding]:
        if self.school.year_closed:
            return [finding("year-closed", sheet=sheet, cell=cell, value=value, year=self.school.year_label)]
        period = self._periods.get((class_code, day), "")
        if period == "":
            period = self._periods[class_code, day] = self.school.calendar.period(day, self.school.grade(class_code))
        if period in self.school.closed_periods:
            return [finding("period-closed", sheet=sheet, cell=cell, value=value, period=period)]
        age = (self.today - day).days
        if age > self.settings.edit_window_days:
            return [finding("edit-window-passed", sheet=sheet, cell=cell, value=value,
                            severity=Severity(self.settings.edit_window_severity),
                            days=age, window=self.settings.edit_window_days)]
        return []
