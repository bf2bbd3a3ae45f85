"""Reading earlier years' marks: every sheet's cells, checked against the subjects' scales."""

from __future__ import annotations

from zhurnal.core.findings import finding
from zhurnal.kinds.period.records import allowed_mark
from zhurnal.kinds.period.spec import choices_for
from zhurnal.kinds.prior.plan import PriorPlan
from zhurnal.school.snapshot import School
from zhurnal.validate.grid_common import grid_sheets, student_problem
from zhurnal.validate.normalize import is_blank


def read_prior(sub, school: School) -> PriorPlan:
    """The marks of every sheet, checked against the subjects' scales. A column's key is
    ``subject|period`` (the workbook's grade, its metadata's ``period``: «10») or
    ``subject|period|grade`` (the basic level's workbook, «5-8», a grade a column)."""
    meta = str(sub.meta.get("period") or "10")
    grade = int(meta) if meta.isdigit() else 0
    plan = PriorPlan(grade)
    found = plan.findings
    for ref in grid_sheets(sub, school, found):
        grid = ref.grid
        for key in grid.columns:
            subject, period, column = ([*key.split("|"), "", ""])[:3]
            column_grade = int(column) if column.isdigit() else grade
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
                    plan.cells[(sid, subject, column_grade, period)] = None
                elif (mark := allowed_mark(raw, allowed, where, found)) is not None:
                    plan.cells[(sid, subject, column_grade, period)] = mark
    return plan
