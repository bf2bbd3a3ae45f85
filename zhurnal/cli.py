"""The command line: flags in, one library call, a table or JSON out.

Exit codes: 0 all accepted or done; 1 finished but something was rejected or failed;
2 usage or configuration error.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import click

from zhurnal.text.i18n import N_, _, choose_locale, speaking, translated
from zhurnal.core.settings import ConfigError, Settings, load_settings, resolve_workspace


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

    def main(self, args=None, **kwargs):
        """Choose the language before click parses anything (its usage errors speak it too)."""
        argv = list(sys.argv[1:] if args is None else args)
        with speaking(choose_locale(resolve_workspace(_workspace_option(argv)))):
            return super().main(args=argv, **kwargs)


def _workspace_option(argv: list[str]) -> str | None:
    """The value of ``--workspace``/``-w`` in ``argv`` before click parses it (None: not given)."""
    for i, arg in enumerate(argv):
        if arg in ("--workspace", "-w"):
            return argv[i + 1] if i + 1 < len(argv) else None
        if arg.startswith("--workspace="):
            return arg.split("=", 1)[1]
        if arg.startswith("-w") and len(arg) > 2 and not arg.startswith("--"):
            return arg[2:]
    return None


def _fail(message: str) -> None:
    click.echo(f"zhurnal: {message}", err=True)
    sys.exit(2)


def _settings(ctx: click.Context, need_key: bool = True) -> Settings:
    try:
        return load_settings(ctx.obj["workspace"], need_key=need_key)
    except ConfigError as exc:
        _fail(str(exc))


def _engine(settings: Settings):
    from sqlalchemy.exc import SQLAlchemyError

    from zhurnal.store import open_store
    from zhurnal.store.engine import StoreError, mask_secrets, masked
    try:
        return open_store(settings.store_url)
    except StoreError as exc:
        _fail(_("store {url}: {error}").format(url=masked(settings.store_url), error=_store_problem(exc)))
    except (SQLAlchemyError, ImportError) as exc:
        _fail(mask_secrets(_("store {url}: {error}").format(url=masked(settings.store_url), error=_driver_hint(exc)),
                           settings.store_url))


def _driver_hint(exc: Exception) -> str:
    """The error, and for a missing PostgreSQL driver how to install it."""
    if isinstance(exc, ImportError) and "psycopg" in str(exc):
        return _("{error}: install the PostgreSQL driver with pip install 'zhurnal[postgresql]'").format(error=exc)
    return str(exc)


def _store_problem(exc: Exception) -> str:
    from zhurnal.store.copy import CopyMismatch, SchoolExists
    from zhurnal.store.engine import StoreOutdated, StoreTooNew
    from zhurnal.store.roles import NotPostgres, UnknownSchool
    if isinstance(exc, SchoolExists):
        return _("it already holds school '{code}'; nothing was copied").format(code=exc.code)
    if isinstance(exc, CopyMismatch):
        return _("the copy differs from this store in {tables}; nothing was copied").format(
            tables=", ".join(exc.tables))
    if isinstance(exc, UnknownSchool):
        return _("school '{code}' is not in it (db copy or zhurnal init it first)").format(code=exc.code)
    if isinstance(exc, NotPostgres):
        return _("roles and row-level security need a PostgreSQL store")
    if isinstance(exc, StoreOutdated):
        return _("the store's schema is at revision {current}, this zhurnal needs {head}: "
                 "run 'zhurnal db upgrade' (back the store up first)").format(current=exc.current, head=exc.head)
    if isinstance(exc, StoreTooNew):
        return _("the store's schema is at revision {current}, which this zhurnal does not know: "
                 "a newer zhurnal has upgraded it; install that version").format(current=exc.current)
    return str(exc)


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--workspace", "-w", type=click.Path(file_okay=False), default=None,
              help=N_("Workspace folder (else $ZHURNAL_WORKSPACE, else the current folder)."))
@click.option("--verbose", "-v", is_flag=True, help=N_("Log every step to stderr."))
@click.pass_context
def main(ctx: click.Context, workspace: str | None, verbose: bool) -> None:
    """zhurnal: an electronic class journal that runs on spreadsheets."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    ctx.ensure_object(dict)
    ctx.obj["workspace"] = resolve_workspace(workspace)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False), default=".")
