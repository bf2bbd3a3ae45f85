"""Schema migrations with Alembic, run from code (no alembic.ini needed by users).

The tables are declared once in :mod:`zhurnal.store.schema`. A migration script creates the
tables and adds the columns whose ``info["since"]`` names its revision, so a fresh store and
an upgraded one end in the same shape without the schema being written twice.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

FIRST_REVISION = "0001"


def alembic_config(connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the store at ``engine`` to ``revision`` (the newest by default)."""
    with engine.begin() as connection:
        upgrade_on(connection, revision)


def upgrade_on(connection, revision: str = "head") -> None:
    """The same inside the caller's open transaction (which holds the migration lock)."""
    command.upgrade(alembic_config(connection), revision)


def since(item) -> str:
    return item.info.get("since", FIRST_REVISION)


def create_introduced(bind, revision: str) -> None:
    """Create the tables that ``revision`` introduces, with the columns they had then."""
    from sqlalchemy import MetaData

    from zhurnal.store.schema import metadata

    snapshot = MetaData()
    for table in metadata.sorted_tables:
        copy = table.to_metadata(snapshot)
        for column in [c for c in copy.columns if since(c) > revision]:
            copy._columns.remove(column)  # added by a later migration's op.add_column
        later = {i.name for i in table.indexes if since(i) > revision}   # copies lose ``info``
        for index in [i for i in copy.indexes if i.name in later]:
            copy.indexes.remove(index)    # made by a later migration's op.create_index
    snapshot.create_all(bind, tables=[snapshot.tables[t.name] for t in metadata.sorted_tables
                                      if since(t) == revision])


def _introduced(revision: str, part: str):
    """(table, column or index) pairs that ``revision`` adds to tables of earlier revisions."""
    from zhurnal.store.schema import metadata

    for table in metadata.sorted_tables:
        if since(table) < revision:
            yield from ((table, item) for item in getattr(table, part) if since(item) == revision)


def add_introduced_columns(op, revision: str) -> None:
    """Add to older tables the columns that ``revision`` introduces."""
    for table, column in _introduced(revision, "columns"):
        op.add_column(table.name, column._copy())


def add_introduced_indexes(op, revision: str) -> None:
    """Make on older tables the indexes that ``revision`` introduces."""
    for table, index in _introduced(revision, "indexes"):
        op.create_index(index.name, table.name, [c.name for c in index.columns])


KEYS_PER_SCHOOL = "0014"     # the revision that puts school_id in front of every key (zhurnal.store.keys)


def introduce(revision: str) -> None:
    """A migration's whole upgrade: the tables, columns and indexes that ``revision`` introduces."""
    from alembic import op

    create_introduced(op.get_bind(), revision)
    add_introduced_columns(op, revision)
    add_introduced_indexes(op, revision)
    if op.get_bind().dialect.name == "postgresql" and revision > KEYS_PER_SCHOOL:
        # a table introduced after the district keys (0014) takes them at once, as 0014 gave
        # every table before it (idempotent: the tables already keyed are left as they are)
        from zhurnal.store.keys import make_keys_per_school
        make_keys_per_school(op.get_bind())
