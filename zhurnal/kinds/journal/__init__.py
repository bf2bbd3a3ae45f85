"""The weekly journal of one teacher: a sheet per class × subject × subgroup taught that week.

Columns are the week's timetabled lessons (holidays removed, odd/even weeks honoured) plus two
spare columns for an extra or moved lesson; rows are the group's students; under the grid,
the lesson's topic, homework, work type and ICT use. What the store already holds for the
week is prefilled, because the workbook is authoritative: a cleared cell deletes a mark.

:mod:`.spec` declares it, :mod:`.issue` writes it, :mod:`.records` reads a submitted copy into
a :class:`~.records.JournalRead` with its rules, :mod:`.plan` merges it three ways and writes it.
"""

from __future__ import annotations

from zhurnal.kinds.base import Records, StepContext, WorkbookKind, against_base
from zhurnal.kinds.journal.plan import JournalPlan, plan_journal, read_state
from zhurnal.kinds.journal.records import read_journal
from zhurnal.kinds.journal.spec import SPEC
from zhurnal.merge.guards import ChangeGuard


class JournalKind(WorkbookKind):
    name = SPEC.kind
    title = SPEC.title
    reads_alone = True

    def records(self, sub, ctx: StepContext) -> Records:
        read = read_journal(SPEC, sub, ctx.school, allow_plus_minus=ctx.settings.marks.allow_plus_minus)
        return Records(read, read.findings)

    def plan(self, records: Records, ctx: StepContext) -> JournalPlan:
        read = records.value
        guard = ChangeGuard(ctx.school, ctx.settings.journal, ctx.run.today)
        return against_base(ctx, read_state(read), lambda base: plan_journal(ctx.conn, ctx.school, read, guard, base))


KIND = JournalKind()
