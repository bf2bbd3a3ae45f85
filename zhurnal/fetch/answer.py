"""Answers to teachers who mailed their workbooks: after ingest, a receipt for an accepted one
(«Принято: 37 изменений, 2 предупреждения»), the feedback workbook for a rejected one. Each
answer is an ``.eml`` in ``outbox/answers/mail/`` with a line in the mail ledger, so
``zhurnal send`` delivers it once like any other mail."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from sqlalchemy import select, update

from zhurnal.publish import ledger
from zhurnal.publish.mail import XLSX, build_message, message_id, write_eml
from zhurnal.school.context import RunContext
from zhurnal.store import schema as s

ANSWERS = "answers"


def _count(n: int, one: str, few: str, many: str) -> str:
    tail = n % 100
    word = many if 11 <= tail <= 14 else one if n % 10 == 1 else few if 2 <= n % 10 <= 4 else many
    return f"{n} {word}"


def receipt_text(result) -> str:
    """«Принято: 37 изменений, 2 предупреждения.» or «Не принято: 3 ошибки.» for one file."""
    warnings = sum(1 for f in result.findings if f.severity == "warning")
    errors = sum(1 for f in result.findings if f.severity == "error")
    if result.status in ("accepted", "duplicate"):
        head = "Принято" if result.status == "accepted" else "Уже было принято раньше"
        return (f"{head}: {_count(result.changes, 'изменение', 'изменения', 'изменений')}, "
                f"{_count(warnings, 'предупреждение', 'предупреждения', 'предупреждений')}.")
    return f"Не принято: {_count(errors, 'ошибка', 'ошибки', 'ошибок')}. Исправления — в приложенной книге."


def answer_senders(ctx: RunContext, results) -> int:
    """Queue an answer for every mailed workbook that ingest has just dealt with; the number queued.

    ``results``: the ingest report's files (``name``, ``status``, ``author``, ``changes``,
    ``findings``, ``feedback``); a file still deferred is answered after a later run."""
    by_name = {r.name: r for r in results if r.status not in ("deferred",)}
    settings = ctx.settings
    queued = 0
    with ctx.engine.begin() as conn:
        rows = conn.execute(select(s.fetched_mail).where(
            s.fetched_mail.c.school_id == ctx.school_id, s.fetched_mail.c.status == "taken",
            s.fetched_mail.c.answered.is_(False))).mappings().all()
        for row in rows:
            files = [Path(f).name for f in json.loads(row["files"])]
            done = [by_name[f] for f in files if f in by_name]
            if len(done) < len(files):
                continue
            lines = [f"«{r.name}»: {receipt_text(r)}" for r in done]
            attachments = [(Path(r.feedback).name, (settings.workspace / r.feedback).read_bytes(), XLSX)
                           for r in done if r.feedback and (settings.workspace / r.feedback).is_file()]
            # the sender's Message-ID only through its hash: its own «@» would make ours unparseable
            fingerprint = hashlib.sha256(row["message_id"].encode()).hexdigest()
            msg_id = message_id("receipt", f"m{row['id']}", fingerprint, settings.school.code)
            body = (f"Здравствуйте, {row['author']}!\n\nВаше письмо получено и обработано.\n\n" + "\n".join(lines)
                    + "\n\nЭто письмо отправлено автоматически.\n")
            message = build_message(settings.mail, to_name=row["author"], to_address=row["sender"],
                                    subject=("Принято: " if not attachments else "Не принято: ") + ", ".join(files),
                                    body=body, attachments=attachments, msg_id=msg_id)
            write_eml(message, settings.outbox / ANSWERS / "mail")
            ledger.queue(conn, ctx.school_id, msg_id, kind="receipt", recipient=row["sender"])
            conn.execute(update(s.fetched_mail).where(s.fetched_mail.c.id == row["id"]).values(answered=True))
            queued += 1
    return queued
