"""The run context: what every stage of one command needs, built once and passed down.

The command line builds it (settings, the store engine, the school's id, the moment of the
run); stages read it and never look up settings, engines or the school row themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select

from zhurnal.core.settings import Settings
from zhurnal.store import schema as s


def utc_now() -> dt.datetime:
    """Now in UTC, naive, to the second: how zhurnal stores moments."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


@dataclass(frozen=True)
class RunContext:
    """``school_id`` is None only for read-only commands in a store that has no school row yet."""

    settings: Settings
    engine: Engine
    school_id: int | None
    now: dt.datetime

    @property
    def today(self) -> dt.date:
        return self.now.date()


def find_school(engine: Engine, code: str) -> int | None:
    with engine.connect() as conn:
        return conn.execute(select(s.schools.c.id).where(s.schools.c.code == code)).scalar()


def open_context(settings: Settings, engine: Engine, *, now: dt.datetime | None = None,
                 read_only: bool = False) -> RunContext:
    """The context of one run; the school row is created on first use unless ``read_only``."""
    school_id = find_school(engine, settings.school.code)
    if school_id is None and not read_only:
        with engine.begin() as conn:
            school_id = conn.execute(insert(s.schools).values(
                code=settings.school.code, name=settings.school.name)).inserted_primary_key[0]
    return RunContext(settings=settings, engine=engine, school_id=school_id, now=now or utc_now())
