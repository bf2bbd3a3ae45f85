"""Expected stops are one line and exit 3, and a rerun after the fault is mended equals one clean
run (issue 24.4): a full disk (injected, and a real tmpfs filled up where this user may mount
one), a read-only store file and a read-only workspace folder (a read-only bind mount as root,
the permission bits otherwise), a stopped PostgreSQL server."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import Workspace, make_workspace, point_store, status_of
from test_recovery import dump

import zhurnal.ingest.pipeline as pipeline
import zhurnal.ingest.readers as readers
from zhurnal.cli import main

ROSTERS = ("5А", "6А", "7А")


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def _one_line(result, *words: str) -> None:
    """Exit 3, one line on stderr starting «zhurnal: », in Russian with ``words``, no traceback."""
    assert result.exit_code == 3, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("zhurnal: "), result.output
    assert "Traceback" not in result.output and all(w in lines[0] for w in words), result.output


def _school_with_rosters_waiting(ws, school) -> None:
    """The setup ingested; three rosters waiting in the inbox."""
    ws.drop_setup(school.setup, name="a_setup.xlsx")
    assert ws.ingest().ok
    for code in ROSTERS:
        ws.drop_roster(code, school.rosters[code], name=f"b_roster_{code}.xlsx")
    ws.engine.dispose()


def _clean_run(ws, target: Path) -> Workspace:
    """A copy of ``ws`` as it is now, ingested once with nothing in the way."""
    shutil.copytree(ws.path, target)
    clean = Workspace(target)
    assert set(status_of(clean.ingest()).values()) == {"accepted"}
    return clean


def _same_as(crashed_path: Path, clean: Workspace) -> None:
    crashed = Workspace(crashed_path)
    try:
        assert dump(crashed) == dump(clean)
        assert not [p for p in crashed.settings.inbox.rglob("*") if p.is_file()]
        assert sorted(p.name for p in crashed.settings.archive.rglob("*")) == \
            sorted(p.name for p in clean.settings.archive.rglob("*"))      # no .partial left either
    finally:
        crashed.engine.dispose()


def test_a_full_disk_while_archiving_stops_and_a_rerun_finishes_once(ws, school, tmp_path, monkeypatch):
    """GIVEN three rosters waiting WHEN the disk is full as the second is archived (ENOSPC from
    the archive's atomic write, in the reader process or the run's) THEN exit 3, one line, the
    files not yet committed still in the inbox; the rerun ends with the store of a clean run."""
    _school_with_rosters_waiting(ws, school)
    clean = _clean_run(ws, tmp_path / "clean")
    real = pipeline.archive_copy

    def full_at_6a(sub, archive):
        if sub.name == "b_roster_6А.xlsx":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(archive / "x.partial"))
        return real(sub, archive)

    monkeypatch.setattr(pipeline, "archive_copy", full_at_6a)
    monkeypatch.setattr(readers, "archive_copy", full_at_6a)
    _one_line(_run("-w", str(ws.path), "ingest"), "диск заполнен", "archive")
    assert "b_roster_6А.xlsx" in {p.name for p in ws.settings.inbox.iterdir()}
    monkeypatch.undo()
    rerun = _run("-w", str(ws.path), "ingest")
    assert rerun.exit_code == 0, rerun.output
    _same_as(ws.path, clean)


@contextmanager
def _mounted_tmpfs(folder: Path, megabytes: int):
    folder.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={megabytes}m,mode=0700", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({made.stderr.strip()}): the injected full disk covers it")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _fill(folder: Path) -> Path:
    """Write zeros into ``folder/filler`` until the disk is full."""
    filler = folder / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * (1 << 16))
                handle.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def test_a_really_full_disk_stops_ingest_and_a_rerun_finishes_once(ws, school, tmp_path):
    """GIVEN the workspace on a small tmpfs filled to the last byte, three rosters waiting WHEN
    ingest THEN exit 3 and one line (whichever write met the full disk first: the store's log,
    a lock or an archive copy); after space is freed the rerun ends as one clean run."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root; the injected full disk covers the rest")
    _school_with_rosters_waiting(ws, school)
    clean = _clean_run(ws, tmp_path / "clean")
    with _mounted_tmpfs(tmp_path / "disk", 64) as disk:
        shutil.copytree(ws.path, disk / "ws")
        filler = _fill(disk)
        result = _run("-w", str(disk / "ws"), "ingest")
        _one_line(result, "диск заполнен")
        filler.unlink()
        rerun = _run("-w", str(disk / "ws"), "ingest")
        assert rerun.exit_code == 0, rerun.output
        _same_as(disk / "ws", clean)


