"""Issuing the setup workbook, prefilled with the current setup."""

from __future__ import annotations

from pathlib import Path

from zhurnal.kinds.setup.defaults import default_prefill
from zhurnal.kinds.setup.spec import BOUND, SPEC, from_store
from zhurnal.kinds.signing import signed_meta
from zhurnal.school.context import RunContext
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.templates.generate import write_workbook

BOOK = "настройка_школы.xlsx"
GUIDE = [
    "Книга настройки школы заполняется администратором один раз в год и правится при изменениях.",
    "Порядок: Школа → Периоды → Каникулы → Учителя → Классы → Предметы → Подгруппы → Нагрузка → "
    "Расписание → Звонки → Виды работ → Причины пропусков.",
    "Книга целиком заменяет прежнюю настройку: удалённая строка удаляется и из журнала.",
]


DEFAULTS_GUIDE = [
    "Книга заполнена федеральными значениями на текущий учебный год: четверти и полугодия, каникулы "
    "(с дополнительными каникулами 1 классов), звонки, виды работ с весами, причины пропусков, предметы "
    "федерального учебного плана. Это образец: исправьте и удалите лишнее по своему учебному плану.",
    "В 1 классе отметки не ставятся: в листе «Классы» для 1 классов укажите «нет» в столбце «Ставятся отметки».",
]


def issue(ctx: RunContext, out_dir: Path | None = None, *, defaults: bool = False) -> Path:
    """Write the setup workbook, prefilled with the current setup, to ``templates_xlsx/``; with
    ``defaults``, a store without a setup gives the federal defaults of the current school year
    instead (:mod:`zhurnal.kinds.setup.defaults`)."""
    with ctx.engine.connect() as conn:
        school = q.school_row(conn, ctx.school_id)
        prefill = {"Школа": [school] if school.get("year_label") else []}
        for sheet in BOUND:
            rows = q.table_rows(conn, s.metadata.tables[sheet.table], ctx.school_id, *sheet.key)
            prefill[sheet.name] = [from_store(sheet, row) for row in rows]
    guide = GUIDE
    if defaults and not school.get("year_label"):
        federal = default_prefill(ctx.settings.school.name, ctx.today)
        prefill["Школа"] = federal.pop("Школа")
        for sheet in BOUND:
            if sheet.name in federal and not prefill[sheet.name]:
                prefill[sheet.name] = [from_store(sheet, row) for row in federal[sheet.name]]
        guide = GUIDE + DEFAULTS_GUIDE
    meta = signed_meta(ctx, "setup", SPEC.version, "Администратор")
    path = (out_dir or ctx.settings.templates) / BOOK
    return write_workbook(path, SPEC, meta, prefill=prefill, guide=guide)
