"""Keys per school on PostgreSQL (migration 0014): every primary key and every foreign key of a
table with ``school_id`` begins with ``school_id``.

Why: on a district store a school's role writes rows beside other schools' rows. With keys on
bare ids (``absences`` keyed by ``student_id, date``, foreign keys on ``students.id``) that role
could insert a row naming another school's pupil: the foreign-key check — which PostgreSQL runs
as the table's owner, past row-level security — answered whether that pupil id exists, and the
row it left made the other school's own next row for that pupil collide. With ``(school_id,
student_id) → students(school_id, id)`` and row-level security forcing ``school_id`` to the
role's own school, the referenced key is always looked up inside the role's own school: an id
of another school and an id that exists nowhere give the same error, and no key of one school
can equal a key of another.

Ids still come from one sequence per table (so they stay unique across the district, and
``db copy``'s remapping is unchanged); the keys only stop relying on that.

The rule is derived from :mod:`zhurnal.store.schema`, which stays the one declaration of the
tables (SQLAlchemy's view of the keys there is the SQLite one, where a store holds one school and
``INTEGER PRIMARY KEY`` gives the ids; a composite key cannot autoincrement on SQLite).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Table, inspect, text

from zhurnal.store import schema as s


@dataclass(frozen=True)
class SchoolKeys:
    table: str
    primary: tuple[str, ...]                                    # school_id first
    foreign: tuple[tuple[str, str, str], ...]                   # (column, referenced table, its column)

    def foreign_name(self, column: str) -> str:
        return f"fk_{self.table}_{column}"


def school_keys(table: Table) -> SchoolKeys | None:
    """The per-school keys of ``table``; None for a table without ``school_id`` (``schools``)."""
    if "school_id" not in table.c:
        return None
    primary = ("school_id",) + tuple(c.name for c in table.primary_key.columns if c.name != "school_id")
    foreign = tuple(sorted((fk.parent.name, fk.column.table.name, fk.column.name) for fk in table.foreign_keys
                           if fk.column.table is not s.schools))
    return SchoolKeys(table.name, primary, foreign)


def make_keys_per_school(conn: Connection) -> None:
    """Rebuild the keys of every present table per school (PostgreSQL, inside the migration's
    transaction): drop the foreign keys to bare ids, then the primary keys, then add both back
    with ``school_id`` in front. Idempotent."""
    present = set(inspect(conn).get_table_names())
    wanted = [k for k in (school_keys(t) for t in s.metadata.sorted_tables) if k and k.table in present]
    found = inspect(conn)
    for keys in wanted:
        for fk in found.get_foreign_keys(keys.table):
            if fk["referred_table"] != "schools":
                conn.execute(text(f'ALTER TABLE "{keys.table}" DROP CONSTRAINT "{fk["name"]}"'))
    for keys in wanted:
        pk = found.get_pk_constraint(keys.table)
        if tuple(pk["constrained_columns"]) != keys.primary:
            conn.execute(text(f'ALTER TABLE "{keys.table}" DROP CONSTRAINT "{pk["name"]}"'))
            conn.execute(text(f'ALTER TABLE "{keys.table}" ADD CONSTRAINT "{keys.table}_pkey" '
                              f'PRIMARY KEY ({", ".join(keys.primary)})'))
    for keys in wanted:
        for column, target, target_column in keys.foreign:
            conn.execute(text(f'ALTER TABLE "{keys.table}" ADD CONSTRAINT "{keys.foreign_name(column)}" '
                              f'FOREIGN KEY (school_id, {column}) REFERENCES "{target}" (school_id, {target_column})'))
