"""One scheduled command (issue 25, points 4 and 7): ``zhurnal run`` without ``--week`` does what
is due at ``--now`` by the school's calendar, each step once, and tells the sysadmin of trouble.

Oracles: the SMTP server's own record of what it accepted (aiosmtpd on loopback, parsed with the
email package), the parents' addresses read with plain SQL, files on disk, and every table of the
store read back row by row before and after a rerun."""

from __future__ import annotations

import datetime as dt
import email
import hashlib
import json
import socket
import threading
from email.policy import default
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from conftest import mailed_children, s, settled
from sqlalchemy import insert, select

from zhurnal.backup import new_identity
from zhurnal.cli import main

# the school's clock is Moscow (UTC+3); --now is UTC
FRIDAY = dt.datetime(2026, 11, 27, 10, 0)        # 13:00: next week's workbooks are due (from 12:00)
SATURDAY_NOON = dt.datetime(2026, 11, 28, 9, 30)  # 12:30: the week's publish is due (from 12:00)
MONDAY = dt.datetime(2026, 11, 30, 6, 0)         # 09:00 of 2026-W49
NEXT_FRIDAY = dt.datetime(2026, 12, 4, 10, 0)    # a week after the first backup
ADMIN = "admin@school17.example"


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"

    def parsed(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(content, policy=default) for _, content in self.messages]


@pytest.fixture
def mailbox():
    box = Mailbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    box.port = port
    yield box
    controller.stop()


def _configure(ws, tmp_path: Path, port: int, *, destinations: list[Path], imap_port: int | None = None) -> None:
    """SMTP on loopback, the sysadmin's and the deputy's addresses, backups to ``destinations``."""
    recipient = new_identity(tmp_path / "backup-key.txt", ws.path)
    toml = ws.path / "zhurnal.toml"
    text = toml.read_text(encoding="utf-8")
    for old, new in [('host = ""\nport = 587\n# "none", "starttls" or "ssl"\nsecurity = "starttls"',
                      f'host = "127.0.0.1"\nport = {port}\nsecurity = "none"'),
                     ("rate_per_minute = 60", "rate_per_minute = 60000"),
                     ('admin_address = ""', f'admin_address = "{ADMIN}"'),
                     ('deputy_address = ""', 'deputy_address = "zavuch@school17.example"'),
                     ("destinations = []", f"destinations = {json.dumps([str(d) for d in destinations])}"),
                     ("recipients = []", f'recipients = ["{recipient}"]')]:
        assert old in text, old
        text = text.replace(old, new, 1)
    if imap_port:
        text = text.replace('host = ""\nport = 993\n# "none", "starttls" or "ssl"\nsecurity = "ssl"',
                            f'host = "127.0.0.1"\nport = {imap_port}\nsecurity = "none"', 1)
        text = text.replace("trusted_authserv_ids = []", 'trusted_authserv_ids = ["mx.school17.example"]')
    toml.write_text(text, encoding="utf-8")