@contextmanager
def _read_only(path: Path):
    """``path`` (a file or a folder) read-only for this process: a read-only bind mount as root
    (root ignores permission bits), else the write bits taken away."""
    if os.geteuid() == 0:
        made = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True, text=True)
        if made.returncode != 0:
            pytest.skip(f"cannot bind-mount here: {made.stderr.strip()}")
        try:
            subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], check=True)
            yield
        finally:
            subprocess.run(["umount", "-l", str(path)], check=False)
        return
    modes = {p: p.stat().st_mode for p in [path, *(path.rglob("*") if path.is_dir() else [])]}
    for p, mode in modes.items():
        p.chmod(mode & ~0o222)
    try:
        yield
    finally:
        for p, mode in modes.items():
            p.chmod(mode)


@pytest.mark.parametrize("what", ["store file", "workspace folder"])
def test_a_read_only_store_or_folder_is_3_and_a_rerun_finishes_once(ws, school, tmp_path, what):
    """GIVEN rosters waiting and the store file (or the whole workspace folder) read-only WHEN
    ingest THEN exit 3, one Russian line, the inbox as it was; writable again, the rerun ends as
    one clean run."""
    _school_with_rosters_waiting(ws, school)
    clean = _clean_run(ws, tmp_path / "clean")
    for side in ("-wal", "-shm"):          # a store closed cleanly: no log beside it to open
        Path(f"{ws.path / 'master.sqlite'}{side}").unlink(missing_ok=True)
    waiting = sorted(p.name for p in ws.settings.inbox.iterdir())
    with _read_only(ws.path / "master.sqlite" if what == "store file" else ws.path):
        _one_line(_run("-w", str(ws.path), "ingest"), "записи")
    assert sorted(p.name for p in ws.settings.inbox.iterdir()) == waiting
    rerun = _run("-w", str(ws.path), "ingest")
    assert rerun.exit_code == 0, rerun.output
    _same_as(ws.path, clean)


@pytest.mark.slow
def test_a_stopped_postgresql_is_3_and_a_rerun_finishes_once(school, tmp_path):
    """GIVEN a school on its own PostgreSQL server with rosters waiting WHEN the server is
    stopped and ingest runs THEN exit 3, one line, the inbox untouched; started again, the rerun
    ends with the rows of a clean run (a copy of the database made before)."""
    from postgres import Postgres, Unavailable
    try:
        server = Postgres()       # its own: the session's server stays up for the other tests
    except Unavailable as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL not here: {exc}")
    try:
        database = server.create()
        make_workspace(tmp_path / "ws")
        point_store(tmp_path / "ws", server.url(database))
        ws = Workspace(tmp_path / "ws")
        _school_with_rosters_waiting(ws, school)
        copy = server.create(template=database)
        shutil.copytree(ws.path, tmp_path / "clean")
        point_store(tmp_path / "clean", server.url(copy))
        clean = Workspace(tmp_path / "clean")
        assert set(status_of(clean.ingest()).values()) == {"accepted"}
        clean.engine.dispose()       # its pooled connections would not outlive the stop

        waiting = sorted(p.name for p in ws.settings.inbox.iterdir())
        server.pause()
        _one_line(_run("-w", str(ws.path), "ingest"), "хранилище")
        assert sorted(p.name for p in ws.settings.inbox.iterdir()) == waiting
        server.resume()
        rerun = _run("-w", str(ws.path), "ingest")
        assert rerun.exit_code == 0, rerun.output
        _same_as(ws.path, clean)
        clean.engine.dispose()
    finally:
        server.stop()
