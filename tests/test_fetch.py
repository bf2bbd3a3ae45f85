"""Submission by mail (issue 12): a real IMAP server on loopback (pymap, started here), a real
SMTP server (aiosmtpd) for the answer."""

from __future__ import annotations

import email
import socket
import subprocess
import sys
import time
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import default
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from conftest import SATURDAY, journal_sheets
from imap_tools import MailBoxUnencrypted

from zhurnal.core.settings import ImapSettings, SmtpSettings
from zhurnal.fetch.answer import answer_senders, receipt_text
from zhurnal.fetch.imap import ImapUnavailable, fetch_mail, held_mail
from zhurnal.publish.send import send_outbox
from zhurnal.store import schema as s

USER, PASSWORD = "school-mailbox", "imap-pass-Zx81"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def imap_server():
    port = _free_port()
    server = subprocess.Popen([str(Path(sys.executable).parent / "pymap"), "--host", "127.0.0.1", "--port", str(port),
                               "--no-tls", "dict", "--demo-user", USER, "--demo-password", PASSWORD],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, "pymap did not start"
            time.sleep(0.05)
    yield port
    server.terminate()
    server.wait(10)


class Inbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content)
        return "250 OK"


def _mail(sender: str, workbook: Path, number: int, *auth: str) -> bytes:
    """A teacher's mail with ``auth`` as its Authentication-Results headers, topmost first."""
    message = MIMEMultipart()
    message["From"], message["To"] = sender, "journal@school17.ru"
    message["Subject"], message["Message-ID"] = "Журнал", f"<m{number}@example.org>"
    for header in auth:
        message["Authentication-Results"] = header
    message.attach(MIMEText("Журнал за неделю", "plain", "utf-8"))
    part = MIMEApplication(workbook.read_bytes(), "octet-stream")
    part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", workbook.name))
    message.attach(part)
    return message.as_bytes()


def test_mailed_journal_is_taken_once_answered_and_strangers_are_held(loaded, imap_server, tmp_path, monkeypatch):
    ws = loaded
    monkeypatch.setenv("ZHURNAL_IMAP_PASSWORD", PASSWORD)
    (kind, teacher), path = next((k, p) for k, p in sorted(ws.week_templates().items()) if k[0] == "journal")
    sheet, info = next((n, i) for n, i in journal_sheets(path).items() if i["students"])
    filled = ws.drop_grid(path, {sheet: {(info["students"][0], info["keys"][0]): "5"}}, name=f"../{path.name}")
    address = next(t["email"] for t in ws.rows(s.teachers) if t["full_name"] == teacher)
    login = next(t["login"] for t in ws.rows(s.teachers) if t["full_name"] == teacher)
    domain = address.split("@")[1]
    ws.settings = ws.settings.model_copy(update={"imap": ImapSettings(
        host="127.0.0.1", port=imap_server, security="none", user=USER, address="journal@school17.ru",
        trusted_authserv_ids=(f"mx.{domain}",))})
    with MailBoxUnencrypted("127.0.0.1", imap_server).login(USER, PASSWORD) as box:
        box.append(_mail(address, filled, 1, f"mx.{domain}; dkim=pass header.d={domain}; spf=none"), "INBOX")
        box.append(_mail("stranger@evil.example", filled, 2, "mx; spf=pass smtp.mailfrom=evil.example"), "INBOX")
        box.append(_mail(address, filled, 3, f"mx.{domain}; dkim=fail header.d={domain}; spf=softfail"), "INBOX")
    report = fetch_mail(ws.ctx())
    assert [t["author"] for t in report.taken] == [teacher]
    assert sorted(h["reason"] for h in report.held) == ["not-authenticated", "unknown-sender"]
    assert [h["detail"] for h in report.held if h["sender"] == address] == [
        f"mx.{domain}: dkim=fail header.d={domain}; spf=softfail"]
    assert (ws.settings.inbox / login / path.name).is_file()
    assert {h["sender"] for h in held_mail(ws.ctx())} == {"stranger@evil.example", address}   # status shows them
    again = fetch_mail(ws.ctx())                                                             # nothing twice
    assert (again.taken, again.held, again.already) == ([], [], 0)
    with MailBoxUnencrypted("127.0.0.1", imap_server).login(USER, PASSWORD) as box:
        assert len(list(box.fetch())) == 0
        box.folder.set("zhurnal-processed")
        assert len(list(box.fetch())) == 1
    # ingest takes the journal from the teacher's folder; the answer goes out over real SMTP
    result = ws.ingest(now=SATURDAY)
    assert {f.name: f.status for f in result.files} == {path.name: "accepted"}
    assert answer_senders(ws.ctx(), result.files) == 1
    assert answer_senders(ws.ctx(), result.files) == 0
    smtp_port, inbox = _free_port(), Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        ws.settings = ws.settings.model_copy(update={"smtp": SmtpSettings(
            host="127.0.0.1", port=smtp_port, security="none", rate_per_minute=60000, retries=1)})
        assert send_outbox(ws.ctx()).ok
    finally:
        controller.stop()
    receipts = [email.message_from_bytes(m, policy=default) for m in inbox.messages]
    receipts = [m for m in receipts if m["Message-ID"].startswith("<receipt.")]
    assert [m["To"].addresses[0].addr_spec for m in receipts] == [address]
    said = receipt_text(result.files[0])
    assert said.startswith("Принято: ") and said in receipts[0].get_body().get_content()


