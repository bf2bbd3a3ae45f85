"""The command line's contract (issues 23 and 34): one exit code per outcome for every command —
0 done, 1 done with rejections or failures, 2 usage or configuration, 3 the store, the disk or a
server — one line on stderr for a named problem (its traceback only with -v), read-only commands
that never write, and no English or internal names where people read."""

from __future__ import annotations

import errno
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import make_workspace, s, settled

import zhurnal
import zhurnal.report
from zhurnal.batch import steps
from zhurnal.cli import main
from zhurnal.kinds import KINDS
from zhurnal.publish.send import SmtpUnavailable

REPO = Path(zhurnal.__file__).parents[1]


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def _set(ws: Path, old: str, new: str) -> None:
    toml = ws / "zhurnal.toml"
    text = toml.read_text(encoding="utf-8")
    assert old in text, old
    toml.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_a_usage_error_is_2(tmp_path):
    make_workspace(tmp_path / "w")
    assert _run("-w", str(tmp_path / "w"), "ingest", "--bogus").exit_code == 2
    assert _run("-w", str(tmp_path / "w"), "publish").exit_code == 2          # says neither --week nor --period


def test_a_bad_week_stops_run_before_any_step(tmp_path, monkeypatch):
    """GIVEN a workspace with a mailbox configured WHEN ``run --week 2026-W84`` THEN exit 2 and
    the mailbox is never asked (the arguments are checked before any step)."""
    make_workspace(tmp_path / "w")
    _set(tmp_path / "w", 'host = ""\nport = 993', 'host = "imap.example.invalid"\nport = 993')
    _set(tmp_path / "w", "trusted_authserv_ids = []", 'trusted_authserv_ids = ["mx.school17.ru"]')
    asked = []
    monkeypatch.setattr(steps, "fetch_mail", lambda ctx: asked.append(ctx))
    result = _run("-w", str(tmp_path / "w"), "run", "--week", "2026-W84")
    assert result.exit_code == 2 and asked == [] and "Traceback" not in result.output
    result = _run("-w", str(tmp_path / "w"), "run", "--week", "2026-W48")     # a good week does ask
    assert asked, result.output


def test_a_missing_setting_is_2_not_a_server_failure(tmp_path):
    """GIVEN no [smtp] host and no [imap] host WHEN send or fetch THEN exit 2 (configuration)."""
    make_workspace(tmp_path / "w")
    for command in ("send", "fetch"):
        result = _run("-w", str(tmp_path / "w"), command)
        assert result.exit_code == 2, (command, result.output)
        assert "zhurnal.toml" in result.output and "Traceback" not in result.output


def test_a_store_that_cannot_be_opened_is_3_and_verbose_shows_the_traceback(tmp_path):
    """GIVEN a master.sqlite that is not a database WHEN a command reads or writes the store
    THEN exit 3 with one line and no traceback; with -v the traceback too."""
    make_workspace(tmp_path / "w")
    (tmp_path / "w" / "master.sqlite").write_bytes(b"this is not a database" * 100)
    for command in (["status"], ["ingest"], ["history"]):
        result = _run("-w", str(tmp_path / "w"), *command)
        assert result.exit_code == 3, (command, result.output)
        assert "Traceback" not in result.output and result.output.startswith("zhurnal: "), result.output
    verbose = _run("-w", str(tmp_path / "w"), "-v", "status")
    assert verbose.exit_code == 3 and "Traceback" in verbose.output


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EIO])
def test_a_full_or_read_only_disk_is_3(tmp_path, monkeypatch, code):
    make_workspace(tmp_path / "w")

    def broken(*args, **kwargs):
        raise OSError(code, "simulated", str(tmp_path / "w" / "archive" / "x"))

    monkeypatch.setattr(steps, "ingest", broken)
    result = _run("-w", str(tmp_path / "w"), "ingest")
    assert result.exit_code == 3 and "Traceback" not in result.output and "archive" in result.output


def test_an_unreachable_mail_server_is_3(tmp_path, monkeypatch):
    """GIVEN [smtp] and [imap] set WHEN the server refuses the connection THEN exit 3."""
    make_workspace(tmp_path / "w")
    _set(tmp_path / "w", 'host = ""\nport = 587', 'host = "127.0.0.1"\nport = 1')
    _set(tmp_path / "w", 'host = ""\nport = 993', 'host = "127.0.0.1"\nport = 1')
    _set(tmp_path / "w", "trusted_authserv_ids = []", 'trusted_authserv_ids = ["mx.school17.ru"]')

    def refused(*args, **kwargs):
        raise SmtpUnavailable("127.0.0.1:1: [Errno 111] Connection refused")

    monkeypatch.setattr(steps, "send_outbox", refused)             # an empty outbox never connects
    for command in ("send", "fetch"):
        result = _run("-w", str(tmp_path / "w"), command)
        assert result.exit_code == 3 and "Traceback" not in result.output, (command, result.output)


