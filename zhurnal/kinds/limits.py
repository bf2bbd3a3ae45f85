"""The store's length limits bound onto a declaration, so a value too long for its column is a
finding at its cell (``value-too-long``) and never a driver error.

SQLite ignores ``String(n)``; PostgreSQL refuses a longer value with an error that would stop
the whole batch. Every column with a natural limit (codes, subgroup names, rooms) keeps it and
the workbook says so; free text is ``Text`` in :mod:`zhurnal.store.schema`.
"""

from __future__ import annotations

import dataclasses

from sqlalchemy import String

from zhurnal.store import schema as s
from zhurnal.templates.spec import WorkbookSpec


def column_limit(table: str, column: str) -> int | None:
    """``n`` of a ``String(n)`` column, else None (Text, numbers, dates, no such column)."""
    found = s.metadata.tables[table].c.get(column)
    if found is not None and isinstance(found.type, String) and found.type.length:
        return found.type.length
    return None


def with_store_limits(spec: WorkbookSpec, also: dict[str, str] | None = None) -> WorkbookSpec:
    """``spec`` with each field's ``max_length`` set from the store column it fills: the
    sheet's ``table``, or for sheets bound some other way the table ``also`` names for them."""
    sheets = []
    for sheet in spec.sheets:
        table = sheet.table or (also or {}).get(sheet.name)
        if table:
            fields = tuple(dataclasses.replace(f, max_length=column_limit(table, f.key)) for f in sheet.fields)
            sheet = dataclasses.replace(sheet, fields=fields)
        sheets.append(sheet)
    return dataclasses.replace(spec, sheets=tuple(sheets))
