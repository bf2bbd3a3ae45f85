"""Closing and reopening the school year: a closed year's journal, attendance and period marks
accept no changes (ingest answers with the ``year-closed`` finding, as for a closed period).
Every change of state is kept as an event; a reopen needs a reason.

A school's store holds one year at a time (``schools.year_label``, from the setup); a lock is
kept per year label, so next year's setup (a new label) starts open.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import Connection, insert, select, update

from zhurnal.core.errors import UnknownYear, YearReopenNeedsReason
from zhurnal.store import schema as s


def school_year(conn: Connection, school_id: int) -> str | None:
    """The setup's year label («2026/2027»); None before the setup is ingested."""
    return conn.execute(select(s.schools.c.year_label).where(s.schools.c.id == school_id)).scalar()


def find_year(conn: Connection, school_id: int, text: str) -> str:
    """The setup's year label that ``text`` names: the label itself («2026/2027», «2026-2027»)
    or its start year («2026»); :class:`UnknownYear` otherwise."""
    label = school_year(conn, school_id) or ""
    wanted = re.sub(r"\s+", "", text).replace("-", "/").replace("–", "/")
    start = label.split("/")[0] if label else ""
    if label and wanted in (label.replace(" ", ""), start):
        return label
    raise UnknownYear(text, [label] if label else [])


def is_closed(conn: Connection, school_id: int, year_label: str | None) -> bool:
    """Whether ``year_label`` is closed (a year never closed is open)."""
    if not year_label:
        return False
    return bool(conn.execute(select(s.year_locks.c.closed).where(
        s.year_locks.c.school_id == school_id, s.year_locks.c.year_label == year_label)).scalar())


def set_year_closed(conn: Connection, school_id: int, year_label: str, *, closed: bool,
                    reason: str | None, now: dt.datetime, snapshot: str | None = None) -> bool:
    """Lock or unlock ``year_label`` and record the event (with the archive's ``snapshot``
    digest on a close); False (and nothing written) when it already was in that state.
    :class:`YearReopenNeedsReason` for a reopen without a reason."""
    if not closed and not (reason or "").strip():
        raise YearReopenNeedsReason()
    if is_closed(conn, school_id, year_label) == closed:
        return False
    L = s.year_locks
    exists = conn.execute(select(L.c.closed).where(L.c.school_id == school_id, L.c.year_label == year_label)).first()
    if exists is None:
        conn.execute(insert(L).values(school_id=school_id, year_label=year_label, closed=closed))
    else:
        conn.execute(update(L).where(L.c.school_id == school_id, L.c.year_label == year_label).values(closed=closed))
    conn.execute(insert(s.year_events).values(school_id=school_id, year_label=year_label,
                                              action="close" if closed else "reopen",
                                              reason=(reason or "").strip() or None, snapshot=snapshot, at=now))
    return True
