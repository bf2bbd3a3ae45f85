"""Issuing the setup workbook, prefilled with the current setup."""

from __future__ import annotations

from pathlib import Path

from zhurnal.kinds.setup.spec import BOUND, SPEC, from_store
from zhurnal.kinds.signing import signed_meta
from zhurnal.school.context import RunContext
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.templates.generate import write_workbook

GUIDE = [
    "Книга настройки школы заполняется администратором один раз в год и правится при изменениях.",
    "Порядок: Школа → Периоды → Каникулы → Учителя → Классы → Предметы → Подгруппы → Нагрузка → "
    "Расписание → Звонки → Виды работ → Причины пропусков.",
    "Книга целиком заменяет прежнюю настройку: удалённая строка удаляется и из журнала.",
]


def issue(ctx: RunContext, out_dir: Path | None = None) -> Path:
    """Write the setup workbook, prefilled with the current setup, to ``templates_xlsx/``."""
    with ctx.engine.connect() as conn:
        school = q.school_row(conn, ctx.school_id)
        prefill = {"Школа": [school] if school.get("year_label") else []}
        for sheet in BOUND:
            rows = q.table_rows(conn, s.metadata.tables[sheet.table], ctx.school_id, *sheet.key)
            prefill[sheet.name] = [from_store(sheet, row) for row in rows]
    meta = signed_meta(ctx, "setup", SPEC.version, "Администратор")
    path = (out_dir or ctx.settings.templates) / "настройка_школы.xlsx"
    return write_workbook(path, SPEC, meta, prefill=prefill, guide=GUIDE)
