"""Everything a week's diaries need, read once: lessons, cells, absences, averages.

:class:`WeekData` turns it into one plain, JSON-ready dict per student, which is the whole
contract with the diary template (``diary.typ``) and the input of the "did it change" digest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from zhurnal.calendar import Week
from zhurnal.marks import Cell, weighted_average
from zhurnal.settings import Settings
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.store.snapshot import WEEKDAYS_RU, School, load_school


@dataclass
class WeekData:
    school: School
    school_row: dict
    week: Week
    settings: Settings
    lessons: dict[str, list[dict]]                   # class → lessons of the week
    cells: dict[tuple[int, int], dict]               # (lesson id, student id) → entry
    absences: dict[int, list[dict]]                  # student → absences of the week
    period_marks: dict[tuple[int, str], list[tuple[str, float]]]   # (student, subject) → [(marks, weight)]
    _class_averages: dict[tuple[str, str], float | None] = field(default_factory=dict)

    def period_of(self, class_code: str) -> dict | None:
        grade = self.school.grade(class_code)
        for day in reversed(self.week.days(7)):
            code = self.school.calendar.period(day, grade)
            if code:
                return self.school.calendar.period_row(code)
        return None

    def _class_average(self, class_code: str, subject: str) -> float | None:
        key = (class_code, subject)
        if key not in self._class_averages:
            found = [weighted_average(self.period_marks.get((c["id"], subject), []), self.settings.marks.modifier_step)[0]
                     for c in self.school.class_students(class_code)]
            found = [a for a in found if a is not None]
            self._class_averages[key] = round(sum(found) / len(found), 2) if found else None
        return self._class_averages[key]

    def _averages(self, student: dict) -> list[dict]:
        subjects = sorted({subject for (sid, subject) in self.period_marks if sid == student["id"]}
                          | {l["subject"] for l in self.lessons.get(student["class_code"], [])
                             if self.school.subjects[l["subject"]]["scale"] == "5"})
        found = []
        for subject in subjects:
            if self.school.subjects[subject]["scale"] != "5":
                continue
            mine, count = weighted_average(self.period_marks.get((student["id"], subject), []),
                                           self.settings.marks.modifier_step)
            found.append({"subject": subject, "average": round(mine, 2) if mine is not None else None,
                          "count": count, "class_average": self._class_average(student["class_code"], subject)})
        return found

    def diary(self, student_id: int) -> dict:
        """The week of one student, as the diary template reads it."""
        student = self.school.students[student_id]
        cls = self.school.classes[student["class_code"]]
        members = self.school.members.get(student_id, {})
        days = []
        for day in self.school.school_days(student["class_code"], self.week):
            lessons = []
            for lesson in self.lessons.get(student["class_code"], []):
                if lesson["date"] != day or (lesson["subgroup"] and members.get(lesson["subject"]) != lesson["subgroup"]):
                    continue
                entry = self.cells.get((lesson["id"], student_id))
                cell = Cell(entry["marks"], entry["presence"]) if entry else Cell()
                start, end = self.school.bells.get(lesson["lesson_no"], ("", ""))
                lessons.append({"no": lesson["lesson_no"], "time": f"{start}–{end}" if start else "",
                                "subject": lesson["subject"], "topic": lesson["topic"] or "",
                                "homework": lesson["homework"] or "",
                                "marks": [m for m in cell.marks.split("/") if m], "work_type": lesson["work_type"] or "",
                                "presence": cell.presence})
            days.append({"date": day.strftime("%d.%m.%Y"), "weekday": WEEKDAYS_RU[day.isoweekday()],
                         "lessons": sorted(lessons, key=lambda l: l["no"])})
        period = self.period_of(student["class_code"])
        absences = [{"date": a["date"].strftime("%d.%m"), "lessons": a["lessons"],
                     "reason": self.school.reasons.get(a["reason"], a["reason"] or "причина не указана")}
                    for a in sorted(self.absences.get(student_id, []), key=lambda a: a["date"])]
        return {
            "school": self.school_row["name"], "class": student["class_code"], "student": student["full_name"],
            "student_id": student_id, "week": self.week.label, "week_title": self.week.title(),
            "class_teacher": cls["class_teacher"] or "", "has_marks": bool(cls["has_marks"]),
            "period": period["name"] if period else "", "days": days,
            "averages": self._averages(student) if cls["has_marks"] else [], "absences": absences,
        }


def digest(diaries: list[dict]) -> str:
    """A fingerprint of what a parent would receive, to skip unchanged diaries."""
    return hashlib.sha256(json.dumps(diaries, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def load_week(conn: Connection, school_id: int, week: Week, settings: Settings) -> WeekData:
    """Read the week (and the marks of the periods it falls in) in a few queries."""
    school = load_school(conn, school_id)
    lessons: dict[str, list[dict]] = defaultdict(list)
    stored = q.lessons_between(conn, school_id, week.monday, week.sunday)
    for lesson in stored:
        lessons[lesson["class_code"]].append(lesson)
    cells = {(e["lesson_id"], e["student_id"]): e for e in q.entries_of(conn, [l["id"] for l in stored])}
    absences: dict[int, list[dict]] = defaultdict(list)
    for row in q.absences_between(conn, school_id, week.monday, week.sunday):
        absences[row["student_id"]].append(row)
    starts = [p["start"] for p in school.calendar.periods if p["start"] <= week.sunday and p["end"] >= week.monday]
    period_marks: dict[tuple[int, str], list] = defaultdict(list)
    if starts:
        l, e = s.lessons, s.journal_entries
        query = (select(e.c.student_id, l.c.class_code, l.c.subject, l.c.date, l.c.work_type, e.c.marks)
                 .join(l, l.c.id == e.c.lesson_id)
                 .where(l.c.school_id == school_id, l.c.date.between(min(starts), week.sunday), e.c.marks != ""))
        # each class's own current period (quarters and semesters differ by grade), found once
        current = {code: school.calendar.period(_last_day(school, week, code), cls["grade"])
                   for code, cls in school.classes.items()}
        for row in conn.execute(query):
            if school.calendar.period(row.date, school.grade(row.class_code)) == current.get(row.class_code):
                weight = school.work_types.get(row.work_type or "", settings.marks.default_weight)
                period_marks[(row.student_id, row.subject)].append((row.marks, weight))
    return WeekData(school=school, school_row=q.school_row(conn, school_id), week=week, settings=settings,
                    lessons=dict(lessons), cells=cells, absences=dict(absences), period_marks=dict(period_marks))


def _last_day(school: School, week: Week, class_code: str) -> dt.date:
    days = school.school_days(class_code, week)
    return days[-1] if days else week.sunday
