"""Reading and identifying inbox files on every core, handed back in the order they were found.

Reading a workbook (hashing, the bounds scan, calamine, the signature check) needs nothing
from the store, so worker processes do it while the one writer (the ingest run) checks,
merges and commits the files before them: a file is still applied strictly after every file
found before it. Workers are forked from the run, so they share its settings and keyring
without pickling them, and they never touch the store or its connections (a forked SQLite or
PostgreSQL connection must not be used by two processes). At most ``2 × workers`` files are
read ahead, so the run's memory does not grow with the size of the inbox.

For kinds whose records need only the workbook and the school (``reads_alone``: journals and
attendance registers), the worker also reads the records, against the school snapshot the run
had when the workers started; the writer uses them only while that snapshot is still current
(a setup or roster accepted earlier in the same run makes it read them again).

Every outcome of a read is a value (:class:`FileRead`): the run turns it into a result exactly
as if it had read the file itself.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from zhurnal.school.context import RunContext
from zhurnal.core.findings import Finding
from zhurnal.ingest.archive import archive_copy
from zhurnal.ingest.identify import identify
from zhurnal.ingest.read import ChangedWhileRead, load_submission
from zhurnal.kinds.base import Records, StepContext
from zhurnal.school.snapshot import School
from zhurnal.core.workbook import Submission

log = logging.getLogger("zhurnal.ingest")
MB = 1024 * 1024
# Below this many files the pool's start (a fork per worker) costs more than it saves.
POOL_FROM_FILES = 4


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

    def os_error(self) -> OSError:
        return OSError(self.errno, self.detail)


def read_file(path: Path, run: RunContext, school: School | None = None, archive: Path | None = None) -> FileRead:
    """Read and identify one inbox file, and with ``school`` read its records when its kind
    reads alone; with ``archive``, keep the copy of an identified file there (the run keeps every
    such file's original whatever it decides, and the copy's fsync is then off the writer's
    path). Never raises for anything the file does."""
    settings = run.settings
    try:
        sub = load_submission(path, settings.ingest.max_file_mb * MB)
    except ChangedWhileRead:
        return FileRead(path, "changed")
    except FileNotFoundError:
        return FileRead(path, "gone")
    except OSError as exc:
        return FileRead(path, "os-error", errno=exc.errno, detail=exc.strerror or type(exc).__name__)
    try:
        kind, findings = identify(sub, settings)
        records = None
        if kind is not None and kind.reads_alone and school is not None:
            records = kind.records(sub, StepContext(run, None, lambda _: school, sub.meta, sub.saved_at))
        if kind is not None and archive is not None:
            archive_copy(sub, archive)
    except OSError as exc:
        return FileRead(path, "os-error", sub, errno=exc.errno, detail=exc.strerror or type(exc).__name__)
    except Exception as exc:  # a bug must not take the rest of the batch down
        log.exception("internal error reading %s", path.name)
        return FileRead(path, "internal-error", sub, detail=f"{type(exc).__name__}: {exc}")
    return FileRead(path, "read", sub, kind.name if kind else None, findings, records=records)


_run: RunContext | None = None        # a worker's copies, inherited through fork
_school: School | None = None
_archive: Path | None = None


def _init(run: RunContext, school: School | None, archive: Path | None) -> None:
    global _run, _school, _archive
    _run, _school, _archive = run, school, archive


def _read_in_worker(path: Path) -> FileRead:
    read = read_file(path, _run, _school, _archive)
    try:
        pickle.dumps(read)
    except Exception as exc:   # whatever the file held must come back as a value
        return FileRead(path, "internal-error", detail=f"{type(exc).__name__}: {exc}")
    return read


def worker_count(files: int) -> int:
    """Processes to read ``files`` files with: one per core, none for a short inbox."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return cores if cores > 1 and files >= POOL_FROM_FILES else 0


def read_files(paths: list[Path], run: RunContext, school: Callable[[], School | None],
               workers: int | None = None, archive: Path | None = None) -> Iterator[FileRead]:
    """Every file of ``paths`` read and identified, in the order of ``paths``.

    ``school``: gives the current school snapshot, asked once when the workers start; each
    read's ``school`` is the snapshot its records were read against. ``workers``: processes to
    read with (None: :func:`worker_count`; 0: read here, one by one, without records).
    ``archive``: where identified files are kept as they are read (see :func:`read_file`).
    Stopping the iteration early stops the workers."""
    workers = worker_count(len(paths)) if workers is None else workers
    if workers <= 0:
        for path in paths:
            yield read_file(path, run, archive=archive)
        return
    snapshot = school()
    ahead = 2 * workers
    with multiprocessing.get_context("fork").Pool(workers, initializer=_init, initargs=(run, snapshot, archive)) as pool:
        pending: deque = deque()
        queue = iter(paths)
        for path in queue:
            pending.append(pool.apply_async(_read_in_worker, (path,)))
            if len(pending) >= ahead:
                break
        while pending:
            read = pending.popleft().get()
            read.school = snapshot
            for path in queue:
                pending.append(pool.apply_async(_read_in_worker, (path,)))
                break
            yield read
