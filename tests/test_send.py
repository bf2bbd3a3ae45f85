"""Delivery over real SMTP (aiosmtpd on loopback): each parent gets exactly one message with
their children's diaries, through refusals, a killed sender and a rerun."""

from __future__ import annotations

import email
import socket
import subprocess
import sys
import threading
import time
from email.policy import default

import pytest
from aiosmtpd.controller import Controller
from conftest import WEEK, mailed_children
from sqlalchemy import text

from zhurnal.core.settings import SmtpSettings
from zhurnal.publish.run import publish_week
from zhurnal.publish.send import SmtpUnavailable, send_outbox


class Mailbox:
    """An SMTP server's handler that keeps what it accepts and refuses chosen recipients."""

    def __init__(self, refuse: set[str] | None = None, delay: float = 0.0) -> None:
        self.messages: list[tuple[list[str], bytes]] = []
        self.refuse = refuse or set()
        self.delay = delay
        self.lock = threading.Lock()
        self.rcpts = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpts += 1
        if self.delay:   # a slow server: the sender spends its time before DATA
            time.sleep(self.delay)
        if address in self.refuse:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"

    def by_recipient(self) -> dict[str, list]:
        found: dict[str, list] = {}
        for rcpts, content in self.messages:
            for rcpt in rcpts:
                found.setdefault(rcpt, []).append(email.message_from_bytes(content, policy=default))
        return found


@pytest.fixture
def smtp():
    servers = []

    def start(handler: Mailbox) -> int:
        with socket.socket() as probe:   # a free loopback port (aiosmtpd needs a real number)
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(handler, hostname="127.0.0.1", port=port)
        controller.start()
        servers.append(controller)
        return port

    yield start
    for controller in servers:
        controller.stop()


def _use(ws, port: int) -> None:
    ws.settings = ws.settings.model_copy(update={"smtp": SmtpSettings(
        host="127.0.0.1", port=port, security="none", rate_per_minute=60000, retries=1)})


def _check_one_each(mailbox: Mailbox, expected: dict[str, set[str]]) -> None:
    received = mailbox.by_recipient()
    diaries = {r: [m for m in ms if m["Message-ID"].startswith("<diary.")] for r, ms in received.items()}
    diaries = {r: ms for r, ms in diaries.items() if ms}
    assert set(diaries) == set(expected)
    for address, messages in diaries.items():
        assert len(messages) == 1, address
        names = {part.get_filename() for part in messages[0].iter_attachments()}
        assert len(names) == len(expected[address])
        for child in expected[address]:
            assert any(child.replace(" ", "_") in n for n in names)


def test_every_parent_gets_exactly_one_message(published_ws, smtp):
    mailbox = Mailbox()
    _use(published_ws, smtp(mailbox))
    report = send_outbox(published_ws.ctx(), sleep=lambda _: None)
    assert report.ok and report.sent
    _check_one_each(mailbox, mailed_children(published_ws))
    again = send_outbox(published_ws.ctx(), sleep=lambda _: None)
    assert again.sent == [] and again.skipped == len(report.sent)
    _check_one_each(mailbox, mailed_children(published_ws))


SENDER = """
import sys
from zhurnal.cli import main
main(["--workspace", sys.argv[1], "send", "--json"])
"""


