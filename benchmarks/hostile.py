"""Benchmark: one whole `zhurnal ingest` process per hostile file kind, against one normal journal.

    python benchmarks/hostile.py [--students 150] [--only KIND ...]

For each kind of tests/hostile.py: a copy of a workspace holding a small school's setup and
rosters, that one entry in its inbox, and `zhurnal ingest --json` run as a child process;
prints its wall time (s) and peak resident memory (MB, from wait4's rusage) beside the same for
one normal weekly journal, the ratio to it, and the code the entry got. A kind over 3× the
normal journal in time or memory is marked «!».
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# tests/ first: its hostile.py (the corpus) must win over this script's own name
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hostile import KINDS, Corpus  # noqa: E402
from week_ingest import setup_and_rosters  # noqa: E402

from zhurnal.batch.issue import issue_week  # noqa: E402
from zhurnal.core.settings import load_settings  # noqa: E402
from zhurnal.demo.fill import fill_workbook, read_rows  # noqa: E402
from zhurnal.demo.run import DEMO_NOW, DEMO_WEEK  # noqa: E402
from zhurnal.demo.school import build_school, roster_subjects  # noqa: E402
from zhurnal.demo.week import fill_week  # noqa: E402
from zhurnal.kinds.roster.issue import issue as issue_roster  # noqa: E402
from zhurnal.kinds.roster.spec import spec as roster_spec  # noqa: E402
from zhurnal.school.context import open_context  # noqa: E402
from zhurnal.school.snapshot import load_school  # noqa: E402
from zhurnal.school.workspace import init_workspace  # noqa: E402
from zhurnal.store import open_store  # noqa: E402


def base_workspace(root: Path, students: int) -> tuple[Path, Path, bytes]:
    """A workspace with setup and rosters ingested; one filled journal; a roster's bytes."""
    init_workspace(root, code="bench", name="Школа")
    settings = load_settings(root)
    engine = open_store(settings.store_url)
    ctx = open_context(settings, engine, now=DEMO_NOW)
    school = build_school(students, 7)
    setup_and_rosters(ctx, school)
    templates = issue_week(ctx, DEMO_WEEK)
    with engine.connect() as conn:
        snapshot = load_school(conn, 1)
    filled = fill_week(snapshot, templates, root.parent / "typed", DEMO_WEEK, random.Random(7))
    journal = sorted(filled.journals.values())[0]
    code = sorted(school.rosters)[0]
    spec = roster_spec(roster_subjects(school.rosters[code]))
    template = issue_roster(ctx, code)
    roster = fill_workbook(template, root.parent / "roster.xlsx", spec, read_rows(template, spec))
    engine.dispose()
    return root, journal, roster.read_bytes()


# The child reports its own high-water mark (VmHWM) at exit: rusage's maxrss would also count
# the memory of this (large) parent process, which Linux carries across fork and exec.
CHILD = ("import atexit, sys\n"
         "def peak():\n"
         "    for line in open('/proc/self/status'):\n"
         "        if line.startswith('VmHWM:'):\n"
         "            sys.stderr.write('VmHWM ' + line.split()[1] + '\\n')\n"
         "atexit.register(peak)\n"
         "from zhurnal.cli import main\n"
         "main(sys.argv[1:])\n")


def measure(workspace: Path) -> tuple[float, float, str]:
    """Wall seconds and peak RSS (MB) of one `zhurnal ingest --json` child, and what it said."""
    started = time.perf_counter()
    child = subprocess.run([sys.executable, "-c", CHILD, "--workspace", str(workspace), "ingest", "--json"],
                           capture_output=True)
    wall = time.perf_counter() - started
    out = child.stdout
    peak = [line for line in child.stderr.decode().splitlines() if line.startswith("VmHWM ")]
    rss = int(peak[-1].split()[1]) / 1024 if peak else float("nan")
    try:
        files = json.loads(out)["files"]
        said = ", ".join(sorted({f["status"] + ":" + (f["findings"][0]["code"] if f["findings"] else "-")
                                 for f in files}))
    except (ValueError, KeyError, IndexError):
        said = "no JSON"
    return wall, rss, said


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=150)
    parser.add_argument("--only", nargs="*", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        base, journal, roster = base_workspace(Path(folder) / "base", args.students)

        def fresh(name: str) -> Path:
            target = Path(folder) / name
            shutil.copytree(base, target, symlinks=True)
            return target

        normal = fresh("normal")
        shutil.copy(journal, normal / "inbox" / journal.name)
        os.utime(normal / "inbox" / journal.name, (time.time() - 60,) * 2)
        ref_wall, ref_rss, ref_said = measure(normal)
        shutil.rmtree(normal)
        normal = fresh("normal-again")  # the first run also warmed the disk cache: measure again
        shutil.copy(journal, normal / "inbox" / journal.name)
        os.utime(normal / "inbox" / journal.name, (time.time() - 60,) * 2)
        ref_wall, ref_rss, ref_said = measure(normal)
        print(f"{'kind':34} {'wall s':>7} {'RSS MB':>7} {'×time':>6} {'×RSS':>6}  result")
        print(f"{'(normal weekly journal)':34} {ref_wall:7.2f} {ref_rss:7.1f} {1:6.2f} {1:6.2f}  {ref_said}")
        for kind, (code, make) in KINDS.items():
            if args.only and kind not in args.only:
                continue
            workspace = fresh(kind)
            scratch = Path(folder) / f"{kind}-outside"
            scratch.mkdir()
            make(Corpus(workspace / "inbox", roster, load_settings(workspace).secret, scratch))
            wall, rss, said = measure(workspace)
            flag = "!" if wall > 3 * ref_wall or rss > 3 * ref_rss else " "
            print(f"{kind:34} {wall:7.2f} {rss:7.1f} {wall / ref_wall:6.2f} {rss / ref_rss:6.2f}{flag} {said}"
                  f"{'' if code in said else '  (expected ' + code + ')'}")
            shutil.rmtree(workspace)


if __name__ == "__main__":
    main()
