"""Commits made durable in batches: a file leaves the inbox only once its commit (and every
commit before it) is on disk, and the store's connections keep their full sync afterwards."""

from __future__ import annotations

import os

from conftest import SATURDAY, status_of
from sqlalchemy import create_engine

import zhurnal.ingest.pipeline as pipeline
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


def test_make_durable_syncs_the_log_and_the_database(tmp_path, monkeypatch):
    engine = create_engine(f"sqlite:///{tmp_path / 'store.sqlite'}")
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA journal_mode=WAL")
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
        conn.commit()
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(os.readlink(f"/proc/self/fd/{fd}")) or real_fsync(fd))
    with BatchedCommits(engine) as writer:
        with writer.conn.begin():
            writer.conn.exec_driver_sql("INSERT INTO t VALUES (1)")
        assert synced == []                       # a commit alone does not wait for the disk here
        writer.make_durable()
        assert synced == [str(tmp_path / "store.sqlite-wal"), str(tmp_path / "store.sqlite")]
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
