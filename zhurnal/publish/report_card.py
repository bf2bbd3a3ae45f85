"""The period variant of the diary: a report card per student with the period marks.

Pupils enrolled on the period's last day get one. A pass/fail subject without a period mark
shows the result its «зач»/«незач» marks give (:func:`zhurnal.school.marks.suggested_pass`) and their
number; a 5-point subject shows its period mark (or «—») beside the average.

Families get a report card only once it holds period marks: before the marks are stored (the
middle of the period, or a class whose teachers have not handed in the period sheet) every
card would read «—» (:func:`waiting_for_marks` names the pupils whose cards wait)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection

from zhurnal.publish.summary_data import SummaryData
from zhurnal.school.averages import rounded
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.text.numbers import format_decimal

EXCUSED = ("б", "у")


def report_cards(conn: Connection, data: SummaryData, period: dict) -> dict[int, dict]:
    """Student id → the report card data (JSON-ready) for every student ``data`` covers."""
    school = data.school
    marks = {(r["student_id"], r["subject"]): r["mark"]
             for r in q.table_rows(conn, s.period_marks, school.school_id, period=period["code"])}
    averages = {(r.student_id, r.subject): r for r in data.results}
    excused: dict[int, int] = defaultdict(int)
    for row in q.absences_between(conn, school.school_id, period["start"], period["end"]):
        if row["reason"] in EXCUSED:
            excused[row["student_id"]] += row["lessons"]
    school_name = q.school_row(conn, school.school_id)["name"]
    cards = {}
    for class_code, cls in school.classes.items():
        if not (period["grade_from"] <= cls["grade"] <= period["grade_to"]) or not cls["has_marks"]:
            continue
        subjects = sorted({sec.subject for sec in school.load if sec.class_code == class_code
                           and school.subjects[sec.subject]["scale"] != "none"})
        for student in school.class_students(class_code, period["end"]):
            rows = []
            for subject in subjects:
                result = averages.get((student["id"], subject))
                mark = marks.get((student["id"], subject))
                if not mark and result and result.scale == "pass":    # зач/незач by its marks: no average
                    mark = result.result
                rows.append({"subject": subject, "mark": mark or "—",
                             "average": rounded(result.average) if result else None,
                             "average_text": format_decimal(result.average if result else None),
                             "count": result.count if result else 0})
            cards[student["id"]] = {
                "school": school_name, "class": class_code,
                "student": student["full_name"], "student_id": student["id"], "period": period["name"],
                "period_dates": f"{period['start']:%d.%m.%Y} – {period['end']:%d.%m.%Y}",
                "class_teacher": cls["class_teacher"] or "", "subjects": rows,
                "absent_lessons": data.period_absences.get(student["id"], 0),
                "excused_lessons": excused.get(student["id"], 0)}
    return cards


def waiting_for_marks(conn: Connection, school_id: int, period_code: str, cards: dict[int, dict]) -> dict[str, dict]:
    """Class → ``{"class", "pupils": [ids], "of": cards of the class}``: the pupils of ``cards``
    with no period mark of ``period_code`` stored (their cards wait); classes with none omitted."""
    marked = {r["student_id"] for r in q.table_rows(conn, s.period_marks, school_id, period=period_code) if r["mark"]}
    waiting: dict[str, dict] = {}
    for sid, card in cards.items():
        held = waiting.setdefault(card["class"], {"class": card["class"], "pupils": [], "of": 0})
        held["of"] += 1
        if sid not in marked:
            held["pupils"].append(sid)
    return {code: held for code, held in waiting.items() if held["pupils"]}
