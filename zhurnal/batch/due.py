"""What a scheduled ``zhurnal run`` (no ``--week``) does at a moment: the named steps due.

A timer starts ``zhurnal run`` every 15 minutes (``zhurnal schedule``); each start asks every
source of :data:`SOURCES`, in order, which of its steps are due *at that point of the run* (a
journal fetched and ingested a moment ago counts for the publish after it) and runs them. Every
step is idempotent, and whether it is due is read from the store or the workspace, so a rerun at
the same moment does nothing:

| step | due | done when |
|---|---|---|
| issue | the current week, and from ``[schedule] issue_weekday``/``issue_time`` the next one; each teacher gets theirs (folder, mail) | the store holds a journal issued for the week |
| fetch, send | every run, with their server set | nothing waits in the mailbox, the ledger |
| ingest | a file waits in ``inbox/`` or ``inbox/<login>/`` | the inbox is empty |
| remind | a week after ``[journal]`` hand-in deadline, for 7 days | the ledger: one reminder per teacher and week |
| publish | last and this week, from ``publish_weekday``/``publish_time``; ``incomplete_after_hours`` later with what is in | ``schedule.json`` records the week published as of its newest accepted workbook |
| backup | ``[backup] every_days`` after the newest verified copy | ``backups.json`` |

Times are the school's clock (``[school] timezone``); ``ctx.now`` is UTC as everywhere.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from sqlalchemy import func, select

from zhurnal.backup import backup_health, backup_when_due
from zhurnal.batch.deliver import DeliveryReport, hand_out_week
from zhurnal.batch.remind import remind_late, to_remind
from zhurnal.batch.steps import PublishOutcome, fetch, ingest_inbox, publish, send
from zhurnal.core.settings import Settings
from zhurnal.ingest.inbox import is_ignored
from zhurnal.school.calendar import Week, week_of
from zhurnal.school.context import RunContext
from zhurnal.school.deadline import hand_in_deadline
from zhurnal.school.snapshot import School, load_school
from zhurnal.store import schema as s
from zhurnal.store.queries import week_issued
from zhurnal.text.i18n import N_

RECORD = "schedule.json"     # in the workspace: what the scheduled publish did, per week
STEP_NAMES = {"issue": N_("issuing the week's workbooks"), "fetch": N_("fetching mail"),
              "ingest": N_("taking the inbox"), "publish": N_("publishing the week"), "send": N_("sending mail"),
              "backup": N_("the backup"), "remind": N_("reminding late teachers"), "stop": N_("the run"), "publish-incomplete": N_("publishing with what is in")}


@dataclass(frozen=True)
class Step:
    """One thing to do now: ``name`` (issue, fetch, …), the week it is for, why it is due (an
    ``N_`` text), and the call (its report is the step's outcome)."""

    name: str
    week: str | None
    why: str
    run: Callable[[], object]


def school_now(ctx: RunContext) -> dt.datetime:
    """``ctx.now`` (UTC) on the school's clock, naive."""
    zone = ctx.settings.school.zone
    return ctx.now.replace(tzinfo=dt.timezone.utc).astimezone(zone).replace(tzinfo=None)


def _at(week: Week, weekday: int, clock: str) -> dt.datetime:
    hours, minutes = (int(x) for x in clock.split(":"))
    return dt.datetime.combine(week.monday + dt.timedelta(days=weekday - 1), dt.time(hours, minutes))


def _school(ctx: RunContext) -> School | None:
    if ctx.school_id is None:
        return None
    with ctx.engine.connect() as conn:
        school = load_school(conn, ctx.school_id)
    return school if school.classes else None


def _school_week(school: School, week: Week) -> bool:
    return any(school.school_days(code, week) for code in school.classes)


def _shift(week: Week, weeks: int) -> Week:
    return Week(week.monday + dt.timedelta(weeks=weeks))


# ---- issue: the workbooks of the week (and of the next one from Friday noon) ----------------

def _issue_weeks(ctx: RunContext, local: dt.datetime) -> list[Week]:
    config = ctx.settings.schedule
    current = week_of(local.date())
    weeks = [current]
    if local >= _at(current, config.issue_weekday, config.issue_time):
        weeks.append(_shift(current, 1))
    return weeks


def _issued(ctx: RunContext, label: str) -> bool:
    if ctx.school_id is None:
        return False
    with ctx.engine.connect() as conn:
        return week_issued(conn, ctx.school_id, label)


def _issue_week(ctx: RunContext, week: Week) -> DeliveryReport:
    """Issue the week's workbooks into ``templates_xlsx/<week>/`` and hand each teacher theirs
    (their outgoing folder, and mail when [smtp] is set), as ``zhurnal templates week`` does:
    :func:`zhurnal.batch.deliver.hand_out_week`; a second delivery of unchanged workbooks
    queues no mail."""
    return hand_out_week(ctx, week)


def _issue(ctx: RunContext) -> list[Step]:
    school = _school(ctx)
    if school is None:
        return []
    return [Step("issue", week.label, N_("the week's workbooks are not issued yet"), partial(_issue_week, ctx, week))
            for week in _issue_weeks(ctx, school_now(ctx))
            if _school_week(school, week) and not _issued(ctx, week.label)]


# ---- publish: last week and this week, once their journals are in or the hour has come ------

def read_record(settings: Settings) -> dict:
    try:
        data = json.loads((settings.workspace / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_record(settings: Settings, data: dict) -> None:
    path: Path = settings.workspace / RECORD
    partial = path.with_name(RECORD + ".partial")
    partial.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(partial, path)


def publish_times(settings: Settings, week: Week) -> tuple[dt.datetime, dt.datetime | None]:
    """When ``week`` is published by the schedule (the school's clock): from when each complete
    class, and from when whatever is in (None: never by itself)."""
    config = settings.schedule
    start = _at(week, config.publish_weekday, config.publish_time)
    hours = config.incomplete_after_hours
    return start, (start + dt.timedelta(hours=hours) if hours else None)


def _newest_accepted(ctx: RunContext, label: str) -> int:
    """The id of the newest workbook of the week (journal, register) accepted: a new one may
    complete a class or correct a published diary."""
    with ctx.engine.connect() as conn:
        return conn.execute(select(func.max(s.submissions.c.id)).where(
            s.submissions.c.school_id == ctx.school_id, s.submissions.c.week == label,
            s.submissions.c.status == "accepted")).scalar() or 0


def _publish_once(ctx: RunContext, week: Week, mark: dict) -> PublishOutcome:
    outcome = publish(ctx, week=week, allow_incomplete=mark["incomplete"])
    part = outcome.parts["week"]
    record = read_record(ctx.settings)
    record.setdefault("publish", {})[week.label] = {**mark, "held": [h["class"] for h in part["held"]],
                                                    "at": ctx.now.isoformat()}
    _write_record(ctx.settings, record)
    return outcome


def _publish(ctx: RunContext) -> list[Step]:
    school = _school(ctx)
    if school is None:
        return []
    local = school_now(ctx)
    done = read_record(ctx.settings).get("publish", {})
    steps = []
    for week in (_shift(week_of(local.date()), -1), week_of(local.date())):
        start, anyway = publish_times(ctx.settings, week)
        if local < start or not _school_week(school, week):
            continue
        mark = {"submission": _newest_accepted(ctx, week.label), "incomplete": anyway is not None and local >= anyway}
        before = done.get(week.label)
        if before and before["submission"] == mark["submission"] and \
                (before["incomplete"] == mark["incomplete"] or not before.get("held")):
            continue
        why = N_("the hour has come: published with what is in") if mark["incomplete"] else \
            N_("the week's journals came in since the last publish") if before else N_("the week's publish is due")
        steps.append(Step("publish", week.label, why, partial(_publish_once, ctx, week, mark)))
    return steps


# ---- the rest -------------------------------------------------------------------------------

def _fetch(ctx: RunContext) -> list[Step]:
    return [Step("fetch", None, N_("the school's mailbox is read every run"), lambda: fetch(ctx))] \
        if ctx.settings.imap.host else []


def _waiting(inbox: Path) -> bool:
    """A file in ``inbox/`` or a teacher's ``inbox/<login>/`` (lock and hidden files aside)."""
    if not inbox.is_dir():
        return False
    return any(not is_ignored(p) for p in inbox.iterdir()) or \
        any(not is_ignored(p) for folder in inbox.iterdir() if folder.is_dir() and not folder.is_symlink()
            for p in folder.iterdir())


def _ingest(ctx: RunContext) -> list[Step]:
    return [Step("ingest", None, N_("workbooks wait in the inbox"), lambda: ingest_inbox(ctx, wait=False))] \
        if _waiting(ctx.settings.inbox) else []


def _send(ctx: RunContext) -> list[Step]:
    return [Step("send", None, N_("waiting mail is sent every run"), lambda: send(ctx))] \
        if ctx.settings.smtp.host else []


def _backup(ctx: RunContext) -> list[Step]:
    config = ctx.settings.backup
    if not (config.destinations and config.recipients) or not backup_health(ctx.settings, ctx.now).due:
        return []
    return [Step("backup", None, N_("the newest verified backup is older than [backup] every_days"),
                 lambda: backup_when_due(ctx.settings, ctx.engine, now=ctx.now))]


def _remind(ctx: RunContext) -> list[Step]:
    """Last week's and this week's reminders, from the hand-in deadline ([journal]
    hand_in_weekday, hand_in_time) for a week after it: :func:`zhurnal.batch.remind.remind_late`
    reminds each late teacher once (the ledger), so a later run finds nobody new."""
    school = _school(ctx)
    if school is None:
        return []
    current = week_of(school_now(ctx).date())
    steps = []
    for week in (_shift(current, -1), current):
        deadline = hand_in_deadline(ctx.settings, week)
        # a week whose journals were never issued has nobody late with them
        if deadline <= ctx.now < deadline + dt.timedelta(days=7) and _school_week(school, week) \
                and _issued(ctx, week.label) and to_remind(ctx, week):
            steps.append(Step("remind", week.label, N_("the hand-in deadline has passed"),
                              partial(remind_late, ctx, week, ctx.now)))
    return steps


# The sources in the order a run asks them (issue also hands each teacher their workbooks).
SOURCES: tuple[tuple[str, Callable[[RunContext], list[Step]]], ...] = (
    ("issue", _issue),
    ("fetch", _fetch),
    ("ingest", _ingest),
    ("remind", _remind),
    ("publish", _publish),
    ("send", _send),
    ("backup", _backup),
)


def due_steps(ctx: RunContext, now: dt.datetime | None = None) -> list[Step]:
    """Every step due at ``now`` (UTC; default ``ctx.now``) as the store and workspace stand, in
    the order a run takes them (a run asks each source again when it comes to it)."""
    if now is not None and now != ctx.now:
        ctx = replace(ctx, now=now)
    return [step for _, source in SOURCES for step in source(ctx)]


def _when(at: dt.datetime, local: dt.datetime) -> str:
    """``at`` as status shows it; "now" when it has come."""
    return "now" if at <= local else at.isoformat(sep=" ", timespec="minutes")


def upcoming(ctx: RunContext) -> list[dict]:
    """What the schedule does next and when (the school's clock; ``at`` "now" when it has come):
    ``{step, week, at, done}`` for the
    next week's workbooks, this week's publish (and with what is in), the next backup."""
    local = school_now(ctx)
    config = ctx.settings.schedule
    current = week_of(local.date())
    found = []
    issue_at = _at(current, config.issue_weekday, config.issue_time)
    nxt = _shift(current, 1)
    found.append({"step": "issue", "week": nxt.label, "at": _when(issue_at, local), "done": _issued(ctx, nxt.label)})
    done = read_record(ctx.settings).get("publish", {})
    for week in (_shift(current, -1), current):
        start, anyway = publish_times(ctx.settings, week)
        record = done.get(week.label)
        if record and not record.get("held"):
            continue
        if local < start:
            found.append({"step": "publish", "week": week.label, "at": _when(start, local), "done": False})
        elif anyway is not None and (not record or not record.get("incomplete")):
            found.append({"step": "publish-incomplete", "week": week.label, "at": _when(anyway, local), "done": False})
    health = backup_health(ctx.settings, ctx.now)
    if ctx.settings.backup.destinations and ctx.settings.backup.recipients:
        when = local if health.due or not health.newest_at else \
            (dt.datetime.fromisoformat(health.newest_at) + dt.timedelta(days=ctx.settings.backup.every_days)
             ).replace(tzinfo=dt.timezone.utc).astimezone(ctx.settings.school.zone).replace(tzinfo=None)
        found.append({"step": "backup", "week": None, "at": _when(when, local), "done": False})
    return found
