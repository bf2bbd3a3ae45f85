"""The class teacher's weekly attendance register: students × school days, lessons missed
and the reason code. Authoritative for its class's school days of the week.

:mod:`.spec` declares it, :mod:`.issue` writes it, :mod:`.records` reads a submitted copy,
:mod:`.plan` merges it three ways and writes it (and answers which days a register holds,
which the journal's plan checks its «н» against).
"""

from __future__ import annotations

from zhurnal.kinds.attendance.plan import AttendancePlan, plan_attendance, read_state
from zhurnal.kinds.attendance.records import read_attendance
from zhurnal.kinds.attendance.spec import SPEC
from zhurnal.kinds.base import Records, StepContext, WorkbookKind, against_base
from zhurnal.merge.guards import ChangeGuard


class AttendanceKind(WorkbookKind):
    name = SPEC.kind
    title = SPEC.title
    reads_alone = True

    def records(self, sub, ctx: StepContext) -> Records:
        read = read_attendance(SPEC, sub, ctx.school)
        return Records(read, read.findings)

    def plan(self, records: Records, ctx: StepContext) -> AttendancePlan:
        read = records.value
        guard = ChangeGuard(ctx.school, ctx.settings.journal, ctx.run.today)
        return against_base(ctx, read_state(read, ctx.school),
                            lambda base: plan_attendance(ctx.conn, ctx.school, read, guard, base))


KIND = AttendanceKind()
