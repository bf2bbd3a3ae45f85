"""Grid workbooks (journal, attendance register, period marks): students × columns.

One layout serves the generator and the reader. Identities live in hidden cells so sorting
rows or hiding columns cannot move a value to the wrong student or lesson:

* column A (hidden): the student's id on student rows, a marker (``topic``, ``date``, …) on
  the rows that describe columns;
* row 2 (hidden): each column's key (``2026-11-23|2`` for a lesson, ``mark`` for the period
  mark, …).

Row 1 is the title, then the header rows, the student rows, a blank row, the marker rows,
and a short «Как заполнять» block.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter

from zhurnal.core.atomic import writing
from zhurnal.core.workbook import WorkbookCells
from zhurnal.school.snapshot import Section
from zhurnal.templates.generate import PROTECTION, write_meta_sheet, write_value
from zhurnal.templates.spec import Field, cell_ref

TITLE_ROW, KEY_ROW, FIRST_HEADER_ROW = 0, 1, 2
ID_COL, NAME_COL = 0, 1


@dataclass
class GridColumn:
    key: str
    headers: tuple[str, ...]            # one text per header row
    width: float = 9
    input: bool = True                  # unlocked on student rows
    validation: dict | None = None
    kind: str = "text"                  # text | date | int


@dataclass
class MarkerRow:
    marker: str
    label: str
    values: dict[str, object] = field(default_factory=dict)   # by column key
    inputs: set[str] = field(default_factory=set)             # which column keys are unlocked
    validation: dict | None = None
    kind: str = "text"
    height: float | None = None


@dataclass
class GridSheet:
    name: str
    title: str
    columns: list[GridColumn]
    students: list[tuple[int, str]]
    values: dict[tuple[int, str], object] = field(default_factory=dict)   # (student id, key)
    markers_above: list[MarkerRow] = field(default_factory=list)          # right under headers
    markers_below: list[MarkerRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    name_header: str = "Ученик"


class _Formats:
    def __init__(self, book) -> None:
        border = {"border": 1, "border_color": "#BFBFBF"}
        self.title = book.add_format({"bold": True, "font_size": 13})
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                       "align": "center", "valign": "vcenter"})
        self.name = book.add_format({**border, "bg_color": "#F2F2F2"})
        # Text ("@"): Excel and LibreOffice keep 5/4, 4-, 5.4 as typed instead of making a date
        # or a number of them.
        self.input = book.add_format({**border, "locked": False, "align": "center", "num_format": "@"})
        self.input_text = book.add_format({**border, "locked": False, "text_wrap": True, "valign": "top",
                                           "num_format": "@"})
        self.input_number = book.add_format({**border, "locked": False, "align": "center"})
        self.input_date = book.add_format({**border, "locked": False, "num_format": "dd.mm.yyyy"})
        self.locked = book.add_format({**border, "bg_color": "#F2F2F2", "align": "center"})
        self.locked_date = book.add_format({**border, "bg_color": "#F2F2F2", "num_format": "dd.mm"})
        self.label = book.add_format({**border, "bold": True, "bg_color": "#F2F2F2", "text_wrap": True,
                                      "valign": "top"})
        self.note = book.add_format({"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"})
        self.hidden = book.add_format({})

    def cell(self, editable: bool, kind: str):
        if not editable:
            return self.locked_date if kind == "date" else self.locked
        return {"date": self.input_date, "long": self.input_text, "int": self.input_number}.get(kind, self.input)


def _write_markers(sheet, fmt: _Formats, row: int, grid: GridSheet, markers: list[MarkerRow]) -> int:
    for marker in markers:
        sheet.write_string(row, ID_COL, marker.marker, fmt.hidden)
        sheet.write_string(row, NAME_COL, marker.label, fmt.label)
        for col, column in enumerate(grid.columns, start=2):
            editable = column.key in marker.inputs
            write_value(sheet, row, col, marker.values.get(column.key), fmt.cell(editable, marker.kind))
            if editable and marker.validation:
                sheet.data_validation(row, col, row, col, dict(marker.validation))
        if marker.height:
            sheet.set_row(row, marker.height)
        row += 1
    return row


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a wrapping cell ``width`` characters wide, breaking at
    spaces only (a word longer than the width still takes one line: widen its column instead)."""
    room, lines, used = max(int(width) - 1, 1), 0, None
    for paragraph in text.split("\n"):
        lines, used = lines + 1, 0
        for word in paragraph.split():
            if used and used + 1 + len(word) > room:
                lines, used = lines + 1, 0
            used += (1 if used else 0) + len(word)
    return max(lines, 1)


