"""Issuing the calendar-thematic plan (КТП): one workbook per teacher × class × subject ×
subgroup, prefilled with the stored plan items; each issue is recorded as the base later copies
are merged against.
"""

from __future__ import annotations

from pathlib import Path

from zhurnal.core.filenames import safe_name
from zhurnal.kinds.plan.plan import items_state
from zhurnal.kinds.plan.spec import COLUMNS, SHEET, SPEC
from zhurnal.kinds.signing import signed_meta
from zhurnal.merge.bases import record_issue
from zhurnal.school.context import RunContext
from zhurnal.school.snapshot import load_school
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.templates.generate import write_workbook


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

