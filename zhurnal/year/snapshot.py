"""The digest of a school's store snapshot, printed on every archive page and kept with the
year's close event: what the archive was printed from, checkable later against a store or a
backup.

Definition: sha256 (hex) of the UTF-8 text whose lines are ``<table>\\t<row>`` for every table
of the schema this store has except ``year_locks`` and ``year_events`` (the close writes those),
tables in name order, each table's rows as :func:`zhurnal.store.compare.dump` gives them with
``volatile=False``: the school's rows with generated ids replaced by natural keys (a pupil by
class/full name, a lesson by class/subject/subgroup/date/lesson no, …), ``school_id`` dropped,
each row compact JSON with sorted keys, the rows sorted. Nothing depends on the ids a store
gave, so SQLite and PostgreSQL holding the same data (``zhurnal db copy`` verifies exactly this
normalisation) give the same digest; any change of a value changes it.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import Connection

from zhurnal.store.compare import dump

LEFT_OUT = {"year_locks", "year_events"}


def snapshot_digest(conn: Connection, school_id: int) -> str:
    """The 64-hex-digit sha256 of the school's canonical dump (see the module docstring)."""
    digest = hashlib.sha256()
    for table, lines in sorted(dump(conn, school_id, volatile=False).items()):
        if table in LEFT_OUT:
            continue
        for line in lines:
            digest.update(f"{table}\t{line}\n".encode("utf-8"))
    return digest.hexdigest()
