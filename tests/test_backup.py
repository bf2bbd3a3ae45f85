"""Backups: encrypted, at two destinations, taken while an ingest runs, verified, restorable."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Workspace, status_of
from sqlalchemy import event, select

from zhurnal.backup import backup_when_due, check_backups, make_backup, new_identity, restore_backup
from zhurnal.backup.errors import BackupError
from zhurnal.backup.retention import to_keep
from zhurnal.batch.status import workspace_status
from zhurnal.cli import main
from zhurnal.demo.fill import fill_workbook, read_rows
from zhurnal.store import open_store
from zhurnal.store import schema as s

NOW = dt.datetime(2026, 11, 29, 10, 0)


def configure_backup(ws: Workspace, tmp_path: Path) -> tuple[Workspace, Path, list[Path]]:
    """Two destination folders and a recipient in the toml; the private key outside the workspace."""
    identity = tmp_path / "keys" / "backup-key.txt"
    identity.parent.mkdir()
    recipient = new_identity(identity, ws.path)
    usb = [tmp_path / "usb1", tmp_path / "share"]
    for folder in usb:
        folder.mkdir()
    toml = ws.path / "zhurnal.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace("destinations = []", f"destinations = {json.dumps([str(u) for u in usb])}")
    text = text.replace("recipients = []", f'recipients = ["{recipient}"]')
    toml.write_text(text, encoding="utf-8")
    ws.engine.dispose()
    return Workspace(ws.path), identity, usb


def dump(engine) -> dict[str, list[dict]]:
    """Every table's rows, in primary-key order."""
    with engine.connect() as conn:
        return {t.name: [dict(r) for r in conn.execute(
                    select(t).order_by(*(t.primary_key.columns or t.columns))).mappings()]
                for t in s.metadata.sorted_tables}


def test_backup_while_an_ingest_runs_restores_the_same_store(tmp_path, loaded, school):
    """GIVEN a school with two backup destinations and a roster handed out
    WHEN a backup is made while an ingest is inside its write transaction
    THEN the backup does not wait, both copies verify, the restored store equals the store as
    committed when the backup began, and the roster handed out before is accepted by the restored workspace."""
    ws, identity, usb = configure_backup(loaded, tmp_path)
    code = sorted(school.rosters)[0]
    issued = ws.roster_template(code)
    spec = ws.roster_spec(code)
    ws.drop_roster(code, school.rosters[code], name="roster_again.xlsx")

    inside, release = threading.Event(), threading.Event()

    def pause_inside_transaction(conn, cursor, statement, *args):
        if statement.startswith("INSERT INTO submissions") and not inside.is_set():
            inside.set()
            assert release.wait(60)

    event.listen(ws.engine, "after_cursor_execute", pause_inside_transaction)
    outcome = {}
    ingesting = threading.Thread(target=lambda: outcome.setdefault("report", ws.ingest()))
    ingesting.start()
    try:
        assert inside.wait(60)
        committed = dump(ws.engine)
        result = make_backup(ws.settings, open_store(ws.settings.store_url), now=NOW, identity=str(identity))
        assert ingesting.is_alive()                    # the ingest still holds its transaction
    finally:
        release.set()
        ingesting.join(60)
    assert status_of(outcome["report"]) == {"roster_again.xlsx": "accepted"}
    assert result.ok and result.verification == "full"
    assert [c.destination for c in result.copies if c.ok] == [str(u) for u in usb]
    assert len(dump(ws.engine)["submissions"]) == len(committed["submissions"]) + 1

    target = tmp_path / "restored"
    exit_code = CliRunner().invoke(main, ["restore", str(usb[1]), "--to", str(target),
                                          "--identity", str(identity)]).exit_code
    assert exit_code == 0
    restored = Workspace(target)
    assert dump(restored.engine) == committed
    assert sorted(p.name for p in (target / "archive").rglob("*.*")) == \
        sorted(p.name for p in ws.settings.archive.rglob("*.*"))
    assert restored.settings.keyring == ws.settings.keyring

    fill_workbook(issued, restored.settings.inbox / "issued_before.xlsx", spec, read_rows(issued, spec))
    assert status_of(restored.ingest()) == {"issued_before.xlsx": "accepted"}


def test_one_changed_byte_is_named_by_check(tmp_path, loaded):
    ws, identity, usb = configure_backup(loaded, tmp_path)
    result = make_backup(ws.settings, ws.engine, now=NOW)
    assert result.ok and result.verification == "checksums"
    runner = CliRunner()
    assert runner.invoke(main, ["--workspace", str(ws.path), "backup", "--check"]).exit_code == 0
    victim = f"snapshots/{result.id}/master.sqlite.gz.age"
    path = usb[1] / "zhurnal-school17" / victim
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))

    outcome = runner.invoke(main, ["--workspace", str(ws.path), "backup", "--check", "--json"])
    assert outcome.exit_code == 1
    assert json.loads(outcome.output)["problems"] == [
        {"destination": str(usb[1]), "snapshot": result.id, "file": victim, "problem": "corrupt"}]
    health = workspace_status(ws.ctx(NOW)).backup
    assert health["destinations"] == 1 and health["warnings"] == ["backup-too-few-destinations"]