READ_ONLY = (["status"], ["status", "--json"], ["history"], ["history", "--class", "5А"], ["keys", "list"],
             ["backup", "--check"])


def test_a_command_that_stops_still_answers_json(tmp_path):
    """GIVEN no workspace, and a week that is no week WHEN a command runs with --json THEN its exit
    code (2), the Russian line on stderr, and on stdout one JSON object: ok false, that line, the code."""
    _run("init", str(tmp_path / "w"))
    for args, code in ((["-w", str(tmp_path / "none"), "status", "--json"], 2),
                       (["-w", str(tmp_path / "w"), "publish", "--week", "2026-W84", "--json"], 2)):
        result = _run(*args)
        answer = json.loads(result.stdout)
        assert result.exit_code == code and answer["ok"] is False and answer["exit_code"] == code, result.output
        assert answer["error"] and answer["error"] in result.stderr.replace("\n", " ")
        assert re.search(r"[а-яё]{4,} [а-яё]{4,}", answer["error"]), answer["error"]        # the Russian line


def _uninitialised_repository_root(into: Path) -> Path:
    """The repository root as a fresh clone has it: zhurnal.toml and the four empty folders."""
    into.mkdir()
    shutil.copy(REPO / "zhurnal.toml", into / "zhurnal.toml")
    for name in ("inbox", "outbox", "archive", "templates_xlsx"):
        (into / name).mkdir()
    return into


def test_read_only_commands_never_write(tmp_path):
    """GIVEN an empty folder, and a copy of the repository root before ``zhurnal init`` WHEN each
    read-only command runs THEN it exits 2 saying ``zhurnal init`` is needed, and no file appears."""
    empty = tmp_path / "empty"
    empty.mkdir()
    root = _uninitialised_repository_root(tmp_path / "clone")
    workbook = tmp_path / "book.xlsx"
    workbook.write_bytes(b"not a workbook")
    for folder in (empty, root):
        before = _files(folder)
        for command in (*READ_ONLY, ["validate", str(workbook)]):
            result = _run("-w", str(folder), *command)
            assert result.exit_code == 2, (folder, command, result.output)
            assert "Traceback" not in result.output
            assert _files(folder) == before, (folder, command)
        said = _run("-w", str(folder), "status").output
        assert "zhurnal init" in said, said
    assert not (root / "master.sqlite").exists()


def test_ingest_speaks_kind_titles_and_severities(loaded):
    """GIVEN a roster and a broken file in the inbox WHEN ingest prints its table THEN the kind
    column holds the kind's title from its declaration, no finding line starts with an English
    severity, and each finding's code sits in the last column."""
    loaded.drop_roster("8А", loaded.prefilled_roster("8А"), name="good.xlsx")
    (loaded.settings.inbox / "broken.xlsx").write_text("not a workbook")
    settled(loaded.settings.inbox / "broken.xlsx")
    result = _run("-w", str(loaded.path), "ingest")
    assert result.exit_code == 1
    lines = result.output.splitlines()
    [good] = [line for line in lines if line.startswith("good.xlsx")]
    assert KINDS["roster"].title in good and " roster " not in f" {good} "
    assert not [line for line in lines if line.strip().startswith(("error ", "warning "))]
    [finding] = [line for line in lines if "file-unreadable" in line]
    assert finding.rstrip().endswith("file-unreadable")
    assert not hasattr(zhurnal.report, "KINDS")


def test_a_folder_that_is_not_a_demo_is_refused_in_russian(tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "keep.txt").write_text("x")
    result = _run("demo", str(tmp_path / "mine"))
    assert result.exit_code == 2 and "exists and is not" not in result.output and "Traceback" not in result.output
    assert (tmp_path / "mine" / "keep.txt").read_text() == "x"


def _pupils(ws) -> list[dict]:
    return ws.rows(s.students)


