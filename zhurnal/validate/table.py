"""Reading one declared table sheet into typed rows, each value with its cell reference."""

from __future__ import annotations

from dataclasses import dataclass, field

from zhurnal.core.findings import Finding, Severity, finding
from zhurnal.core.workbook import WorkbookCells
from zhurnal.templates.spec import Field, SheetSpec, WorkbookSpec, cell_ref
from zhurnal.validate.normalize import BadValue, clean_text, has_format_controls, is_blank, normalise


@dataclass
class Row:
    """One filled row: typed ``values`` by field key and the A1 ``refs`` they came from."""

    sheet: str
    number: int
    values: dict[str, object] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)

    def get(self, key: str, default: object = None) -> object:
        value = self.values.get(key)
        return default if value is None else value

    def at(self, key: str) -> dict[str, str]:
        """The coordinates of ``key``'s cell, for ``finding(..., **row.at(key))``."""
        return {"sheet": self.sheet, "cell": self.refs[key]}


@dataclass
class Table:
    sheet: SheetSpec
    rows: list[Row]


def _header_findings(grid: list[list[object]], spec: SheetSpec) -> list[Finding]:
    found = []
    header = grid[0] if grid else []
    for col, item in enumerate(spec.fields):
        typed = clean_text(header[col]) if col < len(header) else ""
        if typed != item.header and not (item.late and typed == ""):
            found.append(finding("header-changed", sheet=spec.name, cell=cell_ref(0, col),
                                 value=typed, expected=item.header))
    return found


def typed_cell(item: Field, raw: object, *, sheet: str, cell: str, found: list[Finding],
               yo_as_ye: bool = False) -> object:
    """The typed value of one cell of column ``item``, or None after adding a finding at it."""
    if is_blank(raw):
        if item.required:
            found.append(finding("required-missing", sheet=sheet, cell=cell, column=item.header))
        return None
    if has_format_controls(raw):           # shown one way, stored another: dropped, and said
        found.append(finding("format-control-removed", sheet=sheet, cell=cell, value=clean_text(raw),
                             severity=Severity.WARNING))
    try:
        return normalise(item, raw, yo_as_ye=yo_as_ye)
    except BadValue as bad:
        found.append(finding(bad.code, sheet=sheet, cell=cell, value=clean_text(raw), **bad.params))
        return None


def read_table(cells: WorkbookCells, spec: SheetSpec, *, yo_as_ye: bool = False
               ) -> tuple[Table, list[Finding]]:
    """Typed rows of sheet ``spec`` and the findings met on the way (blank rows skipped)."""
    grid = cells.sheets.get(spec.name)
    if grid is None:
        return Table(spec, []), [finding("sheet-missing", sheet=spec.name)]
    findings = _header_findings(grid, spec)
    if findings:
        return Table(spec, []), findings
    rows = []
    visible = [i for i, f in enumerate(spec.fields) if not f.hidden]
    for r in range(1, len(grid)):
        line = grid[r]
        if all(is_blank(line[c]) if c < len(line) else True for c in visible):
            continue  # a cleared row: its hidden id alone does not keep it
        row = Row(sheet=spec.name, number=r + 1)
        for c, item in enumerate(spec.fields):
            raw = line[c] if c < len(line) else ""
            ref = cell_ref(r, c)
            row.refs[item.key] = ref
            row.values[item.key] = typed_cell(item, raw, sheet=spec.name, cell=ref, found=findings,
                                              yo_as_ye=yo_as_ye)
        rows.append(row)
    return Table(spec, rows), findings


def read_tables(cells: WorkbookCells, spec: WorkbookSpec, *, yo_as_ye: bool = False
                ) -> tuple[dict[str, Table], list[Finding]]:
    """Every sheet of ``spec`` read with :func:`read_table`, by sheet name."""
    tables, found = {}, []
    for sheet in spec.sheets:
        tables[sheet.name], sheet_findings = read_table(cells, sheet, yo_as_ye=yo_as_ye)
        found += sheet_findings
    return tables, found
