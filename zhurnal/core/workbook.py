"""A submitted workbook as ingest read it, once: bytes, cells, formulas, merged ranges.

This is the bottom of the pipeline: every later step (identify, the kinds' rules, the merge,
the feedback workbook) takes its facts from one :class:`Submission` and never opens the
file again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

Grid = list[list[object]]


@dataclass
class WorkbookCells:
    """All sheets of one workbook as value grids; ``grid[row][col]`` is 0-based, '' when empty."""

    sheets: dict[str, Grid] = field(default_factory=dict)

    def value(self, sheet: str, row: int, col: int) -> object:
        grid = self.sheets.get(sheet, [])
        if row < len(grid) and col < len(grid[row]):
            return grid[row][col]
        return ""


@dataclass
class Submission:
    """One inbox file read into memory.

    ``data`` is the whole file, or empty when ``size`` (bytes) is over ``[ingest] max_file_mb``
    (such a file is only hashed, streamed, and rejected); ``sha256`` its hash; ``mtime_ns`` the file's modification time (ns since
    the epoch) when it was read;
    ``saved_at`` the workbook's own last-saved time (UTC, naive) when the format carries one;
    ``cells`` every sheet's values (None until the file parsed as a workbook); ``formulas``
    sheet → A1 cells that hold a formula; ``merged`` sheet → merged ranges (``B5:B7``);
    ``meta`` the template's verified metadata (empty until identified); ``cleaned`` (sheet, cell,
    value as typed with its invisible characters shown, value kept) for every text cell that
    had invisible characters removed.
    """

    path: Path
    data: bytes
    sha256: str
    size: int
    mtime_ns: int = 0
    saved_at: dt.datetime | None = None
    cells: WorkbookCells | None = None
    formulas: dict[str, list[str]] = field(default_factory=dict)
    merged: dict[str, list[str]] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)
    cleaned: list[tuple[str, str, str, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()

    @property
    def kind(self) -> str:
        return self.meta.get("kind", "")

    @property
    def author(self) -> str:
        return self.meta.get("author", "")
