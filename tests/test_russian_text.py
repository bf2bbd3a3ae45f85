"""Nothing people read is in English (issue 23): every command's ``--help`` in a workspace whose
locale is ru, every status and kind label, every finding message rendered with sample values,
and every mail template are scanned for Latin words outside an allow-list.

What may stay Latin, and why (each a pattern in :data:`SKIP` or a word in :data:`ALLOWED`):
``--flags`` and ``-h`` (typed as they are), file names, extensions and paths (``zhurnal.toml``,
``.xlsx``, ``outbox/``, URLs), ISO weeks (``2026-W48``), environment variables
(``ZHURNAL_WORKSPACE``), ``zhurnal.toml`` sections and keys (``[backup] destinations``,
``identity_env``), kebab-case codes (finding codes in the grey «Код» column), an option's
default value as typed (``[по умолчанию: school]``), what the user typed echoed in
quotes by an error (``'abc' — не число``), words of one letter (``Q1``, ``H1``), and
product and protocol names (``zhurnal``, SMTP, PDF, Excel, LibreOffice …).
"""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re
import string
import zipfile
from string import Template

import click
import pytest
from click.testing import CliRunner
from conftest import make_workspace

from zhurnal.cli import main
from zhurnal.core.findings import Severity
from zhurnal.core.settings import load_settings
from zhurnal.ingest.identify import identify
from zhurnal.ingest.read import load_submission
from zhurnal.kinds import KINDS
from zhurnal.text import mail
from zhurnal.text.i18n import speaking
from zhurnal.text.labels import ENUMS, Kind
from zhurnal.text.messages import RU, UNREADABLE, render

SKIP = [
    r"(?<![\w])--?[A-Za-z][\w-]*",                # --flags, -h
    r"\S*\w\.[A-Za-z]{2,}\S*",                     # file names: zhurnal.toml, Дневник_….pdf
    r"(?<!\w)\.[a-z]{2,4}\b",                      # extensions: .xlsx, .eml
    r"\S*/\S*",                                    # paths and URLs: outbox/, postgresql+psycopg://…
    r"\b\d{4}-W\d{1,2}\b",                         # ISO weeks: 2026-W48
    r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b",              # environment variables: ZHURNAL_WORKSPACE
    r"\[[a-z_]+\](?: [a-z_]+)?",                   # zhurnal.toml sections and keys: [backup] destinations
    r"\b[a-z]+_[a-z_]+\b",                         # a zhurnal.toml key: identity_env
    r"\b[a-z]+(?:-[a-z]+)+\b",                     # codes (the grey «Код» column): mark-out-of-scale
    r"по умолчанию: \S+",                          # an option's default value, shown as typed
    r"'[^']*'",                                    # what the user typed, echoed in an error
]
ALLOWED = {"zhurnal", "SMTP", "IMAP", "PDF", "JSON", "Excel", "LibreOffice", "PostgreSQL", "DKIM", "SPF",
           "URL", "XML", "DTD", "age", "Ctrl", "End", "Adobe", "Acrobat", "Reader", "systemd", "crontab"}
WORD = re.compile(r"[A-Za-z]{2,}")


def latin_words(text: str, also: set[str] = frozenset()) -> list[str]:
    """The Latin words of ``text`` that are neither skipped nor allowed (nor in ``also``)."""
    for pattern in SKIP:
        text = re.sub(pattern, " ", text)
    return [w for w in WORD.findall(text) if w not in ALLOWED and w not in also]


def _command_names(command: click.Command) -> set[str]:
    """Every command's and subcommand's name: typed as they are, so shown as they are."""
    names = {command.name}
    for sub in getattr(command, "commands", {}).values():
        names |= _command_names(sub)
    return names


def test_the_test_finds_an_english_sentence():
    """GIVEN an English sentence, or one English word in a Russian one THEN it is found; the
    allowed forms are not."""
    assert latin_words("Could not open the file") == ["Could", "not", "open", "the", "file"]
    assert latin_words("Ошибка: 'abc' — не integer.") == ["integer"]
    assert latin_words("Использование: zhurnal [OPTIONS] COMMAND") == ["OPTIONS", "COMMAND"]
    assert latin_words("Неделя 2026-W48, файл zhurnal.toml, --week, ключ [smtp] host, код "
                       "mark-out-of-scale, письмо .eml, PDF, папка outbox/, ZHURNAL_WORKSPACE") == []


