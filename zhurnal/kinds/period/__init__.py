"""Period marks: per group, each student's weighted average, number of marks and the mark the
school's thresholds suggest (shown, locked), and the period mark the teacher sets.

Authoritative for the students and subjects of its sheets. :mod:`.spec` declares it,
:mod:`.issue` writes it, :mod:`.records` reads a submitted copy, :mod:`.plan` merges it three
ways and writes it.
"""

from __future__ import annotations

from zhurnal.core.findings import finding
from zhurnal.kinds.base import Records, StepContext, WorkbookKind, against_base
from zhurnal.kinds.period.issue import section_stats
from zhurnal.kinds.period.plan import PeriodPlan, plan_period, read_state
from zhurnal.kinds.period.records import read_period
from zhurnal.kinds.period.spec import SPEC, choices_for
from zhurnal.school.calendar import period_kind


class PeriodKind(WorkbookKind):
    name = SPEC.kind
    title = SPEC.title

    def records(self, sub, ctx: StepContext) -> Records:
        school = ctx.school
        period = school.calendar.period_row(sub.meta.get("period", ""))
        if period is None:
            return Records(None, [finding("unknown-period", value=sub.meta.get("period"))], unusable=True)
        read = read_period(SPEC.column("mark").key, sub, school,
                           lambda section: section_stats(ctx.run, ctx.conn, school, section, period),
                           choices_for, lambda section: ctx.settings.marks.min_marks_for(
                               period_kind(period["code"]), school.subject_hours(section.class_code).get(section.subject)))
        return Records(read, read.findings)

    def plan(self, records: Records, ctx: StepContext) -> PeriodPlan:
        read = records.value
        return against_base(ctx, read_state(read), lambda base: plan_period(ctx.conn, ctx.school, read, base))


KIND = PeriodKind()
