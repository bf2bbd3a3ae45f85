"""history reads only the revisions it shows: its filters run in SQL, with the same result as
filtering every revision of the school."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import s
from sqlalchemy import select

from zhurnal.batch.history import JOURNAL_ENTITIES, HistoryFilter, _keep, _parse_key, history, resolve


def _every_revision_filtered(ws, wanted: HistoryFilter) -> list[tuple]:
    """The old way: every revision of the school loaded, each key parsed and kept or not."""
    ctx = ws.ctx()
    with ws.engine.connect() as conn:
        wanted = resolve(conn, ctx.school_id, wanted)
        students = {st["id"]: st for st in conn.execute(select(s.students)).mappings()}
        rows = conn.execute(select(s.revisions).where(s.revisions.c.entity.in_(JOURNAL_ENTITIES))
                            .order_by(s.revisions.c.id)).mappings().all()
    return [(row["entity"], row["key"]) for row in rows
            if _keep(_parse_key(row["entity"], row["key"], students), wanted)]


@pytest.mark.both_stores
def test_history_filters_in_sql_as_it_filtered_in_python(week_ws):
    """GIVEN a school's week ingested (marks, lessons, absences) WHEN history is asked by student,
    class, subject and dates, alone and together THEN it returns exactly the revisions the
    whole-school filter kept, in the same order, and fewer than the school has."""
    ctx = week_ws.ctx()
    with week_ws.engine.connect() as conn:
        absent = conn.execute(select(s.absences.c.student_id)).scalars().first()
        student = conn.execute(select(s.students).where(s.students.c.id == absent)).mappings().one()
        subject = conn.execute(select(s.lessons.c.subject).where(s.lessons.c.class_code == student["class_code"])
                               ).scalars().first()
        total = len(conn.execute(select(s.revisions.c.id)).all())
    monday, wednesday = dt.date(2026, 11, 23), dt.date(2026, 11, 25)
    cases = [HistoryFilter(student_id=absent), HistoryFilter(class_code=student["class_code"]),
             HistoryFilter(subject=subject), HistoryFilter(start=wednesday),
             HistoryFilter(end=monday), HistoryFilter(class_code=student["class_code"], subject=subject,
                                                      start=monday, end=wednesday),
             HistoryFilter(student_id=absent, subject=subject, start=wednesday)]
    for wanted in cases:
        expected = _every_revision_filtered(week_ws, wanted)
        got = [(item["entity"], "/".join(_key_of(item))) for item in history(ctx, wanted)]
        assert [e for e, _ in got] == [e for e, _ in expected], wanted
        assert got == expected, wanted
        assert expected and len(expected) < total, wanted
    assert any(item["entity"] == "absences" for item in history(ctx, HistoryFilter(student_id=absent)))


def _key_of(item: dict) -> list[str]:
    if item["entity"] in ("journal_entries", "remarks", "lessons"):     # remarks: keyed like a mark's cell
        parts = [item["class_code"], item["subject"], item["subgroup"], item["date"].isoformat(), str(item["lesson_no"])]
        return parts + ([str(item["student_id"])] if item["entity"] != "lessons" else [])
    if item["entity"] == "absences":
        return [str(item["student_id"]), item["date"].isoformat()]
    if item["entity"] == "class_notes":                                  # the class teacher's notes of a week
        return [item["class_code"], item["week"], str(item["student_id"])]
    return [str(item["student_id"]), item["subject"], item["period"]]

