"""``zhurnal send``: deliver the outbox's ``.eml`` files over SMTP, each at most once.

The ledger is keyed by Message-ID and written right after the server answers a message, one
commit per message; a rerun after a crash or a network fault skips what was accepted and tries
again what never reached the server. The reply to the message's final dot is waited for as
RFC 5321 §4.5.3.2.6 asks (10 minutes: ``[smtp] data_timeout_seconds``, apart from the command
timeout): a busy server that keeps a message and answers late is not sent it twice. A connection
lost after the final dot and before any reply leaves the message ``uncertain`` — perhaps
delivered — and it is sent again only with ``resend_uncertain``. A permanent refusal (5xx) is
kept with the address refused and tried again only at another address (the roster changed it).
The only window left is between the server's "250 OK" and the ledger's commit (milliseconds);
a message lost there is sent twice rather than never, which is the side a school would rather
err on.
"""

from __future__ import annotations

import email
import os
import re
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.policy import SMTP as SMTP_POLICY
from pathlib import Path

from zhurnal.core.secrets_mask import mask_env
from zhurnal.core.settings import SmtpSettings
from zhurnal.publish import ledger
from zhurnal.school.context import RunContext


class SmtpUnavailable(Exception):
    """The SMTP server cannot be reached or refuses the login: nothing more can be sent now."""


# Why a message was held back, as the sysadmin reads it.
HELD_UNCERTAIN = ("доставка не подтверждена: связь прервалась до ответа сервера; "
                  "отправить снова: zhurnal send --resend-uncertain")
HELD_REFUSED = "сервер отклонил адрес {address}; письмо уйдёт, когда адрес исправят в списке класса"


class DotReplyLost(smtplib.SMTPException):
    """The message and its final dot went out, and the connection was lost before any reply:
    the server may have kept it."""


@dataclass
class SendReport:
    """One ``send``: ``sent``, ``refused`` (now, for good), ``failed`` and ``uncertain`` (lost
    after the final dot) in this run, message id → server answer; ``held``: messages not sent
    by rule, message id → why (:data:`HELD_UNCERTAIN`: uncertain since an earlier run, or
    :data:`HELD_REFUSED`: refused at an address that has not changed); ``unknown``: files the ledger does not know."""

    sent: list[str] = field(default_factory=list)
    skipped: int = 0
    refused: dict[str, str] = field(default_factory=dict)     # message id → server answer
    failed: dict[str, str] = field(default_factory=dict)
    uncertain: dict[str, str] = field(default_factory=dict)
    held: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)           # files the ledger does not know: not sent

    @property
    def ok(self) -> bool:
        return not self.refused and not self.failed and not self.uncertain

    def as_dict(self) -> dict:
        return {"ok": self.ok, "sent": len(self.sent), "skipped": self.skipped, "refused": self.refused,
                "failed": self.failed, "uncertain": self.uncertain, "held": self.held, "unknown": self.unknown}


def _data_waiting_for_the_dot(client: smtplib.SMTP, seconds: float):
    """``client.data`` (which ``sendmail`` calls) as smtplib's, but the reply to the final dot is
    awaited ``seconds`` (the command timeout stays for every other reply), and a connection lost
    while awaiting it raises :class:`DotReplyLost` rather than a plain disconnection."""
    def data(msg: bytes):
        client.putcmd("data")
        code, reply = client.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        quoted = re.sub(rb"(?m)^\.", b"..", msg)          # RFC 5321 §4.5.2 dot-stuffing
        if quoted[-2:] != b"\r\n":
            quoted += b"\r\n"
        client.send(quoted + b".\r\n")
        client.sock.settimeout(seconds)
        try:
            return client.getreply()
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            raise DotReplyLost(str(exc)) from exc
        finally:
            if client.sock is not None:
                client.sock.settimeout(client.timeout)
    return data


def _connect(config: SmtpSettings) -> smtplib.SMTP:
    if not config.host:
        raise SmtpUnavailable("[smtp] host is not set in zhurnal.toml")
    try:
        if config.security == "ssl":
            client = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout_seconds,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(config.host, config.port, timeout=config.timeout_seconds)
            if config.security == "starttls":
                client.starttls(context=ssl.create_default_context())
        user, password = os.environ.get(config.user_env), os.environ.get(config.password_env)
        if user:
            client.login(user, password or "")
        client.data = _data_waiting_for_the_dot(client, config.data_timeout_seconds)
        return client
    except (OSError, smtplib.SMTPException) as exc:
        # a server's answer may repeat the login: neither it nor the password is ever printed
        raise SmtpUnavailable(mask_env(f"{config.host}:{config.port}: {exc}", config.user_env,
                                       config.password_env)) from exc


def outbox_messages(outbox: Path, week: str | None = None) -> list[Path]:
    """Every ready ``.eml`` in ``outbox/<week>/mail/`` (all weeks when ``week`` is None); files
    being written (``.partial``) and superseded ones (``mail/superseded/``) are not among them."""
    pattern = f"{week}/mail/*.eml" if week else "*/mail/*.eml"
    return sorted(outbox.glob(pattern))


