"""Reading an .ods ``content.xml`` ourselves, for the files calamine cannot parse.

Gnumeric (``ssconvert``) writes ``content.xml`` indented, and python-calamine stops at the
whitespace between cells. This reader walks the same XML with defusedxml's iterparse (no
entities), one row at a time, and gives the grid calamine would: values typed by
``office:value-type`` (float, percentage, currency → float; date → date or datetime; time →
time; boolean → bool; string → its text), repeated rows and columns expanded up to the last
filled cell (empty runs are cut beyond the bounds, past which nothing filled can follow). The sheet extents were checked before (:mod:`zhurnal.ingest.bounds`), so the
grid it builds is bounded.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile

from defusedxml import ElementTree as SafeET

from zhurnal.core.workbook import WorkbookCells
from zhurnal.ingest.bounds import CELLS, OFFICE, TABLE, repeat

TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_DURATION = re.compile(r"^-?P(?:\d+D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$")


def _text(element) -> str:
    """The text of a ``text:p`` as shown: spans joined, ``text:s`` as spaces, breaks as newlines."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == TEXT + "s":
            parts.append(" " * int(child.get(TEXT + "c", "1") or 1))
        elif child.tag == TEXT + "tab":
            parts.append("\t")
        elif child.tag == TEXT + "line-break":
            parts.append("\n")
        else:
            parts.append(_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _value(cell) -> object:
    kind = cell.get(OFFICE + "value-type")
    try:
        if kind in ("float", "percentage", "currency"):
            return float(cell.get(OFFICE + "value"))
        if kind == "date":
            text = cell.get(OFFICE + "date-value", "")
            return dt.datetime.fromisoformat(text) if "T" in text else dt.date.fromisoformat(text)
        if kind == "time":
            found = _DURATION.match(cell.get(OFFICE + "time-value", ""))
            if found:
                hours, minutes, seconds = (float(g or 0) for g in found.groups())
                return dt.time(int(hours) % 24, int(minutes), int(seconds))
        if kind == "boolean":
            return cell.get(OFFICE + "boolean-value") == "true"
    except (TypeError, ValueError):
        pass
    paragraphs = [_text(p) for p in cell if p.tag == TEXT + "p"]
    if paragraphs:
        return "\n".join(paragraphs)
    return cell.get(OFFICE + "string-value", "") if kind == "string" else ""


def _row_values(element) -> list[object]:
    values: list[object] = []
    filled = 0
    for cell in element:
        if cell.tag not in CELLS:
            continue
        value = _value(cell)
        values.extend([value] * repeat(cell, "number-columns-repeated") if value != "" else
                      [""] * min(repeat(cell, "number-columns-repeated"), 1 << 10))
        if value != "":
            filled = len(values)
    return values[:filled]


def ods_cells(archive: zipfile.ZipFile) -> WorkbookCells:
    """Every sheet of an ods archive as value grids (0-based, '' when empty), like calamine's."""
    cells = WorkbookCells()
    grid: list[list[object]] = []
    parents: list = []
    with archive.open("content.xml") as stream:
        for event, element in SafeET.iterparse(stream, events=("start", "end")):
            if event == "start":
                parents.append(element)
                if element.tag == TABLE + "table":
                    grid = []
                    cells.sheets[element.get(TABLE + "name", "")] = grid
                continue
            parents.pop()
            if element.tag == TABLE + "table-row":
                values = _row_values(element)
                count = repeat(element, "number-rows-repeated")
                grid.extend([list(values) for _ in range(count)] if values else [[]] * min(count, 1 << 15))
                if parents:
                    parents[-1].remove(element)
    for grid in cells.sheets.values():
        while grid and not grid[-1]:
            grid.pop()
        width = max((len(line) for line in grid), default=0)
        for index, line in enumerate(grid):
            grid[index] = line + [""] * (width - len(line))
    return cells
