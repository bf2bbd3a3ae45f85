"""A school of 1,000 students: its week generated, filled and ingested (slow; CI runs it).

The time this takes is measured by benchmarks/week_ingest.py, not asserted here.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from zhurnal.demo.run import run_demo
from zhurnal.settings import load_settings
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
        # every timetabled lesson of the week reached the store exactly once
        assert count(s.lessons) == len({(l.class_code, l.subject, l.subgroup, l.date, l.lesson_no)
                                        for l in conn.execute(select(s.lessons))})