def _write_notes(sheet, fmt: _Formats, row: int, grid: GridSheet) -> None:
    """The «Как заполнять» notes in one merged, wrapping cell as wide as the grid: one row is
    never split between pages, so the heading and its bullets print together."""
    if not grid.notes:
        return
    last = NAME_COL + max(len(grid.columns), 1)
    width = 34 + sum(c.width for c in grid.columns)
    text = "\n".join(grid.notes)
    sheet.merge_range(row, NAME_COL, row, last, text, fmt.note)
    sheet.set_row(row, 13.5 * sum(wrapped_lines(line, width * 1.1) for line in grid.notes) + 4)


def _write_sheet(book, fmt: _Formats, grid: GridSheet) -> None:
    sheet = book.add_worksheet(grid.name)
    sheet.set_column(ID_COL, ID_COL, 6, None, {"hidden": True})
    sheet.set_column(NAME_COL, NAME_COL, 34)
    sheet.write_string(TITLE_ROW, NAME_COL, grid.title, fmt.title)
    sheet.write_string(KEY_ROW, ID_COL, "key")
    sheet.set_row(KEY_ROW, None, None, {"hidden": True})
    header_rows = max((len(c.headers) for c in grid.columns), default=1)
    for col, column in enumerate(grid.columns, start=2):
        sheet.set_column(col, col, column.width)
        sheet.write_string(KEY_ROW, col, column.key)
        for offset, text in enumerate(column.headers):
            sheet.write_string(FIRST_HEADER_ROW + offset, col, text, fmt.header)
    for offset in range(header_rows):
        sheet.write_string(FIRST_HEADER_ROW + offset, NAME_COL, grid.name_header if offset == 0 else "", fmt.header)
    for offset in range(header_rows):      # tall enough for each header wrapped at spaces
        lines = max((wrapped_lines(c.headers[offset], c.width) for c in grid.columns if offset < len(c.headers)),
                    default=1)
        sheet.set_row(FIRST_HEADER_ROW + offset, max(15 * lines, 30 if offset == 0 else 15))
    row = _write_markers(sheet, fmt, FIRST_HEADER_ROW + header_rows, grid, grid.markers_above)
    first_student = row
    for student_id, name in grid.students:
        sheet.write_number(row, ID_COL, student_id, fmt.hidden)
        sheet.write_string(row, NAME_COL, name, fmt.name)
        for col, column in enumerate(grid.columns, start=2):
            value = grid.values.get((student_id, column.key))
            write_value(sheet, row, col, value, fmt.cell(column.input, column.kind))
        row += 1
    for col, column in enumerate(grid.columns, start=2):
        if column.validation and column.input and grid.students:
            sheet.data_validation(first_student, col, row - 1, col, dict(column.validation))
    row = _write_markers(sheet, fmt, row + 1, grid, grid.markers_below)
    _write_notes(sheet, fmt, row + 1, grid)
    sheet.freeze_panes(first_student, NAME_COL + 1)
    sheet.repeat_rows(FIRST_HEADER_ROW, FIRST_HEADER_ROW + header_rows - 1)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.set_paper(9)
    sheet.protect("", PROTECTION)


def write_grid_workbook(path: Path, meta: dict[str, str], sheets: list[GridSheet]) -> Path:
    """Write the grid sheets and the signed metadata sheet to ``path``."""
    with writing(path) as partial:
        book = xlsxwriter.Workbook(str(partial))
        book.set_properties({"author": meta.get("author", ""), "company": meta.get("school", "")})
        fmt = _Formats(book)
        for grid in sheets:
            _write_sheet(book, fmt, grid)
        write_meta_sheet(book, meta)
        book.close()
    return path


