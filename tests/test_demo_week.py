"""The README's demo school (300 students, three weeks) as it reached the store.

The session's one demo run (tests/conftest.py, ``demo_ws``) is checked here; a school of 1,000
or 4,000 students is benchmarks/week_ingest.py's, which measures its time and memory.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from zhurnal.core.settings import load_settings
from zhurnal.store import open_store
from zhurnal.store import schema as s


def test_every_timetabled_lesson_of_the_demo_weeks_is_stored_once(demo_ws):
    engine = open_store(load_settings(demo_ws).store_url)
    with engine.connect() as conn:
        count = lambda table, *where: conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one()
        assert count(s.students, s.students.c.active) == 300
        assert count(s.classes) == 11                                     # one class a grade, 1–11
        assert count(s.submissions, s.submissions.c.status == "rejected") == 2   # the two careless authors
        assert count(s.submissions, s.submissions.c.kind == "journal", s.submissions.c.status == "accepted") >= 50
        assert count(s.journal_entries) > 1500
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


def test_the_demos_week_summary_shows_a_grade_7_day_over_the_sanpin_limit(demo_ws):
    """GIVEN the demo, whose grade-7 teachers write minutes after their homework («(25 мин)»)
    WHEN its W48 summary is read THEN «Домашние задания» names one day over the limit, first and
    red: a 7th-grade class whose minutes exceed 150 (СанПиН 1.2.3685-21 table 6.6, grades 6–8)
    by exactly the «сверх нормы» figure; no other class is over."""
    import openpyxl
    book = openpyxl.load_workbook(demo_ws / "outbox" / "2026-W48" / "summaries" / "Сводка_2026-W48.xlsx")
    sheet = book["Домашние задания"]
    assert sheet.cell(2, 1).value == "Дней сверх нормы СанПиН: 1"
    header = [c.value for c in sheet[3]][:7]
    assert header == ["Класс", "День (к уроку)", "Заданий к этому дню", "Из них с оценкой времени", "Минут (оценка)",
                      "Норма, минут", "Сверх нормы, минут"]
    first = [c.value for c in sheet[4]][:7]
    assert first[0].startswith("7") and first[5] == 150 and first[4] > 150 and first[6] == first[4] - 150, first
    assert sheet.cell(4, 1).fill.fgColor.rgb.endswith("FFC7CE")
    others = [[c.value for c in row][:7] for row in sheet.iter_rows(min_row=5) if row[0].value]
    assert others and all(row[6] in (None, "—") for row in others), others
