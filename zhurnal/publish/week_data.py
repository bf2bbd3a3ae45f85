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

from sqlalchemy import Connection

from zhurnal.core.settings import Settings
from zhurnal.kinds.attendance.notes import stored_notes
from zhurnal.publish.homework import SET_BEFORE, DueDates, place_homework
from zhurnal.publish.period_so_far import legend, read_period_marks, subject_so_far
from zhurnal.school.averages import ClassAverages, class_averages, rounded
from zhurnal.school.calendar import Week, period_kind
from zhurnal.school.marks import Cell
from zhurnal.school.snapshot import WEEKDAYS_RU, School, load_school
from zhurnal.store import queries as q
from zhurnal.text.numbers import format_decimal

# «absent» in the student's grammatical gender (roster column «Пол»); both forms when unknown
ABSENT = {"м": "отсутствовал", "ж": "отсутствовала", "": "отсутствовал(а)"}


@dataclass
class WeekData:
    school: School
    school_row: dict
    week: Week
    settings: Settings
    lessons: dict[str, list[dict]]                   # class → lessons of the week
    cells: dict[tuple[int, int], dict]               # (lesson id, student id) → entry
    absences: dict[int, list[dict]]                  # student → absences of the week
    averages: dict[str, ClassAverages]               # class → subject → averages, period start to week end
    remarks: dict[tuple[int, int], dict] = field(default_factory=dict)   # (lesson id, student id) → remark
    notes: dict[tuple[str, int], dict] = field(default_factory=dict)     # (class, student id or 0) → note
    homework: DueDates | None = None                                      # what is due when (:mod:`.homework`)
    period_marks: dict[tuple[str, int], list[dict]] = field(default_factory=dict)   # (subject, pupil) → cells

    def _averages(self, student: dict) -> list[dict]:
        """The student's period averages so far, with the class's, per 5-point subject; and each
        pass/fail subject the pupil has marks in this period («зач», «незач»): its marks, no
        average (``average`` None, the texts empty, no trend)."""
        per_subject = self.averages.get(student["class_code"], ClassAverages())
        passed = {subject for subject, sid in self.period_marks if sid == student["id"]
                  and self.school.subjects.get(subject, {}).get("scale") == "pass"}
        subjects = sorted({subject for subject, found in per_subject.items() if student["id"] in found.students}
                          | {l["subject"] for l in self.lessons.get(student["class_code"], [])} | passed)
        found = []
        for subject in subjects:
            if subject in passed:
                marks = subject_so_far(self.period_marks[(subject, student["id"])], self.week.monday, self.week,
                                       self.settings.marks)["marks"]
                found.append({"subject": subject, "average": None, "count": len(marks), "class_average": None,
                              "average_text": "", "class_average_text": "", "marks": marks, "trend": []})
                continue
            if self.school.subjects[subject]["scale"] != "5":
                continue
            mine, group = per_subject[subject].of(student["id"]), per_subject[subject]
            period = self.school.week_period(student["class_code"], self.week)
            so_far = subject_so_far(self.period_marks.get((subject, student["id"]), []), period["start"], self.week,
                                    self.settings.marks) if period else {"marks": [], "trend": []}
            found.append({"subject": subject, "average": rounded(mine.average), "count": mine.count,
                          "class_average": rounded(group.class_average),
                          "average_text": format_decimal(mine.average), "class_average_text": format_decimal(
                              group.class_average), **so_far})
        return found

    def _remark(self, lesson_id: int, student_id: int) -> dict | None:
        """The teacher's remark to the pupil for the lesson, ``{text, author}`` (author as
        «Петрова А. И.»), or None."""
        remark = self.remarks.get((lesson_id, student_id))
        return {"text": remark["text"], "author": initials(remark["author"] or "")} if remark else None

    def diary(self, student_id: int) -> dict:
        """The week of one student, as the diary template reads it."""
        student = self.school.students[student_id]
        cls = self.school.classes[student["class_code"]]
        members = self.school.members.get(student_id, {})
        days: list[dict] = []
        due: list[list[dict]] = []
        for day in self.school.school_days(student["class_code"], self.week):
            lessons = []
            for lesson in self.lessons.get(student["class_code"], []):
                if lesson["date"] != day or (lesson["subgroup"] and members.get(lesson["subject"]) != lesson["subgroup"]):
                    continue
                entry = self.cells.get((lesson["id"], student_id))
                cell = Cell(entry["marks"], entry["presence"]) if entry else Cell()
                start, end = self.school.bells.get(lesson["lesson_no"], ("", ""))
                lessons.append({"no": lesson["lesson_no"], "time": f"{start}–{end}" if start else "",
                                "subject": lesson["subject"], "topic": lesson["topic"] or "", "_id": lesson["id"],
                                "homework_set": lesson["homework"] or "",
                                "marks": [m for m in cell.marks.split("/") if m], "work_type": lesson["work_type"] or "",
                                "presence": cell.presence, "remark": self._remark(lesson["id"], student_id)})
            days.append({"date": day.strftime("%d.%m.%Y"), "weekday": WEEKDAYS_RU[day.isoweekday()],
                         "lessons": sorted(lessons, key=lambda l: l["no"])})
            takes = lambda l: not l["subgroup"] or members.get(l["subject"]) == l["subgroup"]   # noqa: E731
            due.append(self.homework.due_on(student["class_code"], day, takes) if self.homework else [])
        place_homework(days, due, self.homework.due if self.homework else {})
        period = self.school.week_period(student["class_code"], self.week)
        absences = [{"date": a["date"].strftime("%d.%m"), "lessons": a["lessons"],
                     "reason": self.school.reasons.get(a["reason"], a["reason"] or "причина не указана")}
                    for a in sorted(self.absences.get(student_id, []), key=lambda a: a["date"])]
        return {
            "school": self.school_row["name"], "class": student["class_code"], "student": student["full_name"],
            "absent_word": ABSENT.get(student.get("sex") or "", ABSENT[""]),
            "student_id": student_id, "week": self.week.label, "week_title": self.week.title(),
            "class_teacher": cls["class_teacher"] or "", "has_marks": bool(cls["has_marks"]),
            "period": period["name"] if period else "", "days": days,
            "averages": self._averages(student) if cls["has_marks"] else [], "absences": absences,
            "work_types": legend(self.school) if cls["has_marks"] else [],
            "notes": {"class": self.notes.get((student["class_code"], 0), {}).get("text", ""),
                      "pupil": self.notes.get((student["class_code"], student_id), {}).get("text", "")},
        }


