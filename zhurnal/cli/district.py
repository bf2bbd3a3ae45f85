"""The region: ``zhurnal worker`` (run jobs from the district's queue) and ``zhurnal district
run | status``."""

from __future__ import annotations

import click

from zhurnal.cli.base import JSON, Command, Group, WeekType, finish
from zhurnal.district.settings import District, QueueNotInstalled, district_file, load_district
from zhurnal.report.district import deferred_text, status_text
from zhurnal.text.i18n import N_


def _queue(path: str | None) -> District:
    """The district's settings, once the queue's library is known to be installed (Procrastinate
    comes with zhurnal[postgresql]; without it a user gets that line, not an import error)."""
    try:
        import procrastinate  # noqa: F401
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise QueueNotInstalled() from exc
    return load_district(district_file(path))


DISTRICT = click.option("--district", "district_path", default=None, metavar="FILE",
                        help=N_("The district file (else $ZHURNAL_DISTRICT, else ./district.toml)."))


@click.command(cls=Command)
@DISTRICT
@click.option("--name", default=None, help=N_("This worker's name in the queue (e.g. the machine's)."))
def worker(district_path: str | None, name: str | None) -> None:
    """Run the district's jobs on this machine until stopped (any number of machines at once)."""
    district_ = _queue(district_path)
    from zhurnal.district.queue import work  # Procrastinate: installed with zhurnal[postgresql]
    work(district_, name=name)


@click.group(cls=Group)
def district() -> None:
    """A region's week on many machines: defer it, see how it goes."""


@district.command("run", cls=Command)
@DISTRICT
@click.option("--week", "week", required=True, type=WeekType(), help=N_("The week (2026-W48 or a date in it)."))
@JSON
def district_run(district_path: str | None, week, as_json: bool) -> None:
    """Queue the week of every school of the district (the workers do it)."""
    district_ = _queue(district_path)
    from zhurnal.district.status import defer_week
    finish(defer_week(district_, week), as_json, deferred_text)


@district.command("status", cls=Command)
@DISTRICT
@JSON
def district_status(district_path: str | None, as_json: bool) -> None:
    """Jobs by state and school, the slowest, the failed with their reason (exit 1 if any failed)."""
    district_ = _queue(district_path)
    from zhurnal.district.status import queue_status
    finish(queue_status(district_), as_json, status_text)


COMMANDS = (worker, district)
