"""Workbooks out to the teachers (issue 25, point 1): each teacher's week into their own folder
``outbox/teachers/<login>/<week>/`` and, with ``[smtp]`` set, by mail through the ledger, once."""

from __future__ import annotations

import email
from email.policy import default

from click.testing import CliRunner
from conftest import WEEK
from sqlalchemy import func, select
from test_send import Mailbox, smtp  # noqa: F401 — smtp is a fixture
from test_send_once import _toml, _use

from zhurnal.batch.deliver import deliver_week
from zhurnal.cli import main
from zhurnal.ingest.identify import read_metadata
from zhurnal.ingest.read import cells_of
from zhurnal.publish.send import send_outbox
from zhurnal.store import schema as s


def _plain_sql(ws, query: str) -> list[tuple]:
    with ws.engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(query)]


def test_week_reaches_each_teachers_folder_and_mailbox_once(loaded, smtp):  # noqa: F811
    """GIVEN the small school (setup, rosters), a local SMTP server in [smtp]
    WHEN the next week is delivered, sent, delivered again and sent again
    THEN every teacher who teaches that week (or keeps a class's register) has exactly their own
    workbooks in outbox/teachers/<login>/2026-W48/, and exactly one message with those workbooks
    attached and the line on how to hand them back; the second delivery writes no file, queues
    no mail and leaves no new issued base."""
    mailbox = Mailbox()
    port = smtp(mailbox)
    _use(loaded, port)
    teachers = {name: (login, address) for name, login, address in
                _plain_sql(loaded, "SELECT full_name, login, email FROM teachers")}
    # who should get what, from the timetable and the classes (plain SQL)
    teaching = {name for (name,) in _plain_sql(
        loaded, "SELECT DISTINCT l.teacher FROM timetable t JOIN teaching_load l ON l.class_code = t.class_code "
                "AND l.subject = t.subject AND l.subgroup = t.subgroup")}
    registers = {name for (name,) in _plain_sql(loaded, "SELECT class_teacher FROM classes WHERE class_teacher <> ''")}

    report = deliver_week(loaded.ctx(), WEEK)
    assert report.ok and report.no_teacher == [] and report.unchanged == 0
    outbox = loaded.settings.outbox / "teachers"
    for name, (login, _) in teachers.items():
        folder = outbox / login / WEEK.label
        files = sorted(p.name for p in folder.glob("*.xlsx")) if folder.exists() else []
        kinds = sorted(read_metadata(cells_of(folder / f))["kind"] for f in files)
        assert kinds == sorted((["journal"] if name in teaching else []) + (["attendance"] if name in registers else []))
        for f in files:
            assert read_metadata(cells_of(folder / f))["author"] == name     # nobody holds another's workbook
    issued = _count(loaded)

    sent = send_outbox(loaded.ctx(), sleep=lambda _: None)
    assert sent.ok and len(sent.sent) == len(teaching | registers)
    received = {}
    for rcpts, content in mailbox.messages:
        message = email.message_from_bytes(content, policy=default)
        [rcpt] = rcpts
        assert rcpt not in received
        received[rcpt] = message
    assert set(received) == {teachers[name][1] for name in teaching | registers}
    for name in teaching | registers:
        login, address = teachers[name]
        message = received[address]
        attached = sorted(part.get_filename() for part in message.iter_attachments())
        assert attached == sorted(p.name for p in (outbox / login / WEEK.label).glob("*.xlsx"))
        body = message.get_body().get_content()
        assert f"Здравствуйте, {name}!" in body and str(loaded.settings.inbox / login) in body
        assert "Книги на неделю 23.11–29.11.2026" == message["Subject"]

    mtimes = {p: p.stat().st_mtime_ns for p in outbox.rglob("*.xlsx")}
    again = deliver_week(loaded.ctx(), WEEK)
    assert again.written == {} and again.mailed == [] and again.unchanged == len(mtimes)
    assert {p: p.stat().st_mtime_ns for p in outbox.rglob("*.xlsx")} == mtimes
    assert _count(loaded) == issued
    assert send_outbox(loaded.ctx(), sleep=lambda _: None).sent == []
    assert len(mailbox.messages) == len(teaching | registers)


