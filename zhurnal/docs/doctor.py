"""``zhurnal doctor``: the workspace's health in one look, for the sysadmin and for support.

Each :class:`Check` is an area (versions, settings, store, folders, backups, the last run, what is
stuck), a level (``ok``, ``warning``, ``problem``), one Russian line and the figures behind it.
The doctor reads only, and goes on past a problem: a workspace whose settings or store cannot be
opened still gets the checks that need neither. Nothing it says names a pupil, a parent or a
teacher (file names in ``inbox/`` carry teachers' names: they are counted, not listed), so the
whole report may go into the support bundle (:mod:`zhurnal.docs.bundle`).
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import os
import platform
import shutil
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import func, select, text

from zhurnal.backup.health import backup_health, warning_lines
from zhurnal.batch.faults import named
from zhurnal.batch.workspace import open_workspace
from zhurnal.core.atomic import PARTIAL
from zhurnal.core.settings import Settings, load_settings
from zhurnal.docs import office
from zhurnal.docs.facts import gather
from zhurnal.docs.regulation import outdated
from zhurnal.ingest.inbox import is_ignored
from zhurnal.school.context import RunContext, utc_now
from zhurnal.school.workspace import loose_modes
from zhurnal.store import schema as s
from zhurnal.store.engine import current_revision, head_revision

OK, WARNING, PROBLEM = "ok", "warning", "problem"
PACKAGES = ("zhurnal", "SQLAlchemy", "alembic", "openpyxl", "xlsxwriter", "python-calamine", "typst", "pydantic",
            "pyrage", "python-docx", "psycopg")
WAITING_TOO_LONG = dt.timedelta(hours=1)     # a run every 15 minutes takes a file within this


@dataclass
class Check:
    area: str          # versions | settings | store | folders | backup | last run | stuck | documents
    level: str         # ok | warning | problem
    said: str          # one Russian line
    figures: dict = field(default_factory=dict)


@dataclass
class Health:
    checks: list[Check] = field(default_factory=list)
    revision: str | None = None          # the store schema's alembic revision (None: no store)
    finding_counts: dict[str, int] = field(default_factory=dict)     # code → how many, all submissions
    runs: list[dict] = field(default_factory=list)                   # the latest submissions, anonymous

    @property
    def ok(self) -> bool:
        return all(c.level != PROBLEM for c in self.checks)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def add(self, area: str, level: str, said: str, **figures: object) -> None:
        self.checks.append(Check(area, level, said, dict(figures)))

    def as_dict(self) -> dict:
        return {"ok": self.ok, "exit_code": self.exit_code, "checks": [asdict(c) for c in self.checks],
                "schema_revision": self.revision, "finding_counts": self.finding_counts, "runs": self.runs}


def versions() -> dict[str, str]:
    """Python, the system, the packages zhurnal runs on and LibreOffice's presence."""
    found = {"python": platform.python_version(), "system": platform.platform()}
    for name in PACKAGES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "—"
    found["LibreOffice"] = office.soffice() or "—"
    return found


def examine(workspace: Path, *, now: dt.datetime | None = None, recent: int = 20) -> Health:
    """The health of ``workspace`` at ``now`` (UTC, naive); ``recent``: how many of the latest
    submissions :attr:`Health.runs` describes."""
    health = Health()
    now = now or utc_now()
    health.add("versions", OK, "Версии: " + ", ".join(f"{k} {v}" for k, v in versions().items()
                                                       if k in ("zhurnal", "python", "typst")), **versions())
    try:
        settings = load_settings(workspace, need_key=False)
    except Exception as exc:            # a settings error is the finding here, not a stop
        health.add("settings", PROBLEM, f"Настройки не читаются: {_said(exc)}")
        return health
    _settings(health, settings)
    _folders(health, settings)
    _backup(health, settings, now)
    try:
        ctx = open_workspace(workspace, read_only=True, need_key=False, now=now, check_whole=False)   # says it itself
    except Exception as exc:
        health.add("store", PROBLEM, f"База данных не открывается: {_said(exc)}")
        return health
    try:
        _store(health, ctx, recent)
        _stuck(health, ctx, now)
        _regulation(health, ctx)
    finally:
        ctx.engine.dispose()
    return health


