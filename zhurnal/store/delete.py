"""Deleting rows without a table-wide DELETE right (a district's school roles on PostgreSQL).

PostgreSQL lets any role holding table-level ``UPDATE``, ``DELETE`` or ``TRUNCATE`` run ``LOCK
TABLE … IN ACCESS EXCLUSIVE MODE`` (PostgreSQL documentation, ``LOCK``: «All other forms of LOCK
require table-level UPDATE, DELETE, or TRUNCATE privileges»): with ``DELETE`` on ``absences`` one
school's role could stall every school's writes there. So school roles update by column
(:mod:`zhurnal.store.roles`) and delete through :data:`FUNCTION` (made by migration 0016, remade
by :func:`zhurnal.store.roles.secure` so tables added later are known to it): a ``SECURITY
DEFINER`` function that deletes the rows named by their keys, only those of the school mapped to
``session_user`` (inside the function ``current_user`` is the owner, whose policy sees every
school), only in zhurnal's tables of a school, with a fixed ``search_path``. A key of another
school deletes nothing and says nothing: the count returned is of the caller's own rows.

:func:`delete_rows` is what the code calls: a plain ``DELETE`` on SQLite and for a role holding the
right (the district, the owner); for a school role one statement whose subquery picks the keys
under row-level security and hands them to the function (one round trip).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, String, Table, and_, bindparam, cast, delete, func, literal_column, select, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.sql.elements import ColumnElement

from zhurnal.store import schema as s
from zhurnal.store.keys import school_keys

FUNCTION = "zhurnal_delete"
SIGNATURE = f"{FUNCTION}(regclass, jsonb)"
_DIRECT = "zhurnal.deletes_direct"          # per DBAPI connection: table → may DELETE itself

_BODY = """
DECLARE
    school integer;
    matches text;
    deleted integer;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_class c WHERE c.oid = tbl
                   AND c.relnamespace = {schema_literal}::regnamespace AND c.relname = ANY ({tables})) THEN
        RAISE EXCEPTION '{function}: % is not a table of a school', tbl USING ERRCODE = '42501';
    END IF;
    SELECT r.school_id INTO school FROM {schema}."zhurnal_school_roles" r WHERE r.role = session_user;
    IF school IS NULL THEN
        RAISE EXCEPTION '{function}: % is not a school role', session_user USING ERRCODE = '42501';
    END IF;
    IF keys IS NULL OR jsonb_typeof(keys) <> 'array' OR jsonb_array_length(keys) = 0 THEN
        RETURN 0;
    END IF;
    SELECT string_agg(format('t.%1$I = k.%1$I', a.attname), ' AND ') INTO matches
      FROM pg_catalog.pg_index i
      JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
     WHERE i.indrelid = tbl AND i.indisprimary AND a.attname <> 'school_id';
    EXECUTE format('DELETE FROM %1$s t USING jsonb_populate_recordset(NULL::%1$s, $1) k '
                   'WHERE t.school_id = $2 AND %2$s', tbl, matches) USING keys, school;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END
"""


def school_tables() -> list[str]:
    """The tables whose rows a school role deletes (every table of a school but ``schools``)."""
    return [t.name for t in s.metadata.sorted_tables if school_keys(t) is not None]


def create_function(conn: Connection) -> None:
    """(Re)make :data:`FUNCTION` (PostgreSQL, as the schema's owner) knowing today's tables, and
    take ``EXECUTE`` from ``PUBLIC`` (a function is open to all by default); school roles get it
    from :func:`grant`. Idempotent."""
    schema = str(conn.execute(text("SELECT current_schema()")).scalar_one())
    quoted = conn.dialect.identifier_preparer.quote_identifier(schema)
    literal = conn.exec_driver_sql("SELECT quote_literal(%(s)s)", {"s": quoted}).scalar()
    tables = "ARRAY[" + ", ".join(f"'{name}'" for name in school_tables()) + "]::name[]"
    body = _BODY.format(schema=quoted, schema_literal=literal, tables=tables, function=FUNCTION)
    # pg_temp last: a caller's temporary table or function never stands in for ours
    conn.execute(text(f"CREATE OR REPLACE FUNCTION {quoted}.{FUNCTION}(tbl regclass, keys jsonb) RETURNS integer "
                      f"LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, {quoted}, pg_temp "
                      f"AS $zhurnal${body}$zhurnal$"))
    conn.execute(text(f"REVOKE ALL ON FUNCTION {quoted}.{SIGNATURE} FROM PUBLIC"))


def grant(conn: Connection, who: str) -> None:
    """Let the (quoted) school role ``who`` call :data:`FUNCTION`."""
    conn.execute(text(f"GRANT EXECUTE ON FUNCTION {SIGNATURE} TO {who}"))


def _direct(conn: Connection, table: Table) -> bool:
    """Whether this connection's role deletes from ``table`` itself (SQLite; a PostgreSQL role
    holding ``DELETE``); asked once per connection and table."""
    if conn.dialect.name != "postgresql":
        return True
    known: dict[str, bool] = conn.info.setdefault(_DIRECT, {})
    if table.name not in known:
        known[table.name] = bool(conn.execute(text(f"SELECT has_table_privilege('\"{table.name}\"', 'DELETE')"))
                                 .scalar())
    return known[table.name]


def _plain(conn: Connection, statement: Any, params: Any) -> int:
    try:
        return int(conn.execute(statement, params).rowcount)
    except Exception:
        # rights taken while this pooled connection lived (``db upgrade`` to 0016 under running
        # workers): ask again next time instead of failing the same way on every retry
        conn.info.pop(_DIRECT, None)
        raise


def _key_columns(table: Table) -> list[str]:
    keys = school_keys(table)
    if keys is None:
        raise ValueError(f"{table.name} is not a table of a school")
    return [c for c in keys.primary if c != "school_id"]


def _call(table: Table, keys: Any) -> Any:
    return select(func.zhurnal_delete(literal_column(f"'\"{table.name}\"'::regclass"), keys))


def delete_rows(conn: Connection, table: Table, where: ColumnElement[bool],
                params: dict[str, Any] | None = None) -> int:
    """Delete ``table``'s rows matching ``where`` (bound values in ``params``); how many went.
    One statement either way (see the module's text)."""
    if _direct(conn, table):
        return _plain(conn, delete(table).where(where), params or {})
    pairs: list[ColumnElement[Any]] = []
    for column in _key_columns(table):
        pairs += [literal_column(f"'{column}'"), table.c[column]]
    picked = select(func.coalesce(func.jsonb_agg(func.jsonb_build_object(*pairs)), literal_column("'[]'::jsonb"))) \
        .where(where).scalar_subquery()
    return int(conn.execute(_call(table, picked), params or {}).scalar() or 0)


def delete_keys(conn: Connection, table: Table, keys: list[dict[str, Any]]) -> int:
    """Delete ``table``'s rows at ``keys`` (each its whole key but ``school_id``, the same
    columns in every one); how many went. One executemany, or one call of the function."""
    if not keys:
        return 0
    if _direct(conn, table):
        where = and_(*(table.c[c] == bindparam(f"at_{c}") for c in keys[0]))
        rows = [{f"at_{c}": v for c, v in key.items()} for key in keys]
        return _plain(conn, delete(table).where(where), rows)
    return int(conn.execute(_call(table, cast(bindparam("keys", type_=String), JSONB)),
                            {"keys": json.dumps(keys, default=str)}).scalar() or 0)