def test_history_finds_a_pupil_by_name(week_ws):
    """GIVEN a week ingested WHEN history --student gets the start of a pupil's name THEN it shows
    that pupil's changes (a unique prefix, any case); a prefix several pupils share exits 2 listing
    them; the table fits 100 columns."""
    pupils = _pupils(week_ws)
    absent = {r["student_id"] for r in week_ws.rows(s.absences)}
    pupil = next(p for p in pupils if p["id"] in absent)
    names = [p["full_name"] for p in pupils]
    fold = lambda name: name.lower().replace("ё", "е")
    prefix = next(pupil["full_name"][:n] for n in range(3, len(pupil["full_name"]) + 1)
                  if sum(1 for name in names if fold(name).startswith(fold(pupil["full_name"][:n]))) == 1)
    where = ["-w", str(week_ws.path)]
    found = _run(*where, "history", "--student", prefix.upper(), "--json")
    assert found.exit_code == 0, found.output
    rows = json.loads(found.output)
    assert rows and {r["student_id"] for r in rows if "student_id" in r} == {pupil["id"]}
    shared = next(name.split()[0] for name in names
                  if sum(1 for n in names if fold(n).startswith(fold(name.split()[0]))) > 1)
    many = _run(*where, "history", "--student", shared)
    assert many.exit_code == 2
    assert all(n in many.output for n in names if fold(n).startswith(fold(shared)))
    assert _run(*where, "history", "--student", "Ъъъъ").exit_code == 2
    table = _run(*where, "history", "--student", prefix)
    assert table.exit_code == 0 and max(len(line) for line in table.output.splitlines()) <= 100
    assert len(table.output.splitlines()) > 2


def test_run_goes_on_past_an_unreachable_server_and_ends_3(week_ws, monkeypatch):
    """GIVEN a filled week and an SMTP server that refuses WHEN ``run --week 2026-W48 --json``
    THEN the week is still published, the send step carries the problem, and the exit code is 3."""
    _set(week_ws.path, 'host = ""\nport = 587', 'host = "127.0.0.1"\nport = 1')

    def refused(*args, **kwargs):
        raise SmtpUnavailable("127.0.0.1:1: [Errno 111] Connection refused")

    monkeypatch.setattr(steps, "send_outbox", refused)
    result = _run("-w", str(week_ws.path), "run", "--week", "2026-W48", "--json")
    assert result.exit_code == 3, result.output
    report = json.loads(result.output[result.output.index("{"):])
    assert report["exit_code"] == 3 and report["week"]["diaries"] > 0 and report["send"] is None
    assert set(report["problems"]) == {"send"} and report["skipped"] == ["fetch"]
    assert (week_ws.settings.outbox / "2026-W48" / "diaries").is_dir()


def test_a_workbook_the_disk_refuses_to_create_is_infrastructure():
    """GIVEN xlsxwriter's own FileCreateError around a refused or full disk (it is no OSError, so
    publish on a locked outbox printed a traceback) WHEN named THEN the disk's problem, exit 3;
    without an OSError behind it, it stays unnamed (a bug, with its traceback)."""
    from xlsxwriter.exceptions import FileCreateError

    from zhurnal.batch.faults import named
    from zhurnal.core.errors import DiskFull, NotWritable

    def raised(errno_value: int) -> FileCreateError:
        try:
            try:
                raise OSError(errno_value, "refused", "outbox/2026-W48/summaries/Сводка.xlsx.partial")
            except OSError as exc:
                raise FileCreateError(exc)   # as xlsxwriter's Workbook.close does  # noqa: B904
        except FileCreateError as exc:
            return exc

    refused = named(raised(errno.EPERM))
    assert isinstance(refused, NotWritable) and refused.exit_code == 3
    assert isinstance(named(raised(errno.ENOSPC)), DiskFull)
    assert named(FileCreateError("no OSError behind it")) is None


def test_validate_judges_a_file_saved_a_moment_ago(tmp_path):
    """GIVEN a file written just now that is no workbook WHEN ``validate`` names it THEN it is
    judged at once (file-unreadable, exit 1), not «ещё пишется»: waiting for a copy to settle is
    the inbox's rule, and nobody is copying a file the sysadmin names."""
    assert _run("init", str(tmp_path / "w")).exit_code == 0
    path = tmp_path / "t.xlsx"
    path.write_text("привет", encoding="utf-8")
    result = _run("-w", str(tmp_path / "w"), "validate", str(path), "--json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.output)
    assert data["status"] == "rejected"
    assert [f["code"] for f in data["findings"]] == ["file-unreadable"]


def test_history_refuses_an_empty_name_and_a_reversed_range(week_ws):
    """GIVEN a week ingested WHEN history gets ``--student ""`` (which once listed everyone) or
    ``--from`` after ``--to`` THEN exit 2 with one Russian line saying which; the right order works."""
    where = ["-w", str(week_ws.path)]
    empty = _run(*where, "history", "--student", "  ")
    assert empty.exit_code == 2 and "имя ученика пустое" in empty.output
    reversed_ = _run(*where, "history", "--from", "28.11.2026", "--to", "23.11.2026")
    assert reversed_.exit_code == 2 and "28.11.2026 позже конечной 23.11.2026" in reversed_.output
    assert "Traceback" not in empty.output + reversed_.output
    ordered = _run(*where, "history", "--from", "23.11.2026", "--to", "28.11.2026", "--json")
    assert ordered.exit_code == 0 and json.loads(ordered.output)
