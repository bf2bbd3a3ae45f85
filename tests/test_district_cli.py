"""The district's commands before any PostgreSQL: a missing queue library, a district file that
is not TOML or names no PostgreSQL store, and a server nobody answers are each one Russian line
with the usual exit code (2: to be fixed by the user, 3: infrastructure), never a traceback, and
the same as JSON under --json."""

from __future__ import annotations

import json
import sys

import pytest
from click.testing import CliRunner

from zhurnal.cli import main


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def district(tmp_path):
    path = tmp_path / "district.toml"
    return path


def test_a_sqlite_queue_or_a_broken_file_is_2_with_one_russian_line(district):
    district.write_text('queue_url = "sqlite:////tmp/q.sqlite"\n[schools]\na = "a"\n', encoding="utf-8")
    sqlite = _run("district", "status", "--district", str(district))
    assert sqlite.exit_code == 2 and "очередь района работает только в PostgreSQL" in sqlite.output, sqlite.output
    district.write_text('queue_url = "postgresql+psycopg://x@h/d"\n[schools\n', encoding="utf-8")
    broken = _run("district", "run", "--district", str(district), "--week", "2026-W48", "--json")
    assert broken.exit_code == 2 and "не читается" in broken.output, broken.output
    assert json.loads(broken.stdout)["exit_code"] == 2
    assert "Traceback" not in sqlite.output + broken.output


def test_no_queue_library_names_the_extra_to_install(district, monkeypatch):
    district.write_text('queue_url = "postgresql+psycopg://x@127.0.0.1:9/d"\n', encoding="utf-8")
    monkeypatch.setitem(sys.modules, "procrastinate", None)        # as if zhurnal[postgresql] were not installed
    result = _run("district", "status", "--district", str(district))
    assert result.exit_code == 2 and "pip install 'zhurnal[postgresql]'" in result.output, result.output


def test_a_server_nobody_answers_is_3(district):
    district.write_text('queue_url = "postgresql+psycopg://zhurnal:secret@127.0.0.1:9/district"\n',
                        encoding="utf-8")
    result = _run("district", "status", "--district", str(district), "--json")
    assert result.exit_code == 3, result.output
    answer = json.loads(result.stdout)
    assert answer["ok"] is False and answer["exit_code"] == 3 and "secret" not in result.output
    assert "Traceback" not in result.output