def _count(ws) -> int:
    with ws.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(s.issued_templates)).scalar()


def test_templates_week_delivers_and_a_change_supersedes_the_waiting_mail(loaded, smtp):  # noqa: F811
    """GIVEN [smtp] in zhurnal.toml WHEN `zhurnal templates week` runs THEN the workbooks are in
    templates_xlsx/ and in the teachers' folders, a message waits per teacher; WHEN the workbooks
    are reissued unchanged THEN nothing new waits; WHEN one teacher's journal changes (a lesson
    taken out of the timetable) THEN that teacher's waiting message is superseded by one new
    message and the others stay."""
    port = smtp(Mailbox())
    _toml(loaded, port)
    runner = CliRunner()
    result = runner.invoke(main, ["--workspace", str(loaded.path), "templates", "week", WEEK.label])
    assert result.exit_code == 0, result.output
    assert (loaded.settings.templates / WEEK.label).is_dir()
    waiting = _plain_sql(loaded, "SELECT message_id, recipient FROM mail_ledger WHERE kind = 'workbooks' "
                                 "AND status = 'queued'")
    assert waiting and len({r for _, r in waiting}) == len(waiting)
    result = runner.invoke(main, ["--workspace", str(loaded.path), "templates", "week", WEEK.label])
    assert result.exit_code == 0, result.output
    assert _plain_sql(loaded, "SELECT message_id, recipient FROM mail_ledger WHERE kind = 'workbooks' "
                              "AND status = 'queued'") == waiting
    with loaded.engine.begin() as conn:
        row = conn.exec_driver_sql("SELECT t.rowid, l.teacher FROM timetable t JOIN teaching_load l "
                                   "ON l.class_code = t.class_code AND l.subject = t.subject "
                                   "AND l.subgroup = t.subgroup LIMIT 1").first()
        conn.exec_driver_sql(f"DELETE FROM timetable WHERE rowid = {row[0]}")
    address = _plain_sql(loaded, f"SELECT email FROM teachers WHERE full_name = '{row[1]}'")[0][0]
    result = runner.invoke(main, ["--workspace", str(loaded.path), "templates", "week", WEEK.label])
    assert result.exit_code == 0, result.output
    now = _plain_sql(loaded, "SELECT message_id, recipient FROM mail_ledger WHERE kind = 'workbooks' "
                             "AND status = 'queued'")
    assert {m for m, r in now if r != address} == {m for m, r in waiting if r != address}
    [old] = [m for m, r in waiting if r == address]
    [new] = [m for m, r in now if r == address]
    assert new != old and _plain_sql(loaded, f"SELECT status FROM mail_ledger WHERE message_id = '{old}'") == \
        [("superseded",)]
    assert (loaded.settings.outbox / WEEK.label / "mail" / "superseded").is_dir()


def test_plans_and_period_sheets_reach_their_teachers_folders(loaded):
    """GIVEN the small school WHEN the КТП and the Q2 period sheets are handed out THEN each
    teacher's folder outbox/teachers/<login>/КТП/ and …/Q2/ holds exactly the workbooks issued
    to that teacher (their metadata's author), and handing them out again writes nothing."""
    from zhurnal.batch.deliver import hand_out_period, hand_out_plans
    logins = dict(_plain_sql(loaded, "SELECT full_name, login FROM teachers"))
    for hand_out, label in ((lambda ctx: hand_out_plans(ctx), "КТП"), (lambda ctx: hand_out_period(ctx, "Q2"), "Q2")):
        report = hand_out(loaded.ctx())
        assert report.paths and report.no_teacher == [] and report.mailed == []   # no [smtp]: folders only
        issued = {}
        for path in report.paths:
            issued.setdefault(read_metadata(cells_of(path))["author"], set()).add(path.name)
        for author, names in issued.items():
            folder = loaded.settings.outbox / "teachers" / logins[author] / label
            assert {p.name for p in folder.iterdir()} == names
        again = hand_out(loaded.ctx())
        assert again.written == {} and again.unchanged == len(report.paths)
