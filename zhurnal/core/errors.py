"""Named problems a command can meet, each with its exit code (the command line's contract).

| exit | family | meaning |
|---|---|---|
| 2 | :class:`UsageError` | the arguments or the workspace's configuration ask for what is not there |
| 3 | :class:`InfrastructureError` | the store, the disk or a mail server cannot be used right now |

(0 and 1 are not exceptions: a command that finished returns a report whose ``exit_code`` is 0
when everything was done and 1 when something was rejected or failed.)

Bad data inside a workbook is never one of these: it is a :class:`~zhurnal.core.findings.Finding`.
Each carries an English message template (a gettext message id, see :mod:`zhurnal.text.i18n`) and
its values, so the command line can say it in the reader's language; ``str()`` is English.
"""

from __future__ import annotations

from zhurnal.text.i18n import N_, _, ngettext


class ZhurnalError(Exception):
    """A named problem: a message template, its values and the exit code of the command."""

    exit_code = 2

    def __init__(self, template: str, **params: object) -> None:
        self.template, self.params = template, params
        super().__init__(template.format(**params))

    def said(self) -> str:
        """The message in the current language."""
        return _(self.template).format(**self.params)


class UsageError(ZhurnalError):
    """A command was asked for something the workspace does not have (exit 2)."""

    exit_code = 2


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


class NotConfigured(UsageError):
    """A setting the command needs is missing from ``zhurnal.toml``."""

    def __init__(self, section: str, key: str) -> None:
        super().__init__(N_("[{section}] {key} is not set in zhurnal.toml"), section=section, key=key)
        self.section, self.key = section, key


class Misconfigured(UsageError):
    """A configuration problem already worded by the code that found it (settings, keyring, backup)."""

    def __init__(self, text: str) -> None:
        super().__init__("{text}", text=text)


class NotInitialised(UsageError):
    """A command that only reads found no store: the workspace was never initialised."""

    def __init__(self, folder: object) -> None:
        super().__init__(N_("{folder} has no store yet: run «zhurnal init {folder}» first (nothing was written)"),
                         folder=folder)


class NotADemoFolder(UsageError):
    def __init__(self, folder: object) -> None:
        super().__init__(N_("{folder} exists and is not a demo workspace; choose another folder"), folder=folder)


class AmbiguousStudent(UsageError):
    """A name that starts the full names of several pupils; ``matches`` lists them."""

    def __init__(self, name: str, matches: list[str]) -> None:
        super().__init__(N_("«{name}» matches several pupils: {matches}; give more of the name"),
                         name=name, matches="; ".join(matches))
        self.name, self.matches = name, matches


class NoSuchStudent(UsageError, LookupError):
    def __init__(self, name: str) -> None:
        super().__init__(N_("no pupil's full name starts with «{name}»"), name=name)
        self.name = name


class EmptyStudentName(UsageError):
    """``--student ""``: an empty name would match every pupil, so it is refused, not read as «all»."""

    def __init__(self) -> None:
        super().__init__(N_("the pupil's name is empty: give the start of the full name or the id"))


class ReversedDates(UsageError):
    """A date range whose start is after its end (``--from`` after ``--to``)."""

    def __init__(self, start: object, end: object) -> None:
        super().__init__(N_("the start date {start} is after the end date {end}"), start=start, end=end)


class InfrastructureError(ZhurnalError):
    """The store, the disk or a server cannot be used right now (exit 3); nothing is half-applied."""

    exit_code = 3


class StoreUnavailable(InfrastructureError):
    def __init__(self, url: str, error: str) -> None:
        super().__init__(N_("the store {url} cannot be opened: {error}"), url=url, error=error)


class DiskFull(InfrastructureError):
    def __init__(self, filename: object) -> None:
        super().__init__(N_("the disk is full ({file}); the run stopped, nothing was half-applied"),
                         file=filename or "—")


class NotWritable(InfrastructureError):
    def __init__(self, filename: object) -> None:
        super().__init__(N_("no right to write {file} (a read-only disk or folder)"), file=filename or "—")


class DiskFailure(InfrastructureError):
    def __init__(self, filename: object, error: str) -> None:
        super().__init__(N_("the disk failed at {file}: {error}"), file=filename or "—", error=error)


class ServerUnavailable(InfrastructureError):
    def __init__(self, protocol: str, error: str) -> None:
        super().__init__(N_("the {protocol} server is unavailable: {error}"), protocol=protocol, error=error)



class StoreDamaged(InfrastructureError):
    """The store's file is damaged or is no database (SQLite's check failed, or a query met a
    damaged page): the command stops before it writes, and the way out is a restore."""

    RESTORE = N_("the store {url} is damaged ({what}); the command stopped: restore it from the newest "
                 "verified backup with «zhurnal restore --to NEW_FOLDER» and work in that folder")
    NO_BACKUP = N_("the store {url} is damaged ({what}); the command stopped, and there is no backup to restore "
                   "it from (zhurnal backup has never made one): keep the workspace folder as it is, copied "
                   "aside, for whoever repairs the store")

    def __init__(self, url: str, problems: list[str] | tuple[str, ...] = (), not_a_database: bool = False,
                 backup: bool = True) -> None:
        """``backup``: False when the workspace's backup ledger holds no backup (nothing to
        restore from: the advice says so instead of naming ``zhurnal restore``)."""
        # str() (the traceback's last line, with -v) keeps SQLite's own words; said() is Russian
        super().__init__(self.RESTORE if backup else self.NO_BACKUP,
                         url=url, what="; ".join(problems[:3]) or "a damaged page was read")
        self.url, self.problems, self.not_a_database = url, len(problems), not_a_database

    def without_backup(self) -> StoreDamaged:
        """The same damage, said for a workspace found to have no backup after it was named
        (a damaged page met in the middle of a command, where only the store's URL was known)."""
        self.template = self.NO_BACKUP
        return self

    def said(self) -> str:
        if self.not_a_database:
            what = _("the file is not a database")
        elif not self.problems:
            what = _("a damaged page was read")
        else:
            what = ngettext("its check found {n} damaged place", "its check found {n} damaged places",
                            self.problems).format(n=self.problems)
        return _(self.template).format(url=self.url, what=what)
