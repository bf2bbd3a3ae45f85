"""What a scheduled ``zhurnal run`` says, ``zhurnal schedule``'s units, and status's «next» lines."""

from __future__ import annotations

from typing import Any

from zhurnal.batch.due import STEP_NAMES
from zhurnal.batch.scheduled import DueReport
from zhurnal.batch.timer import Units
from zhurnal.report.backup import backup_text
from zhurnal.report.commands import delivery_text, remind_text
from zhurnal.report.ingest import ingest_table
from zhurnal.report.publish import fetch_text, publish_text, send_line
from zhurnal.text.i18n import N_, _


def _step_text(done: dict, report: Any) -> str:
    step = done["step"]
    if step == "issue":
        return delivery_text(report)
    if step == "remind":
        return remind_text(report)
    if step == "publish":
        return publish_text(done["report"])
    if step == "ingest":
        return ingest_table(report)
    if step == "fetch":
        return fetch_text(report)
    if step == "send":
        return send_line(report)
    if step == "backup":
        return backup_text(report)
    return ""


def due_text(report: DueReport) -> str:
    """Each step done with why it was due, the steps skipped, the problems, the sysadmin's mail."""
    out = [_("Scheduled run at {now} (the school's clock).").format(now=report.now)]
    if not report.done and not report.problems:
        out.append(_("Nothing was due."))
    for done, outcome in zip(report.done, report._reports):
        week = f" {done['week']}" if done["week"] else ""
        out.append(f"== {_(STEP_NAMES.get(done['step'], done['step']))}{week}: {_(done['why'])}")
        text = _step_text(done, outcome)
        if text:
            out.append(text)
    out += [_("{step}: [{section}] is not set in zhurnal.toml, skipped").format(
        step=_(STEP_NAMES.get(s, s)), section="imap" if s == "fetch" else "smtp") for s in report.skipped]
    out += [_("{step}: not done: {problem}").format(step=_(STEP_NAMES.get(step, step)), problem=problem.said())
            for step, problem in report.problems.items()]
    if report.alerts:
        out.append(_("Mail to the sysadmin ([mail] admin_address): {n}").format(n=len(report.alerts)))
    return "\n".join(out)


SCHEDULE_HEAD = {
    "service": N_("# /etc/systemd/system/zhurnal.service"),
    "timer": N_("# /etc/systemd/system/zhurnal.timer"),
    "cron": N_("# or one line of the workspace owner's crontab (crontab -e):"),
}


def schedule_text(units: Units, only: str | None = None) -> str:
    """The unit asked for as it is (to pipe into a file), or all three with a heading each."""
    if only:
        return getattr(units, only).rstrip("\n")
    return "\n".join(f"{_(SCHEDULE_HEAD[name])}\n{getattr(units, name)}" for name in ("service", "timer", "cron"))
