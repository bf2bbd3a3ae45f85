"""The steps of the weekly batch, each also a command of its own: ingest, publish, fetch, send.

Each returns its report; a mail server that is not configured is
:class:`~zhurnal.core.errors.NotConfigured` (exit 2), one that cannot be reached
:class:`~zhurnal.core.errors.ServerUnavailable` (exit 3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from zhurnal.core.errors import NotConfigured, ServerUnavailable, UsageError
from zhurnal.fetch.answer import answer_senders
from zhurnal.fetch.imap import FetchReport, ImapUnavailable, fetch_mail
from zhurnal.ingest.pipeline import IngestReport, ingest, validate_file
from zhurnal.publish.run import publish_period, publish_week
from zhurnal.publish.send import SendReport, SmtpUnavailable, send_outbox
from zhurnal.publish.year_report import publish_year_report
from zhurnal.school.calendar import Week
from zhurnal.school.context import RunContext
from zhurnal.text.i18n import N_

Progress = Callable[[str], Callable[[int, int], None] | None]


def _no_progress(_what: str) -> None:
    return None


def ingest_inbox(ctx: RunContext, *, dry_run: bool = False, wait: bool = True) -> IngestReport:
    """Ingest ``inbox/``; then (not on a dry run) a receipt or the feedback is queued for every
    teacher who mailed a workbook (``zhurnal send`` delivers it)."""
    report = ingest(ctx, dry_run=dry_run, wait=wait)
    if not dry_run:
        answer_senders(ctx, report.files)
    return report


@dataclass
class PublishOutcome:
    """What ``publish`` made, per part: ``week``, ``period``, ``year_report`` → that part's dict."""

    parts: dict[str, dict] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return all(part["ok"] for part in self.parts.values())

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def as_dict(self) -> dict:
        return dict(self.parts)


class NothingToPublish(UsageError):
    def __init__(self) -> None:
        super().__init__(N_("say --week, --period, --year-report or several"))


def publish(ctx: RunContext, *, week: Week | None = None, period: str | None = None, year_report: bool = False,
            force: bool = False, progress: Progress = _no_progress, allow_incomplete: bool = False) -> PublishOutcome:
    """The year report, the week's diaries and mail, the period's report cards: those asked for.
    ``progress(what)`` gives a ``callback(done, total)`` for «diaries» or «report cards». A week's
    classes whose journals are not in are held (the part is not ok: exit 1) unless
    ``allow_incomplete`` (see :mod:`zhurnal.publish.run`)."""
    if not (week or period or year_report):
        raise NothingToPublish()
    outcome = PublishOutcome()
    if year_report:
        path = str(publish_year_report(ctx))
        outcome.parts["year_report"] = {"ok": True, "path": path, "summaries": [path], "failed": []}
    if week:
        outcome.parts["week"] = publish_week(ctx, week, force=force, progress=progress("diaries"),
                                             allow_incomplete=allow_incomplete).as_dict()
    if period:
        outcome.parts["period"] = publish_period(ctx, period, force=force,
                                                 progress=progress("report cards")).as_dict()
    return outcome


def fetch(ctx: RunContext) -> FetchReport:
    """Workbooks mailed to the school's mailbox into their senders' inbox folders."""
    if not ctx.settings.imap.host:
        raise NotConfigured("imap", "host")
    try:
        return fetch_mail(ctx)
    except ImapUnavailable as exc:
        raise ServerUnavailable("IMAP", str(exc)) from exc


def send(ctx: RunContext, *, week: Week | None = None, progress: Progress = _no_progress,
         resend_uncertain: bool = False) -> SendReport:
    """Deliver the outbox's mail (of ``week`` only, if given) over SMTP; ``resend_uncertain``: also
    the messages whose delivery is uncertain (see :func:`zhurnal.publish.send.send_outbox`)."""
    if not ctx.settings.smtp.host:
        raise NotConfigured("smtp", "host")
    try:
        return send_outbox(ctx, week=week.label if week else None, progress=progress("mail"),
                           resend_uncertain=resend_uncertain)
    except SmtpUnavailable as exc:
        raise ServerUnavailable("SMTP", str(exc)) from exc


@dataclass
class Checked:
    """``validate``'s verdict on one file: ok when ingest would accept it (or has it already)."""

    result: object                  # zhurnal.ingest.pipeline's FileResult

    @property
    def ok(self) -> bool:
        return self.result.status in ("accepted", "duplicate")

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def as_dict(self) -> dict:
        return self.result.as_dict()


def validate(ctx: RunContext, path) -> Checked:
    """What ingest would do with the workbook at ``path``; nothing is stored or moved."""
    return Checked(validate_file(ctx, path))
