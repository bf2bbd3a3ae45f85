"""Who is enrolled when: pupil movement read from the roster's arrival and leaving dates.

A pupil is enrolled on day ``d`` when ``arrived_on ≤ d < left_on``: the arrival date is the
first day in the class (empty: since before the school year), the leaving date the first day
no longer in it (empty: not left), as the orders («приказ о зачислении / об отчислении») date
them. A pupil removed from the roster before movement was recorded (``active`` false and no
leaving date) is enrolled on no day, as such pupils were treated before.

Every report counts the pupils enrolled at its date: a period report those enrolled on the
period's last day, a week's diaries and summary those enrolled on some day of the week. So a
pupil who leaves in the third quarter still counts in the second quarter's report.
"""

from __future__ import annotations

import datetime as dt


def enrolled(student: dict, start: dt.date, end: dt.date | None = None) -> bool:
    """Whether ``student`` (a ``students`` row) was enrolled on some day of ``start``…``end``
    (both included; one day when ``end`` is None)."""
    end = end or start
    arrived, left = student.get("arrived_on"), student.get("left_on")
    if left is None and not student.get("active", True):
        return False
    return (arrived is None or arrived <= end) and (left is None or start < left)

