"""The print-ready workbook the deputy's summaries and the director's reports are written in
(xlsxwriter): A4 landscape fit to width, bordered tables with wrapped headers, every text
written as a string (nothing that came from a submission can become a formula)."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from zhurnal.templates.grid import wrapped_lines

DASH = "—"     # not applicable (no КТП, no one assessed), as opposed to 0


class Book:
    """One workbook being written at ``path``: its formats, sheets and tables."""

    def __init__(self, path: Path) -> None:
        self.widths: dict[str, list[float]] = {}
        path.parent.mkdir(parents=True, exist_ok=True)
        self.book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
        self.title = self.book.add_format({"bold": True, "font_size": 13})
        self.header = self.book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                            "valign": "vcenter", "align": "center"})
        self.cell = self.book.add_format({"border": 1})
        self.number = self.book.add_format({"border": 1, "num_format": "0.00"})
        self.percent = self.book.add_format({"border": 1, "num_format": "0.0"})
        self.bold = self.book.add_format({"bold": True, "border": 1, "bg_color": "#F2F2F2"})
        self.warn = self.book.add_format({"bg_color": "#FFC7CE"})
        self.centre = self.book.add_format({"border": 1, "align": "center"})
        self.caption = self.book.add_format({"bold": True})    # no border: a long caption runs on
        self.wrap = self.book.add_format({"border": 1, "text_wrap": True, "valign": "top"})

    def sheet(self, name: str, title: str):
        sheet = self.book.add_worksheet(name)
        sheet.write_string(0, 0, title, self.title)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.set_paper(9)
        return sheet

    def row(self, sheet, row: int, values: list, fmt=None, *, dash: bool = False) -> None:
        """Write ``values`` from column 0; None is a blank cell, or «—» with ``dash``."""
        for col, value in enumerate(values):
            if value is None and dash:
                sheet.write_string(row, col, DASH, fmt or self.centre)
            elif value is None or value == "":
                sheet.write_blank(row, col, None, fmt or self.cell)
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                sheet.write_number(row, col, value, fmt or (self.number if isinstance(value, float) else self.cell))
            else:
                sheet.write_string(row, col, str(value), fmt or self.cell)

    def columns(self, sheet, widths: list[float]) -> None:
        self.widths[sheet.name] = widths
        for col, width in enumerate(widths):
            sheet.set_column(col, col, width)

    def header_row(self, sheet, row: int, headers: list[str]) -> None:
        """Headers wrapped at spaces in a row tall enough for the longest (as the sheet's widths give)."""
        widths = self.widths.setdefault(sheet.name, [])
        widths += [9.0] * (len(headers) - len(widths))
        for col, text in enumerate(headers):    # a column at least as wide as its header's longest word
            needed = max((len(word) * 1.1 + 1.5 for word in text.split()), default=0)
            if widths[col] < needed:
                widths[col] = needed
                sheet.set_column(col, col, needed)
        lines = max((wrapped_lines(h, widths[i] if i < len(widths) else 9) for i, h in enumerate(headers)), default=1)
        sheet.set_row(row, max(30, 15 * lines))
        self.row(sheet, row, headers, self.header)

    def table(self, sheet, top: int, headers: list[str], rows: list[list], formats: dict[int, object] | None = None,
              *, dash: bool = False) -> int:
        """Headers at ``top``, rows below; returns the row after the table."""
        self.header_row(sheet, top, headers)
        for offset, values in enumerate(rows, start=1):
            self.row(sheet, top + offset, values, dash=dash)
            for col, fmt in (formats or {}).items():
                if isinstance(values[col], (int, float)):
                    sheet.write_number(top + offset, col, values[col], fmt)
        return top + len(rows) + 2
