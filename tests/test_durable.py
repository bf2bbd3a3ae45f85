"""Commits made durable in batches: a file leaves the inbox only once its commit (and every
commit before it) is on disk, and the store's connections keep their full sync afterwards."""

from __future__ import annotations

import errno
import hashlib
import os

import pytest
from conftest import SATURDAY, status_of
from sqlalchemy import create_engine, text

import zhurnal.ingest.pipeline as pipeline
from zhurnal.ingest.archive import archive_path
from zhurnal.store.durable import BatchedCommits


def test_files_leave_the_inbox_in_batches_after_their_commits_are_made_durable(loaded, monkeypatch):
    week = loaded.week_templates()
    registers = sorted(path for (kind, _), path in week.items() if kind == "attendance")[:5]
    assert len(registers) == 5
    for n, path in enumerate(registers):
        loaded.drop_grid(path, {}, name=f"{n}.xlsx")
    seen = []
    original = BatchedCommits.make_durable

    def spy(self):
        # what is still in the inbox, and what the store has committed (read by another connection)
        with loaded.engine.connect() as conn:
            accepted = conn.exec_driver_sql("SELECT COUNT(*) FROM submissions WHERE status = 'accepted'").scalar()
            synchronous = self.conn.exec_driver_sql("PRAGMA synchronous").scalar()
        self.conn.rollback()
        seen.append((sorted(p.name for p in loaded.settings.inbox.iterdir() if p.is_file()), accepted, synchronous))
        return original(self)

    with loaded.engine.connect() as conn:
        before = conn.exec_driver_sql("SELECT COUNT(*) FROM submissions WHERE status = 'accepted'").scalar()
    monkeypatch.setattr(BatchedCommits, "make_durable", spy)
    monkeypatch.setattr(pipeline, "DURABLE_BATCH", 2)
    report = loaded.ingest(now=SATURDAY)
    assert status_of(report) == {f"{n}.xlsx": "accepted" for n in range(5)}
    # SQLite in WAL mode: the writer's commits wait for the disk only here (synchronous NORMAL = 1)
    assert seen == [(["0.xlsx", "1.xlsx", "2.xlsx", "3.xlsx", "4.xlsx"], before + 2, 1),
                    (["2.xlsx", "3.xlsx", "4.xlsx"], before + 4, 1),
                    (["4.xlsx"], before + 5, 1)]
    assert not [p for p in loaded.settings.inbox.iterdir() if p.is_file()]
    # every pooled connection (the writer's among them) syncs each commit again: FULL = 2
    connections = [loaded.engine.connect() for _ in range(6)]
    try:
        assert {c.exec_driver_sql("PRAGMA synchronous").scalar() for c in connections} == {2}
    finally:
        for c in connections:
            c.close()


def _fsyncs(monkeypatch) -> list[str]:
    """The paths every later os.fsync call syncs, in order."""
    synced: list[str] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(os.readlink(f"/proc/self/fd/{fd}")) or real_fsync(fd))
    return synced


def test_make_durable_syncs_the_log_and_the_database(tmp_path, monkeypatch):
    engine = create_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        conn.commit()
    synced = _fsyncs(monkeypatch)
    with BatchedCommits(engine) as writer:
        with writer.conn.begin():
            writer.conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        assert synced == []                       # a commit alone does not wait for the disk here
        writer.make_durable()
        assert synced == [str(tmp_path / "store.sqlite-wal"), str(tmp_path / "store.sqlite"), str(tmp_path)]
    # outside WAL mode every commit is durable as made: nothing to sync, nothing changed
    other = create_engine(f"sqlite:///{tmp_path / 'plain.sqlite'}")
    with BatchedCommits(other) as writer:
        assert writer.conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
        writer.conn.rollback()
        synced.clear()
        writer.make_durable()
        assert synced == []
    engine.dispose()
    other.dispose()


def _registers(loaded, n: int) -> list[str]:
    week = loaded.week_templates()
    registers = sorted(path for (kind, _), path in week.items() if kind == "attendance")[:n]
    for number, path in enumerate(registers):
        loaded.drop_grid(path, {}, name=f"{number}.xlsx")
    return [f"{number}.xlsx" for number in range(n)]


def test_a_disk_that_refuses_the_sync_stops_the_run_and_nothing_leaves_the_inbox_unsynced(loaded, monkeypatch):
    """make_durable raising (EIO) at the first batch: the run stops with the error (broken
    infrastructure, no file's fault), no file has left the inbox, and a rerun on a sound disk
    ends as one clean run: the two committed files are duplicates, the rest accepted."""
    names = _registers(loaded, 5)
    calls = []
    original = BatchedCommits.make_durable

    def flaky(self):
        calls.append(1)
        if len(calls) == 1:
            raise OSError(errno.EIO, "Input/output error")
        return original(self)

    monkeypatch.setattr(BatchedCommits, "make_durable", flaky)
    monkeypatch.setattr(pipeline, "DURABLE_BATCH", 2)
    with pytest.raises(OSError, match="Input/output error"):
        loaded.ingest(now=SATURDAY)
    assert sorted(p.name for p in loaded.settings.inbox.iterdir() if p.is_file()) == names
    report = loaded.ingest(now=SATURDAY)
    assert status_of(report) == {"0.xlsx": "duplicate", "1.xlsx": "duplicate", "2.xlsx": "accepted",
                                 "3.xlsx": "accepted", "4.xlsx": "accepted"}
    assert not [p for p in loaded.settings.inbox.iterdir() if p.is_file()]
    with loaded.engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT original_name, status FROM submissions WHERE original_name IN "
                                        "('0.xlsx', '1.xlsx', '2.xlsx', '3.xlsx', '4.xlsx')")).all())
    assert stored == {name: "accepted" for name in names}


def test_a_crash_while_archiving_leaves_no_partial_copy_after_the_rerun(loaded):
    """A reader killed while it kept a file's original left
    ``archive/<sha[:2]>/<sha>.xlsx.<pid>.partial``: the rerun keeps the original under its own
    partial name and tidies the dead process's one away."""
    [name] = _registers(loaded, 1)
    data = (loaded.settings.inbox / name).read_bytes()
    target = archive_path(loaded.settings.archive, hashlib.sha256(data).hexdigest(), ".xlsx")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.with_name(f"{target.name}.4194000.partial").write_bytes(data[:1000])   # the killed reader's
    report = loaded.ingest(now=SATURDAY)
    assert status_of(report) == {name: "accepted"} and target.read_bytes() == data
    assert sorted(p.name for p in loaded.settings.archive.rglob("*.partial")) == []


def test_make_durable_syncs_the_log_of_a_store_reached_through_a_symlink(tmp_path, monkeypatch):
    """``master.sqlite`` a symlink to the store on another disk: SQLite keeps its log beside the
    real file (``<target>-wal``), and that is the log make_durable syncs."""
    (tmp_path / "data").mkdir()
    (tmp_path / "ws").mkdir()
    real, link = tmp_path / "data" / "master.sqlite", tmp_path / "ws" / "master.sqlite"
    engine = create_engine(f"sqlite:///{real}")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        conn.commit()
    engine.dispose()
    link.symlink_to(real)
    engine = create_engine(f"sqlite:///{link}")
    synced = _fsyncs(monkeypatch)
    with BatchedCommits(engine) as writer:
        with writer.conn.begin():
            writer.conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        assert (tmp_path / "data" / "master.sqlite-wal").exists()     # where SQLite keeps the log
        writer.make_durable()
        assert str(tmp_path / "data" / "master.sqlite-wal") in synced, synced
    engine.dispose()