def test_a_copy_is_unreadable_without_the_private_key(tmp_path, loaded, school):
    ws, identity, usb = configure_backup(loaded, tmp_path)
    assert make_backup(ws.settings, ws.engine, now=NOW).ok
    names = {st["full_name"] for roster in school.rosters.values() for st in roster["Ученики"]}
    name = sorted(names)[0].encode()
    assert name in (ws.path / "master.sqlite").read_bytes()           # it is there to be found
    stored = [p for u in usb for p in u.rglob("*") if p.is_file()]
    assert stored and not [p for p in stored if name in p.read_bytes()
                           or name.split()[0] in p.read_bytes()]
    stranger = tmp_path / "stranger.txt"
    new_identity(stranger, ws.path)
    with pytest.raises(BackupError):
        restore_backup(usb[0], tmp_path / "nope", identity=str(stranger))


def test_status_warns_at_15_days_and_not_at_13(tmp_path, loaded):
    ws, _, _ = configure_backup(loaded, tmp_path)
    assert workspace_status(ws.ctx(NOW)).backup["warnings"] == ["backup-missing"]
    assert make_backup(ws.settings, ws.engine, now=NOW).ok
    at13 = workspace_status(ws.ctx(NOW + dt.timedelta(days=13))).backup
    at15 = workspace_status(ws.ctx(NOW + dt.timedelta(days=15))).backup
    assert at13["warnings"] == [] and at13["destinations"] == 2 and at13["age_days"] == 13
    assert at15["warnings"] == ["backup-too-old"] and at15["age_days"] == 15


def test_run_backs_up_when_due_and_copies_only_new_archive_files(tmp_path, loaded):
    ws, _, usb = configure_backup(loaded, tmp_path)
    first = backup_when_due(ws.settings, ws.engine, now=NOW)
    assert first is not None and first.ok
    assert backup_when_due(ws.settings, ws.engine, now=NOW + dt.timedelta(days=1)) is None
    second = backup_when_due(ws.settings, ws.engine, now=NOW + dt.timedelta(days=7))
    assert second is not None and second.ok
    archived = sum(1 for p in ws.settings.archive.rglob("*") if p.is_file() and not p.name.startswith("."))
    assert [(c.new_objects, c.reused_objects) for c in first.copies] == [(archived, 0)] * 2
    assert [(c.new_objects, c.reused_objects) for c in second.copies] == [(0, archived)] * 2
    assert check_backups(ws.settings, now=NOW + dt.timedelta(days=7)).ok


def test_retention_keeps_days_weeks_and_the_only_verified_copy(tmp_path):
    snapshots = tmp_path / "snapshots"
    folders = []
    for day in range(20):
        folder = snapshots / (NOW + dt.timedelta(days=day)).strftime("%Y%m%dT%H%M%SZ")
        folder.mkdir(parents=True)
        if day < 15:                                     # the last five failed verification
            (folder / "verified.json").write_text("{}")
        folders.append(folder)
    kept = sorted(f.name[:8] for f in to_keep(folders, keep_daily=3, keep_weekly=2))
    # daily: 11, 12, 13 Dec; weekly: the newest of ISO week 50 (13 Dec) and of week 49 (6 Dec);
    # the failed ones after the newest verified copy stay until a newer verified one exists
    assert kept == ["20261206", "20261211", "20261212", "20261213", "20261214", "20261215",
                    "20261216", "20261217", "20261218"]
    only_verified = [folders[0]] + folders[15:]
    assert folders[0] in to_keep(only_verified, keep_daily=1, keep_weekly=0)


def test_a_shared_store_exports_only_this_schools_rows(tmp_path, loaded):
    """The district path (one snapshot transaction, this school's rows), run here on SQLite."""
    from sqlalchemy import insert

    from zhurnal.backup.export import export_school
    from zhurnal.backup.snapshot import check_sqlite
    with loaded.engine.begin() as conn:
        other = conn.execute(insert(s.schools).values(code="other", name="Другая школа")).inserted_primary_key[0]
        conn.execute(insert(s.teachers).values(school_id=other, full_name="Чужой Учитель Иванович"))
    mine = {t: len(rows) for t, rows in dump(loaded.engine).items()}
    counts = export_school(loaded.engine, 1, tmp_path / "school.sqlite")
    answer, found, _ = check_sqlite(tmp_path / "school.sqlite")
    assert answer == "ok" and counts == {t: found[t] for t in counts}
    assert counts == {**mine, "schools": mine["schools"] - 1, "teachers": mine["teachers"] - 1}
