"""The mail ledger: one row per Message-ID, so no message is sent twice and none is lost.

A row's ``status`` is ``queued`` (written to the outbox), ``sent`` (the server's 250 to the
final dot was read), ``failed`` (tried, to be tried again), ``refused`` (a permanent 5xx: tried
again only once the message goes to another address than ``refused_to``, the one refused),
``uncertain`` (the final dot went out and the connection was lost before any reply: the server
may have kept it, so it is sent again only when the sysadmin says so), or ``superseded`` (a
newer message for the same recipient and week replaced it before it went out; never sent).
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import Connection, bindparam, insert, select, update

from zhurnal.publish.mail import eml_name
from zhurnal.store.schema import mail_ledger

PENDING = ("queued", "refused", "failed")     # not delivered: a newer message supersedes it
SENDABLE = ("queued", "failed")               # what ``send`` delivers without asking
CHUNK = 500                                   # message ids per IN (…) query


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
    queue_many(conn, school_id, [{"message_id": message_id, "kind": kind, "recipient": recipient, "week": week,
                                  "parent_id": parent_id, "digest": digest, "content": content}])


def queue_many(conn: Connection, school_id: int, messages: list[dict]) -> None:
    """:func:`queue` for many messages in a few statements: each a dict of queue's arguments
    (``message_id``, ``kind``, ``recipient``; ``week``, ``parent_id``, ``student_id`` (a pupil's
    own copy), ``digest``, ``content`` may be left out). A message id given twice is queued once, as first given."""
    known = statuses(conn, [m["message_id"] for m in messages])
    now = _now()
    again = [{"again": m["message_id"]} for m in messages if known.get(m["message_id"]) == "superseded"]
    if again:
        conn.execute(update(mail_ledger).where(mail_ledger.c.message_id == bindparam("again")).values(
            status="queued", updated_at=now), again)
    new: dict[str, dict] = {}
    for m in messages:
        if m["message_id"] not in known and m["message_id"] not in new:
            content = m.get("content")
            new[m["message_id"]] = dict(
                school_id=school_id, message_id=m["message_id"], kind=m["kind"], recipient=m["recipient"],
                week=m.get("week"), parent_id=m.get("parent_id"), student_id=m.get("student_id"),
                digest=m.get("digest"), status="queued",
                attempts=0, updated_at=now,
                content=None if content is None else json.dumps(content, ensure_ascii=False, sort_keys=True))
    if new:
        conn.execute(insert(mail_ledger), list(new.values()))


def status_of(conn: Connection, message_id: str) -> str | None:
    return statuses(conn, [message_id]).get(message_id)


def statuses(conn: Connection, message_ids: list[str]) -> dict[str, str]:
    """The status of each of ``message_ids`` the ledger knows: message id → status (unknown
    ones are left out). Asked in chunks: a week's thousand parents in one ``IN`` would pass
    SQLite's limit on bound parameters on old versions."""
    found: dict[str, str] = {}
    ids = list(dict.fromkeys(message_ids))
    for start in range(0, len(ids), CHUNK):
        found.update(conn.execute(select(mail_ledger.c.message_id, mail_ledger.c.status).where(
            mail_ledger.c.message_id.in_(ids[start:start + CHUNK]))).all())
    return found


def row_of(conn: Connection, message_id: str) -> dict | None:
    found = conn.execute(select(mail_ledger).where(mail_ledger.c.message_id == message_id)).mappings().first()
    return dict(found) if found else None


def mark(conn: Connection, message_id: str, status: str, response: str = "", refused_to: str | None = None) -> None:
    """Record the outcome of one delivery attempt; ``refused_to``: the addresses a ``refused``
    message went to (see :func:`addresses`), kept so that only a changed address is tried again."""
    conn.execute(update(mail_ledger).where(mail_ledger.c.message_id == message_id).values(
        status=status, response=response[:500], updated_at=_now(), attempts=mail_ledger.c.attempts + 1,
        refused_to=refused_to))


def addresses(recipients: list[str]) -> str:
    """The recipients as one comparable text: lower case, sorted, comma-separated."""
    return ", ".join(sorted({r.strip().lower() for r in recipients}))


