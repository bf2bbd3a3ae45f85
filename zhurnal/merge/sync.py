"""Making a table's rows in one scope equal to a submitted set, with a revision per change."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from sqlalchemy import Connection, Table, and_, insert

from zhurnal.store.delete import delete_rows
from zhurnal.store.schema import revisions


@dataclass
class Changes:
    inserted: int = 0
    updated: int = 0
    removed: int = 0

    def __iadd__(self, other: "Changes") -> "Changes":
        self.inserted += other.inserted
        self.updated += other.updated
        self.removed += other.removed
        return self

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.removed

    def write(self, conn: Connection, table: Table, keys: dict, values: dict | None, *, existed: bool) -> None:
        """Make the row of ``table`` at ``keys`` (its whole key, ``school_id`` included) hold
        ``values``: insert it when it did not exist, delete it when ``values`` is None, else
        update it; counted here. The caller records the revision."""
        if not existed:
            conn.execute(insert(table).values(**keys, **(values or {})))
            self.inserted += 1
        elif values is None:
            delete_rows(conn, table, _where(table, keys))
            self.removed += 1
        else:
            conn.execute(table.update().where(_where(table, keys)).values(**values))
            self.updated += 1


def _jsonable(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not kept in a revision")


# one encoder for every revision (json.dumps with options builds a new one per call)
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, default=_jsonable)


def _as_json(row: dict | None) -> str | None:
    """A row as its revision keeps it: keys sorted, dates ISO 8601, no school_id."""
    if row is None:
        return None
    if "school_id" in row:
        row = {k: v for k, v in row.items() if k != "school_id"}
    return _ENCODER.encode(row)


def record_revision(conn: Connection, *, school_id: int, submission_id: int, entity: str,
                    key: str, old: dict | None, new: dict | None) -> None:
    """Keep one change (old → new) with the submission that made it."""
    log = RevisionLog(school_id, submission_id)
    log.add(entity, key, old, new)
    log.flush(conn)


class RevisionLog:
    """The revisions one submission makes, kept in order and written with one executemany.

    A journal of a week makes thousands of revisions; one INSERT each cost most of the ingest's
    time (statement building in SQLAlchemy), one executemany costs about what the rows do."""

    def __init__(self, school_id: int, submission_id: int) -> None:
        self.school_id = school_id
        self.submission_id = submission_id
        self.rows: list[dict] = []

    def add(self, entity: str, key: str, old: dict | None, new: dict | None) -> None:
        self.rows.append({"school_id": self.school_id, "submission_id": self.submission_id, "entity": entity,
                          "key": key, "old_value": _as_json(old), "new_value": _as_json(new)})

    def flush(self, conn: Connection) -> None:
        """Write what was added, in the order it was added (revision ids keep that order)."""
        if self.rows:
            conn.execute(insert(revisions), self.rows)
            self.rows = []


def _where(table: Table, values: dict):
    return and_(*(table.c[k] == v for k, v in values.items()))


def sync_rows(conn: Connection, table: Table, *, school_id: int, submission_id: int,
              key: tuple[str, ...], rows: list[dict], scope: dict | None = None,
              on_missing: str = "delete") -> Changes:
    """Make ``table``'s rows within ``scope`` equal ``rows`` (matched on ``key``).

    ``on_missing``: what happens to a stored row the submission no longer has: ``delete`` it,
    ``deactivate`` it (``active`` = false; people are never deleted), or ``keep`` it.
    """
    scope = {"school_id": school_id, **(scope or {})}
    columns = [c.name for c in table.columns]
    stored = {tuple(r[k] for k in key): dict(r)
              for r in conn.execute(table.select().where(_where(table, scope))).mappings()}
    changes = Changes()
    seen = set()
    for new in rows:
        new = {k: v for k, v in {**new, **scope}.items() if k in columns}
        ident = tuple(new[k] for k in key)
        seen.add(ident)
        old = stored.get(ident)
        label = "/".join(str(v) for v in ident)
        if old is None:
            conn.execute(insert(table).values(**new))
            changes.inserted += 1
        elif any(old.get(k) != v for k, v in new.items()):
            # only what changed: a district's school role may update no key column nor school_id
            changed = {k: v for k, v in new.items() if old.get(k) != v}
            conn.execute(table.update().where(_where(table, {**scope, **dict(zip(key, ident))}))
                         .values(**changed))
            changes.updated += 1
            new = {**old, **new}
        else:
            continue
        record_revision(conn, school_id=school_id, submission_id=submission_id,
                        entity=table.name, key=label, old=old, new=new)
    for ident, old in stored.items():
        if ident in seen or on_missing == "keep":
            continue
        where = _where(table, {**scope, **dict(zip(key, ident))})
        if on_missing == "deactivate":
            if not old.get("active", True):
                continue
            conn.execute(table.update().where(where).values(active=False))
            new = {**old, "active": False}
        else:
            delete_rows(conn, table, where)
            new = None
        changes.removed += 1
        record_revision(conn, school_id=school_id, submission_id=submission_id,
                        entity=table.name, key="/".join(str(v) for v in ident), old=old, new=new)
    return changes
