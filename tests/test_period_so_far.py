"""The period so far in the diary (issue 28, point 5): every mark of the period, dated and with
its work type, and the weighted average week by week (drawn by Typst beside the class average)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from conftest import WEEK, journal_sheets
from test_remarks import diary_text

from zhurnal.core.sections import MarkSettings
from zhurnal.publish.period_so_far import short_type, subject_so_far
from zhurnal.publish.week_data import load_week
from zhurnal.school.calendar import parse_week


def test_the_weekly_line_is_the_weighted_average_at_each_weeks_end():
    cells = [{"date": dt.date(2026, 11, 3), "marks": "5", "work_type": "Ответ на уроке", "weight": 1.0},
             {"date": dt.date(2026, 11, 12), "marks": "3", "work_type": "Контрольная работа", "weight": 2.0},
             {"date": dt.date(2026, 11, 13), "marks": "4/5", "work_type": "Новый вид", "weight": None}]
    found = subject_so_far(cells, dt.date(2026, 11, 2), parse_week("2026-W47"), MarkSettings(default_weight=1.0))
    # by hand: week of 02.11: 5/1; of 09.11: (5 + 2·3 + 4 + 5) / (1 + 2 + 1 + 1) = 20/5; of 16.11: no new marks
    assert found["trend"] == [{"week": "02.11", "average": 5.0}, {"week": "09.11", "average": 4.0},
                              {"week": "16.11", "average": 4.0}]
    assert found["marks"] == [{"date": "03.11", "mark": "5", "type": "ОНУ"}, {"date": "12.11", "mark": "3", "type": "КР"},
                              {"date": "13.11", "mark": "4/5", "type": "НВ"}]
    assert short_type("Ответ, устный") == "ОУ"


PERIOD_MARK = re.compile(r"(?<![\d.,])([1-5][+-]?(?:/[1-5][+-]?)?) (\d\d\.\d\d) ([А-ЯЁ]+)")


def test_the_diary_lists_every_mark_of_the_period_with_its_day_and_work_type(week_ws):
    """GIVEN the week typed by the demo's teachers (the first week of the period with marks)
    THEN a pupil's diary lists, in its period table, exactly the 5-point marks typed for them,
    each with its lesson's day; the line's last point is the table's average."""
    ws = week_ws
    school = ws.school()
    typed: dict[int, Counter] = {}
    for teacher, path in ws.filled.journals.items():
        sheets = journal_sheets(path)
        for sheet, values in ws.filled.values[teacher].items():
            if school.subjects[sheets[sheet]["section"].subject]["scale"] != "5":
                continue
            for (who, key), value in values.items():
                if isinstance(who, int) and value not in ("н", "оп"):
                    day = dt.date.fromisoformat(key.split("|")[0])
                    typed.setdefault(who, Counter())[(value, f"{day:%d.%m}")] += 1
    with ws.engine.connect() as conn:
        week = load_week(conn, 1, WEEK, ws.settings)
    pupils = sorted(sid for sid in typed if sum(typed[sid].values()) >= 4)[:3]
    assert pupils
    for sid in pupils:
        text = diary_text(ws, sid)
        table = re.sub(r"\s+", " ", text[text.index("Средние баллы (взвешенные) и все отметки"):text.index("По неделям:")])
        assert Counter((m, d) for m, d, _ in PERIOD_MARK.findall(table)) == typed[sid], sid
        for row in week.diary(sid)["averages"]:
            if row["count"] and row["average"] is not None:   # a pass/fail subject has no average
                assert row["trend"][-1]["average"] == row["average"], row
