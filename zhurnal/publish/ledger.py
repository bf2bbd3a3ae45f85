"""The mail ledger: one row per Message-ID, so no message is sent twice and none is lost.

A row's ``status`` is ``queued`` (written to the outbox), ``sent`` (the server accepted it),
``refused`` or ``failed`` (tried, to be tried again), or ``superseded`` (a newer message for
the same recipient and week replaced it before it went out; never sent).
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Connection, insert, select, update

from zhurnal.publish.mail import eml_name
from zhurnal.store.schema import mail_ledger

PENDING = ("queued", "refused", "failed")     # what ``send`` still delivers


def _now() -> dt.datetime:
    # microseconds kept: "the last message delivered" is the newest row, and two sends of one
    # week can fall within the same second
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def queue(conn: Connection, school_id: int, message_id: str, *, kind: str, recipient: str,
          week: str | None = None, parent_id: int | None = None, digest: str | None = None,
          content: list[dict] | None = None) -> None:
    """Note a message written to the outbox (kept as it is if it is already known, but waiting
    again if it had been superseded: the data went back to what it held); ``content`` is the data
    its documents were rendered from (kept to name changes in a later correction)."""
    known = status_of(conn, message_id)
    if known == "superseded":
        conn.execute(update(mail_ledger).where(mail_ledger.c.message_id == message_id).values(
            status="queued", updated_at=_now()))
    if known:
        return
    conn.execute(insert(mail_ledger).values(
        school_id=school_id, message_id=message_id, kind=kind, recipient=recipient, week=week,
        parent_id=parent_id, digest=digest, status="queued", attempts=0, updated_at=_now(),
        content=None if content is None else json.dumps(content, ensure_ascii=False, sort_keys=True)))


def status_of(conn: Connection, message_id: str) -> str | None:
    return conn.execute(select(mail_ledger.c.status).where(mail_ledger.c.message_id == message_id)).scalar()


def row_of(conn: Connection, message_id: str) -> dict | None:
    found = conn.execute(select(mail_ledger).where(mail_ledger.c.message_id == message_id)).mappings().first()
    return dict(found) if found else None


def mark(conn: Connection, message_id: str, status: str, response: str = "") -> None:
    """Record the outcome of one delivery attempt."""
    conn.execute(update(mail_ledger).where(mail_ledger.c.message_id == message_id).values(
        status=status, response=response[:500], updated_at=_now(), attempts=mail_ledger.c.attempts + 1))


def supersede(conn: Connection, message_id: str) -> None:
    """A message still waiting is replaced by a newer one: it is never sent."""
    conn.execute(update(mail_ledger).where(mail_ledger.c.message_id == message_id,
                                           mail_ledger.c.status.in_(PENDING)).values(
        status="superseded", updated_at=_now()))


def by_file_name(conn: Connection, school_id: int) -> dict[str, dict]:
    """The school's messages by the name of their file in the outbox: ``{message_id, status}``."""
    return {eml_name(r["message_id"]): dict(r) for r in conn.execute(select(
        mail_ledger.c.message_id, mail_ledger.c.status).where(mail_ledger.c.school_id == school_id)).mappings()}


def pending(conn: Connection, school_id: int, kind: str, week: str) -> list[dict]:
    """The ``kind`` messages of ``week`` (or period) not delivered yet: ``{message_id, parent_id,
    recipient}`` rows."""
    return [dict(r) for r in conn.execute(select(
        mail_ledger.c.message_id, mail_ledger.c.parent_id, mail_ledger.c.recipient).where(
        mail_ledger.c.school_id == school_id, mail_ledger.c.kind == kind, mail_ledger.c.week == week,
        mail_ledger.c.status.in_(PENDING))).mappings()]


def last_delivered(conn: Connection, school_id: int, parent_id: int, week: str,
                   kind: str = "diary") -> dict | None:
    """The last ``kind`` message a parent's server accepted for ``week`` (or period):
    ``{message_id, digest, content}`` with ``content`` decoded (None for rows older than 0006)."""
    row = conn.execute(select(mail_ledger.c.message_id, mail_ledger.c.digest, mail_ledger.c.content).where(
        mail_ledger.c.school_id == school_id, mail_ledger.c.parent_id == parent_id, mail_ledger.c.week == week,
        mail_ledger.c.kind == kind, mail_ledger.c.status == "sent").order_by(mail_ledger.c.updated_at.desc())
    ).mappings().first()
    if row is None:
        return None
    return {**row, "content": json.loads(row["content"]) if row["content"] else None}


def last_sent_digest(conn: Connection, school_id: int, parent_id: int, week: str, kind: str = "diary") -> str | None:
    """The digest of the last ``kind`` mail a parent's server accepted for ``week`` (or period)."""
    found = last_delivered(conn, school_id, parent_id, week, kind)
    return found["digest"] if found else None
