"""Marks of an earlier year kept outside zhurnal: for a school's first year with zhurnal, the
semester and year marks pupils got in grade 10, which grade 11's final marks need
(:func:`zhurnal.year.final.final_mark_11`). Later years take them from the closed year instead
(:func:`zhurnal.year.carry.carry_forward`).

One workbook for the administration, one sheet per class now a grade above: pupils × (subject,
period) columns, prefilled with what ``prior_marks`` holds. Authoritative for the pupils and
columns of its sheets (as a roster is): an emptied cell removes the mark.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, and_, delete, insert, update

from zhurnal.school.context import RunContext
from zhurnal.core.errors import NoClasses
from zhurnal.core.findings import Finding, finding
from zhurnal.kinds.base import Records, StepContext, WorkbookKind
from zhurnal.kinds.period import choices_for
from zhurnal.kinds.signing import signed_meta
from zhurnal.merge.sync import Changes, record_revision
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.school.snapshot import School, load_school
from zhurnal.templates.grid import GridColumn, GridSheet, issued_identities, list_validation, write_grid_workbook
from zhurnal.validate.grid_common import grid_sheets, student_problem
from zhurnal.validate.normalize import is_blank
from zhurnal.validate.period_rules import allowed_mark
from zhurnal.text.labels import Kind

KIND_NAME, VERSION, TITLE = "prior", 1, Kind.PRIOR.label
SOURCE = "import"
NOTES = [
    "Как заполнять:",
    "• Перенесите из классного журнала {grade} класса отметки за полугодия и за год по каждому предмету.",
    "• Пустая клетка — отметки нет (например, предмет не изучался в {grade} классе).",
]


def prior_periods(school: School, grade: int) -> list[tuple[str, str]]:
    """(code, name) of the periods whose marks an earlier year of ``grade`` gave: the setup's
    terms of that grade and its year period («Y», «Год» when the setup has none)."""
    year = school.calendar.year_period(grade)
    return [(p["code"], p["name"]) for p in school.calendar.grade_terms(grade)] + \
        [(year["code"], year["name"]) if year else ("Y", "Год")]


def _subjects(school: School, class_code: str) -> list[str]:
    return sorted({sec.subject for sec in school.load if sec.class_code == class_code
                   and school.subjects[sec.subject]["scale"] != "none"})


def issue(ctx: RunContext, *, grade: int = 10, out_dir: Path | None = None) -> list[Path]:
    """The workbook for the marks of ``grade`` of the pupils now in grade ``grade + 1``."""
    with ctx.engine.begin() as conn:
        school = load_school(conn, ctx.school_id)
        classes = [code for code, cls in school.classes.items() if cls["grade"] == grade + 1]
        if not classes:
            raise NoClasses()
        stored = {(r["student_id"], r["subject"], r["period"]): r["mark"]
                  for r in q.table_rows(conn, s.prior_marks, ctx.school_id, grade=grade)}
        periods = prior_periods(school, grade)
        sheets, info = [], []
        for code in classes:
            students = school.class_students(code)
            columns, values = [], {}
            for subject in _subjects(school, code):
                choices = choices_for(school.subjects[subject]["scale"])
                for period, name in periods:
                    key = f"{subject}|{period}"
                    columns.append(GridColumn(key, (subject, name), width=8, validation=list_validation(choices)))
                    values.update({(st["id"], key): stored.get((st["id"], subject, period)) for st in students})
            sheets.append(GridSheet(name=code, title=f"{code} — отметки за {grade} класс", columns=columns,
                                    students=[(st["id"], st["full_name"]) for st in students], values=values,
                                    notes=[line.format(grade=grade) for line in NOTES]))
            info.append({"sheet": code, "class_code": code})
    meta = signed_meta(ctx, KIND_NAME, VERSION, "Администратор", sections={"sheets": info}, period=str(grade),
                       identities=issued_identities(sheets))
    return [write_grid_workbook((out_dir or ctx.settings.templates) / f"отметки_{grade}_класса.xlsx", meta, sheets)]


@dataclass
class PriorPlan:
    grade: int
    cells: dict[tuple[int, str, str], str | None] = field(default_factory=dict)   # (student, subject, period) → mark
    findings: list[Finding] = field(default_factory=list)

    def apply(self, conn: Connection, school_id: int, submission_id: int) -> Changes:
        changes = Changes()
        P = s.prior_marks
        stored = {(r["student_id"], r["subject"], r["period"]): r["mark"]
                  for r in q.table_rows(conn, P, school_id, grade=self.grade)}
        for (sid, subject, period), mark in sorted(self.cells.items()):
            old = stored.get((sid, subject, period))
            if old == mark:
                continue
            where = and_(P.c.school_id == school_id, P.c.student_id == sid, P.c.subject == subject,
                         P.c.grade == self.grade, P.c.period == period)
            if old is None:
                conn.execute(insert(P).values(school_id=school_id, student_id=sid, subject=subject, grade=self.grade,
                                              period=period, mark=mark, source=SOURCE))
                changes.inserted += 1
            elif mark is None:
                conn.execute(delete(P).where(where))
                changes.removed += 1
            else:
                conn.execute(update(P).where(where).values(mark=mark, source=SOURCE))
                changes.updated += 1
            record_revision(conn, school_id=school_id, submission_id=submission_id, entity="prior_marks",
                            key=f"{sid}/{subject}/{self.grade}/{period}",
                            old={"mark": old} if old else None, new={"mark": mark} if mark else None)
        return changes


def read_prior(sub, school: School) -> PriorPlan:
    """The marks of every sheet, checked against the subjects' scales."""
    grade = int(sub.meta.get("period") or 10)
    plan = PriorPlan(grade)
    found = plan.findings
    for ref in grid_sheets(sub, school, found):
        grid = ref.grid
        for key in grid.columns:
            subject, _, period = key.partition("|")
            if subject not in school.subjects:
                found.append(finding("unknown-subject", sheet=grid.sheet, cell=grid.ref(min(grid.students.values(),
                                     default=2), key), value=subject))
                continue
            allowed = choices_for(school.subjects[subject]["scale"])
            for sid, row in grid.students.items():
                raw = grid.value(row, key)
                where = {"sheet": grid.sheet, "cell": grid.ref(row, key)}
                problem = student_problem(school, sid, ref.class_code, None)
                if problem:
                    if not is_blank(raw):
                        found.append(finding(problem, **where, value=sid))
                    continue
                if is_blank(raw):
                    plan.cells[(sid, subject, period)] = None
                elif (mark := allowed_mark(raw, allowed, where, found)) is not None:
                    plan.cells[(sid, subject, period)] = mark
    return plan


class PriorKind(WorkbookKind):
    name = KIND_NAME
    title = TITLE
    closed_with_year = True

    def records(self, sub, ctx: StepContext) -> Records:
        plan = read_prior(sub, ctx.school)
        return Records(plan, plan.findings)

    def plan(self, records: Records, ctx: StepContext) -> PriorPlan:
        plan = records.value
        return PriorPlan(plan.grade, plan.cells)      # the findings were given with the records


KIND = PriorKind()
