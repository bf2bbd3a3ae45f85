"""The ingest run: every inbox file through identify → validate → merge → archive.

Plan, commit, then move: a file's changes are applied in one transaction together with its
submission row; its original is already in ``archive/`` by then; only after the commit does
it leave ``inbox/``. A crash anywhere and a rerun give the same store as one clean run,
because a file whose hash is already recorded is a duplicate and is only tidied away.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, insert
from sqlalchemy.exc import SQLAlchemyError

from zhurnal.findings import Finding, finding, has_errors
from zhurnal.ingest.archive import archive_copy, remove_from_inbox
from zhurnal.ingest.identify import Identified, identify
from zhurnal.ingest.inbox import InboxFile, scan_inbox
from zhurnal.ingest.read import saved_time
from zhurnal.publish.feedback import write_feedback
from zhurnal.settings import Settings
from zhurnal.store import queries as q
from zhurnal.store.schema import submissions
from zhurnal.validate.workbook import validate_workbook

log = logging.getLogger("zhurnal.ingest")


@dataclass
class FileResult:
    """What happened to one inbox file."""

    name: str
    status: str                      # accepted | rejected | duplicate | deferred | failed
    sha256: str = ""
    kind: str = ""
    author: str = ""
    changes: int = 0
    findings: list[Finding] = field(default_factory=list)
    feedback: str = ""

    def as_dict(self) -> dict:
        return {"file": self.name, "status": self.status, "sha256": self.sha256, "kind": self.kind,
                "author": self.author, "changes": self.changes, "feedback": self.feedback,
                "findings": [f.model_dump(mode="json") for f in self.findings]}


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return all(f.status in ("accepted", "duplicate", "deferred") for f in self.files)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "dry_run": self.dry_run, "files": [f.as_dict() for f in self.files]}


def _record(conn: Connection, school_id: int, item: InboxFile, status: str, findings: list[Finding],
            meta: dict | None, now: dt.datetime, saved: dt.datetime | None) -> int:
    """The submission row: what came in, from whom, when it was saved, and what was found."""
    meta = meta or {}
    return conn.execute(insert(submissions).values(
        school_id=school_id, sha256=item.sha256, original_name=item.path.name,
        kind=meta.get("kind"), template_id=meta.get("template_id"), author=meta.get("author"),
        received_at=now, saved_at=saved, status=status,
        week=meta.get("week") or meta.get("period"),
        findings=json.dumps([f.model_dump(mode="json") for f in findings], ensure_ascii=False),
    )).inserted_primary_key[0]


def _with_file(findings: list[Finding], name: str) -> list[Finding]:
    return [f.model_copy(update={"file": name}) for f in findings]


class _Run:
    def __init__(self, settings: Settings, engine: Engine, dry_run: bool, now: dt.datetime) -> None:
        self.settings = settings
        self.engine = engine
        self.dry_run = dry_run
        self.now = now
        with engine.begin() as conn:
            self.school_id = q.ensure_school(conn, settings.school.code, settings.school.name)

    def duplicate(self, item: InboxFile, earlier: dict) -> FileResult:
        if not self.dry_run:
            archive_copy(item.path, self.settings.archive, item.sha256)
            remove_from_inbox(item.path)
        return FileResult(item.path.name, "duplicate", item.sha256, earlier.get("kind") or "",
                          earlier.get("author") or "")

    def reject(self, item: InboxFile, findings: list[Finding], known: Identified | None,
               saved: dt.datetime | None) -> FileResult:
        meta = known.meta if known else {}
        result = FileResult(item.path.name, "rejected", item.sha256, meta.get("kind", ""),
                            meta.get("author", ""), findings=findings)
        if self.dry_run:
            return result
        archive_copy(item.path, self.settings.archive, item.sha256)
        feedback = write_feedback(item.path, findings, self.settings.outbox / "feedback",
                                  author=meta.get("author") or "без_автора",
                                  original_name=item.path.name, cells=known.cells if known else None)
        result.feedback = str(feedback.relative_to(self.settings.workspace))
        with self.engine.begin() as conn:
            _record(conn, self.school_id, item, "rejected", findings, meta, self.now, saved)
        remove_from_inbox(item.path)
        return result

    def stale(self, conn: Connection, known: Identified, saved: dt.datetime | None) -> Finding | None:
        """A workbook saved before one already merged from the same template is out of date."""
        newest = q.newest_saved(conn, self.school_id, known.meta.get("template_id", ""))
        if saved is None or newest is None or saved >= newest:
            return None
        return finding("stale-submission", file=known.path.name, value=f"{saved:%d.%m.%Y %H:%M}",
                       newest=f"{newest:%d.%m.%Y %H:%M}")

    def process(self, item: InboxFile) -> FileResult:
        with self.engine.connect() as conn:
            earlier = q.submission_by_hash(conn, self.school_id, item.sha256)
        if earlier:
            return self.duplicate(item, earlier)
        saved = saved_time(item.path)
        known, findings = identify(item.path, item.size, self.settings)
        if known is None:
            return self.reject(item, _with_file(findings, item.path.name), None, saved)
        with self.engine.connect() as conn:
            stale = self.stale(conn, known, saved)
            if stale:
                return self.reject(item, [stale], known, saved)
            checked = validate_workbook(known, conn, self.school_id, settings=self.settings,
                                        today=self.now.date())
        findings = _with_file(checked.findings, item.path.name)
        if has_errors(findings) or checked.apply is None:
            return self.reject(item, findings, known, saved)
        result = FileResult(item.path.name, "accepted", item.sha256, known.meta["kind"],
                            known.meta.get("author", ""), findings=findings)
        if not self.dry_run:
            archive_copy(item.path, self.settings.archive, item.sha256)
        with self.engine.connect() as conn:
            transaction = conn.begin()
            submission_id = _record(conn, self.school_id, item, "accepted", findings, known.meta, self.now, saved)
            result.changes = checked.apply(conn, self.school_id, submission_id).total
            if self.dry_run:
                transaction.rollback()
                return result
            transaction.commit()
        remove_from_inbox(item.path)
        return result


def ingest(settings: Settings, engine: Engine, *, dry_run: bool = False,
           now: dt.datetime | None = None) -> IngestReport:
    """Process every ready file in ``inbox/``; one bad file never stops the others.

    ``now`` (UTC, naive) is when the run happens; the editing window and "lessons that took
    place" are measured from it.
    """
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    run = _Run(settings, engine, dry_run, now)
    report = IngestReport(dry_run=dry_run)
    ready, growing = scan_inbox(settings.inbox, settings.ingest.settle_seconds)
    for path in growing:
        report.files.append(FileResult(path.name, "deferred"))
    for item in ready:
        try:
            result = run.process(item)
        except (SQLAlchemyError, OSError):
            raise  # broken store or disk: stop, nothing half-applied thanks to the transaction
        except Exception as exc:  # a bug must not take the rest of the batch down
            log.exception("internal error on %s", item.path.name)
            result = FileResult(item.path.name, "failed", item.sha256,
                                findings=[finding("internal-error", file=item.path.name,
                                                  detail=f"{type(exc).__name__}: {exc}")])
        log.info("%s: %s (%s)", item.path.name, result.status,
                 ", ".join(sorted({f.code for f in result.findings})) or "no findings")
        report.files.append(result)
    return report
