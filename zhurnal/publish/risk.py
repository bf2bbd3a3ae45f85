"""Who is at risk, and why: the rules of the summary's «Группа риска», shared by the sheet, the
front page (who is newly at risk since last week) and the class teacher's summary.

A pupil is at risk for any of: a period mark «2»; a running average on «2» in a subject while
the period has no mark yet; an average over all subjects below ``[risk] average_below``; more
lessons missed in the period than ``[risk] absent_lessons_over``.
"""

from __future__ import annotations

from collections import defaultdict

from zhurnal.core.settings import Settings
from zhurnal.publish.summary_data import Result, SummaryData
from zhurnal.school.lookup import class_sort_key
from zhurnal.text.numbers import format_decimal


def at_risk(data: SummaryData, settings: Settings) -> dict[int, list[str]]:
    """Pupil id → the reasons they are at risk (Russian, one per rule that holds), for every pupil
    at risk, in class and name order."""
    per_student: dict[int, list[Result]] = defaultdict(list)
    for result in data.results:
        per_student[result.student_id].append(result)
    found: dict[int, list[str]] = {}
    for sid in sorted(set(per_student) | set(data.period_absences),
                      key=lambda i: (class_sort_key(data.school.students[i]["class_code"]),
                                     data.school.students[i]["full_name"])):
        why = []
        mine = per_student.get(sid, [])
        twos = [r.subject for r in mine if r.period_mark == "2"]
        if twos:
            why.append("«2» за период: " + ", ".join(twos))
        running = [f"{r.subject} ({format_decimal(r.average)})" for r in mine
                   if r.period_mark is None and r.result == "2" and r.average is not None]
        if running:
            why.append("средний балл на «2» (текущий, отметки за период нет): " + ", ".join(running))
        averages = [r.average for r in mine if r.average is not None]
        if averages and sum(averages) / len(averages) < settings.risk.average_below:
            why.append(f"средний балл по всем предметам {format_decimal(sum(averages) / len(averages))} (текущий)")
        if data.period_absences.get(sid, 0) > settings.risk.absent_lessons_over:
            why.append(f"пропущено уроков: {data.period_absences[sid]}")
        if why:
            found[sid] = why
    return found
