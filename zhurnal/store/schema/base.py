"""The one MetaData of the store and the columns many tables share."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()


def _school(key: bool = True) -> Column:
    """The owning school; part of the primary key where the rest of the key is natural."""
    return Column("school_id", Integer, ForeignKey("schools.id"), nullable=False, index=True,
                  primary_key=key)



def _dates_and_grades() -> list[Column]:
    """From ``start`` to ``end`` (both included), for grades ``grade_from``…``grade_to``."""
    return [Column("start", Date, nullable=False), Column("end", Date, nullable=False),
            Column("grade_from", Integer, nullable=False), Column("grade_to", Integer, nullable=False)]


def lock_and_events(name: str, key: str, since: dict, *event_columns: Column) -> tuple[Table, Table]:
    """``<name>_locks`` (whether a period or year ``key`` is closed) and ``<name>_events`` (each
    close and reopen with its reason and time, ``event_columns`` before the time)."""
    locks = Table(f"{name}_locks", metadata, _school(),
                  Column(key, String(16), primary_key=True),
                  Column("closed", Boolean, nullable=False),
                  info=since)
    events = Table(f"{name}_events", metadata, _school(key=False),
                   Column("id", Integer, primary_key=True),
                   Column(key, String(16), nullable=False),
                   Column("action", String(8), nullable=False),      # close | reopen
                   Column("reason", Text),
                   *event_columns,
                   Column("at", DateTime, nullable=False),
                   info=since)
    return locks, events

