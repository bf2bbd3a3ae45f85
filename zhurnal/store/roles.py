"""Schools that cannot see each other in a district's PostgreSQL store.

The district role owns the schema (it runs ``db upgrade``, ``db copy``, ``db grant``); each
school's workspace connects as a role of its own, which has rights on rows only (select,
insert, update by column, delete through a function; no DDL, and no table-wide ``UPDATE`` or
``DELETE``, which would let it ``LOCK TABLE`` any table in a mode that stalls every school —
:mod:`zhurnal.store.delete`). Which school a role is lives in ``zhurnal_school_roles``
(role name → school id), a table only the district writes. Every table with ``school_id``
(and ``schools`` by its ``id``) has ``FORCE ROW LEVEL SECURITY`` and two policies:

- ``zhurnal_district``: the owning role sees and writes everything;
- ``zhurnal_school``: anyone else only rows whose school is the one mapped to ``current_user``
  — a role cannot change ``current_user`` to another school's role, so no hand-written SQL
  (``SET``, a ``WHERE`` of its own) reaches another school's rows; an unmapped role sees none.

Keys are per school on PostgreSQL (:mod:`zhurnal.store.keys`), so a row a role may insert can
neither name nor collide with another school's; its run lock is a row of ``zhurnal_run_locks``
under the same policy (:mod:`zhurnal.store.run_locks`). A school role may not add or remove
``schools`` rows (the district makes them: ``db copy``, ``zhurnal init`` as the district).

A session setting (``SET zhurnal.school_id``) was rejected: any role can set it to anything.
:func:`secure` is idempotent; ``db upgrade`` calls it again so tables a migration adds get
their policies too.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, inspect, select, text

from zhurnal.store import delete, run_locks
from zhurnal.store import schema as s
from zhurnal.store.errors import StoreError
from zhurnal.store.keys import school_keys

ROLES_TABLE = "zhurnal_school_roles"


class NotPostgres(StoreError):
    def __init__(self) -> None:
        super().__init__("roles and row-level security need a PostgreSQL store")


class UnknownSchool(StoreError):
    def __init__(self, code: str) -> None:
        super().__init__(f"school {code!r} is not in the store (db copy or zhurnal init it first)")
        self.code = code


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(name)


def _policy(conn: Connection, table: str, name: str, sql: str) -> None:
    conn.execute(text(f'DROP POLICY IF EXISTS {name} ON "{table}"'))
    conn.execute(text(sql))


def secure(conn: Connection) -> None:
    """Row-level security on every zhurnal table (run by the district role, the schema's owner)."""
    owner = _quote(conn, conn.execute(text("SELECT current_user")).scalar())
    conn.execute(text(f'CREATE TABLE IF NOT EXISTS "{ROLES_TABLE}" (role text PRIMARY KEY, '
                      'school_id integer NOT NULL REFERENCES schools(id))'))
    mine = f"(SELECT school_id FROM \"{ROLES_TABLE}\" WHERE role = current_user)"
    run_locks.create(conn)
    present = set(inspect(conn).get_table_names())
    targets = [(ROLES_TABLE, "role = current_user"), (run_locks.TABLE, f"school_id = {mine}")] + \
        [(t.name, f"id = {mine}" if t is s.schools else f"school_id = {mine}")
         for t in s.metadata.sorted_tables if t.name in present]
    for table, rule in targets:
        conn.execute(text(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY'))
        conn.execute(text(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY'))
        _policy(conn, table, "zhurnal_district",
                f'CREATE POLICY zhurnal_district ON "{table}" TO {owner} USING (true) WITH CHECK (true)')
        _policy(conn, table, "zhurnal_school",
                f'CREATE POLICY zhurnal_school ON "{table}" USING ({rule}) WITH CHECK ({rule})')
    delete.create_function(conn)           # knowing the tables a migration added


def is_secured(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql" and inspect(conn).has_table(ROLES_TABLE)


def grant_school(engine: Engine, code: str, role: str, password: str | None = None) -> int:
    """Make (or update) ``role`` the login role of school ``code``: rights on rows only, its
    rows only (see the module's text). The school's id; :class:`UnknownSchool`,
    :class:`NotPostgres`."""
    if engine.dialect.name != "postgresql":
        raise NotPostgres()
    with engine.begin() as conn:
        school_id = conn.execute(select(s.schools.c.id).where(s.schools.c.code == code)).scalar()
        if school_id is None:
            raise UnknownSchool(code)
        secure(conn)
        who = _quote(conn, role)
        exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).first()
        if not exists:
            conn.execute(text(f"CREATE ROLE {who} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS"))
        if password is not None:
            literal = conn.exec_driver_sql("SELECT quote_literal(%(p)s)", {"p": password}).scalar()
            conn.execute(text(f"ALTER ROLE {who} PASSWORD {literal}"))
        database = _quote(conn, conn.execute(text("SELECT current_database()")).scalar())
        conn.execute(text(f"GRANT CONNECT ON DATABASE {database} TO {who}"))
        conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {who}"))
        conn.execute(text(f"REVOKE CREATE ON SCHEMA public FROM {who}"))
        grant_rows(conn, who)
        # its own school's row: read and update (the setup), never add or remove one — an insert
        # would answer whether another school's code exists
        # and the update right by column: a table-wide UPDATE would also let it LOCK TABLE schools,
        # the row every school's foreign keys check, in a mode that stalls every school
        conn.execute(text(f"REVOKE INSERT, UPDATE, DELETE ON schools FROM {who}"))
        columns = ", ".join(c.name for c in s.schools.columns if c.name not in ("id", "code"))
        conn.execute(text(f"GRANT SELECT, UPDATE ({columns}) ON schools TO {who}"))
        run_locks.grant(conn, who)
        conn.execute(text(f'GRANT SELECT ON alembic_version, "{ROLES_TABLE}" TO {who}'))
        conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {who}"))
        conn.execute(text(f'INSERT INTO "{ROLES_TABLE}" (role, school_id) VALUES (:r, :s) '
                          "ON CONFLICT (role) DO UPDATE SET school_id = EXCLUDED.school_id"),
                     {"r": role, "s": school_id})
        return school_id


def grant_rows(conn: Connection, who: str) -> None:
    """The quoted school role ``who``'s rights on the school tables (not ``schools``): select and
    insert; update by column — every column but the key and ``school_id`` (a row never moves to
    another key or school); delete only through :data:`zhurnal.store.delete.FUNCTION`. Whatever
    it held before is taken first (a role granted before migration 0015 held table-wide
    ``UPDATE, DELETE``: with either it could ``LOCK TABLE`` in any mode). Idempotent."""
    present = set(inspect(conn).get_table_names())
    tables = [t for t in s.metadata.sorted_tables if t is not s.schools and t.name in present]
    names = ", ".join(f'"{t.name}"' for t in tables)
    conn.execute(text(f"REVOKE ALL ON {names} FROM {who}"))       # column rights go with the table's
    conn.execute(text(f"GRANT SELECT, INSERT ON {names} TO {who}"))
    found = inspect(conn)
    for table in tables:
        keys = school_keys(table)
        fixed = set(keys.primary) if keys else {c.name for c in table.primary_key.columns}
        # the store's own columns, not the code's: a migration grants at its own revision
        stored = {c["name"] for c in found.get_columns(table.name)}
        columns = ", ".join(f'"{c.name}"' for c in table.columns
                            if c.name in stored and c.name not in fixed | {"school_id"})
        if columns:
            conn.execute(text(f'GRANT UPDATE ({columns}) ON "{table.name}" TO {who}'))
    delete.grant(conn, who)
