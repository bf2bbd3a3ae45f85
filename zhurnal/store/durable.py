"""Commits made durable in batches: many small transactions, one wait for the disk.

An ingest run commits every file in its own transaction, so that one bad file never takes
another with it; what it must not do is remove a file from ``inbox/`` before the file's
transaction is on disk. Waiting for the disk at every commit (SQLite's ``synchronous=FULL``
syncs its write-ahead log each time) costs more than the rest of a small file's ingest, so
:class:`BatchedCommits` gives a connection whose commits are visible at once to every other
connection, as always, and become durable together at :meth:`BatchedCommits.make_durable`,
which the run calls before it removes a batch of files from the inbox.

How, by store:

- SQLite in WAL mode: the connection runs with ``synchronous=NORMAL``, under which a commit
  appends to the log without syncing it and a checkpoint syncs the log before copying it into
  the database (https://www.sqlite.org/pragma.html#pragma_synchronous, "WAL mode"). A commit
  that was appended but not synced is lost on power failure, never on a crash of the process,
  and the database stays consistent either way. ``make_durable`` syncs the log file, the
  database file and their folder, which puts every commit appended so far on disk: what ``FULL``
  would have done at each commit. The connection goes back to the pool with its setting as it was.
- SQLite in any other journal mode, and PostgreSQL: every commit is durable as it is made
  (``NORMAL`` outside WAL mode could corrupt the database on power failure, so it is not used);
  ``make_durable`` has nothing to do.
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Connection, Engine


class BatchedCommits:
    """A connection for a run's writes; use as a context manager (the connection is closed,
    and its settings restored, on leaving)."""

    def __init__(self, engine: Engine) -> None:
        self.conn: Connection = engine.connect()
        self._files: list[Path] = []
        self._synchronous = None
        if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            mode = self.conn.exec_driver_sql("PRAGMA journal_mode").scalar()
            if str(mode).lower() == "wal":
                # SQLite keeps the log beside the database file itself, wherever a link points
                database = Path(os.path.realpath(engine.url.database))
                self._files = [database.with_name(database.name + "-wal"), database, database.parent]
                self._synchronous = int(self.conn.exec_driver_sql("PRAGMA synchronous").scalar())
                self.conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
        self.conn.commit()       # the PRAGMA reads began a transaction: the run's own begin next

    def make_durable(self) -> None:
        """Every transaction committed on :attr:`conn` so far is on disk when this returns.
        Raises ``OSError`` when the disk refuses (then nothing may be taken as kept)."""
        # the log (it exists while this connection is open in WAL mode: a missing one means the
        # store is not where we sync, and nothing may be taken as kept), the database, and the
        # folder that holds their names (a log made during the run is a new entry there)
        for path in self._files:
            handle = os.open(path, os.O_RDONLY)
            try:
                os.fsync(handle)
            finally:
                os.close(handle)

    def __enter__(self) -> "BatchedCommits":
        return self

    def __exit__(self, *exc) -> None:
        try:
            if self._synchronous is not None and not self.conn.invalidated:
                self.conn.rollback()
                self.conn.exec_driver_sql(f"PRAGMA synchronous={self._synchronous}")
                self.conn.commit()
        finally:
            self.conn.close()
