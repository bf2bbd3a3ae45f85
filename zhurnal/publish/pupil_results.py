"""Results counted by pupil per class: for a period (from the period report's results) and for
the year (from the summary ledger's year marks), with :func:`zhurnal.publish.metrics.pupil_metrics`.

The pupils are those enrolled at the count's date (:mod:`zhurnal.school.enrolment`): the period's last
day, or for the year the last day of the class's last period; the N rule is ``[metrics] n_rule``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import Connection

from zhurnal.core.settings import Settings
from zhurnal.publish.metrics import PupilMetrics, pupil_metrics
from zhurnal.publish.summary_data import SummaryData, period_summary
from zhurnal.school.enrolment import enrolled
from zhurnal.school.snapshot import School
from zhurnal.year.ledger import summary_ledger


def period_results(data: SummaryData, field: str = "result") -> dict[str, PupilMetrics]:
    """Class → its results by pupil in a gathered summary (a period report, or a week's running
    figures; ``field="week_result"``: the week's own marks), for every class with marks it covers."""
    per_pupil: dict[int, list[str | None]] = defaultdict(list)
    for result in data.results:
        per_pupil[result.student_id].append(getattr(result, field))
    return {code: pupil_metrics([per_pupil[sid] for sid in pupils], rule=data.rule)
            for code, pupils in data.enrolled.items() if data.school.classes[code]["has_marks"]}


def class_period_results(conn: Connection, school: School, settings: Settings, period_code: str) -> dict[str, PupilMetrics]:
    """Class → results by pupil for ``period_code``, computed as at the period's end (н/а counts)."""
    return period_results(period_summary(conn, school, settings, period_code))


def last_day(school: School, class_code: str) -> dt.date | None:
    """The last day of the class's last period (the year's count date for the class)."""
    grade = school.grade(class_code)
    ends = [p["end"] for p in school.calendar.periods if p["grade_from"] <= grade <= p["grade_to"]]
    return max(ends) if ends else None


def class_year_results(conn: Connection, school: School, settings: Settings, class_code: str) -> PupilMetrics:
    """The class's year results by pupil: each pupil enrolled on the year's last day, by their
    year marks in the summary ledger (a subject without a year mark counts as no mark)."""
    day = last_day(school, class_code)
    per_pupil: dict[int, list[str | None]] = defaultdict(list)
    for row in summary_ledger(conn, school.school_id, class_code, year_rule=settings.marks.year_rule):
        per_pupil[row.student_id].append(row.year)
    pupils = [st for st in school.students.values() if st["class_code"] == class_code
              and day is not None and enrolled(st, day)]
    return pupil_metrics([per_pupil.get(st["id"], []) for st in pupils], rule=settings.metrics.n_rule)
