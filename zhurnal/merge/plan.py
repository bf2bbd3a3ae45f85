"""Applying a calendar-thematic plan: authoritative for its class, subject and subgroup."""

from __future__ import annotations

from sqlalchemy import Connection

from zhurnal.merge.sync import Changes, sync_rows
from zhurnal.store import schema as s
from zhurnal.validate.table import Table


def apply_plan(conn: Connection, table: Table, meta: dict[str, str], *, school_id: int,
               submission_id: int) -> Changes:
    scope = {"class_code": meta["class_code"], "subject": meta["subject"], "subgroup": meta.get("subgroup", "")}
    rows = [{**row.values, **scope} for row in table.rows]
    return sync_rows(conn, s.plan_items, school_id=school_id, submission_id=submission_id,
                     key=("item_no",), rows=rows, scope=scope)
