"""What a workspace holds right now: store counts, recent submissions, inbox, rejections."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field

from sqlalchemy import select

from zhurnal.backup.health import backup_health
from zhurnal.batch.due import upcoming
from zhurnal.ingest.inbox import is_ignored
from zhurnal.school.context import RunContext
from zhurnal.school.roster_freshness import stale_rosters
from zhurnal.school.workspace import loose_modes
from zhurnal.store import queries as q
from zhurnal.store.engine import masked
from zhurnal.store.health import StoreHealth, check_store
from zhurnal.store.schema import fetched_mail, period_locks, periods, submissions
from zhurnal.year.lock import is_closed


@dataclass
class Status:
    school: str
    store_url: str
    counts: dict[str, int]
    inbox: list[str]
    recent: list[dict] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)          # still standing
    corrected: list[dict] = field(default_factory=list)         # rejected, then a later copy was accepted
    backup: dict = field(default_factory=dict)
    held_mail: list[dict] = field(default_factory=list)    # mailed workbooks held for the sysadmin
    year: str = ""                                         # the setup's school year («2026/2027»)
    year_closed: bool = False
    closed_periods: list[str] = field(default_factory=list)   # in date order
    # files and folders others may reach (relative to the workspace; zhurnal init --fix-modes)
    loose_modes: list[str] = field(default_factory=list)
    # teachers' workbooks are still taken from the top inbox/ ([ingest] author_folders_only off)
    recommend_author_folders: bool = False
    # classes whose roster was not confirmed within [roster] confirm_every_days (StaleRoster.as_dict)
    stale_rosters: list[dict] = field(default_factory=list)
    confirm_every_days: int = 7
    # what a scheduled `zhurnal run` does next: {step, week, at (the school's clock), done}
    schedule: list[dict] = field(default_factory=list)
    # PRAGMA quick_check's answer (StoreHealth.as_dict()); a damaged store is shown, not read
    store_health: dict = field(default_factory=lambda: StoreHealth().as_dict())

    @property
    def ok(self) -> bool:
        """A view: it always finishes; 3 when the store failed its check (the restore is due)."""
        return bool(self.store_health.get("ok", True))

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 3

    def as_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok}


def _at(settings, moment: dt.datetime) -> str:
    """A stored moment as status shows it: the school's clock, to the minute."""
    return settings.school.local(moment).isoformat(sep=" ", timespec="minutes")


def _submission(row, settings) -> dict:
    findings = json.loads(row["findings"] or "[]")
    return {"id": row["id"], "file": row["original_name"], "kind": row["kind"],
            "author": row["author"], "status": row["status"],
            "received_at": _at(settings, row["received_at"]),
            "errors": sorted({f["code"] for f in findings if f["severity"] == "error"})}


def workspace_status(ctx: RunContext, *, recent: int = 10) -> Status:
    """Counts per table, the last ``recent`` submissions, files waiting, rejected ones (those a
    later accepted copy of the same author, kind and week corrected apart, with when and which
    file), the backup figures of the 14-day rule and the classes whose roster is out of date
    (:func:`~zhurnal.school.roster_freshness.stale_rosters`), as of ``ctx.now``.

    Reads only: a store that has no row for this school yet shows empty counts.
    """
    settings, engine, school_id = ctx.settings, ctx.engine, ctx.school_id
    url = masked(engine.url.render_as_string(hide_password=False))
    health = check_store(engine)
    if not health.ok:          # reading on would meet the damaged page: say so, and where the backups are
        return Status(school=settings.school.name, store_url=url, counts={}, inbox=_inbox(settings),
                      backup=backup_health(settings, ctx.now).as_dict(), store_health=health.as_dict())
    with engine.connect() as conn:
        counts = q.counts(conn, school_id) if school_id is not None else {}
        rows = conn.execute(select(submissions).where(submissions.c.school_id == school_id)
                            .order_by(submissions.c.id.desc()).limit(recent)).mappings().all()
        rejections = q.rejections(conn, school_id) if school_id is not None else []
        year = (q.school_row(conn, school_id) or {}).get("year_label") or "" if school_id is not None else ""
        year_closed = is_closed(conn, school_id, year) if school_id is not None else False
        locked = {r["period"] for r in q.table_rows(conn, period_locks, school_id) if r["closed"]} \
            if school_id is not None else set()
        closed_periods = [p["code"] for p in q.table_rows(conn, periods, school_id, "start", "code")
                          if p["code"] in locked] if school_id is not None else []
        held = conn.execute(select(fetched_mail).where(fetched_mail.c.school_id == school_id,
                                                       fetched_mail.c.status == "held")
                            .order_by(fetched_mail.c.id.desc()).limit(recent)).mappings().all()
    return Status(school=settings.school.name, store_url=url, counts=counts, inbox=_inbox(settings),
                  recent=[_submission(r, settings) for r in rows],
                  rejected=[_submission(r, settings) for r, fix in rejections if fix is None][:recent],
                  corrected=[{**_submission(r, settings), "corrected_by": fix["original_name"],
                              "corrected_at": _at(settings, fix["received_at"])}
                             for r, fix in rejections if fix is not None][:recent],
                  backup=backup_health(settings, ctx.now).as_dict(),
                  held_mail=[{"sender": r["sender"], "reason": r["reason"],
                              "received_at": _at(settings, r["received_at"])} for r in held],
                  year=year, year_closed=year_closed, closed_periods=closed_periods,
                  loose_modes=[str(p.relative_to(settings.workspace)) for p in
                               loose_modes(settings.workspace, settings.ingest.teacher_group)],
                  recommend_author_folders=not settings.ingest.author_folders_only,
                  stale_rosters=[r.as_dict() for r in stale_rosters(ctx)],
                  confirm_every_days=settings.roster.confirm_every_days,
                  schedule=upcoming(ctx) if school_id is not None else [],
                  store_health=health.as_dict())


def _inbox(settings) -> list[str]:
    """The files waiting in the sysadmin's inbox/ and each teacher's inbox/<login>/."""
    if not settings.inbox.is_dir():
        return []
    return sorted(str(p.relative_to(settings.inbox)) for p in settings.inbox.glob("*/*") if not is_ignored(p)
                  and p.parent.parent == settings.inbox) + \
        sorted(p.name for p in settings.inbox.iterdir() if not is_ignored(p))
