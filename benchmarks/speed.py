"""Speed of ingest and publish, each beside its floor measured on the same work in the same run.

    python benchmarks/speed.py --students 1000

A school of N students gets its setup and rosters (not timed), the week 2026-W48 issued and
filled as staff would (not timed), then:

- ``ingest``: ``zhurnal ingest`` of the week's workbooks (journals and registers), in process;
- ``ingest_floor``: the least any ingest of the same files must do — read every sheet of each
  file with python-calamine, sha256 each, copy each into a folder, and insert the rows this
  ingest wrote (the same number per table, taken from the store) with one executemany per
  table in one transaction into an empty store of the same schema;
- ``publish``: ``zhurnal publish --week`` (diaries, mail, print bundles, summary);
- ``publish_floor``: the same diaries' data compiled by Typst with one reused compiler per
  core, all cores busy (no files written).

``--store-url URL`` runs the school's store there (an empty PostgreSQL database, say);
``--postgresql`` starts a private PostgreSQL cluster for the run (tests/postgres.py). The
floors stay on SQLite. ``store_mb`` is the store's size (the SQLite file with its WAL, or
``pg_database_size``) before the week and after it was ingested and published, and
``year_mb`` extrapolates a school year: the size before the week plus 34 school weeks each
growing the store as this one did (a week's lessons, marks, absences, revisions, submissions,
states and mail are each proportional to the week; setup and rosters are made once).

Prints one JSON line: seconds, the ratios job/floor, and the peak resident set size of the
run's own process and of its largest reader process (ingest reads on every core, MB). Targets (issue 15): ingest ≤ 3× its floor, publish ≤ 1.3×, peak RSS ≤ 400 MB.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import json
import os
import random
import resource
import shutil
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import typst
from python_calamine import CalamineWorkbook
from sqlalchemy import create_engine, insert, select, text

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
from zhurnal.publish.diary import template_path
from zhurnal.publish.run import publish_week
from zhurnal.publish.week_data import load_week
from zhurnal.school.context import open_context
from zhurnal.school.workspace import init_workspace
from zhurnal.store import open_store
from zhurnal.store import schema as s


def _rows(engine) -> dict[str, Counter]:
    """Every table's rows as a multiset of tuples."""
    with engine.connect() as conn:
        return {t.name: Counter(tuple(r) for r in conn.execute(select(t))) for t in s.metadata.sorted_tables}


def _written(before: dict[str, Counter], after: dict[str, Counter]) -> dict[str, list[tuple]]:
    """The rows each table gained."""
    return {name: list((after[name] - before[name]).elements()) for name in after if after[name] - before[name]}


def ingest_floor(files: list[Path], rows: dict[str, list[tuple]], folder: Path) -> float:
    """Read, hash and copy every file, then insert ``rows`` table by table; seconds."""
    copies = folder / "copies"
    copies.mkdir(parents=True)
    engine = create_engine(f"sqlite:///{folder / 'floor.sqlite'}")
    s.metadata.create_all(engine)
    started = time.perf_counter()
    for path in files:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python()
        hashlib.sha256(path.read_bytes()).hexdigest()
        shutil.copyfile(path, copies / path.name)
    with engine.begin() as conn:
        for table in s.metadata.sorted_tables:
            if rows.get(table.name):
                names = [c.name for c in table.columns]
                conn.execute(insert(table), [dict(zip(names, row)) for row in rows[table.name]])
    return time.perf_counter() - started


def publish_floor(template: Path, diaries: list[dict]) -> float:
    """Compile each diary with Typst, one reused compiler per core; seconds."""
    local = threading.local()

    def compile_one(diary: dict) -> int:
        if not hasattr(local, "compiler"):
            local.compiler = typst.Compiler(str(template), root=str(template.parent))
        return len(local.compiler.compile(sys_inputs={"data": json.dumps({"diaries": [diary]}, ensure_ascii=False)}))

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        sum(pool.map(compile_one, diaries))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--store-url", help="the store (default: SQLite in the workspace)")
    parser.add_argument("--postgresql", action="store_true", help="a private PostgreSQL cluster for the run")
    parser.add_argument("--profile", metavar="FILE", help="write a cProfile of the timed ingest to FILE")
    parser.add_argument("--profile-publish", metavar="FILE",
                        help="write a cProfile of the timed publish's main thread to FILE (the diaries "
                             "render in other threads: their Typst time is not in it)")
    args = parser.parse_args()
    server = None
    if args.postgresql:
        import sys
        sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
        from postgres import Postgres
        server = Postgres()
        args.store_url = server.url(server.create())
    if args.store_url:
        os.environ["ZHURNAL_STORE_URL"] = args.store_url
    try:
        run(args)
    finally:
        if server:
            server.stop()


