"""Creating a workspace: its folders, its settings file and its signing keyring.

A workspace that already exists but has lost its keyring gets no new key here: that would
silently invalidate every workbook already handed out (see :mod:`zhurnal.core.keyring`).

A workspace is owner-only (issue 26): the store holds every pupil and parent, the slips every
parent's password. :func:`loose_modes` finds what group or others may reach (``status`` warns),
:func:`fix_modes` takes it back (``zhurnal init --fix-modes``). The one exception is
``[ingest] teacher_group``: its members may pass through the workspace and ``inbox/`` and write
into the teachers' folders ``inbox/<login>/`` (:func:`share_author_folder`), nothing else.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from zhurnal.core.atomic import PRIVATE_DIR, PRIVATE_FILE
from zhurnal.core.errors import UsageError
from zhurnal.core.keyring import create_keyring, keyring_path, read_keyring
from zhurnal.core.settings import SECRET_ENV, SETTINGS_FILE
from zhurnal.school.credentials import create_access_key
from zhurnal.text.i18n import N_

FOLDERS = ("templates_xlsx", "inbox", "outbox", "archive")
DEFAULT_CODE, DEFAULT_NAME = "school", "Моя школа"

DEFAULT_TOML = """\
# zhurnal workspace settings. Secrets never go here: the signing keyring is in
# .zhurnal-secret (mode 0600) or ZHURNAL_SECRET.

[school]
code = "{code}"
name = "{name}"
locale = "ru"
timezone = "Europe/Moscow"    # the Date of the school's mail is in this zone

[store]
# sqlite:///master.sqlite (relative to this folder) or postgresql+psycopg://user@host/db
url = "sqlite:///master.sqlite"

[ingest]
# a file modified less than this many seconds ago is checked again before it is read
settle_seconds = 2.0
max_file_mb = 20
max_unzipped_mb = 300
# true: journals and registers are accepted only from teachers' own folders inbox/<login>/
# (and from their registered mail address); the top inbox/ stays the sysadmin's: a teacher's
# workbook found there is refused (author-folder-required), so nobody hands in in another's name
author_folders_only = true
# on a shared drive: the system group of the teachers, who may write into inbox/<login>/ (and
# pass through the workspace and inbox/ to get there); empty: nothing is shared with anyone
teacher_group = ""

[normalise]
# treat «ё» and «е» as the same letter when matching names
yo_as_ye = false

[marks]
allow_plus_minus = true
# 4+ counts as 4 + modifier_step in averages (0: the sign is ignored)
modifier_step = 0.0
# average → period mark: >= 4.5 → 5, >= 3.5 → 4, >= 2.5 → 3; some schools use [4.65, 3.65, 2.65]
thresholds = [4.5, 3.5, 2.5]
# fewer marks in a quarter / a semester than this suggest «н/а» (many schools ask 5 for a semester)
min_marks_quarter = 3
min_marks_semester = 3
# each weekly hour of the subject over the first adds this many (2: 3 marks at 1 h, 5 at 2 h); 0: off
min_marks_per_extra_hour = 0
# the year mark: "mean" of the period marks rounded half up (3.5 → 4), or "mean_last_decides" (at .5 the last period decides)
year_rule = "mean"

[attestat]
# the federal rules are the default (docs/DESIGN.md «The attestat»); change only what the school's
# curriculum does differently. An attestat subject → its course subjects, e.g. for grade 9:
# courses_9 = {{ "Математика" = ["Алгебра", "Геометрия", "Вероятность и статистика"] }}
# a subject finished before grade 9 → its last grade (its year mark then goes on the attestat):
# last_grade_9 = {{ "Музыка" = 8, "Изобразительное искусство" = 7 }}
# grade 9, courses + exam: "year_then_exam" (their year mark, then with the exam) or "one_mean"
combine_9 = "year_then_exam"

[journal]
# a change to a lesson older than this many days is flagged: "warning" or "error"
edit_window_days = 14
edit_window_severity = "warning"
# a submission that deletes more accepted marks than this is accepted with a warning listing them
deletions_warning_above = 10
# grades taught without homework: no «нет домашнего задания» warning for their lessons
# (grade 1: СанПиН 1.2.3685-21, СП 2.4.3648-20 п. 3.4.16)
no_homework_grades = [1]
# the hand-in deadline of a week's journals: weekday (1 Monday … 7 Sunday) and time, school time;
# after it a teacher whose journal is not accepted gets one reminder (`zhurnal remind`)
hand_in_weekday = 6
hand_in_time = "12:00"
# the minutes a subject's homework takes when its teacher wrote none (a homework may say «(20 мин)»):
# the summary's homework load per class and day against СанПиН 1.2.3685-21, e.g.
# homework_minutes = {{ "Математика" = 30, "Русский язык" = 25 }}; empty: only what teachers wrote
homework_minutes = {{}}