def test_refusals_a_killed_sender_and_a_rerun(week_ws, smtp, tmp_path):
    """GIVEN a server that refuses some parents and a sender killed mid-run WHEN send runs again
    against a healthy server THEN every parent has exactly one diary message."""
    expected = mailed_children(week_ws)
    refused = set(sorted(expected)[:3])
    slow = Mailbox(refuse=refused, delay=0.05)
    port = smtp(slow)
    toml = week_ws.path / "zhurnal.toml"
    written = toml.read_text(encoding="utf-8")
    written = written.replace('host = ""', 'host = "127.0.0.1"', 1).replace("port = 587", f"port = {port}") \
        .replace('security = "starttls"', 'security = "none"').replace("rate_per_minute = 60", "rate_per_minute = 60000")
    toml.write_text(written, encoding="utf-8")
    publish_week(week_ws.ctx(), WEEK)
    week_ws.engine.dispose()

    sender = subprocess.Popen([sys.executable, "-c", SENDER, str(week_ws.path)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    # kill while the server is busy with the recipient of a message: by then the sender has
    # committed everything before it (the gap between "250 OK" and the ledger is the one window
    # no SMTP client can close; zhurnal keeps it to one local commit)
    deadline = time.time() + 60
    while slow.rcpts < len(expected) // 3 and time.time() < deadline and sender.poll() is None:
        time.sleep(0.005)
    sender.kill()
    sender.wait()
    assert sender.returncode == -9
    partly = len(slow.messages)
    assert 0 < partly < len(expected)
    with week_ws.engine.connect() as conn:
        refused_before = set(conn.execute(text("SELECT recipient FROM mail_ledger WHERE status = 'refused'")).scalars())
    assert refused_before <= refused

    healthy = Mailbox()
    _use(week_ws, smtp(healthy))
    report = send_outbox(week_ws.ctx(), sleep=lambda _: None)
    assert report.ok
    combined = Mailbox()
    combined.messages = slow.messages + healthy.messages
    _check_one_each(combined, {a: c for a, c in expected.items() if a not in refused_before})
    # a refusal is for good at the same address: those refused before the kill are not tried again
    assert not set(healthy.by_recipient()) & refused_before


def test_refused_messages_are_reported_and_not_retried_at_the_same_address(published_ws, smtp):
    expected = mailed_children(published_ws)
    refused = set(sorted(expected)[:2])
    _use(published_ws, smtp(Mailbox(refuse=refused)))
    report = send_outbox(published_ws.ctx(), sleep=lambda _: None)
    assert not report.ok and len(report.refused) == 2
    assert all("550" in answer for answer in report.refused.values())
    second = Mailbox()
    _use(published_ws, smtp(second))
    retry = send_outbox(published_ws.ctx(), sleep=lambda _: None)
    assert retry.ok and second.messages == [] and set(retry.held) == set(report.refused)


def test_no_server_is_a_clear_error(published_ws):
    _use(published_ws, 9)   # nothing listens on the discard port here
    with pytest.raises(SmtpUnavailable):
        send_outbox(published_ws.ctx(), sleep=lambda _: None)


def _correct_one_mark(ws, now, avoid: set[int] = frozenset()) -> tuple[int, str, str, str, str]:
    """A teacher hands in their accepted journal again with one plain mark changed; returns
    (student id, subject, date ``dd.mm``, old mark, new mark) as typed."""
    from conftest import journal_sheets

    from zhurnal.demo.fill import fill_grid
    from zhurnal.ingest.archive import archive_path
    from zhurnal.store import schema as s
    accepted = {r["original_name"]: archive_path(ws.settings.archive, r["sha256"], ".xlsx")
                for r in ws.rows(s.submissions) if r["status"] == "accepted"}
    for teacher, values in sorted(ws.filled.values.items()):
        handed_in = accepted[ws.filled.journals[teacher].name]     # the fixture moved it to the archive
        layout = journal_sheets(handed_in)
        for sheet, cells in values.items():
            for (sid, key), typed in sorted(cells.items(), key=str):
                if isinstance(sid, int) and sid not in avoid and typed in ("2", "3", "4", "5"):
                    new = "5" if typed != "5" else "4"
                    target = ws.settings.inbox / f"поправка_{sid}_{handed_in.name}"
                    fill_grid(handed_in, target, {sheet: {(sid, key): new}})
                    assert ws.ingest(now=now).ok
                    day = key.split("|")[0]
                    return sid, layout[sheet]["section"].subject, f"{day[8:10]}.{day[5:7]}", typed, new
    raise AssertionError("no plain mark typed this week")


def _parents_of(ws, sid: int) -> set[str]:
    name = ws.school().students[sid]["full_name"]
    return {address for address, names in mailed_children(ws).items() if name in names}


def _diaries(mailbox: Mailbox) -> dict[str, list]:
    """Recipient → the diary messages they got (the class teachers' summaries left out)."""
    found = {r: [m for m in ms if m["Message-ID"].startswith("<diary.")] for r, ms in mailbox.by_recipient().items()}
    return {r: ms for r, ms in found.items() if ms}


def test_a_republished_week_reaches_each_parent_once_and_a_delivered_one_as_a_correction(week_ws, smtp):
    """GIVEN a published week WHEN one mark is corrected and the week published again THEN send
    delivers one message per parent, the corrected student's parents the corrected diary, and a
    second send nothing; WHEN, after delivery, another mark is corrected and the week published
    again THEN only that student's parents get a message, marked as a correction naming the mark."""
    import datetime as dt

    from conftest import SATURDAY
    mailbox = Mailbox()
    _use(week_ws, smtp(mailbox))
    mail = week_ws.settings.outbox / WEEK.label / "mail"
    publish_week(week_ws.ctx(), WEEK)
    first = {p.name for p in mail.glob("diary.*.eml")}
    sid, *_ = _correct_one_mark(week_ws, SATURDAY + dt.timedelta(hours=1))
    second = publish_week(week_ws.ctx(), WEEK)
    parents = _parents_of(week_ws, sid)
    assert parents
    # the first messages whose diaries changed (the student's, and the classmates' whose class
    # averages moved) were set aside; the others stay queued as they were
    superseded = {p.name for p in (mail / "superseded").glob("diary.*.eml")}     # (and the class's summary)
    assert superseded == first - {p.name for p in mail.glob("diary.*.eml")} and len(superseded) >= len(parents)
    assert second.superseded == len(superseded) and second.corrections == 0

    report = send_outbox(week_ws.ctx(), sleep=lambda _: None)
    assert report.ok and not report.unknown
    _check_one_each(mailbox, mailed_children(week_ws))
    [pdf] = (week_ws.settings.outbox / WEEK.label / "diaries").rglob(f"*_{sid}.pdf")
    for address in parents:
        [message] = _diaries(mailbox)[address]
        assert pdf.read_bytes() in [part.get_content() for part in message.iter_attachments()]
        assert not str(message["Subject"]).startswith("Исправленный")
    again = send_outbox(week_ws.ctx(), sleep=lambda _: None)
    assert again.sent == [] and not again.unknown

    other, subject, day, old, new = _correct_one_mark(week_ws, SATURDAY + dt.timedelta(hours=2), avoid={sid})
    third = publish_week(week_ws.ctx(), WEEK)
    assert third.mails == third.corrections == len(_parents_of(week_ws, other)) and third.superseded == 0
    before = len(mailbox.messages)
    assert send_outbox(week_ws.ctx(), sleep=lambda _: None).ok
    fresh = Mailbox()
    fresh.messages = mailbox.messages[before:]
    name = week_ws.school().students[other]["full_name"]
    assert set(_diaries(fresh)) == _parents_of(week_ws, other)
    for _address, [message] in _diaries(fresh).items():
        assert str(message["Subject"]).startswith("Исправленный дневник за неделю 23.11–29.11.2026")
        body = message.get_body(("plain",)).get_content()
        assert f"{name}, {subject}, {day}: отметка {old} исправлена на {new}" in body, body
        assert body.count("исправлена на") == 1
    # a file the ledger does not know, and one still being written, are never sent
    stray = mail / "diary.2026-W48.p1.0000000000000000_school17.zhurnal.eml"
    stray.write_bytes(b"From: a@b.example\r\nTo: c@d.example\r\nMessage-ID: <x@y>\r\n\r\nhi\r\n")
    (mail / "diary.half.eml.123.partial").write_bytes(stray.read_bytes()[:20])
    last = send_outbox(week_ws.ctx(), sleep=lambda _: None)
    assert last.sent == [] and last.unknown == [str(stray)]
