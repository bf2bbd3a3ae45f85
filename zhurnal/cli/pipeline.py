"""The weekly batch and its steps: ``run`` (and ``schedule``, its timer), ``ingest``, ``validate``,
``publish``, ``fetch``, ``send``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from zhurnal.batch import steps
from zhurnal.batch.scheduled import run_due
from zhurnal.batch.timer import units
from zhurnal.batch.week import run_week
from zhurnal.batch.workspace import open_workspace
from zhurnal.cli.base import JSON, NO_WAIT, WEEK, Command, finish, folder, progress, say
from zhurnal.core.settings import load_settings
from zhurnal.report.ingest import ingest_table, validate_text
from zhurnal.report.publish import fetch_text, publish_text, run_text, send_text
from zhurnal.report.schedule import due_text, schedule_text
from zhurnal.text.i18n import N_

ALLOW_INCOMPLETE = click.option(
    "--allow-incomplete", is_flag=True,
    help=N_("Publish the classes whose journals are not all in too, each diary saying which subjects are missing "
            "(a class with nothing in is still held)."))


class Moment(click.ParamType):
    """A moment, ISO 8601 (``2026-11-28T09:30``; naive: UTC, as the store keeps moments)."""

    name = "moment"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.datetime):
            return value
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"«{value}»: 2026-11-28T09:30", param, ctx)
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
        return moment


# the clock of a scheduled run, for tests and for trying a schedule out (hidden)
NOW = click.option("--now", type=Moment(), default=None, hidden=True, envvar="ZHURNAL_NOW")


@click.command(cls=Command)
@click.option("--week", default=None, type=WEEK,
              help=N_("The week: 2026-W48 or any date in it (without it: what the schedule says is due now)."))
@ALLOW_INCOMPLETE
@JSON
@NO_WAIT
@NOW
@click.pass_context
def run(ctx: click.Context, week, allow_incomplete: bool, as_json: bool, no_wait: bool, now) -> None:
    """The weekly batch: fetch mail, ingest the inbox, publish the week, send; each step whose
    server is not configured is skipped with one line. Without --week: the steps due now by the
    school's calendar and [schedule] (a timer starts it every 15 minutes: zhurnal schedule)."""
    workspace = open_workspace(folder(ctx), now=now)
    if week is None:
        finish(run_due(workspace, wait=not no_wait), as_json, due_text)
    else:
        finish(run_week(workspace, week, wait=not no_wait, allow_incomplete=allow_incomplete), as_json, run_text)


@click.command(cls=Command)
@click.option("--service", "unit", flag_value="service", help=N_("Print only the service, as it goes into its file."))
@click.option("--timer", "unit", flag_value="timer", help=N_("Print only the timer, as it goes into its file."))
@click.option("--cron", "unit", flag_value="cron", help=N_("Print only the crontab line."))
@click.pass_context
def schedule(ctx: click.Context, unit: str | None) -> None:
    """A systemd service and timer (and a crontab line) that run zhurnal run every 15 minutes."""
    say(schedule_text(units(load_settings(folder(ctx), need_key=False)), unit))


@click.command(cls=Command)
@click.option("--dry-run", is_flag=True, help=N_("Validate and show the plan; change nothing."))
@JSON
@NO_WAIT
@click.pass_context
def ingest(ctx: click.Context, dry_run: bool, as_json: bool, no_wait: bool) -> None:
    """Process every workbook in inbox/: validate, merge, archive, feedback."""
    finish(steps.ingest_inbox(open_workspace(folder(ctx)), dry_run=dry_run, wait=not no_wait), as_json, ingest_table)


@click.command(cls=Command)
@click.argument("file", type=click.Path(exists=True, dir_okay=False), metavar="ФАЙЛ")
@JSON
@click.pass_context
def validate(ctx: click.Context, file: str, as_json: bool) -> None:
    """Check one workbook without ingesting it: its findings; nothing is stored or moved."""
    checked = steps.validate(open_workspace(folder(ctx), read_only=True), Path(file))
    finish(checked, as_json, lambda c: validate_text(c.result))


@click.command(cls=Command)
@click.option("--week", default=None, type=WEEK, help=N_("The week: 2026-W48 or any date in it."))
@click.option("--period", "period_code", default=None, help=N_("A period report too (Q2, H1, …)."))
@click.option("--year-report", is_flag=True,
              help=N_("The director's year report too: movement, class sizes, results by pupil, attendance."))
@click.option("--force", is_flag=True, help=N_("Mail parents even when their diary did not change."))
@ALLOW_INCOMPLETE
@JSON
@click.pass_context
def publish(ctx: click.Context, week, period_code: str | None, year_report: bool, force: bool,
            allow_incomplete: bool, as_json: bool) -> None:
    """Diaries (PDF), parents' mail (.eml), print bundles and summaries into outbox/; a class whose
    journals of the week are not all in is held and named (exit 1)."""
    done = steps.publish(open_workspace(folder(ctx)), week=week, period=period_code, year_report=year_report,
                         force=force, progress=progress(not as_json), allow_incomplete=allow_incomplete)
    finish(done, as_json, lambda d: publish_text(d.as_dict()))


@click.command(cls=Command)
@JSON
@click.pass_context
def fetch(ctx: click.Context, as_json: bool) -> None:
    """Take workbooks mailed to the school's mailbox ([imap]) into their senders' inbox folders."""
    finish(steps.fetch(open_workspace(folder(ctx))), as_json, fetch_text)


@click.command(cls=Command)
@click.option("--week", default=None, type=WEEK, help=N_("Only this week's mail (default: everything in outbox/)."))
@click.option("--resend-uncertain", is_flag=True,
              help=N_("Also send again the messages whose delivery is uncertain (the connection was lost before the server's reply)."))
@JSON
@click.pass_context
def send(ctx: click.Context, week, resend_uncertain: bool, as_json: bool) -> None:
    """Deliver outbox mail over SMTP; a rerun never sends twice what the server accepted."""
    finish(steps.send(open_workspace(folder(ctx)), week=week, progress=progress(not as_json),
                      resend_uncertain=resend_uncertain), as_json, send_text)


COMMANDS = (run, schedule, ingest, validate, publish, fetch, send)
