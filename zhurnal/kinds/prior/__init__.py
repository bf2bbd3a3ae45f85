"""Marks of an earlier year kept outside zhurnal: for a school's first year with zhurnal, the
semester and year marks pupils got in grade 10, which grade 11's final marks need
(:func:`zhurnal.year.final.final_mark_11`). Later years take them from the closed year instead
(:func:`zhurnal.year.carry.carry_forward`). Likewise, for the grade-9 attestat, the year marks of
the subjects finished in grades 5–8 (Музыка, ИЗО: the attestat lists them with their last year
mark, :mod:`zhurnal.year.attestat`), a column a subject at its last grade («5-8» workbook).

One workbook for the administration, one sheet per class now a grade above: pupils × (subject,
period) columns, prefilled with what ``prior_marks`` holds. Authoritative for the pupils and
columns of its sheets (as a roster is): an emptied cell removes the mark. :mod:`.spec` names
it, :mod:`.issue` writes it, :mod:`.records` reads a submitted copy into a plan, :mod:`.plan`
writes it.
"""

from __future__ import annotations

from zhurnal.kinds.base import Records, StepContext, WorkbookKind
from zhurnal.kinds.prior.plan import PriorPlan
from zhurnal.kinds.prior.records import read_prior
from zhurnal.kinds.prior.spec import NAME, TITLE


class PriorKind(WorkbookKind):
    name = NAME
    title = TITLE
    closed_with_year = True

    def records(self, sub, ctx: StepContext) -> Records:
        plan = read_prior(sub, ctx.school)
        return Records(plan, plan.findings)

    def plan(self, records: Records, ctx: StepContext) -> PriorPlan:
        plan = records.value
        return PriorPlan(plan.grade, plan.cells)      # the findings were given with the records


KIND = PriorKind()
