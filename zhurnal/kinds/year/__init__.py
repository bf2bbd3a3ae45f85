"""Year marks: per group, each pupil's term marks (shown, locked), the year mark computed from
them by the school's rule (shown, locked) and the year mark the teacher confirms (prefilled
with the confirmed mark, else the computed one); for grades 9 and 11 also the exam (ОГЭ, ГВЭ,
ЕГЭ) and its result.

The year marks are stored as period marks of the setup's year period (code «Y»); the exams in
``exam_marks``. Authoritative for the pupils and subjects of its sheets, merged three ways.
:mod:`.spec` declares it, :mod:`.issue` writes it, :mod:`.records` reads a submitted copy,
:mod:`.plan` merges it (on top of the period kind's plan) and writes it.
"""

from __future__ import annotations

from zhurnal.kinds.base import Records, StepContext, WorkbookKind, against_base
from zhurnal.kinds.period.spec import choices_for
from zhurnal.kinds.year.issue import computed_marks
from zhurnal.kinds.year.plan import YearPlan, plan_year, read_state
from zhurnal.kinds.year.records import read_year
from zhurnal.kinds.year.spec import SPEC


class YearKind(WorkbookKind):
    name = SPEC.kind
    title = SPEC.title

    def records(self, sub, ctx: StepContext) -> Records:
        school = ctx.school
        read = read_year(sub, school, lambda section: computed_marks(ctx.run, ctx.conn, school, section), choices_for)
        return Records(read, read.findings)

    def plan(self, records: Records, ctx: StepContext) -> YearPlan:
        read = records.value
        return against_base(ctx, read_state(read), lambda base: plan_year(ctx.conn, ctx.school, read, base))


KIND = YearKind()
