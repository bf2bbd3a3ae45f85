"""The summary's first sheet «Главное»: one printed page of what changed since last week, every
line a link to the sheet with the detail, with both weeks' class figures and a native chart.

:func:`week_front` reads what it needs from the store: this week's and the week before's figures
(:func:`~zhurnal.publish.trends.week_figures`), the week before's summary (who was at risk
then) and the period's trend; :func:`front_sheet` writes it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection

from zhurnal.core.settings import Settings
from zhurnal.publish.headlines import Headlines, week_headlines
from zhurnal.publish.summary_book import Book
from zhurnal.publish.summary_data import SummaryData, week_summary
from zhurnal.publish.trends import EMPTY, ONE_WEEK, Trend, WeekFigures, trend, week_figures
from zhurnal.school.calendar import Week
from zhurnal.school.lookup import class_sort_key
from zhurnal.school.snapshot import School

SHEET = "Главное"
WEEKS = ("прошлая неделя", "эта неделя")


def headers(then: str, now: str) -> list[str]:
    return ["Класс", f"Качество, % ({then})", f"Качество, % ({now})", f"Средний балл ({then})",
            f"Средний балл ({now})", f"Посещаемость, % ({then})", f"Посещаемость, % ({now})"]


@dataclass
class Front:
    """What the front page and the trend sheets show: the lines, both weeks' figures, the trend."""

    headlines: Headlines
    now: WeekFigures
    before: WeekFigures
    trend: Trend = field(default_factory=Trend)
    before_data: SummaryData | None = None      # the week before's summary (its pupils at risk)
    words: tuple[str, str] = WEEKS              # what is compared: (before, now)

    def only(self, code: str, data: SummaryData, settings: Settings) -> Front:
        """The same for one class (the class teacher's summary)."""
        assert self.before_data is not None
        return Front(week_headlines(data, self.before_data, self.now, self.before, settings, only=code),
                     self.now, self.before, self.trend, self.before_data, self.words)


def week_front(conn: Connection, school: School, settings: Settings, week: Week, data: SummaryData) -> Front:
    """Everything «Главное» and «Динамика» need for ``week`` (``data``: its summary), the week
    before computed from the store as it is now (not from last week's file)."""
    previous = Week(week.monday - ONE_WEEK)
    before_data = week_summary(conn, school, settings, previous)
    now, before = week_figures(conn, school, settings, week), week_figures(conn, school, settings, previous)
    return Front(week_headlines(data, before_data, now, before, settings), now, before,
                 trend(conn, school, settings, week), before_data)


def front_sheet(out: Book, front: Front, only: str | None = None) -> None:
    """«Главное»: the sections' lines (links), then both weeks' figures and a chart of their
    quality: per class, or per subject of the class ``only`` (the class teacher's summary)."""
    sheet = out.sheet(SHEET, f"Главное: {front.headlines.title}")
    heads = headers(*front.words)
    out.columns(sheet, [28.0] + [14.0] * (len(heads) - 1))
    link = out.book.add_format({"font_color": "#1F4E79", "underline": 1})
    quiet = out.book.add_format({"font_color": "#808080", "italic": True})
    sheet.write_string(1, 0, "Каждая строка — ссылка на лист с подробностями; цифры — «было → стало».", quiet)
    row = 3
    for heading, lines in front.headlines.sections:
        sheet.write_string(row, 0, heading, out.caption)
        row += 1
        for line in lines:
            sheet.write_url(row, 0, f"internal:'{line.sheet}'!A1", link, string=line.text, tip="Подробно")
            row += 1
        if not lines:
            sheet.write_string(row, 0, "нет", quiet)
            row += 1
    row += 1
    if only is None:
        keys = sorted(set(front.now.classes) | set(front.before.classes), key=class_sort_key)
        pairs = [(key, front.now.classes.get(key, EMPTY), front.before.classes.get(key, EMPTY)) for key in keys]
        group, caption = "Класс", "Классы"
    else:
        keys = sorted({s for c, s in [*front.now.sections, *front.before.sections] if c == only})
        pairs = [(key, front.now.sections.get((only, key), EMPTY), front.before.sections.get((only, key), EMPTY))
                 for key in keys]
        group, caption = "Предмет", f"Класс {only} по предметам"
    rows = [[key, b.quality, a.quality, b.average, a.average, b.attendance, a.attendance] for key, a, b in pairs]
    if only is not None:        # attendance is the class's, not a subject's: it is in «Пропуски»
        heads, rows = heads[:5], [r[:5] for r in rows]
    then, now = front.words
    sheet.write_string(row, 0, f"{caption}: {now} и {then}", out.caption)
    top = row + 1
    pct = {c: out.percent for c in (1, 2, 5, 6) if c < len(heads)}
    out.table(sheet, top, [group, *heads[1:]], rows, pct)        # blank, not «—»: the chart reads these cells
    if rows:
        chart = out.book.add_chart({"type": "column"})
        for col, name in ((1, then), (2, now)):
            chart.add_series({"name": f"Качество, %: {name}", "categories": [SHEET, top + 1, 0, top + len(rows), 0],
                              "values": [SHEET, top + 1, col, top + len(rows), col]})
        chart.set_title({"name": f"Качество {'по классам' if only is None else 'по предметам'}: {then} и {now}",
                         "name_font": {"size": 11}})
        chart.set_y_axis({"min": 0, "max": 100})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 700, "height": 260} if only is None else {"width": 580, "height": 340})
        sheet.insert_chart(top + len(rows) + 2, 0, chart)
    sheet.set_portrait()
    sheet.fit_to_pages(1, 1)        # one printed page
    sheet.print_area(0, 0, top + len(rows) + 2 + 18, len(heads) - 1)