@click.option("--code", default="school", show_default=True, help=N_("Short school code (latin)."))
@click.option("--name", default="Моя школа", show_default=True, help=N_("School name."))
def init(directory: str, code: str, name: str) -> None:
    """Make a workspace: folders, zhurnal.toml and the signing keyring."""
    from zhurnal.core.keyring import KeyringError
    from zhurnal.school.workspace import init_workspace
    try:
        made = init_workspace(Path(directory).resolve(), code=code, name=name)
    except KeyringError as exc:
        _fail(str(exc))
    for path in made:
        click.echo(_("created {path}").format(path=path))
    if not made:
        click.echo(_("{folder} is already a workspace").format(folder=Path(directory).resolve()))
    # the school enters the store now, so that commands that only read find it
    from zhurnal.school.context import open_context
    settings = _settings(click.Context(main, obj={"workspace": Path(directory).resolve()}))
    open_context(settings, _engine(settings))


def _context(ctx: click.Context, *, read_only: bool = False, need_key: bool = True):
    """The run context: settings, store, the school (not created by commands that only read);
    ``need_key``: False for commands that never sign or verify a workbook."""
    from zhurnal.school.context import open_context
    from zhurnal.store.engine import masked
    settings = _settings(ctx, need_key=need_key)
    run = open_context(settings, _engine(settings), read_only=read_only)
    if read_only and run.school_id is None:
        # a command that only reads never adds a school: a typo in the code must not leave an
        # empty school in a district's shared store
        _fail(_("school '{code}' is not in the store {url}: check [school] code in zhurnal.toml, "
                "or run 'zhurnal init' to add it").format(code=settings.school.code, url=masked(settings.store_url)))
    return run


def _call(function, *args, **kwargs):
    """Run one library call; a named usage problem (unknown class, period, …) exits 2."""
    from zhurnal.core.errors import UsageError
    try:
        return function(*args, **kwargs)
    except UsageError as exc:
        _fail(exc.said())


def _echo_paths(paths) -> None:
    for path in paths:
        click.echo(path)


@main.group()
def templates() -> None:
    """Write blank or prefilled workbooks to templates_xlsx/."""


@templates.command("setup")
@click.pass_context
def templates_setup(ctx: click.Context) -> None:
    """The school setup workbook (prefilled with the current setup)."""
    from zhurnal.issue import issue_setup
    click.echo(issue_setup(_context(ctx)))


@templates.command("roster")
@click.option("--class", "class_code", default=None, help=N_("One class, e.g. 7А (default: all)."))
@click.pass_context
def templates_roster(ctx: click.Context, class_code: str | None) -> None:
    """Class rosters (prefilled with the students and parents the store holds)."""
    from zhurnal.issue import issue_rosters
    _echo_paths(_call(issue_rosters, _context(ctx), class_code))


@templates.command("week")
@click.argument("week")
@click.option("--teacher", default=None, help=N_("Only this teacher's workbooks (full name)."))
@click.pass_context
def templates_week(ctx: click.Context, week: str, teacher: str | None) -> None:
    """Journals and attendance registers for WEEK (2026-W48 or any date in it)."""
    from zhurnal.issue import issue_week
    _echo_paths(_call(issue_week, _context(ctx), _week(week), teacher=teacher))


@templates.command("period")
@click.argument("period")
@click.option("--teacher", default=None, help=N_("Only this teacher's workbook (full name)."))
@click.pass_context
def templates_period(ctx: click.Context, period: str, teacher: str | None) -> None:
    """Period-mark workbooks for PERIOD (Q2, H1, …) with averages and suggested marks."""
    from zhurnal.issue import issue_period
    _echo_paths(_call(issue_period, _context(ctx), period, teacher=teacher))


@templates.command("year")
@click.option("--teacher", default=None, help=N_("Only this teacher's workbook (full name)."))
@click.pass_context
def templates_year(ctx: click.Context, teacher: str | None) -> None:
    """Year-mark workbooks: term marks, the computed year mark to confirm, exams of grades 9 and 11."""
    from zhurnal.issue import issue_year
    _echo_paths(_call(issue_year, _context(ctx), teacher=teacher))


@templates.command("prior-marks")
@click.option("--grade", default=10, show_default=True, type=click.IntRange(1, 11),
              help=N_("The grade the marks were set in."))
@click.pass_context
def templates_prior_marks(ctx: click.Context, grade: int) -> None:
    """Workbooks for marks of an earlier year kept outside zhurnal (grade 10's for grade 11's finals)."""
    from zhurnal.issue import issue_prior_marks
    _echo_paths(_call(issue_prior_marks, _context(ctx), grade=grade))


@templates.command("plan")
@click.option("--teacher", default=None, help=N_("Only this teacher's plans (full name)."))
@click.pass_context
def templates_plan(ctx: click.Context, teacher: str | None) -> None:
    """Calendar-thematic plans (КТП), one per teacher × class × subject × subgroup."""
    from zhurnal.issue import issue_plans
    _echo_paths(_call(issue_plans, _context(ctx), teacher=teacher))


