"""Filling issued templates the way staff do in Excel (openpyxl): type values, save.

Used by the demo and by tests that play a teacher. Values are given by field key; choice
fields take the label a person picks from the dropdown.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import openpyxl

from zhurnal.templates.spec import WorkbookSpec


def _typed(value: object) -> object:
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    return value


def read_rows(path: Path, spec: WorkbookSpec) -> dict[str, list[dict]]:
    """The rows already in a template (prefilled ones), by field key, hidden ids included."""
    book = openpyxl.load_workbook(path)
    found: dict[str, list[dict]] = {}
    for sheet_spec in spec.sheets:
        sheet = book[sheet_spec.name]
        rows = []
        for line in sheet.iter_rows(min_row=2, max_col=len(sheet_spec.fields), values_only=True):
            if all(v in (None, "") for v in line):
                continue
            rows.append({f.key: v for f, v in zip(sheet_spec.fields, line)})
        found[sheet_spec.name] = rows
    return found


def fill_workbook(template: Path, target: Path, spec: WorkbookSpec,
                  data: dict[str, list[dict]]) -> Path:
    """Replace the rows of each sheet named in ``data`` and save the book as ``target``."""
    book = openpyxl.load_workbook(template)
    for sheet_name, rows in data.items():
        sheet_spec = spec.sheet(sheet_name)
        sheet = book[sheet_name]
        last = max(sheet.max_row, len(rows) + 1)
        for r in range(2, last + 1):
            record = rows[r - 2] if r - 2 < len(rows) else {}
            for c, item in enumerate(sheet_spec.fields, start=1):
                cell = sheet.cell(row=r, column=c)
                value = _typed(record.get(item.key))
                cell.value = value
                if isinstance(value, dt.datetime):
                    cell.number_format = "DD.MM.YYYY"
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target


def fill_grid(template: Path, target: Path, values: dict[str, dict[tuple[object, str], object]],
              *, modified: dt.datetime | None = None) -> Path:
    """Type into grid sheets: ``values[sheet][(student id or marker, column key)] = value``.

    Cells are found the way zhurnal reads them back: by the hidden ids in column A and the
    hidden column keys in row 2. ``modified`` sets the workbook's own saved time.
    """
    book = openpyxl.load_workbook(template)
    for sheet_name, cells in values.items():
        sheet = book[sheet_name]
        columns = {cell.value: cell.column for cell in sheet[2] if cell.value not in (None, "")}
        rows = {}
        for (marker,) in sheet.iter_rows(min_row=3, max_col=1):
            if marker.value not in (None, ""):
                key = int(marker.value) if isinstance(marker.value, (int, float)) else marker.value
                rows[key] = marker.row
        for (row_key, column_key), value in cells.items():
            cell = sheet.cell(row=rows[row_key], column=columns[column_key])
            cell.value = _typed(value)
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "DD.MM.YYYY"
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    if modified is not None:
        set_saved_time(target, modified)
    return target


def set_saved_time(path: Path, when: dt.datetime) -> None:
    """Rewrite an xlsx's own last-saved time (openpyxl always stamps "now" on save)."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    with tempfile.NamedTemporaryFile(delete=False, suffix=".xlsx", dir=path.parent) as handle:
        temporary = Path(handle.name)
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + stamp.encode() + rb"\g<2>", data)
            copy.writestr(info, data)
    shutil.move(temporary, path)


def _grid_sheets(path: Path):
    """Per grid sheet: (title, the column keys of row 2, the rows below as (id, values))."""
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        for sheet in book.worksheets:
            if sheet.title.startswith("_"):
                continue
            lines = list(sheet.iter_rows(values_only=True))
            keys = list(lines[1][2:]) if len(lines) > 1 else []
            rows = [(int(line[0]) if isinstance(line[0], (int, float)) else line[0], line[2:])
                    for line in lines[2:] if line and line[0] not in (None, "")]
            yield sheet.title, keys, rows
    finally:
        book.close()


def grid_layout(path: Path) -> dict[str, tuple[list[object], list[str]]]:
    """Per sheet: the row ids/markers (column A) and the column keys (row 2) of a grid workbook."""
    return {title: ([i for i, _ in rows], [k for k in keys if k not in (None, "")])
            for title, keys, rows in _grid_sheets(path)}


def grid_values(path: Path) -> dict[str, dict[tuple[object, str], object]]:
    """Per sheet: (row id or marker, column key) → the cell's value, for every keyed cell."""
    return {title: {(i, k): v for i, values in rows for k, v in zip(keys, values) if k not in (None, "")}
            for title, keys, rows in _grid_sheets(path)}