def _said(exc: Exception) -> str:
    problem = named(exc)
    return problem.said() if problem is not None else type(exc).__name__


def _settings(health: Health, settings: Settings) -> None:
    notes = []
    if not settings.secret:
        notes.append("нет ключа подписи (.zhurnal-secret): рабочие книги не выдать и не проверить")
    if not settings.smtp.host:
        notes.append("почтовый сервер [smtp] не настроен: дневники не рассылаются")
    if not settings.ingest.author_folders_only:
        notes.append("книги учителей принимаются из общей папки inbox/ ([ingest] author_folders_only = false)")
    if len(settings.backup.destinations) < settings.backup.min_destinations:
        notes.append(f"мест для резервных копий {len(settings.backup.destinations)}, нужно "
                     f"{settings.backup.min_destinations} ([backup] destinations)")
    if not settings.backup.recipients:
        notes.append("нет ключа шифрования копий ([backup] recipients): копии не делаются")
    level = PROBLEM if not settings.secret else WARNING if notes else OK
    health.add("settings", level, "Настройки: " + ("; ".join(notes) if notes else "в порядке"),
               notes=notes, keyring=bool(settings.secret))


def _folders(health: Health, settings: Settings) -> None:
    missing = [name for name in ("inbox", "outbox", "archive", "templates_xlsx")
               if not (settings.workspace / name).is_dir()]
    loose = loose_modes(settings.workspace, settings.ingest.teacher_group)
    free = shutil.disk_usage(settings.workspace).free
    free_mb = free // 2**20
    # a folder zhurnal cannot write (a read-only mount, a wrong owner) stops publish and ingest
    # with exit 3; os.access also answers EROFS for a read-only file system
    unwritable = [name for name in ("inbox", "outbox", "archive", "templates_xlsx")
                  if name not in missing and not os.access(settings.workspace / name, os.W_OK | os.X_OK)]
    notes = [f"нет папок: {', '.join(missing)}"] if missing else []
    notes += [f"нет права записи: {', '.join(unwritable)}"] if unwritable else []
    notes += [f"доступно другим пользователям: {len(loose)} (zhurnal init --fix-modes)"] if loose else []
    notes += [f"на диске свободно {free_mb} МБ"] if free_mb < 1024 else []
    level = PROBLEM if missing or unwritable or free_mb < 100 else WARNING if notes else OK
    health.add("folders", level, "Папки: " + ("; ".join(notes) if notes else f"в порядке, свободно {free_mb} МБ"),
               missing=missing, unwritable=unwritable, loose_modes=len(loose), free_mb=free_mb)


def _backup(health: Health, settings: Settings, now: dt.datetime) -> None:
    figures = backup_health(settings, now).as_dict()
    lines = warning_lines(figures)
    said = [f"Резервная копия: последняя проверенная {figures['age_days']} дн. назад, мест {figures['destinations']}"
            ] if figures.get("newest") else []
    health.add("backup", WARNING if lines else OK, "; ".join([*said, *lines]), **figures)