def refused_addresses(conn: Connection, school_id: int) -> list[dict]:
    """The school's messages a server refused for good, for the summaries to name the roster row
    to fix: ``{message_id, kind, week, parent_id, address, response}`` rows, oldest first;
    ``address`` is the refused one (the row's recipient for refusals recorded before 0011)."""
    rows = conn.execute(select(
        mail_ledger.c.message_id, mail_ledger.c.kind, mail_ledger.c.week, mail_ledger.c.parent_id,
        mail_ledger.c.refused_to, mail_ledger.c.recipient, mail_ledger.c.response).where(
        mail_ledger.c.school_id == school_id, mail_ledger.c.status == "refused").order_by(
        mail_ledger.c.updated_at, mail_ledger.c.message_id)).mappings()
    return [{"message_id": r["message_id"], "kind": r["kind"], "week": r["week"], "parent_id": r["parent_id"],
             "address": r["refused_to"] or r["recipient"], "response": r["response"]} for r in rows]


def supersede(conn: Connection, message_id: str) -> None:
    """A message still waiting is replaced by a newer one: it is never sent."""
    conn.execute(update(mail_ledger).where(mail_ledger.c.message_id == message_id,
                                           mail_ledger.c.status.in_(PENDING)).values(
        status="superseded", updated_at=_now()))


def by_file_name(conn: Connection, school_id: int) -> dict[str, dict]:
    """The school's messages by the name of their file in the outbox: ``{message_id, status,
    refused_to}``."""
    return {eml_name(r["message_id"]): dict(r) for r in conn.execute(select(
        mail_ledger.c.message_id, mail_ledger.c.status, mail_ledger.c.refused_to).where(
        mail_ledger.c.school_id == school_id)).mappings()}


def pending(conn: Connection, school_id: int, kind: str, week: str) -> list[dict]:
    """The ``kind`` messages of ``week`` (or period) not delivered yet: ``{message_id, parent_id,
    student_id, recipient}`` rows."""
    return [dict(r) for r in conn.execute(select(
        mail_ledger.c.message_id, mail_ledger.c.parent_id, mail_ledger.c.student_id, mail_ledger.c.recipient).where(
        mail_ledger.c.school_id == school_id, mail_ledger.c.kind == kind, mail_ledger.c.week == week,
        mail_ledger.c.status.in_(PENDING))).mappings()]


def sent_ids(conn: Connection, school_id: int, kind: str, week: str) -> set[str]:
    """The Message-IDs of the ``kind`` messages of ``week`` (or period) a server accepted."""
    return set(conn.execute(select(mail_ledger.c.message_id).where(
        mail_ledger.c.school_id == school_id, mail_ledger.c.kind == kind, mail_ledger.c.week == week,
        mail_ledger.c.status == "sent")).scalars())


def last_delivered(conn: Connection, school_id: int, parent_id: int, week: str,
                   kind: str = "diary") -> dict | None:
    """The last ``kind`` message a parent's server accepted for ``week`` (or period):
    ``{message_id, digest, content}`` with ``content`` decoded (None for rows older than 0006)."""
    return delivered_by_parent(conn, school_id, week, kind, parent_id=parent_id).get(parent_id)


def delivered_by_parent(conn: Connection, school_id: int, week: str, kind: str = "diary", *,
                        parent_id: int | None = None, by: str = "parent_id") -> dict[int, dict]:
    """:func:`last_delivered` for every parent of the school at once (or only ``parent_id``):
    parent id → ``{message_id, digest, content}``; ``by="student_id"``: the same per pupil, of
    the pupils' own copies (kind ``pupil``)."""
    column = mail_ledger.c[by]
    query = select(column.label("recipient_id"), mail_ledger.c.message_id, mail_ledger.c.digest,
                   mail_ledger.c.content).where(
        mail_ledger.c.school_id == school_id, mail_ledger.c.week == week, mail_ledger.c.kind == kind,
        mail_ledger.c.status == "sent", column.is_not(None))
    if parent_id is not None:
        query = query.where(column == parent_id)
    newest: dict[int, dict] = {}
    for row in conn.execute(query.order_by(mail_ledger.c.updated_at)).mappings():   # the newest last
        newest[row["recipient_id"]] = row
    return {parent: {"message_id": row["message_id"], "digest": row["digest"],
                     "content": json.loads(row["content"]) if row["content"] else None}
            for parent, row in newest.items()}


def last_sent_digest(conn: Connection, school_id: int, parent_id: int, week: str, kind: str = "diary") -> str | None:
    """The digest of the last ``kind`` mail a parent's server accepted for ``week`` (or period)."""
    found = last_delivered(conn, school_id, parent_id, week, kind)
    return found["digest"] if found else None
