"""The class teacher's own summary: one class of the week's summary, for the teacher the order
makes responsible for «ведение мониторинга успешности и проблем обучающихся» of their class.

Sheets: «Главное» (that class's lines and figures), «Динамика» (its weeks and subjects),
«Группа риска», «Пропуски» (by pupil and reason), «Мало отметок» (its subjects where pupils have
fewer marks than due by now), «Пояснения». Nothing of another class is in it: the data is cut to
the class before any sheet is written (:func:`class_data`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from zhurnal.core.atomic import writing
from zhurnal.core.filenames import safe_name
from zhurnal.core.settings import Settings
from zhurnal.publish.attendance import Attendance
from zhurnal.publish.front_page import Front, front_sheet
from zhurnal.publish.summaries import absence_sheet, legend_sheet, risk_sheet
from zhurnal.publish.summary_book import Book
from zhurnal.publish.summary_data import SummaryData
from zhurnal.publish.trend_sheet import trend_sheets
from zhurnal.templates.grid import wrapped_lines

FEW_SHEET = "Мало отметок"


def class_data(data: SummaryData, code: str) -> SummaryData:
    """``data`` cut to the class ``code``: its results, pupils, absences and attendance only."""
    pupils = set(data.enrolled.get(code, []))
    mine = lambda found: {sid: v for sid, v in found.items() if sid in pupils}  # noqa: E731
    seen = data.attendance
    return replace(data, title=f"{data.title}, класс {code}",
                   results=[r for r in data.results if r.class_code == code],
                   absences=mine(data.absences), period_absences=mine(data.period_absences), control=[],
                   disagreements=[], enrolled={code: data.enrolled.get(code, [])},
                   attendance=Attendance(mine(seen.current), mine(seen.period)) if seen else None)


def _few_sheet(out: Book, data: SummaryData) -> None:
    """Subjects where pupils have fewer marks than due by now, the most such pupils first."""
    sheet = out.sheet(FEW_SHEET, f"Предметы с малым числом отметок — {data.title}")
    out.columns(sheet, [24.0, 30.0, 14.0, 70.0])
    found: dict[tuple[str, str], list[str]] = defaultdict(list)
    for result in data.results:
        if result.few:
            found[(result.subject, result.teacher)].append(data.school.students[result.student_id]["full_name"])
    rows = [[subject, teacher, len(names), ", ".join(sorted(names))]
            for (subject, teacher), names in sorted(found.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
    out.header_row(sheet, 2, ["Предмет", "Учитель", "Учеников с малым числом отметок", "Ученики"])
    for offset, values in enumerate(rows, start=3):      # the names wrap within the printed width
        out.row(sheet, offset, values, out.wrap)
        sheet.set_row(offset, 15 * max(wrapped_lines(str(v), w) for v, w in zip(values, out.widths[sheet.name])))
    if not rows:
        sheet.write_string(3, 0, "нет: отметок достаточно у всех", out.caption)
    sheet.freeze_panes(3, 1)
    sheet.repeat_rows(2)
    sheet.set_portrait()


def write_class_summary(folder: Path, data: SummaryData, code: str, settings: Settings, front: Front) -> Path:
    """Write ``Сводка_<class>_<week>.xlsx`` into ``folder`` for the class ``code`` (``data``: the
    whole school's week, ``front``: the school's front page) and return its path."""
    mine = class_data(data, code)
    path = folder / f"Сводка_{safe_name(code)}.xlsx"
    with writing(path) as partial:
        out = Book(partial)
        out.book.set_properties({"title": mine.title, "author": "zhurnal"})
        front_sheet(out, front.only(code, mine, settings), only=code)
        trend_sheets(out, front.trend, classes=[code])
        risk_sheet(out, mine, settings)
        absence_sheet(out, mine)
        _few_sheet(out, mine)
        legend_sheet(out)
        out.book.close()
    return path
