"""Statuses and kinds as enums, each value with its Russian label: the one place people's words
for them are written.

The values are the codes the store, ``--json`` and logs keep (stable, Latin, never shown
alone); ``.label`` is what a person reads. A :class:`enum.StrEnum` member equals its code, so
code that compares with ``"accepted"`` keeps working while it moves to the enums.

Workbook kinds' titles live here too and each kind's declaration reads its title from
:class:`Kind` (``zhurnal.kinds`` ranks above ``zhurnal.text`` and may import it; the other way
round would be an upward import, see ``tests/test_layers.py``). The title is also printed at
the top of the issued workbook, so a change here changes the templates.
"""

from __future__ import annotations

from enum import StrEnum


class _Labelled(StrEnum):
    """A code with a Russian label taken from the class's ``_LABELS`` table below."""

    @property
    def label(self) -> str:
        return _LABELS[type(self)][self]

    @classmethod
    def label_of(cls, code: str) -> str:
        """The label of ``code``, or ``code`` itself when it is not one of ours (an old row of
        the store written by a newer version, say): never raises."""
        try:
            return cls(code).label
        except ValueError:
            return code


class Kind(_Labelled):
    """A workbook kind: its ``_zhurnal`` metadata code → its title."""
    SETUP = "setup"
    ROSTER = "roster"
    PLAN = "plan"
    JOURNAL = "journal"
    ATTENDANCE = "attendance"
    PERIOD = "period"
    YEAR = "year"
    PRIOR = "prior"
    EXTRACURRICULAR = "extracurricular"


class SubmissionStatus(_Labelled):
    """What ingest did with one file of the inbox (``submissions.status``, the ingest table)."""
    ACCEPTED = "accepted"
    REJECTED = "rejected"        # findings with errors; the teacher gets the workbook back
    DUPLICATE = "duplicate"      # the same bytes were received before; nothing changes
    DEFERRED = "deferred"        # still being written (a copy arriving): tried on the next run
    FAILED = "failed"            # the file could not be read or moved: the sysadmin's problem
    LEFT = "left"                # not a file (a folder, a link): left where it is


class MailStatus(_Labelled):
    """A row of the mail ledger (``mail_ledger.status``, see ``zhurnal.publish.ledger``)."""
    QUEUED = "queued"
    SENT = "sent"
    REFUSED = "refused"
    FAILED = "failed"
    UNCERTAIN = "uncertain"      # the connection was lost after the final dot: perhaps delivered
    SUPERSEDED = "superseded"


class HeldReason(_Labelled):
    """Why ``fetch`` held a letter in the mailbox's held folder for the sysadmin."""
    UNKNOWN_SENDER = "unknown-sender"
    NOT_AUTHENTICATED = "not-authenticated"
    NO_WORKBOOK = "no-workbook"
    NO_TRUSTED_AUTH = "no-trusted-auth"


class Severity(_Labelled):
    """A finding's severity (``zhurnal.core.findings.Severity`` has the same codes)."""
    ERROR = "error"
    WARNING = "warning"


_LABELS: dict[type, dict[str, str]] = {
    Kind: {
        Kind.SETUP: "Настройка школы",
        Kind.ROSTER: "Список класса",
        Kind.PLAN: "Календарно-тематический план",
        Kind.JOURNAL: "Журнал недели",
        Kind.ATTENDANCE: "Посещаемость",
        Kind.PERIOD: "Отметки за период",
        Kind.YEAR: "Годовые отметки",
        Kind.PRIOR: "Отметки прошлых лет",
        Kind.EXTRACURRICULAR: "Журнал внеурочной деятельности",
    },
    SubmissionStatus: {
        SubmissionStatus.ACCEPTED: "принят",
        SubmissionStatus.REJECTED: "ОТКЛОНЁН",
        SubmissionStatus.DUPLICATE: "повтор",
        SubmissionStatus.DEFERRED: "ещё пишется",
        SubmissionStatus.FAILED: "СБОЙ",
        SubmissionStatus.LEFT: "не файл, оставлен",
    },
    MailStatus: {
        MailStatus.QUEUED: "ждёт отправки",
        MailStatus.SENT: "отправлено",
        MailStatus.REFUSED: "отклонено почтовым сервером",
        MailStatus.FAILED: "не отправлено (сбой)",
        MailStatus.UNCERTAIN: "доставка не подтверждена (связь оборвалась до ответа сервера)",
        MailStatus.SUPERSEDED: "заменено более новым",
    },
    HeldReason: {
        HeldReason.UNKNOWN_SENDER: "адрес не принадлежит учителю школы",
        HeldReason.NOT_AUTHENTICATED: "почтовый сервер не подтвердил отправителя (DKIM/SPF)",
        HeldReason.NO_WORKBOOK: "во вложении нет книги",
        HeldReason.NO_TRUSTED_AUTH: "почтовый сервер школы не подтвердил отправителя: нет его отметки о проверке",
    },
    Severity: {
        Severity.ERROR: "ошибка",
        Severity.WARNING: "предупреждение",
    },
}

# every enum of this module with its labels: what tests/test_russian_text.py walks
ENUMS: tuple[type[_Labelled], ...] = tuple(_LABELS)
