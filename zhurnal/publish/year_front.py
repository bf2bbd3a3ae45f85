"""The director's year report opens on «Главное» and «Динамика» too: results by pupil per class
over the periods and the year, subjects' averages over the periods, with native charts whose
series are the cells of the «Динамика» sheet's tables.

«Главное» names the classes whose quality (by pupils) fell or rose most from their first term to
their last, the classes with the most pupils failing the year, and the subjects whose average
fell most, with the figures; each line links to «Динамика» or «Итоги по ученикам».
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zhurnal.publish.headlines import SHOWN
from zhurnal.publish.metrics import PupilMetrics
from zhurnal.publish.summary_book import Book
from zhurnal.publish.trends import Figures
from zhurnal.school.lookup import class_sort_key
from zhurnal.text.numbers import format_decimal

MAIN, TREND = "Главное", "Динамика"
YEAR = "Год"


@dataclass
class YearFigures:
    """What the year's front page and charts show, computed by the year report once."""

    terms: list[dict]                                                   # the terms, in order
    classes: dict[str, dict[str, PupilMetrics]] = field(default_factory=dict)   # class → term / «Год» → results
    subjects: dict[str, dict[str, Figures]] = field(default_factory=dict)      # subject → term → figures

    @property
    def subject_terms(self) -> list[dict]:
        """The terms subjects are compared over: those of the first term's grades (the quarters
        of grades 1–9), so that a quarter is never set against a semester of other classes."""
        if not self.terms:
            return []
        span = (self.terms[0]["grade_from"], self.terms[0]["grade_to"])
        return [t for t in self.terms if (t["grade_from"], t["grade_to"]) == span]


def _pct(value: float | None) -> str:
    return "—" if value is None else format_decimal(value, 1) + " %"


def _ends(values: list[tuple[str, float | None]]) -> tuple[str, float, str, float] | None:
    """The first and the last known of ``(term, value)``: (term, value, term, value); None with fewer than two."""
    known = [(name, value) for name, value in values if value is not None]
    if len(known) < 2:
        return None
    return known[0][0], known[0][1], known[-1][0], known[-1][1]


def _lines(found: YearFigures) -> list[tuple[str, list[tuple[str, str]]]]:
    changes = []
    for code, by_term in found.classes.items():
        ends = _ends([(t["name"], by_term[t["code"]].quality) for t in found.terms if t["code"] in by_term])
        if ends:
            first, a, last, b = ends
            changes.append((b - a, f"{code}: качество по ученикам {_pct(a)} ({first}) → {_pct(b)} ({last})"))
    falls = [(text, TREND) for change, text in sorted(changes) if change < 0][:SHOWN]
    rises = [(text, TREND) for change, text in sorted(changes, reverse=True) if change > 0][:SHOWN]
    failing = sorted(((m.failing + m.not_assessed, code) for code, by in found.classes.items()
                      if (m := by.get(YEAR)) and m.failing + m.not_assessed), reverse=True)[:SHOWN]
    failing_lines = [(f"{code}: неуспевающих и н/а за год — {count}", "Итоги по ученикам") for count, code in failing]
    subject_changes = []
    for subject, figures in found.subjects.items():
        ends = _ends([(t["name"], figures[t["code"]].average) for t in found.subject_terms if t["code"] in figures])
        if ends and ends[3] < ends[1]:
            first, a, last, b = ends
            subject_changes.append((b - a, f"{subject}: средний балл {format_decimal(a)} ({first}) → "
                                           f"{format_decimal(b)} ({last})"))
    return [("Классы: где качество упало сильнее всего (первый период → последний)", falls),
            ("Неуспевающие и н/а за год", failing_lines),
            ("Предметы: где средний балл упал", [(t, TREND) for _, t in sorted(subject_changes)[:SHOWN]]),
            ("Классы: где качество выросло", rises)]


def year_front(out: Book, found: YearFigures, title: str) -> list[str]:
    """Write «Главное» and «Динамика»; returns the front page's lines (for a letter)."""
    sheet = out.sheet(MAIN, f"Главное: {title}")
    out.columns(sheet, [100.0])
    link = out.book.add_format({"font_color": "#1F4E79", "underline": 1})
    quiet = out.book.add_format({"font_color": "#808080", "italic": True})
    row, said = 2, []
    for heading, lines in _lines(found):
        sheet.write_string(row, 0, heading, out.caption)
        row += 1
        for text, target in lines:
            sheet.write_url(row, 0, f"internal:'{target}'!A1", link, string=text, tip="Подробно")
            said.append(text)
            row += 1
        if not lines:
            sheet.write_string(row, 0, "нет", quiet)
            row += 1
    sheet.set_portrait()
    sheet.fit_to_pages(1, 1)
    _trend(out, found)
    return said


def _trend(out: Book, found: YearFigures) -> None:
    sheet = out.sheet(TREND, "Динамика по периодам: качество по ученикам по классам, средний балл по предметам")
    names = [t["name"] for t in found.terms] + [YEAR]
    codes = [t["code"] for t in found.terms] + [YEAR]
    out.columns(sheet, [30.0] + [12.0] * len(names))
    classes = sorted(found.classes, key=class_sort_key)
    rows = [[code, *[found.classes[code][c].quality if c in found.classes[code] else None for c in codes]]
            for code in classes]
    out.row(sheet, 2, ["Качество по ученикам, %"], out.caption)
    out.table(sheet, 3, ["Класс", *names], rows, {i: out.percent for i in range(1, len(names) + 1)})
    subjects = sorted(found.subjects)
    top = 3 + len(rows) + 3
    terms = found.subject_terms
    grades = f"{terms[0]['grade_from']}–{terms[0]['grade_to']}" if terms else ""
    out.row(sheet, top - 1, [f"Средний балл по предметам, классы {grades} (среднее из средних баллов учеников)"],
            out.caption)
    subject_rows = [[s, *[found.subjects[s][t["code"]].average if t["code"] in found.subjects[s] else None
                          for t in terms]] for s in subjects]
    out.table(sheet, top, ["Предмет", *[t["name"] for t in terms]], subject_rows)
    sheet.set_h_pagebreaks([top + len(subject_rows) + 2])     # the charts on a page of their own
    if rows:
        chart = out.book.add_chart({"type": "column"})
        for col in range(1, len(names) + 1):
            chart.add_series({"name": [TREND, 3, col], "categories": [TREND, 4, 0, 3 + len(rows), 0],
                              "values": [TREND, 4, col, 3 + len(rows), col]})
        chart.set_title({"name": "Качество по ученикам по классам: периоды и год", "name_font": {"size": 11}})
        chart.set_y_axis({"min": 0, "max": 100})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 760, "height": 320})
        sheet.insert_chart(top + len(subject_rows) + 3, 0, chart)
    if subject_rows and terms:
        lines = out.book.add_chart({"type": "line"})
        for offset in range(len(subject_rows)):
            lines.add_series({"name": [TREND, top + 1 + offset, 0], "categories": [TREND, top, 1, top, len(terms)],
                              "values": [TREND, top + 1 + offset, 1, top + 1 + offset, len(terms)],
                              "marker": {"type": "circle", "size": 4}})
        lines.show_blanks_as("gap")
        lines.set_title({"name": "Средний балл по предметам по периодам", "name_font": {"size": 11}})
        lines.set_legend({"position": "right", "font": {"size": 8}})
        lines.set_size({"width": 760, "height": 360})
        sheet.insert_chart(top + len(subject_rows) + 21, 0, lines)
    sheet.fit_to_pages(1, 0)
