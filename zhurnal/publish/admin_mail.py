"""Mail to the sysadmin (``[mail] admin_address``): what a scheduled run could not do, once each.

A problem is a :class:`Trouble` with a ``key`` that names it for as long as it stands (a
rejected file's hash, a held message's id, a failed backup's day, a server's day): its
Message-ID is made from the key, and the mail ledger (:mod:`zhurnal.publish.ledger`) keeps it,
so the same problem met by the next run, 15 minutes later, is not mailed again. The message is
written to ``outbox/admin/mail/`` and delivered by ``send`` like every other.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from zhurnal.publish import ledger
from zhurnal.publish.mail import build_message, message_id, write_eml
from zhurnal.school.context import RunContext
from zhurnal.text import mail as words
from zhurnal.text.mail import fill

FOLDER = "admin"          # outbox/admin/mail/


@dataclass(frozen=True)
class Trouble:
    """``key``: stable while the problem stands (ASCII, see above); ``what``: a few words for
    the subject; ``detail``: the sentence of the body. Both in Russian."""

    key: str
    what: str
    detail: str


def alert_admin(ctx: RunContext, troubles: list[Trouble], when: str) -> list[str]:
    """One message per trouble not mailed before to ``[mail] admin_address`` (none without one);
    the Message-IDs queued now. ``when``: the run's moment as the school reads it."""
    address = ctx.settings.mail.admin_address
    if not address or not troubles or ctx.school_id is None:
        return []
    school_id = ctx.school_id
    settings, queued = ctx.settings, []
    with ctx.engine.begin() as conn:
        for trouble in troubles:
            msg_id = message_id("admin", trouble.key, hashlib.sha256(trouble.key.encode()).hexdigest(),
                                settings.school.code)
            if msg_id in queued or ledger.status_of(conn, msg_id) is not None:
                continue
            message = build_message(settings.mail, to_name=words.ADMIN, to_address=address,
                                    subject=fill(words.ADMIN_SUBJECT, what=trouble.what),
                                    body=fill(words.ADMIN_BODY, when=when, detail=trouble.detail),
                                    attachments=[], msg_id=msg_id, zone=settings.school.zone)
            write_eml(message, settings.outbox / FOLDER / "mail")
            ledger.queue(conn, school_id, msg_id, kind="admin", recipient=address)
            queued.append(msg_id)
    return queued
