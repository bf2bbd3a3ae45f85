"""Findings: what is wrong with a submission, as a value, never as an exception.

A finding has a stable kebab-case ``code`` (published codes keep their meaning), a severity,
and coordinates (file, sheet, cell). Its ``message`` is rendered in the workspace locale from
the catalogue in :mod:`zhurnal.text.messages`, so tests assert on codes and cells, never on text.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from zhurnal.text.labels import Severity  # error/warning with their Russian labels
from zhurnal.text.messages import render


class Finding(BaseModel):
    """One problem at one place in one submitted file."""

    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity = Severity.ERROR
    file: str = ""
    sheet: str = ""
    cell: str = ""
    value: str = ""
    message: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def where(self) -> tuple[str, str, str]:
        """The ``(sheet, cell, code)`` triple tests assert on."""
        return (self.sheet, self.cell, self.code)


def finding(code: str, *, sheet: str = "", cell: str = "", value: object = "",
            severity: Severity = Severity.ERROR, file: str = "", locale: str = "ru",
            **params: object) -> Finding:
    """Build a finding whose message comes from the catalogue entry for ``code``."""
    shown = "" if value is None else str(value)
    message = render(code, locale, value=shown, sheet=sheet, cell=cell, **params)
    return Finding(code=code, severity=severity, file=file, sheet=sheet, cell=cell,
                   value=shown, message=message)


def has_errors(findings: list[Finding]) -> bool:
    """True when any finding rejects the workbook."""
    return any(f.is_error for f in findings)