@dataclass
class GridRead:
    """One grid sheet as read back: column keys, student rows and marker rows with coordinates."""

    sheet: str
    columns: dict[str, int]                                   # key → 0-based column
    students: dict[int, int] = field(default_factory=dict)    # student id → 0-based row
    markers: dict[str, int] = field(default_factory=dict)     # marker → 0-based row
    cells: WorkbookCells | None = None

    def value(self, row: int, key: str) -> object:
        return self.cells.value(self.sheet, row, self.columns[key])

    def ref(self, row: int, key: str) -> str:
        return cell_ref(row, self.columns[key])


def _as_id(value: object) -> int | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def read_grid(cells: WorkbookCells, sheet: str) -> GridRead | None:
    """Locate columns by their hidden keys and rows by their hidden ids or markers."""
    grid = cells.sheets.get(sheet)
    if grid is None or len(grid) <= KEY_ROW:
        return None
    keys = {str(v).strip(): col for col, v in enumerate(grid[KEY_ROW]) if col >= 2 and v not in ("", None)}
    found = GridRead(sheet=sheet, columns=keys, cells=cells)
    for row in range(KEY_ROW + 1, len(grid)):
        marker = grid[row][ID_COL] if grid[row] else ""
        ident = _as_id(marker)
        if ident is not None:
            found.students[ident] = row
        elif isinstance(marker, str) and marker.strip():
            found.markers[marker.strip()] = row
    return found


def _identity_digest(sheets: dict[str, tuple[list, list, list]]) -> str:
    body = {name: [sorted(ids), sorted(keys), sorted(markers)] for name, (ids, keys, markers) in sheets.items()}
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:24]


def issued_identities(sheets: list[GridSheet]) -> str:
    """A digest of every grid sheet's hidden identities (student ids in column A, column keys in
    row 2, marker rows), kept in the signed metadata so that it belongs to this workbook only.
    Sorting rows or hiding columns leaves it unchanged."""
    return _identity_digest({grid.name: ([sid for sid, _ in grid.students], [c.key for c in grid.columns],
                                         [m.marker for m in grid.markers_above + grid.markers_below])
                             for grid in sheets})


def read_identities(cells: WorkbookCells, names: list[str]) -> str:
    """The same digest as :func:`issued_identities`, of the sheets ``names`` as read back
    (a missing sheet counts as one with no identities)."""
    found = {}
    for name in names:
        grid = read_grid(cells, name)
        found[name] = ([], [], []) if grid is None else (list(grid.students), list(grid.columns), list(grid.markers))
    return _identity_digest(found)


_UNSAFE_SHEET = re.compile(r"[\[\]:*?/\\']")


def sheet_name(section: Section, short: str, taken: set[str]) -> str:
    """A unique sheet name (Excel: at most 31 characters, no []:*?/\\') for a group's sheet."""
    base = f"{section.class_code} {short or section.subject}"
    if section.subgroup:
        base += f" гр{section.subgroup}"
    base = _UNSAFE_SHEET.sub("", base)[:28].strip()
    name, n = base, 2
    while name in taken:
        name, n = f"{base[:26]}~{n}", n + 1
    taken.add(name)
    return name


def section_info(name: str, section: Section) -> dict:
    """What the metadata says of one sheet: which group it was issued for."""
    return {"sheet": name, "class_code": section.class_code, "subject": section.subject,
            "subgroup": section.subgroup}


def list_validation(values: list[str], **more) -> dict | None:
    """A dropdown of ``values`` for ``data_validation``, or None when the list cannot be written
    inline: Excel separates its items by commas, quotes the whole list and keeps 255 characters
    of it, so an item with a comma or a quote (a work type «Ответ, устный») or a long list
    would split or break the formula; the cell then has no dropdown, and any typed value is
    still checked on ingest."""
    items = [str(v) for v in values]
    if any("," in v or '"' in v for v in items) or len(",".join(items)) > 255:
        return None
    return {"validate": "list", "source": items, **more}


def marker_row(item: Field, values: dict, inputs: set[str], *, kind: str = "text", height: float | None = None,
               source: list[str] | None = None) -> "MarkerRow":
    """A marker row declared by ``item`` (its key and label; its dropdown from ``source`` or
    the field's fixed choices)."""
    labels = source if source is not None else list(item.choices.labels) if item.choices else []
    return MarkerRow(item.key, item.header, values, inputs=inputs, kind=kind, height=height,
                     validation=list_validation(labels) if labels else None)
