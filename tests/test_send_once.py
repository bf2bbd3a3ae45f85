"""Mail once, against a real SMTP server on loopback (aiosmtpd): a late reply to the final dot
is waited for, a connection lost after the dot is ``uncertain`` and not sent again unless the
sysadmin says so, and a permanent refusal is not tried again until the address changes."""

from __future__ import annotations

import asyncio
import json

import pytest
from click.testing import CliRunner
from conftest import WEEK, mailed_children
from sqlalchemy import text, update
from test_send import Mailbox, _check_one_each, smtp  # noqa: F401 — smtp is a fixture

from zhurnal.cli import main
from zhurnal.core.settings import SmtpSettings
from zhurnal.publish import ledger
from zhurnal.publish.run import publish_week
from zhurnal.publish.send import HELD_REFUSED, HELD_UNCERTAIN, send_outbox
from zhurnal.store.schema import parents


class Late(Mailbox):
    """Keeps every message; answers the dot of the first ``late`` messages ``delay`` s late."""

    def __init__(self, delay: float, late: int) -> None:
        super().__init__()
        self.dot_delay, self.late = delay, late   # (Mailbox.delay would slow RCPT)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), envelope.content))
            count = len(self.messages)
        if count <= self.late:
            await asyncio.sleep(self.dot_delay)
        return "250 Message accepted"


class Dropper(Mailbox):
    """Keeps every message; for ``drop`` recipients it drops the connection after the dot
    instead of replying (once each)."""

    def __init__(self, drop: set[str]) -> None:
        super().__init__()
        self.drop = set(drop)

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), envelope.content))
        dropped = self.drop & set(envelope.rcpt_tos)
        if dropped:
            self.drop -= dropped
            server.transport.abort()
        return "250 Message accepted"


def _use(ws, port: int, **smtp) -> None:
    ws.settings = ws.settings.model_copy(update={"smtp": SmtpSettings(
        host="127.0.0.1", port=port, security="none", rate_per_minute=60000, retries=1, **smtp)})


def _toml(ws, port: int) -> None:
    toml = ws.path / "zhurnal.toml"
    text_ = toml.read_text(encoding="utf-8")
    toml.write_text(text_.replace('host = ""', 'host = "127.0.0.1"', 1).replace("port = 587", f"port = {port}")
                    .replace('security = "starttls"', 'security = "none"')
                    .replace("rate_per_minute = 60", "rate_per_minute = 60000"), encoding="utf-8")


def _statuses(ws) -> dict[str, str]:
    with ws.engine.connect() as conn:
        return dict(conn.execute(text("SELECT message_id, status FROM mail_ledger WHERE kind = 'diary'")).all())


def _to(ws, msg_id: str) -> str:
    with ws.engine.connect() as conn:
        return conn.execute(text("SELECT recipient FROM mail_ledger WHERE message_id = :m"), {"m": msg_id}).scalar()


@pytest.mark.slow
def test_a_reply_later_than_the_command_timeout_is_waited_for(week_ws, smtp):
    """GIVEN a server that answers the dot 5 s late, and a 2 s command timeout, WHEN send runs
    THEN each parent has one copy and the ledger says sent (the reply to the dot has its own,
    RFC 5321 wait)."""
    mailbox = Late(delay=5, late=2)
    _use(week_ws, smtp(mailbox), timeout_seconds=2)
    publish_week(week_ws.ctx(), WEEK)
    report = send_outbox(week_ws.ctx(), sleep=lambda _: None)
    assert report.ok and report.uncertain == {} and report.failed == {}
    _check_one_each(mailbox, mailed_children(week_ws))
    assert set(_statuses(week_ws).values()) == {"sent"}


def test_a_reply_later_than_the_dot_timeout_is_uncertain(published_ws, smtp):
    mailbox = Late(delay=3, late=1)
    _use(published_ws, smtp(mailbox), timeout_seconds=1, data_timeout_seconds=1)
    report = send_outbox(published_ws.ctx(), sleep=lambda _: None)
    assert len(report.uncertain) == 1 and not report.ok
    _check_one_each(mailbox, mailed_children(published_ws))      # one copy: not sent again at once


