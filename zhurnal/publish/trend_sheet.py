"""«Динамика» and «Данные динамики»: week by week average, quality and attendance of the period
so far, and the same weeks of the period before, per class and per subject; native xlsxwriter
charts (line and column) whose series are the cells of «Данные динамики» beside them, so Excel,
LibreOffice and Gnumeric draw them from the data (no pictures).
"""

from __future__ import annotations

from zhurnal.publish.summary_book import Book
from zhurnal.publish.trends import Trend
from zhurnal.school.lookup import class_sort_key

SHEET = "Динамика"
DATA = "Данные динамики"
MEASURES = [("average", "Средний балл"), ("quality", "Качество, %"), ("attendance", "Посещаемость, %")]


def _keys(found: Trend, which: str, classes: list[str] | None) -> list:
    keys = {k for week in [*found.now, *found.before] for k in getattr(week, which)}
    if which == "classes":
        return [k for k in sorted(keys, key=class_sort_key) if classes is None or k in classes]
    if classes is not None:     # one class's own subjects only
        keys = {k for week in found.now for (code, k) in week.sections if code in classes}
    return sorted(keys)


def _series(found: Trend, which: str, side: str, key, classes: list[str] | None) -> list:
    if which == "subjects" and classes is not None and len(classes) == 1:
        return found.series("sections", side, (classes[0], key))
    return found.series(which, side, key)


def trend_sheets(out: Book, found: Trend, classes: list[str] | None = None) -> dict[str, list[tuple]]:
    """Write «Динамика» (charts) and «Данные динамики» (their cells); ``classes``: only these
    classes (one class: its subjects are its own class × subject figures). Returns
    ``"group|measure|side"`` → [(header row, rows, weeks, first week's column)] on «Данные
    динамики» (0-based), where the charts' series are."""
    sheet = out.sheet(SHEET, "Динамика по неделям: этот период и то же время прошлого периода")
    data = out.sheet(DATA, "Данные для графиков листа «Динамика»: по неделям периода")
    labels = [f"Неделя {k + 1} ({week.week.monday:%d.%m})" for k, week in enumerate(found.now)]
    n = len(labels)
    out.columns(data, [30.0] + [11.0] * n + [3.0] + [11.0] * n)
    row = 2
    where: dict[str, list[tuple]] = {}
    for which, group in (("classes", "Класс"), ("subjects", "Предмет")):
        keys = _keys(found, which, classes)
        for field, measure in MEASURES:
            if which == "subjects" and field == "attendance":
                continue            # attendance is kept by class (the register), not by subject
            # this period's weeks, then (after a blank column) the same weeks of the period before
            out.row(data, row, [f"{measure} по неделям — этот период (слева) и прошлый период, те же недели "
                                "(справа)"], out.caption)
            pct = {c: out.percent for c in [*range(1, n + 1), *range(n + 2, 2 * n + 2)]} if field != "average" else None
            rows = [[key, *[getattr(f, field) for f in _series(found, which, "now", key, classes)], None,
                     *[getattr(f, field) for f in _series(found, which, "before", key, classes)]] for key in keys]
            out.table(data, row + 1, [group, *labels, "", *[f"Неделя {k + 1} (прошлый период)" for k in range(n)]],
                      rows, pct)
            where[f"{which}|{field}|now"] = [(row + 1, len(rows), n, 1)]
            where[f"{which}|{field}|before"] = [(row + 1, len(rows), n, n + 2)]
            row += len(rows) + 3
    data.freeze_panes(0, 1)
    out.columns(sheet, [12.0] * 16)
    sheet.write_string(1, 0, f"Данные графиков — на листе «{DATA}»; пустая точка — отметок (или журнала) "
                             "в ту неделю нет.")
    charts = [("classes", "quality", "line"), ("classes", "average", "line"), ("classes", "attendance", "line"),
              ("classes", "quality", "column"), ("subjects", "average", "line"), ("subjects", "quality", "column")]
    for index, (which, field, kind) in enumerate(charts):
        if not labels:
            break
        top, count, weeks, _ = where[f"{which}|{field}|now"][0]
        if not count:
            continue
        name = dict(MEASURES)[field]
        group = "по классам" if which == "classes" else "по предметам"
        chart = out.book.add_chart({"type": kind})
        if kind == "line":
            for offset in range(count):
                chart.add_series({"name": [DATA, top + 1 + offset, 0], "categories": [DATA, top, 1, top, weeks],
                                  "values": [DATA, top + 1 + offset, 1, top + 1 + offset, weeks],
                                  "marker": {"type": "circle", "size": 4}})
            chart.set_title({"name": f"{name} {group} по неделям этого периода", "name_font": {"size": 11}})
            chart.show_blanks_as("gap")
        else:       # this period's last week against the same week of the period before
            before = where[f"{which}|{field}|before"][0][3]
            for col, said in ((weeks, "этот период"), (before + weeks - 1, "прошлый период")):
                chart.add_series({"name": f"{said}, неделя {weeks}",
                                  "categories": [DATA, top + 1, 0, top + count, 0],
                                  "values": [DATA, top + 1, col, top + count, col]})
            chart.set_title({"name": f"{name} {group}: неделя {weeks} этого и прошлого периода",
                             "name_font": {"size": 11}})
        if field != "average":
            chart.set_y_axis({"max": 100})
        chart.set_legend({"position": "right" if kind == "line" else "bottom", "font": {"size": 8}})
        chart.set_size({"width": 600, "height": 330})
        sheet.insert_chart(3 + (index // 2) * 17, (index % 2) * 8, chart)
    sheet.fit_to_pages(1, 1)            # the six charts on one page
    sheet.print_area(0, 0, 3 + 17 * 3, 15)
    data.fit_to_pages(1, 2)             # the figures behind them: two pages at most
    return where