[mail]
sender_name = "Электронный журнал"
sender_address = "journal@school.example"
# the deputy director who receives the summaries (empty: none)
deputy_address = ""
# send a parent the diary again even when nothing in it changed since the last one sent
resend_unchanged = false
# the sysadmin: a scheduled `zhurnal run` mails here, once per problem, what it could not do
# (a rejection nobody can be told of, mail held, a failed backup, a server that is down)
admin_address = ""
# where a family's reply to its letter goes, per class (a class not listed: its class teacher's
# address from the setup workbook), e.g. reply_to = {{ "5А" = "5a@school17.ru" }}
reply_to = {{}}

[smtp]
# the school's mail server; empty: `zhurnal run` does not send
host = ""
port = 587
# "none", "starttls" or "ssl"
security = "starttls"
# the login is read from these environment variables, never from this file
user_env = "ZHURNAL_SMTP_USER"
password_env = "ZHURNAL_SMTP_PASSWORD"
rate_per_minute = 60
retries = 3
timeout_seconds = 30

[diary]
# true: every diary and report card mailed to a parent opens only with that parent's password
# (`zhurnal access slips --class 5А` prints the slips; .zhurnal-access-key derives them)
encrypt = false
# pupils from this grade on get their own copy of their diary at their own address (the roster's
# «Электронная почта ученика»), with their own password and slip; 0: pupils get nothing
pupils_from_grade = 0

[imap]
# the school's mailbox teachers send workbooks to (`zhurnal fetch`); empty host: not used
host = ""
port = 993
# "none", "starttls" or "ssl"
security = "ssl"
user = ""
# the password is read from this environment variable, never from this file
password_env = "ZHURNAL_IMAP_PASSWORD"
folder = "INBOX"
processed_folder = "zhurnal-processed"
held_folder = "zhurnal-held"
# the address teachers send to (printed on their slips)
address = ""
# accept only mail whose Authentication-Results, written by the school's own server, shows DMARC,
# or DKIM or SPF of the sender's domain, passing
require_authentication = true
# required with require_authentication: the name the school's own mail server writes first in its
# Authentication-Results header (e.g. ["mx.school17.ru"]); headers by any other name are ignored
trusted_authserv_ids = []

[access]
# how teachers reach inbox/ over the network, printed on their slips, e.g. "\\\\server\\zhurnal\\inbox"
share = ""

[roster]
# a class's roster not confirmed (handed in, changed or not) for more than this many days is
# listed by `zhurnal status` and on the deputy's control sheet
confirm_every_days = 7
# pupils' addresses, phones and notes (private: never in a diary, a letter or a summary) on the
# year archive's pupils' list
contacts_in_archive = false

[metrics]
# who is in N of успеваемость/качество/СОУ: "marked" (Сетевой Город's formulas) leaves out pupils
# with no mark at all in the subject; "enrolled" keeps every enrolled pupil but the exempt (no
# marks = н/а); either way only pupils enrolled at the report's date count
n_rule = "marked"
# «мало отметок» in a week's summary: fewer marks than the minimum times the share of the period
# gone (week 2 of 9 with a minimum of 3: fewer than 3 × 2/9); false: fewer than the whole minimum
few_marks_pro_rata = true

[risk]
# students at risk: period average below this, or more lessons missed in the period than this
average_below = 3.0
absent_lessons_over = 20

[backup]
# folders every backup is written to (two at least): a USB stick's mount, a network share
destinations = []
# age public keys (age1…) the backups are encrypted to: `zhurnal keys backup-key FILE` makes a
# pair; keep FILE (the private key) off this computer, e.g. printed in the director's safe
recipients = []
# status warns when the newest verified backup is older than this many days
max_age_days = 14
min_destinations = 2
# `zhurnal run` makes a backup when the newest verified one is this many days old
every_days = 7
# kept per destination: the newest backup of each of the last 7 days and of the last 8 weeks
keep_daily = 7
keep_weekly = 8
# the environment variable holding the private key (or its file's path) for --check and restore
identity_env = "ZHURNAL_BACKUP_IDENTITY"

