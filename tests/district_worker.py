"""A ``zhurnal worker`` for the crash test, with kill points: the process kills itself with
SIGKILL at an event — after the second workbook of one school's ingest is committed, or when one
school's publish has written its diaries and the mail ledger (before its print bundles) — once
per event (a marker file, made before the kill, keeps the retry alive).

    python district_worker.py DISTRICT_TOML MARKERS_DIR ingest:WORKSPACE_NAME publish:WORKSPACE_NAME
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

import zhurnal.ingest.pipeline as pipeline
import zhurnal.publish.run as run
from zhurnal.district.queue import work
from zhurnal.district.settings import load_district

district, markers = Path(sys.argv[1]), Path(sys.argv[2])
kills = dict(spec.split(":", 1) for spec in sys.argv[3:])          # event → workspace folder name


def _die_once(event: str, workspace: Path) -> None:
    if kills.get(event) != workspace.name:
        return
    try:
        (markers / event).touch(exist_ok=False)                    # the first time only
    except FileExistsError:
        return
    (markers / f"{event}.pid").write_text(str(os.getpid()))
    os.kill(os.getpid(), signal.SIGKILL)


original_one, seen = pipeline._Run.one, {}


def one(self, read):
    result = original_one(self, read)
    if result is not None and result.status == "accepted":
        name = self.ctx.settings.workspace.name
        seen[name] = seen.get(name, 0) + 1
        if seen[name] == 2:                                        # two committed, the rest not yet
            _die_once("ingest", self.ctx.settings.workspace)
    return result


original_bundles = run.print_bundles


def print_bundles(school, rendering, paper, post, out, workspace, *args, **kwargs):
    _die_once("publish", Path(workspace))
    return original_bundles(school, rendering, paper, post, out, workspace, *args, **kwargs)


pipeline._Run.one = one
run.print_bundles = print_bundles
work(load_district(district), name=f"test-{os.getpid()}")