def _week(text: str):
    from zhurnal.school.calendar import BadWeek, parse_week
    try:
        return parse_week(text)
    except BadWeek:
        _fail(_("«{text}» is not a week: use 2026-W48 or a date such as 2026-11-25").format(text=text))


def _date(text: str | None):
    from zhurnal.validate.normalize import BadValue, to_date
    if not text:
        return None
    try:
        return to_date(text)
    except BadValue:
        _fail(_("«{text}» is not a date: use 25.11.2026 or 2026-11-25").format(text=text))


@main.group()
def period() -> None:
    """Close or reopen a period (closed periods accept no changes)."""


def _lock(ctx: click.Context, code: str, closed: bool, reason: str | None) -> None:
    from zhurnal.merge.period_lock import set_period_closed
    run = _context(ctx)
    changed = _call(set_period_closed, run.engine, run.school_id, code, closed=closed, reason=reason, now=run.now)
    if changed:
        click.echo((_("{code}: closed") if closed else _("{code}: open")).format(code=code))
    else:
        click.echo((_("{code} was already closed") if closed else _("{code} was already open")).format(code=code))


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


@main.group()
def year() -> None:
    """Close the school year (lock it and write its archive) or reopen it."""


@year.command("close")
@click.argument("year_label", metavar="YEAR")
@click.option("--force", is_flag=True, help=N_("Close even while a period of the year is still open."))
@click.pass_context
def year_close(ctx: click.Context, year_label: str, force: bool) -> None:
    """Lock school year YEAR (2026/2027 or 2026) and write its archive to outbox/year/."""
    from zhurnal.closing.close import close_year
    report = _call(close_year, _context(ctx), year_label, force=force)
    if report.already_closed:
        click.echo(_("{year} was already closed; the archive is in {folder}").format(year=report.year,
                                                                                   folder=report.folder))
        return
    click.echo(_("{year}: closed").format(year=report.year))
    click.echo(_("Archive: {folder} ({count} files, listed in manifest.json)").format(
        folder=report.folder, count=len(report.files)))
    click.echo(_("Store snapshot sha256: {digest}").format(digest=report.snapshot))
    for code, count in report.without_grade_10.items():
        click.echo(_("Warning: {count} pupils of {cls} have no grade-10 marks, so their final marks come from "
                     "grade 11 alone (type them into zhurnal templates prior-marks)").format(count=count, cls=code),
                   err=True)


@year.command("reopen")
@click.argument("year_label", metavar="YEAR")
@click.option("--reason", required=True, help=N_("Why the school year is reopened (required, kept with the event)."))
@click.pass_context
def year_reopen(ctx: click.Context, year_label: str, reason: str) -> None:
    """Unlock school year YEAR; the reason is recorded."""
    from zhurnal.closing.close import reopen_year
    label = _call(reopen_year, _context(ctx), year_label, reason)
    if label:
        click.echo(_("{year}: open").format(year=label))
    else:
        click.echo(_("{year} was already open").format(year=year_label))


