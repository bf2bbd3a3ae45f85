"""Applying a table of items for one scope (a КТП for its group), merged three ways by row
against the copy it was filled from (see :mod:`zhurnal.merge.bases`): a row is the unit, keyed
by its key columns; a copy issued before bases is authoritative for its scope."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from zhurnal.core.findings import Finding
from zhurnal.merge.bases import Merger, RecordedPlan, State
from zhurnal.merge.sync import Changes, sync_rows
from zhurnal.store import schema as s


@dataclass
class ItemsPlan(RecordedPlan):
    table: str
    key: tuple[str, ...]
    rows: list[dict]
    scope: dict

    def write(self, conn: Connection, school_id: int, submission_id: int) -> Changes:
        return sync_rows(conn, s.metadata.tables[self.table], school_id=school_id,
                         submission_id=submission_id, key=self.key, rows=self.rows, scope=self.scope)


def row_key(row: dict, key: tuple[str, ...]) -> str:
    return "/".join(str(row[k]) for k in key)       # the key its revisions carry too


def _plain(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))      # 2 typed and 2.0 stored are one value
    return str(value)


def row_value(row: dict, columns: tuple[str, ...]) -> str:
    return "|".join(_plain(row.get(c)) for c in columns)


def items_state(rows: list[dict], key: tuple[str, ...], columns: tuple[str, ...]) -> State:
    """Rows as a state: ``<key>`` → the row's values joined (absent rows are empty cells)."""
    return {row_key(r, key): row_value(r, columns) for r in rows}


def merged_rows(conn: Connection, school_id: int, mine: list[tuple[dict, str]], theirs: list[dict],
                key: tuple[str, ...], columns: tuple[str, ...], base: State | None,
                entity: str) -> tuple[list[dict], list[Finding]]:
    """The rows the scope should hold after this copy; ``mine``: (row, its sheet!cell)."""
    if base is None:
        return [row for row, _ in mine], []
    merger = Merger(conn, school_id, base)
    ours = {row_key(r, key): (r, where) for r, where in mine}
    stored = {row_key(r, key): r for r in theirs}
    rows = []
    for ident in sorted(ours.keys() | stored.keys()):
        row, where = ours.get(ident, (None, "!"))
        old = stored.get(ident)
        sheet, _, cell = where.partition("!")
        kept = merger.value(ident, row_value(row, columns) if row else None, row_value(old, columns) if old else None,
                            sheet=sheet, cell=cell, entity=entity)
        if kept is not None:
            rows.append(row if row is not None and kept == row_value(row, columns) else old)
    return rows, merger.findings
