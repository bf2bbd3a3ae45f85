"""A school of 1,000 students: its week generated, filled and ingested (slow; CI runs it).

The time this takes is measured by benchmarks/week_ingest.py, not asserted here.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from zhurnal.core.settings import load_settings
from zhurnal.demo.run import run_demo
from zhurnal.store import open_store
from zhurnal.store import schema as s


@pytest.mark.slow
def test_a_week_of_a_thousand_students(tmp_path):
    lines: list[str] = []
    summary = run_demo(tmp_path / "big", students=1000, seed=11, echo=lines.append)
    assert summary.ok, "\n".join(lines)
    files = [f for r in summary.reports for f in r.files]
    assert sum(1 for f in files if f.status == "rejected") == 2       # the demo's two careless authors
    assert sum(1 for f in files if f.kind == "journal" and f.status == "accepted") >= 50
    engine = open_store(load_settings(tmp_path / "big").store_url)
    with engine.connect() as conn:
        count = lambda table, *where: conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()
        assert count(s.students, s.students.c.active) == 1000
        assert count(s.classes) == 33
        assert count(s.journal_entries) > 5000
        assert count(s.absences) > 0
        # every timetabled lesson of the three weeks reached the store exactly once: the lessons
        # against the timetable as typed, expanded here to the weeks' dates from plain SQL rows
        stored = [(l.class_code, l.subject, l.subgroup, l.date, l.lesson_no)
                  for l in conn.execute(select(s.lessons).where(~s.lessons.c.extra))]
        assert len(stored) == len(set(stored))
        # the demo runs weeks 46 and 47 quietly, then week 48 with its late and careless authors
        mondays = [dt.date(2026, 11, 9), dt.date(2026, 11, 16), dt.date(2026, 11, 23)]
        periods = conn.exec_driver_sql('SELECT code, start, "end", grade_from, grade_to FROM periods').all()
        holidays = conn.exec_driver_sql('SELECT start, "end", grade_from, grade_to FROM holidays').all()
        as_date = lambda value: value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])
        expected = set()
        timetable = conn.exec_driver_sql(
            "SELECT period, weekday, lesson_no, class_code, subgroup, parity, subject FROM timetable").all()
        for monday, (period, weekday, lesson_no, code, subgroup, entry_parity, subject) in (
                (m, row) for m in mondays for row in timetable):
            parity = "odd" if monday.isocalendar()[1] % 2 else "even"
            day, grade = monday + dt.timedelta(days=weekday - 1), int(code[:-1])
            in_period = any(c == period and as_date(a) <= day <= as_date(b) and lo <= grade <= hi
                            for c, a, b, lo, hi in periods)
            on_holiday = any(as_date(a) <= day <= as_date(b) and lo <= grade <= hi for a, b, lo, hi in holidays)
            if in_period and not on_holiday and entry_parity in ("", parity):
                expected.add((code, subject, subgroup, day, lesson_no))
        assert {(c, sub, g, as_date(d), n) for c, sub, g, d, n in stored} == expected
