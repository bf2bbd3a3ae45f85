"""``zhurnal run``: the weekly batch in one call — fetch → ingest → answers → publish → send → backup.

The week is checked before any step runs. A step whose server is not configured is skipped
(and said so); a mail server that cannot be reached or a backup that cannot be made does not stop
the steps after it — the run goes on and its report carries the problem, so that the diaries are
still published when the mailbox is down. A broken store or a full disk stops the run (raised).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zhurnal.backup import BackupError, BackupResult, backup_health, backup_when_due
from zhurnal.batch.faults import named
from zhurnal.batch.steps import PublishOutcome, fetch, ingest_inbox, publish, send
from zhurnal.core.errors import NotConfigured, ServerUnavailable, ZhurnalError
from zhurnal.fetch.imap import FetchReport
from zhurnal.ingest.pipeline import IngestReport
from zhurnal.publish.send import SendReport
from zhurnal.school.calendar import Week
from zhurnal.school.context import RunContext
from zhurnal.school.snapshot import load_school


@dataclass
class RunReport:
    """Each step's report (None: not run), the steps skipped for want of a server's settings
    (``fetch``, ``send``), and the problems steps met (step → named exception)."""

    week: str
    fetch: FetchReport | None = None
    ingest: IngestReport | None = None
    publish: PublishOutcome | None = None
    send: SendReport | None = None
    backup: BackupResult | None = None
    backup_health: dict = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    problems: dict[str, ZhurnalError] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        steps = (self.fetch, self.ingest, self.publish, self.send, self.backup)
        return not self.problems and all(step.ok for step in steps if step is not None)

    @property
    def exit_code(self) -> int:
        """0 all done; 1 something rejected or failed; the worst problem's code (2 configuration,
        3 a server, the disk or the store) when a step could not run."""
        return max([0 if self.ok else 1] + [p.exit_code for p in self.problems.values()])

    def as_dict(self) -> dict:
        part = lambda report: report.as_dict() if report is not None else None
        return {"ok": self.ok, "exit_code": self.exit_code, "week": self.week,
                "fetch": part(self.fetch), "ingest": part(self.ingest),
                **(self.publish.as_dict() if self.publish else {}), "send": part(self.send),
                "backup": part(self.backup), "backup_health": self.backup_health, "skipped": self.skipped,
                "problems": {step: problem.said() for step, problem in self.problems.items()}}


def check_week(ctx: RunContext, week: Week) -> None:
    """Raise :class:`~zhurnal.core.errors.NotASchoolWeek` when the setup is in and ``week`` has no
    school day (a school whose setup still waits in the inbox is checked by publish, after ingest)."""
    with ctx.engine.connect() as conn:
        school = load_school(conn, ctx.school_id)
    if school.classes:
        school.require_school_week(week)


def run_week(ctx: RunContext, week: Week, *, wait: bool = True, allow_incomplete: bool = False) -> RunReport:
    """The weekly batch for ``week``; ``wait=False``: another run holding the workspace raises
    :class:`~zhurnal.ingest.lock.WorkspaceBusy` instead of waiting; ``allow_incomplete``: see
    :func:`~zhurnal.batch.steps.publish`."""
    check_week(ctx, week)
    report = RunReport(week.label)
    report.fetch = _step(report, "fetch", lambda: fetch(ctx))
    report.ingest = ingest_inbox(ctx, wait=wait)
    report.publish = publish(ctx, week=week, allow_incomplete=allow_incomplete)
    report.send = _step(report, "send", lambda: send(ctx, week=None))
    report.backup = _step(report, "backup", lambda: backup_when_due(ctx.settings, ctx.engine, now=ctx.now))
    report.backup_health = backup_health(ctx.settings).as_dict()
    return report


def _step(report: RunReport, name: str, call):
    """``call()``'s report; a server not configured → skipped, unreachable → a problem, None."""
    try:
        return call()
    except NotConfigured:
        report.skipped.append(name)
    except (ServerUnavailable, BackupError) as exc:
        report.problems[name] = named(exc)
    return None