def _store(health: Health, ctx: RunContext, recent: int) -> None:
    engine, school_id = ctx.engine, ctx.school_id
    with engine.connect() as conn:
        health.revision = current_revision(conn)
        head = head_revision()
        checked = conn.execute(text("PRAGMA quick_check")).scalar() if engine.dialect.name == "sqlite" else "ok"
        rows = conn.execute(select(s.submissions.c.id, s.submissions.c.kind, s.submissions.c.week,
                                   s.submissions.c.status, s.submissions.c.received_at, s.submissions.c.findings)
                            .where(s.submissions.c.school_id == school_id)
                            .order_by(s.submissions.c.id.desc())).all()
    counts: Counter[str] = Counter()
    for n, row in enumerate(rows):
        codes = Counter(f["code"] for f in _findings(row.findings))
        counts.update(codes)
        if n < recent:
            health.runs.append({"id": row.id, "kind": row.kind, "week": row.week, "status": row.status,
                                "received_at": row.received_at.isoformat(sep=" "), "findings": dict(codes)})
    health.finding_counts = dict(sorted(counts.items()))
    level = PROBLEM if checked != "ok" or health.revision != head else OK
    health.add("store", level, f"База данных: {engine.dialect.name}, схема {health.revision}"
               + ("" if health.revision == head else f" (программе нужна {head}: zhurnal db upgrade)")
               # SQLite's own words (English, several lines) stay in --json and the bundle
               + ("" if checked == "ok" else ", повреждена: восстановите её из последней проверенной резервной "
                  "копии (zhurnal restore --to НОВАЯ_ПАПКА)" if backup_health(ctx.settings, ctx.now).newest else
                  ", повреждена, а резервной копии, из которой её восстановить, нет: сохраните рабочую папку "
                  "как есть (копией) для того, кто будет чинить базу"),
               dialect=engine.dialect.name, revision=health.revision, head=head, integrity=checked,
               submissions=len(rows))
    last = rows[0].received_at if rows else None
    health.add("last run", OK if last else WARNING,
               f"Последняя книга поступила {ctx.settings.school.local(last):%d.%m.%Y %H:%M} (время школы)" if last else
               "Книг ещё не поступало", last_submission=last.isoformat(sep=" ") if last else None)


def _findings(raw: str | None) -> list[dict]:
    try:
        found = json.loads(raw or "[]")
    except ValueError:
        return []
    return [f for f in found if isinstance(f, dict) and "code" in f]


def _stuck(health: Health, ctx: RunContext, now: dt.datetime) -> None:
    """Files waiting in ``inbox/`` longer than an hour, half-written files, mail not delivered."""
    settings = ctx.settings
    cutoff = time.time() - WAITING_TOO_LONG.total_seconds()    # files' times are the real clock's
    waiting = [p for p in settings.inbox.rglob("*") if p.is_file() and not is_ignored(p)
               and p.stat().st_mtime < cutoff] if settings.inbox.is_dir() else []
    partial = [p for p in settings.workspace.rglob(f"*{PARTIAL}")]
    with ctx.engine.connect() as conn:
        mail: dict[str, int] = dict(conn.execute(select(s.mail_ledger.c.status, func.count())
                                 .where(s.mail_ledger.c.school_id == ctx.school_id)
                                 .group_by(s.mail_ledger.c.status)).all())
        held = conn.execute(select(func.count()).select_from(s.fetched_mail)
                            .where(s.fetched_mail.c.school_id == ctx.school_id, s.fetched_mail.c.status == "held")).scalar()
    notes = [f"в inbox/ дольше часа лежат файлов: {len(waiting)}"] if waiting else []
    notes += [f"недописанных файлов: {len(partial)}"] if partial else []
    for status, word in (("queued", "ждут отправки"), ("uncertain", "доставка не подтверждена"),
                         ("failed", "не отправлены"), ("refused", "отклонены сервером")):
        if mail.get(status):
            notes.append(f"писем {word}: {mail[status]}")
    notes += [f"писем задержано для администратора: {held}"] if held else []
    health.add("stuck", WARNING if notes else OK, "Застряло: " + ("; ".join(notes) if notes else "ничего"),
               inbox_waiting=len(waiting), partial_files=len(partial), mail=mail, held_mail=held)


def _regulation(health: Health, ctx: RunContext) -> None:
    """Whether ``outbox/docs/``'s regulation still says what the settings and the setup do."""
    stale = outdated(gather(ctx), ctx.settings.outbox / "docs")
    if stale is None:
        health.add("documents", OK, "Положение о ведении журнала не составлялось (zhurnal docs regulation)")
    else:
        health.add("documents", WARNING if stale else OK,
                   "Положение устарело: настройки изменились после его составления — выполните zhurnal docs "
                   "regulation и передайте директору" if stale else "Положение соответствует настройкам",
                   outdated=stale)
