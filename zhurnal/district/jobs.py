"""The week's jobs of one school, chained: ingest → (render per class) → publish → send → backup.

``zhurnal district run`` defers one ``ingest`` per school; each job, once its step is done,
defers the next. The chain's jobs share Procrastinate's ``lock`` (the school's code), so a
school's steps run one at a time, in order, on whichever worker — one writer per school — while
different schools run on every worker at once. With ``render_per_class`` ingest also defers one
``render`` per class, with no lock: the classes' diaries render in parallel anywhere (they only read the store and write
their own PDFs); the school's ``publish`` waits for them (retried every second while any is
pending, the worker free meanwhile), then finds them rendered and writes the mail, the summary
and the print bundles. Each deferral carries a ``queueing_lock`` (step, school, week[, class]),
so a retried job that defers its successors again adds no second job while the first still waits;
and a successor is deferred once per run (the run's ``now``) whatever its state, so a job killed
between deferring its successor and being marked done adds none when its retry finishes.

Exactly once under crashes (a worker killed mid-job; DESIGN.md «A region»): a job whose worker's
heartbeat lapsed is retried by :func:`retry_stalled` (every worker runs it periodically), and
each step is idempotent on its own — ingest recognises a workbook already committed by its hash
and takes the rest (:mod:`zhurnal.ingest.pipeline`), publish writes the same files and the mail
ledger by deterministic Message-IDs (a parent whose diaries did not change gets nothing new),
send delivers only ledger rows not yet delivered and keeps a message whose fate is unknown as
``uncertain`` rather than sending it twice — so a job run twice leaves what one run leaves. Every
job of one ``district run`` carries the run's moment (``now``), so a retry judges deadlines as
the first attempt did.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued

from zhurnal.backup import backup_when_due
from zhurnal.batch.steps import ingest_inbox, publish, send
from zhurnal.batch.workspace import open_workspace
from zhurnal.core.errors import NotConfigured
from zhurnal.district.names import FAILURES
from zhurnal.district.settings import District
from zhurnal.publish.run import render_class
from zhurnal.school.calendar import parse_week

log = logging.getLogger("zhurnal.district")
STEPS = ("ingest", "publish", "send", "backup")
RENDER = "render"                                      # per class, between ingest and publish
# a step that fails (a mail server down, a disk full) is tried again a few times, then left failed
RETRY = procrastinate.RetryStrategy(max_attempts=3, wait=30)


class RendersPending(Exception):
    """The school's classes are still rendering: publish is tried again in a second."""


class PublishRetry(procrastinate.BaseRetryStrategy):
    """Publish: again in a second while the classes render (for up to an hour of waits); any
    other failure as :data:`RETRY` says."""

    def get_retry_decision(self, *, exception: BaseException, job) -> procrastinate.RetryDecision | None:
        if isinstance(exception, RendersPending):
            return procrastinate.RetryDecision(retry_in={"seconds": 1}) if job.attempts < 3600 else None
        return RETRY.get_retry_decision(exception=exception, job=job)


def task_name(step: str) -> str:
    return f"zhurnal.{step}"


def job_args(school: str, workspace: Path, week: str, now: dt.datetime) -> dict:
    return {"school": school, "workspace": str(workspace), "week": week, "now": now.isoformat(timespec="seconds")}


def _deferred_in_run(app: procrastinate.App, step: str, args: dict) -> bool:
    """Whether this run (the same ``now``) already deferred ``step`` for the school, week (and
    class), in any state but failed: a job killed after deferring its successor but before it
    was marked done is retried and reaches its deferral again; the successor that already ran
    (or runs) saw the finished step, so a second one would only repeat it."""
    row = app.connector.get_sync_connector().execute_query_one(
        query="SELECT count(*) AS n FROM procrastinate_jobs WHERE task_name = %(task)s "   # type: ignore[arg-type]
              "AND args->>'school' = %(school)s AND args->>'week' = %(week)s AND args->>'now' = %(now)s "
              "AND coalesce(args->>'class', '') = %(class)s AND status <> 'failed'",
        task=task_name(step), school=args["school"], week=args["week"], now=args["now"],
        **{"class": args.get("class", "")})
    return bool(row["n"])


def defer_step(app: procrastinate.App, step: str, args: dict, *, successor: bool = False) -> int | None:
    """Defer ``step`` of the school in ``args`` (a ``render`` needs ``args["class"]``); its job
    id, or None when the same step of the same school and week (and class) already waits — or,
    for a ``successor`` deferred by a finished step, when this run already deferred it."""
    unit = f"{step}:{args['school']}:{args['week']}" + (f":{args['class']}" if step == RENDER else "")
    if successor and _deferred_in_run(app, step, args):
        return None
    try:
        return app.configure_task(task_name(step), lock=None if step == RENDER else args["school"],
                                  queueing_lock=unit).defer(**args)
    except AlreadyEnqueued:
        return None