[docs]
# names the regulation prints for its roles (`zhurnal docs regulation`); empty: a blank line to sign
director = ""
deputy = ""
sysadmin = ""
# whom parents ask about the journal, as the school's site says it: an office, hours, a role's mailbox
contact = ""
# years the journal's archive and the summary ledger of final marks are kept (letter АП-147/07)
journal_keep_years = 5
ledger_keep_years = 25

[publish]
# a class's diaries are published for a week once this share of its timetabled lessons is in an
# accepted journal (1.0: all); the others are held and named («zhurnal publish --allow-incomplete»)
complete_share = 1.0

[schedule]
# `zhurnal run` without --week (a timer starts it every 15 minutes: `zhurnal schedule`), by the
# school's clock; weekdays 1 = Monday … 7 = Sunday
# next week's workbooks are issued from Friday 12:00 of the week before
issue_weekday = 5
issue_time = "12:00"
# a week's diaries are published from Saturday 12:00, each class once its journals are in
publish_weekday = 6
publish_time = "12:00"
# this many hours later, with what is in («не все отметки за неделю внесены»); 0: never by itself
incomplete_after_hours = 44
"""


def _in_use(directory: Path) -> bool:
    """A workspace that has issued or received workbooks (its keyring cannot be made anew)."""
    if not (directory / SETTINGS_FILE).exists():
        return False
    if (directory / "master.sqlite").exists():
        return True
    return any(not p.name.startswith(".") for folder in ("archive", "templates_xlsx")
               if (directory / folder).is_dir() for p in (directory / folder).iterdir())


class OtherSchool(UsageError):
    def __init__(self, folder: Path, have: dict[str, str], asked: dict[str, str]) -> None:
        super().__init__(N_("{folder} is already the workspace of school {code} «{name}»; init does not change a "
                            "school's code or name (asked: {asked}): give the same ones, or another folder"),
                         folder=folder, code=have["code"], name=have["name"],
                         asked=", ".join(f"--{key} {value}" for key, value in asked.items()))


def _same_school(directory: Path, code: str | None, name: str | None) -> None:
    """:class:`OtherSchool` when ``directory``'s ``zhurnal.toml`` names another school than the
    ``code``/``name`` asked for (None: not asked); a broken file is left to the settings' check."""
    toml = directory / SETTINGS_FILE
    try:
        have = tomllib.loads(toml.read_text(encoding="utf-8")).get("school", {})
    except (OSError, tomllib.TOMLDecodeError):
        return
    asked = {key: value for key, value in (("code", code), ("name", name)) if value is not None}
    differ = {key: value for key, value in asked.items()
              if value.replace('"', "'") != str(have.get(key, "")).replace('"', "'")}
    if differ:
        raise OtherSchool(directory, {key: str(have.get(key, "")) for key in ("code", "name")}, differ)