def initials(full_name: str) -> str:
    """«Петрова Анна Ивановна» → «Петрова А. И.» (a name of one word stays as it is)."""
    surname, *rest = full_name.split() or [""]
    return " ".join([surname, *(f"{part[0]}." for part in rest)])


def digest(diaries: list[dict]) -> str:
    """A fingerprint of what a parent would receive, to skip unchanged diaries."""
    return hashlib.sha256(json.dumps(diaries, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def week_averages(conn: Connection, school: School, settings: Settings, week: Week) -> dict[str, ClassAverages]:
    """Class → subject → averages from the start of each class's period of ``week`` (quarters
    and semesters differ by grade) to the week's end, over the pupils enrolled in the week;
    classes without marks or outside any period are left out. The diaries and the deputy's
    summary of one publish share this (:func:`load_week`, :func:`~zhurnal.publish.summary_data.week_summary`)."""
    averages = {}
    for code, cls in school.classes.items():
        period = school.week_period(code, week)
        if period and cls["has_marks"]:
            averages[code] = class_averages(conn, school.school_id, code, period["start"], min(period["end"], week.sunday),
                                            settings=settings.marks,
                                            roster=[st["id"] for st in school.class_students(code, week.monday,
                                                                                               week.sunday)],
                                            period_kind=period_kind(period["code"]), hours=school.subject_hours(code))
    return averages


def load_week(conn: Connection, school_id: int, week: Week, settings: Settings, *, school: School | None = None,
              averages: dict[str, ClassAverages] | None = None) -> WeekData:
    """Read the week (and the marks of the periods it falls in) in a few queries; ``school`` and
    ``averages`` (:func:`week_averages`) when the caller has them already."""
    school = school or load_school(conn, school_id)
    lessons: dict[str, list[dict]] = defaultdict(list)
    stored = q.lessons_between(conn, school_id, week.monday, week.sunday)
    for lesson in stored:
        lessons[lesson["class_code"]].append(lesson)
    cells = {(e["lesson_id"], e["student_id"]): e for e in q.entries_of(conn, [l["id"] for l in stored])}
    remarks = {(r["lesson_id"], r["student_id"]): r for r in q.remarks_of(conn, [l["id"] for l in stored])}
    notes = stored_notes(conn, school_id, week.label)
    earlier = [l for l in q.lessons_between(conn, school_id, week.monday - SET_BEFORE, week.monday - dt.timedelta(days=1))
               if l["homework"]]
    absences: dict[int, list[dict]] = defaultdict(list)
    for row in q.absences_between(conn, school_id, week.monday, week.sunday):
        absences[row["student_id"]].append(row)
    if averages is None:
        averages = week_averages(conn, school, settings, week)
    return WeekData(school=school, school_row=q.school_row(conn, school_id), week=week, settings=settings,
                    lessons=dict(lessons), cells=cells, absences=dict(absences), averages=averages,
                    remarks=remarks, notes=notes, homework=DueDates(school, earlier + stored),
                    period_marks=read_period_marks(conn, school, week))