def _cpu() -> float:
    """Processor seconds (user and system) this process has used so far, all threads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def store_mb(engine) -> float:
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return conn.execute(text("SELECT pg_database_size(current_database())")).scalar() / 2**20
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database = Path(engine.url.database)
    return sum(p.stat().st_size for p in database.parent.glob(database.name + "*") if p.is_file()) / 2**20


def run(args) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        root = folder / "ws"
        init_workspace(root, code="bench", name="Школа")
        settings = load_settings(root)
        engine = open_store(settings.store_url)
        ctx = open_context(settings, engine, now=DEMO_NOW)
        school = build_school(args.students, args.seed)
        fill_workbook(issue_setup(ctx), settings.inbox / "setup.xlsx", SETUP, school.setup)
        assert ingest(ctx).ok
        for code, roster in school.rosters.items():
            fill_workbook(issue_roster(ctx, code), settings.inbox / f"{code}.xlsx",
                          roster_spec(roster_subjects(roster)), roster)
        assert ingest(ctx).ok
        templates = issue_week(ctx, DEMO_WEEK)
        with engine.connect() as conn:
            from zhurnal.school.snapshot import load_school
            snapshot = load_school(conn, 1)
        filled = fill_week(snapshot, templates, folder / "typed", DEMO_WEEK, random.Random(args.seed))
        typed = [*filled.journals.values(), *filled.registers.values()]
        pristine = folder / "pristine"
        pristine.mkdir()
        for path in typed:
            shutil.copyfile(path, pristine / path.name)
            # files that arrived long ago: no settle wait inside the timed ingest
            shutil.move(path, settings.inbox / path.name)
            os.utime(settings.inbox / path.name, (time.time() - 3600, time.time() - 3600))
        before = _rows(engine)
        size_before = store_mb(engine)

        profile = cProfile.Profile() if args.profile else None
        started = time.perf_counter()
        if profile:
            profile.enable()
        report = ingest(ctx)
        ingest_s = time.perf_counter() - started
        if profile:
            profile.disable()
            profile.dump_stats(args.profile)
        assert report.ok, [f.findings[:2] for f in report.files if f.status != "accepted"]
        written = _written(before, _rows(engine))
        ingest_floor_s = ingest_floor(sorted(pristine.iterdir()), written, folder / "floor")

        profile = cProfile.Profile() if args.profile_publish else None
        cpu = _cpu()
        started = time.perf_counter()
        if profile:
            profile.enable()
        published = publish_week(ctx, DEMO_WEEK)
        publish_s = time.perf_counter() - started
        publish_cpu = _cpu() - cpu
        if profile:
            profile.disable()
            profile.dump_stats(args.profile_publish)
        size_after = store_mb(engine)
        with engine.connect() as conn:
            data = load_week(conn, 1, DEMO_WEEK, settings)
        diaries = [data.diary(st["id"]) for code in data.school.classes for st in data.school.class_students(code)]
        cpu = _cpu()
        publish_floor_s = publish_floor(template_path(settings.workspace), diaries)
        publish_floor_cpu = _cpu() - cpu

    print(json.dumps({
        "students": args.students, "workbooks": len(typed), "diaries": published.diaries,
        "rows_written": {k: len(v) for k, v in sorted(written.items())},
        "seconds": {"ingest": round(ingest_s, 2), "ingest_floor": round(ingest_floor_s, 2),
                    "publish": round(publish_s, 2), "publish_floor": round(publish_floor_s, 2)},
        # processor seconds of this process (all its threads): what the work costs whatever else
        # the machine is doing; publish minus its floor is what publishing adds to Typst
        "cpu_seconds": {"publish": round(publish_cpu, 2), "publish_floor": round(publish_floor_cpu, 2)},
        "ratio": {"ingest": round(ingest_s / ingest_floor_s, 2), "publish": round(publish_s / publish_floor_s, 2)},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        # the largest reader process ingest forked (it shares the run's pages until it writes them)
        "peak_rss_reader_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "cores": os.cpu_count(), "store": engine.dialect.name,
        "store_mb": {"before_week": round(size_before, 1), "after_week": round(size_after, 1)},
        "year_mb": round(size_before + 34 * (size_after - size_before), 1),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
