"""The inbox preflight on its own: which entries are read now, which wait, which are odd, in a
folder built by hand (os.mkfifo, symlinks, unix sockets, file times set with os.utime)."""

from __future__ import annotations

import os
import socket
import time

import pytest

from zhurnal.ingest import inbox as inbox_module
from zhurnal.ingest.inbox import (
    InboxUnusable,
    entry_kind,
    is_fresh,
    is_ignored,
    is_lock_or_hidden,
    locked_by,
    scan_inbox,
    signature,
)


def aged(path, seconds: float = 60):
    os.utime(path, (time.time() - seconds, time.time() - seconds), follow_symlinks=False)
    return path


@pytest.fixture
def folder(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return inbox


def test_entries_are_sorted_into_ready_and_odd(folder, monkeypatch):
    monkeypatch.setattr(inbox_module.time, "sleep", lambda s: pytest.fail("nothing fresh: no wait"))
    for name in ("b.xlsx", "a.ods", "notes.txt"):
        (folder / name).write_bytes(b"x")
        aged(folder / name)
    for name in ("~$b.xlsx", ".~lock.a.ods#", ".hidden.xlsx"):
        (folder / name).write_bytes(b"lock")
    (folder / "sub").mkdir()
    os.mkfifo(folder / "pipe.xlsx")
    (folder / "link.xlsx").symlink_to(folder / "b.xlsx")
    (folder / ".hidden-link").symlink_to(folder / "b.xlsx")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(folder / "sock"))
        scan = scan_inbox(folder, settle_seconds=2)
    # a.ods and b.xlsx are open in an editor (their lock files are fresh): left for a later run
    assert scan.ready == [folder / "notes.txt"]
    assert scan.open == [(folder / "a.ods", folder / ".~lock.a.ods#"), (folder / "b.xlsx", folder / "~$b.xlsx")]
    assert scan.growing == [] and scan.stale_locks == scan.lone_locks == []
    assert scan.odd == [(folder / "link.xlsx", "symlink"), (folder / "pipe.xlsx", "fifo"), (folder / "sock", "socket"),
                        (folder / "sub", "folder")]


def test_a_fresh_file_is_looked_at_again_after_the_settle_time(folder, monkeypatch):
    (folder / "old.xlsx").write_bytes(b"old")
    aged(folder / "old.xlsx")
    (folder / "still.xlsx").write_bytes(b"done")
    (folder / "growing.xlsx").write_bytes(b"part")
    (folder / "touched.xlsx").write_bytes(b"same")
    (folder / "a-vanishing.xlsx").write_bytes(b"gone soon")      # first in order: the rest is still looked at
    (folder / "shrinking.xlsx").write_bytes(b"a longer first version")
    waited = []

    def meanwhile(seconds):
        waited.append(seconds)
        with open(folder / "growing.xlsx", "ab") as f:
            f.write(b" more")
        os.utime(folder / "touched.xlsx", ns=(time.time_ns(), time.time_ns() + 5_000_000_000))
        (folder / "a-vanishing.xlsx").unlink()
        (folder / "shrinking.xlsx").write_bytes(b"short")          # saved again shorter, clock set back
        os.utime(folder / "shrinking.xlsx", ns=(1_000_000_000, 1_000_000_000))
        (folder / "old.xlsx").write_bytes(b"rewritten but it was old when seen")

    monkeypatch.setattr(inbox_module.time, "sleep", meanwhile)
    scan = scan_inbox(folder, settle_seconds=30)      # the wait is replaced: a long window, robust on a busy machine
    assert waited == [30]
    assert scan.ready == [folder / "old.xlsx", folder / "still.xlsx"]
    assert scan.growing == [folder / "growing.xlsx", folder / "shrinking.xlsx", folder / "touched.xlsx"]
    assert scan.odd == []


def test_settle_time_zero_waits_for_nothing(folder, monkeypatch):
    monkeypatch.setattr(inbox_module.time, "sleep", lambda s: pytest.fail("no wait"))
    (folder / "new.xlsx").write_bytes(b"x")
    assert scan_inbox(folder, settle_seconds=0).ready == [folder / "new.xlsx"]