def _commands(command: click.Command, path: list[str]):
    yield path
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from _commands(sub, [*path, name])


def test_every_help_is_russian(tmp_path):
    """GIVEN a workspace with locale ru WHEN ``--help`` of every command and subcommand (the
    group walked recursively) THEN exit 0 and no Latin word outside the allow-list, usage
    line, metavars and click's own words included."""
    make_workspace(tmp_path / "ws")
    runner = CliRunner()
    found, names = {}, _command_names(main)
    paths = list(_commands(main, []))
    assert len(paths) > 20
    for path in paths:
        result = runner.invoke(main, ["--workspace", str(tmp_path / "ws"), *path, "--help"], prog_name="zhurnal")
        assert result.exit_code == 0, (path, result.output)
        if latin_words(result.output, names):
            found[" ".join(path) or "zhurnal"] = latin_words(result.output, names)
    assert found == {}


def test_click_type_names_are_russian_in_errors(tmp_path):
    """GIVEN a workspace with locale ru WHEN an option of type int or IntRange gets a word, or
    a Path does not exist THEN exit 2 and the error has no Latin word (click's type names,
    «integer», «path», are translated)."""
    make_workspace(tmp_path / "ws")
    runner = CliRunner()
    where = ["--workspace", str(tmp_path / "ws")]
    for args in (["history", "--student", "abc"], ["validate", str(tmp_path / "missing.xlsx")],
                 ["restore", str(tmp_path / "missing"), "--to", str(tmp_path / "new")]):
        result = runner.invoke(main, [*where, *args], prog_name="zhurnal")
        assert result.exit_code == 2, (args, result.output)
        assert latin_words(result.output, _command_names(main)) == [], (args, result.output)


@pytest.mark.parametrize("enum", ENUMS, ids=lambda e: e.__name__)
def test_every_label_is_russian(enum):
    """GIVEN every status, reason, severity and kind of the label catalogue THEN each has a
    Russian label with no Latin word outside the allow-list."""
    for member in enum:
        assert re.search("[А-Яа-яЁё]", member.label), member
        assert latin_words(member.label) == [], member


def test_kinds_take_their_titles_from_the_catalogue():
    """GIVEN the registered workbook kinds THEN each is a :class:`Kind` and its title is that
    label (one place for the words: the registry and the catalogue cannot drift apart)."""
    assert sorted(KINDS) == sorted(k.value for k in Kind)
    assert {name: kind.title for name, kind in KINDS.items()} == {k.value: k.label for k in Kind}
    assert Severity.ERROR.label and Severity("warning").label != Severity.ERROR.label


