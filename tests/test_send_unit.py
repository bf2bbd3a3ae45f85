"""``send_outbox`` against a scripted SMTP client: what is sent, skipped, refused, retried and
recorded. Messages are written by hand into an outbox, ledger rows with plain SQL, and the
outcomes read back with plain SQL; every expected value is a literal."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import create_engine, text

from zhurnal.core.settings import MailSettings, SmtpSettings
from zhurnal.publish import send
from zhurnal.publish.mail import build_message, message_id, write_eml
from zhurnal.publish.send import SendReport, SmtpUnavailable, outbox_messages, send_outbox


def eml(folder: Path, message_id: str, to: str = "parent@example.ru", *, multipart: bool = True) -> bytes:
    message = EmailMessage()
    message["From"] = "Школа <school@example.ru>"
    message["To"] = to
    message["Message-ID"] = message_id
    message["Subject"] = "Дневник"
    message.set_content("Здравствуйте")
    if multipart:
        message.add_attachment(b"%PDF-1.7", maintype="application", subtype="pdf", filename="d.pdf")
    raw = message.as_bytes()
    folder.mkdir(parents=True, exist_ok=True)
    name = message_id.strip("<>").replace("@", "_") + ".eml"
    (folder / name).write_bytes(raw)
    return raw


class Client:
    """A scripted SMTP client: ``answers[recipient]`` is a list of what each attempt does."""

    def __init__(self, answers: dict[str, list]) -> None:
        self.answers = answers
        self.sent: list[tuple[str, list[str], bytes]] = []
        self.quits = 0

    def sendmail(self, sender, recipients, raw):
        answer = self.answers.get(recipients[0], [{}]).pop(0) if self.answers.get(recipients[0]) else {}
        if isinstance(answer, Exception):
            raise answer
        if not answer:
            self.sent.append((sender, recipients, raw))
        return answer

    def quit(self):
        self.quits += 1
        raise smtplib.SMTPServerDisconnected("gone")    # a quit that fails is not an error of the send


@pytest.fixture
def box(tmp_path, monkeypatch):
    engine = create_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    from zhurnal.store import schema as s
    s.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO schools (id, code, name) VALUES (1, 'a', 'A'), (2, 'b', 'B')"))
    settings = SimpleNamespace(outbox=tmp_path / "outbox", smtp=SmtpSettings(
        host="smtp.example.ru", port=25, security="none", rate_per_minute=30, retries=2))
    state = SimpleNamespace(engine=engine, settings=settings, clients=[], answers={}, sleeps=[],
                            ctx=SimpleNamespace(settings=settings, engine=engine, school_id=1))

    def connect(config):
        client = Client(state.answers)
        state.clients.append(client)
        return client

    monkeypatch.setattr(send, "_connect", connect)
    state.sleep = state.sleeps.append
    yield state
    engine.dispose()


def ledger_row(box, message_id: str, status: str, school: int = 1) -> None:
    with box.engine.begin() as conn:
        conn.execute(text("INSERT INTO mail_ledger (school_id, message_id, kind, recipient, status, attempts, updated_at)"
                          " VALUES (:school, :m, 'diary', 'x', :status, 0, '2026-11-28 14:00:00')"),
                     {"school": school, "m": message_id, "status": status})


def outcomes(box) -> dict[str, tuple[str, int, str | None]]:
    with box.engine.connect() as conn:
        return {m: (st, a, r) for m, st, a, r in conn.execute(text(
            "SELECT message_id, status, attempts, response FROM mail_ledger ORDER BY message_id")).all()}


def test_waiting_messages_are_sent_as_they_are_and_the_rest_is_left(box):
    mail = box.settings.outbox / "2026-W48" / "mail"
    raws = {}
    for status in ("queued", "refused", "failed", "sent", "superseded"):   # (refused: before 0011, no address)
        raws[status] = eml(mail, f"<{status}@s>", to=f"{status}@example.ru")
        ledger_row(box, f"<{status}@s>", status)
    eml(mail, "<stranger@s>")                                    # no ledger row: dropped in by hand
    ledger_row(box, "<mismatch@s>", "queued")
    (mail / "mismatch_s.eml").write_bytes(raws["queued"])        # another message under its name
    ledger_row(box, "<zmismatch@s>", "queued")
    (mail / "zmismatch_s.eml").write_bytes(raws["failed"])       # … whose Message-ID sorts before
    ledger_row(box, "<flat@s>", "queued")
    eml(mail, "<flat@s>", multipart=False)                       # not a message of ours
    (mail / "broken.eml").write_bytes(b"\x00\x01 not a message")
    progress = []
    report = send_outbox(box.ctx, sleep=box.sleep, progress=lambda *a: progress.append(a))
    assert report.sent == ["<failed@s>", "<queued@s>", "<refused@s>"]       # by file name
    assert report.skipped == 2 and report.refused == {} and report.failed == {}
    assert sorted(Path(p).name for p in report.unknown) == ["broken.eml", "flat_s.eml", "mismatch_s.eml", "stranger_s.eml",
                                                                 "zmismatch_s.eml"]
    [client] = box.clients
    assert client.sent == [("school@example.ru", [f"{st}@example.ru"], raws[st]) for st in ("failed", "queued", "refused")]
    assert client.quits == 1
    assert progress == [(1, 3), (2, 3), (3, 3)]
    assert box.sleeps == [2.0, 2.0]          # 30 a minute: two seconds between, none after the last
    assert outcomes(box) == {
        "<failed@s>": ("sent", 1, "250"), "<flat@s>": ("queued", 0, None), "<mismatch@s>": ("queued", 0, None),
        "<queued@s>": ("sent", 1, "250"), "<refused@s>": ("sent", 1, "250"), "<sent@s>": ("sent", 0, None),
        "<superseded@s>": ("superseded", 0, None), "<zmismatch@s>": ("queued", 0, None)}
    assert report.ok and report.as_dict() == {"ok": True, "sent": 3, "skipped": 2, "refused": {}, "failed": {},
                                              "uncertain": {}, "held": {}, "unknown": report.unknown}
    again = send_outbox(box.ctx, sleep=box.sleep)
    assert again.sent == [] and again.skipped == 5 and len(box.clients) == 1    # nothing to send: no connection


def test_only_the_given_week_and_never_the_superseded_folder(box):
    for week in ("2026-W48", "2026-W49"):
        eml(box.settings.outbox / week / "mail", f"<{week}@s>")
        ledger_row(box, f"<{week}@s>", "queued")
    eml(box.settings.outbox / "2026-W48" / "mail" / "superseded", "<old@s>")
    ledger_row(box, "<old@s>", "queued")
    (box.settings.outbox / "2026-W48" / "mail" / "half.eml.partial").write_bytes(b"x")
    assert [p.name for p in outbox_messages(box.settings.outbox, "2026-W48")] == ["2026-W48_s.eml"]
    assert [p.name for p in outbox_messages(box.settings.outbox)] == ["2026-W48_s.eml", "2026-W49_s.eml"]
    report = send_outbox(box.ctx, week="2026-W49", sleep=box.sleep)
    assert report.sent == ["<2026-W49@s>"] and box.sleeps == []


def test_another_schools_row_does_not_make_a_file_known(box):
    eml(box.settings.outbox / "2026-W48" / "mail", "<theirs@s>")
    ledger_row(box, "<theirs@s>", "queued", school=2)
    report = send_outbox(box.ctx, sleep=box.sleep)
    assert report.sent == [] and [Path(p).name for p in report.unknown] == ["theirs_s.eml"] and box.clients == []


def test_refusals_temporary_failures_and_a_dropped_connection(box):
    mail = box.settings.outbox / "2026-W48" / "mail"
    script = {
        "a@x.ru": [{"a@x.ru": (550, b"no such user")}],                                       # refused in the answer
        "b@x.ru": [smtplib.SMTPRecipientsRefused({"b@x.ru": (451, b"later")}), {}],            # 4xx, then accepted
        "c@x.ru": [smtplib.SMTPRecipientsRefused({"c@x.ru": (452, b"full")})] * 3,             # 4xx every time
        "d@x.ru": [smtplib.SMTPRecipientsRefused({"d@x.ru": (550, b"unknown")})],              # 5xx at once
        "e@x.ru": [smtplib.SMTPDataError(451, b"try again"), smtplib.SMTPDataError(451, b"try again"), {}],
        "f@x.ru": [smtplib.SMTPDataError(554, b"spam")],
        "g@x.ru": [smtplib.SMTPDataError(421, b"busy")] * 3,
        "h@x.ru": [smtplib.SMTPServerDisconnected("dropped"), {}],                             # reconnect, sent
        "i@x.ru": [smtplib.SMTPServerDisconnected("dropped"), OSError("reset")],               # twice: failed
    }
    box.answers.update({k: list(v) for k, v in script.items()})
    for letter in "abcdefghi":
        eml(mail, f"<{letter}@s>", to=f"{letter}@x.ru")
        ledger_row(box, f"<{letter}@s>", "queued")
    report = send_outbox(box.ctx, sleep=box.sleep)
    assert report.sent == ["<b@s>", "<e@s>", "<h@s>"]
    assert report.refused == {
        "<a@s>": "a@x.ru: 550 b'no such user'",
        "<c@s>": "c@x.ru: 452 b'full'",
        "<d@s>": "d@x.ru: 550 b'unknown'",
        "<f@s>": "554 b'spam'",
        "<g@s>": "421 b'busy'"}
    assert report.failed == {"<i@s>": "reset"}
    assert not report.ok and report.as_dict()["ok"] is False
    assert len(box.clients) == 3          # one, then one fresh connection for each dropped one
    pauses = [2.0] * 8
    backoff = [1, 1, 2, 1, 2, 1, 2]       # b: 1; c: 1, 2; e: 1, 2; g: 1, 2 (2 ** attempt seconds)
    assert sorted(box.sleeps) == sorted(pauses + backoff)
    assert {m: v[:2] for m, v in outcomes(box).items()} == {
        "<a@s>": ("refused", 1), "<b@s>": ("sent", 1), "<c@s>": ("refused", 1), "<d@s>": ("refused", 1),
        "<e@s>": ("sent", 1), "<f@s>": ("refused", 1), "<g@s>": ("refused", 1), "<h@s>": ("sent", 1),
        "<i@s>": ("failed", 1)}
    assert outcomes(box)["<f@s>"][2] == "554 b'spam'"


@pytest.mark.parametrize("error", [smtplib.SMTPDataError(450, b"later"),
                                   smtplib.SMTPRecipientsRefused({"a@x.ru": (450, b"later")})])
def test_backoff_is_capped_at_thirty_seconds(box, error):
    box.settings.smtp = box.settings.smtp.model_copy(update={"retries": 7})
    box.answers["a@x.ru"] = [error] * 7 + [{}]
    eml(box.settings.outbox / "2026-W48" / "mail", "<a@s>", to="a@x.ru")
    ledger_row(box, "<a@s>", "queued")
    assert send_outbox(box.ctx, sleep=box.sleep).sent == ["<a@s>"]
    assert box.sleeps == [1, 2, 4, 8, 16, 30, 30]


def test_without_retries_a_temporary_failure_is_a_refusal(box):
    box.settings.smtp = box.settings.smtp.model_copy(update={"retries": 0})
    box.answers["a@x.ru"] = [smtplib.SMTPDataError(450, b"later"), {}]
    eml(box.settings.outbox / "2026-W48" / "mail", "<a@s>", to="a@x.ru")
    ledger_row(box, "<a@s>", "queued")
    report = send_outbox(box.ctx, sleep=box.sleep)
    assert report.refused == {"<a@s>": "450 b'later'"} and box.sleeps == []


class FakeSMTP:
    """Stands in for smtplib.SMTP / SMTP_SSL and records what the sender asked of it."""

    made: list = []

    def __init__(self, host, port, timeout=None, context=None):
        self.calls = [("connect", type(self).__name__, host, port, timeout, context is not None)]
        FakeSMTP.made.append(self)
        if host == "down.example.ru":
            raise ConnectionRefusedError(111, "Connection refused")

    def starttls(self, context=None):
        self.calls.append(("starttls", context is not None))

    def login(self, user, password):
        self.calls.append(("login", user, password))
        if password == "wrong":
            raise smtplib.SMTPAuthenticationError(535, f"bad login for {user} / {password}".encode())


class FakeSSL(FakeSMTP):
    pass


@pytest.fixture
def fake_smtp(monkeypatch):
    FakeSMTP.made = []
    monkeypatch.setattr(send.smtplib, "SMTP", FakeSMTP)
    monkeypatch.setattr(send.smtplib, "SMTP_SSL", FakeSSL)
    monkeypatch.delenv("ZHURNAL_SMTP_USER", raising=False)
    monkeypatch.delenv("ZHURNAL_SMTP_PASSWORD", raising=False)
    return monkeypatch


def test_connect_by_security_and_login_from_the_environment(fake_smtp):
    config = SmtpSettings(host="smtp.example.ru", port=587, timeout_seconds=12)
    send._connect(config)
    assert FakeSMTP.made[-1].calls == [("connect", "FakeSMTP", "smtp.example.ru", 587, 12, False), ("starttls", True)]
    send._connect(config.model_copy(update={"security": "none"}))
    assert FakeSMTP.made[-1].calls == [("connect", "FakeSMTP", "smtp.example.ru", 587, 12, False)]
    fake_smtp.setenv("ZHURNAL_SMTP_USER", "school17")
    send._connect(config.model_copy(update={"security": "ssl", "port": 465}))
    assert FakeSMTP.made[-1].calls == [("connect", "FakeSSL", "smtp.example.ru", 465, 12, True), ("login", "school17", "")]
    fake_smtp.setenv("ZHURNAL_SMTP_PASSWORD", "s3cret")
    send._connect(config)
    assert FakeSMTP.made[-1].calls[-1] == ("login", "school17", "s3cret")


def test_no_host_a_refused_connection_and_a_bad_login_are_smtp_unavailable(fake_smtp):
    with pytest.raises(SmtpUnavailable, match=r"^\[smtp\] host is not set in zhurnal.toml$"):
        send._connect(SmtpSettings(host=""))
    assert FakeSMTP.made == []
    with pytest.raises(SmtpUnavailable, match=r"^down\.example\.ru:25: \[Errno 111\] Connection refused$"):
        send._connect(SmtpSettings(host="down.example.ru", port=25, security="none"))
    fake_smtp.setenv("ZHURNAL_SMTP_USER", "school17")
    fake_smtp.setenv("ZHURNAL_SMTP_PASSWORD", "wrong")
    with pytest.raises(SmtpUnavailable) as caught:
        send._connect(SmtpSettings(host="smtp.example.ru", port=25, security="none"))
    assert str(caught.value) == "smtp.example.ru:25: (535, b'bad login for *** / ***')"


def test_a_report_with_a_refusal_or_a_failure_is_not_ok():
    assert SendReport().ok
    assert not SendReport(refused={"<m>": "550"}).ok
    assert not SendReport(failed={"<m>": "reset"}).ok


@pytest.mark.parametrize("code, retried", [(399, False), (400, True), (450, True), (499, True), (500, False)])
def test_only_4xx_answers_are_tried_again(box, code, retried):
    box.settings.smtp = box.settings.smtp.model_copy(update={"retries": 1})
    for letter, error in (("a", smtplib.SMTPRecipientsRefused({"a@x.ru": (code, b"x")})),
                          ("b", smtplib.SMTPDataError(code, b"x"))):
        box.answers[f"{letter}@x.ru"] = [error, {}]
        eml(box.settings.outbox / "2026-W48" / "mail", f"<{letter}@s>", to=f"{letter}@x.ru")
        ledger_row(box, f"<{letter}@s>", "queued")
    report = send_outbox(box.ctx, sleep=box.sleep)
    assert report.sent == (["<a@s>", "<b@s>"] if retried else [])
    assert sorted(report.refused) == ([] if retried else ["<a@s>", "<b@s>"])


@pytest.mark.parametrize("drop", ["Message-ID", "To", "From"])
def test_a_message_without_its_id_recipient_or_sender_is_not_ours(drop):
    message = EmailMessage()
    message["From"], message["To"], message["Message-ID"] = "school@example.ru", "p@example.ru", "<m@s>"
    message.set_content("x")
    message.add_attachment(b"%PDF", maintype="application", subtype="pdf", filename="d.pdf")
    assert send._readable(message.as_bytes()) is not None
    del message[drop]
    assert send._readable(message.as_bytes()) is None


def test_the_sender_is_the_first_from_address(box):
    mail = box.settings.outbox / "2026-W48" / "mail"
    raw = eml(mail, "<two@s>").replace(b"From: ", b"From: first@example.ru, ", 1)
    (mail / "two_s.eml").write_bytes(raw)
    ledger_row(box, "<two@s>", "queued")
    assert send_outbox(box.ctx, sleep=box.sleep).sent == ["<two@s>"]
    assert box.clients[0].sent == [("first@example.ru", ["parent@example.ru"], raw)]


def _written(box, msg_id: str) -> None:
    """A diary message as publish writes it (build_message + write_eml), waiting in the ledger."""
    message = build_message(MailSettings(sender_address="school@example.ru"), to_name="Иванова Анна",
                            to_address="parent@example.ru", subject="Дневник", body="Здравствуйте",
                            attachments=[("d.pdf", b"%PDF-1.7", ("application", "pdf"))], msg_id=msg_id)
    write_eml(message, box.settings.outbox / "2026-W48" / "mail")
    ledger_row(box, msg_id, "queued")


def test_a_forced_resend_is_sent(box):
    """publish --force gives a parent who already received the week a Message-ID with
    ``.r<time>``; its header is longer than 78 characters, so the generator folds it onto a
    second line, the parsed header starts with a space, and send_outbox calls the message
    unknown: the forced resend is never delivered."""
    msg_id = message_id("diary", "2026-W48.p98.r20261202174239", "ecd6412b8dd5cdc1" * 4, "school17")
    _written(box, msg_id)
    report = send_outbox(box.ctx, sleep=box.sleep)
    assert report.unknown == [] and report.sent == [msg_id]


def test_every_diary_of_a_school_with_a_long_code_is_sent(box):
    """A school code of 19 characters or more (any length is accepted by init) folds every
    parent's Message-ID the same way: none of the school's diaries would ever be sent."""
    msg_id = message_id("diary", "2026-W48.p1234", "ecd6412b8dd5cdc1" * 4, "gimnaziya-2-kazan-ru")
    _written(box, msg_id)
    report = send_outbox(box.ctx, sleep=box.sleep)
    assert report.unknown == [] and report.sent == [msg_id]


def test_an_uncertain_report_is_not_ok_and_held_messages_do_not_fail_it():
    assert not SendReport(uncertain={"<m>": "lost"}).ok
    report = SendReport(held={"<m>": "why"})
    assert report.ok and report.as_dict()["held"] == {"<m>": "why"} and report.as_dict()["uncertain"] == {}


def refused_row(box, message_id: str, status: str, refused_to: str | None) -> None:
    ledger_row(box, message_id, status)
    with box.engine.begin() as conn:
        conn.execute(text("UPDATE mail_ledger SET refused_to = :to WHERE message_id = :m"),
                     {"to": refused_to, "m": message_id})


def test_lost_after_the_dot_is_uncertain_never_retried_and_held_until_asked(box):
    """The connection lost after the final dot: the message is uncertain at once (no retry, no
    second connection for it); the next send holds it back; resend_uncertain sends it."""
    mail = box.settings.outbox / "2026-W48" / "mail"
    box.answers["a@x.ru"] = [send.DotReplyLost("Connection unexpectedly closed"), {}]
    box.answers["b@x.ru"] = [{}]
    eml(mail, "<a@s>", to="a@x.ru")
    eml(mail, "<b@s>", to="b@x.ru")
    ledger_row(box, "<a@s>", "queued")
    ledger_row(box, "<b@s>", "queued")
    report = send_outbox(box.ctx, sleep=box.sleep)
    assert report.uncertain == {"<a@s>": "Connection unexpectedly closed"} and report.sent == ["<b@s>"]
    assert not report.ok and len(box.clients) == 1 and box.sleeps == [2.0]
    assert outcomes(box)["<a@s>"] == ("uncertain", 1, "Connection unexpectedly closed")
    held = send_outbox(box.ctx, sleep=box.sleep)
    assert held.held == {"<a@s>": send.HELD_UNCERTAIN} and held.sent == [] and held.skipped == 1 and held.ok
    assert len(box.clients) == 1           # nothing to send: no connection at all
    again = send_outbox(box.ctx, sleep=box.sleep, resend_uncertain=True)
    assert again.sent == ["<a@s>"] and again.held == {}
    assert outcomes(box)["<a@s>"][:2] == ("sent", 2)


def test_a_refusal_is_tried_again_only_at_another_address(box):
    mail = box.settings.outbox / "2026-W48" / "mail"
    eml(mail, "<same@s>", to="Same@X.ru")
    eml(mail, "<moved@s>", to="new@x.ru")
    eml(mail, "<old@s>", to="old@x.ru")
    refused_row(box, "<same@s>", "refused", "same@x.ru")      # the address as refused (lower case)
    refused_row(box, "<moved@s>", "refused", "gone@x.ru")     # the roster changed it since
    refused_row(box, "<old@s>", "refused", None)              # refused before 0011: address unknown
    report = send_outbox(box.ctx, sleep=box.sleep)
    assert report.sent == ["<moved@s>", "<old@s>"]
    assert report.held == {"<same@s>": send.HELD_REFUSED.format(address="same@x.ru")} and report.ok
    assert [r for _, r, _ in box.clients[0].sent] == [["new@x.ru"], ["old@x.ru"]]


def test_a_refusal_records_the_addresses_refused_and_a_later_outcome_clears_them(box):
    mail = box.settings.outbox / "2026-W48" / "mail"
    box.answers["B@x.ru"] = [smtplib.SMTPRecipientsRefused({"B@x.ru": (550, b"no")}), {}]
    eml(mail, "<b@s>", to="B@x.ru")
    ledger_row(box, "<b@s>", "queued")
    send_outbox(box.ctx, sleep=box.sleep)
    with box.engine.connect() as conn:
        assert conn.execute(text("SELECT status, refused_to FROM mail_ledger")).one() == ("refused", "b@x.ru")
        conn.execute(text("UPDATE mail_ledger SET refused_to = 'other@x.ru'"))
        conn.commit()
    send_outbox(box.ctx, sleep=box.sleep)
    with box.engine.connect() as conn:
        assert conn.execute(text("SELECT status, refused_to FROM mail_ledger")).one() == ("sent", None)


class Wire:
    """What smtplib's data() talks to: commands, replies, the bytes sent and the socket's timeouts."""

    def __init__(self, replies: list) -> None:
        self.replies, self.sent, self.timeouts, self.timeout = list(replies), [], [], 7.0
        self.sock = self

    def putcmd(self, cmd):
        self.sent.append(cmd)

    def send(self, data):
        self.sent.append(data)

    def settimeout(self, seconds):
        self.timeouts.append(seconds)

    def getreply(self):
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            self.sock = None          # smtplib closes the connection when a reply cannot be read
            raise reply
        self.timeouts.append(("read", reply))
        return reply


def test_the_dot_is_awaited_with_its_own_timeout_and_the_command_timeout_comes_back():
    wire = Wire([(354, b"go"), (250, b"ok")])
    assert send._data_waiting_for_the_dot(wire, 600)(b".hidden\r\nline\r\n..two") == (250, b"ok")
    assert wire.sent == ["data", b"..hidden\r\nline\r\n...two\r\n.\r\n"]
    assert wire.timeouts == [("read", (354, b"go")), 600, ("read", (250, b"ok")), 7.0]


def test_no_go_ahead_is_a_data_error_and_nothing_is_sent():
    wire = Wire([(451, b"busy")])
    with pytest.raises(smtplib.SMTPDataError) as caught:
        send._data_waiting_for_the_dot(wire, 600)(b"x\r\n")
    assert caught.value.smtp_code == 451 and wire.sent == ["data"] and wire.timeouts == [("read", (451, b"busy"))]


@pytest.mark.parametrize("lost", [smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
                                  TimeoutError("timed out")])
def test_a_reply_to_the_dot_that_never_comes_is_dot_reply_lost(lost):
    wire = Wire([(354, b"go"), lost])
    with pytest.raises(send.DotReplyLost, match=str(lost)):
        send._data_waiting_for_the_dot(wire, 600)(b"x\r\n")
    assert wire.sent == ["data", b"x\r\n.\r\n"] and wire.timeouts == [("read", (354, b"go")), 600]


def test_connect_awaits_the_dot_for_the_configured_time(fake_smtp):
    FakeSMTP.putcmd = lambda self, cmd: None
    client = send._connect(SmtpSettings(host="smtp.example.ru", port=25, security="none", data_timeout_seconds=42))
    wire = Wire([(354, b"go"), (250, b"ok")])
    client.putcmd, client.getreply, client.send, client.sock, client.timeout = (
        wire.putcmd, wire.getreply, wire.send, wire, 7.0)
    assert client.data(b"x\r\n") == (250, b"ok") and 42 in wire.timeouts
