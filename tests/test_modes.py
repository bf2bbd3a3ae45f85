"""Private by default (issue 26, point 2): nothing zhurnal makes is readable or writable by the
group or others, ``status`` says when something is, ``init --fix-modes`` takes it back."""

from __future__ import annotations

import grp
import json
import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from zhurnal.cli import main
from zhurnal.school.workspace import fix_modes, loose_modes


@pytest.fixture
def umask_022():
    """The umask of a careless login shell, put back afterwards (the command line sets its own)."""
    before = os.umask(0o022)
    yield
    os.umask(before)


def _open_to_others(root: Path) -> list[str]:
    found = []
    for path in [root, *root.rglob("*")]:
        if not path.is_symlink() and path.lstat().st_mode & 0o077:
            found.append(f"{path.relative_to(root)} {stat.filemode(path.lstat().st_mode)}")
    return found


def test_nothing_made_by_init_demo_publish_and_slips_is_open_to_others(tmp_path, umask_022, demo_ws):
    """GIVEN a umask of 022 WHEN a workspace is made, a demo school is run through a week (the
    session's demo, built under a umask of 022 and copied with its modes) and published again,
    and slips for parents and teachers are printed THEN no file or folder in either workspace
    has a group or other permission bit."""
    runner = CliRunner()
    made = runner.invoke(main, ["init", str(tmp_path / "school")])
    assert made.exit_code == 0, made.output
    assert (tmp_path / "school" / "master.sqlite").is_file()
    demo = demo_ws
    assert _open_to_others(demo) == []            # as the demo left it, before this test writes
    where = ["--workspace", str(demo)]
    assert runner.invoke(main, [*where, "publish", "--week", "2026-W48"]).exit_code == 0
    class_code = next(p.name for p in (demo / "outbox" / "2026-W48" / "diaries").iterdir() if p.is_dir())
    slips = runner.invoke(main, [*where, "access", "slips", "--class", class_code, "--teachers"])
    assert slips.exit_code == 0, slips.output
    assert list((demo / "outbox" / "access").glob("*.pdf"))
    assert len(list(demo.rglob("*"))) > 200                       # the walk saw the whole school
    assert _open_to_others(tmp_path / "school") == []
    assert _open_to_others(demo) == []
    status = json.loads(runner.invoke(main, [*where, "status", "--json"]).output)
    assert status["loose_modes"] == []


def test_status_warns_about_an_open_workspace_and_init_fix_modes_closes_it(tmp_path, umask_022):
    runner = CliRunner()
    root = tmp_path / "school"
    assert runner.invoke(main, ["init", str(root)]).exit_code == 0
    os.chmod(root / "master.sqlite", 0o644)                       # as an older zhurnal left it
    os.chmod(root / "outbox", 0o755)
    (root / "outbox" / "access").mkdir(mode=0o755)
    (root / "outbox" / "access" / "Пароли_5А.pdf").write_bytes(b"%PDF")
    os.chmod(root / "outbox" / "access", 0o755)
    os.chmod(root / "outbox" / "access" / "Пароли_5А.pdf", 0o664)
    opened = {"master.sqlite", "outbox", "outbox/access", "outbox/access/Пароли_5А.pdf"}
    assert {str(p.relative_to(root)) for p in loose_modes(root)} == opened
    said = runner.invoke(main, ["--workspace", str(root), "status"])
    assert said.exit_code == 0 and "zhurnal init --fix-modes" in said.output and "master.sqlite" in said.output
    fixed = runner.invoke(main, ["init", str(root), "--fix-modes"])
    assert fixed.exit_code == 0 and fixed.output.count(str(root)) >= len(opened)
    assert loose_modes(root) == [] and _open_to_others(root) == []
    assert stat.S_IMODE((root / "outbox" / "access" / "Пароли_5А.pdf").stat().st_mode) == 0o600   # owner keeps rw
    assert stat.S_IMODE((root / "outbox" / "access").stat().st_mode) == 0o700
    assert "fix-modes" not in runner.invoke(main, ["--workspace", str(root), "status"]).output


def test_the_teacher_group_may_write_into_the_teachers_folders_and_nothing_else(tmp_path):
    group = grp.getgrgid(os.getgid()).gr_name                     # a group this process may give
    root = tmp_path / "school"
    for folder in ("inbox/ivanova.ai", "outbox"):
        (root / folder).mkdir(parents=True)
    (root / "inbox" / "ivanova.ai" / "журнал.xlsx").write_bytes(b"x")
    (root / "master.sqlite").write_bytes(b"")
    for path in [root, *root.rglob("*")]:
        os.chmod(path, 0o777 if path.is_dir() else 0o666)
    fix_modes(root, group)
    assert loose_modes(root, group) == []
    modes = {str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode) for p in [root, *root.rglob("*")]}
    assert modes == {".": 0o710, "inbox": 0o710, "inbox/ivanova.ai": 0o2770, "inbox/ivanova.ai/журнал.xlsx": 0o660,
                     "outbox": 0o700, "master.sqlite": 0o600}
    # without the setting the same tree is open: the teachers' folder too
    assert {str(p.relative_to(root)) for p in loose_modes(root)} == {
        ".", "inbox", "inbox/ivanova.ai", "inbox/ivanova.ai/журнал.xlsx"}
    with pytest.raises(Exception, match="teacher_group"):
        fix_modes(root, "no-such-group-zhurnal")


def test_the_teacher_group_may_read_the_teachers_outgoing_folders(tmp_path):
    """GIVEN a tree with a teacher's outgoing folder outbox/teachers/<login>/<week>/ opened to all
    WHEN the modes are fixed for the teacher group THEN the group passes through outbox/ and
    outbox/teachers/ and reads (never writes) the teacher's folders and workbooks; the rest of
    outbox/ stays the owner's."""
    group = grp.getgrgid(os.getgid()).gr_name
    root = tmp_path / "school"
    for folder in ("inbox/ivanova.ai", "outbox/teachers/ivanova.ai/2026-W48", "outbox/2026-W48/mail"):
        (root / folder).mkdir(parents=True)
    (root / "outbox/teachers/ivanova.ai/2026-W48/журнал.xlsx").write_bytes(b"x")
    (root / "outbox/2026-W48/mail/a.eml").write_bytes(b"x")
    for path in [root, *root.rglob("*")]:
        os.chmod(path, 0o777 if path.is_dir() else 0o666)
    fix_modes(root, group)
    assert loose_modes(root, group) == []
    modes = {str(p.relative_to(root)): stat.S_IMODE(p.stat().st_mode) for p in [root, *root.rglob("*")]}
    assert {k: v for k, v in modes.items() if k.startswith("outbox")} == {
        "outbox": 0o710, "outbox/teachers": 0o710, "outbox/teachers/ivanova.ai": 0o2750,
        "outbox/teachers/ivanova.ai/2026-W48": 0o2750, "outbox/teachers/ivanova.ai/2026-W48/журнал.xlsx": 0o640,
        "outbox/2026-W48": 0o700, "outbox/2026-W48/mail": 0o700, "outbox/2026-W48/mail/a.eml": 0o600}