def _sample(template: str) -> dict[str, str]:
    return {name: "3" for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_finding_message_is_russian():
    """GIVEN every code of the finding catalogue rendered with sample values THEN no Latin word
    outside the allow-list (the filled message is what a teacher reads)."""
    found = {}
    for code, template in RU.items():
        text = render(code, "ru", **_sample(template))
        assert "{" not in text, code
        if latin_words(text):
            found[code] = latin_words(text)
    assert found == {}
    assert all(latin_words(detail) == [] for detail in UNREADABLE.values())


def test_every_mail_template_is_russian():
    """GIVEN every subject, body and attachment name of :mod:`zhurnal.text.mail` filled with
    sample values THEN no Latin word outside the allow-list."""
    texts = mail.templates()
    assert len(texts) > 20
    for name, text in texts:
        if isinstance(text, Template):
            text = text.substitute({key: "Иванов" for key in text.get_identifiers()})
        assert latin_words(text) == [], name


def test_an_unreadable_file_carries_no_library_text(tmp_path):
    """GIVEN files no reader opens (text renamed .xlsx, random bytes as .xls, a zip without a
    workbook) WHEN identified THEN one ``file-unreadable`` finding whose value and message have
    no Latin word (calamine's «Cannot detect file format» goes to the log only)."""
    make_workspace(tmp_path / "ws")
    files = {"text.xlsx": "ФИО;класс\nИванов;5А\n".encode(), "random.xls": bytes(range(256)) * 16}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    files["archive.xlsx"] = out.getvalue()
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        kind, findings = identify(load_submission(tmp_path / name, 10 ** 8), load_settings(tmp_path / "ws"))
        assert kind is None and [f.code for f in findings] == ["file-unreadable"], name
        assert latin_words(findings[0].message + " " + findings[0].value) == [], (name, findings[0].message)


def _fields(spec) -> list:
    found = list(getattr(spec, "columns", ()) or ())
    for sheet in getattr(spec, "sheets", ()) or ():
        found += list(getattr(sheet, "fields", ()) or getattr(sheet, "columns", ()) or ())
    return found


def test_no_header_word_is_wider_than_its_column():
    """GIVEN every column of every kind's declared template THEN its header's longest word is
    shorter than the column width (in characters): LibreOffice broke the period sheet's bold
    «Рекомендуется» (13 letters, width 13) as «Рекомендуетс/я» (rendered to PDF and seen)."""
    checked, narrow = 0, []
    for kind in KINDS.values():
        spec = getattr(importlib.import_module(type(kind).__module__), "SPEC", None)
        for field in _fields(spec) if spec is not None and not callable(spec) else ():
            checked += 1
            if max(len(word) for word in field.header.split()) >= field.width:
                narrow.append((kind.name, field.header, field.width))
    assert checked > 30 and narrow == []


class _Register:
    """Just what :func:`zhurnal.kinds.attendance.issue.attendance_sheet` asks of a school: a week of
    five school days with 1, 2, 3, 5 and 21 lessons."""
    reasons = {"б": "Болезнь"}
    lessons = [1, 2, 3, 5, 21]

    def school_days(self, class_code, week):
        return [week.monday + dt.timedelta(days=i) for i in range(5)]

    def lessons_per_day(self, class_code, day):
        return self.lessons[day.weekday()]

    def class_students(self, class_code, start, end):
        return []


def test_the_register_counts_lessons_in_russian():
    """GIVEN days of 1, 2, 3, 5 and 21 lessons WHEN the attendance register is laid out THEN each
    day's input check says the count with the Russian plural of «урок» (1 урок, 2 урока,
    5 уроков, 21 урок; it said «3 уроков»), bounded by that day's lessons."""
    from zhurnal.kinds.attendance.issue import attendance_sheet
    from zhurnal.school.calendar import parse_week
    from zhurnal.text.numbers import plural

    sheet = attendance_sheet(_Register(), "1А", parse_week("2026-W48"), [])
    checks = [c.validation for c in sheet.columns if c.kind == "int"]
    assert [c["maximum"] for c in checks] == _Register.lessons
    for n, check in zip(_Register.lessons, checks):
        assert check["error_message"].split()[-1].rstrip(".") == plural(n, "урок", "урока", "уроков"), check


def test_the_ingest_table_speaks_labels_not_codes():
    """GIVEN an ingest report with every submission status, each kind, and an error and a
    warning WHEN printed as the terminal table THEN no Latin word outside the allow-list (the
    «вид» column said ``journal``, finding lines began ``error mark-out-of-scale``); the codes
    stay, in brackets, as the grey «Код» column does; ``--json`` keeps the codes."""
    from zhurnal.core.findings import finding
    from zhurnal.ingest.pipeline import FileResult, IngestReport
    from zhurnal.report import ingest_table
    from zhurnal.text.labels import SubmissionStatus

    kinds = list(Kind)
    files = [FileResult(f"книга{i}.xlsx", status, kind=kinds[i % len(kinds)], author="Иванова И. И.")
             for i, status in enumerate(SubmissionStatus)]
    files[1].findings = [finding("mark-out-of-scale", sheet="5А Мат", cell="C7", value="7", allowed="5, 4, 3, 2"),
                         finding("topic-missing", severity=Severity.WARNING, sheet="5А Мат", cell="C20",
                                 date="24.11", lesson_no=2)]
    report = IngestReport(files=files)
    with speaking("ru"):
        text = ingest_table(report)
    assert latin_words(text) == [], text
    assert "mark-out-of-scale" in text and "topic-missing" in text
    assert [f["kind"] for f in report.as_dict()["files"]] == [k.value for k in kinds[:len(files)]]
