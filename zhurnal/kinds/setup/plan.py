"""Applying an accepted setup workbook: it is authoritative for the whole school setup."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection

from zhurnal.core.findings import Finding
from zhurnal.merge.sync import Changes, record_revision, sync_rows
from zhurnal.store import schema as s


@dataclass
class TableRows:
    """The rows one sheet gives its store table, matched on ``key``."""

    table: str
    key: tuple[str, ...]
    rows: list[dict]


@dataclass
class SetupPlan:
    school: dict                       # the school row's own fields (name, year)
    tables: list[TableRows]
    findings: list[Finding] = field(default_factory=list)

    def apply(self, conn: Connection, school_id: int, submission_id: int) -> Changes:
        """Replace the school's setup by the workbook's, recording every changed row."""
        changes = Changes()
        old = dict(conn.execute(s.schools.select().where(s.schools.c.id == school_id)).mappings().one())
        new = {**old, **self.school}
        if new != old:
            # only the setup's own fields: a school's role may update those columns, not id or code
            conn.execute(s.schools.update().where(s.schools.c.id == school_id).values(**self.school))
            record_revision(conn, school_id=school_id, submission_id=submission_id,
                            entity="schools", key=old["code"], old=old, new=new)
            changes.updated += 1
        for item in self.tables:
            changes += sync_rows(conn, s.metadata.tables[item.table], school_id=school_id,
                                 submission_id=submission_id, key=item.key, rows=item.rows)
        return changes
