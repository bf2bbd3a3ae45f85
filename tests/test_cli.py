"""The command line as a sysadmin meets it: help, init, exit codes, JSON, status, demo."""

from __future__ import annotations

import email
import email.policy
import json
import os
import sqlite3
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import s, settled
from sqlalchemy import select

from zhurnal.cli import main
from zhurnal.core.settings import ConfigError, load_settings, resolve_workspace
from zhurnal.store import open_store


def commands(group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if hasattr(command, "commands"):
            yield from commands(command, (*prefix, name))


def _command(path):
    command = main
    for name in path:
        command = command.commands[name]
    return command


def test_every_command_has_help():
    """``zhurnal --help`` lists every command; each command's --help exits 0 and lists its options."""
    runner = CliRunner()
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for path in commands(main):
        assert path[0] in result.output
        sub = runner.invoke(main, [*path, "--help"])
        assert sub.exit_code == 0 and sub.output.strip(), path
        for param in _command(path).params:
            if param.param_type_name == "option" and not param.hidden:
                assert any(opt in sub.output for opt in param.opts), (path, param.opts)
        if hasattr(_command(path), "commands"):
            assert all(name in sub.output for name in _command(path).commands), path


def test_init_makes_a_workspace_with_a_private_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("ZHURNAL_SECRET", raising=False)
    result = CliRunner().invoke(main, ["init", str(tmp_path / "school")])
    assert result.exit_code == 0, result.output
    root = tmp_path / "school"
    assert {p.name for p in root.iterdir()} >= {"inbox", "outbox", "archive", "templates_xlsx",
                                               "zhurnal.toml", ".zhurnal-secret"}
    assert stat.S_IMODE((root / ".zhurnal-secret").stat().st_mode) == 0o600
    assert "secret" not in (root / "zhurnal.toml").read_text(encoding="utf-8").split("[school]")[1]
    settings = load_settings(root)
    assert settings.store_url == f"sqlite:///{root}/master.sqlite"


def test_init_refuses_another_school_for_a_workspace_that_exists(tmp_path):
    """GIVEN a workspace made for school s1 «Школа 1» WHEN init runs on it again with another
    --code or --name THEN exit 2, one Russian line naming the school it is, zhurnal.toml and the
    store's schools unchanged; with the same ones (or none) it is done again, changing nothing."""
    runner, root = CliRunner(), tmp_path / "w"
    assert runner.invoke(main, ["init", str(root), "--code", "s1", "--name", "Школа 1"]).exit_code == 0
    toml = (root / "zhurnal.toml").read_bytes()
    for other in (["--code", "s2"], ["--name", "Школа 2"], ["--code", "s2", "--name", "Школа 1"]):
        result = runner.invoke(main, ["init", str(root), *other])
        assert result.exit_code == 2, (other, result.output)
        assert result.output.count("\n") == 1 and "уже рабочая папка школы s1 «Школа 1»" in result.output
        assert " ".join(other[:2]) in result.output
        assert (root / "zhurnal.toml").read_bytes() == toml
    with sqlite3.connect(root / "master.sqlite") as conn:
        assert conn.execute("SELECT code, name FROM schools").fetchall() == [("s1", "Школа 1")]
    for same in (["--code", "s1", "--name", "Школа 1"], [], ["--fix-modes"]):
        result = runner.invoke(main, ["init", str(root), *same])
        assert result.exit_code == 0 and "уже рабочее пространство" in result.output, (same, result.output)
    assert (root / "zhurnal.toml").read_bytes() == toml


def test_a_wrong_key_in_the_toml_names_the_key_and_file(tmp_path):
    runner = CliRunner()
    runner.invoke(main, ["init", str(tmp_path)])
    toml = tmp_path / "zhurnal.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("settle_seconds", "settle_secs"), encoding="utf-8")
    result = runner.invoke(main, ["--workspace", str(tmp_path), "status"])
    assert result.exit_code == 2
    assert "ingest.settle_secs" in result.output and "zhurnal.toml" in result.output
    toml.write_text(toml.read_text(encoding="utf-8").replace("settle_secs", "settle_seconds")
                    .replace("max_file_mb = 20", "max_file_mb = -1"), encoding="utf-8")
    result = runner.invoke(main, ["--workspace", str(tmp_path), "status"])
    assert result.exit_code == 2 and "ingest.max_file_mb" in result.output


def test_secret_file_must_be_private(tmp_path, monkeypatch):
    monkeypatch.delenv("ZHURNAL_SECRET", raising=False)
    CliRunner().invoke(main, ["init", str(tmp_path)])
    os.chmod(tmp_path / ".zhurnal-secret", 0o644)
    with pytest.raises(ConfigError):
        load_settings(tmp_path)
    os.chmod(tmp_path / ".zhurnal-secret", 0o600)
    keys = [line for line in (tmp_path / ".zhurnal-secret").read_bytes().splitlines()
            if line.strip() and not line.startswith(b"#")]
    assert load_settings(tmp_path).secret == keys[-1].strip()
    os.chmod(tmp_path / ".zhurnal-secret", 0o644)
    monkeypatch.setenv("ZHURNAL_SECRET", "from-the-environment-0123456789")
    assert load_settings(tmp_path).secret == b"from-the-environment-0123456789"


def test_workspace_resolution_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ZHURNAL_WORKSPACE", raising=False)
    assert resolve_workspace(None) == tmp_path.resolve()
    monkeypatch.setenv("ZHURNAL_WORKSPACE", str(tmp_path / "env"))
    assert resolve_workspace(None) == (tmp_path / "env").resolve()
    assert resolve_workspace(str(tmp_path / "flag")) == (tmp_path / "flag").resolve()


def test_not_a_workspace_is_a_usage_error(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["--workspace", str(tmp_path), "ingest", "--json"])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)  # no traceback
    assert str(tmp_path.resolve()) in result.output
    # the way out: init makes it a workspace, and the same command then runs
    assert runner.invoke(main, ["init", str(tmp_path)]).exit_code == 0
    result = runner.invoke(main, ["--workspace", str(tmp_path), "ingest", "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["files"] == []


def test_ingest_json_and_exit_codes(loaded):
    runner = CliRunner()
    where = ["--workspace", str(loaded.path)]
    result = runner.invoke(main, [*where, "ingest", "--json"])
    assert result.exit_code == 0 and json.loads(result.output)["files"] == []
    (loaded.settings.inbox / "broken.xlsx").write_text("not a workbook")
    settled(loaded.settings.inbox / "broken.xlsx")
    result = runner.invoke(main, [*where, "ingest", "--json"])
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["ok"] is False
    assert payload["files"][0]["findings"][0]["code"] == "file-unreadable"
    status = json.loads(runner.invoke(main, [*where, "status", "--json"]).output)
    assert status["rejected"][0]["file"] == "broken.xlsx"
    assert status["counts"]["students"] > 50
    text = runner.invoke(main, [*where, "status"]).output
    assert "broken.xlsx" in text and "file-unreadable" in text


def test_templates_commands_write_files(loaded):
    runner = CliRunner()
    where = ["--workspace", str(loaded.path)]
    result = runner.invoke(main, [*where, "templates", "roster", "--class", "7А"])
    assert result.exit_code == 0 and Path(result.output.strip()).exists()
    assert runner.invoke(main, [*where, "templates", "roster", "--class", "12Я"]).exit_code == 2
    result = runner.invoke(main, [*where, "templates", "setup"])
    assert result.exit_code == 0 and Path(result.output.strip()).name == "настройка_школы.xlsx"


def test_demo_runs_end_to_end(demo_ws, demo_output, _demo_base, tmp_path):
    """The session's one ``zhurnal demo`` run (tests/conftest.py), copied: what it printed and left."""
    root = demo_ws
    # one roster and one journal had mistakes and were rejected with their codes, then corrected
    status = json.loads(CliRunner().invoke(main, ["--workspace", str(root), "status", "--json"]).output)
    rejected = {r["kind"]: set(r["errors"]) for r in status["corrected"]}
    assert status["rejected"] == [] and len(status["corrected"]) == 2 and set(rejected) == {"roster", "journal"}
    assert "invalid-email" in rejected["roster"] and "mark-with-absence" in rejected["journal"]
    fixes = {r["kind"]: r["corrected_by"] for r in status["corrected"]}
    assert fixes["roster"].endswith("исправленный.xlsx") and fixes["journal"].startswith("исправлено_журнал_")
    assert status["counts"]["students"] == 300
    feedback = sorted(p.name for p in (root / "outbox" / "feedback").rglob("*_ошибки.xlsx"))
    assert len(feedback) == 2  # one roster and one journal had mistakes
    assert feedback[0].startswith("Список ") and feedback[1].startswith("журнал_2026-W48_")
    assert len(list((root / "templates_xlsx").glob("список_класса_*.xlsx"))) == 11
    assert len(list((root / "templates_xlsx" / "2026-W48").glob("посещаемость_*.xlsx"))) == 11
    # the demo ends with a published week
    week = root / "outbox" / "2026-W48"
    assert len(list((week / "diaries").rglob("*.pdf"))) == 300
    assert len(list((week / "mail").glob("summary.*.eml"))) == 1          # the demo sets [mail] deputy_address
    # and each class teacher gets their class's summary (issue 30): 11 classes, every one with an address
    assert len(list((week / "mail").glob("class_summary.*.eml"))) == 11
    assert len(list((week / "summaries" / "классы").glob("Сводка_*.xlsx"))) == 11
    # the corrected authors are not told to hand in again
    assert list((week / "mail").glob("diary.*.eml")) and not list((week / "mail").glob("feedback.*.eml"))
    assert (week / "summaries" / "Сводка_2026-W48.xlsx").exists()
    # the closing summary points at an existing diary and at the deputy's summary
    assert any(str(_demo_base / pdf.relative_to(root)) in demo_output for pdf in (week / "diaries").rglob("*.pdf"))
    assert str(_demo_base / "outbox" / "2026-W48" / "summaries" / "Сводка_2026-W48.xlsx") in demo_output
    # a copy of the careless teacher's journal handed in later with the same mistakes stands
    # rejected: they (and only they) get the feedback mail
    import openpyxl
    with open_store(load_settings(root).store_url).connect() as conn:
        [(first, author)] = conn.execute(select(s.submissions.c.sha256, s.submissions.c.author).where(
            s.submissions.c.status == "rejected", s.submissions.c.kind == "journal")).all()
        address = conn.execute(select(s.teachers.c.email).where(s.teachers.c.full_name == author)).scalar()
    book = openpyxl.load_workbook(next((root / "archive").rglob(f"{first}.xlsx")))
    book.save(root / "inbox" / "журнал_снова.xlsx")
    assert CliRunner().invoke(main, ["--workspace", str(root), "ingest"]).exit_code == 1
    assert CliRunner().invoke(main, ["--workspace", str(root), "publish", "--week", "2026-W48"]).exit_code == 0
    [feedback_mail] = (week / "mail").glob("feedback.*.eml")
    message = email.message_from_bytes(feedback_mail.read_bytes(), policy=email.policy.default)
    assert [a.addr_spec for a in message["To"].addresses] == [address]
    assert "журнал_снова" in str(message["Subject"])
    # running it again rebuilds the demo folder (a small one here); a folder that is not a demo
    # is left alone
    rebuilt = CliRunner().invoke(main, ["demo", str(root), "--students", "50"])
    assert rebuilt.exit_code == 0, rebuilt.output
    assert len(list((root / "outbox" / "2026-W48" / "diaries").rglob("*.pdf"))) == 50     # not 300
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "keep.txt").write_text("x")
    assert CliRunner().invoke(main, ["demo", str(tmp_path / "mine")]).exit_code == 2


def test_a_week_without_school_is_a_usage_error_and_writes_nothing(loaded):
    """GIVEN a school's setup WHEN a week of last school year, or one wholly in the winter
    holidays, is published or issued THEN exit 2 and nothing is written; a school week works,
    and period codes are read whatever their case."""
    runner = CliRunner()
    where = ["--workspace", str(loaded.path)]
    for week in ("2025-W48", "2027-W01"):           # last year; 04.01–10.01.2027, winter holidays
        for command in (["publish", "--week", week], ["templates", "week", week]):
            result = runner.invoke(main, [*where, *command])
            assert result.exit_code == 2, (command, result.output)
            assert "Traceback" not in result.output
        assert not (loaded.settings.outbox / week).exists()
        assert not (loaded.settings.templates / week).exists()
    result = runner.invoke(main, [*where, "templates", "week", "2026-W48"])
    assert result.exit_code == 0 and (loaded.settings.templates / "2026-W48").is_dir()
    result = runner.invoke(main, [*where, "templates", "period", "q2"])
    assert result.exit_code == 0 and (loaded.settings.templates / "Q2").is_dir()
    assert runner.invoke(main, [*where, "period", "close", "q2"]).exit_code == 0
    assert [(r["period"], r["action"]) for r in loaded.rows(s.period_events)] == [("Q2", "close")]


def test_templates_week_without_a_setup_is_a_usage_error(tmp_path):
    from conftest import make_workspace
    make_workspace(tmp_path / "empty")
    result = CliRunner().invoke(main, ["--workspace", str(tmp_path / "empty"), "templates", "week", "2026-W48"])
    assert result.exit_code == 2 and not (tmp_path / "empty" / "templates_xlsx" / "2026-W48").exists()