def init_workspace(directory: Path, *, code: str | None = None, name: str | None = None) -> list[Path]:
    """Make the folders, ``zhurnal.toml`` and the keyring that are missing; return what was made.
    ``code``/``name`` of a new workspace (None: «school», «Моя школа»); for one that exists they
    must be its own or None.

    Raises :class:`OtherSchool` (exit 2) when ``directory`` is a workspace of another school
    code or name, and KeyringLost when it is a workspace already in use (a store, archived or
    issued workbooks) whose keyring is gone; both before making anything.
    """
    made: list[Path] = []
    if (directory / SETTINGS_FILE).exists():
        _same_school(directory, code, name)
    if _in_use(directory) and not os.environ.get(SECRET_ENV) and not keyring_path(directory).exists():
        read_keyring(directory)  # raises KeyringLost naming the way back
    if not directory.exists():
        directory.mkdir(parents=True, mode=PRIVATE_DIR)
    for folder in FOLDERS:
        path = directory / folder
        if not path.exists():
            path.mkdir(mode=PRIVATE_DIR)
            made.append(path)
    toml = directory / SETTINGS_FILE
    if not toml.exists():
        fd = os.open(toml, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(DEFAULT_TOML.format(code=code or DEFAULT_CODE, name=(name or DEFAULT_NAME).replace('"', "'")))
        made.append(toml)
    if not keyring_path(directory).exists() and not os.environ.get(SECRET_ENV):
        made.append(create_keyring(directory))
    access_key = create_access_key(directory)    # parents' passwords; never rotated with the keyring
    if access_key:
        made.append(access_key)
    return made


def _group_id(group: str) -> int:
    """The id of the system group ``group``; :class:`UsageError` naming it when there is none."""
    import grp
    try:
        return grp.getgrnam(group).gr_gid
    except KeyError as exc:
        raise UsageError(N_("[ingest] teacher_group: there is no system group «{group}»"), group=group) from exc


def share_author_folder(folder: Path, group: str) -> None:
    """Let ``group`` write into the teacher's folder ``folder`` (``inbox/<login>/``): the folder
    becomes the group's, rwx for it, set-group-id so files put there stay the group's."""
    os.chown(folder, -1, _group_id(group))
    os.chmod(folder, 0o2770)


def share_outgoing(folder: Path, path: Path, group: str) -> None:
    """Let ``group`` read what is handed out to a teacher: ``folder`` is the teacher's
    ``outbox/teachers/<login>/``, ``path`` a file or folder under it (made by then). The
    folders on the way from ``outbox/`` are passed through; the teacher's folders and files are
    the group's, readable, not writable."""
    gid = _group_id(group)
    outbox = folder.parent.parent
    for passed in (outbox, folder.parent):
        os.chmod(passed, (passed.stat().st_mode & 0o700) | 0o010)
    current = path
    chain = [current]
    while current != folder:
        current = current.parent
        chain.append(current)
    for item in chain:
        os.chown(item, -1, gid)
        os.chmod(item, 0o2750 if item.is_dir() else 0o640)


def _allowed(workspace: Path, path: Path, is_dir: bool, shared: bool) -> int:
    """The group bits ``path`` may have (others may never have any)."""
    if not shared:
        return 0
    inbox, outgoing = workspace / "inbox", workspace / "outbox" / "teachers"
    if path in (workspace, inbox) or (path in (outgoing.parent, outgoing) and outgoing.is_dir()):
        return 0o010                                   # passing through to the teachers' folders
    if outgoing in path.parents:
        return 0o050 if is_dir else 0o040              # handed out to a teacher: read only
    if path.parent == inbox and is_dir:
        return 0o070                                   # a teacher's folder
    if path.parent.parent == inbox and not is_dir:
        return 0o060                                   # a file a teacher put there
    return 0


def _walk(workspace: Path):
    yield workspace, True
    for root, dirs, files in os.walk(workspace):
        for name in dirs + files:
            path = Path(root) / name
            if not path.is_symlink():
                yield path, name in dirs


def loose_modes(workspace: Path, teacher_group: str = "") -> list[Path]:
    """Files and folders of ``workspace`` (itself included; symlinks not followed) that others may
    read, write or enter, or that the group may beyond what ``teacher_group`` needs; sorted."""
    loose = []
    for path, is_dir in _walk(workspace):
        mode = path.lstat().st_mode
        if mode & 0o007 or mode & 0o070 & ~_allowed(workspace, path, is_dir, bool(teacher_group)):
            loose.append(path)
    return sorted(loose)


def fix_modes(workspace: Path, teacher_group: str = "") -> list[Path]:
    """Take from group and others what :func:`loose_modes` finds (the owner's bits are kept), and
    with ``teacher_group`` share the teachers' folders with it; the paths changed. UsageError
    when ``teacher_group`` is not a system group."""
    changed = []
    for path in loose_modes(workspace, teacher_group):
        mode = path.lstat().st_mode
        os.chmod(path, mode & 0o700 | mode & 0o070 & _allowed(workspace, path, path.is_dir(), bool(teacher_group)))
        changed.append(path)
    if teacher_group:
        gid = _group_id(teacher_group)
        for folder in (workspace, workspace / "inbox"):
            os.chown(folder, -1, gid)
            os.chmod(folder, 0o710)
        for folder in sorted(p for p in (workspace / "inbox").iterdir() if p.is_dir() and not p.is_symlink()):
            share_author_folder(folder, teacher_group)
        outgoing = workspace / "outbox" / "teachers"
        for folder in sorted(p for p in outgoing.iterdir() if p.is_dir() and not p.is_symlink()) \
                if outgoing.is_dir() else []:
            for path in [folder, *folder.rglob("*")]:
                if not path.is_symlink():
                    share_outgoing(folder, path, teacher_group)
    return changed
