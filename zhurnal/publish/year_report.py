"""The director's year report workbook: pupil movement and class sizes, results by pupil per
class for each period and the year, and attendance in days and lessons with lates.

:func:`write_year_report` is the one entry: ``year close`` writes it into the year's archive and
``zhurnal publish --year-report`` on its own (:func:`publish_year_report`). Russian, print-ready, like the deputy's summaries.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Connection

from zhurnal.core.atomic import writing
from zhurnal.core.settings import Settings
from zhurnal.publish.attendance import NO_REASON, Missed, missed
from zhurnal.publish.metrics import PUPIL_HEADERS
from zhurnal.publish.period_front import period_figures
from zhurnal.publish.pupil_results import class_year_results, last_day, period_results
from zhurnal.publish.summaries import legend_sheet
from zhurnal.publish.summary_book import Book
from zhurnal.publish.summary_data import period_summary
from zhurnal.publish.year_front import YEAR as YEAR_KEY
from zhurnal.publish.year_front import YearFigures, year_front
from zhurnal.school.context import RunContext
from zhurnal.school.lookup import class_sort_key
from zhurnal.school.snapshot import School, load_school
from zhurnal.store import queries as q
from zhurnal.year import movement as mv
from zhurnal.year.lock import is_closed

YEAR = "Год"


def _movement_sheet(out: Book, conn: Connection, school_id: int, start: dt.date, on: dt.date) -> None:
    sheet = out.sheet("Движение", f"Движение учащихся с {start:%d.%m.%Y} по {on:%d.%m.%Y}")
    out.columns(sheet, [10, 36, 12, 14, 30])
    rows = mv.movement(conn, school_id, on, start)
    headers = [*mv.HEADERS[:-1], f"На {on:%d.%m.%Y}"]
    total = ["Итого", *[sum(r.row()[i] for r in rows) for i in range(1, 5)]]
    end = out.table(sheet, 2, headers, [r.row() for r in rows] + [total])
    moves = [[m.class_code, m.student, m.kind, f"{m.day:%d.%m.%Y}", m.order or "—"] for r in rows for m in r.moves]
    out.row(sheet, end, ["Прибывшие и выбывшие"], out.caption)
    out.table(sheet, end + 1, ["Класс", "Ученик", "Движение", "Дата", "Приказ"], moves)
    sheet.freeze_panes(3, 1)


def _sizes_sheet(out: Book, conn: Connection, school_id: int, on: dt.date) -> None:
    sheet = out.sheet("Численность", f"Численность классов на {on:%d.%m.%Y}")
    out.columns(sheet, [10, 14])
    sizes = mv.class_sizes(conn, school_id, on)
    out.table(sheet, 2, ["Класс", "Учеников"], [[c, n] for c, n in sizes.items()] + [["Итого", sum(sizes.values())]])


def _periods(school: School) -> list[dict]:
    """The year's terms in order (quarters, then semesters), each once; the year period is the
    year's own section."""
    return sorted(school.calendar.terms, key=lambda p: (p["grade_from"], p["start"]))


def _results_sheet(out: Book, school: School, found: YearFigures) -> None:
    sheet = out.sheet("Итоги по ученикам", "Итоги успеваемости по ученикам: по классам за периоды и за год")
    out.columns(sheet, [12] + [11] * len(PUPIL_HEADERS))
    pct = {11: out.percent, 12: out.percent, 13: out.percent, 14: out.percent}
    row = 2
    for period in found.terms:
        results = {code: terms[period["code"]] for code, terms in found.classes.items() if period["code"] in terms}
        out.row(sheet, row, [f"{period['name']} ({period['start']:%d.%m.%Y} – {period['end']:%d.%m.%Y}), "
                             f"на {period['end']:%d.%m.%Y}"], out.caption)
        rows = [[code, *results[code].row()] for code in sorted(results, key=class_sort_key)]
        row = out.table(sheet, row + 1, ["Класс", *PUPIL_HEADERS], rows, pct, dash=True)
    out.row(sheet, row, ["За год (по годовым отметкам)"], out.caption)
    rows = [[code, *found.classes[code][YEAR_KEY].row()]
            for code in sorted(school.classes, key=class_sort_key) if school.classes[code]["has_marks"]]
    out.table(sheet, row + 1, ["Класс", *PUPIL_HEADERS], rows, pct, dash=True)
    sheet.freeze_panes(1, 1)


def year_figures(conn: Connection, school: School, settings: Settings) -> YearFigures:
    """Each term's results by pupil per class (as at its end), the year's, and the subjects'
    figures per term: one period summary per term, shared by «Итоги по ученикам» and «Динамика»."""
    found = YearFigures(_periods(school))
    for period in found.terms:
        data = period_summary(conn, school, settings, period["code"])
        for code, metrics in period_results(data).items():
            found.classes.setdefault(code, {})[period["code"]] = metrics
        for subject, figures in period_figures(data, period).subjects.items():
            found.subjects.setdefault(subject, {})[period["code"]] = figures
    for code in school.classes:
        if school.classes[code]["has_marks"]:
            found.classes.setdefault(code, {})[YEAR_KEY] = class_year_results(conn, school, settings, code)
    return found


