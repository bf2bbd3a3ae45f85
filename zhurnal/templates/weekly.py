"""Issuing the journal-side workbooks: each teacher's week, each class teacher's attendance
register, each teacher's period marks, and calendar-thematic plans."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from sqlalchemy import Engine

from zhurnal.averages import averages, subject_marks
from zhurnal.calendar import Week
from zhurnal.publish.feedback import safe_name
from zhurnal.settings import Settings
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.store.snapshot import School, Section, load_school
from zhurnal.templates.attendance import attendance_sheet
from zhurnal.templates.generate import write_workbook
from zhurnal.templates.grid import write_grid_workbook
from zhurnal.templates.journal import journal_sheet, sheet_name
from zhurnal.templates.kinds import PLAN
from zhurnal.templates.metadata import new_metadata, sign
from zhurnal.templates.period import period_sheet


def _signed(settings: Settings, kind: str, author: str, sections: dict, **more) -> dict[str, str]:
    return sign(new_metadata(kind=kind, version=1, school=settings.school.code, author=author,
                             sections=sections, **more), settings.secret)


def _school(settings: Settings, engine: Engine) -> School:
    with engine.begin() as conn:
        return load_school(conn, q.ensure_school(conn, settings.school.code, settings.school.name))


def _section_info(name: str, section: Section) -> dict:
    return {"sheet": name, "class_code": section.class_code, "subject": section.subject,
            "subgroup": section.subgroup}


def issue_week(settings: Settings, engine: Engine, week: Week, *, teacher: str | None = None,
               out_dir: Path | None = None) -> list[Path]:
    """One journal per teacher and one attendance register per class teacher for ``week``."""
    school = _school(settings, engine)
    out = (out_dir or settings.templates) / week.label
    with engine.connect() as conn:
        stored = q.lessons_between(conn, school.school_id, week.monday, week.sunday)
        entries = defaultdict(list)
        for entry in q.entries_of(conn, [l["id"] for l in stored]):
            entries[entry["lesson_id"]].append(entry)
        absences = q.absences_between(conn, school.school_id, week.monday, week.sunday)
        plan = q.plan_between(conn, school.school_id, week.monday, week.sunday)
    by_section = defaultdict(dict)
    for lesson in stored:
        by_section[Section(lesson["class_code"], lesson["subject"], lesson["subgroup"])][lesson["id"]] = lesson
    plans = defaultdict(list)
    for item in plan:
        plans[Section(item["class_code"], item["subject"], item["subgroup"])].append(item)
    written = []
    for name, sections in school.teacher_sections(teacher).items():
        taken: set[str] = set()
        sheets, info = [], []
        for section in sections:
            if not school.lessons(section, week) and not by_section.get(section):
                continue
            title = sheet_name(section, school.subjects[section.subject]["short"], taken)
            sheets.append(journal_sheet(school, section, week, title, stored_lessons=by_section.get(section, {}),
                                        stored_entries=entries, plan=plans.get(section, []),
                                        allow_plus_minus=settings.marks.allow_plus_minus))
            info.append(_section_info(title, section))
        if sheets:
            meta = _signed(settings, "journal", name, {"sheets": info}, week=week.label)
            written.append(write_grid_workbook(out / f"журнал_{week.label}_{safe_name(name)}.xlsx", meta, sheets))
    for code, cls in school.classes.items():
        if teacher and cls["class_teacher"] != teacher:
            continue
        if not school.school_days(code, week):
            continue
        sheet = attendance_sheet(school, code, week, [a for a in absences
                                                      if school.students[a["student_id"]]["class_code"] == code])
        meta = _signed(settings, "attendance", cls["class_teacher"] or "", {"sheets": [{"sheet": code, "class_code": code}]},
                       week=week.label)
        written.append(write_grid_workbook(out / f"посещаемость_{week.label}_{safe_name(code)}.xlsx", meta, [sheet]))
    return written


def issue_period(settings: Settings, engine: Engine, period_code: str, *, teacher: str | None = None,
                 out_dir: Path | None = None) -> list[Path]:
    """One period-marks workbook per teacher for the classes the period covers."""
    school = _school(settings, engine)
    period = school.calendar.period_row(period_code)
    if period is None:
        raise LookupError(period_code)
    written = []
    with engine.connect() as conn:
        stored = {(r["student_id"], r["subject"]): r["mark"]
                  for r in q.table_rows(conn, s.period_marks, school.school_id, period=period_code)}
        for name, sections in school.teacher_sections(teacher).items():
            taken: set[str] = set()
            sheets, info = [], []
            for section in sections:
                cls = school.classes[section.class_code]
                scale = school.subjects[section.subject]["scale"]
                if not (period["grade_from"] <= cls["grade"] <= period["grade_to"]) or not cls["has_marks"] \
                        or scale == "none":
                    continue
                students = school.section_students(section)
                marks = subject_marks(conn, school.school_id, section.class_code, section.subject,
                                      period["start"], period["end"])
                stats = averages(marks, school.work_types, settings.marks)
                title = sheet_name(section, school.subjects[section.subject]["short"], taken)
                sheets.append(period_sheet(title, section, period, scale, students, stats,
                                           {st["id"]: stored.get((st["id"], section.subject)) for st in students}))
                info.append(_section_info(title, section))
            if sheets:
                meta = _signed(settings, "period", name, {"sheets": info}, period=period_code)
                written.append(write_grid_workbook(
                    (out_dir or settings.templates) / period_code / f"оценки_{period_code}_{safe_name(name)}.xlsx",
                    meta, sheets))
    return written


def issue_plans(settings: Settings, engine: Engine, *, teacher: str | None = None,
                out_dir: Path | None = None) -> list[Path]:
    """A calendar-thematic plan (КТП) per teacher × class × subject × subgroup, prefilled."""
    school = _school(settings, engine)
    written = []
    with engine.connect() as conn:
        for name, sections in school.teacher_sections(teacher).items():
            for section in sections:
                items = q.table_rows(conn, s.plan_items, school.school_id, "item_no",
                                     class_code=section.class_code, subject=section.subject,
                                     subgroup=section.subgroup)
                meta = _signed(settings, "plan", name, {}, class_code=section.class_code,
                               subject=section.subject, subgroup=section.subgroup)
                label = f"{section.class_code}_{section.subject}" + (f"_гр{section.subgroup}" if section.subgroup else "")
                path = (out_dir or settings.templates) / "КТП" / safe_name(name) / f"КТП_{safe_name(label)}.xlsx"
                written.append(write_workbook(path, PLAN, meta, prefill={"КТП": items}, guide=[
                    f"Календарно-тематический план: {section.class_code}, {section.subject}"
                    + (f", подгруппа {section.subgroup}" if section.subgroup else "") + f". Учитель: {name}.",
                    "По строке на урок: номер, дата (или любой день той недели), тема, часы, тип урока.",
                    "Темы из плана подставляются в журнал недели."]))
    return written
