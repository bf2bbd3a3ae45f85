"""The ingest run: every inbox file read once, identified, checked by its kind, merged, archived.

Plan, commit, then move: a file's changes are applied in one transaction together with its
submission row; its original is already in ``archive/`` by then; only once the commit is on
disk does it leave ``inbox/``. Commits are made durable in batches (:mod:`zhurnal.store.durable`):
the files of a batch leave the inbox together, after one wait for the disk. A crash or a power
failure anywhere and a rerun give the same store as one clean run, because a file whose hash
is already recorded is a duplicate and is only tidied away, and a file whose commit did not
reach the disk is still in the inbox.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from zhurnal.core.findings import Finding, Severity, finding, has_errors
from zhurnal.core.workbook import Submission
from zhurnal.ingest.archive import archive_copy
from zhurnal.ingest.authors import channel_findings, channel_owner, make_author_folders, scan_author_folders
from zhurnal.ingest.feedback import write_feedback
from zhurnal.ingest.identify import identify
from zhurnal.ingest.inbox import SETTLE_FLOOR_SECONDS, is_fresh, scan_inbox
from zhurnal.ingest.lock import run_lock
from zhurnal.ingest.read import load_submission
from zhurnal.ingest.readers import FileRead, read_files
from zhurnal.ingest.results import (
    ENTRY_RU,
    SHORT_READ_CODES,
    FileResult,
    IngestReport,
    lock_results,
    still_being_written,
)
from zhurnal.ingest.submission_steps import (
    leave_inbox,
    read_findings,
    record_submission,
    stop_if_disk_full,
    with_file,
)
from zhurnal.kinds import KINDS
from zhurnal.kinds.base import StepContext, WorkbookKind
from zhurnal.merge.bases import issued_state
from zhurnal.school.context import RunContext
from zhurnal.school.snapshot import School, load_school
from zhurnal.store import queries as q
from zhurnal.store.durable import BatchedCommits

log = logging.getLogger("zhurnal.ingest")
MB = 1024 * 1024
# Files whose commits are made durable together before they leave the inbox.
DURABLE_BATCH = 32
class _Run:
    def __init__(self, ctx: RunContext, dry_run: bool, writer: BatchedCommits | None = None) -> None:
        self.ctx = ctx
        self.settings = ctx.settings
        self.dry_run = dry_run
        self._school: School | None = None
        self.writer = writer          # None: each file's own connection, every commit durable
        self._leaving: list[tuple[Submission, FileResult]] = []
        # an inbox file that reads short and was written a moment ago is a copy still arriving;
        # a file named to `validate` is not arriving anywhere
        self.settle = True

    def _leave(self, sub: Submission, result: FileResult) -> FileResult:
        """``sub`` leaves the inbox once its commit (and those before it) is on disk: at the
        next :meth:`flush`, which the run calls between files (:attr:`flush_due`), never inside
        one file's work (a disk that refuses the sync stops the run; it is no fault of a file)."""
        if self.writer is None:
            return leave_inbox(sub, result)
        self._leaving.append((sub, result))
        return result

    @property
    def flush_due(self) -> bool:
        return len(self._leaving) >= DURABLE_BATCH

    def flush(self) -> None:
        """Make the run's commits durable, then remove their files from the inbox. Raises
        ``OSError`` when the disk refuses the sync (the files stay in the inbox: a rerun finds
        them committed, or not, and either way ends as one clean run)."""
        if self.writer is not None and self._leaving:
            self.writer.make_durable()
        leaving, self._leaving = self._leaving, []
        for sub, result in leaving:
            leave_inbox(sub, result)

    def school(self, conn: Connection) -> School:
        """The school snapshot, loaded once and again only after a workbook changed it."""
        if self._school is None:
            self._school = load_school(conn, self.ctx.school_id)
        return self._school

    def current_school(self) -> School | None:
        """The snapshot for readers to read records against (None: no school set up yet)."""
        with self.ctx.engine.connect() as conn:
            school = self.school(conn)
        return school if school.classes else None

    def duplicate(self, sub: Submission, earlier: dict) -> FileResult:
        """A file accepted before changes nothing of what it holds; its kind may record that it
        was handed in again (:meth:`WorkbookKind.again`)."""
        result = FileResult(sub.name, "duplicate", sub.sha256, earlier.get("kind") or "",
                            earlier.get("author") or "")
        if self.dry_run:
            return result
        kind = KINDS.get(earlier.get("kind") or "")
        if kind is not None and earlier["status"] == "accepted":
            with self._connection() as conn, conn.begin():      # e.g. a roster confirmed again
                kind.again(conn, self.ctx, earlier["id"])
        archive_copy(sub, self.settings.archive)
        return self._leave(sub, result)

    def reject(self, sub: Submission, findings: list[Finding], *, file_level: bool = False,
               record: bool = True, feedback_to: str | None = None) -> FileResult:
        """Archive, feedback, record, leave the inbox. ``file_level``: the file was refused
        before its cells were trusted (unreadable, a bomb, bad metadata), so its feedback is a
        findings-only workbook and the file itself is never opened for editing. ``record=False``:
        no submission row, so the same bytes through the right channel still count.
        ``feedback_to``: whose feedback folder gets it, when not the workbook's named author (a
        workbook handed in through another teacher's folder goes back to that teacher, who
        handed it in, not to the one it names)."""
        result = FileResult(sub.name, "rejected", sub.sha256, sub.kind, sub.author, findings=findings)
        if self.dry_run:
            return result
        archive_copy(sub, self.settings.archive)
        feedback = write_feedback(sub, findings, self.settings.outbox / "feedback",
                                  author=feedback_to or sub.author or "без_автора", findings_only=file_level)
        result.feedback = str(feedback.relative_to(self.settings.workspace))
        if record:
            with self._connection() as conn, conn.begin():
                record_submission(conn, self.ctx, sub, "rejected", findings)
        return self._leave(sub, result)

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        """The run's writer connection (left open, with what reads began ended: its pages are
        the ones the run just wrote, so reading through it is the cheap way), else a connection
        of the pool."""
        if self.writer is not None:
            try:
                yield self.writer.conn
            finally:
                if self.writer.conn.in_transaction():
                    self.writer.conn.rollback()
        else:
            with self.ctx.engine.connect() as conn:
                yield conn

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
        with self._connection() as conn:
            transaction = conn.begin()
            try:
                submission_id = record_submission(conn, self.ctx, sub, "accepted", findings)
                result.changes = kind.apply(plan, conn, self.ctx, submission_id).total
            except BaseException:
                transaction.rollback()     # the writer connection lives on: nothing of this file stays
                raise
            if self.dry_run:
                transaction.rollback()
                return result
            transaction.commit()
        if kind.changes_school:
            self._school = None
        return self._leave(sub, result)

    def process(self, sub: Submission, identified=None, records=None) -> FileResult:
        """Check, merge and commit one read file. ``identified``: what :func:`identify` gave
        for it (kind, findings), and ``records`` its kind's records, when a reader process
        did that already."""
        with self._connection() as conn:
            earlier = q.submission_by_hash(conn, self.ctx.school_id, sub.sha256)
        if earlier and earlier["status"] != "rejected":
            return self.duplicate(sub, earlier)
        # bytes rejected before are checked again: the rejection may have come from the file's
        # name, the settings, the keyring or the store as they were then, and a teacher who
        # sends the same file again after the cause was mended must not get the old verdict
        kind, findings = identified or identify(sub, self.settings)
        if kind is None and {f.code for f in findings} <= SHORT_READ_CODES and self.settle and is_fresh(sub.mtime_ns):
            deferred = still_being_written(sub.path, SETTLE_FLOOR_SECONDS, sub.mtime_ns)   # most likely a copy arriving
            deferred.sha256 = sub.sha256
            return deferred
        if kind is None:
            return self.reject(sub, with_file(findings, sub.name), file_level=True)
        if wrong_channel := channel_findings(self.ctx, sub):    # another author's folder or mail
            return self.reject(sub, wrong_channel, record=False, feedback_to=channel_owner(self.ctx, sub.path))
        with self._connection() as conn:
            refused = self.stale(conn, sub)
            school = self.school(conn)
            if refused is None and kind.closed_with_year and school.year_closed:
                refused = finding("year-closed", file=sub.name, year=school.year_label)
            if refused is None:
                found, plan = kind.check(sub, StepContext(self.ctx, conn, self.school, sub.meta, sub.saved_at),
                                         records)
        if refused is not None:      # (rejected outside the reading: the rejection writes)
            return self.reject(sub, [refused])
        findings = with_file(read_findings(sub) + found, sub.name)
        if has_errors(findings) or plan is None:
            return self.reject(sub, findings)
        return self.accept(sub, kind, plan, findings)


    def one(self, read: FileRead) -> FileResult | None:
        """The result of one inbox file as read; whatever goes wrong with its bytes, name or
        permissions is a finding on its result. Only a broken store or a full disk raises."""
        name, sub = read.path.name, read.sub
        if read.outcome == "changed":           # it changed while it was read
            return still_being_written(read.path, self.settings.ingest.settle_seconds)
        if read.outcome == "gone":
            return None
        if read.outcome == "os-error":
            stop_if_disk_full(read.os_error())
            if sub is None:
                return FileResult(name, "failed", findings=[finding("file-not-readable", file=name, detail=read.detail)])
            return FileResult(name, "failed", sub.sha256, findings=[finding("file-system-error", file=name,
                                                                            detail=read.detail)])
        if read.outcome == "internal-error":
            return FileResult(name, "failed", sub.sha256 if sub else "", findings=[finding(
                "internal-error", file=name, detail=read.detail)])
        try:
            # records read ahead count only against the snapshot the run still holds
            records = read.records if read.school is not None and read.school is self._school else None
            return self.process(sub, (KINDS.get(read.kind) if read.kind else None, read.findings), records)
        except SQLAlchemyError:
            raise  # broken store: stop, nothing half-applied thanks to the transaction
        except OSError as exc:
            stop_if_disk_full(exc)
            # one line for the sysadmin; the traceback only with -v (the run logs at INFO then)
            log.error("file system error on %s: %s", name, exc)
            log.info("the traceback of %s", name, exc_info=True)
            return FileResult(name, "failed", sub.sha256, findings=[finding(
                "file-system-error", file=name, detail=f"{exc.strerror or type(exc).__name__}")])
        except Exception as exc:  # a bug must not take the rest of the batch down
            log.exception("internal error on %s", name)
            return FileResult(name, "failed", sub.sha256, findings=[finding(
                "internal-error", file=name, detail=f"{type(exc).__name__}: {exc}")])


