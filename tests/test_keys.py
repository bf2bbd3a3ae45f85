"""The signing keyring: rotation keeps issued workbooks valid; a lost keyring comes back from a backup."""

from __future__ import annotations

import json

from click.testing import CliRunner
from conftest import Workspace, findings_of, status_of
from test_backup import NOW, configure_backup

from zhurnal.backup import make_backup
from zhurnal.cli import main
from zhurnal.core.keyring import KEYRING_FILE, key_id
from zhurnal.demo.fill import fill_workbook, read_rows
from zhurnal.ingest.identify import read_metadata
from zhurnal.ingest.read import cells_of
from zhurnal.kinds.roster.issue import issue as issue_roster
from zhurnal.school.context import open_context
from zhurnal.templates.metadata import META_SHEET


def submit(ws: Workspace, template, code: str, name: str):
    spec = ws.roster_spec(code)
    fill_workbook(template, ws.settings.inbox / name, spec, read_rows(template, spec))
    return ws.ingest()


def test_rotate_keeps_old_workbooks_and_signs_with_the_new_key(loaded, school, monkeypatch):
    monkeypatch.delenv("ZHURNAL_SECRET", raising=False)
    code = sorted(school.rosters)[0]
    old_key = key_id(loaded.settings.secret)
    issued_before = loaded.roster_template(code)
    result = CliRunner().invoke(main, ["--workspace", str(loaded.path), "keys", "rotate"])
    assert result.exit_code == 0
    ws = Workspace(loaded.path)
    new_key = key_id(ws.settings.secret)
    assert new_key != old_key and [key_id(k) for k in ws.settings.keyring] == [old_key, new_key]

    assert status_of(submit(ws, issued_before, code, "old.xlsx")) == {"old.xlsx": "accepted"}
    issued_after = ws.roster_template(code)
    assert read_metadata(cells_of(issued_after))["key_id"] == new_key
    assert status_of(submit(ws, issued_after, code, "new.xlsx")) == {"new.xlsx": "accepted"}

    stranger = ws.settings.model_copy(update={"secret": b"another-workspace-0123456789",
                                              "keyring": (b"another-workspace-0123456789",)})
    report = submit(ws, issue_roster(open_context(stranger, ws.engine), code), code, "foreign.xlsx")
    assert status_of(report) == {"foreign.xlsx": "rejected"}
    assert {(sheet, code) for sheet, _, code in findings_of(report)} == {(META_SHEET, "signed-by-other-workspace")}


def test_a_lost_keyring_is_never_replaced_silently_and_comes_back_from_a_backup(tmp_path, loaded, school,
                                                                                monkeypatch):
    monkeypatch.delenv("ZHURNAL_SECRET", raising=False)
    ws, identity, usb = configure_backup(loaded, tmp_path)
    code = sorted(school.rosters)[0]
    issued = ws.roster_template(code)
    keys_before = (ws.path / KEYRING_FILE).read_bytes()
    assert make_backup(ws.settings, ws.engine, now=NOW).ok
    (ws.path / KEYRING_FILE).unlink()
    access_key = (ws.path / ".zhurnal-access-key").read_bytes()     # parents' passwords come back too
    (ws.path / ".zhurnal-access-key").unlink()

    runner = CliRunner()
    at = ["--workspace", str(ws.path)]
    assert runner.invoke(main, ["init", str(ws.path)]).exit_code == 2
    assert runner.invoke(main, [*at, "keys", "rotate"]).exit_code == 2
    assert runner.invoke(main, [*at, "ingest"]).exit_code == 2
    assert not (ws.path / KEYRING_FILE).exists()
    status = runner.invoke(main, [*at, "status", "--json"])
    assert status.exit_code == 0
    figures = json.loads(status.output)["backup"]
    assert figures["keyring"] == "missing" and "keyring-missing" in figures["warnings"]

    restored = runner.invoke(main, [*at, "keys", "restore", str(usb[0]), "--identity", str(identity)])
    assert restored.exit_code == 0
    assert (ws.path / ".zhurnal-access-key").read_bytes() == access_key
    assert (ws.path / ".zhurnal-access-key").stat().st_mode & 0o777 == 0o600
    ws = Workspace(ws.path)
    assert ws.settings.keyring == tuple(k for k in keys_before.split(b"\n") if k and not k.startswith(b"#"))
    assert status_of(submit(ws, issued, code, "issued_before_loss.xlsx")) == {"issued_before_loss.xlsx": "accepted"}


def test_replacing_a_lost_keyring_must_be_asked_for(tmp_path, monkeypatch):
    monkeypatch.delenv("ZHURNAL_SECRET", raising=False)
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(tmp_path)]).exit_code == 0
    (tmp_path / KEYRING_FILE).unlink()
    assert runner.invoke(main, ["--workspace", str(tmp_path), "keys", "rotate"]).exit_code == 2
    assert runner.invoke(main, ["--workspace", str(tmp_path), "keys", "rotate", "--replace-lost"]).exit_code == 0
    assert (tmp_path / KEYRING_FILE).is_file()
