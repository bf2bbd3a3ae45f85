"""A broken store stops the run (issue 24.3): every command that writes or reads checks the store
first (``PRAGMA quick_check``) and stops with exit 3 and one Russian line naming ``zhurnal restore``,
before it touches the inbox; ``status`` shows the store's health."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from zhurnal.backup.ledger import record
from zhurnal.cli import main

GOLDEN = Path(__file__).parent / "golden"


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def _inbox_state(inbox: Path) -> dict[str, tuple[str, int]]:
    """name → (sha256, mtime in ns) of every file under inbox/."""
    return {str(p.relative_to(inbox)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(inbox.rglob("*")) if p.is_file()}


def corrupt_middle_page(store: Path, seed: int = 24) -> int:
    """Overwrite one page in the middle of the SQLite file with random bytes (as a failing disk
    would); the store is first vacuumed and checkpointed so that the page is a live b-tree page,
    not a free one. Returns the page's number (1-based)."""
    conn = sqlite3.connect(store)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    page_size, pages = conn.execute("PRAGMA page_size").fetchone()[0], conn.execute("PRAGMA page_count").fetchone()[0]
    assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0
    conn.close()
    page = pages // 2
    with store.open("r+b") as handle:
        handle.seek((page - 1) * page_size)
        handle.write(random.Random(seed).randbytes(page_size))
    return page


def test_a_corrupted_page_stops_ingest_before_the_inbox(week_ws):
    """GIVEN a week's store with one page in the middle overwritten and three workbooks waiting
    WHEN ``zhurnal ingest`` THEN exit 3, one Russian line naming ``zhurnal restore``, no
    traceback, and the inbox exactly as it was (nothing read, moved or archived); status exits
    3 with the same warning, and --json says the check failed."""
    ws = week_ws
    for name in ("journal_clean.xlsx", "attendance_clean.xlsx", "journal_mistakes.xlsx"):
        shutil.copy(GOLDEN / name, ws.settings.inbox / name)
    ws.engine.dispose()
    archived = sorted(p.name for p in ws.settings.archive.rglob("*"))
    before = _inbox_state(ws.settings.inbox)
    corrupt_middle_page(ws.path / "master.sqlite")

    # no backup yet: the line says there is none to restore from, and names no restore
    result = _run("-w", str(ws.path), "ingest")
    assert result.exit_code == 3, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("zhurnal: хранилище "), result.output
    assert "повреждено" in lines[0] and "резервной копии, из которой его восстановить, нет" in lines[0]
    assert "zhurnal restore" not in lines[0]
    assert "резервной копии, из которой его восстановить, нет" in _run("-w", str(ws.path), "status").output
    doctor = _run("-w", str(ws.path), "doctor")         # a damaged page met mid-command: the same advice
    assert "zhurnal restore" not in doctor.output and "восстановить, нет" in doctor.output, doctor.output
    # a verified backup in the ledger: the line names the restore
    record(ws.path, [{"id": "20261128T140000Z", "destination": "/mnt/usb", "created": "2026-11-28T14:00:00",
                      "verified_at": "2026-11-28T14:01:00"}])
    result = _run("-w", str(ws.path), "ingest")
    lines = result.output.strip().splitlines()
    assert result.exit_code == 3 and len(lines) == 1 and "zhurnal restore --to" in lines[0], result.output
    assert "zhurnal restore --to" in _run("-w", str(ws.path), "status").output
    assert "Traceback" not in result.output and "btree" not in result.output
    assert _inbox_state(ws.settings.inbox) == before
    assert sorted(p.name for p in ws.settings.archive.rglob("*")) == archived

    for command in (["run", "--week", "2026-W48"], ["publish", "--week", "2026-W48"], ["db", "upgrade"]):
        result = _run("-w", str(ws.path), *command)
        assert result.exit_code == 3 and "zhurnal restore" in result.output, (command, result.output)
    assert _inbox_state(ws.settings.inbox) == before
    # the commands that only read stop the same way: what the whole pages hold is not all there is
    for command in (["history"], ["history", "--class", "5А"], ["access", "slips", "--teachers"],
                    ["validate", str(GOLDEN / "journal_clean.xlsx")]):
        result = _run("-w", str(ws.path), *command)
        assert result.exit_code == 3, (command, result.output)
        assert result.output.count("\n") == 1 and "повреждено" in result.output and "zhurnal restore" in result.output
    # --json: the same line on stderr, and one JSON object saying the stop on stdout
    result = _run("-w", str(ws.path), "history", "--class", "5А", "--json")
    [line] = result.stderr.splitlines()
    assert result.exit_code == 3 and json.loads(result.stdout) == {
        "ok": False, "error": line.removeprefix("zhurnal: "), "exit_code": 3}

    status = _run("-w", str(ws.path), "status")
    assert status.exit_code == 3 and "ВНИМАНИЕ: хранилище" in status.output and "zhurnal restore" in status.output
    answer = json.loads(_run("-w", str(ws.path), "status", "--json").output)
    assert answer["ok"] is False and answer["store_health"]["ok"] is False
    assert answer["store_health"]["problems"]            # SQLite's own words, for the log and --json

    verbose = _run("-w", str(ws.path), "-v", "ingest")
    problem = answer["store_health"]["problems"][0]
    assert verbose.exit_code == 3 and problem in verbose.output and problem not in result.output  # only with -v


def test_a_whole_store_shows_its_check(week_ws):
    """GIVEN a healthy store WHEN status THEN exit 0 and a line saying the check found nothing."""
    result = _run("-w", str(week_ws.path), "status")
    assert result.exit_code == 0 and "Проверка хранилища: повреждений нет" in result.output
    assert json.loads(_run("-w", str(week_ws.path), "status", "--json").output)["store_health"]["checked"] is True


def test_a_file_that_is_no_database_is_said_in_russian(tmp_path):
    """GIVEN master.sqlite overwritten with text WHEN ingest or status THEN exit 3 and the line is
    Russian (SQLite's «file is not a database» is not the message) and says there is no backup."""
    from conftest import make_workspace
    make_workspace(tmp_path / "w")
    (tmp_path / "w" / "master.sqlite").write_bytes(b"this is not a database" * 300)
    for command in (["ingest"], ["status"], ["history"]):
        result = _run("-w", str(tmp_path / "w"), *command)
        assert result.exit_code == 3, (command, result.output)
        assert "not a database" not in result.output and "файл не является базой данных" in result.output
        # a new workspace has no backup: the line says so rather than naming a restore
        assert "резервной копии, из которой его восстановить, нет" in result.output, (command, result.output)
        assert "zhurnal restore" not in result.output and "Traceback" not in result.output
