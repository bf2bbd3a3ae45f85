"""Writing a blank or prefilled workbook from its declaration (xlsxwriter).

Input cells are unlocked and everything else is locked with an empty password, so a teacher
cannot break the structure by accident yet needs no password; closed sets get dropdowns;
headers are frozen; identities and metadata live in hidden cells and sheets.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from zhurnal.core.atomic import writing
from zhurnal.templates.metadata import META_SHEET
from zhurnal.templates.spec import Field, FieldType, SheetSpec, WorkbookSpec, column_letter

LISTS_SHEET = "_lists"
GUIDE_SHEET = "Инструкция"
PROTECTION = {"format_columns": True, "format_rows": True, "sort": True, "autofilter": True,
              "select_locked_cells": True, "select_unlocked_cells": True}


def _quoted(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


class _Formats:
    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1,
                                       "text_wrap": True, "valign": "top", "locked": True})
        self.input = book.add_format({"locked": False, "border": 1, "border_color": "#BFBFBF"})
        self.date = book.add_format({"locked": False, "num_format": "dd.mm.yyyy", "border": 1,
                                     "border_color": "#BFBFBF"})
        self.time = book.add_format({"locked": False, "num_format": "hh:mm", "border": 1,
                                     "border_color": "#BFBFBF"})
        self.text = book.add_format({"locked": False, "num_format": "@", "border": 1,
                                     "border_color": "#BFBFBF"})
        self.hidden_id = book.add_format({"locked": True})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.title = book.add_format({"bold": True, "font_size": 14})

    def for_field(self, item: Field):
        if item.hidden:
            return self.hidden_id
        if item.type is FieldType.DATE:
            return self.date
        if item.type is FieldType.TIME:
            return self.time
        if item.type in (FieldType.INT, FieldType.NUMBER):
            return self.input
        # Text keeps a leading +7 and zeros of a phone, and names, codes and choices as typed
        # (Excel would make 1/2 a date and 1-2 a negative number).
        return self.text


def write_value(sheet, row: int, col: int, value: object, fmt) -> None:
    if value is None or value == "":
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, dt.datetime):
        sheet.write_datetime(row, col, value, fmt)
    elif isinstance(value, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fmt)
    elif isinstance(value, dt.time):
        sheet.write_datetime(row, col, dt.datetime.combine(dt.date(1899, 12, 31), value), fmt)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "да" if value else "нет", fmt)
    elif isinstance(value, (int, float)):
        sheet.write_number(row, col, value, fmt)
    else:
        sheet.write_string(row, col, str(value), fmt)  # never a formula, whatever it starts with


class _Lists:
    """Dropdown values given at issue time, kept in one hidden sheet."""

    def __init__(self, book: xlsxwriter.Workbook, lists: dict[str, list[str]]) -> None:
        self.sheet = None
        self.book = book
        self.lists = lists
        self.ranges: dict[str, str] = {}

    def range_for(self, name: str) -> str:
        if name not in self.ranges:
            if self.sheet is None:
                self.sheet = self.book.add_worksheet(LISTS_SHEET)
                self.sheet.hide()
                self.sheet.protect("")
            col = len(self.ranges)
            values = self.lists.get(name) or [""]
            for row, value in enumerate(values):
                self.sheet.write_string(row, col, str(value))
            letter = column_letter(col)
            self.ranges[name] = f"={LISTS_SHEET}!${letter}$1:${letter}${len(values)}"
        return self.ranges[name]


def _validation(item: Field, spec: WorkbookSpec, lists: _Lists) -> dict | None:
    source = item.choices
    if source is None:
        return None
    if source.labels:
        return {"validate": "list", "source": list(source.labels)}
    if source.sheet:
        target = spec.sheet(source.sheet)
        letter = column_letter(target.column_index(source.column))
        formula = f"={_quoted(source.sheet)}!${letter}$2:${letter}${target.rows + 1}"
        return {"validate": "list", "source": formula}
    return {"validate": "list", "source": lists.range_for(source.named)}


def _write_sheet(book, formats: _Formats, spec: WorkbookSpec, sheet_spec: SheetSpec,
                 rows: list[dict], lists: _Lists) -> None:
    sheet = book.add_worksheet(sheet_spec.name)
    last_row = sheet_spec.rows
    for col, item in enumerate(sheet_spec.fields):
        sheet.set_column(col, col, item.width, None, {"hidden": item.hidden})
        sheet.write_string(0, col, item.header, formats.header)
        if item.note:
            sheet.write_comment(0, col, item.note, {"x_scale": 2, "y_scale": 1.2})
        fmt = formats.for_field(item)
        for row in range(1, last_row + 1):
            record = rows[row - 1] if row - 1 < len(rows) else {}
            write_value(sheet, row, col, record.get(item.key), fmt)
        rule = _validation(item, spec, lists)
        if rule:
            rule.update({"error_title": "Значение не из списка",
                         "error_message": "Выберите значение из выпадающего списка."})
            sheet.data_validation(1, col, last_row, col, rule)
    sheet.set_row(0, 32)
    first_visible = next((i for i, f in enumerate(sheet_spec.fields) if not f.hidden), 0)
    sheet.freeze_panes(1, first_visible + 1)
    sheet.autofilter(0, 0, last_row, len(sheet_spec.fields) - 1)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.protect("", PROTECTION)


def _write_guide(book, formats: _Formats, spec: WorkbookSpec, guide: list[str]) -> None:
    sheet = book.add_worksheet(GUIDE_SHEET)
    sheet.set_column(0, 0, 110, formats.wrap)
    sheet.write_string(0, 0, spec.title, formats.title)
    lines = guide + ["", "Листы книги:"] + [
        f"• {s.name}: " + ", ".join(f.header for f in s.fields if not f.hidden)
        for s in spec.sheets]
    lines += ["", "Заполняйте только белые ячейки с рамкой; заголовки и скрытые столбцы не меняйте.",
              "Подсказки — в примечаниях к заголовкам. Сохраните книгу и сдайте её администратору."]
    for row, line in enumerate(lines, start=2):
        sheet.write_string(row, 0, line)
    sheet.protect("", PROTECTION)


def write_meta_sheet(book: xlsxwriter.Workbook, meta: dict[str, str]) -> None:
    """The hidden, protected ``_zhurnal`` sheet: one ``key | value`` pair per row, as text."""
    sheet = book.add_worksheet(META_SHEET)
    for row, (key, value) in enumerate(meta.items()):
        sheet.write_string(row, 0, key)
        sheet.write_string(row, 1, value)
    sheet.hide()
    sheet.protect("")


def write_workbook(path: Path, spec: WorkbookSpec, meta: dict[str, str], *,
                   prefill: dict[str, list[dict]] | None = None,
                   lists: dict[str, list[str]] | None = None,
                   guide: list[str] | None = None) -> Path:
    """Write ``spec`` to ``path`` with signed ``meta``, prefilled rows and dropdown lists."""
    with writing(path) as partial:
        book = xlsxwriter.Workbook(str(partial))
        book.set_properties({"title": spec.title, "author": meta.get("author", ""),
                             "company": meta.get("school", "")})
        formats = _Formats(book)
        named = _Lists(book, lists or {})
        _write_guide(book, formats, spec, guide or [])
        for sheet_spec in spec.sheets:
            _write_sheet(book, formats, spec, sheet_spec, (prefill or {}).get(sheet_spec.name, []), named)
        write_meta_sheet(book, meta)
        book.worksheets()[1].activate()
        book.close()
    return path
