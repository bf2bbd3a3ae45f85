"""The period so far in a pupil's diary (issue 28, point 5): every mark of the current period
in each 5-point subject, dated and with its work type, and the pupil's weighted average at the
end of each week of the period (the diary draws it as a small line beside the class average);
a pass/fail subject's «зач»/«незач» marks too, with no average.

The averages follow :mod:`zhurnal.school.averages` (Σ(w·m)/Σw over the class's lessons from the
period's start; :func:`~zhurnal.school.marks.weighted_average`), so the last point of the line
is the average the diary's table shows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import Connection, select

from zhurnal.core.settings import MarkSettings
from zhurnal.school.calendar import Week, week_of
from zhurnal.school.marks import weighted_average
from zhurnal.school.snapshot import School
from zhurnal.store import schema as s


def short_type(work_type: str) -> str:
    """«Контрольная работа» → «КР», «Ответ на уроке» → «ОНУ»: a work type as the marks list
    abbreviates it (the diary prints the legend)."""
    return "".join(word[0].upper() for word in work_type.split() if word[:1].isalpha())


def read_period_marks(conn: Connection, school: School, week: Week) -> dict[tuple[str, int], list[dict]]:
    """(subject, pupil) → the pupil's marked cells of the lessons of their class, in 5-point and
    pass/fail subjects, from the start of the class's period of ``week`` to its Sunday:
    ``{date, marks, work_type, weight}`` by date (weight None: the work type is not in the setup)."""
    starts = {code: period["start"] for code in school.classes
              if (period := school.week_period(code, week)) and school.classes[code]["has_marks"]}
    if not starts:
        return {}
    l, e, w = s.lessons, s.journal_entries, s.work_types
    query = (select(l.c.class_code, l.c.subject, l.c.date, e.c.student_id, e.c.marks, l.c.work_type, w.c.weight)
             .join(l, l.c.id == e.c.lesson_id)
             .outerjoin(w, (w.c.school_id == l.c.school_id) & (w.c.name == l.c.work_type))
             .where(l.c.school_id == school.school_id, l.c.date.between(min(starts.values()), week.sunday),
                    e.c.marks != "")
             .order_by(l.c.date, l.c.lesson_no))
    found: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for row in conn.execute(query):
        if row.class_code in starts and row.date >= starts[row.class_code] \
                and school.subjects.get(row.subject, {}).get("scale") in ("5", "pass"):
            found[(row.subject, row.student_id)].append({"date": row.date, "marks": row.marks,
                                                         "work_type": row.work_type or "", "weight": row.weight})
    return dict(found)


def subject_so_far(cells: list[dict], start: dt.date, week: Week, settings: MarkSettings) -> dict:
    """One subject's period for the diary: ``marks`` (``{date "dd.mm", mark, type}``) and
    ``trend``, the average at the end of each week from the period's ``start`` to ``week``
    (``{week "dd.mm" of its Monday, average or None}``)."""
    marks = [{"date": f"{c['date']:%d.%m}", "mark": c["marks"], "type": short_type(c["work_type"])} for c in cells]
    trend, monday = [], week_of(start).monday
    while monday <= week.monday:
        until = monday + dt.timedelta(days=6)
        average, _count = weighted_average(
            [(c["marks"], c["weight"] if c["weight"] is not None else settings.default_weight)
             for c in cells if c["date"] <= until], settings.modifier_step)
        trend.append({"week": f"{monday:%d.%m}", "average": None if average is None else round(average, 2)})
        monday += dt.timedelta(days=7)
    return {"marks": marks, "trend": trend}


def legend(school: School) -> list[str]:
    """«КР — контрольная работа» for every work type of the school, by abbreviation."""
    return sorted({f"{short_type(name)} — {name.lower()}" for name in school.work_types if short_type(name)})