@main.command("history")
@click.option("--student", "student_id", type=int, default=None, help=N_("Student id."))
@click.option("--class", "class_code", default=None, help=N_("Class, e.g. 7А."))
@click.option("--subject", default=None, help=N_("Subject name."))
@click.option("--from", "start", default=None, help=N_("From date (01.09.2026 or 2026-09-01)."))
@click.option("--to", "end", default=None, help=N_("To date."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print one JSON result."))
@click.pass_context
def history_command(ctx: click.Context, student_id, class_code, subject, start, end, as_json) -> None:
    """The trail of changes to marks, absences, lessons and period marks."""
    from zhurnal.history import HistoryFilter, history
    from zhurnal.report import history_text
    rows = _call(history, _context(ctx, read_only=True), HistoryFilter(student_id, class_code, subject, _date(start), _date(end)))
    _print_json(rows) if as_json else click.echo(history_text(rows))


def _print_ingest(report) -> None:
    from zhurnal.report import ingest_table
    click.echo(ingest_table(report))


def _run_ingest(context, no_wait: bool, dry_run: bool = False):
    """Ingest; another run holding the workspace with ``--no-wait`` exits 1, a missing inbox 2."""
    from zhurnal.ingest.lock import WorkspaceBusy
    from zhurnal.ingest.pipeline import ingest as run_ingest
    try:
        return _call(run_ingest, context, dry_run=dry_run, wait=not no_wait)
    except WorkspaceBusy as exc:
        click.echo(f"zhurnal: {exc}", err=True)
        sys.exit(1)
    except OSError as exc:  # the disk is full: the run stopped, nothing half-applied
        _fail(_("stopped: {error} ({file})").format(error=exc.strerror or exc, file=exc.filename or ""))


NO_WAIT = click.option("--no-wait", is_flag=True, help=N_("Exit 1 at once when another run holds the workspace."))


@main.command()
@click.option("--dry-run", is_flag=True, help=N_("Validate and show the plan; change nothing."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print one JSON result."))
@NO_WAIT
@click.pass_context
def ingest(ctx: click.Context, dry_run: bool, as_json: bool, no_wait: bool) -> None:
    """Process every workbook in inbox/: validate, merge, archive, feedback."""
    context = _context(ctx)
    report = _run_ingest(context, no_wait, dry_run)
    if not dry_run:   # a teacher who mailed a workbook gets a receipt or the feedback (zhurnal send)
        from zhurnal.fetch.answer import answer_senders
        answer_senders(context, report.files)
    _print_json(report.as_dict()) if as_json else _print_ingest(report)
    sys.exit(0 if report.ok else 1)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help=N_("Print one JSON result."))
@click.pass_context
def validate(ctx: click.Context, file: str, as_json: bool) -> None:
    """Check one workbook without ingesting it: its findings; nothing is stored or moved."""
    from zhurnal.ingest.pipeline import validate_file
    from zhurnal.report import validate_text
    result = validate_file(_context(ctx, read_only=True), Path(file))
    _print_json(result.as_dict()) if as_json else click.echo(validate_text(result))
    sys.exit(0 if result.status in ("accepted", "duplicate") else 1)


def _progress(label: str, enabled: bool):
    """A click progress bar fed by ``callback(done, total)`` calls (silent with --json)."""
    state = {"bar": None, "done": 0}

    def callback(done: int, total: int) -> None:
        if not enabled:
            return
        if state["bar"] is None:
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"].__enter__()
        state["bar"].update(done - state["done"])
        state["done"] = done
        if done >= total:
            state["bar"].__exit__(None, None, None)

    return callback


def _publish(run, week: str | None, period_code: str | None, force: bool, as_json: bool,
             year_report: bool = False) -> dict:
    from zhurnal.publish.run import publish_period, publish_week
    from zhurnal.publish.year_report import publish_year_report
    result = {}
    if year_report:
        path = str(_call(publish_year_report, run))
        result["year_report"] = {"ok": True, "path": path, "summaries": [path], "failed": []}
    if week:
        result["week"] = _call(publish_week, run, _week(week), force=force,
                               progress=_progress(_("Diaries"), not as_json)).as_dict()
    if period_code:
        result["period"] = _call(publish_period, run, period_code, force=force,
                                 progress=_progress(_("Report cards"), not as_json)).as_dict()
    return result


def _published_ok(result: dict) -> bool:
    return all(part["ok"] for part in result.values())


@main.command()
@click.option("--week", default=None, help=N_("The week: 2026-W48 or any date in it."))
@click.option("--period", "period_code", default=None, help=N_("A period report too (Q2, H1, …)."))
@click.option("--year-report", is_flag=True,
              help=N_("The director's year report too: movement, class sizes, results by pupil, attendance."))
@click.option("--force", is_flag=True, help=N_("Mail parents even when their diary did not change."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print one JSON result."))
@click.pass_context
def publish(ctx: click.Context, week: str | None, period_code: str | None, year_report: bool, force: bool,
            as_json: bool) -> None:
    """Diaries (PDF), parents' mail (.eml), print bundles and summaries into outbox/."""
    from zhurnal.report import publish_text
    if not week and not period_code and not year_report:
        _fail(_("say --week, --period, --year-report or several"))
    result = _publish(_context(ctx), week, period_code, force, as_json, year_report)
    _print_json(result) if as_json else click.echo(publish_text(result))
    sys.exit(0 if _published_ok(result) else 1)


def _fetch(context, as_json: bool):
    """``zhurnal fetch`` as a step: its report (None when [imap] is not set), whether it failed."""
    from zhurnal.fetch.imap import ImapUnavailable, fetch_mail
    if not context.settings.imap.host:
        if not as_json:
            click.echo(_("fetch: [imap] host is not set in zhurnal.toml, skipped"))
        return None, False
    try:
        return fetch_mail(context), False
    except ImapUnavailable as exc:
        click.echo("zhurnal: " + _("IMAP server unavailable: {error}").format(error=exc), err=True)
        return None, True


def _fetch_text(report) -> str:
    lines = [_("Mail: workbooks taken {taken}, held for the sysadmin {held}.")
             .format(taken=sum(len(t["files"]) for t in report.taken), held=len(report.held))]
    return "\n".join(lines + [f"  {h['sender']}: {h['reason']}" for h in report.held])


@main.command()
@click.option("--json", "as_json", is_flag=True, help=N_("Print one JSON result."))
@click.pass_context
def fetch(ctx: click.Context, as_json: bool) -> None:
    """Take workbooks mailed to the school's mailbox ([imap]) into their senders' inbox folders."""
    context = _context(ctx)
    if not context.settings.imap.host:
        _fail(_("[imap] host is not set in zhurnal.toml"))
    report, failed = _fetch(context, as_json)
    if failed:
        sys.exit(1)
    _print_json(report.as_dict()) if as_json else click.echo(_fetch_text(report))
    sys.exit(0 if report.ok else 1)


def _send(context, as_json: bool):
    """``zhurnal send`` as a step of ``run``: its report (None when [smtp] is not set), whether it failed."""
    from zhurnal.publish.send import SmtpUnavailable, send_outbox
    if not context.settings.smtp.host:
        if not as_json:
            click.echo(_("send: [smtp] host is not set in zhurnal.toml, skipped"))
        return None, False
    try:
        return send_outbox(context), False
    except SmtpUnavailable as exc:
        click.echo("zhurnal: " + _("SMTP server unavailable: {error}").format(error=exc), err=True)
        return None, True


@main.command()
@click.option("--week", required=True, help=N_("The week: 2026-W48 or any date in it."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print one JSON result."))
@NO_WAIT
@click.pass_context
def run(ctx: click.Context, week: str, as_json: bool, no_wait: bool) -> None:
    """The weekly batch: fetch mail, ingest the inbox, publish the week, send; each step whose
    server is not configured is skipped with one line."""
    from zhurnal.fetch.answer import answer_senders
    from zhurnal.report import backup_text, publish_text
    context = _context(ctx)
    fetched, fetch_failed = _fetch(context, as_json)
    report = _run_ingest(context, no_wait)
    answer_senders(context, report.files)
    result = _publish(context, week, None, False, as_json)
    sent, send_failed = _send(context, as_json)
    backed, health, backup_failed = _backup_when_due(context.settings, context.engine)
    if as_json:
        _print_json({"fetch": fetched and fetched.as_dict(), "ingest": report.as_dict(), **result,
                     "send": sent and sent.as_dict(), "backup": backed and backed.as_dict(), "backup_health": health})
    else:
        if fetched:
            click.echo(_fetch_text(fetched))
        _print_ingest(report)
        click.echo(publish_text(result))
        if sent:
            click.echo(_("Sent {sent}, sent before {skipped}, refused by the server {refused}, failed {failed}.")
                       .format(sent=len(sent.sent), skipped=sent.skipped, refused=len(sent.refused),
                               failed=len(sent.failed)))
        if backed:
            _print_backup(backed)
        click.echo("\n".join(backup_text(health)))
    steps_ok = not (fetch_failed or send_failed or backup_failed) and (sent is None or sent.ok)
    sys.exit(0 if steps_ok and report.ok and _published_ok(result) and (backed is None or backed.ok) else 1)


def _backup_when_due(settings, engine):
    """The backup `run` makes when one is due, the 14-day figures after it, whether it failed."""
    from zhurnal.backup import BackupError, backup_health, backup_when_due
    try:
        backed, failed = backup_when_due(settings, engine), False
    except BackupError as exc:
        click.echo("zhurnal: " + _("backup not made: {error}").format(error=exc), err=True)
        backed, failed = None, True
    return backed, backup_health(settings).as_dict(), failed


@main.command()
@click.option("--week", default=None, help=N_("Only this week's mail (default: everything in outbox/)."))
@click.option("--resend-uncertain", is_flag=True,
              help=N_("Also send again the messages whose delivery is uncertain (the connection was lost before the server's reply)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print one JSON result."))
@click.pass_context
def send(ctx: click.Context, week: str | None, resend_uncertain: bool, as_json: bool) -> None:
    """Deliver outbox mail over SMTP; a rerun never sends twice what the server accepted."""
    from zhurnal.publish.send import SmtpUnavailable, send_outbox
    label = _week(week).label if week else None
    try:
        report = send_outbox(_context(ctx), week=label, progress=_progress(_("Mail"), not as_json),
                             resend_uncertain=resend_uncertain)
    except SmtpUnavailable as exc:
        click.echo("zhurnal: " + _("SMTP server unavailable: {error}").format(error=exc), err=True)
        sys.exit(1)
    if as_json:
        _print_json(report.as_dict())
    else:
        click.echo(_("Sent {sent}, sent before {skipped}, refused by the server {refused}, failed {failed}.")
                   .format(sent=len(report.sent), skipped=report.skipped, refused=len(report.refused),
                           failed=len(report.failed)))
        for msg_id, answer in {**report.refused, **report.failed, **report.uncertain, **report.held}.items():
            click.echo(f"  {msg_id}: {answer}")
        for path in report.unknown:
            click.echo(f"  не отправлено (письма нет в журнале отправки): {path}")
    sys.exit(0 if report.ok else 1)


@main.command()
@click.option("--json", "as_json", is_flag=True, help=N_("Print one JSON result."))
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """What the store holds, recent submissions, what waits in inbox/."""
    from zhurnal.report import status_text
    from zhurnal.status import workspace_status
    result = workspace_status(_context(ctx, read_only=True, need_key=False))
    _print_json(result.as_dict()) if as_json else click.echo(status_text(result))


def _print_backup(result) -> None:
    click.echo(f"Резервная копия {result.id}: файлов {result.files}, {result.plain_bytes / 2**20:.1f} МБ, "
               f"проверка: {'расшифровкой' if result.verification == 'full' else 'по контрольным суммам'}, "
               f"{result.seconds} с")
    for copy in result.copies:
        state = "проверена" if copy.ok else "ОШИБКА"
        click.echo(f"  {copy.destination}: {state}; новых архивных файлов {copy.new_objects}, "
                   f"уже были {copy.reused_objects}, записано {copy.bytes_written / 2**20:.1f} МБ"
                   + (f", удалены старые копии: {', '.join(copy.removed)}" if copy.removed else ""))
        for problem in copy.problems:
            click.echo(f"    {problem['file'] or problem['destination']}: {problem['problem']}")
    from zhurnal.backup.health import MESSAGES
    for code in result.warnings:
        click.echo(f"ВНИМАНИЕ: {MESSAGES[code]}")


@main.command()
@click.option("--check", "check_only", is_flag=True, help=N_("Re-verify every copy at every destination instead."))
@click.option("--identity", type=click.Path(dir_okay=False), default=None,
              help=N_("The private key file: also decrypt and restore-test (else the [backup] identity_env variable)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print one JSON result."))
@click.pass_context
def backup(ctx: click.Context, check_only: bool, identity: str | None, as_json: bool) -> None:
    """Encrypted, verified backup of the store, archive/, settings and keyring to [backup] destinations."""
    from zhurnal.backup import BackupError, check_backups, make_backup
    settings = _settings(ctx, need_key=False)
    try:
        if check_only:
            report = check_backups(settings, identity=identity)
        else:
            report = make_backup(settings, _engine(settings), identity=identity)
    except BackupError as exc:
        _fail(str(exc))
    if as_json:
        _print_json(report.as_dict())
    elif check_only:
        click.echo(_("Copies checked: {checked}, with errors: {bad}")
                   .format(checked=len(report.checked), bad=sum(1 for c in report.checked if not c['ok'])))
        for problem in report.problems:
            click.echo(f"  {problem.destination}: {problem.file or '—'}: {problem.problem}")
    else:
        _print_backup(report)
    sys.exit(0 if report.ok else 1)


@main.command()
@click.argument("backup_path", metavar="BACKUP", type=click.Path(exists=True, file_okay=False))
@click.option("--to", "target", required=True, type=click.Path(file_okay=False), help=N_("A new, empty folder."))
@click.option("--identity", type=click.Path(dir_okay=False), default=None,
              help=N_("The private key file (else $ZHURNAL_BACKUP_IDENTITY: the key or its file's path)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print one JSON result."))
def restore(backup_path: str, target: str, identity: str | None, as_json: bool) -> None:
    """Make a working workspace in --to from BACKUP (a destination or one snapshot folder)."""
    from zhurnal.backup import BackupError, restore_backup
    try:
        result = restore_backup(Path(backup_path), Path(target), identity=identity)
    except BackupError as exc:
        _fail(str(exc))
    if as_json:
        _print_json(result.as_dict())
    else:
        click.echo(f"Восстановлена копия {result.snapshot} от {result.created} в {result.workspace}: "
                   f"файлов {result.files}, строк в хранилище {sum(result.counts.values())}")


@main.group()
def db() -> None:
    """The store itself: its schema, copying a school into another store, schools' roles."""


@db.command("upgrade")
@click.pass_context
def db_upgrade(ctx: click.Context) -> None:
    """Bring the store's schema to this zhurnal's version (under a lock; back it up first)."""
    from sqlalchemy.exc import SQLAlchemyError

    from zhurnal.store import open_store
    from zhurnal.store.engine import StoreError, mask_secrets, masked, upgrade_store
    settings = _settings(ctx, need_key=False)
    try:
        before, after = upgrade_store(open_store(settings.store_url, migrate=False))
    except StoreError as exc:
        _fail(_("store {url}: {error}").format(url=masked(settings.store_url), error=_store_problem(exc)))
    except (SQLAlchemyError, ImportError) as exc:
        _fail(mask_secrets(_("store {url}: {error}").format(url=masked(settings.store_url), error=_driver_hint(exc)),
                           settings.store_url))
    done = (_("schema {before} → {after}").format(before=before or "—", after=after) if before != after
            else _("schema already at {revision}").format(revision=after))
    click.echo(f"{masked(settings.store_url)}: {done}")


@db.command("copy")
@click.option("--to", "target", required=True, metavar="URL",
              help=N_("The store to copy this school into (e.g. postgresql+psycopg://district@host/zhurnal)."))
@click.pass_context
def db_copy(ctx: click.Context, target: str) -> None:
    """Copy this school (every row, history included) into another store, verified table by table."""
    from sqlalchemy.exc import SQLAlchemyError

    from zhurnal.store.copy import copy_school
    from zhurnal.store.engine import StoreError, mask_secrets, masked
    run = _context(ctx, read_only=True, need_key=False)
    try:
        result = copy_school(run.engine, run.school_id, target)
    except StoreError as exc:
        _fail(_("store {url}: {error}").format(url=masked(target), error=_store_problem(exc)))
    except (SQLAlchemyError, ImportError) as exc:
        _fail(mask_secrets(_("store {url}: {error}").format(url=masked(target), error=exc), target))
    click.echo(_("school {code} copied into {url} (id {id} there): {rows} rows in {tables} tables, "
                 "counts and digests equal").format(code=result.code, url=masked(target), id=result.school_id,
                                                   rows=sum(result.counts.values()), tables=len(result.counts)))
    if result.remapped:
        click.echo(_("ids taken there, given new ones: {tables}").format(tables=", ".join(result.remapped)))
    if result.reissue:
        click.echo(_("students have new ids: issue this week's workbooks again from the new store"))


@db.command("grant")
@click.option("--school", "code", required=True, help=N_("The school's code in the store."))
@click.option("--role", required=True, help=N_("The PostgreSQL role the school's workspace connects as."))
@click.option("--password-env", metavar="VAR", default=None,
              help=N_("Set the role's password from this environment variable."))
@click.pass_context
def db_grant(ctx: click.Context, code: str, role: str, password_env: str | None) -> None:
    """Make a school's own PostgreSQL role: rights on its rows only (row-level security)."""
    from sqlalchemy.exc import SQLAlchemyError

    from zhurnal.store.engine import StoreError, mask_secrets, masked
    from zhurnal.store.roles import grant_school
    settings = _settings(ctx, need_key=False)
    password = None
    if password_env:
        import os
        password = os.environ.get(password_env)
        if not password:
            _fail(_("the environment variable {var} is not set").format(var=password_env))
    try:
        school_id = grant_school(_engine(settings), code, role, password)
    except StoreError as exc:
        _fail(_("store {url}: {error}").format(url=masked(settings.store_url), error=_store_problem(exc)))
    except (SQLAlchemyError, ImportError) as exc:
        _fail(mask_secrets(_("store {url}: {error}").format(url=masked(settings.store_url), error=_driver_hint(exc)),
                           settings.store_url))
    click.echo(_("role {role} reads and writes the rows of school {code} (id {id}) only").format(
        role=role, code=code, id=school_id))


@main.group()
def access() -> None:
    """Access credentials: parents' diary passwords, teachers' channels."""


@access.command("slips")
@click.option("--class", "class_code", default=None, help=N_("One slip per parent of this class (their diary password)."))
@click.option("--teachers", is_flag=True, help=N_("One slip per teacher: their inbox folder and the address to send to."))
@click.pass_context
def access_slips(ctx: click.Context, class_code: str | None, teachers: bool) -> None:
    """Slips to print and cut, written to outbox/access/."""
    from zhurnal.publish.slips import parent_slips, teacher_slips
    if not class_code and not teachers:
        _fail(_("say --class, --teachers or both"))
    run = _context(ctx, read_only=True, need_key=False)
    for made in ([_call(parent_slips, run, class_code)] if class_code else []) + \
            ([_call(teacher_slips, run)] if teachers else []):
        click.echo(_("{path}: {count} slips").format(path=made[0], count=made[1]))


@access.command("reset")
@click.option("--parent", "parent_id", type=int, required=True, help=N_("Parent id (in the class roster)."))
@click.pass_context
def access_reset(ctx: click.Context, parent_id: int) -> None:
    """A new diary password for one parent (the old one stops opening new mail)."""
    from zhurnal.school.credentials import Passwords, reset_password
    from zhurnal.store import queries as q
    run = _context(ctx, read_only=True, need_key=False)
    with run.engine.begin() as conn:
        if parent_id not in {p["id"] for p in q.all_parents(conn, run.school_id)}:
            _fail(_("there is no parent with id {id} (ids are in the class rosters)").format(id=parent_id))
        reset_password(conn, run.school_id, parent_id, run.now)
        _call(Passwords, conn, run.settings.workspace, run.settings.school.code, run.school_id)
    click.echo(_("A new password for parent {id}: print their slip with 'zhurnal access slips --class …'.")
               .format(id=parent_id))


@main.group()
def keys() -> None:
    """The signing keyring: rotate keys, restore a lost keyring, make a backup key pair."""


@keys.command("list")
@click.pass_context
def keys_list(ctx: click.Context) -> None:
    """The ids of the signing keys (never the keys); the last one signs."""
    from zhurnal.core.keyring import KeyringError, read_keyring
    try:
        ring = read_keyring(ctx.obj["workspace"])
    except KeyringError as exc:
        _fail(str(exc))
    for number, key in enumerate(ring.ids, 1):
        click.echo(f"{key}  ({_('signs new templates')})" if number == len(ring) else key)


@keys.command("rotate")
@click.option("--replace-lost", is_flag=True,
              help=N_("The keyring is lost and no backup has it: start a new one (issued workbooks will be rejected)."))
@click.pass_context
def keys_rotate(ctx: click.Context, replace_lost: bool) -> None:
    """Add a new signing key; the old ones keep verifying workbooks already handed out."""
    from zhurnal.core.keyring import KeyringError, rotate
    try:
        new_id = rotate(ctx.obj["workspace"], replace_lost=replace_lost)
    except KeyringError as exc:
        _fail(str(exc))
    click.echo(_("New signing key {key}; the old keys are kept to verify templates already handed out. "
                 "Make a backup: zhurnal backup").format(key=new_id))


@keys.command("restore")
@click.argument("backup", type=click.Path(exists=True))
@click.option("--identity", type=click.Path(dir_okay=False), default=None,
              help=N_("The backup's private key file (else the [backup] identity_env variable)."))
@click.pass_context
def keys_restore(ctx: click.Context, backup: str, identity: str | None) -> None:
    """Put the keys of a backup's keyring back into this workspace."""
    from zhurnal.backup import BackupError, restore_keyring
    settings = _settings(ctx, need_key=False)
    try:
        restored = restore_keyring(settings, Path(backup), identity=identity)
    except BackupError as exc:
        _fail(str(exc))
    click.echo(_("Keys restored: {n}").format(n=len(restored)) + "".join(f"\n  {k}" for k in restored))


@keys.command("backup-key")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_context
def keys_backup_key(ctx: click.Context, file: str) -> None:
    """Make an age key pair for backups: the private key into FILE, the public one printed."""
    from zhurnal.backup import BackupError, new_identity
    try:
        recipient = new_identity(Path(file), ctx.obj["workspace"])
    except BackupError as exc:
        _fail(str(exc))
    click.echo(_("The private key is written to {file}: keep it off this computer.").format(file=file))
    click.echo(_("Add to zhurnal.toml, section [backup]:") + f' recipients = ["{recipient}"]')


@main.command()
@click.argument("directory", type=click.Path(file_okay=False), default="demo")
@click.option("--students", default=300, show_default=True, type=click.IntRange(50, 20000),
              help=N_("About how many students the school has."))
@click.option("--seed", default=2026, show_default=True, help=N_("Random seed (same seed, same school)."))
@click.option("--year", "whole_year", is_flag=True,
              help=N_("A small school through a whole school year, closed at the end (--students is ignored)."))
def demo(directory: str, students: int, seed: int, whole_year: bool) -> None:
    """Create a realistic demo school in DIRECTORY and run it through the pipeline."""
    from zhurnal.demo.run import run_demo
    from zhurnal.demo.year import run_year
    try:
        if whole_year:
            summary = run_year(Path(directory).resolve(), seed=seed, echo=click.echo)
        else:
            summary = run_demo(Path(directory).resolve(), students=students, seed=seed, echo=click.echo)
    except FileExistsError as exc:
        _fail(str(exc))
    sys.exit(0 if summary.ok else 1)


if __name__ == "__main__":
    main()
