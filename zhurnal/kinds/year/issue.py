"""Issuing year marks: one workbook per teacher for the groups of grades that have a year
period, term marks and the computed year mark shown and locked, the year mark prefilled (the
confirmed one, else the computed one) and, for grades 9 and 11, the exam; the issue is recorded
as the base later copies are merged against.
"""

from __future__ import annotations

from pathlib import Path

from zhurnal.core.errors import NoYearPeriod
from zhurnal.core.filenames import safe_name
from zhurnal.kinds.period.plan import mark_key
from zhurnal.kinds.period.spec import choices_for
from zhurnal.kinds.signing import issue_grid
from zhurnal.kinds.year.plan import STORED, exam_key, stored_exams
from zhurnal.kinds.year.records import EXAM, EXAM_FORM, MARK
from zhurnal.kinds.year.spec import SPEC
from zhurnal.school.context import RunContext
from zhurnal.school.snapshot import School, Section, load_school
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.templates.grid import GridColumn, GridSheet, list_validation, section_info, sheet_name
from zhurnal.year.final import EXAM_FORMS
from zhurnal.year.marks import computed_year_marks

NOTES = [
    "Как заполнять:",
    "• Отметки за периоды и годовая отметка, рассчитанная по ним (среднее арифметическое с округлением "
    "по правилам математики: 3,5 → 4, 4,5 → 5), заполнены по журналу.",
    "• В столбце «Годовая отметка» стоит рассчитанная отметка: сдав книгу, вы её подтверждаете. "
    "Можно поставить другую: {choices}.",
]
EXAM_NOTES = [
    "• Экзамен: форма ({forms}) и результат — отметка 2–5 за ОГЭ и ГВЭ, баллы 0–100 за ЕГЭ. "
    "Пусто — предмет не сдавался.",
]


def year_sheet(name: str, section: Section, school: School, terms: list[dict], students: list[dict],
               marks: dict[tuple[int, str], str], computed: dict[int, str | None], year_code: str,
               exams: dict[int, str]) -> GridSheet:
    """``marks``: (student id, period code) → stored mark; ``exams``: student id → ``form|result``."""
    scale = school.subjects[section.subject]["scale"]
    choices = choices_for(scale)
    forms = EXAM_FORMS.get(school.grade(section.class_code))
    columns = [GridColumn(f"term:{p['code']}", (p["name"],), width=10, input=False) for p in terms]
    for item in SPEC.columns:
        if item.key in (EXAM_FORM, EXAM) and not forms:
            continue
        validation = list_validation(choices) if item.key == MARK else \
            list_validation(list(forms)) if item.key == EXAM_FORM else None
        columns.append(GridColumn(item.key, (item.header,), width=item.width,
                                  input=item.key in (MARK, EXAM_FORM, EXAM), validation=validation))
    values = {}
    for st in students:
        sid = st["id"]
        for p in terms:
            values[(sid, f"term:{p['code']}")] = marks.get((sid, p["code"]), "")
        values[(sid, "computed")] = computed.get(sid) or ""
        # the confirmed mark, else the computed one: handing the workbook in confirms it (the base
        # records the stored mark, so a prefilled computed mark counts as the teacher's)
        values[(sid, MARK)] = marks.get((sid, year_code)) or computed.get(sid)
        if forms and sid in exams:
            values[(sid, EXAM_FORM)], values[(sid, EXAM)] = exams[sid].split("|", 1)
    notes = [line.format(choices=", ".join(choices)) for line in NOTES]
    if forms:
        notes += [line.format(forms=", ".join(forms)) for line in EXAM_NOTES]
    title = f"{section.class_code} — {section.subject}" + (f", подгруппа {section.subgroup}" if section.subgroup else "") \
        + " — год"
    return GridSheet(name=name, title=title, columns=columns, students=[(st["id"], st["full_name"]) for st in students],
                     values=values, notes=notes)


def computed_marks(ctx: RunContext, conn, school: School, section: Section) -> dict[int, str | None]:
    """Pupil id → the year mark the school's rule computes from the term marks of ``section``."""
    found = computed_year_marks(conn, school, section.class_code, ctx.settings.marks.year_rule)
    return {sid: mark for (sid, subject), mark in found.items() if subject == section.subject}


def issue(ctx: RunContext, *, teacher: str | None = None, out_dir: Path | None = None) -> list[Path]:
    """One year-marks workbook per teacher for the groups of grades that have a year period;
    :class:`NoYearPeriod` when the setup declares none."""
    written = []
    with ctx.engine.begin() as conn:
        school = load_school(conn, ctx.school_id)
        if not any(school.calendar.year_period(cls["grade"]) for cls in school.classes.values()):
            raise NoYearPeriod()
        marks: dict[str, dict[tuple[int, str], str]] = {}     # subject → (pupil, period) → mark
        for r in q.table_rows(conn, s.period_marks, ctx.school_id):
            marks.setdefault(r["subject"], {})[(r["student_id"], r["period"])] = r["mark"]
        exams = stored_exams(conn, ctx.school_id)
        label = q.school_row(conn, ctx.school_id).get("year_label") or ""
        for name, sections in school.teacher_sections(teacher).items():
            taken: set[str] = set()
            sheets, info, base, unstored = [], [], {}, {}
            for section in sections:
                cls = school.classes[section.class_code]
                year = school.calendar.year_period(cls["grade"])
                scale = school.subjects[section.subject]["scale"]
                if year is None or not cls["has_marks"] or scale == "none":
                    continue
                students = school.section_students(section)
                subject_marks = marks.get(section.subject, {})
                subject_exams = {sid: v for (sid, subj), v in exams.items() if subj == section.subject}
                title = sheet_name(section, school.subjects[section.subject]["short"], taken)
                sheet = year_sheet(title, section, school, school.calendar.grade_terms(cls["grade"]), students,
                                   subject_marks, computed_marks(ctx, conn, school, section), year["code"], subject_exams)
                sheets.append(sheet)
                info.append(section_info(title, section))
                for st in students:
                    key = mark_key(st["id"], section.subject, year["code"])
                    base[key] = sheet.values[(st["id"], MARK)]          # as prefilled
                    if base[key] != subject_marks.get((st["id"], year["code"])):
                        unstored[key] = subject_marks.get((st["id"], year["code"]))
                    base[exam_key(st["id"], section.subject)] = subject_exams.get(st["id"])
            if sheets:
                base[STORED] = unstored
                path = (out_dir or ctx.settings.templates) / "год" / f"годовые_{safe_name(name)}.xlsx"
                written.append(issue_grid(ctx, conn, path, SPEC.kind, SPEC.version, name, sheets, info, base,
                                          period=label))
    return written

