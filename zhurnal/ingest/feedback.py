"""The feedback workbook for a rejected submission: the author's own file, marked up.

Each offending cell is filled (red for errors, yellow for warnings) and carries a comment in
Russian; a first sheet «Ошибки» lists every finding with a link to its cell. Files openpyxl
cannot edit (.xls, .ods) are rebuilt as .xlsx from the values zhurnal read.
"""

from __future__ import annotations

import io
import zipfile
from collections import defaultdict
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.utils.exceptions import InvalidFileException

from zhurnal.atomic import writing
from zhurnal.filenames import feedback_path
from zhurnal.findings import Finding
from zhurnal.templates.metadata import META_SHEET
from zhurnal.workbook import Submission

SHEET = "Ошибки"
FILLS = {"error": PatternFill("solid", fgColor="FFC7CE"), "warning": PatternFill("solid", fgColor="FFEB9C")}
SEVERITY_RU = {"error": "ошибка", "warning": "предупреждение"}
FORMULA_STARTS = ("=", "+", "-", "@")


def set_text(cell, value: object) -> None:
    """Put ``value`` into an openpyxl cell; text that looks like a formula stays text."""
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"


def _open_editable(sub: Submission):
    if sub.suffix in (".xlsx", ".xlsm") and sub.data:
        try:
            return openpyxl.load_workbook(io.BytesIO(sub.data), keep_vba=sub.suffix == ".xlsm")
        except (InvalidFileException, OSError, KeyError, ValueError, TypeError, EOFError,
                zipfile.BadZipFile):
            pass
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, grid in (sub.cells.sheets.items() if sub.cells else []):
        if name == META_SHEET:
            continue
        sheet = book.create_sheet(name[:31])
        for r, line in enumerate(grid, start=1):
            for c, value in enumerate(line, start=1):
                if value != "":
                    set_text(sheet.cell(row=r, column=c), value)
    return book


def _list_sheet(book, findings: list[Finding], file_name: str) -> None:
    sheet = book.create_sheet(SHEET, 0)
    sheet.append(["Файл:", file_name])
    sheet.append(["Книга не принята. Исправьте ячейки, отмеченные цветом, и сдайте книгу снова."])
    headers = ["№", "Лист", "Ячейка", "Важность", "Что не так", "Значение", "Код"]
    sheet.append(headers)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for number, item in enumerate(findings, start=1):
        row = sheet.max_row + 1
        values = [number, item.sheet, item.cell, SEVERITY_RU[item.severity.value], item.message,
                  item.value, item.code]
        for col, value in enumerate(values, start=1):
            set_text(sheet.cell(row=row, column=col), value)
        if item.sheet and item.cell and item.sheet in book.sheetnames:
            link = sheet.cell(row=row, column=3)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{item.sheet}'!{item.cell}")
            link.font = Font(color="0563C1", underline="single")
    for letter, width in zip("ABCDEFG", (5, 18, 9, 15, 80, 24, 26)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A4"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    book.active = 0
    for other in book.worksheets[1:]:
        other.sheet_view.tabSelected = False


def _mark_cells(book, findings: list[Finding]) -> None:
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for item in findings:
        if item.sheet in book.sheetnames and item.cell:
            by_cell[(item.sheet, item.cell)].append(item)
    for (sheet_name, ref), items in by_cell.items():
        cell = book[sheet_name][ref]
        worst = "error" if any(i.is_error for i in items) else "warning"
        cell.fill = FILLS[worst]
        text = "\n".join(f"• {i.message}" for i in items)
        cell.comment = Comment(text, "zhurnal", width=360, height=max(80, 40 * len(items)))


def write_feedback(sub: Submission, findings: list[Finding], out_dir: Path, *, author: str) -> Path:
    """Write the marked-up copy of ``sub`` into ``out_dir/<author>/`` and return its path."""
    book = _open_editable(sub)
    _mark_cells(book, findings)
    _list_sheet(book, findings, sub.name)
    suffix = ".xlsm" if sub.suffix == ".xlsm" else ".xlsx"
    target = feedback_path(out_dir, author, sub.name, suffix)
    with writing(target) as partial:
        book.save(partial)
    return target
