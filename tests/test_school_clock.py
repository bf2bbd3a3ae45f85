"""Moments people read are on the school's clock ([school] timezone), whatever the command:
the store keeps UTC, and ``status``, ``history`` and ``remind`` show what the school's wall clock
said. Oracle: Europe/Moscow is UTC+3 all year (no daylight saving since 2014), added by hand."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner
from sqlalchemy import insert

from zhurnal.batch.remind import remind_late
from zhurnal.cli import main
from zhurnal.report.commands import remind_text
from zhurnal.school.calendar import parse_week
from zhurnal.store import schema as s
from zhurnal.text.i18n import speaking

MOSCOW = dt.timedelta(hours=3)


def _run(ws, *args: str):
    return CliRunner().invoke(main, ["-w", str(ws.path), *args])


def test_status_history_and_remind_speak_the_schools_time(week_ws):
    """GIVEN a workbook received at 09:05 UTC on 28.11 and mail held at 21:30 UTC on 27.11 WHEN
    status, history and remind (before W49's deadline) THEN 12:05 on 28.11, 00:30 on 28.11, the
    history's times 3 h after the store's, and the deadline «сб 05.12.2026 12:00» — never UTC."""
    with week_ws.engine.begin() as conn:
        conn.execute(insert(s.submissions).values(
            school_id=1, sha256="1" * 64, original_name="поздно.xlsx", kind="journal", author="Тестова",
            received_at=dt.datetime(2026, 11, 28, 9, 5), status="accepted", findings="[]", week="2026-W48"))
        conn.execute(insert(s.fetched_mail).values(
            school_id=1, message_id="<held@x>", uid="7", sender="кто-то@x.ru", status="held", reason="unknown-sender",
            files="[]", answered=False, received_at=dt.datetime(2026, 11, 27, 21, 30)))
    status = _run(week_ws, "status")
    assert status.exit_code == 0, status.output
    assert "2026-11-28 12:05" in status.output and "09:05" not in status.output
    assert "2026-11-28 00:30" in status.output and "21:30" not in status.output

    stored = {r["id"]: r["received_at"] for r in week_ws.rows(s.submissions)}
    history = _run(week_ws, "history", "--class", "5А", "--json")
    rows = json.loads(history.output)
    assert rows
    shown = {dt.datetime.fromisoformat(r["received_at"]) for r in rows}
    assert shown <= {moment + MOSCOW for moment in stored.values()}

    with speaking("ru"):
        said = remind_text(remind_late(week_ws.ctx(), parse_week("2026-W49"), dt.datetime(2026, 12, 5, 8, 59)))
    assert said == "Срок сдачи книг за 2026-W49 ещё не наступил (сб 05.12.2026 12:00 по времени школы): напоминаний нет"