def _figures(found: Missed, reasons: list[str]) -> list[int]:
    return [found.total_days, *[found.days[r] for r in reasons], found.total_lessons,
            *[found.lessons[r] for r in reasons], found.late]


def _attendance_sheet(out: Book, conn: Connection, school: School) -> None:
    sheet = out.sheet("Посещаемость", "Пропуски: дни (целиком) и уроки по причинам, опоздания")
    reasons = [*sorted(school.reasons), NO_REASON]
    names = [f"{school.reasons[r]} ({r})" if r in school.reasons else "без причины" for r in reasons]
    figures = ["Дней", *[f"Дней: {n}" for n in names], "Уроков", *[f"Уроков: {n}" for n in names], "Опозданий"]
    headers = ["Класс", "Период", "Учеников", *figures]
    out.columns(sheet, [10, 16] + [11] * (len(headers) - 2))
    per_pupil = out.sheet("Посещаемость учеников", "Пропуски учеников за год: дни (целиком) и уроки по причинам, "
                                                   "опоздания")
    out.columns(per_pupil, [10, 36] + [11] * len(figures))
    pupil_rows = []
    rows = []
    for code in sorted(school.classes, key=class_sort_key):
        grade = school.grade(code)
        spans = [(p["name"], p["start"], p["end"]) for p in _periods(school) if p["grade_from"] <= grade <= p["grade_to"]]
        if spans:
            spans.append((YEAR, spans[0][1], last_day(school, code)))
        for name, start, end in spans:
            pupils = school.class_students(code, start, end)
            total = Missed()
            for sid, found in missed(conn, school, [st["id"] for st in pupils], start, end).items():
                total += found
                if name == YEAR:
                    pupil_rows.append([code, school.students[sid]["full_name"], *_figures(found, reasons)])
            rows.append([code, name, len(pupils), *_figures(total, reasons)])
    out.table(per_pupil, 2, ["Класс", "Ученик", *figures], sorted(pupil_rows, key=lambda r: (class_sort_key(r[0]), r[1])))
    per_pupil.freeze_panes(3, 2)
    out.table(sheet, 2, headers, rows)
    sheet.autofilter(2, 0, 2 + len(rows), len(headers) - 1)
    sheet.freeze_panes(3, 2)


def write_year_report(conn: Connection, school_id: int, path: Path, settings: Settings, *,
                      on: dt.date | None = None) -> Path:
    """Write the director's year report to ``path`` (xlsx, atomically) and return ``path``.

    ``on``: the date of the movement's end and of the class sizes (default: the year's last
    day). Sheets: «Главное» and «Динамика» (:mod:`~zhurnal.publish.year_front`), «Движение» (на начало года, прибыло, выбыло, на дату, and every arrival and
    leaving with its date and order), «Численность» (class sizes on ``on``), «Итоги по ученикам»
    (per class, each period as at its end and the year: отличники, хорошисты, с одной «3»,
    неуспевающие, н/а, успеваемость/качество/СОУ by pupils), «Посещаемость» (per class and
    period and the year: whole days and lessons missed by reason, lates), «Посещаемость
    учеников» (the same per pupil for the year) and «Пояснения» (the two СОУ). Reads only.
    """
    school = load_school(conn, school_id)
    start = mv.year_start(conn, school_id) or dt.date.today()
    on = on or mv.year_end(conn, school_id) or start
    name = q.school_row(conn, school_id)["name"]
    with writing(path) as partial:
        out = Book(partial)
        out.book.set_properties({"title": f"Отчёт за учебный год — {name}", "author": "zhurnal"})
        found = year_figures(conn, school, settings)
        year_front(out, found, f"учебный год {name}")
        _movement_sheet(out, conn, school_id, start, on)
        _sizes_sheet(out, conn, school_id, on)
        _results_sheet(out, school, found)
        _attendance_sheet(out, conn, school)
        legend_sheet(out)         # «Пояснения»: which СОУ is which
        out.book.close()
    return path


YEAR_REPORT = "Отчёт за год.xlsx"


def year_folder(outbox: Path, year_label: str) -> Path:
    """``outbox/year/2026-2027``: the year's own folder, for the running year report and, once
    the year is closed, its archive (zhurnal.closing)."""
    return outbox / "year" / year_label.replace("/", "-").replace(" ", "")


def publish_year_report(ctx: RunContext, *, on: dt.date | None = None) -> Path:
    """``zhurnal publish --year-report``: :func:`write_year_report` into
    ``outbox/year/<year>/Отчёт за год.xlsx``, the file the year's close writes last (so the
    director finds the year's report in one place, running or final); returns the path. Once the
    year is closed the archived report is final and is returned as it is, not rewritten (its
    hash is in the archive's manifest)."""
    with ctx.engine.connect() as conn:
        label = q.school_row(conn, ctx.school_id)["year_label"] or "год"
        path = year_folder(ctx.settings.outbox, label) / YEAR_REPORT
        if path.exists() and ctx.school_id is not None and is_closed(conn, ctx.school_id, label):
            return path
        return write_year_report(conn, ctx.school_id, path, ctx.settings, on=on)
