"""``zhurnal run`` without ``--week``: the steps due now (:mod:`zhurnal.batch.due`), one run.

The workspace is held for the whole run (a second start waits, or with ``--no-wait`` exits 1).
Each step's own problems are trapped as in ``run --week``: a server not configured skips its
step, a server down or a failed backup is a problem of the report and the run goes on. At the
end what the sysadmin must hear of is mailed to ``[mail] admin_address``, once per problem
(:mod:`zhurnal.publish.admin_mail`): a rejected workbook whose author has no address, mail held
at the mailbox, a failed backup, a step stopped by a server, the disk or the store (the store's
own failure is mailed only when the store still takes the ledger's row; it stops the run, exit 3).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from zhurnal.backup import BackupError
from zhurnal.batch.due import SOURCES, STEP_NAMES, Step, school_now
from zhurnal.batch.faults import named
from zhurnal.core.errors import NotConfigured, ServerUnavailable, ZhurnalError
from zhurnal.ingest.lock import run_lock
from zhurnal.publish.admin_mail import Trouble, alert_admin
from zhurnal.publish.send import SmtpUnavailable, send_outbox
from zhurnal.school.context import RunContext
from zhurnal.store import schema as s
from zhurnal.text import mail as words
from zhurnal.text.i18n import _
from zhurnal.text.labels import HeldReason
from zhurnal.text.mail import fill


@dataclass
class DueReport:
    """What one scheduled run did: ``done`` in order, each ``{step, week, why, report}`` (the
    step's ``as_dict()``, or for ``issue`` the workbooks written); the steps skipped for want of
    a server's settings; the problems steps met; the messages queued to the sysadmin."""

    now: str                                    # the school's clock
    done: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    problems: dict[str, ZhurnalError] = field(default_factory=dict)
    alerts: list[str] = field(default_factory=list)
    _reports: list[object] = field(default_factory=list, repr=False)

    @property
    def ok(self) -> bool:
        # a week held before its hour is the schedule waiting, not a failure: publish counts only
        # for what it could not make
        def fine(step: dict, report: object) -> bool:
            if step["step"] == "publish":
                return not step["report"].get("week", {}).get("failed")
            return getattr(report, "ok", True)
        return not self.problems and all(fine(d, r) for d, r in zip(self.done, self._reports))

    @property
    def exit_code(self) -> int:
        return max([0 if self.ok else 1] + [p.exit_code for p in self.problems.values()])

    def as_dict(self) -> dict:
        return {"ok": self.ok, "exit_code": self.exit_code, "now": self.now, "done": self.done,
                "skipped": self.skipped, "alerts": self.alerts,
                "problems": {step: problem.said() for step, problem in self.problems.items()}}


def _as_dict(report: object) -> object:
    return report.as_dict() if hasattr(report, "as_dict") else report


def run_due(ctx: RunContext, *, wait: bool = True) -> DueReport:
    """Every step due at ``ctx.now``, in order, under the workspace's lock; then the sysadmin's
    mail. A broken store or disk stops the run (raised, named), after telling the sysadmin if
    the ledger can still be written."""
    report = DueReport(school_now(ctx).isoformat(sep=" ", timespec="minutes"))
    with run_lock(ctx, wait=wait):
        try:
            for _name, source in SOURCES:
                for step in source(ctx):
                    _one(report, step)
        except Exception as exc:
            problem = named(exc)
            if problem is not None:
                report.problems["stop"] = problem
                try:
                    _tell_admin(ctx, report)
                except Exception:       # the store itself is what failed: nothing more to do here
                    pass
            raise
        _tell_admin(ctx, report)
    return report


def _one(report: DueReport, step: Step) -> None:
    """Run ``step`` into ``report``: a server not configured skips it, a server down or a backup
    that cannot be made is a problem and the run goes on (as in ``run --week``); the rest raises."""
    try:
        outcome = step.run()
    except NotConfigured:
        report.skipped.append(step.name)
        return
    except (ServerUnavailable, BackupError) as exc:
        problem = named(exc)
        assert problem is not None          # both are named problems (a server, the configuration)
        report.problems[step.name] = problem
        return
    report.done.append({"step": step.name, "week": step.week, "why": step.why, "report": _as_dict(outcome)})
    report._reports.append(outcome)


def _local(ctx: RunContext, moment: dt.datetime) -> dt.datetime:
    """A stored moment (UTC, naive) on the school's clock."""
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(ctx.settings.school.zone)


def _troubles(ctx: RunContext, report: DueReport) -> list[Trouble]:
    found = []
    day = report.now[:10]
    with ctx.engine.connect() as conn:
        teachers = {t.full_name: t.email for t in conn.execute(
            select(s.teachers.c.full_name, s.teachers.c.email).where(s.teachers.c.school_id == ctx.school_id))}
        held = conn.execute(select(s.fetched_mail).where(
            s.fetched_mail.c.school_id == ctx.school_id, s.fetched_mail.c.status == "held")).mappings().all()
    for done in report.done:
        if done["step"] == "ingest":
            for f in done["report"]["files"]:
                if f["status"] == "rejected" and not teachers.get(f["author"] or ""):
                    codes = ", ".join(sorted({x["code"] for x in f["findings"] if x["severity"] == "error"}))
                    found.append(Trouble(f"rejected.{f['sha256'][:16]}", fill(words.ADMIN_UNANSWERED, file=f["file"]),
                                         fill(words.ADMIN_UNANSWERED_DETAIL, file=f["file"],
                                              author=f["author"] or words.NOBODY, codes=codes,
                                              feedback=f["feedback"] or "—")))
        if done["step"] == "backup" and not done["report"].get("ok", True):
            problems = sorted({p["problem"] for c in done["report"]["copies"] for p in c["problems"]})
            found.append(Trouble(f"backup.{day}", words.ADMIN_BACKUP,
                                 fill(words.ADMIN_BACKUP_DETAIL, problem="; ".join(problems) or "—")))
    for row in held:
        found.append(Trouble(f"held.{row['id']}", fill(words.ADMIN_HELD, sender=row["sender"]),
                             fill(words.ADMIN_HELD_DETAIL, sender=row["sender"],
                                  received=f"{_local(ctx, row['received_at']):%d.%m.%Y %H:%M}",
                                  reason=HeldReason.label_of(row["reason"]) if row["reason"] else "—")))
    for step, problem in report.problems.items():
        key = f"{step}.{type(problem).__name__}.{day}"
        if step == "backup":
            found.append(Trouble(f"backup.{day}", words.ADMIN_BACKUP,
                                 fill(words.ADMIN_BACKUP_DETAIL, problem=problem.said())))
        else:
            name = _(STEP_NAMES.get(step, step))
            found.append(Trouble(key, fill(words.ADMIN_STOPPED, step=name),
                                 fill(words.ADMIN_STOPPED_DETAIL, step=name, problem=problem.said())))
    return found


def _tell_admin(ctx: RunContext, report: DueReport) -> None:
    """Queue the sysadmin's messages and send them at once when SMTP is set (a server down
    keeps them waiting for the next run's send)."""
    report.alerts = alert_admin(ctx, _troubles(ctx, report), report.now)
    if report.alerts and ctx.settings.smtp.host and "send" not in report.problems:
        try:
            send_outbox(ctx, week="admin")
        except SmtpUnavailable:
            pass
