"""Applying a table of items that is authoritative for one scope (a КТП for its group)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection

from zhurnal.findings import Finding
from zhurnal.merge.sync import Changes, sync_rows
from zhurnal.store import schema as s


@dataclass
class ItemsPlan:
    table: str
    key: tuple[str, ...]
    rows: list[dict]
    scope: dict
    findings: list[Finding] = field(default_factory=list)

    def apply(self, conn: Connection, school_id: int, submission_id: int) -> Changes:
        return sync_rows(conn, s.metadata.tables[self.table], school_id=school_id,
                         submission_id=submission_id, key=self.key, rows=self.rows, scope=self.scope)
