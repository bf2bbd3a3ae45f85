"""Restore from whatever survives (issue 24.5): each file of the newest snapshot from any
destination whose copy verifies; ``--store-only`` when an archived workbook is damaged
everywhere; a backup reads every object it reuses again and writes a rotten one anew."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from conftest import Workspace
from test_backup import NOW, configure_backup, dump

from zhurnal.backup import check_backups, make_backup
from zhurnal.cli import main

ROOT = "zhurnal-school17"


def _three_destinations(ws, tmp_path: Path):
    """``configure_backup``'s two destinations and a third, every one holding a verified copy."""
    ws, identity, usb = configure_backup(ws, tmp_path)
    third = tmp_path / "nas"
    third.mkdir()
    toml = ws.path / "zhurnal.toml"
    text = toml.read_text(encoding="utf-8")
    listed = json.dumps([str(u) for u in usb])
    toml.write_text(text.replace(listed, json.dumps([*map(str, usb), str(third)])), encoding="utf-8")
    ws.engine.dispose()
    ws = Workspace(ws.path)
    result = make_backup(ws.settings, ws.engine, now=NOW, identity=str(identity))
    assert result.ok and len(result.copies) == 3
    return ws, identity, [*usb, third], result


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _objects(destination: Path) -> list[Path]:
    return sorted((destination / ROOT / "objects").rglob("*.age"))


def _files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _equal_to_original(ws, target: Path) -> None:
    """The restored workspace holds the original's rows, archive, keyring and access key."""
    restored = Workspace(target)
    try:
        assert dump(restored.engine) == dump(ws.engine)
        assert _files(target / "archive") == _files(ws.settings.archive)
        assert restored.settings.keyring == ws.settings.keyring
        assert (target / ".zhurnal-access-key").read_bytes() == (ws.path / ".zhurnal-access-key").read_bytes()
    finally:
        restored.engine.dispose()


def test_two_damaged_destinations_and_a_missing_one_still_restore_whole(tmp_path, loaded):
    """GIVEN a verified copy at three destinations WHEN the first has one archive object and the
    store flipped, the second another archive object flipped, and the third is gone THEN
    ``zhurnal restore`` (all configured destinations) makes a workspace equal to the original,
    each file taken from a copy that verifies, the third named as not there."""
    ws, identity, places, result = _three_destinations(loaded, tmp_path)
    first, second = _objects(places[0]), _objects(places[1])
    assert len(first) >= 2 and [p.name for p in first] == [p.name for p in second]
    _flip(first[0])
    _flip(second[1])
    _flip(places[0] / ROOT / "snapshots" / result.id / "master.sqlite.gz.age")
    shutil.rmtree(places[2])

    target = tmp_path / "restored"
    outcome = CliRunner().invoke(main, ["-w", str(ws.path), "restore", "--to", str(target),
                                        "--identity", str(identity), "--json"])
    assert outcome.exit_code == 0, outcome.output
    answer = json.loads(outcome.output)
    assert answer["missing"] == [] and answer["snapshot"] == result.id
    by_place = {s["destination"]: s for s in answer["sources"]}
    assert by_place[str(places[2])]["absent"] is True
    assert by_place[str(places[0])]["files"] > 0 and by_place[str(places[1])]["files"] > 0
    assert by_place[str(places[0])]["files"] + by_place[str(places[1])]["files"] == result.files
    _equal_to_original(ws, target)


def test_an_object_damaged_everywhere_needs_store_only_and_is_listed(tmp_path, loaded):
    """GIVEN the same archive object damaged at both destinations that are left WHEN restore
    THEN it refuses (exit 2) naming --store-only; with --store-only it restores the store and
    the other files, lists the damaged one, and exits 1."""
    ws, identity, places, result = _three_destinations(loaded, tmp_path)
    victim = _objects(places[0])[0]
    _flip(victim)
    _flip(places[1] / victim.relative_to(places[0]))
    shutil.rmtree(places[2])
    args = ["restore", *map(str, places), "--identity", str(identity)]
    refused = CliRunner().invoke(main, [*args, "--to", str(tmp_path / "a")])
    assert refused.exit_code == 2 and "--store-only" in refused.output and not (tmp_path / "a").exists()

    outcome = CliRunner().invoke(main, [*args, "--to", str(tmp_path / "b"), "--store-only", "--json"])
    assert outcome.exit_code == 1, outcome.output
    missing = json.loads(outcome.output)["missing"]
    original = {name for name in _files(ws.settings.archive) if victim.name.startswith(Path(name).stem)}
    assert len(missing) == 1 and {Path(missing[0]).name} == {Path(n).name for n in original}
    restored = Workspace(tmp_path / "b")
    assert dump(restored.engine) == dump(ws.engine)
    restored.engine.dispose()
    assert set(_files(ws.settings.archive)) - set(_files(tmp_path / "b" / "archive")) == \
        {str(Path(missing[0]).relative_to("archive"))}


def test_a_backup_rewrites_a_rotten_object_it_would_reuse(tmp_path, loaded):
    """GIVEN a verified copy WHEN one archive object at the first destination rots and the next
    backup runs THEN that object is written again there (the others reused), and every copy at
    every destination verifies afterwards, the older snapshot included."""
    ws, identity, places, first = _three_destinations(loaded, tmp_path)
    _flip(_objects(places[0])[0])
    later = make_backup(ws.settings, ws.engine, now=NOW + dt.timedelta(days=1), identity=str(identity))
    archived = sum(1 for p in ws.settings.archive.rglob("*") if p.is_file())
    assert later.ok
    assert [(c.new_objects, c.repaired_objects, c.reused_objects) for c in later.copies] == \
        [(0, 1, archived - 1), (0, 0, archived), (0, 0, archived)]
    report = check_backups(ws.settings, identity=str(identity), now=NOW + dt.timedelta(days=1, hours=1))
    assert report.ok and len(report.checked) == 6, report.as_dict()
