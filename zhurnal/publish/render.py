"""Rendering the parents' documents: one PDF per pupil on every core, reused when unchanged.

:class:`Rendering` is the only place publish waits for Typst. It holds no store connection:
publish reads the store first, renders, and writes the mail ledger afterwards in a short
transaction of its own (:mod:`zhurnal.publish.family_mail`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from filelock import FileLock

from zhurnal.core.atomic import write_bytes
from zhurnal.core.filenames import safe_name
from zhurnal.publish.diary import DiaryRenderer, RenderError
from zhurnal.publish.week_data import digest
from zhurnal.school.snapshot import School

Progress = Callable[[int, int], None]     # (documents done, documents in all)
MANIFEST = ".rendered.json"
MANIFEST_LOCK = ".rendered.lock"


def file_name(text: str) -> str:
    """``text`` as a part of a file name people read: safe characters, «_» for spaces."""
    return safe_name(text).replace(" ", "_")


class Rendering:
    """One PDF per pupil rendered into ``folder/<class>/<name>_<id>.pdf`` on all cores while
    the caller goes on (making the next documents, building the mail of the families whose
    children are rendered, writing the summary): a pupil's PDF is rendered from the moment it is
    :meth:`add`-ed and waited for only when it is asked for (``sid in rendering``,
    ``rendering[sid]``).

    A PDF already in ``folder`` from the same template and data (``folder/.rendered.json`` keeps
    a digest of both per pupil) is reused: republishing a week after one correction renders only
    the diaries it touched. A document that cannot be rendered is listed in ``failed`` (a line
    «class name: error» for the report) and is not in the rendering. :meth:`all` waits for the
    rest and writes the digests. Use it as a context manager: leaving it early (an exception)
    cancels what has not started.
    """

    def __init__(self, renderer: DiaryRenderer, school: School, folder: Path,
                 progress: Progress | None = None) -> None:
        self.school, self.folder, self.progress, self.renderer = school, folder, progress, renderer
        self.docs: dict[int, dict] = {}          # pupil id → the document (JSON-ready)
        self.failed: list[str] = []              # «<class> <name>: <Typst's error>», in the order met
        self._paths: dict[int, Path] = {}
        self._keys: dict[int, str] = {}
        self._ready: dict[int, bytes] = {}
        manifest = folder / MANIFEST
        self._before = json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else {}
        self._template = hashlib.sha256(renderer.template.read_bytes()).hexdigest()
        self._done = 0
        self._pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)
        self._pending: dict[int, Future] = {}

    def __enter__(self) -> Rendering:
        return self

    def __exit__(self, *exc: object) -> None:
        self._pool.shutdown(cancel_futures=True)

    def path(self, sid: int) -> Path:
        """Where pupil ``sid``'s PDF is (or will be) in the outbox."""
        return self._paths[sid]

    def add(self, sid: int, doc: dict) -> None:
        """Start rendering ``doc``, the document of pupil ``sid`` (or take it from ``folder``)."""
        student = self.school.students[sid]
        self.docs[sid] = doc
        self._paths[sid] = path = (self.folder / file_name(student["class_code"])
                                   / f"{file_name(student['full_name'])}_{sid}.pdf")
        self._keys[sid] = key = digest([self._template, doc])
        if self._before.get(str(sid)) == key and path.is_file():
            self._ready[sid] = path.read_bytes()
            self._done += 1
        else:
            self._pending[sid] = self._pool.submit(self._render, sid)

    def _render(self, sid: int) -> bytes | RenderError:
        pdf = self.renderer.render_one(self.docs[sid])
        if not isinstance(pdf, RenderError):
            write_bytes(self._paths[sid], pdf)
        return pdf

    def _wait(self, sid: int) -> None:
        future = self._pending.pop(sid, None)
        if future is None:
            return
        pdf = future.result()
        self._done += 1
        if self.progress:
            self.progress(self._done, len(self.docs))
        if isinstance(pdf, RenderError):
            student = self.school.students[sid]
            self.failed.append(f"{student['class_code']} {student['full_name']}: {str(pdf)[:200]}")
        else:
            self._ready[sid] = pdf

    def __contains__(self, sid: object) -> bool:
        """Whether pupil ``sid``'s PDF rendered (waits for it)."""
        if isinstance(sid, int):
            self._wait(sid)
        return sid in self._ready

    def __getitem__(self, sid: int) -> bytes:
        """Pupil ``sid``'s PDF (waits for it); KeyError when it failed or was never added."""
        self._wait(sid)
        return self._ready[sid]

    def all(self) -> dict[int, bytes]:
        """Every rendered PDF by pupil, once all are done (in class and name order, so that
        failures are listed in that order); the digests written for the next publish."""
        students = self.school.students
        for sid in sorted(self.docs, key=lambda sid: (self.school.grade(students[sid]["class_code"]),
                                                      students[sid]["class_code"], students[sid]["full_name"])):
            self._wait(sid)
        self._pool.shutdown()
        # merged into what the file holds now, under a lock: a region renders one class per job,
        # several at once into one school's folder (zhurnal.district), each adding its pupils
        self.folder.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.folder / MANIFEST_LOCK)):
            manifest = self.folder / MANIFEST
            kept = json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else {}
            kept.update({str(sid): self._keys[sid] for sid in self._ready})
            write_bytes(manifest, json.dumps(kept, indent=0, sort_keys=True).encode())
        return self._ready