def test_a_missing_or_odd_inbox_is_unusable(tmp_path):
    with pytest.raises(InboxUnusable, match="does not exist") as caught:
        scan_inbox(tmp_path / "nowhere", 0)
    assert caught.value.path == tmp_path / "nowhere"
    (tmp_path / "file").write_bytes(b"")
    with pytest.raises(InboxUnusable, match="must be a folder"):
        scan_inbox(tmp_path / "file", 0)
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    with pytest.raises(InboxUnusable, match="must be a folder"):
        scan_inbox(tmp_path / "link", 0)
    (tmp_path / "dangling").symlink_to(tmp_path / "absent")
    with pytest.raises(InboxUnusable, match="must be a folder"):
        scan_inbox(tmp_path / "dangling", 0)


def test_an_unlistable_inbox_is_unusable(folder, monkeypatch):
    def refuse(path):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(inbox_module.os, "scandir", refuse)      # root lists any folder: refused by hand
    with pytest.raises(InboxUnusable) as caught:
        scan_inbox(folder, 0)
    assert str(caught.value) == f"{folder}: cannot be listed (Permission denied)"


def test_entry_helpers(folder):
    (folder / "f.xlsx").write_bytes(b"12345")
    os.utime(folder / "f.xlsx", ns=(1_000_000_000, 1_700_000_000_123_456_789))
    assert signature(folder / "f.xlsx") == (5, 1_700_000_000_123_456_789)
    assert entry_kind(folder / "f.xlsx") == "file" and entry_kind(folder / "none") == "gone"
    assert entry_kind(folder) == "folder"
    assert entry_kind(__import__("pathlib").Path("/dev/null")) == "device"
    assert is_lock_or_hidden(folder / "~$f.xlsx") and is_lock_or_hidden(folder / ".~lock.f.xlsx#")
    assert is_lock_or_hidden(folder / ".f") and not is_lock_or_hidden(folder / "f~$.xlsx")
    assert not is_ignored(folder / "f.xlsx") and is_ignored(folder / "~$f.xlsx") and is_ignored(folder)
    ago = lambda seconds: time.time_ns() - int(seconds * 1e9)
    assert is_fresh(ago(0)) and is_fresh(ago(4)) and not is_fresh(ago(5.5))
    os.mkfifo(folder / "pipe")
    assert is_ignored(folder / "pipe") and is_ignored(__import__("pathlib").Path("/dev/null"))
    assert is_ignored(folder / "gone.xlsx")
    assert is_fresh(ago(9), seconds=10) and not is_fresh(ago(11), seconds=10)


def test_a_file_gone_between_listing_and_looking_is_left_out(folder, monkeypatch):
    for name in ("a.xlsx", "b.xlsx", "c.xlsx"):
        (folder / name).write_bytes(b"x")
        aged(folder / name)
    real = inbox_module.signature

    def racing(path):
        if path.name == "a.xlsx":
            raise FileNotFoundError(path)       # removed right after the folder was listed
        return real(path)

    monkeypatch.setattr(inbox_module, "signature", racing)
    assert scan_inbox(folder, settle_seconds=0).ready == [folder / "b.xlsx", folder / "c.xlsx"]


def test_office_lock_files_hold_their_workbook_until_stale(folder, monkeypatch):
    """GIVEN workbooks with lock files of LibreOffice (``.~lock.NAME#``) and Excel (``~$NAME``,
    or with the name's first two letters replaced, as Office does for longer names), a lock file
    older than a day and one with no workbook THEN the locked workbooks are open (not ready), the
    old lock's workbook is ready and that lock stale, the lone lock reported; no lock is ready."""
    monkeypatch.setattr(inbox_module.time, "sleep", lambda s: None)
    names = ("a.xlsx", "журнал_2026-W48.xlsx", "c.xlsx", "d.ods")
    for name in names:
        (folder / name).write_bytes(b"x")
        aged(folder / name)
    for name in (".~lock.a.xlsx#", "~$рнал_2026-W48.xlsx", ".~lock.gone.xlsx#"):
        (folder / name).write_text("user,host")
    (folder / "~$c.xlsx").write_text("old")
    aged(folder / "~$c.xlsx", 25 * 3600)
    scan = scan_inbox(folder, settle_seconds=0)
    assert scan.open == [(folder / "a.xlsx", folder / ".~lock.a.xlsx#"),
                         (folder / "журнал_2026-W48.xlsx", folder / "~$рнал_2026-W48.xlsx")]
    assert scan.ready == [folder / "c.xlsx", folder / "d.ods"]
    assert scan.stale_locks == [folder / "~$c.xlsx"] and scan.lone_locks == [folder / ".~lock.gone.xlsx#"]
    assert locked_by(folder / "~$d.ods", ["d.ods"]) == "d.ods" and locked_by(folder / "~$x.ods", ["d.ods"]) is None
