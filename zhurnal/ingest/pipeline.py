"""The ingest run: every inbox file read once, identified, checked by its kind, merged, archived.

Plan, commit, then move: a file's changes are applied in one transaction together with its
submission row; its original is already in ``archive/`` by then; only after the commit does
it leave ``inbox/``. A crash anywhere and a rerun give the same store as one clean run,
because a file whose hash is already recorded is a duplicate and is only tidied away.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from sqlalchemy import Connection, insert
from sqlalchemy.exc import SQLAlchemyError

from zhurnal.context import RunContext
from zhurnal.findings import Finding, finding, has_errors
from zhurnal.ingest.authors import channel_findings, make_author_folders, scan_author_folders
from zhurnal.ingest.archive import archive_copy, remove_from_inbox
from zhurnal.ingest.feedback import write_feedback
from zhurnal.ingest.identify import identify
from zhurnal.ingest.inbox import scan_inbox
from zhurnal.ingest.read import load_submission
from zhurnal.kinds.base import StepContext, WorkbookKind
from zhurnal.merge.bases import issued_state
from zhurnal.store import queries as q
from zhurnal.store.schema import submissions
from zhurnal.store.snapshot import School, load_school
from zhurnal.workbook import Submission

log = logging.getLogger("zhurnal.ingest")
MB = 1024 * 1024


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


def _record(conn: Connection, ctx: RunContext, sub: Submission, status: str, findings: list[Finding]) -> int:
    """The submission row: what came in, from whom, when it was saved, and what was found."""
    meta = sub.meta
    return conn.execute(insert(submissions).values(
        school_id=ctx.school_id, sha256=sub.sha256, original_name=sub.name,
        kind=meta.get("kind"), template_id=meta.get("template_id"), author=meta.get("author"),
        received_at=ctx.now, saved_at=sub.saved_at, status=status,
        week=meta.get("week") or meta.get("period"),
        findings=json.dumps([f.model_dump(mode="json") for f in findings], ensure_ascii=False),
    )).inserted_primary_key[0]


def _with_file(findings: list[Finding], name: str) -> list[Finding]:
    return [f.model_copy(update={"file": name}) for f in findings]


def _formulas(sub: Submission) -> list[Finding]:
    return [finding("formula-not-allowed", sheet=sheet, cell=cell)
            for sheet, cells in sub.formulas.items() if not sheet.startswith("_") for cell in cells]


class _Run:
    def __init__(self, ctx: RunContext, dry_run: bool) -> None:
        self.ctx = ctx
        self.settings = ctx.settings
        self.dry_run = dry_run
        self._school: School | None = None

    def school(self, conn: Connection) -> School:
        """The school snapshot, loaded once and again only after a workbook changed it."""
        if self._school is None:
            self._school = load_school(conn, self.ctx.school_id)
        return self._school

    def duplicate(self, sub: Submission, earlier: dict) -> FileResult:
        """A file seen before changes nothing; one rejected before is still rejected, and says
        why again (its feedback workbook is already in the outbox)."""
        if not self.dry_run:
            archive_copy(sub, self.settings.archive)
            remove_from_inbox(sub.path)
        if earlier.get("status") == "rejected":
            findings = [Finding(**item) for item in json.loads(earlier.get("findings") or "[]")]
            return FileResult(sub.name, "rejected", sub.sha256, earlier.get("kind") or "",
                              earlier.get("author") or "", findings=_with_file(findings, sub.name))
        return FileResult(sub.name, "duplicate", sub.sha256, earlier.get("kind") or "",
                          earlier.get("author") or "")

    def reject(self, sub: Submission, findings: list[Finding], record: bool = True) -> FileResult:
        """``record=False``: no submission row, so the same bytes through the right channel still count."""
        result = FileResult(sub.name, "rejected", sub.sha256, sub.kind, sub.author, findings=findings)
        if self.dry_run:
            return result
        archive_copy(sub, self.settings.archive)
        feedback = write_feedback(sub, findings, self.settings.outbox / "feedback",
                                  author=sub.author or "без_автора")
        result.feedback = str(feedback.relative_to(self.settings.workspace))
        if record:
            with self.ctx.engine.begin() as conn:
                _record(conn, self.ctx, sub, "rejected", findings)
        remove_from_inbox(sub.path)
        return result

    def stale(self, conn: Connection, sub: Submission) -> Finding | None:
        """A workbook saved before one already merged from the same template is out of date.

        Only for templates with no recorded base: one with a base is merged against it instead.
        """
        if issued_state(conn, self.ctx.school_id, sub.meta.get("template_id", "")) is not None:
            return None
        newest = q.newest_saved(conn, self.ctx.school_id, sub.meta.get("template_id", ""))
        if sub.saved_at is None or newest is None or sub.saved_at >= newest:
            return None
        return finding("stale-submission", file=sub.name, value=f"{sub.saved_at:%d.%m.%Y %H:%M}",
                       newest=f"{newest:%d.%m.%Y %H:%M}")

    def accept(self, sub: Submission, kind: WorkbookKind, plan, findings: list[Finding]) -> FileResult:
        result = FileResult(sub.name, "accepted", sub.sha256, kind.name, sub.author, findings=findings)
        if not self.dry_run:
            archive_copy(sub, self.settings.archive)
        with self.ctx.engine.connect() as conn:
            transaction = conn.begin()
            submission_id = _record(conn, self.ctx, sub, "accepted", findings)
            result.changes = kind.apply(plan, conn, self.ctx, submission_id).total
            if self.dry_run:
                transaction.rollback()
                return result
            transaction.commit()
        if kind.changes_school:
            self._school = None
        remove_from_inbox(sub.path)
        return result

    def process(self, sub: Submission) -> FileResult:
        with self.ctx.engine.connect() as conn:
            earlier = q.submission_by_hash(conn, self.ctx.school_id, sub.sha256)
        if earlier:
            return self.duplicate(sub, earlier)
        kind, findings = identify(sub, self.settings)
        if kind is None:
            return self.reject(sub, _with_file(findings, sub.name))
        if wrong_channel := channel_findings(self.ctx, sub):    # another author's folder or mail
            return self.reject(sub, wrong_channel, record=False)
        with self.ctx.engine.connect() as conn:
            stale = self.stale(conn, sub)
            if stale:
                return self.reject(sub, [stale])
            found, plan = kind.check(sub, StepContext(self.ctx, conn, self.school, sub.meta))
        findings = _with_file(_formulas(sub) + found, sub.name)
        if has_errors(findings) or plan is None:
            return self.reject(sub, findings)
        return self.accept(sub, kind, plan, findings)


def ingest(ctx: RunContext, *, dry_run: bool = False) -> IngestReport:
    """Process every ready file in ``inbox/``; one bad file never stops the others.

    ``ctx.now`` is when the run happens; the editing window and "lessons that took place" are
    measured from it.
    """
    run = _Run(ctx, dry_run)
    report = IngestReport(dry_run=dry_run)
    ready, growing = scan_inbox(ctx.settings.inbox, ctx.settings.ingest.settle_seconds)
    ready, growing = [a + b for a, b in zip((ready, growing), scan_author_folders(ctx))]   # inbox/<login>/
    for path in growing:
        report.files.append(FileResult(path.name, "deferred"))
    for path in ready:
        sub = None
        try:
            sub = load_submission(path, ctx.settings.ingest.max_file_mb * MB)
            result = run.process(sub)
        except (SQLAlchemyError, OSError):
            raise  # broken store or disk: stop, nothing half-applied thanks to the transaction
        except Exception as exc:  # a bug must not take the rest of the batch down
            log.exception("internal error on %s", path.name)
            result = FileResult(path.name, "failed", sub.sha256 if sub else "",
                                findings=[finding("internal-error", file=path.name,
                                                  detail=f"{type(exc).__name__}: {exc}")])
        log.info("%s: %s (%s)", path.name, result.status,
                 ", ".join(sorted({f.code for f in result.findings})) or "no findings")
        report.files.append(result)
    if not dry_run:
        make_author_folders(ctx)     # a setup accepted just now: its teachers' folders at once
    return report


def validate_file(ctx: RunContext, path) -> FileResult:
    """Check one workbook exactly as ingest would, wherever it lies, and keep nothing: no store
    row (its plan is applied inside a transaction that is rolled back, to count the changes),
    no archive copy, no feedback workbook, the file not moved. Status ``accepted`` means it
    would be accepted."""
    sub = load_submission(path, ctx.settings.ingest.max_file_mb * MB)
    return _Run(ctx, dry_run=True).process(sub)
