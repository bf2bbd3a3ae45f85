"""The sections of ``zhurnal.toml``, one pydantic model each, with their defaults and the reason
for each default; :class:`zhurnal.core.settings.Settings` joins them."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, PositiveInt, field_validator, model_validator


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SchoolSettings(_Section):
    code: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1)
    locale: str = Field(default="ru", pattern=r"^(ru|en)$")   # of the command line; documents stay Russian
    # the school's own clock: the Date of its mail (an IANA name, e.g. Asia/Yekaterinburg)
    timezone: str = "Europe/Moscow"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (an IANA name such as Europe/Moscow)") from exc
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, moment: dt.datetime) -> dt.datetime:
        """A stored moment (UTC, naive, as the store keeps them) on the school's clock, naive: what
        people read (status, remind, history, doctor)."""
        return moment.replace(tzinfo=dt.timezone.utc).astimezone(self.zone).replace(tzinfo=None)


class StoreSettings(_Section):
    url: str = "sqlite:///master.sqlite"


class IngestSettings(_Section):
    settle_seconds: float = Field(default=2.0, ge=0)
    max_file_mb: float = Field(default=20, gt=0)
    max_unzipped_mb: float = Field(default=300, gt=0)
    # a file still being read after this many seconds is refused (file-unreadable) and its
    # reader process killed: a reader that loops must not hold the weekly run. A journal of a
    # 250-pupil school reads in 0.04 s (median; 0.1 s the slowest, 2026-12-07, 2 busy cores):
    # 30 s leaves room for a file at max_file_mb on a loaded machine, where a valid workbook
    # refused for slowness would cost a teacher a resubmission
    read_seconds_limit: float = Field(default=30, gt=0)
    # journals and registers only from teachers' own folders inbox/<login>/ (and their mail);
    # `zhurnal init` writes true into a new workspace, a toml without the key (an older one) keeps
    # the old behaviour and `status` recommends turning it on
    author_folders_only: bool = False
    # on a shared drive: the system group whose members (the teachers) may write into their
    # folders inbox/<login>/; empty: nothing in the workspace is shared with anyone
    teacher_group: str = ""


class NormaliseSettings(_Section):
    # Some schools write «Ёлкин» and «Елкин» interchangeably; most do not, so off by default.
    yo_as_ye: bool = False


class MarkSettings(_Section):
    allow_plus_minus: bool = True
    # 4+ counts as 4 + step and 5- as 5 - step in averages; 0 means the sign is ignored
    modifier_step: float = Field(default=0.0, ge=0, lt=0.5)
    # average → period mark: ≥ thresholds[0] gives 5, ≥ [1] gives 4, ≥ [2] gives 3, else 2
    thresholds: tuple[float, float, float] = (4.5, 3.5, 2.5)
    # fewer marks in a period than this suggest «н/а»: per period kind (a school's regulation
    # usually asks more for a semester than for a quarter); the old single ``min_marks`` still
    # reads as both (see _one_minimum)
    min_marks_quarter: int = Field(default=3, ge=0)
    min_marks_semester: int = Field(default=3, ge=0)   # many schools: 5
    # scaled by the subject's weekly hours (teaching load): each hour over the first adds this
    # many marks, rounded half up (2: 3 marks at 1 h, 5 at 2 h, 7 at 3 h); 0: hours do not count
    min_marks_per_extra_hour: float = Field(default=0.0, ge=0)
    default_weight: float = Field(default=1.0, gt=0)
    # the year mark from the period marks (zhurnal.year.marks): "mean" — their arithmetic mean
    # rounded half up (3.5 → 4); "mean_last_decides" — the same, but a mean of exactly .5 takes
    # the side of the last period's mark (3, 4, 3, 4 → 4; 4, 3, 4, 3 → 3)
    year_rule: Literal["mean", "mean_last_decides"] = "mean"

    @model_validator(mode="before")
    @classmethod
    def _one_minimum(cls, data: object) -> object:
        """``min_marks = N`` (before minimums per period kind) sets both kinds' minimum; given
        beside a kind's own key it is ambiguous and refused."""
        if isinstance(data, dict) and "min_marks" in data:
            data = dict(data)
            old = data.pop("min_marks")
            if "min_marks_quarter" in data or "min_marks_semester" in data:
                raise ValueError("min_marks is replaced by min_marks_quarter and min_marks_semester; "
                                 "remove min_marks")
            data["min_marks_quarter"] = data["min_marks_semester"] = old
        return data

    def min_marks_for(self, kind: str, hours: float | None = None) -> int:
        """The fewest marks a period mark needs in a period of ``kind`` ("quarter", "semester";
        a year has no minimum: 0) for a subject of ``hours`` a week (None: not scaled)."""
        if kind == "year":
            return 0
        base = self.min_marks_semester if kind == "semester" else self.min_marks_quarter
        if not self.min_marks_per_extra_hour or not hours or hours <= 1:
            return base
        return base + int(Decimal(str(self.min_marks_per_extra_hour * (hours - 1))).quantize(0, ROUND_HALF_UP))