def ingest(ctx: RunContext, *, dry_run: bool = False, wait: bool = True) -> IngestReport:
    """Process every ready file in ``inbox/``; one bad file never stops the others.

    ``ctx.now`` is when the run happens; the editing window and "lessons that took place" are
    measured from it. One run at a time per workspace: another run waits for this one, or with
    ``wait=False`` raises :class:`~zhurnal.ingest.lock.WorkspaceBusy`. A missing inbox raises
    :class:`~zhurnal.ingest.inbox.InboxUnusable`.
    """
    with run_lock(ctx, wait=wait), BatchedCommits(ctx.engine) as writer:
        run = _Run(ctx, dry_run, None if dry_run else writer)
        report = IngestReport(dry_run=dry_run)
        scan = scan_inbox(ctx.settings.inbox, ctx.settings.ingest.settle_seconds)
        own = scan_author_folders(ctx)                       # each teacher's inbox/<login>/
        for path, what in [*(entry for entry in scan.odd if entry[0] not in own.folders), *own.odd]:
            report.files.append(FileResult(path.name, "left", findings=[finding(
                "inbox-entry-not-a-file", severity=Severity.WARNING, file=path.name, value=ENTRY_RU[what])]))
        for path in [*scan.growing, *own.growing]:
            report.files.append(still_being_written(path, ctx.settings.ingest.settle_seconds))
        report.files += lock_results(scan, own)
        for read in read_files([*scan.ready, *own.ready], ctx, run.current_school,
                               archive=None if dry_run else ctx.settings.archive):
            result = run.one(read)
            if result is None:
                continue
            log.info("%s: %s (%s)", read.path.name, result.status,
                     ", ".join(sorted({f.code for f in result.findings})) or "no findings")
            report.files.append(result)
            if run.flush_due:
                run.flush()
        run.flush()
        if not dry_run:
            make_author_folders(ctx)     # a setup accepted just now: its teachers' folders at once
        return report


def validate_file(ctx: RunContext, path) -> FileResult:
    """Check one workbook exactly as ingest would, wherever it lies, and keep nothing: no store
    row (its plan is applied inside a transaction that is rolled back, to count the changes),
    no archive copy, no feedback workbook, the file not moved. Status ``accepted`` means it
    would be accepted. Read in a worker process, as ingest reads (a reader that crashes
    gives ``file-unreadable``); raises ``OSError`` when the file cannot be read at all."""
    read = next(read_files([path], ctx, lambda: None, workers=1))
    run = _Run(ctx, dry_run=True)
    run.settle = False
    if read.outcome != "read":     # read again here, for the error it raises
        return run.process(load_submission(path, ctx.settings.ingest.max_file_mb * MB))
    return run.process(read.sub, (KINDS.get(read.kind) if read.kind else None, read.findings))