def _classes(args: dict) -> list[str]:
    from zhurnal.school.snapshot import load_school
    ctx = open_workspace(Path(args["workspace"]), read_only=True, need_key=False)
    try:
        with ctx.engine.connect() as conn:       # read_only: a school the store lacks was refused
            return list(load_school(conn, ctx.school_id).classes) if ctx.school_id is not None else []
    finally:
        ctx.engine.dispose()


def _renders_pending(app: procrastinate.App, args: dict) -> bool:
    row = app.connector.get_sync_connector().execute_query_one(
        query="SELECT count(*) AS n FROM procrastinate_jobs WHERE task_name = %(task)s "   # type: ignore[arg-type]
              "AND args->>'school' = %(school)s AND args->>'week' = %(week)s AND status IN ('todo', 'doing')",
        task=task_name(RENDER), school=args["school"], week=args["week"])
    return bool(row["n"])


def run_step(step: str, args: dict) -> None:
    """One step of one school, with the school's own settings and store (its role)."""
    ctx = open_workspace(Path(args["workspace"]), now=dt.datetime.fromisoformat(args["now"]))
    week = parse_week(args["week"])
    try:
        if step == "ingest":
            ingest_inbox(ctx, wait=True)
        elif step == RENDER:
            render_class(ctx, week, args["class"])
        elif step == "publish":
            publish(ctx, week=week)
        elif step == "send":
            try:
                send(ctx, week=None)
            except NotConfigured:
                log.info("%s: no SMTP server configured; the mail waits in the outbox", args["school"])
        elif step == "backup":
            backup_when_due(ctx.settings, ctx.engine, now=ctx.now)
    finally:
        ctx.engine.dispose()


def _record_failure(app: procrastinate.App, job_id: int, step: str, school: str, exc: BaseException) -> None:
    try:
        app.connector.get_sync_connector().execute_query(
            query=f"INSERT INTO {FAILURES} (job_id, step, school, reason) "      # type: ignore[arg-type]
                  "VALUES (%(job)s, %(step)s, %(school)s, %(reason)s)",
            job=job_id, step=step, school=school, reason=f"{type(exc).__name__}: {exc}"[:2000])
    except Exception:                                     # the reason is a courtesy; the failure stands
        log.exception("could not record why job %s failed", job_id)


def register(app: procrastinate.App, district: District) -> None:
    """zhurnal's tasks on ``app``: the four steps, the stalled-job retry and the purge."""
    for index, step in enumerate((*STEPS, RENDER)):
        following = STEPS[index + 1] if index + 1 < len(STEPS) else None

        def body(context: procrastinate.JobContext, *, _step: str = step, _next: str | None = following,
                 **args: str) -> None:
            job_id = (context.job.id if context.job else None) or 0
            if _step == "publish" and _renders_pending(context.app, args):
                raise RendersPending()
            try:
                run_step(_step, args)
                if _step == "ingest" and district.render_per_class:   # the classes render in parallel
                    for code in _classes(args):
                        defer_step(context.app, RENDER, {**args, "class": code}, successor=True)
            except Exception as exc:
                _record_failure(context.app, job_id, _step, args["school"], exc)
                raise
            if _next and _step != RENDER:
                defer_step(context.app, _next, args, successor=True)

        app.task(name=task_name(step), pass_context=True,
                 retry=PublishRetry() if step == "publish" else RETRY)(body)

    every = max(1, district.retry_every_seconds)

    @app.periodic(cron=f"* * * * * */{every}", periodic_id="retry-stalled")
    @app.task(name="zhurnal.retry_stalled", queueing_lock="retry-stalled", pass_context=True)
    async def retry_stalled(context: procrastinate.JobContext, timestamp: int) -> None:
        """Jobs whose worker stopped beating (killed, machine lost) go back to the queue."""
        manager = context.app.job_manager
        for job in await manager.get_stalled_jobs(seconds_since_heartbeat=district.stalled_seconds):
            log.warning("job %s (%s) stalled on a lost worker: retrying it", job.id, job.task_name)
            await manager.retry_job(job)

    @app.periodic(cron="7 * * * *", periodic_id="purge")
    @app.task(name="zhurnal.purge", queueing_lock="purge", pass_context=True)
    async def purge(context: procrastinate.JobContext, timestamp: int) -> None:
        """Finished jobs older than ``purge_hours`` are deleted (failed ones too: their reasons with them)."""
        await purge_jobs(context.app, district.purge_hours)


async def purge_jobs(app: procrastinate.App, hours: float) -> None:
    await app.job_manager.delete_old_jobs(nb_hours=max(0, int(hours)), include_failed=True,
                                          include_cancelled=True, include_aborted=True)
    await app.connector.execute_query_async(
        query=f"DELETE FROM {FAILURES} f WHERE NOT EXISTS "                 # type: ignore[arg-type]
              "(SELECT 1 FROM procrastinate_jobs j WHERE j.id = f.job_id)")
