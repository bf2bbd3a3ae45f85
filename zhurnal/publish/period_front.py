"""The director's period report opens as the deputy's weekly summary does: «Главное» (this
period against the term before, both computed from the store) and «Динамика» (the period's weeks
and the same weeks of the term before).

A period's figures per class, subject in a class and subject: the mean of the pupils' period
averages and the quality of their period results (the period mark, else the mark the marks give),
:class:`~zhurnal.publish.trends.Pool` as the weeks use it; attendance is left to the «Пропуски»
sheet (a period has no single timetable week to count lessons due by).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection

from zhurnal.core.settings import Settings
from zhurnal.publish.front_page import Front
from zhurnal.publish.headlines import week_headlines
from zhurnal.publish.summary_data import SummaryData, period_summary
from zhurnal.publish.trends import Pool, WeekFigures, trend
from zhurnal.school.calendar import week_of
from zhurnal.school.lookup import class_sort_key
from zhurnal.school.snapshot import School


def period_figures(data: SummaryData, period: dict) -> WeekFigures:
    """Class, (class, subject) and subject → figures of a period report's 5-point results."""
    pools: dict[str, dict[str | None, Pool]] = defaultdict(lambda: defaultdict(Pool))
    for result in data.results:
        if result.scale != "5" or result.result is None or result.average is None:
            continue
        for key in (None, result.subject):
            pools[result.class_code][key].averages.append(result.average)
            pools[result.class_code][key].results.append(result.result)
    found = WeekFigures(week_of(period["end"]))
    by_subject: dict[str, Pool] = defaultdict(Pool)
    for code in sorted(pools, key=class_sort_key):
        for key, pool in pools[code].items():
            if key is None:
                found.classes[code] = pool.figures()
            else:
                found.sections[(code, key)] = pool.figures()
                by_subject[key].add(pool)
    found.subjects = {k: by_subject[k].figures() for k in sorted(by_subject)}
    return found


def term_before(school: School, period: dict) -> dict | None:
    """The term of the same grades that ended last before ``period`` (Q1 before Q2); None for the first."""
    before = [p for p in school.calendar.terms if p["end"] < period["start"]
              and (p["grade_from"], p["grade_to"]) == (period["grade_from"], period["grade_to"])]
    return max(before, key=lambda p: p["end"]) if before else None


def period_front(conn: Connection, school: School, settings: Settings, code: str, data: SummaryData) -> Front:
    """«Главное» and «Динамика» of the period report ``code`` (``data``: its summary)."""
    period = school.calendar.period_row(code)
    assert period is not None       # period_summary has refused an unknown period already
    before = term_before(school, period)
    before_data = period_summary(conn, school, settings, before["code"]) if before else SummaryData(school, "")
    now_figures = period_figures(data, period)
    before_figures = period_figures(before_data, before) if before else WeekFigures(now_figures.week)
    title = f"{period['name']}; для сравнения — {before['name'] if before else 'прошлого периода нет'}"
    words = ("прошлый период", "этот период")
    return Front(week_headlines(data, before_data, now_figures, before_figures, settings, title=title),
                 now_figures, before_figures, trend(conn, school, settings, week_of(period["end"])), before_data, words)
