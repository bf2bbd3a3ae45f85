"""What the school's journal holds and its locks: ``status``, ``history``, ``period …``,
``year …``, ``access …``."""

from __future__ import annotations

import click

from zhurnal.batch import access as access_lib
from zhurnal.batch.history import HistoryFilter, trail
from zhurnal.batch.status import workspace_status
from zhurnal.batch.workspace import open_workspace
from zhurnal.cli.base import DATE, JSON, Command, Group, finish, folder, say
from zhurnal.closing.close import close_year, reopen_year
from zhurnal.merge.period_lock import set_period_closed
from zhurnal.report import commands as text
from zhurnal.report.history import history_text
from zhurnal.report.status import status_text
from zhurnal.text.i18n import N_


@click.command(cls=Command)
@JSON
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """What the store holds, recent submissions, what waits in inbox/."""
    finish(workspace_status(open_workspace(folder(ctx), read_only=True, need_key=False, check_whole=False)),
           as_json, status_text)


@click.command("history", cls=Command)
@click.option("--student", default=None, help=N_("The pupil: the start of the full name (or the id)."))
@click.option("--class", "class_code", default=None, help=N_("Class, e.g. 7А."))
@click.option("--subject", default=None, help=N_("Subject name."))
@click.option("--from", "start", default=None, type=DATE, help=N_("From date (01.09.2026 or 2026-09-01)."))
@click.option("--to", "end", default=None, type=DATE, help=N_("To date."))
@JSON
@click.pass_context
def history_command(ctx: click.Context, student, class_code, subject, start, end, as_json) -> None:
    """The trail of changes to marks, absences, lessons and period marks."""
    wanted = HistoryFilter(None, class_code, subject, start, end, student=student)
    finish(trail(open_workspace(folder(ctx), read_only=True), wanted), as_json, lambda t: history_text(t.rows))


@click.group(cls=Group)
def period() -> None:
    """Close or reopen a period (closed periods accept no changes)."""


def _lock(ctx: click.Context, code: str, closed: bool, reason: str | None) -> None:
    run = open_workspace(folder(ctx))
    changed = set_period_closed(run.engine, run.school_id, code, closed=closed, reason=reason, now=run.now)
    say(text.period_text(code, closed, changed))


@period.command("close")
@click.argument("code")
@click.option("--reason", default=None, help=N_("Why (kept with the event)."))
@click.pass_context
def period_close(ctx: click.Context, code: str, reason: str | None) -> None:
    """Lock period CODE (Q1, H1, …)."""
    _lock(ctx, code, True, reason)


@period.command("reopen")
@click.argument("code")
@click.option("--reason", required=True, help=N_("Why it is reopened (required, kept with the event)."))
@click.pass_context
def period_reopen(ctx: click.Context, code: str, reason: str) -> None:
    """Unlock period CODE; the reason is recorded."""
    _lock(ctx, code, False, reason)


@click.group(cls=Group)
def year() -> None:
    """Close the school year (lock it and write its archive) or reopen it."""


@year.command("close")
@click.argument("year_label", metavar="YEAR")
@click.option("--force", is_flag=True, help=N_("Close even while a period of the year is still open."))
@click.pass_context
def year_close(ctx: click.Context, year_label: str, force: bool) -> None:
    """Lock school year YEAR (2026/2027 or 2026) and write its archive to outbox/year/."""
    say(text.year_closed_text(close_year(open_workspace(folder(ctx)), year_label, force=force)))


@year.command("reopen")
@click.argument("year_label", metavar="YEAR")
@click.option("--reason", required=True, help=N_("Why the school year is reopened (required, kept with the event)."))
@click.pass_context
def year_reopen(ctx: click.Context, year_label: str, reason: str) -> None:
    """Unlock school year YEAR; the reason is recorded."""
    say(text.year_reopened_text(reopen_year(open_workspace(folder(ctx)), year_label, reason), year_label))


@click.group(cls=Group)
def access() -> None:
    """Access credentials: parents' diary passwords, teachers' channels."""


@access.command("slips")
@click.option("--class", "class_code", default=None, help=N_("One slip per parent of this class (their diary password)."))
@click.option("--teachers", is_flag=True, help=N_("One slip per teacher: their inbox folder and the address to send to."))
@click.pass_context
def access_slips(ctx: click.Context, class_code: str | None, teachers: bool) -> None:
    """Slips to print and cut, written to outbox/access/."""
    context = open_workspace(folder(ctx), read_only=True, need_key=False)
    say(text.slips_text(access_lib.slips(context, class_code=class_code, teachers=teachers)))


@access.command("reset")
@click.option("--parent", "parent_id", type=int, required=True, help=N_("Parent id (in the class roster)."))
@click.pass_context
def access_reset(ctx: click.Context, parent_id: int) -> None:
    """A new diary password for one parent (the old one stops opening new mail)."""
    say(text.reset_text(access_lib.reset(open_workspace(folder(ctx), read_only=True, need_key=False), parent_id)))


COMMANDS = (status, history_command, period, year, access)
