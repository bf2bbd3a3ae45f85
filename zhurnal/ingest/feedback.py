"""The feedback workbook for a rejected submission: the author's own file, marked up.

Each offending cell is filled (red for errors, yellow for warnings) and carries a comment in
Russian; a first sheet «Ошибки» lists every finding with a link to its cell. Files openpyxl
cannot edit (.xls, .ods) are rebuilt as .xlsx from the values zhurnal read. A file refused as
a whole (unreadable, encrypted, too large, a zip bomb, bad metadata) is never opened: its
feedback is a new workbook holding only the «Ошибки» sheet.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections import defaultdict
from pathlib import Path

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.hyperlink import Hyperlink

from zhurnal.core.atomic import writing
from zhurnal.core.filenames import feedback_path
from zhurnal.core.findings import Finding
from zhurnal.core.workbook import Submission
from zhurnal.templates.grid import NAME_COL, read_grid, wrapped_lines
from zhurnal.templates.metadata import META_SHEET, sections

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


_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\|(\d+))?")
# the «Ошибки» sheet: where in the teacher's terms first, what to do, then the sysadmin's code
COLUMNS = (("№", 4), ("Ученик", 26), ("Дата", 11), ("Урок", 6), ("Предмет, класс", 20),
           ("Что не так и что сделать", 60), ("Значение", 10), ("Важность", 14), ("Лист", 14), ("Ячейка", 8),
           ("Код", 18))


def _day_and_lesson(grid, key: str, col: int) -> tuple[dt.date | None, int | None]:
    """A lesson column's date and number: from its key (2026-11-23|2), else from the date and
    number rows a spare column carries."""
    found = _DAY.match(key)
    day = dt.date.fromisoformat(found.group(1)) if found else None
    number = int(found.group(2)) if found and found.group(2) else None
    if "date" in grid.markers and day is None:
        typed = grid.cells.value(grid.sheet, grid.markers["date"], col)
        day = typed if isinstance(typed, dt.date) else day
        if isinstance(typed, dt.datetime):
            day = typed.date()
    if "lesson_no" in grid.markers and number is None:
        typed = grid.cells.value(grid.sheet, grid.markers["lesson_no"], col)
        number = int(typed) if isinstance(typed, (int, float)) and not isinstance(typed, bool) else None
    return day, number


def locate(sub: Submission, item: Finding) -> dict:
    """Where a finding is in the teacher's terms: ``student``, ``date``, ``lesson_no``,
    ``subject`` (with the class) — each present only when the sheet and cell say it."""
    where: dict = {}
    info = next((s for s in sections(sub.meta).get("sheets", []) if s.get("sheet") == item.sheet), None) \
        if sub.meta else None
    if info:
        subject = info.get("subject") or ""
        group = f", гр. {info['subgroup']}" if info.get("subgroup") else ""
        where["subject"] = f"{subject}{group}, {info.get('class_code', '')}".strip(", ")
    if not (item.cell and sub.cells and item.sheet in sub.cells.sheets):
        return where
    grid = read_grid(sub.cells, item.sheet)
    try:
        # a range (merged cells) is located at its first cell
        letters, number = coordinate_from_string(item.cell.split(":")[0])
        row, col = number - 1, column_index_from_string(letters) - 1
    except ValueError:
        return where
    if grid is None:
        return where
    for student_id, student_row in grid.students.items():
        if student_row == row:
            where["student"] = str(sub.cells.value(item.sheet, row, NAME_COL) or student_id)
    key = next((k for k, c in grid.columns.items() if c == col), None)
    if key is not None:
        day, number = _day_and_lesson(grid, key, col)
        if day:
            where["date"] = f"{day:%d.%m.%Y}"
        if number:
            where["lesson_no"] = number
    return where


def _list_sheet(book, findings: list[Finding], sub: Submission) -> None:
    sheet = book.create_sheet(SHEET, 0)
    sheet.append(["Файл:", sub.name])
    sheet.append(["Книга не принята. Исправьте ячейки, отмеченные цветом (ссылка в столбце «Ячейка»), "
                  "и сдайте книгу снова."])
    sheet.append([name for name, _ in COLUMNS])
    for cell in sheet[3]:
        cell.font = Font(bold=True, name="Calibri", size=11)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for number, item in enumerate(findings, start=1):
        row = sheet.max_row + 1
        at = locate(sub, item)
        values = [number, at.get("student", ""), at.get("date", ""), at.get("lesson_no", ""),
                  at.get("subject", ""), item.message, item.value, SEVERITY_RU[item.severity.value], item.sheet,
                  item.cell, item.code]
        for col, value in enumerate(values, start=1):
            set_text(sheet.cell(row=row, column=col), value)
            sheet.cell(row=row, column=col).alignment = Alignment(wrap_text=col < len(COLUMNS), vertical="top")
        # LibreOffice keeps an unset height at one line: set it for the longest wrapped text
        sheet.row_dimensions[row].height = 15 * max(wrapped_lines(str(v), w) for v, (_, w) in zip(values, COLUMNS))
        if item.sheet and item.cell and item.sheet in book.sheetnames:
            link = sheet.cell(row=row, column=LINK_COLUMN)
            link.hyperlink = Hyperlink(ref=link.coordinate, location=f"'{item.sheet}'!{item.cell}")
            link.font = Font(color="0563C1", underline="single")
        sheet.cell(row=row, column=len(COLUMNS)).font = Font(color="808080", size=8)
    for index, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A4"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "3:3"
    book.active = 0
    for other in book.worksheets[1:]:
        other.sheet_view.tabSelected = False


LINK_COLUMN = [name for name, _ in COLUMNS].index("Ячейка") + 1


def _mark_cells(book, findings: list[Finding]) -> None:
    by_cell: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for item in findings:
        if item.sheet in book.sheetnames and item.cell:
            by_cell[(item.sheet, item.cell)].append(item)
    for (sheet_name, ref), items in by_cell.items():
        cell = book[sheet_name][ref.split(":")[0]]  # a merged range is marked at its first cell
        worst = "error" if any(i.is_error for i in items) else "warning"
        cell.fill = FILLS[worst]
        text = "\n".join(f"• {i.message}" for i in items)
        cell.comment = Comment(text, "zhurnal", width=360, height=max(80, 40 * len(items)))


def _findings_only():
    book = openpyxl.Workbook()
    book.remove(book.active)
    return book


def write_feedback(sub: Submission, findings: list[Finding], out_dir: Path, *, author: str,
                   findings_only: bool = False) -> Path:
    """Write the marked-up copy of ``sub`` (or with ``findings_only`` just the list of findings)
    into ``out_dir/<author>/`` and return its path."""
    book = _findings_only() if findings_only else _open_editable(sub)
    _mark_cells(book, findings)
    _list_sheet(book, findings, sub)
    suffix = ".xlsm" if sub.suffix == ".xlsm" and not findings_only else ".xlsx"
    target = feedback_path(out_dir, author, sub.name, suffix)
    with writing(target) as partial:
        book.save(partial)
    return target
