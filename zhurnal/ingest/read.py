"""Reading a workbook's cells with their coordinates (python-calamine: xlsx, xlsm, xls, ods)."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine as calamine

Grid = list[list[object]]


class UnreadableWorkbook(Exception):
    """The file is not a workbook calamine can open; ``encrypted`` when it has a password."""

    def __init__(self, detail: str, *, encrypted: bool = False) -> None:
        super().__init__(detail)
        self.encrypted = encrypted


@dataclass
class WorkbookCells:
    """All sheets of one workbook as value grids; ``grid[row][col]`` is 0-based, '' when empty."""

    sheets: dict[str, Grid] = field(default_factory=dict)

    def value(self, sheet: str, row: int, col: int) -> object:
        grid = self.sheets.get(sheet, [])
        if row < len(grid) and col < len(grid[row]):
            return grid[row][col]
        return ""


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _looks_encrypted(path: Path) -> bool:
    # An encrypted .xlsx is an OLE compound file holding an "EncryptionInfo" stream.
    with path.open("rb") as handle:
        head = handle.read(8)
        if head != OLE_MAGIC:
            return False
        return b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o" in handle.read()


def read_cells(path: Path) -> WorkbookCells:
    """Every sheet (hidden ones too) with cells at their real coordinates."""
    try:
        book = calamine.CalamineWorkbook.from_path(str(path))
    except calamine.PasswordError as exc:
        raise UnreadableWorkbook(str(exc), encrypted=True) from exc
    except Exception as exc:  # calamine raises several types for garbage input
        raise UnreadableWorkbook(str(exc) or type(exc).__name__,
                                 encrypted=_looks_encrypted(path)) from exc
    cells = WorkbookCells()
    try:
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            cells.sheets[name] = sheet.to_python(skip_empty_area=False)
    except calamine.PasswordError as exc:
        raise UnreadableWorkbook(str(exc), encrypted=True) from exc
    except Exception as exc:
        raise UnreadableWorkbook(str(exc) or type(exc).__name__) from exc
    finally:
        book.close()
    return cells


_DATE = re.compile(rb"<(?:dcterms:modified|dc:date)[^>]*>([^<]+)<")


def saved_time(path: Path) -> dt.datetime | None:
    """The workbook's own last-saved time (xlsx/xlsm core properties, ods meta), in UTC."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            member = "docProps/core.xml" if "docProps/core.xml" in names else "meta.xml"
            if member not in names:
                return None
            found = _DATE.search(archive.read(member))
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    if not found:
        return None
    text = found.group(1).decode().strip().replace("Z", "+00:00")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment
