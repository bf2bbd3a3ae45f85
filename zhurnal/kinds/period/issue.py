"""Issuing period marks: one workbook per teacher for the groups a period covers, each pupil's
weighted average, number of marks and suggested mark shown and locked, the stored period mark
prefilled; the issue is recorded as the base later copies are merged against.
"""

from __future__ import annotations

from pathlib import Path

from zhurnal.core.errors import UnknownPeriod, YearIsNoTerm
from zhurnal.core.filenames import safe_name
from zhurnal.kinds.period.plan import mark_key
from zhurnal.kinds.period.spec import INPUTS, SPEC, choices_for
from zhurnal.kinds.signing import issue_grid
from zhurnal.school.averages import class_averages
from zhurnal.school.calendar import period_kind
from zhurnal.school.context import RunContext
from zhurnal.school.snapshot import Section, load_school
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.templates.grid import GridColumn, GridSheet, list_validation, section_info, sheet_name

NOTES = [
    "Как заполнять:",
    "• Средний балл, число отметок и рекомендуемая отметка посчитаны по журналу (взвешенное среднее).",
    "• В последнем столбце поставьте отметку за период: {choices}.",
    "• н/а — не аттестован (мало отметок), осв — освобождён.",
]


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


def section_stats(ctx: RunContext, conn, school, section: Section, period: dict) -> dict:
    """Student id → (weighted average, number of marks, suggested mark) of ``section`` in ``period``."""
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
                                           section_stats(ctx, conn, school, section, period),
                                           {st["id"]: stored.get((st["id"], section.subject)) for st in students}))
                info.append(section_info(title, section))
                base.update({mark_key(st["id"], section.subject, period_code): stored.get((st["id"], section.subject))
                             for st in students})
            if sheets:
                path = (out_dir or ctx.settings.templates) / period_code / f"оценки_{period_code}_{safe_name(name)}.xlsx"
                written.append(issue_grid(ctx, conn, path, SPEC.kind, SPEC.version, name, sheets, info, base,
                                          period=period_code))
    return written

