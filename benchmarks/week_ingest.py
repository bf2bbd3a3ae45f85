"""Benchmark: a school week of N students issued, filled, ingested and published, phase by phase.

    python benchmarks/week_ingest.py --students 1000

Prints seconds per phase, workbooks per second for the week's ingest, diaries per second for
publishing, and the process's peak memory (resident set size).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import tempfile
import time
from pathlib import Path

from zhurnal.batch.issue import issue_setup, issue_week
from zhurnal.core.settings import load_settings
from zhurnal.demo.fill import fill_workbook
from zhurnal.demo.run import DEMO_NOW, DEMO_WEEK
from zhurnal.demo.school import build_school, roster_subjects
from zhurnal.demo.week import fill_week
from zhurnal.ingest.pipeline import ingest
from zhurnal.kinds.roster.issue import issue as issue_roster
from zhurnal.kinds.roster.spec import spec as roster_spec
from zhurnal.kinds.setup.spec import SPEC as SETUP
from zhurnal.publish.run import publish_week
from zhurnal.school.context import open_context
from zhurnal.school.snapshot import load_school
from zhurnal.school.workspace import init_workspace
from zhurnal.store import open_store


def setup_and_rosters(ctx, school) -> None:
    """Ingest ``school``'s setup, then its class rosters, into the context's workspace."""
    inbox = ctx.settings.inbox
    fill_workbook(issue_setup(ctx), inbox / "setup.xlsx", SETUP, school.setup)
    assert ingest(ctx).ok
    for code, roster in school.rosters.items():
        fill_workbook(issue_roster(ctx, code), inbox / f"{code}.xlsx",
                      roster_spec(roster_subjects(roster)), roster)
    assert ingest(ctx).ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    timings: dict[str, float] = {}

    def phase(name: str, started: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - started, 2)
        return now

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "ws"
        init_workspace(root, code="bench", name="Школа")
        toml = root / "zhurnal.toml"
        toml.write_text(toml.read_text(encoding="utf-8").replace("settle_seconds = 2.0", "settle_seconds = 0"),
                        encoding="utf-8")
        settings = load_settings(root)
        engine = open_store(settings.store_url)
        ctx = open_context(settings, engine, now=DEMO_NOW)
        t = time.perf_counter()
        school = build_school(args.students, args.seed)
        setup_and_rosters(ctx, school)
        t = phase("setup_and_rosters", t)
        templates = issue_week(ctx, DEMO_WEEK)
        t = phase("issue_week", t)
        with engine.connect() as conn:
            snapshot = load_school(conn, 1)
        filled = fill_week(snapshot, templates, Path(folder) / "typed", DEMO_WEEK, random.Random(args.seed))
        t = phase("fill_week", t)
        for path in [*filled.journals.values(), *filled.registers.values()]:
            shutil.move(path, settings.inbox / path.name)
        report = ingest(ctx)
        t = phase("ingest_week", t)
        assert report.ok, [f.findings[:2] for f in report.files if f.status != "accepted"]
        published = publish_week(ctx, DEMO_WEEK)
        t = phase("publish_week", t)
    result = {"students": args.students, "workbooks": len(templates), "seconds": timings,
              "week_workbooks_per_second": round(len(templates) / timings["ingest_week"], 1),
              "diaries": published.diaries, "mails": published.mails,
              "diaries_per_second": round(published.diaries / timings["publish_week"], 1),
              "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
