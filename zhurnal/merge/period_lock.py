"""Closing and reopening a period; every change of state is kept as an event."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, Engine, insert, update

from zhurnal.core.errors import UnknownPeriod
from zhurnal.store import queries as q
from zhurnal.store import schema as s


def close_period(conn: Connection, school_id: int, period: str, *, closed: bool, reason: str | None,
                 now: dt.datetime) -> bool:
    """Lock or unlock ``period``; returns False when it already was in that state."""
    row = conn.execute(s.period_locks.select().where(s.period_locks.c.school_id == school_id,
                                                     s.period_locks.c.period == period)).mappings().first()
    if row is not None and row["closed"] == closed:
        return False
    if row is None:
        conn.execute(insert(s.period_locks).values(school_id=school_id, period=period, closed=closed))
    else:
        conn.execute(update(s.period_locks).where(s.period_locks.c.school_id == school_id,
                                                  s.period_locks.c.period == period).values(closed=closed))
    conn.execute(insert(s.period_events).values(
        school_id=school_id, period=period, action="close" if closed else "reopen", reason=reason,
        at=now))
    return True


def set_period_closed(engine: Engine, school_id: int, period: str, *, closed: bool, reason: str | None,
                      now: dt.datetime) -> bool:
    """Close or reopen a period of the setup; :class:`UnknownPeriod` when it has no such period."""
    with engine.begin() as conn:
        codes = {p["code"].casefold(): p["code"] for p in q.table_rows(conn, s.periods, school_id)}
        if period.strip().casefold() not in codes:
            raise UnknownPeriod(period, sorted(set(codes.values())))
        return close_period(conn, school_id, codes[period.strip().casefold()], closed=closed, reason=reason, now=now)