def _readable(raw: bytes):
    """The parsed message, or None for a file that is not a complete message of ours."""
    try:
        message = email.message_from_bytes(raw, policy=SMTP_POLICY)
        if not message["Message-ID"] or not message["To"] or not message["From"] or not message.is_multipart():
            return None
        return message
    except (ValueError, TypeError, IndexError):
        return None


def send_outbox(ctx: RunContext, *, week: str | None = None,
                progress: Callable[[int, int], None] | None = None,
                sleep: Callable[[float], None] = time.sleep, resend_uncertain: bool = False) -> SendReport:
    """Send what the ledger holds as waiting (queued, failed; refused when its address has
    changed since; uncertain with ``resend_uncertain``); raise SmtpUnavailable if no server. A
    file the ledger does not know (dropped in by hand, or left by a crash before its row was
    committed), a file that is not a complete message, and a superseded or delivered message
    are not sent; the first two are listed in ``report.unknown``, the messages held back by
    rule in ``report.held``."""
    settings, engine, school_id = ctx.settings, ctx.engine, ctx.school_id
    report = SendReport()
    config = settings.smtp
    pending = []
    with engine.begin() as conn:
        known = ledger.by_file_name(conn, school_id)
        for path in outbox_messages(settings.outbox, week):
            row = known.get(path.name)
            if row is not None and row["status"] == "uncertain" and not resend_uncertain:
                report.held[row["message_id"]] = HELD_UNCERTAIN     # perhaps delivered: the sysadmin decides
                continue
            if row is not None and row["status"] not in (*ledger.SENDABLE, "refused", "uncertain"):
                report.skipped += 1      # delivered or superseded: not even opened
                continue
            raw = path.read_bytes()
            message = _readable(raw)
            # (a Message-ID longer than a header line is folded onto the next one: the value
            # read back then starts with the fold's space; an id holds no space of its own)
            if row is None or message is None or str(message["Message-ID"]).strip() != row["message_id"]:
                report.unknown.append(str(path))
                continue
            recipients = [a.addr_spec for a in message["To"].addresses]
            if row["status"] == "refused" and row["refused_to"] == ledger.addresses(recipients):
                report.held[row["message_id"]] = HELD_REFUSED.format(address=row["refused_to"])   # the same address
                continue
            sender = message["From"].addresses[0].addr_spec
            pending.append((row["message_id"], (sender, recipients, raw)))
    if not pending:
        return report
    client = _connect(config)
    pause = 60.0 / config.rate_per_minute
    try:
        for done, (msg_id, message) in enumerate(pending, start=1):
            outcome, answer = _deliver(client, message, config, sleep)
            if outcome == "disconnected":   # the server dropped us: one fresh connection, one more try
                client = _connect(config)
                outcome, answer = _deliver(client, message, config, sleep)
                outcome = "failed" if outcome == "disconnected" else outcome
            refused_to = ledger.addresses(message[1]) if outcome == "refused" else None
            with engine.begin() as conn:
                ledger.mark(conn, msg_id, outcome, answer, refused_to)
            if outcome == "sent":
                report.sent.append(msg_id)
            elif outcome == "refused":
                report.refused[msg_id] = answer
            elif outcome == "uncertain":
                report.uncertain[msg_id] = answer
            else:
                report.failed[msg_id] = answer
            if progress:
                progress(done, len(pending))
            if done < len(pending):
                sleep(pause)
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            pass
    return report


def _deliver(client: smtplib.SMTP, message: tuple[str, list[str], bytes], config: SmtpSettings,
             sleep) -> tuple[str, str]:
    """One message, its bytes exactly as in the outbox: ``sent``, ``refused`` (a permanent
    5xx), ``failed``, ``uncertain`` (lost after the final dot: never tried again here) or
    ``disconnected`` (lost before it)."""
    sender, recipients, raw = message
    for attempt in range(config.retries + 1):
        try:
            refused = client.sendmail(sender, recipients, raw)
            if refused:
                return "refused", "; ".join(f"{r}: {code} {text!r}" for r, (code, text) in refused.items())
            return "sent", "250"
        except DotReplyLost as exc:
            return "uncertain", str(exc)
        except smtplib.SMTPRecipientsRefused as exc:
            answer = "; ".join(f"{r}: {code} {text!r}" for r, (code, text) in exc.recipients.items())
            if all(400 <= code < 500 for code, _ in exc.recipients.values()) and attempt < config.retries:
                sleep(min(2 ** attempt, 30))
                continue
            return "refused", answer
        except smtplib.SMTPResponseException as exc:
            if 400 <= exc.smtp_code < 500 and attempt < config.retries:
                sleep(min(2 ** attempt, 30))
                continue
            return "refused", f"{exc.smtp_code} {exc.smtp_error!r}"
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            return "disconnected", str(exc)
    return "failed", "retries exhausted"
