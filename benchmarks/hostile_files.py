"""Benchmark: other projects' test spreadsheets through one `zhurnal ingest --json` (issue 24).

    python benchmarks/hostile_files.py FOLDER [FOLDER …] [--demo /work/demo-ref] [--timeout 3600]

Every file under the FOLDERs (kept outside the repository: e.g. Apache POI's
``test-data/spreadsheet`` and calamine's ``tests``; nothing is fetched at run time) goes into the
top ``inbox/`` of a copy of a demo workspace (``--demo``: a folder ``zhurnal demo`` made; without
one, ``zhurnal demo`` builds it, ~60 s), named ``<folder>__<name>`` so that the suites' names
cannot collide, dated a minute back (a broken file younger than 5 s is deferred as a copy still
arriving). One `zhurnal ingest --json` runs as a child process, under ``--timeout``.

Asserts: a result for every file, each ``rejected`` with a finding or a ``duplicate`` (an
``accepted`` stranger would be a signature bug), none ``failed`` nor ``deferred``, the inbox empty
afterwards. Prints one JSON line: files, outcomes, the most frequent finding codes, reader processes
lost (crashed, or stopped at the time limit), wall seconds, and the peak resident memory of the largest process of the run
(the ingest or one of its reader workers: wait4's rusage of the child and its waited-for
descendants, MB). Exit 1 when an assertion fails (each listed).

``tests/hostile_files/`` holds files of our own making (a fuzzer-made .xls that aborts calamine);
``tests/hostile.py`` generates the rest of our own hostile corpus (benchmarks/hostile.py).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEMO = Path("/work/demo-ref")
# how a file-unreadable finding names a reader process that was lost (ingest/readers.py LOST_RU)
LOST = {"crash": "сбой программы чтения", "time-limit": "прервано"}
# the console script installed beside this interpreter (the package has no __main__)
ZHURNAL = [str(Path(sys.executable).with_name("zhurnal"))]


def _workspace(demo: Path | None, scratch: Path) -> Path:
    ws = scratch / "ws"
    if demo is not None:
        shutil.copytree(demo, ws, symlinks=True)
    else:
        subprocess.run([*ZHURNAL, "demo", str(ws)], check=True, capture_output=True)
    for child in (ws / "inbox").rglob("*"):     # a demo leaves nothing waiting; be sure
        if child.is_file():
            child.unlink()
    return ws


def _fill_inbox(folders: list[Path], inbox: Path) -> list[str]:
    names = []
    past = time.time() - 60
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            name = f"{folder.name}__{path.relative_to(folder).as_posix().replace('/', '__')}"
            shutil.copyfile(path, inbox / name)
            os.utime(inbox / name, (past, past))
            names.append(name)
    return names


def _judge(names: list[str], answer: dict, inbox: Path) -> tuple[dict, list[str]]:
    problems = []
    results = {f["file"]: f for f in answer["files"]}
    missing = sorted(set(names) - set(results))
    if missing:
        problems.append(f"no result for {len(missing)} files: {missing[:10]}")
    outcomes = collections.Counter(f["status"] for f in answer["files"])
    codes = collections.Counter(c for f in answer["files"] for c in {x["code"] for x in f["findings"]})
    for f in answer["files"]:
        if f["status"] in ("failed", "deferred", "accepted"):
            problems.append(f"{f['file']}: {f['status']} {[x['code'] for x in f['findings']]}")
        elif f["status"] == "rejected" and not f["findings"]:
            problems.append(f"{f['file']}: rejected without a finding")
    left = sorted(p.name for p in inbox.rglob("*") if p.is_file())
    if left:
        problems.append(f"inbox not empty: {len(left)} files, {left[:10]}")
    lost = collections.Counter(cause for f in answer["files"] for x in f["findings"] if x["code"] == "file-unreadable"
                               for cause, words in LOST.items() if words in json.dumps(x, ensure_ascii=False))
    return {"outcomes": dict(outcomes), "codes": dict(codes.most_common(12)),
            "reader_crashes": lost["crash"], "time_limited": lost["time-limit"]}, problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--demo", type=Path, default=DEMO if DEMO.is_dir() else None,
                        help="a demo workspace to copy (default /work/demo-ref, else zhurnal demo builds one)")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--keep", action="store_true", help="keep the workspace (its path is printed)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="zhurnal-hostile-files-"))
    try:
        ws = _workspace(args.demo, scratch)
        names = _fill_inbox(args.folders, ws / "inbox")
        started = time.perf_counter()
        done = subprocess.run([*ZHURNAL, "-w", str(ws), "ingest", "--json"],
                              capture_output=True, text=True, timeout=args.timeout)
        seconds = round(time.perf_counter() - started, 1)
        peak_mb = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
        if done.returncode not in (0, 1):
            print(json.dumps({"exit": done.returncode, "stderr": done.stderr[-2000:]}, ensure_ascii=False))
            return 1
        figures, problems = _judge(names, json.loads(done.stdout), ws / "inbox")
        print(json.dumps({"files": len(names), **figures, "seconds": seconds,
                          "per_file_ms": round(1000 * seconds / max(len(names), 1), 1), "peak_rss_mb": peak_mb,
                          "exit": done.returncode, "problems": problems,
                          **({"workspace": str(ws)} if args.keep else {})}, ensure_ascii=False))
        return 1 if problems else 0
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
