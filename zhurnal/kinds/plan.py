"""The calendar-thematic plan (КТП) of one teacher × class × subject × subgroup.

Authoritative for its group's plan items; its topics are prefilled into the weekly journals.
"""

from __future__ import annotations

from pathlib import Path

from zhurnal.school.context import RunContext
from zhurnal.core.filenames import safe_name
from zhurnal.kinds.base import Records, StepContext, WorkbookKind, against_base
from zhurnal.kinds.signing import signed_meta
from zhurnal.merge.bases import record_issue
from zhurnal.merge.plan import ItemsPlan, items_state, merged_rows
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.school.snapshot import load_school
from zhurnal.templates.generate import write_workbook
from zhurnal.templates.spec import Choices, Field, FieldType as T, SheetSpec, WorkbookSpec
from zhurnal.validate.checks import duplicate_keys
from zhurnal.validate.table import read_tables
from zhurnal.text.labels import Kind

LESSON_TYPES = Choices(labels=("открытие новых знаний", "комбинированный", "закрепление",
                               "обобщение и систематизация", "контроль знаний", "практикум",
                               "проектная работа"))
SHEET = "КТП"
SPEC = WorkbookSpec(kind="plan", version=1, title=Kind.PLAN.label, sheets=(
    SheetSpec(SHEET, rows=250, table="plan_items", key=("item_no",), fields=(
        Field("item_no", "№ урока", T.INT, required=True, width=8),
        Field("date", "Дата (или день недели)", T.DATE, required=True, width=14),
        Field("topic", "Тема урока", required=True, width=70),
        Field("hours", "Часов", T.NUMBER, width=7),
        Field("lesson_type", "Тип урока", T.CHOICE, choices=LESSON_TYPES, width=26),
    )),
))
SCOPE = ("class_code", "subject", "subgroup")
COLUMNS = tuple(f.key for f in SPEC.sheets[0].fields)


def issue(ctx: RunContext, *, teacher: str | None = None, out_dir: Path | None = None) -> list[Path]:
    """A plan per teacher × class × subject × subgroup, prefilled with the stored items."""
    sheet = SPEC.sheet(SHEET)
    written = []
    with ctx.engine.connect() as conn:
        school = load_school(conn, ctx.school_id)
        for name, sections in school.teacher_sections(teacher).items():
            for section in sections:
                scope = {"class_code": section.class_code, "subject": section.subject,
                         "subgroup": section.subgroup}
                items = q.table_rows(conn, s.metadata.tables[sheet.table], ctx.school_id, *sheet.key, **scope)
                meta = signed_meta(ctx, "plan", SPEC.version, name, sections={}, **scope)
                group = f", подгруппа {section.subgroup}" if section.subgroup else ""
                label = f"{section.class_code}_{section.subject}" + (f"_гр{section.subgroup}" if section.subgroup else "")
                path = (out_dir or ctx.settings.templates) / "КТП" / safe_name(name) / f"КТП_{safe_name(label)}.xlsx"
                written.append(write_workbook(path, SPEC, meta, prefill={SHEET: items}, guide=[
                    f"Календарно-тематический план: {section.class_code}, {section.subject}{group}. Учитель: {name}.",
                    "По строке на урок: номер, дата (или любой день той недели), тема, часы, тип урока.",
                    "Темы из плана подставляются в журнал недели."]))
                with ctx.engine.begin() as write:
                    record_issue(write, ctx.school_id, meta, items_state(items, sheet.key, COLUMNS), ctx.now)
    return written


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