class AttestatSettings(_Section):
    """The school's own attestat rules over the federal defaults (zhurnal.year.attestat_rules;
    docs/DESIGN.md «The attestat»)."""

    # an attestat subject → the course subjects whose marks form it, for grade 9's and grade 11's
    # attestat; replaces the default entry of that subject ([] removes it: each course stands for
    # itself), e.g. {"Математика" = ["Алгебра", "Геометрия"]}
    courses_9: dict[str, list[str]] = {}
    courses_11: dict[str, list[str]] = {}
    # a subject → the last grade it is taught in at the basic level, replacing the default; below
    # 9 the grade-9 attestat takes its year mark of that grade (prior marks), 9 takes this year's
    last_grade_9: dict[str, int] = {}
    # grade 9, a subject of several courses with an exam: "year_then_exam" — the courses' year
    # marks averaged into one year mark (rounded half up), then averaged with the exam mark;
    # "one_mean" — one mean of the courses' year marks and the exam mark
    combine_9: Literal["year_then_exam", "one_mean"] = "year_then_exam"
    # аттестат с отличием, grade 9: the lowest ОГЭ/ГВЭ mark that counts as the ГИА passed
    honours_exam_min_9: int = Field(default=3, ge=3, le=5)

    @field_validator("last_grade_9")
    @classmethod
    def _basic_grades(cls, value: dict[str, int]) -> dict[str, int]:
        wrong = {k: v for k, v in value.items() if not 5 <= v <= 9}
        if wrong:
            raise ValueError(f"a grade of the basic level (5–9) is expected: {wrong}")
        return value


