"""Declarations of workbook kinds: the one description both the generator and the reader use.

A :class:`WorkbookSpec` lists sheets; a :class:`SheetSpec` is a table with a header row and a
fixed number of input rows; a :class:`Field` says what a column holds, how it is typed in, and
where its dropdown comes from. Nothing else in zhurnal knows a column's position.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class FieldType(StrEnum):
    TEXT = "text"
    NAME = "name"          # a person's full name: spaces folded, capitalised words kept
    INT = "int"
    NUMBER = "number"
    DATE = "date"
    TIME = "time"
    CHOICE = "choice"      # one of a closed set (labels shown, values stored)
    BOOL = "bool"          # да / нет
    EMAIL = "email"
    PHONE = "phone"
    ID = "id"              # a hidden identity cell written by zhurnal


@dataclass(frozen=True)
class Choices:
    """Where a dropdown's values come from.

    ``labels``: a fixed list; ``values`` what each label stores (defaults to the label).
    ``sheet``/``column``: the values typed in another sheet of the same workbook.
    ``named``: a list the generator is given at issue time (classes, teachers, ...).
    """

    labels: tuple[str, ...] = ()
    values: tuple[object, ...] = ()
    sheet: str = ""
    column: str = ""
    named: str = ""

    def mapping(self) -> dict[str, object]:
        values = self.values or self.labels
        return dict(zip(self.labels, values, strict=True))


YES_NO = Choices(labels=("да", "нет"), values=(True, False))


@dataclass(frozen=True)
class Field:
    """One column of a table sheet."""

    key: str
    header: str
    type: FieldType = FieldType.TEXT
    required: bool = False
    choices: Choices | None = None
    width: float = 16
    note: str = ""
    hidden: bool = False


@dataclass(frozen=True)
class SheetSpec:
    """A table: headers in row 1, ``rows`` input rows below it."""

    name: str
    fields: tuple[Field, ...]
    rows: int = 200
    title_note: str = ""

    def field(self, key: str) -> Field:
        for item in self.fields:
            if item.key == key:
                return item
        raise KeyError(key)

    def column_index(self, key: str) -> int:
        return [f.key for f in self.fields].index(key)


@dataclass(frozen=True)
class WorkbookSpec:
    """A workbook kind at one version."""

    kind: str
    version: int
    sheets: tuple[SheetSpec, ...]
    title: str = ""
    extra: dict = field(default_factory=dict)

    def sheet(self, name: str) -> SheetSpec:
        for item in self.sheets:
            if item.name == name:
                return item
        raise KeyError(name)


def column_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    """0-based row and column → an A1 reference."""
    return f"{column_letter(col)}{row + 1}"
