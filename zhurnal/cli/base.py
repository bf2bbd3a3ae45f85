"""What every command of the command line shares: translated help, the one place where a named
problem becomes its exit code, the workspace option, ``--json``, weeks and dates as arguments.

Exit codes (the contract, README «Exit codes» and docs/DESIGN.md): 0 done; 1 done, but something
was rejected or failed (or ``--no-wait`` found another run); 2 usage or configuration; 3 the
store, the disk or a mail server cannot be used. A named problem prints one line on stderr; its
traceback only with ``-v``; with ``--json`` also ``{"ok": false, "error", "exit_code"}`` on stdout.
"""

from __future__ import annotations

import json
import sys
import traceback
from collections.abc import Callable

import click

from zhurnal.backup.health import has_backup
from zhurnal.batch.faults import named
from zhurnal.core.errors import StoreDamaged
from zhurnal.core.settings import resolve_workspace
from zhurnal.report.commands import progress_label
from zhurnal.school.calendar import BadWeek, parse_week
from zhurnal.text.i18n import N_, _, choose_locale, speaking, translated
from zhurnal.validate.normalize import BadValue, to_date


class _Translated:
    """Help texts (docstrings, option help) are English message ids, translated where shown."""

    def format_help_text(self, ctx, formatter) -> None:
        with translated(self):
            super().format_help_text(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with translated(self):
            return super().get_short_help_str(limit)

    def get_help_option(self, ctx):
        # click words the option's help once, in whatever language was current: keep the id
        option = super().get_help_option(ctx)
        if option is not None and not getattr(option, "help_is_id", False):
            # once: format_options asks again while the translated text is in place
            option.help = "Show this message and exit."
            option.help_is_id = True
        return option

    def format_options(self, ctx, formatter) -> None:
        params = self.get_params(ctx)
        with translated(*params):
            super().format_options(ctx, formatter)


class Command(_Translated, click.Command):
    pass


class Group(_Translated, click.Group):
    command_class = Command
    group_class = type   # subgroups are of this class too


class Main(Group):
    """The top group: chooses the language first, and is the one place that turns a named
    problem into its line on stderr and its exit code."""

    as_json = False                        # ``--json`` among this call's arguments

    def main(self, args=None, **kwargs):
        """Choose the language before click parses anything (its usage errors speak it too)."""
        argv = list(sys.argv[1:] if args is None else args)
        self.as_json = "--json" in argv[:argv.index("--")] if "--" in argv else "--json" in argv
        with speaking(choose_locale(resolve_workspace(workspace_option(argv)))):
            return super().main(args=argv, **kwargs)

    def _stopped(self, said: str, exit_code: int) -> None:
        """With ``--json``, a command that stops still prints one JSON object on stdout (the line
        stays on stderr): ``{"ok": false, "error": said, "exit_code": N}``."""
        if self.as_json:
            click.echo(json.dumps({"ok": False, "error": said, "exit_code": exit_code}, ensure_ascii=False))

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.exceptions.UsageError as exc:       # a mistyped flag or value: click says it (exit 2)
            self._stopped(exc.format_message(), exc.exit_code)
            raise
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            problem = named(exc)
            if problem is None:
                raise                      # not an expected problem: a bug, with its traceback
            if isinstance(problem, StoreDamaged) and not has_backup((ctx.obj or {}).get("workspace")):
                problem = problem.without_backup()     # no restore to name: say there is no backup
            if (ctx.obj or {}).get("verbose"):
                click.echo(traceback.format_exc().rstrip(), err=True)
            click.echo(f"zhurnal: {problem.said()}", err=True)
            self._stopped(problem.said(), problem.exit_code)
            ctx.exit(problem.exit_code)


def workspace_option(argv: list[str]) -> str | None:
    """The value of ``--workspace``/``-w`` in ``argv`` before click parses it (None: not given)."""
    for i, arg in enumerate(argv):
        if arg in ("--workspace", "-w"):
            return argv[i + 1] if i + 1 < len(argv) else None
        if arg.startswith("--workspace="):
            return arg.split("=", 1)[1]
        if arg.startswith("-w") and len(arg) > 2 and not arg.startswith("--"):
            return arg[2:]
    return None


def folder(ctx: click.Context):
    """The workspace folder the top group resolved."""
    return ctx.find_root().obj["workspace"]


def finish(result, as_json: bool, text) -> None:
    """Print ``result`` as JSON or as ``text(result)``, and exit with its ``exit_code`` (a
    library result without one: 0 when ``ok``, else 1)."""
    click.echo(json.dumps(result.as_dict(), ensure_ascii=False, indent=2, default=str) if as_json else text(result))
    code = getattr(result, "exit_code", None)
    click.get_current_context().exit(code if code is not None else 0 if getattr(result, "ok", True) else 1)


def say(text: str) -> None:
    """Print a report's text (a command whose only outcome is done, exit 0)."""
    if text:
        click.echo(text)


JSON = click.option("--json", "as_json", is_flag=True, help=N_("Print one JSON result."))
NO_WAIT = click.option("--no-wait", is_flag=True, help=N_("Exit 1 at once when another run holds the workspace."))


class _Parsed(click.ParamType):
    """A value typed as text and parsed while the arguments are read; a bad one is a usage error
    (exit 2) saying what is expected."""

    parse: Callable[[str], object]
    bad: type[Exception]
    hint: str                       # N_() text with {text}: the value as typed

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        try:
            return type(self).parse(value)
        except self.bad:
            self.fail(_(self.hint).format(text=value), param, ctx)


class WeekType(_Parsed):
    """An ISO week (2026-W48) or any date inside it."""

    name = "week"
    parse, bad = staticmethod(parse_week), BadWeek
    hint = N_("«{text}» is not a week: use 2026-W48 or a date such as 2026-11-25")


class DateType(_Parsed):
    name = "date"
    parse, bad = staticmethod(to_date), BadValue
    hint = N_("«{text}» is not a date: use 25.11.2026 or 2026-11-25")


WEEK, DATE = WeekType(), DateType()


def progress(enabled: bool):
    """``progress(what)`` → a click progress bar on stderr fed by ``callback(done, total)``
    (nothing with ``--json``)."""

    def bar_for(what: str):
        state = {"bar": None, "done": 0}

        def callback(done: int, total: int) -> None:
            if not enabled:
                return
            if state["bar"] is None:
                state["bar"] = click.progressbar(length=total, label=progress_label(what), file=sys.stderr)
                state["bar"].__enter__()
            state["bar"].update(done - state["done"])
            state["done"] = done
            if done >= total:
                state["bar"].__exit__(None, None, None)

        return callback

    return bar_for
