"""``zhurnal remind``: the teachers whose journal of a week is late, reminded once by mail."""

from __future__ import annotations

import click

from zhurnal.batch.remind import remind_late
from zhurnal.batch.workspace import open_workspace
from zhurnal.cli.base import JSON, WEEK, Command, finish, folder
from zhurnal.core.errors import NotConfigured
from zhurnal.report.commands import remind_text
from zhurnal.school.calendar import Week
from zhurnal.text.i18n import N_


@click.command(cls=Command)
@click.option("--week", required=True, type=WEEK, help=N_("The week: 2026-W48 or any date in it."))
@JSON
@click.pass_context
def remind(ctx: click.Context, week: Week, as_json: bool) -> None:
    """After the week's hand-in deadline ([journal] hand_in_weekday, hand_in_time): one reminder
    to each teacher whose journal is not accepted (mail waits in outbox/ for send)."""
    run = open_workspace(folder(ctx))
    if not run.settings.smtp.host:      # a reminder is mail: without a server nothing could be kept for later
        raise NotConfigured("smtp", "host")
    finish(remind_late(run, week), as_json, remind_text)


COMMANDS = (remind,)
