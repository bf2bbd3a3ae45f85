"""Period marks: per group, each student's weighted average, number of marks and the mark the
school's thresholds suggest (shown, locked), and the period mark the teacher sets.

Authoritative for the students and subjects of its sheets.
"""

from __future__ import annotations

from pathlib import Path

from zhurnal.school.averages import class_averages
from zhurnal.school.calendar import period_kind
from zhurnal.school.context import RunContext
from zhurnal.core.errors import UnknownPeriod, YearIsNoTerm
from zhurnal.core.filenames import safe_name
from zhurnal.core.findings import finding
from zhurnal.kinds.base import Records, StepContext, WorkbookKind, against_base
from zhurnal.kinds.signing import issue_grid
from zhurnal.merge.period_marks import PeriodPlan, mark_key, plan_period, read_state
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.school.snapshot import Section, load_school
from zhurnal.templates.grid import GridColumn, GridSheet, list_validation, section_info, sheet_name
from zhurnal.templates.spec import Choices, Field, FieldType as T, GridSpec
from zhurnal.validate.period_rules import read_period
from zhurnal.text.labels import Kind

PERIOD_CHOICES = {"5": ("5", "4", "3", "2", "н/а", "осв"), "pass": ("зач", "незач", "н/а", "осв")}
SPEC = GridSpec(kind="period", version=1, title=Kind.PERIOD.label, columns=(
    Field("average", "Средний балл", T.NUMBER, width=10),
    Field("count", "Отметок", T.INT, width=9),
    Field("suggested", "Рекомендуется", width=16),   # the bold word fits whole (13 broke it: «Рекомендуетс/я»)
    Field("mark", "Отметка за", T.CHOICE, width=16, choices=Choices(named="period_marks")),
))
INPUTS = {"mark"}
NOTES = [
    "Как заполнять:",
    "• Средний балл, число отметок и рекомендуемая отметка посчитаны по журналу (взвешенное среднее).",
    "• В последнем столбце поставьте отметку за период: {choices}.",
    "• н/а — не аттестован (мало отметок), осв — освобождён.",
]


def choices_for(scale: str) -> tuple[str, ...]:
    """The period marks a subject of ``scale`` allows."""
    return PERIOD_CHOICES.get(scale, PERIOD_CHOICES["5"])


def period_sheet(name: str, section: Section, period: dict, scale: str, students: list[dict],
                 stats: dict[int, tuple[float | None, int, str]], stored: dict[int, str]) -> GridSheet:
    """``stats``: student id → (average, number of marks, suggested mark)."""
    choices = choices_for(scale)
    columns = [GridColumn(item.key, (f"{item.header} {period['name']}" if item.key in INPUTS else item.header,),
                          width=item.width, input=item.key in INPUTS,
                          validation=list_validation(choices) if item.key in INPUTS else None)
               for item in SPEC.columns]
    values = {}
    for st in students:
        average, count, suggested = stats.get(st["id"], (None, 0, "н/а"))
        values[(st["id"], "average")] = round(average, 2) if average is not None else ""
        values[(st["id"], "count")] = count
        values[(st["id"], "suggested")] = suggested if scale == "5" else ""
        values[(st["id"], "mark")] = stored.get(st["id"])
    title = f"{section.class_code} — {section.subject}" + (f", подгруппа {section.subgroup}" if section.subgroup else "") \
        + f" — {period['name']}"
    return GridSheet(name=name, title=title, columns=columns,
                     students=[(st["id"], st["full_name"]) for st in students], values=values,
                     notes=[line.format(choices=", ".join(choices)) for line in NOTES])


def _stats(ctx: RunContext, conn, school, section: Section, period: dict) -> dict:
    found = class_averages(conn, ctx.school_id, section.class_code, period["start"], period["end"],
                           settings=ctx.settings.marks, subject=section.subject,
                           period_kind=period_kind(period["code"]), hours=school.subject_hours(section.class_code))
    return found[section.subject].as_stats() if section.subject in found else {}


def issue(ctx: RunContext, period_code: str, *, teacher: str | None = None,
          out_dir: Path | None = None) -> list[Path]:
    """One period-marks workbook per teacher for the classes the period covers."""
    written = []
    with ctx.engine.begin() as conn:
        school = load_school(conn, ctx.school_id)
        period = school.calendar.period_row(period_code)
        if period is None:
            raise UnknownPeriod(period_code, [p["code"] for p in school.calendar.periods])
        period_code = period["code"]          # as the setup spells it (q2 → Q2)
        if period_kind(period_code) == "year":
            raise YearIsNoTerm(period_code)
        stored = {(r["student_id"], r["subject"]): r["mark"]
                  for r in q.table_rows(conn, s.period_marks, ctx.school_id, period=period_code)}
        for name, sections in school.teacher_sections(teacher).items():
            taken: set[str] = set()
            sheets, info, base = [], [], {}
            for section in sections:
                cls = school.classes[section.class_code]
                scale = school.subjects[section.subject]["scale"]
                if not (period["grade_from"] <= cls["grade"] <= period["grade_to"]) or not cls["has_marks"] \
                        or scale == "none":
                    continue
                students = school.section_students(section, period["end"])
                title = sheet_name(section, school.subjects[section.subject]["short"], taken)
                sheets.append(period_sheet(title, section, period, scale, students,
                                           _stats(ctx, conn, school, section, period),
                                           {st["id"]: stored.get((st["id"], section.subject)) for st in students}))
                info.append(section_info(title, section))
                base.update({mark_key(st["id"], section.subject, period_code): stored.get((st["id"], section.subject))
                             for st in students})
            if sheets:
                path = (out_dir or ctx.settings.templates) / period_code / f"оценки_{period_code}_{safe_name(name)}.xlsx"
                written.append(issue_grid(ctx, conn, path, SPEC.kind, SPEC.version, name, sheets, info, base,
                                          period=period_code))
    return written


class PeriodKind(WorkbookKind):
    name = SPEC.kind
    title = SPEC.title

    def records(self, sub, ctx: StepContext) -> Records:
        school = ctx.school
        period = school.calendar.period_row(sub.meta.get("period", ""))
        if period is None:
            return Records(None, [finding("unknown-period", value=sub.meta.get("period"))], unusable=True)
        read = read_period(SPEC.column("mark").key, sub, school,
                           lambda section: _stats(ctx.run, ctx.conn, school, section, period),
                           choices_for, lambda section: ctx.settings.marks.min_marks_for(
                               period_kind(period["code"]), school.subject_hours(section.class_code).get(section.subject)))
        return Records(read, read.findings)

    def plan(self, records: Records, ctx: StepContext) -> PeriodPlan:
        read = records.value
        return against_base(ctx, read_state(read), lambda base: plan_period(ctx.conn, ctx.school, read, base))


KIND = PeriodKind()
