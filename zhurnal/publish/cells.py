"""Writing submitted text into spreadsheets safely: as text, never as a formula."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@")


def set_text(cell, value: object) -> None:
    """Put ``value`` into an openpyxl cell; text that looks like a formula stays text."""
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        cell.data_type = "s"
