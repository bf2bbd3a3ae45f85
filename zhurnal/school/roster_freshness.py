"""Roster freshness: when each class's roster was last confirmed, and which are out of date.

The school's order makes the class teacher responsible for «своевременное (еженедельное)
заполнение и контроль над актуальностью данных об учащихся и их родителях». A roster handed in
and accepted confirms its class's roster, whether it changed anything or not; so does the
class's newest accepted roster handed in again byte for byte (a duplicate), once a day (24 h)
or more has passed since the class's last confirmation — a copy handed in again sooner, like a
rerun after a crash, says nothing new and changes nothing. Every confirmation is a row of
``roster_confirmations`` (class, moment, submission), so the freshness at any past moment can be
told (a week's summary judges its own week's end).

A roster is stale at a moment when its newest confirmation up to then is more than
``[roster] confirm_every_days`` (7) days (calendar days, UTC) old, or there is none. Nothing is
stale in a closed school year or outside the year's dates (no roster is kept in the summer).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from sqlalchemy import Connection, func, insert, select, update

from zhurnal.school.context import RunContext
from zhurnal.school.lookup import class_sort_key
from zhurnal.store import queries as q
from zhurnal.store import schema as s

C = s.roster_confirmations
# a duplicate confirms again only this long after the class's newest confirmation
AGAIN_AFTER = dt.timedelta(days=1)


@dataclass(frozen=True)
class StaleRoster:
    """A class whose roster is out of date: its class teacher (None: not named in the setup),
    the newest confirmation (None: never confirmed) and its age in whole days (None: never)."""

    class_code: str
    class_teacher: str | None
    confirmed_at: dt.datetime | None
    age_days: int | None

    def as_dict(self) -> dict:
        row = asdict(self)
        row["confirmed_at"] = self.confirmed_at.isoformat(sep=" ") if self.confirmed_at else None
        return row


def confirm(conn: Connection, school_id: int, class_code: str, at: dt.datetime, submission_id: int) -> None:
    """Record that ``class_code``'s roster was confirmed at ``at`` by ``submission_id`` (two
    rosters of one class accepted in one run share the moment: the later one is kept)."""
    key = (C.c.school_id == school_id, C.c.class_code == class_code, C.c.received_at == at)
    if conn.execute(select(func.count()).select_from(C).where(*key)).scalar_one():
        conn.execute(update(C).where(*key).values(submission_id=submission_id))
    else:
        conn.execute(insert(C).values(school_id=school_id, class_code=class_code, received_at=at,
                                      submission_id=submission_id))


def confirm_again(conn: Connection, school_id: int, submission_id: int, at: dt.datetime) -> str | None:
    """A duplicate of the accepted roster ``submission_id`` handed in at ``at``: the class it
    confirms again, or None when it confirms nothing (not its class's newest accepted roster,
    or less than :data:`AGAIN_AFTER` since the class's newest confirmation)."""
    class_code = conn.execute(select(C.c.class_code).where(C.c.school_id == school_id,
                                                           C.c.submission_id == submission_id)).scalar()
    if class_code is None:
        return None
    newest_submission, newest_at = conn.execute(
        select(func.max(C.c.submission_id), func.max(C.c.received_at))
        .where(C.c.school_id == school_id, C.c.class_code == class_code)).one()
    if newest_submission != submission_id or at - newest_at < AGAIN_AFTER:
        return None
    confirm(conn, school_id, class_code, at, submission_id)
    return class_code


def confirmations(conn: Connection, school_id: int, until: dt.datetime) -> dict[str, dt.datetime]:
    """Class → its newest confirmation at or before ``until``."""
    rows = conn.execute(select(C.c.class_code, func.max(C.c.received_at))
                        .where(C.c.school_id == school_id, C.c.received_at <= until)
                        .group_by(C.c.class_code))
    return {code: at for code, at in rows}


def stale_rosters_in(conn: Connection, school_id: int, days: int, now: dt.datetime) -> list[StaleRoster]:
    """The classes whose roster is out of date at ``now`` (see the module), in class order."""
    school = q.school_row(conn, school_id) or {}
    start, end = school.get("year_start"), school.get("year_end")
    if start and end and not start <= now.date() <= end:
        return []
    if school.get("year_label") and conn.execute(select(s.year_locks.c.closed).where(
            s.year_locks.c.school_id == school_id, s.year_locks.c.year_label == school["year_label"])).scalar():
        return []
    confirmed = confirmations(conn, school_id, now)
    found = []
    for cls in q.table_rows(conn, s.classes, school_id, "code"):
        at = confirmed.get(cls["code"])
        age = (now.date() - at.date()).days if at else None
        if age is None or age > days:
            found.append(StaleRoster(cls["code"], cls["class_teacher"], at, age))
    return sorted(found, key=lambda r: class_sort_key(r.class_code))


def stale_rosters(ctx: RunContext, now: dt.datetime | None = None) -> list[StaleRoster]:
    """The classes whose roster is out of date at ``now`` (default ``ctx.now``; UTC, naive) by
    ``[roster] confirm_every_days``: for ``status``, the deputy's control and the class
    teachers' reminders. Reads only."""
    if ctx.school_id is None:
        return []
    with ctx.engine.connect() as conn:
        return stale_rosters_in(conn, ctx.school_id, ctx.settings.roster.confirm_every_days, now or ctx.now)
