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


def by_key(fields: tuple["Field", ...], key: str) -> "Field":
    """The field of ``fields`` with ``key``; KeyError when there is none."""
    for item in fields:
        if item.key == key:
            return item
    raise KeyError(key)


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
    max_length: int | None = None     # characters the store keeps; longer is a finding
    # a last column added later: a workbook issued before it, without the column, still reads
    late: bool = False


@dataclass(frozen=True)
class SheetSpec:
    """A table: headers in row 1, ``rows`` input rows below it.

    ``table`` and ``key``: the store table the sheet feeds and the columns that identify a
    row there (empty when the kind writes the sheet's rows some other way).
    """

    name: str
    fields: tuple[Field, ...]
    rows: int = 200
    title_note: str = ""
    table: str = ""
    key: tuple[str, ...] = ()

    def field(self, key: str) -> Field:
        return by_key(self.fields, key)

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


@dataclass(frozen=True)
class GridSpec:
    """A grid kind (students × columns): the marker rows it declares around the student rows.

    ``above``: rows right under the headers (what a spare column's lesson is: date, number);
    ``below``: rows under the students (what each column's lesson says: topic, homework, …);
    ``spare``: keys of the columns left free for an extra lesson;
    ``columns``: what each column (or each day's group of columns) holds on student rows.
    """

    kind: str
    version: int
    title: str
    above: tuple[Field, ...] = ()
    below: tuple[Field, ...] = ()
    spare: tuple[str, ...] = ()
    columns: tuple[Field, ...] = ()

    def column(self, key: str) -> Field:
        return by_key(self.columns, key)

    def marker(self, key: str) -> Field:
        return by_key(self.above + self.below, key)


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
