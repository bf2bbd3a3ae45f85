"""The school's documents (``zhurnal docs regulation|site|guides``) and the health check
(``zhurnal doctor``)."""

from __future__ import annotations

from pathlib import Path

import click

from zhurnal.cli.base import JSON, Command, Group, finish, folder
from zhurnal.docs import run
from zhurnal.text.i18n import N_, _

OUT = click.option("--out", "out", type=click.Path(file_okay=False), default=None,
                   help=N_("Folder to write into (default: outbox/docs/)."))


def made_text(made) -> str:
    return "\n".join([_("written: {path}").format(path=path) for path in made.files] + made.notes)


@click.group(cls=Group)
def docs() -> None:
    """The school's documents drafted from the settings: the regulation, the site, the guides."""


@docs.command()
@OUT
@JSON
@click.pass_context
def regulation(ctx: click.Context, out: str | None, as_json: bool) -> None:
    """The regulation on keeping the electronic journal: an editable .docx and its PDF."""
    finish(run.regulation(folder(ctx), Path(out) if out else None), as_json, made_text)



@docs.command()
@click.argument("directory", type=click.Path(file_okay=False))
@JSON
@click.pass_context
def site(ctx: click.Context, directory: str, as_json: bool) -> None:
    """A small static site about the journal for the school's web site (no personal data)."""
    finish(run.site(folder(ctx), Path(directory)), as_json, made_text)


@docs.command()
@OUT
@JSON
@click.pass_context
def guides(ctx: click.Context, out: str | None, as_json: bool) -> None:
    """Guides for a subject teacher, a class teacher, a parent and the sysadmin (PDF), with pictures of
    this school's workbooks."""
    finish(run.guides(folder(ctx), Path(out) if out else None), as_json, made_text)


LEVELS = {"ok": "✓", "warning": "!", "problem": "✗"}


def health_text(health) -> str:
    return "\n".join(f"{LEVELS[c.level]} {c.said}" for c in health.checks)


@click.command(cls=Command)
@click.option("--bundle", "bundle", type=click.Path(dir_okay=False), default=None,
              help=N_("Also write a zip for technical support (no personal data, no secrets)."))
@JSON
@click.pass_context
def doctor(ctx: click.Context, bundle: str | None, as_json: bool) -> None:
    """The workspace's health: versions, settings, store, folders, backups, the last run, what is stuck."""
    health = run.doctor(folder(ctx), Path(bundle) if bundle else None)
    finish(health, as_json, lambda h: health_text(h) + (
        "\n" + _("Support bundle: {path}").format(path=bundle) if bundle else ""))


COMMANDS = (docs, doctor)
