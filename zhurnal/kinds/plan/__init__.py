"""The calendar-thematic plan (КТП) of one teacher × class × subject × subgroup.

Authoritative for its group's plan items; its topics are prefilled into the weekly journals.
:mod:`.spec` declares it, :mod:`.issue` writes it, :mod:`.plan` merges its rows three ways and
writes them (its records are the shared table reader's, its one rule the shared key check).
"""

from __future__ import annotations

from zhurnal.kinds.base import Records, StepContext, WorkbookKind, against_base
from zhurnal.kinds.plan.plan import ItemsPlan, items_state, merged_rows
from zhurnal.kinds.plan.spec import COLUMNS, SCOPE, SHEET, SPEC
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.validate.checks import duplicate_keys
from zhurnal.validate.table import read_tables


class PlanKind(WorkbookKind):
    name = "plan"
    title = SPEC.title
    closed_with_year = True

    def records(self, sub, ctx: StepContext) -> Records:
        tables, found = read_tables(sub.cells, SPEC, yo_as_ye=ctx.yo)
        scope = {key: sub.meta.get(key, "") for key in SCOPE}
        return Records((tables[SHEET], scope), found)

    def rules(self, records: Records, ctx: StepContext):
        table, _ = records.value
        return duplicate_keys(table.rows, SPEC.sheet(SHEET).key)

    def plan(self, records: Records, ctx: StepContext) -> ItemsPlan:
        table, scope = records.value
        sheet = SPEC.sheet(SHEET)
        mine = [({**row.values, **scope}, f"{SHEET}!{row.refs['item_no']}") for row in table.rows]
        stored = q.table_rows(ctx.conn, s.metadata.tables[sheet.table], ctx.school_id, *sheet.key, **scope)

        def make(base):
            rows, conflicts = merged_rows(ctx.conn, ctx.school_id, mine, stored, sheet.key, COLUMNS, base, sheet.table)
            return ItemsPlan(sheet.table, sheet.key, rows, scope, findings=conflicts)
        return against_base(ctx, items_state([row for row, _ in mine], sheet.key, COLUMNS), make)


KIND = PlanKind()
