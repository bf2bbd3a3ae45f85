"""The extracurricular journal (внеурочная деятельность; приказ Минпросвещения России от
21.07.2022 № 582 lists it among a teacher's documents): one workbook per teacher, its groups
(pupils from any classes) with their planned hours, sessions with date, topic and hours, and
absences; no marks. Authoritative for the groups it names (:mod:`.plan`).

:mod:`.spec` declares it, :mod:`.issue` writes it, :mod:`.records` reads and checks it,
:mod:`.plan` writes it. The deputy's count of hours held against the plan is
:mod:`zhurnal.school.extracurricular`.
"""

from __future__ import annotations

from zhurnal.kinds.base import Records, StepContext, WorkbookKind
from zhurnal.kinds.extracurricular.plan import ExtraPlan
from zhurnal.kinds.extracurricular.records import read_extracurricular
from zhurnal.kinds.extracurricular.spec import SPEC
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.validate.table import read_tables


class ExtracurricularKind(WorkbookKind):
    name = SPEC.kind
    title = SPEC.title
    closed_with_year = True

    def records(self, sub, ctx: StepContext) -> Records:
        tables, found = read_tables(sub.cells, SPEC, yo_as_ye=ctx.yo)
        return Records.of_tables((tables, sub.meta.get("author", "")), found)

    def plan(self, records: Records, ctx: StepContext) -> ExtraPlan:
        tables, teacher = records.value
        taken = {g["name"]: g["teacher"] for g in q.table_rows(ctx.conn, s.extra_groups, ctx.school_id)}
        read = read_extracurricular(tables, teacher, ctx.school, taken, yo_as_ye=ctx.yo)
        return ExtraPlan(read, findings=read.findings)


KIND = ExtracurricularKind()
