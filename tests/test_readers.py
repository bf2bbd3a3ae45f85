"""Reading on every core: the same store and the same results as reading one file at a time,
and records read ahead are never used against a school that changed during the run."""

from __future__ import annotations

import hashlib
import random

from conftest import SATURDAY, WEEK, Workspace

from zhurnal.batch.issue import issue_week
from zhurnal.demo.week import fill_week
from zhurnal.ingest import pipeline, readers
from zhurnal.ingest.archive import archive_copy, archive_path
from zhurnal.kinds.journal import JournalKind
from zhurnal.store.compare import dump


def _typed_week(ws: Workspace, seed: int = 5) -> list:
    """The week's journals and registers, filled as staff would, moved into the inbox."""
    filled = fill_week(ws.school(), issue_week(ws.ctx(), WEEK), ws.path.parent / f"typed-{ws.path.name}",
                       WEEK, random.Random(seed))
    moved = []
    for item in [*filled.journals.values(), *filled.registers.values()]:
        moved.append(item.rename(ws.settings.inbox / item.name))
    return moved


def _archived(ws: Workspace) -> set[str]:
    return {p.relative_to(ws.settings.archive).as_posix() for p in ws.settings.archive.rglob("*") if p.is_file()}


def _outcome(report) -> list[tuple]:
    return [(f.name, f.status, f.kind, f.changes, sorted(f.where() + (f.severity,) for f in f.findings))
            for f in report.files]


def test_reading_on_two_cores_stores_what_reading_alone_stores(tmp_path, _school_with_rosters, monkeypatch):
    alone = Workspace(_school_with_rosters.copy("sqlite", tmp_path / "alone"))
    pooled = Workspace(_school_with_rosters.copy("sqlite", tmp_path / "pooled"))
    files = _typed_week(alone)
    pooled_files = _typed_week(pooled)
    assert len(pooled_files) == len(files) >= 4
    # each run keeps exactly the originals of its week's files besides what its archive held
    expected = {ws.path: _archived(ws) | {archive_path(ws.settings.archive, hashlib.sha256(p.read_bytes()).hexdigest(),
                                                       p.suffix).relative_to(ws.settings.archive).as_posix()
                                          for p in week}
                for ws, week in ((alone, files), (pooled, pooled_files))}
    monkeypatch.setattr(readers, "worker_count", lambda files: 0)
    serial = alone.ingest(now=SATURDAY)
    monkeypatch.setattr(readers, "worker_count", lambda files: 2)
    # with readers, each original is already kept when the writer comes to it
    kept_by_writer = []

    def spy(sub, folder):
        if not archive_path(folder, sub.sha256, sub.suffix).exists():
            kept_by_writer.append(sub.name)
        return archive_copy(sub, folder)

    monkeypatch.setattr(pipeline, "archive_copy", spy)
    parallel = pooled.ingest(now=SATURDAY)
    assert kept_by_writer == []
    assert _archived(alone) == expected[alone.path] and _archived(pooled) == expected[pooled.path]

    assert serial.ok and parallel.ok
    assert [f.name for f in parallel.files] == sorted(p.name for p in files)   # in the order found
    assert _outcome(parallel) == _outcome(serial)
    with alone.engine.connect() as a, pooled.engine.connect() as b:
        assert dump(b, 1) == dump(a, 1)


def test_records_read_ahead_are_read_again_after_a_roster_changed_the_school(loaded, monkeypatch):
    """A roster accepted in the same run makes every later journal read against the new school."""
    journals = sorted(p for p in _typed_week(loaded) if p.name.startswith("журнал"))
    class_code = "5А"
    roster = loaded.prefilled_roster(class_code)
    # a roster change the snapshot sees: a new pupil (sorted before the week's files)
    roster["Ученики"].append({**roster["Ученики"][0], "id": None, "full_name": "Новикова Анна"})
    loaded.drop_roster(class_code, roster, name="0_roster.xlsx")

    in_this_process = []
    original = JournalKind.records

    def counted(self, sub, ctx):
        in_this_process.append(sub.name)      # a worker's calls happen in its own process
        return original(self, sub, ctx)

    monkeypatch.setattr(JournalKind, "records", counted)
    monkeypatch.setattr(readers, "worker_count", lambda files: 2)
    report = loaded.ingest(now=SATURDAY)
    assert report.ok, [(f.name, f.status, f.findings[:2]) for f in report.files]
    assert [f.status for f in report.files if f.name == "0_roster.xlsx"] == ["accepted"]
    # every journal after the roster was read again here, against the new snapshot
    assert sorted(in_this_process) == [p.name for p in journals]


def test_without_a_school_change_the_writer_uses_what_the_readers_read(loaded, monkeypatch):
    journals = [p for p in _typed_week(loaded) if p.name.startswith("журнал")]
    in_this_process = []
    original = JournalKind.records
    monkeypatch.setattr(JournalKind, "records",
                        lambda self, sub, ctx: in_this_process.append(sub.name) or original(self, sub, ctx))
    monkeypatch.setattr(readers, "worker_count", lambda files: 2)
    report = loaded.ingest(now=SATURDAY)
    assert report.ok and len(journals) > 0
    assert sum(1 for f in report.files if f.kind == "journal" and f.status == "accepted") == len(journals)
    assert in_this_process == []