def test_a_forged_authentication_header_is_held_and_the_border_header_is_believed(loaded, imap_server,
                                                                                 monkeypatch):
    """GIVEN the school's border mx.school17.ru, which writes its Authentication-Results on top
    WHEN a forger mails the teacher's journal with one mark changed, under her address, which our
    border found spf=fail, with a second header of their own saying dkim=pass for her domain,
    and the teacher mails the same journal, which our border found dkim=pass
    THEN the forgery is held with what our border recorded, and only the teacher's copy is taken."""
    ws = loaded
    monkeypatch.setenv("ZHURNAL_IMAP_PASSWORD", PASSWORD)
    (kind, teacher), path = next((k, p) for k, p in sorted(ws.week_templates().items()) if k[0] == "journal")
    sheet, info = next((n, i) for n, i in journal_sheets(path).items() if i["students"])
    filled = ws.drop_grid(path, {sheet: {(info["students"][0], info["keys"][0]): "2"}}, name=f"../{path.name}")
    address = next(t["email"] for t in ws.rows(s.teachers) if t["full_name"] == teacher)
    login = next(t["login"] for t in ws.rows(s.teachers) if t["full_name"] == teacher)
    domain = address.split("@")[1]
    ws.settings = ws.settings.model_copy(update={"imap": ImapSettings(
        host="127.0.0.1", port=imap_server, security="none", user=USER, trusted_authserv_ids=(f"mx.{domain}",))})
    with MailBoxUnencrypted("127.0.0.1", imap_server).login(USER, PASSWORD) as box:
        box.append(_mail(address, filled, 1, f"mx.{domain}; spf=fail (sender IP is 203.0.113.9) smtp.mailfrom={domain}",
                         f"forger.evil.example; dkim=pass header.d={domain}"), "INBOX")
    report = fetch_mail(ws.ctx())
    assert report.taken == [] and [(h["sender"], h["reason"], h["detail"]) for h in report.held] == [
        (address, "not-authenticated", f"mx.{domain}: spf=fail smtp.mailfrom={domain}")]
    assert not (ws.settings.inbox / login / path.name).exists()
    assert [(h["sender"], h["reason"]) for h in held_mail(ws.ctx())] == [(address, "not-authenticated")]
    with MailBoxUnencrypted("127.0.0.1", imap_server).login(USER, PASSWORD) as box:
        box.append(_mail(address, filled, 2, f"mx.{domain}; dkim=pass (2048-bit key) header.d={domain} "
                                             f"header.i=@{domain}; spf=pass smtp.mailfrom={address}"), "INBOX")
    report = fetch_mail(ws.ctx())
    assert [t["author"] for t in report.taken] == [teacher] and report.held == []
    assert (ws.settings.inbox / login / path.name).read_bytes() == filled.read_bytes()


def test_a_wrong_imap_password_is_masked(loaded, imap_server, monkeypatch):
    monkeypatch.setenv("ZHURNAL_IMAP_PASSWORD", "Secret-Wrong-77")
    loaded.settings = loaded.settings.model_copy(update={"imap": ImapSettings(
        host="127.0.0.1", port=imap_server, security="none", user=USER, require_authentication=False)})
    with pytest.raises(ImapUnavailable) as caught:
        fetch_mail(loaded.ctx())
    assert "Secret-Wrong-77" not in str(caught.value) and USER not in str(caught.value)


def test_logins_and_passwords_from_the_environment_are_masked(monkeypatch):
    from zhurnal.core.secrets_mask import mask_env
    monkeypatch.setenv("ZHURNAL_SMTP_USER", "journal@school17.ru")
    monkeypatch.setenv("ZHURNAL_SMTP_PASSWORD", "Pa55-word")
    said = mask_env("smtp:587: (535, b'5.7.8 journal@school17.ru: bad password Pa55-word')",
                    "ZHURNAL_SMTP_USER", "ZHURNAL_SMTP_PASSWORD")
    assert said == "smtp:587: (535, b'5.7.8 ***: bad password ***')"
