"""A new school starts from the federal defaults (issue 25, point 5): the setup workbook of a new
workspace, handed in unchanged, is accepted and gives the school year's calendar.

The expected dates are written by hand from the federal calendar's rules for 2026/2027 (see
``zhurnal/kinds/setup/defaults.py``; the Ministry's own list for 2026/2027 was not found, so the
dates follow its 2025/2026 recommendation moved to the next year's weekdays)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import time

import openpyxl
from conftest import make_workspace, status_of

from zhurnal.batch.issue import issue_setup
from zhurnal.batch.workspace import init, open_workspace
from zhurnal.ingest.pipeline import ingest

D = dt.date
PERIODS = [
    ("H1", "1 полугодие", D(2026, 9, 1), D(2026, 12, 30), 10, 11),
    ("H2", "2 полугодие", D(2027, 1, 11), D(2027, 5, 26), 10, 11),
    ("Q1", "1 четверть", D(2026, 9, 1), D(2026, 10, 23), 1, 9),
    ("Q2", "2 четверть", D(2026, 11, 2), D(2026, 12, 30), 1, 9),
    ("Q3", "3 четверть", D(2027, 1, 11), D(2027, 3, 26), 1, 9),
    ("Q4", "4 четверть", D(2027, 4, 5), D(2027, 5, 26), 1, 9),
    ("Y", "Год", D(2026, 9, 1), D(2027, 5, 26), 1, 11),
]
ALL = (0, 99)       # a holiday for every grade, as stored
HOLIDAYS = [
    ("Осенние каникулы", D(2026, 10, 24), D(2026, 11, 1), *ALL),            # Saturday to Sunday, 9 days
    ("День народного единства", D(2026, 11, 4), D(2026, 11, 4), *ALL),      # a Wednesday
    ("Зимние каникулы", D(2026, 12, 31), D(2027, 1, 10), *ALL),
    ("Дополнительные каникулы 1 классов", D(2027, 2, 15), D(2027, 2, 21), 1, 1),
    ("День защитника Отечества", D(2027, 2, 23), D(2027, 2, 23), *ALL),
    ("Международный женский день", D(2027, 3, 8), D(2027, 3, 8), *ALL),
    ("Весенние каникулы", D(2027, 3, 27), D(2027, 4, 4), *ALL),
    ("Праздник Весны и Труда", D(2027, 5, 1), D(2027, 5, 3), *ALL),          # a Saturday: Monday off
    ("День Победы", D(2027, 5, 9), D(2027, 5, 10), *ALL),                    # a Sunday: Monday off
]


def _rows(engine, query: str) -> list[tuple]:
    def day(v):     # SQLite gives dates as text, PostgreSQL as dates
        return D.fromisoformat(str(v)[:10]) if re.match(r"^\d{4}-\d\d-\d\d", str(v)) else v
    with engine.connect() as conn:
        return [tuple(day(v) for v in r) for r in conn.exec_driver_sql(query)]


def test_a_new_schools_setup_handed_in_unchanged_gives_the_federal_year(tmp_path):
    """GIVEN a new workspace on 07.12.2026 WHEN its setup workbook is handed in as it came
    THEN it is accepted without findings, and the store holds the year 2026/2027 with its
    quarters, semesters, year period and holidays on the dates above, the bells, work types,
    absence reasons б/у/н and the federal subjects (ОРКСЭ and ОДНКНР pass/fail)."""
    make_workspace(tmp_path / "ws")
    ctx = open_workspace(tmp_path / "ws")
    ctx = type(ctx)(settings=ctx.settings, engine=ctx.engine, school_id=ctx.school_id,
                    now=dt.datetime(2026, 12, 7, 8, 0))
    book = issue_setup(ctx, defaults=True)
    handed = shutil.copy(book, ctx.settings.inbox / book.name)
    os.utime(handed, (time.time() - 60, time.time() - 60))
    report = ingest(ctx)
    assert status_of(report) == {book.name: "accepted"} and report.files[0].findings == []

    engine = ctx.engine
    assert _rows(engine, "SELECT year_label, year_start, year_end FROM schools") == \
        [("2026/2027", D(2026, 9, 1), D(2027, 5, 26))]
    assert _rows(engine, "SELECT code, name, start, \"end\", grade_from, grade_to FROM periods ORDER BY code") == PERIODS
    assert _rows(engine, "SELECT name, start, \"end\", grade_from, grade_to FROM holidays ORDER BY start") == HOLIDAYS
    assert _rows(engine, "SELECT lesson_no, start, \"end\" FROM bells ORDER BY lesson_no")[:3] == \
        [(1, "08:30", "09:15"), (2, "09:25", "10:10"), (3, "10:30", "11:15")]
    assert _rows(engine, "SELECT code FROM absence_reasons ORDER BY code") == [("б",), ("н",), ("у",)]
    weights = dict(_rows(engine, "SELECT name, weight FROM work_types"))
    assert weights["Ответ на уроке"] == 1 and weights["Контрольная работа"] == 2
    scales = dict(_rows(engine, "SELECT name, scale FROM subjects"))
    assert scales["Основы религиозных культур и светской этики"] == "pass" and scales["Физика"] == "5"
    assert {"Русский язык", "Труд (технология)", "Основы безопасности и защиты Родины"} <= set(scales)


def test_init_writes_the_prefilled_setup_workbook(tmp_path):
    """GIVEN no workspace WHEN `init` makes one THEN templates_xlsx/ holds the setup workbook
    with the year's seven periods and the holidays filled in; a second init leaves it alone."""
    done = init(tmp_path / "new", code="s1", name="МБОУ СОШ № 1")
    book = tmp_path / "new" / "templates_xlsx" / "настройка_школы.xlsx"
    assert book in done.made
    sheet = openpyxl.load_workbook(book)["Периоды"]
    assert sorted(r[0] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0]) == \
        ["H1", "H2", "Q1", "Q2", "Q3", "Q4", "Y"]
    assert len([r for r in openpyxl.load_workbook(book)["Каникулы"].iter_rows(min_row=2, values_only=True)
                if r[0]]) >= 4
    again = init(tmp_path / "new", code="s1", name="МБОУ СОШ № 1")
    assert book not in again.made
