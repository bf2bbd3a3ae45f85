"""Nothing is lost and nothing is applied twice: reruns, duplicates, and a killed process."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import pytest
from conftest import Workspace, status_of

from zhurnal.store.schema import metadata


def dump(ws) -> dict[str, list]:
    """Every table's rows, minus the moment a file happened to be received."""
    out = {}
    with ws.engine.connect() as conn:
        for table in metadata.sorted_tables:
            rows = [tuple((k, v) for k, v in sorted(dict(r).items()) if k != "received_at")
                    for r in conn.execute(table.select()).mappings()]
            out[table.name] = sorted(rows, key=repr)
    return out


def _drop_school(ws, school, classes=("5А", "6А", "7А")):
    ws.drop_setup(school.setup, name="a_setup.xlsx")
    assert ws.ingest().ok
    for code in classes:
        ws.drop_roster(code, school.rosters[code], name=f"b_roster_{code}.xlsx")


def test_the_same_files_twice_change_nothing(ws, school):
    _drop_school(ws, school)
    saved = {p.name: p.read_bytes() for p in ws.settings.inbox.iterdir() if p.is_file()}
    assert set(status_of(ws.ingest()).values()) == {"accepted"}
    first = dump(ws)
    for name, data in saved.items():
        (ws.settings.inbox / f"again_{name}").write_bytes(data)
    report = ws.ingest()
    assert set(status_of(report).values()) == {"duplicate"} and report.ok
    assert dump(ws) == first
    assert not [p for p in ws.settings.inbox.iterdir() if p.is_file()]
    assert len(list(ws.settings.archive.rglob("*.xlsx"))) == 4  # setup + three rosters, once each


KILLER = textwrap.dedent("""
    import os, signal, sys
    import zhurnal.ingest.pipeline as pipeline
    import zhurnal.ingest.submission_steps as submission_steps
    from zhurnal.cli import main

    removed = []

    def remove_then_die(path):
        # committed and archived, but killed before the file leaves the inbox
        if len(removed) == int(sys.argv[2]):
            os.kill(os.getpid(), signal.SIGKILL)
        removed.append(path)
        path.unlink()

    submission_steps.remove_from_inbox = remove_then_die
    pipeline.DURABLE_BATCH = int(sys.argv[3])
    main(["--workspace", sys.argv[1], "ingest"])
""")


@pytest.mark.parametrize("batch, rerun", [
    # each commit made durable and its file removed at once: the third roster was never committed
    (1, {"b_roster_6А.xlsx": "duplicate", "b_roster_7А.xlsx": "accepted"}),
    # commits made durable together at the end of the run: all three were committed
    (32, {"b_roster_6А.xlsx": "duplicate", "b_roster_7А.xlsx": "duplicate"}),
])
def test_killed_between_commit_and_inbox_removal(ws, school, tmp_path, batch, rerun):
    """GIVEN rosters in the inbox WHEN ingest is killed after a commit, before the file leaves
    the inbox, THEN a rerun ends with one copy of everything and the store of a clean run."""
    _drop_school(ws, school)
    ws.engine.dispose()
    clean_path = tmp_path / "clean"
    shutil.copytree(ws.path, clean_path)
    clean = Workspace(clean_path)
    assert clean.ingest().ok

    killed = subprocess.run([sys.executable, "-c", KILLER, str(ws.path), "1", str(batch)], capture_output=True)
    assert killed.returncode == -9, killed.stderr.decode()
    assert len([p for p in ws.settings.inbox.iterdir() if p.is_file()]) == 2   # the second file committed but not moved
    crashed = Workspace(ws.path)
    report = crashed.ingest()
    assert status_of(report) == rerun
    assert dump(crashed) == dump(clean)
    assert not [p for p in crashed.settings.inbox.iterdir() if p.is_file()]
    assert sorted(p.name for p in crashed.settings.archive.rglob("*")) == \
        sorted(p.name for p in clean.settings.archive.rglob("*"))