class JournalSettings(_Section):
    # changes to lessons older than this many days are flagged with edit_window_severity
    edit_window_days: int = Field(default=14, ge=0)
    edit_window_severity: Literal["warning", "error"] = "warning"
    # a submission that deletes more accepted marks than this gets a warning listing them
    deletions_warning_above: int = Field(default=10, ge=0)
    # grades whose lessons have no homework, so a lesson without it is not warned about
    # («homework-missing»): grade 1 is taught without homework and without marks (СанПиН
    # 1.2.3685-21, whose homework norms begin at grade 2; СП 2.4.3648-20 п. 3.4.16)
    no_homework_grades: list[int] = Field(default=[1])
    # the hand-in deadline of a week's journals: this weekday of the week (1 Monday … 7 Sunday) at
    # this time, in the school's time zone; a teacher whose journal is not accepted by then is
    # reminded once (`zhurnal remind`)
    hand_in_weekday: int = Field(default=6, ge=1, le=7)
    hand_in_time: str = Field(default="12:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    # subject → the minutes its homework takes when the teacher wrote none («(20 мин)» in the
    # homework's text): the deputy's homework load against СанПиН 1.2.3685-21 (zhurnal.school.homework_load)
    homework_minutes: dict[str, PositiveInt] = {}


class MailSettings(_Section):
    sender_name: str = "Электронный журнал"
    sender_address: str = "journal@school.example"
    # the deputy director who receives the summaries (optional)
    deputy_address: str = ""
    # send a parent the week's diary again even when nothing in it changed
    resend_unchanged: bool = False
    # the sysadmin, told by mail of what a scheduled run could not do (empty: nobody)
    admin_address: str = ""
    # class → the address a family's reply to a diary or report letter goes to (e.g. a class's
    # shared school mailbox, {"5А" = "5a@school17.ru"}); a class not listed gets its class
    # teacher's address from the setup workbook
    reply_to: dict[str, str] = {}


class DiarySettings(_Section):
    # every diary and report card mailed to a parent opens only with that parent's password
    encrypt: bool = False
    # pupils of this grade and above get their own copy of their diary at their own address (the
    # roster's «Электронная почта ученика»), locked with their own password when encrypt is on; 0: none
    pupils_from_grade: int = Field(default=0, ge=0, le=11)


class _Server(_Section):
    """A mail server: empty ``host`` means not configured."""
    host: str = ""
    port: int = Field(default=993, gt=0, lt=65536)
    security: Literal["none", "starttls", "ssl"] = "ssl"
    # a reply the server owes us, in seconds
    timeout_seconds: float = Field(default=30, gt=0)


class ImapSettings(_Server):
    # the school's mailbox teachers send their workbooks to; empty host: `fetch` is not used
    user: str = ""
    # the name of the environment variable holding the password (never the password itself)
    password_env: str = "ZHURNAL_IMAP_PASSWORD"
    folder: str = "INBOX"
    processed_folder: str = "zhurnal-processed"
    held_folder: str = "zhurnal-held"
    # the address teachers send to (printed on their slips)
    address: str = ""
    # accept a workbook only when our own receiving server's Authentication-Results shows DMARC,
    # or DKIM or SPF aligned with the sender's domain, passing (zhurnal.fetch.auth); false for a
    # server that adds no such header
    require_authentication: bool = True
    # the authserv-ids our own border server opens its Authentication-Results with (e.g.
    # "mx.school17.ru"); headers of any other id were written by someone else and are ignored
    trusted_authserv_ids: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _trusted_named(self) -> "ImapSettings":
        if self.host and self.require_authentication and not any(t.strip() for t in self.trusted_authserv_ids):
            raise ValueError("trusted_authserv_ids is required when require_authentication is on: the "
                             "authserv-id the school's own mail server writes first in Authentication-Results "
                             "(e.g. [\"mx.school17.ru\"])")
        return self


class AccessSettings(_Section):
    # how teachers reach inbox/ over the network, printed on their slips (e.g. \\server\zhurnal\inbox)
    share: str = ""


class SmtpSettings(_Server):
    # empty host: not configured (`zhurnal run` skips sending, `zhurnal send` says so)
    port: int = Field(default=587, gt=0, lt=65536)
    security: Literal["none", "starttls", "ssl"] = "starttls"
    # names of the environment variables holding the login (never the values themselves)
    user_env: str = "ZHURNAL_SMTP_USER"
    password_env: str = "ZHURNAL_SMTP_PASSWORD"
    rate_per_minute: float = Field(default=60, gt=0)
    retries: int = Field(default=3, ge=0)
    # the wait for the reply to a message's final dot: RFC 5321 §4.5.3.2.6 gives it 10 minutes,
    # as a server may check the whole message before it answers (a shorter wait resends it)
    data_timeout_seconds: float = Field(default=600, gt=0)


class RosterSettings(_Section):
    # a class's roster not confirmed (handed in, changed or not) for more than this many days is
    # listed by `status` and on the deputy's control sheet: the school's order asks class
    # teachers to keep pupils' and parents' data current weekly («еженедельное»)
    confirm_every_days: int = Field(default=7, ge=1)
    # the pupils' contacts (address, phone, note of the roster's pupil card) are private: printed
    # only on the year archive's pupils' list, and there only when the school wants them
    contacts_in_archive: bool = False


class MetricsSettings(_Section):
    # N of успеваемость/качество/СОУ (see zhurnal.publish.metrics): "marked" (default, Сетевой
    # Город's published formulas) leaves out pupils with no mark at all in the subject;
    # "enrolled" keeps them in as н/а. Pupils not enrolled at the report's date are out either way.
    n_rule: Literal["marked", "enrolled"] = "marked"
    # a week's summary calls a pupil «мало отметок» with fewer marks than the period's minimum
    # times the share of the period gone (week 2 of 9: 3 × 2/9); false: the whole minimum all along
    few_marks_pro_rata: bool = True


class RiskSettings(_Section):
    # a student is at risk with an average below this, or more unexcused+other absences than this
    average_below: float = 3.0
    absent_lessons_over: int = 20


class BackupSettings(_Section):
    # folders every backup is written to: a USB stick's mount, a network share
    destinations: tuple[str, ...] = ()
    # age public keys (age1…) backups are encrypted to; the private key stays off this machine
    recipients: tuple[str, ...] = ()
    # status warns when the newest verified backup is older than this or at fewer destinations
    max_age_days: int = Field(default=14, ge=1)
    min_destinations: int = Field(default=2, ge=1)
    # `zhurnal run` makes a backup when the newest verified one is this many days old
    every_days: int = Field(default=7, ge=0)
    # per destination: the newest backup of each of the last keep_daily days and keep_weekly weeks
    keep_daily: int = Field(default=7, ge=1)
    keep_weekly: int = Field(default=8, ge=0)
    # the environment variable naming the private key (a file path, or the AGE-SECRET-KEY itself)
    identity_env: str = "ZHURNAL_BACKUP_IDENTITY"


class DocsSettings(_Section):
    """What ``zhurnal docs`` prints that the setup does not hold (issue 29)."""

    # the names the regulation prints for its roles; empty: a line the director fills in by hand
    director: str = ""
    deputy: str = ""
    sysadmin: str = ""
    # whom parents and staff ask about the journal, as the school's site may say it (an office,
    # a room, hours, a role's mailbox: never a person's private contacts)
    contact: str = ""
    # the electronic journal printed and kept after the year, and the summary ledger of final
    # marks taken out of it: the terms of the letter of Минобрнауки 15.02.2012 № АП-147/07 (5 and
    # 25 years), which the school's list of files (номенклатура дел, приказ Росархива 20.12.2019
    # № 236) may lengthen
    journal_keep_years: int = Field(default=5, ge=1)
    ledger_keep_years: int = Field(default=25, ge=1)


class PublishSettings(_Section):
    # a class's diaries are published for a week when this share of its timetabled lessons of the
    # week is held by an accepted journal (1: all of them); see zhurnal.publish.completeness
    complete_share: float = Field(default=1.0, gt=0, le=1)


def _clock(value: str) -> str:
    """«HH:MM», 00:00–23:59."""
    hours, _, minutes = value.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and int(hours) < 24 and int(minutes) < 60):
        raise ValueError(f"{value!r} is not a time of day such as 12:00")
    return f"{int(hours):02d}:{minutes}"


class ScheduleSettings(_Section):
    """When ``zhurnal run`` without ``--week`` does what (the school's own clock, [school] timezone)."""
    # next week's workbooks are issued from this weekday (1 Monday … 7 Sunday) and time of the week before
    issue_weekday: int = Field(default=5, ge=1, le=7)
    issue_time: str = "12:00"
    # a week's diaries are published from this weekday and time of the week, each class once its journals are in
    publish_weekday: int = Field(default=6, ge=1, le=7)
    publish_time: str = "12:00"
    # this many hours later the week is published with what is in («не все отметки за неделю
    # внесены»); 0: never by itself (44: Saturday 12:00 → Monday 08:00)
    incomplete_after_hours: int = Field(default=44, ge=0)

    @field_validator("issue_time", "publish_time")
    @classmethod
    def _times(cls, value: str) -> str:
        return _clock(value)
