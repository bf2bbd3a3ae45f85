"""Reading and identifying inbox files on every core, handed back in the order they were found.

Reading a workbook (hashing, the bounds scan, calamine, the signature check) needs nothing
from the store, so worker processes do it while the one writer (the ingest run) checks,
merges and commits the files before them: a file is still applied strictly after every file
found before it. Files are read in worker processes forked from the run, one file at a time
each (:mod:`zhurnal.ingest.sandbox`), so they share the run's settings and keyring without
pickling them, never touch the store or its connections (a forked SQLite or PostgreSQL
connection must not be used by two processes), and a worker can die or hang without costing
more than the file it was reading (it is replaced).
At most ``2 × workers`` files are read ahead, so the run's memory does not grow with the size
of the inbox.

For kinds whose records need only the workbook and the school (``reads_alone``: journals and
attendance registers), the worker also reads the records, against the school snapshot the run
had when the workers started; the writer uses them only while that snapshot is still current
(a setup or roster accepted earlier in the same run makes it read them again).

Every outcome of a read is a value (:class:`FileRead`): the run turns it into a result exactly
as if it had read the file itself. A reader process that crashed or ran out of time gives its
file a ``file-unreadable`` finding naming the cause.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from zhurnal.core.findings import Finding, finding
from zhurnal.core.workbook import Submission
from zhurnal.ingest.archive import archive_copy
from zhurnal.ingest.identify import identify
from zhurnal.ingest.read import ChangedWhileRead, load_submission
from zhurnal.ingest.sandbox import Lost, run_each
from zhurnal.kinds.base import Records, StepContext
from zhurnal.school.context import RunContext
from zhurnal.school.snapshot import School

log = logging.getLogger("zhurnal.ingest")
MB = 1024 * 1024


@dataclass
class FileRead:
    """One inbox file after reading and identifying.

    ``outcome``: ``read`` (``sub`` is set; ``kind`` is the identified kind's name, or None with
    the ``findings`` that refused it), ``changed`` (it changed while read), ``gone`` (taken away
    meanwhile), ``os-error`` at reading or ``internal-error`` at identifying (``errno``,
    ``detail``; ``sub`` is set when the bytes were read)."""

    path: Path
    outcome: str
    sub: Submission | None = None
    kind: str | None = None
    findings: list[Finding] = field(default_factory=list)
    errno: int | None = None
    detail: str = ""
    records: Records | None = None    # read ahead against ``school`` (reads_alone kinds only)
    school: School | None = field(default=None, repr=False)   # not sent back: see read_files
    filename: str = ""                # the file the OS error was about (the archive's, the inbox's)

    def os_error(self) -> OSError:
        return OSError(self.errno, self.detail, self.filename or str(self.path))


def _load(path: Path, run: RunContext) -> Submission | FileRead:
    """The file's bytes, or the outcome that stops its read (changed, gone, an OS error)."""
    try:
        return load_submission(path, run.settings.ingest.max_file_mb * MB)
    except ChangedWhileRead:
        return FileRead(path, "changed")
    except FileNotFoundError:
        return FileRead(path, "gone")
    except OSError as exc:
        return FileRead(path, "os-error", errno=exc.errno, detail=exc.strerror or type(exc).__name__,
                        filename=str(exc.filename or path))


def read_file(path: Path, run: RunContext, school: School | None = None, archive: Path | None = None) -> FileRead:
    """Read and identify one inbox file, and with ``school`` read its records when its kind
    reads alone; with ``archive``, keep the copy of an identified file there (the run keeps every
    such file's original whatever it decides, and the copy's fsync is then off the writer's
    path). Never raises for anything the file does (short of a native reader's crash: see
    :func:`read_files`)."""
    sub = _load(path, run)
    if isinstance(sub, FileRead):
        return sub
    try:
        kind, findings = identify(sub, run.settings)
        records = None
        if kind is not None and kind.reads_alone and school is not None:
            records = kind.records(sub, StepContext(run, None, lambda _: school, sub.meta, sub.saved_at))
        if kind is not None and archive is not None:
            archive_copy(sub, archive)
    except OSError as exc:
        return FileRead(path, "os-error", sub, errno=exc.errno, detail=exc.strerror or type(exc).__name__,
                        filename=str(exc.filename or path))
    except Exception as exc:  # a bug must not take the rest of the batch down
        log.exception("internal error reading %s", path.name)
        return FileRead(path, "internal-error", sub, detail=f"{type(exc).__name__}: {exc}")
    return FileRead(path, "read", sub, kind.name if kind else None, findings, records=records)


# What the sysadmin reads in the file's finding when its reader gave no answer.
LOST_RU = {"crash": "сбой программы чтения", "time-limit": "чтение не уложилось в {limit:g} с и прервано"}


def _lost(path: Path, run: RunContext, lost: Lost) -> FileRead:
    """A file whose reader process gave no answer: the file's own fault, so it is refused as
    unreadable (``file-unreadable``, through the usual rejection: archived, feedback, recorded);
    its bytes are read again here, only to hash and keep them. An unpicklable answer is ours."""
    if lost.cause == "unsendable":
        return FileRead(path, "internal-error", detail=lost.detail)
    log.warning("%s: %s: %s", path.name, "reader crash" if lost.cause == "crash" else "time limit", lost.detail)
    sub = _load(path, run)
    if isinstance(sub, FileRead):
        return sub
    detail = LOST_RU[lost.cause].format(limit=run.settings.ingest.read_seconds_limit)
    return FileRead(path, "read", sub, None, [finding("file-unreadable", detail=detail)])

def worker_count(files: int) -> int:
    """Processes to read ``files`` files with: one per core, no more than the files."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(cores, files)


def read_files(paths: list[Path], run: RunContext, school: Callable[[], School | None],
               workers: int | None = None, archive: Path | None = None) -> Iterator[FileRead]:
    """Every file of ``paths`` read and identified, in the order of ``paths``.

    Each file is read in a forked worker process (:mod:`zhurnal.ingest.sandbox`): a reader
    that panics, aborts, is killed, or runs past ``[ingest] read_seconds_limit`` costs only its
    file, which comes back refused as ``file-unreadable``. ``school``: gives the current school
    snapshot, asked once when the workers start; each read's ``school`` is the snapshot its
    records were read against. ``workers``: processes at once (None: :func:`worker_count`;
    0: read here, one by one, without records or that protection — for tests).
    ``archive``: where identified files are kept as they are read (see :func:`read_file`).
    Stopping the iteration early stops the workers."""
    workers = worker_count(len(paths)) if workers is None else workers
    if workers <= 0:
        for path in paths:
            yield read_file(path, run, archive=archive)
        return
    snapshot = school()

    def read(path: Path) -> FileRead:
        return read_file(path, run, snapshot, archive)

    for path, answer in run_each(read, paths, processes=workers,
                                 limit_seconds=run.settings.ingest.read_seconds_limit):
        if isinstance(answer, Lost):
            answer = _lost(path, run, answer)
        answer.school = snapshot
        yield answer