def test_a_connection_lost_after_the_dot_is_uncertain_and_resent_only_when_asked(published_ws, smtp):
    """GIVEN a server that keeps one parent's message and drops the connection before its reply
    WHEN send runs THEN that parent has one copy and the ledger says uncertain; WHEN send runs
    again THEN it is held back (reported, not sent, exit 0); WHEN send --resend-uncertain runs
    THEN it is sent again and the ledger says sent."""
    expected = mailed_children(published_ws)
    address = sorted(expected)[0]
    mailbox = Dropper({address})
    port = smtp(mailbox)
    _use(published_ws, port)
    _toml(published_ws, port)
    report = send_outbox(published_ws.ctx(), sleep=lambda _: None)
    [(msg_id, answer)] = report.uncertain.items()
    assert not report.ok and report.failed == {} and _to(published_ws, msg_id) == address
    _check_one_each(mailbox, expected)
    statuses = _statuses(published_ws)
    assert statuses.pop(msg_id) == "uncertain" and set(statuses.values()) == {"sent"}

    again = send_outbox(published_ws.ctx(), sleep=lambda _: None)
    assert again.ok and again.sent == [] and again.held == {msg_id: HELD_UNCERTAIN}
    _check_one_each(mailbox, expected)
    cli = CliRunner().invoke(main, ["--workspace", str(published_ws.path), "send", "--json"])
    assert cli.exit_code == 0 and json.loads(cli.output)["held"] == {msg_id: HELD_UNCERTAIN}
    # one diary message per parent; the class teachers' summaries (issue 30) go besides
    assert len([m for _, m in mailbox.messages if b"Message-ID: <diary." in m]) == len(expected)

    published_ws.engine.dispose()
    cli = CliRunner().invoke(main, ["--workspace", str(published_ws.path), "send", "--json", "--resend-uncertain"])
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.output)["sent"] == 1
    assert len(mailbox.by_recipient()[address]) == 2            # the sysadmin chose to send it again
    assert _statuses(published_ws)[msg_id] == "sent"


def test_a_refused_address_is_not_tried_again_until_the_roster_changes_it(published_ws, smtp):
    """GIVEN a server that answers 550 for one parent WHEN send runs THEN the message is refused
    and the address kept; WHEN send runs again THEN it is not tried (held, exit ok) and
    refused_addresses names it; WHEN the parent's address changes and the week is published
    again THEN send delivers it to the new address."""
    expected = mailed_children(published_ws)
    address = sorted(expected)[0]
    mailbox = Mailbox(refuse={address})
    _use(published_ws, smtp(mailbox))
    report = send_outbox(published_ws.ctx(), sleep=lambda _: None)
    [(msg_id, answer)] = report.refused.items()
    assert "550" in answer and not report.ok
    rcpts = mailbox.rcpts

    again = send_outbox(published_ws.ctx(), sleep=lambda _: None)
    assert again.ok and again.sent == [] and again.refused == {}
    assert again.held == {msg_id: HELD_REFUSED.format(address=address)}
    assert mailbox.rcpts == rcpts                                # the server was not asked again
    with published_ws.engine.connect() as conn:
        [row] = ledger.refused_addresses(conn, 1)
        parent = conn.execute(text("SELECT parent_id FROM mail_ledger WHERE message_id = :m"), {"m": msg_id}).scalar()
    assert (row["message_id"], row["address"], row["kind"], row["week"], row["parent_id"]) == (
        msg_id, address, "diary", WEEK.label, parent)
    assert "550" in row["response"]

    with published_ws.engine.begin() as conn:      # the class teacher mends the address in the roster
        conn.execute(update(parents).where(parents.c.id == parent).values(email="new.address@example.ru"))
    publish_week(published_ws.ctx(), WEEK)
    third = send_outbox(published_ws.ctx(), sleep=lambda _: None)
    assert third.ok and third.sent == [msg_id]
    assert [m["Message-ID"] for m in mailbox.by_recipient()["new.address@example.ru"]] == [msg_id]
    assert _statuses(published_ws)[msg_id] == "sent"
    with published_ws.engine.connect() as conn:
        assert ledger.refused_addresses(conn, 1) == []