def _run(ws, now: dt.datetime) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["-w", str(ws.path), "run", "--now", now.isoformat(), "--json"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, json.loads(result.output[result.output.index("{"):])


def _state(ws, *folders: Path) -> tuple[dict, dict]:
    """Every file under the workspace and ``folders`` (path → sha256; the store's own files
    aside) and every table of the store, row by row."""
    files = {}
    for root in (ws.path, *folders):
        for path in root.rglob("*"):
            if path.is_file() and not path.name.startswith("master.sqlite"):
                files[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    with ws.engine.connect() as conn:
        tables = {t.name: sorted(map(repr, conn.execute(select(t)).all())) for t in s.metadata.sorted_tables}
    return files, tables


def _steps(report: dict) -> list[tuple[str, str | None]]:
    return [(d["step"], d["week"]) for d in report["done"]]


@pytest.mark.slow
def test_the_scheduled_run_does_each_thing_once_across_two_weeks(week_ws, mailbox, tmp_path):
    """GIVEN 2026-W48 handed in, SMTP on loopback and two backup folders
    WHEN ``zhurnal run`` is started on Friday 13:00, Saturday 12:30, Monday 09:00 and the next
    Friday 13:00 (each start twice, at the same moment)
    THEN Friday issues 2026-W49's workbooks and makes the first backup; Saturday publishes 2026-W48
    and every parent gets exactly one letter, the deputy one summary; Monday does nothing new;
    the next Friday issues 2026-W50 and backs up again; a second start at the same moment
    changes no file, no row and sends nothing."""
    usb = [tmp_path / "usb1", tmp_path / "share"]
    for folder in usb:
        folder.mkdir()
    _configure(week_ws, tmp_path, mailbox.port, destinations=usb)
    templates = week_ws.settings.templates

    code, friday = _run(week_ws, FRIDAY)
    assert code == 0, friday
    assert ("issue", "2026-W49") in _steps(friday) and ("backup", None) in _steps(friday)
    assert ("issue", "2026-W48") not in _steps(friday)                         # issued by the fixture
    assert not any(step == ("publish", "2026-W48") for step in _steps(friday))  # not before Saturday noon
    issued = {p.name for p in (templates / "2026-W49").iterdir()}
    with week_ws.engine.connect() as conn:
        teachers = set(conn.exec_driver_sql("SELECT DISTINCT teacher FROM teaching_load").scalars())
    journals = {n.removeprefix("журнал_2026-W49_").removesuffix(".xlsx").replace("_", " ")
                for n in issued if n.startswith("журнал_")}
    assert journals == teachers
    # each teacher with an address got their workbooks of 2026-W49 by mail, once, and in their folder
    with week_ws.engine.connect() as conn:
        addresses = {e for e in conn.exec_driver_sql("SELECT email FROM teachers").scalars() if e}
    handed = [m for m in mailbox.parsed() if m["Message-ID"].strip().startswith("<workbooks.")]
    assert len(handed) == len(mailbox.messages) and \
        sorted(m["To"].addresses[0].addr_spec for m in handed) == sorted(addresses)
    assert all(any(p.suffix == ".xlsx" for p in (week_ws.settings.outbox / "teachers" / login / "2026-W49").iterdir())
               for login in (p.name for p in (week_ws.settings.outbox / "teachers").iterdir()))
    handed_out = len(mailbox.messages)
    backups = json.loads((week_ws.path / "backups.json").read_text())["copies"]
    assert {(c["destination"], bool(c["verified_at"])) for c in backups} == {(str(u), True) for u in usb}

    before = _state(week_ws, *usb)
    code, again = _run(week_ws, FRIDAY)
    assert code == 0 and [d["step"] for d in again["done"]] == ["send"], again
    assert _state(week_ws, *usb) == before and len(mailbox.messages) == handed_out

    code, saturday = _run(week_ws, SATURDAY_NOON)
    assert code == 0, saturday
    assert ("publish", "2026-W48") in _steps(saturday) and ("backup", None) not in _steps(saturday)
    parents = mailed_children(week_ws)
    letters: dict[str, int] = {}
    for message in mailbox.parsed():
        if message["Message-ID"].strip().startswith("<diary."):
            for address in message["To"].addresses:
                letters[address.addr_spec] = letters.get(address.addr_spec, 0) + 1
    assert letters == {address: 1 for address in parents}
    summaries = [m for m in mailbox.parsed() if m["Message-ID"].strip().startswith("<summary.")]
    assert [m["To"].addresses[0].addr_spec for m in summaries] == ["zavuch@school17.example"]
    received = len(mailbox.messages)

    before = _state(week_ws, *usb)
    code, again = _run(week_ws, SATURDAY_NOON)
    assert code == 0 and [d["step"] for d in again["done"]] == ["send"], again
    assert _state(week_ws, *usb) == before and len(mailbox.messages) == received

    code, monday = _run(week_ws, MONDAY)
    assert code == 0 and [d["step"] for d in monday["done"]] == ["send"], monday
    assert len(mailbox.messages) == received
    assert {p.name for p in (templates / "2026-W49").iterdir()} == issued

    code, next_friday = _run(week_ws, NEXT_FRIDAY)
    assert code == 0, next_friday
    assert ("issue", "2026-W50") in _steps(next_friday) and ("backup", None) in _steps(next_friday)
    assert ("issue", "2026-W49") not in _steps(next_friday)
    new = [m for m in mailbox.parsed()[received:]]
    assert len(new) == handed_out and all(m["Message-ID"].strip().startswith("<workbooks.2026-W50.") for m in new)
    received = len(mailbox.messages)
    ids = {c["id"] for c in json.loads((week_ws.path / "backups.json").read_text())["copies"]}
    assert len(ids) == 2
    before = _state(week_ws, *usb)
    code, again = _run(week_ws, NEXT_FRIDAY)
    assert code == 0 and [d["step"] for d in again["done"]] == ["send"], again
    assert _state(week_ws, *usb) == before and len(mailbox.messages) == received

    status = CliRunner().invoke(main, ["-w", str(week_ws.path), "status", "--json"])
    schedule = json.loads(status.output)["schedule"]
    assert {item["step"] for item in schedule} >= {"issue", "backup"}


def test_the_sysadmin_hears_of_each_trouble_once(loaded, mailbox, tmp_path):
    """GIVEN a workbook nobody can be told about (no author), a letter held at the mailbox, a
    backup folder that is gone and a mailbox server that does not answer
    WHEN ``zhurnal run`` starts, and again at the same moment
    THEN the sysadmin gets one letter about each of the four (exit 3: the mailbox is down), and
    none the second time."""
    with socket.socket() as probe:          # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    _configure(loaded, tmp_path, mailbox.port, destinations=[tmp_path / "gone"], imap_port=closed)
    (loaded.settings.inbox / "не_журнал.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    settled(loaded.settings.inbox / "не_журнал.xlsx")
    with loaded.engine.begin() as conn:
        conn.execute(insert(s.fetched_mail).values(
            school_id=1, message_id="<x1@mail.example>", uid="7", sender="stranger@mail.example", status="held",
            reason="unknown-sender", files="[]", answered=False, received_at=dt.datetime(2026, 11, 27, 8, 0)))
    now = dt.datetime(2026, 11, 27, 10, 0)

    code, report = _run(loaded, now)
    assert code == 3, report
    assert set(report["problems"]) == {"fetch"}
    to_admin = [m for m in mailbox.parsed() if m["To"].addresses[0].addr_spec == ADMIN]
    # the rest are the week's workbooks handed to the teachers (the run issues 2026-W48 too)
    others = [m for m in mailbox.parsed() if m["To"].addresses[0].addr_spec != ADMIN]
    assert len(to_admin) == 4 and all(m["Message-ID"].strip().startswith("<workbooks.") for m in others)
    subjects = sorted(str(m["Subject"]) for m in to_admin)
    assert any("не_журнал.xlsx" in x for x in subjects)
    assert any("stranger@mail.example" in x for x in subjects)
    assert any("резервная копия не сделана" in x for x in subjects)
    assert any("получение почты" in x for x in subjects)
    assert all(m["Message-ID"].strip().startswith("<admin.") for m in to_admin)

    code, again = _run(loaded, now)
    assert code == 3 and again["alerts"] == []
    assert len(mailbox.messages) == 4 + len(others)


def test_a_week_waits_for_its_journals_until_the_hour(loaded):
    """GIVEN a school with no journal of 2026-W48 WHEN the schedule is asked on Saturday 12:30,
    after a run then, on Sunday and on Monday 09:00 (44 hours after Saturday noon) THEN the
    week's publish is due on Saturday (held: nothing written), not again on Sunday, due again on
    Monday with what is in (still nothing: nothing in), and not again after that."""
    from zhurnal.batch.due import due_steps, read_record

    def publishes(now: dt.datetime) -> list[str]:
        return [step.why for step in due_steps(loaded.ctx(now)) if step.name == "publish" and step.week == "2026-W48"]

    assert publishes(dt.datetime(2026, 11, 28, 8, 59)) == []                 # 11:59 on the school's clock
    assert publishes(SATURDAY_NOON) == ["the week's publish is due"]
    code, report = _run(loaded, SATURDAY_NOON)
    week = next(d["report"]["week"] for d in report["done"] if d["step"] == "publish" and d["week"] == "2026-W48")
    assert code == 0 and week["nothing_in"] and week["held"]
    assert read_record(loaded.settings)["publish"]["2026-W48"]["incomplete"] is False
    assert publishes(dt.datetime(2026, 11, 29, 12, 0)) == []
    assert publishes(dt.datetime(2026, 11, 30, 4, 59)) == []                 # 07:59 on Monday
    assert publishes(dt.datetime(2026, 11, 30, 5, 0)) == ["the hour has come: published with what is in"]
    code, report = _run(loaded, MONDAY)
    assert code == 0 and read_record(loaded.settings)["publish"]["2026-W48"]["incomplete"] is True
    assert publishes(MONDAY) == []
    assert not (loaded.settings.outbox / "2026-W48").exists()
