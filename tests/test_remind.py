"""Reminders after the hand-in deadline (issue 25, point 2): a teacher whose journal of the week
is not accepted by Saturday 12:00 (school time) gets one reminder, once; the deputy's summary
says who was reminded."""

from __future__ import annotations

import datetime as dt
import email
from email.policy import default

import openpyxl
from click.testing import CliRunner
from conftest import WEEK
from sqlalchemy import text
from test_send import Mailbox, smtp  # noqa: F401 — smtp is a fixture
from test_send_once import _toml, _use

from zhurnal.batch.remind import remind_late
from zhurnal.cli import main
from zhurnal.publish.send import send_outbox
from zhurnal.publish.summaries import write_summary
from zhurnal.publish.summary_data import week_summary
from zhurnal.school.snapshot import load_school

# Saturday 28.11.2026 12:00 in Moscow (UTC+3, no summer time since 2014) is 09:00 UTC
DEADLINE_UTC = dt.datetime(2026, 11, 28, 9, 0)


def _sql(ws, query: str, **params) -> list[tuple]:
    with ws.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(query), params)]


def test_a_late_teacher_gets_one_reminder_and_the_summary_says_so(week_ws, smtp, tmp_path):  # noqa: F811
    """GIVEN the typed week 2026-W48, every journal accepted but one teacher's (made rejected
    here), a local SMTP server
    WHEN reminders run a minute before the deadline THEN nobody is reminded;
    WHEN they run at the deadline THEN that teacher alone is late, with the groups they teach,
    and gets one message naming the deadline; WHEN `zhurnal remind` runs again and mail is sent
    again THEN nothing more is queued or sent; the deputy's «Ведение журнала» marks that teacher
    «отправлено» and nobody else."""
    mailbox = Mailbox()
    port = smtp(mailbox)
    _use(week_ws, port)
    _toml(week_ws, port)
    [(late, address)] = _sql(week_ws, "SELECT author, t.email FROM submissions s JOIN teachers t "
                                      "ON t.full_name = s.author WHERE kind = 'journal' AND status = 'accepted' "
                                      "ORDER BY author LIMIT 1")
    with week_ws.engine.begin() as conn:
        conn.execute(text("UPDATE submissions SET status = 'rejected' WHERE author = :a AND kind = 'journal'"),
                     {"a": late})
    classes = {c for (c,) in _sql(week_ws, "SELECT DISTINCT t.class_code FROM timetable t JOIN teaching_load l "
                                           "ON l.class_code = t.class_code AND l.subject = t.subject "
                                           "AND l.subgroup = t.subgroup WHERE l.teacher = :a", a=late)}

    early = remind_late(week_ws.ctx(), WEEK, now=DEADLINE_UTC - dt.timedelta(minutes=1))
    assert not early.due and early.reminded == [] and early.deadline == DEADLINE_UTC
    assert _sql(week_ws, "SELECT count(*) FROM mail_ledger WHERE kind = 'reminder'") == [(0,)]

    report = remind_late(week_ws.ctx(), WEEK, now=DEADLINE_UTC)
    assert report.due and list(report.late) == [late] and report.reminded == [late]
    assert {group.split(" — ")[0] for group in report.late[late]} == classes
    sent = send_outbox(week_ws.ctx(), sleep=lambda _: None)
    assert sent.ok and len(sent.sent) == 1
    [(rcpts, content)] = mailbox.messages
    message = email.message_from_bytes(content, policy=default)
    assert rcpts == [address] and message["Subject"] == "Напоминание: не сдан журнал за неделю 23.11–29.11.2026"
    body = message.get_body().get_content()
    assert "сб 28.11.2026 12:00" in body and f"Здравствуйте, {late}!" in body

    result = CliRunner().invoke(main, ["--workspace", str(week_ws.path), "remind", "--week", WEEK.label, "--json"])
    assert result.exit_code == 0, result.output
    assert '"reminded": []' in result.output and f'"before": [\n    "{late}"' in result.output
    assert send_outbox(week_ws.ctx(), sleep=lambda _: None).sent == [] and len(mailbox.messages) == 1

    ctx = week_ws.ctx()
    with ctx.engine.connect() as conn:
        data = week_summary(conn, load_school(conn, ctx.school_id), ctx.settings, WEEK)
    book = openpyxl.load_workbook(write_summary(tmp_path / "summary.xlsx", data, ctx.settings, with_week=True))
    sheet = book["Ведение журнала"]
    assert sheet.cell(3, 10).value == "Напоминание"
    # the teachers' table runs from row 4 to its first empty row (other tables follow below it)
    rows = list(sheet.iter_rows(min_row=4, values_only=True))
    marked = {r[0]: r[9] for r in rows[:next((i for i, r in enumerate(rows) if not r[0]), len(rows))]}
    assert marked[late] == "отправлено" and {v for k, v in marked.items() if k != late} == {"—"}


def test_remind_without_a_mail_server_is_a_usage_error_and_writes_nothing(week_ws):
    """GIVEN no [smtp] host WHEN ``zhurnal remind`` THEN exit 2 naming the setting (as ``send``
    does), and no reminder is queued: nothing could be kept for a later send."""
    result = CliRunner().invoke(main, ["--workspace", str(week_ws.path), "remind", "--week", WEEK.label])
    assert result.exit_code == 2 and "[smtp]" in result.output and "host" in result.output
    with week_ws.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM mail_ledger WHERE kind = 'reminder'")).scalar() == 0
