"""Retention of backup copies (zhurnal.backup.retention) over months of daily copies.

Every keep-set below was worked out by hand with a calendar: 8 December 2026 is a Tuesday, so
the Mondays before it are 30, 23, 16, 9, 2 November, 26 October …; 1 January 2026 is a
Thursday, so ISO week 1 of 2026 starts on Monday 29 December 2025 and Monday 30 November 2026
opens ISO week 49. "The last N days" are the last N days that have a verified copy (a day
without one is not counted), as restic's ``--keep-daily`` counts them.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from zhurnal.backup.retention import prune, to_keep


def folders_for(root: Path, times: list[dt.datetime], failed: set[dt.datetime] = frozenset()) -> list[Path]:
    """Snapshot folders named by time under ``root/snapshots``, verified unless in ``failed``."""
    made = []
    for when in sorted(times):
        folder = root / "snapshots" / when.strftime("%Y%m%dT%H%M%SZ")
        folder.mkdir(parents=True)
        if when not in failed:
            (folder / "verified.json").write_text('{"ok": true}')
        made.append(folder)
    return made


def daily(first: dt.date, last: dt.date, hour: int = 2) -> list[dt.datetime]:
    days = (last - first).days + 1
    return [dt.datetime.combine(first + dt.timedelta(days=n), dt.time(hour)) for n in range(days)]


def names(kept: set[Path]) -> list[str]:
    return sorted(f.name for f in kept)


def at(*stamps: str) -> list[str]:
    """``"1130"`` → ``"20261130T020000Z"``; ``"1130@14"`` at 14:00; a full ``YYYYMMDD`` as is."""
    out = []
    for stamp in stamps:
        day, _, hour = stamp.partition("@")
        out.append(f"{day if len(day) == 8 else '2026' + day}T{int(hour or 2):02d}0000Z")
    return sorted(out)


def test_three_months_of_daily_copies_keep_seven_days_and_four_weeks(tmp_path):
    folders = folders_for(tmp_path, daily(dt.date(2026, 9, 1), dt.date(2026, 11, 30)))
    assert len(folders) == 91
    # days: 24…30 Nov; weeks, newest copy of each: W49 (Mon 30 Nov), W48 (Sun 29 Nov),
    # W47 (Sun 22 Nov), W46 (Sun 15 Nov)
    assert names(to_keep(folders, keep_daily=7, keep_weekly=4)) == at(
        "1115", "1122", "1124", "1125", "1126", "1127", "1128", "1129", "1130")
    # the settings the other way round: 27…30 Nov, and weeks back to W43 (Sun 25 Oct)
    assert names(to_keep(folders, keep_daily=4, keep_weekly=7)) == at(
        "1025", "1101", "1108", "1115", "1122", "1127", "1128", "1129", "1130")


def test_two_copies_a_day_keep_the_newest_of_each_day_and_week(tmp_path):
    times = daily(dt.date(2026, 11, 1), dt.date(2026, 11, 30)) + daily(dt.date(2026, 11, 1), dt.date(2026, 11, 30), 14)
    folders = folders_for(tmp_path, times)
    assert names(to_keep(folders, keep_daily=3, keep_weekly=3)) == at("1122@14", "1128@14", "1129@14", "1130@14")


def test_days_without_a_copy_are_not_counted(tmp_path):
    """Copies only on 2, 3, 10, 24 and 30 November (holidays between)."""
    folders = folders_for(tmp_path, [dt.datetime(2026, 11, d, 2) for d in (2, 3, 10, 24, 30)])
    assert names(to_keep(folders, keep_daily=3, keep_weekly=0)) == at("1110", "1124", "1130")
    # weekly only: W49 (30th), W48 (24th), W46 (10th); W45's newest is the 3rd, not the 2nd
    assert names(to_keep(folders, keep_daily=0, keep_weekly=4)) == at("1103", "1110", "1124", "1130")


def test_weeks_across_new_year_are_iso_weeks_with_their_year(tmp_path):
    """Sun 28 Dec 2025 is 2025-W52; Mon 29 Dec 2025 and Fri 2 Jan 2026 are 2026-W01; Mon 5 Jan 2026
    is 2026-W02. 10 Dec 2025 and 9 Dec 2026 are both in a week 50, a year apart."""
    times = [dt.datetime(2025, 12, 10, 2), dt.datetime(2025, 12, 28, 2), dt.datetime(2025, 12, 29, 2),
             dt.datetime(2026, 1, 2, 2), dt.datetime(2026, 1, 5, 2), dt.datetime(2026, 12, 9, 2)]
    folders = folders_for(tmp_path, times)
    assert names(to_keep(folders, keep_daily=0, keep_weekly=5)) == at(
        "20251210", "20251228", "20260102", "20260105", "20261209")
    assert names(to_keep(folders, keep_daily=0, keep_weekly=3)) == at("20260102", "20260105", "20261209")


def test_failed_copies_stay_only_while_no_newer_copy_is_verified(tmp_path):
    failed = {dt.datetime(2026, 11, d, 2) for d in (20, 25, 30)}
    folders = folders_for(tmp_path, daily(dt.date(2026, 11, 1), dt.date(2026, 11, 30)), failed)
    # verified days 27, 28, 29 kept; 20 and 25 failed before the newest verified (29): removed;
    # 30 failed after it: kept until a newer verified copy exists
    assert names(to_keep(folders, keep_daily=3, keep_weekly=0)) == at("1127", "1128", "1129", "1130")
    # a failed copy never counts as a day or a week: the weekly W48's newest verified is the 29th
    assert names(to_keep(folders, keep_daily=0, keep_weekly=2)) == at("1122", "1129", "1130")


def test_the_newest_verified_copy_is_kept_whatever_the_settings(tmp_path):
    folders = folders_for(tmp_path, daily(dt.date(2026, 11, 1), dt.date(2026, 11, 10)),
                          {dt.datetime(2026, 11, 10, 2)})
    assert names(to_keep(folders, keep_daily=0, keep_weekly=0)) == at("1109", "1110")


def test_without_any_verified_copy_everything_is_kept(tmp_path):
    folders = folders_for(tmp_path, daily(dt.date(2026, 11, 1), dt.date(2026, 11, 5)),
                          set(daily(dt.date(2026, 11, 1), dt.date(2026, 11, 5))))
    assert set(to_keep(folders, keep_daily=1, keep_weekly=1)) == set(folders)


def snapshot(root: Path, stamp: str, objects: list[str], *, verified: bool = True) -> Path:
    """A snapshot folder whose manifest lists ``objects`` (archive files by name)."""
    folder = root / "snapshots" / stamp
    folder.mkdir(parents=True)
    files = [{"path": f"objects/{o[:2]}/{o}.age", "role": "archive", "name": o, "size": 1, "sha256": o}
             for o in objects]
    (folder / "manifest.json").write_text(json.dumps(
        {"id": stamp, "created": stamp, "school": "school17", "zhurnal_version": "1", "schema_revision": "0014",
         "store_dialect": "sqlite", "recipients": [], "counts": {}, "files": files, "format": 1}))
    if verified:
        (folder / "verified.json").write_text("{}")
    return folder


def objects(root: Path, *names_: str) -> None:
    for name in names_:
        path = root / "objects" / name[:2] / f"{name}.age"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"age")


def left(root: Path) -> tuple[list[str], list[str]]:
    return (sorted(p.name for p in (root / "snapshots").iterdir()),
            sorted(p.stem for p in (root / "objects").rglob("*.age")))


def test_prune_deletes_old_snapshots_and_only_the_objects_no_kept_snapshot_lists(tmp_path):
    snapshot(tmp_path, "20261128T020000Z", ["aa01", "bb02"])
    snapshot(tmp_path, "20261129T020000Z", ["bb02", "cc03"])
    snapshot(tmp_path, "20261130T020000Z", ["cc03", "dd04"])
    objects(tmp_path, "aa01", "bb02", "cc03", "dd04", "ee05")          # ee05: listed by no snapshot
    assert prune(tmp_path, keep_daily=2, keep_weekly=0) == ["20261128T020000Z"]
    assert left(tmp_path) == (["20261129T020000Z", "20261130T020000Z"], ["bb02", "cc03", "dd04"])
    assert prune(tmp_path, keep_daily=2, keep_weekly=0) == []
    assert prune(tmp_path, keep_daily=1, keep_weekly=0) == ["20261129T020000Z"]
    assert left(tmp_path) == (["20261130T020000Z"], ["cc03", "dd04"])


def test_nothing_removed_leaves_every_object(tmp_path):
    snapshot(tmp_path, "20261130T020000Z", ["aa01"])
    objects(tmp_path, "aa01", "ee05")
    assert prune(tmp_path, keep_daily=7, keep_weekly=4) == []
    assert left(tmp_path)[1] == ["aa01", "ee05"]


@pytest.mark.parametrize("damage", ["missing", "not json", "unknown format", "unknown field"])
def test_a_manifest_that_cannot_be_read_stops_the_clean_up_of_objects(tmp_path, damage):
    """A kept snapshot whose manifest cannot be read might need any object: none is deleted
    (the old snapshot itself still goes, it is not needed)."""
    snapshot(tmp_path, "20261129T020000Z", ["aa01"])
    kept = snapshot(tmp_path, "20261130T020000Z", ["bb02"])
    manifest = kept / "manifest.json"
    if damage == "missing":
        manifest.unlink()
    elif damage == "not json":
        manifest.write_text("{")
    elif damage == "unknown format":
        manifest.write_text(manifest.read_text().replace('"format": 1', '"format": 2'))
    else:
        manifest.write_text(manifest.read_text().replace('"size": 1', '"size": 1, "colour": "red"'))
    objects(tmp_path, "aa01", "bb02", "ee05")
    assert prune(tmp_path, keep_daily=1, keep_weekly=0) == ["20261129T020000Z"]
    assert left(tmp_path) == (["20261130T020000Z"], ["aa01", "bb02", "ee05"])


def test_a_folder_not_named_by_a_time_stops_retention_altogether(tmp_path):
    snapshot(tmp_path, "20261129T020000Z", ["aa01"])
    snapshot(tmp_path, "20261130T020000Z", ["bb02"])
    (tmp_path / "snapshots" / "copied by hand").mkdir()
    (tmp_path / "snapshots" / "copied by hand" / "verified.json").write_text("{}")
    objects(tmp_path, "aa01", "bb02")
    assert prune(tmp_path, keep_daily=1, keep_weekly=0) == []
    assert len(left(tmp_path)[0]) == 3 and left(tmp_path)[1] == ["aa01", "bb02"]


def test_a_destination_without_snapshots_prunes_nothing(tmp_path):
    assert prune(tmp_path, keep_daily=1, keep_weekly=1) == []
