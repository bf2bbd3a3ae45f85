"""Filling issued templates the way staff do in Excel (openpyxl): type values, save.

Used by the demo and by tests that play a teacher. Values are given by field key; choice
fields take the label a person picks from the dropdown.
"""

from __future__ import annotations

import datetime as dt
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
