"""The store itself: its schema made under a lock, never migrated by surprise, secrets never
printed, and a command that only reads never adds a school."""

from __future__ import annotations

import os
import subprocess
import sys

from click.testing import CliRunner
from conftest import point_store, s
from sqlalchemy import create_engine, func, select, text

from zhurnal.cli import main
from zhurnal.store import open_store
from zhurnal.store.engine import StoreOutdated, head_revision
from zhurnal.store.migrations import upgrade


def _zhurnal(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "zhurnal.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})


def test_five_schools_opening_one_empty_postgresql_store_at_once(postgres, tmp_path):
    """GIVEN an empty PostgreSQL database WHEN five schools' ``zhurnal init`` start together
    THEN all five succeed (the schema is made once, under the advisory lock) and the store
    holds the five schools."""
    url = postgres.url(postgres.create())
    runs = [_zhurnal("init", str(tmp_path / f"s{i}"), "--code", f"school{i}", env={"ZHURNAL_STORE_URL": url})
            for i in range(5)]
    outcomes = [(run.wait(timeout=120), run.stderr.read()) for run in runs]
    assert [code for code, _ in outcomes] == [0] * 5, outcomes
    engine = create_engine(url)
    with engine.connect() as conn:
        assert sorted(conn.execute(select(s.schools.c.code)).scalars()) == [f"school{i}" for i in range(5)]
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [head_revision()]
    engine.dispose()


def test_an_older_schema_is_upgraded_only_when_asked(tmp_path):
    """GIVEN a store at the previous revision WHEN a command opens it THEN it refuses (exit 2,
    pointing to ``db upgrade``) and changes nothing; ``db upgrade`` brings it to the newest."""
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path / "w"), "--code", "s17"]).exit_code == 0
    store = tmp_path / "w" / "master.sqlite"
    store.unlink()
    old = create_engine(f"sqlite:///{store}")
    upgrade(old, "0004")
    old.dispose()
    result = runner.invoke(main, ["-w", str(tmp_path / "w"), "status"])
    assert result.exit_code == 2 and "db upgrade" in result.output
    try:
        open_store(f"sqlite:///{store}")
    except StoreOutdated as exc:
        assert (exc.current, exc.head) == ("0004", head_revision())
    else:
        raise AssertionError("an older schema was opened without db upgrade")
    result = runner.invoke(main, ["-w", str(tmp_path / "w"), "db", "upgrade"])
    assert result.exit_code == 0, result.output
    engine = create_engine(f"sqlite:///{store}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
        indexes = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'index'")).scalars())
    assert {"ix_lessons_school_date", "ix_absences_school_date", "ix_revisions_school_entity_key"} <= indexes


def test_a_store_password_is_never_printed(tmp_path, postgres):
    """GIVEN a store URL with a password and a server that refuses the connection WHEN a command
    runs THEN the message names the store with ``***`` and never the password."""
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path / "w")]).exit_code == 0
    url = postgres.url("no_such_database", user="nobody", password="Sekret-Pa55")
    refused = url.replace(f":{postgres.port}/", ":1/")                        # nothing listens on port 1
    in_query = refused.replace("nobody:Sekret-Pa55@", "nobody@") + "?password=Sekret-Pa55"
    for store in (refused, in_query):
        point_store(tmp_path / "w", store)
        for command in (["status"], ["db", "upgrade"], ["ingest"]):
            result = runner.invoke(main, ["-w", str(tmp_path / "w"), *command])
            assert result.exit_code == 3, (command, result.output)         # the store is unreachable
            assert "Sekret-Pa55" not in result.output and "***" in result.output, (command, result.output)


def test_a_command_that_only_reads_never_adds_a_school(tmp_path):
    """GIVEN a store with school s17 WHEN status and history run with a mistyped school code
    THEN each exits 2 naming the code, and the store still holds one school."""
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path / "w"), "--code", "s17"]).exit_code == 0
    toml = tmp_path / "w" / "zhurnal.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('code = "s17"', 'code = "s71"'), encoding="utf-8")
    for command in (["status"], ["history", "--class", "5А"]):
        result = runner.invoke(main, ["-w", str(tmp_path / "w"), *command])
        assert result.exit_code == 2 and "s71" in result.output, (command, result.output)
    engine = create_engine(f"sqlite:///{tmp_path / 'w' / 'master.sqlite'}")
    with engine.connect() as conn:
        assert conn.execute(select(s.schools.c.code)).scalars().all() == ["s17"]
        assert conn.execute(select(func.count()).select_from(s.students)).scalar() == 0
    engine.dispose()
