"""Named problems a command can meet in its arguments or workspace (exit code 2 in the CLI).

Bad data inside a workbook is never one of these: it is a :class:`~zhurnal.core.findings.Finding`.
Each carries an English message template (a gettext message id, see :mod:`zhurnal.text.i18n`) and
its values, so the command line can say it in the reader's language; ``str()`` is English.
"""

from __future__ import annotations

from zhurnal.text.i18n import N_, _


class UsageError(Exception):
    """A command was asked for something the workspace does not have."""

    def __init__(self, template: str, **params: object) -> None:
        self.template, self.params = template, params
        super().__init__(template.format(**params))

    def said(self) -> str:
        """The message in the current language."""
        return _(self.template).format(**self.params)


def _some(known: list[str] | tuple[str, ...], limit: int = 12) -> str:
    shown = ", ".join(known[:limit])
    return shown + (", …" if len(known) > limit else "") if known else "—"


class _UnknownName(UsageError, LookupError):
    """A name the setup does not have; the message lists (the first few of) those it has."""

    template = ""
    shown = 12

    def __init__(self, name: str, known: list[str] | tuple[str, ...] = ()) -> None:
        super().__init__(self.template, name=name, known=_some(list(known), self.shown))
        self.name = self.code = name


class UnknownPeriod(_UnknownName):
    template = N_("period «{name}» is not in the setup; there are: {known}")


class UnknownClass(_UnknownName):
    template = N_("class «{name}» is not in the setup; there are: {known}")


class UnknownTeacher(_UnknownName):
    template = N_("teacher «{name}» is not in the setup (give the full name as in the setup); there are: {known}")
    shown = 5


class UnknownSubject(_UnknownName):
    template = N_("subject «{name}» is not in the setup; there are: {known}")


class UnknownStudent(UsageError, LookupError):
    def __init__(self, student_id: int) -> None:
        super().__init__(N_("there is no student with id {id} (ids are in the class rosters)"), id=student_id)
        self.student_id = student_id


class NoYearPeriod(UsageError):
    def __init__(self) -> None:
        super().__init__(N_("the setup has no year period (a period coded Y on the sheet «Периоды», "
                            "covering the year's quarters or semesters)"))


class YearIsNoTerm(UsageError):
    def __init__(self, code: str) -> None:
        super().__init__(N_("«{code}» is the year period: its marks are confirmed in the year workbook "
                            "(zhurnal templates year)"), code=code)


class NoClasses(UsageError):
    def __init__(self) -> None:
        super().__init__(N_("no classes yet: ingest the setup workbook first"))


class NotASchoolWeek(UsageError):
    """A week with no school day for any class: outside the school year, or all holidays."""

    def __init__(self, label: str, reason: str) -> None:
        super().__init__(N_("{label}: {reason}; nothing was written"), label=label, reason=reason)
        self.label = label
        self.reason = reason

    def said(self) -> str:
        return _(self.template).format(label=self.label, reason=_(self.reason))


class UnknownYear(_UnknownName):
    template = N_("school year «{name}» is not the setup's year; there is: {known}")


class YearHasOpenPeriods(UsageError):
    def __init__(self, year: str, periods: list[str]) -> None:
        super().__init__(N_("{year} still has open periods: {periods}; close them first (zhurnal period "
                            "close …), or close the year anyway with --force"),
                         year=year, periods=", ".join(periods))


class YearReopenNeedsReason(UsageError):
    def __init__(self) -> None:
        super().__init__(N_("a year is reopened only with a reason (--reason)"))
