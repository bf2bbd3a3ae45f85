"""``zhurnal district run`` and ``zhurnal district status``: the week deferred per school, and
what the queue holds — jobs by state and school, the slowest, the failed with their reason."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from zhurnal.district.jobs import RENDER, STEPS, defer_step, job_args, task_name
from zhurnal.district.names import FAILURES
from zhurnal.district.queue import connect, ensure_schema, make_app
from zhurnal.district.settings import District
from zhurnal.school.calendar import Week
from zhurnal.school.context import utc_now

SLOWEST = 5


@dataclass
class Deferred:
    week: str
    jobs: dict[str, int | None] = field(default_factory=dict)    # school → ingest job id (None: one waits already)
    ok: bool = True
    exit_code: int = 0

    def as_dict(self) -> dict:
        return {"ok": True, "week": self.week, "jobs": self.jobs}


def defer_week(district: District, week: Week, *, now: dt.datetime | None = None) -> Deferred:
    """One ``ingest`` job per school of the district (each defers the school's next steps);
    ``now``: the run's moment every job of it judges deadlines by (default: this moment)."""
    ensure_schema(district)
    moment = now or utc_now()
    app = make_app(district)
    done = Deferred(week.label)
    with app.open():
        for code, workspace in sorted(district.schools.items()):
            done.jobs[code] = defer_step(app, "ingest", job_args(code, workspace, week.label, moment))
    return done


@dataclass
class QueueStatus:
    states: dict[str, dict[str, int]] = field(default_factory=dict)   # school → state → jobs
    slowest: list[dict] = field(default_factory=list)                 # {job, step, school, seconds}
    failed: list[dict] = field(default_factory=list)                  # {job, step, school, reason, at}
    ok: bool = True

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0

    def as_dict(self) -> dict:
        return {"ok": not self.failed, "states": self.states, "slowest": self.slowest, "failed": self.failed}


def queue_status(district: District) -> QueueStatus:
    """The queue now (:class:`QueueStatus`); ``ok`` is False when a job is left failed."""
    ensure_schema(district)
    steps = [task_name(step) for step in (*STEPS, RENDER)]
    found = QueueStatus()
    with connect(district) as conn:
        for school, state, count in conn.execute(
                "SELECT args->>'school', status::text, count(*) FROM procrastinate_jobs WHERE task_name = ANY(%s) "
                "GROUP BY 1, 2 ORDER BY 1, 2", (steps,)):
            found.states.setdefault(school, {})[state] = count
        for job, task, school, seconds in conn.execute(
                "SELECT j.id, j.task_name, j.args->>'school', extract(epoch FROM "
                "max(e.at) FILTER (WHERE e.type = 'succeeded') - max(e.at) FILTER (WHERE e.type = 'started')) "
                "FROM procrastinate_jobs j JOIN procrastinate_events e ON e.job_id = j.id "
                "WHERE j.task_name = ANY(%s) AND j.status = 'succeeded' GROUP BY 1, 2, 3 "
                "ORDER BY 4 DESC NULLS LAST, 1 LIMIT %s", (steps, SLOWEST)):
            found.slowest.append({"job": job, "step": task.split(".")[-1], "school": school,
                                  "seconds": round(float(seconds or 0), 1)})
        for job, task, school, reason, at in conn.execute(
                f"SELECT j.id, j.task_name, j.args->>'school', f.reason, f.attempt_at FROM procrastinate_jobs j "
                f"LEFT JOIN LATERAL (SELECT reason, attempt_at FROM {FAILURES} f WHERE f.job_id = j.id "
                "ORDER BY attempt_at DESC LIMIT 1) f ON true "
                "WHERE j.task_name = ANY(%s) AND j.status = 'failed' ORDER BY j.id", (steps,)):
            found.failed.append({"job": job, "step": task.split(".")[-1], "school": school,
                                 "reason": reason or "", "at": at.isoformat(timespec="seconds") if at else None})
    found.ok = not found.failed
    return found
