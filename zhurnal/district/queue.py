"""The district's queue: Procrastinate on the district store, in a PostgreSQL schema of its own.

Decisions (DESIGN.md, «A region»):

- Procrastinate's tables live in the schema ``zhurnal_queue`` of the district store, made by its
  own schema SQL (:meth:`SchemaManager.apply_schema`) when absent, under zhurnal's migration
  lock — not by zhurnal's Alembic revisions, because Procrastinate versions and migrates its
  schema with its own releases and zhurnal would otherwise have to carry a copy of it. School
  roles get no right on that schema: a job names a workspace folder, never a pupil.
- Why failed: Procrastinate keeps a job's states, not its exception; zhurnal keeps the reason of
  each failed attempt in ``zhurnal_queue.zhurnal_job_failures`` (job id → step, school, reason).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import procrastinate
import psycopg
from procrastinate.schema import SchemaManager
from sqlalchemy import make_url

from zhurnal.core.errors import StoreUnavailable
from zhurnal.district.jobs import register
from zhurnal.district.names import FAILURES, SCHEMA
from zhurnal.district.settings import District
from zhurnal.store.engine import MIGRATION_LOCK


def conninfo(url: str) -> str:
    """A libpq connection string for a SQLAlchemy store URL (``postgresql+psycopg://…``)."""
    parsed = make_url(url)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def connect(district: District) -> Iterator[psycopg.Connection]:
    """A plain connection to the district store, the queue's schema first on the search path;
    :class:`StoreUnavailable` (exit 3) when the server cannot be reached."""
    try:
        conn = psycopg.connect(conninfo(district.queue_url), autocommit=True, connect_timeout=10,
                               options=f"-c search_path={SCHEMA},public")
    except psycopg.OperationalError as exc:
        where = make_url(district.queue_url).render_as_string(hide_password=True)
        raise StoreUnavailable(where, str(exc).strip().splitlines()[0] if str(exc).strip() else "—") from exc
    with conn:
        yield conn


def ensure_schema(district: District) -> bool:
    """Make the queue's schema when absent (under the migration lock); True when made now."""
    with connect(district) as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        conn.execute(f"CREATE TABLE IF NOT EXISTS {FAILURES} (job_id bigint NOT NULL, attempt_at timestamptz "
                     "NOT NULL DEFAULT now(), step text NOT NULL, school text NOT NULL, reason text NOT NULL)")
        absent = conn.execute("SELECT to_regclass(%s) IS NULL", (f"{SCHEMA}.procrastinate_jobs",)).fetchone()
        made = bool(absent and absent[0])
        if made:
            conn.execute(SchemaManager.get_schema())    # no parameters: % as is
    return bool(made)


def _pool_args(district: District) -> dict:
    return {"conninfo": conninfo(district.queue_url), "kwargs": {"options": f"-c search_path={SCHEMA},public"},
            "min_size": 1, "max_size": 4}


def make_app(district: District, *, worker: bool = False) -> procrastinate.App:
    """The app with zhurnal's tasks (:mod:`zhurnal.district.jobs`); ``worker``: the async
    connector a worker needs, else the synchronous one (deferring, status)."""
    connector = procrastinate.PsycopgConnector(**_pool_args(district)) if worker else \
        procrastinate.SyncPsycopgConnector(**_pool_args(district))
    app = procrastinate.App(connector=connector)
    register(app, district)
    return app


def work(district: District, *, name: str | None = None) -> None:
    """Run a worker until it is stopped (SIGINT/SIGTERM: it finishes its jobs first). Its
    heartbeat every ``heartbeat_seconds``; it also runs the periodic retry of stalled jobs and
    the purge, as every worker does (Procrastinate defers each periodic job once)."""
    ensure_schema(district)
    make_app(district, worker=True).run_worker(
        name=name, concurrency=district.concurrency, update_heartbeat_interval=district.heartbeat_seconds,
        stalled_worker_timeout=district.stalled_seconds, wait=True)
