"""One current message per recipient and week: what a newer publish replaced is set aside.

A message still waiting (``queued``, ``refused``, ``failed``: :data:`ledger.PENDING`) that a
newer one replaces is *superseded*: its ledger row says so, so ``send`` never takes it, and its
file moves from ``outbox/<week>/mail/`` to ``mail/superseded/``, kept for the record. A message a
server already accepted is never touched (the ledger's update is limited to waiting rows), so a
``send`` running meanwhile cannot have a delivered message marked superseded.

Both functions write ledger rows: call them inside the caller's (short) transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from sqlalchemy import Connection

from zhurnal.publish import ledger
from zhurnal.publish.mail import eml_name

SUPERSEDED = "superseded"      # the folder under ``mail/`` that keeps replaced messages


def set_aside(conn: Connection, outbox: Path, week: str, msg_id: str) -> None:
    """Mark the waiting message ``msg_id`` of ``week`` (or period) superseded and move its file
    to ``outbox/<week>/mail/superseded/`` (a file already gone is no error: a rerun after a
    crash between the two steps finds it moved)."""
    ledger.supersede(conn, msg_id)
    source = outbox / week / "mail" / eml_name(msg_id)
    if source.exists():
        (source.parent / SUPERSEDED).mkdir(exist_ok=True)
        source.replace(source.parent / SUPERSEDED / source.name)


def supersede_all_but(conn: Connection, outbox: Path, school_id: int, kind: str, week: str,
                      current: Collection[str], keep_parents: Collection[int] = frozenset(),
                      by: str = "parent_id") -> int:
    """Set aside every waiting ``kind`` message of ``week`` whose id is not in ``current``,
    except those of the parents in ``keep_parents`` (a family that got no new message this time,
    say because a child's diary failed to render, keeps what was waiting for it); how many.
    ``by="student_id"``: ``keep_parents`` are pupils (their own copies, kind ``pupil``)."""
    stale = [row["message_id"] for row in ledger.pending(conn, school_id, kind, week)
             if row["message_id"] not in current and row[by] not in keep_parents]
    for msg_id in stale:
        set_aside(conn, outbox, week, msg_id)
    return len(stale)
