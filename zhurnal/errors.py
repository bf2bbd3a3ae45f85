"""Named problems a command can meet in its arguments or workspace (exit code 2 in the CLI).

Bad data inside a workbook is never one of these: it is a :class:`~zhurnal.findings.Finding`.
"""

from __future__ import annotations


class UsageError(Exception):
    """A command was asked for something the workspace does not have."""


class UnknownPeriod(UsageError, LookupError):
    def __init__(self, code: str) -> None:
        super().__init__(f"period {code!r} is not in the setup")
        self.code = code


class UnknownClass(UsageError, LookupError):
    def __init__(self, code: str) -> None:
        super().__init__(f"class {code!r} is not in the setup")
        self.code = code


class NoClasses(UsageError):
    def __init__(self) -> None:
        super().__init__("no classes yet: ingest the setup workbook first")


class NotASchoolWeek(UsageError):
    """A week with no school day for any class: outside the school year, or all holidays."""

    def __init__(self, label: str, reason: str) -> None:
        super().__init__(f"{label}: {reason}; nothing was written")
        self.label = label
        self.reason = reason
