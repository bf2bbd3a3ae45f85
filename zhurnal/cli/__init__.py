"""The command line: flags in, one library call (:mod:`zhurnal.batch`), a table or JSON out
(:mod:`zhurnal.report`).

Exit codes, for every command: 0 done; 1 done, but something was rejected or failed (or
``--no-wait`` found another run at work); 2 usage or configuration; 3 infrastructure — the
store, the disk or a mail server cannot be used. See :mod:`zhurnal.cli.base`.

The commands live by group: :mod:`~zhurnal.cli.pipeline` (the weekly batch and its steps),
:mod:`~zhurnal.cli.templates`, :mod:`~zhurnal.cli.school` (status, history, periods, the year,
access), :mod:`~zhurnal.cli.store` (db, backup, restore, keys); ``init`` and ``demo`` are here.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import click

from zhurnal.batch.workspace import init as init_workspace
from zhurnal.cli import district, docs, pipeline, school, store, teachers
from zhurnal.cli.base import Main, say
from zhurnal.cli.templates import templates
from zhurnal.core.settings import resolve_workspace
from zhurnal.demo.run import run_demo
from zhurnal.demo.year import run_year
from zhurnal.report.commands import init_text
from zhurnal.text.i18n import N_


@click.group(cls=Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--workspace", "-w", type=click.Path(file_okay=False), default=None,
              help=N_("Workspace folder (else $ZHURNAL_WORKSPACE, else the current folder)."))
@click.option("--verbose", "-v", is_flag=True, help=N_("Log every step to stderr."))
@click.pass_context
def main(ctx: click.Context, workspace: str | None, verbose: bool) -> None:
    """zhurnal: an electronic class journal that runs on spreadsheets."""
    os.umask(0o077)   # everything zhurnal creates is owner-only (issue 26)
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    ctx.ensure_object(dict)
    ctx.obj["workspace"] = resolve_workspace(workspace)
    ctx.obj["verbose"] = verbose


@main.command()
@click.argument("directory", type=click.Path(file_okay=False), default=".")
@click.option("--code", default="school", show_default=True, help=N_("Short school code (latin)."))
@click.option("--name", default="Моя школа", show_default=True, help=N_("School name."))
@click.option("--fix-modes", is_flag=True, help=N_("Make every file and folder of the workspace owner-only."))
def init(directory: str, code: str, name: str, fix_modes: bool) -> None:
    """Make a workspace: folders, zhurnal.toml and the signing keyring."""
    # a default is only a new workspace's: one that exists keeps its own, and refuses another one typed
    typed = lambda key: click.get_current_context().get_parameter_source(key) != click.core.ParameterSource.DEFAULT
    say(init_text(init_workspace(Path(directory).resolve(), code=code if typed("code") else None,
                                 name=name if typed("name") else None, fix_modes=fix_modes)))


@main.command()
@click.argument("directory", type=click.Path(file_okay=False), default="demo")
@click.option("--students", default=300, show_default=True, type=click.IntRange(50, 20000),
              help=N_("About how many students the school has."))
@click.option("--seed", default=2026, show_default=True, help=N_("Random seed (same seed, same school)."))
@click.option("--year", "whole_year", is_flag=True,
              help=N_("A small school through a whole school year, closed at the end (--students is ignored)."))
@click.pass_context
def demo(ctx: click.Context, directory: str, students: int, seed: int, whole_year: bool) -> None:
    """Create a realistic demo school in DIRECTORY and run it through the pipeline."""
    if whole_year:
        summary = run_year(Path(directory).resolve(), seed=seed, echo=click.echo)
    else:
        summary = run_demo(Path(directory).resolve(), students=students, seed=seed, echo=click.echo)
    ctx.exit(0 if summary.ok else 1)


for command in (*pipeline.COMMANDS, *teachers.COMMANDS, templates, *school.COMMANDS, *store.COMMANDS,
                *docs.COMMANDS, *district.COMMANDS):
    main.add_command(command)


if __name__ == "__main__":
    main()
