"""The mail ledger: one row per Message-ID, so no message is sent twice and none is lost."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, insert, select, update

from zhurnal.store.schema import mail_ledger


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def queue(conn: Connection, school_id: int, message_id: str, *, kind: str, recipient: str,
          week: str | None = None, parent_id: int | None = None, digest: str | None = None) -> None:
    """Note a message written to the outbox (kept as it is if it is already known)."""
    if conn.execute(select(mail_ledger.c.status).where(mail_ledger.c.message_id == message_id)).first():
        return
    conn.execute(insert(mail_ledger).values(school_id=school_id, message_id=message_id, kind=kind,
                                            recipient=recipient, week=week, parent_id=parent_id, digest=digest,
                                            status="queued", attempts=0, updated_at=_now()))


def status_of(conn: Connection, message_id: str) -> str | None:
    return conn.execute(select(mail_ledger.c.status).where(mail_ledger.c.message_id == message_id)).scalar()


def mark(conn: Connection, message_id: str, status: str, response: str = "") -> None:
    """Record the outcome of one delivery attempt."""
    conn.execute(update(mail_ledger).where(mail_ledger.c.message_id == message_id).values(
        status=status, response=response[:500], updated_at=_now(), attempts=mail_ledger.c.attempts + 1))


def last_sent_digest(conn: Connection, school_id: int, parent_id: int, week: str, kind: str = "diary") -> str | None:
    """The digest of the last ``kind`` mail a parent's server accepted for ``week`` (or period)."""
    return conn.execute(select(mail_ledger.c.digest).where(
        mail_ledger.c.school_id == school_id, mail_ledger.c.parent_id == parent_id, mail_ledger.c.week == week,
        mail_ledger.c.kind == kind, mail_ledger.c.status == "sent").order_by(mail_ledger.c.updated_at.desc())
    ).scalar()
