"""Closing and reopening periods (zhurnal.merge.period_lock) in an in-memory store.

Rows are written and read back with plain SQL; every expected row is a literal.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import create_engine, text

from zhurnal.core.errors import UnknownPeriod
from zhurnal.merge.period_lock import close_period, set_period_closed
from zhurnal.store import schema as s

NOW = dt.datetime(2026, 12, 28, 15, 0)


@pytest.fixture
def engine():
    engine = create_engine("sqlite://")
    s.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO schools (id, code, name) VALUES (1, 'a', 'A'), (2, 'b', 'B')"))
        for school in (1, 2):
            for code in ("Q1", "Q2"):
                conn.execute(text("INSERT INTO periods (school_id, code, name, start, \"end\", grade_from, grade_to)"
                                  " VALUES (:s, :c, :c, '2026-09-01', '2026-10-25', 1, 11)"), {"s": school, "c": code})
    yield engine
    engine.dispose()


def state(engine) -> tuple[list[tuple], list[tuple]]:
    with engine.connect() as conn:
        locks = [tuple(r) for r in conn.execute(text("SELECT school_id, period, closed FROM period_locks ORDER BY 1, 2"))]
        events = [tuple(r) for r in conn.execute(text(
            "SELECT school_id, period, action, reason, at FROM period_events ORDER BY id"))]
    return locks, events


def test_close_reopen_and_close_again_keep_one_lock_row_and_every_event(engine):
    later = NOW + dt.timedelta(hours=1)
    assert set_period_closed(engine, 1, "Q1", closed=True, reason=None, now=NOW) is True
    assert set_period_closed(engine, 1, "Q1", closed=True, reason=None, now=later) is False      # already closed
    assert set_period_closed(engine, 1, "Q1", closed=False, reason="исправление отметки", now=later) is True
    assert set_period_closed(engine, 1, "Q1", closed=False, reason="ещё раз", now=later) is False
    assert set_period_closed(engine, 1, "Q1", closed=True, reason=None, now=later) is True
    assert state(engine) == ([(1, "Q1", 1)], [
        (1, "Q1", "close", None, "2026-12-28 15:00:00.000000"),
        (1, "Q1", "reopen", "исправление отметки", "2026-12-28 16:00:00.000000"),
        (1, "Q1", "close", None, "2026-12-28 16:00:00.000000")])


def test_a_period_first_reopened_has_a_lock_row_saying_open(engine):
    with engine.begin() as conn:
        assert close_period(conn, 1, "Q2", closed=False, reason="никогда не закрывался", now=NOW) is True
    assert state(engine) == ([(1, "Q2", 0)], [(1, "Q2", "reopen", "никогда не закрывался", "2026-12-28 15:00:00.000000")])


def test_each_school_and_period_has_its_own_lock(engine):
    set_period_closed(engine, 2, "Q1", closed=True, reason=None, now=NOW)
    set_period_closed(engine, 1, "Q2", closed=True, reason=None, now=NOW)
    assert set_period_closed(engine, 1, "Q1", closed=True, reason=None, now=NOW) is True
    assert set_period_closed(engine, 1, "Q1", closed=False, reason="r", now=NOW) is True
    assert state(engine)[0] == [(1, "Q1", 0), (1, "Q2", 1), (2, "Q1", 1)]


def test_the_first_school_and_period_closed_do_not_stand_for_later_ones(engine):
    """Closed in the order the keys sort (school 1 before 2, Q1 before Q2), then reopened the
    other way: each answer and each row is that school's and that period's own."""
    assert set_period_closed(engine, 1, "Q1", closed=True, reason=None, now=NOW) is True
    assert set_period_closed(engine, 1, "Q2", closed=True, reason=None, now=NOW) is True
    assert set_period_closed(engine, 2, "Q1", closed=True, reason=None, now=NOW) is True
    assert set_period_closed(engine, 2, "Q1", closed=False, reason="r", now=NOW) is True
    assert set_period_closed(engine, 1, "Q2", closed=False, reason="r", now=NOW) is True
    assert state(engine)[0] == [(1, "Q1", 1), (1, "Q2", 0), (2, "Q1", 0)]


@pytest.mark.parametrize("typed", [" q1 ", "Q1", "q1"])
def test_the_period_is_found_whatever_its_case_and_spaces(engine, typed):
    assert set_period_closed(engine, 1, typed, closed=True, reason=None, now=NOW) is True
    assert state(engine)[0] == [(1, "Q1", 1)]


def test_an_unknown_period_names_the_known_ones_and_changes_nothing(engine):
    with pytest.raises(UnknownPeriod) as raised:
        set_period_closed(engine, 1, "Q3", closed=True, reason=None, now=NOW)
    assert "Q1, Q2" in str(raised.value)
    assert state(engine) == ([], [])
