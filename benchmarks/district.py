"""A region's week on Procrastinate workers: N small schools in one PostgreSQL server, the week
run with 1 and with 2 worker processes; throughput, the share of the workers' time spent waiting
on the store and on locks, and a projection for 1,000 schools on K machines.

    python benchmarks/district.py [--schools 20] [--students 50] [--workbooks 5] [--render-per-class]

Each school is a copy of one small demo school (its setup and rosters ingested, the week's
journals issued and filled, ``--workbooks`` of them in its inbox), each with its own store
database (a template copy) on a private PostgreSQL cluster on loopback (tests/postgres.py); the
queue is another database of that cluster. No mail server: send finds none configured and the
mail waits in the outbox (its cost is not measured here). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import SATURDAY, WEEK, Workspace, _build_rosters, point_store  # noqa: E402
from postgres import Postgres  # noqa: E402
from test_district_queue import week_done  # noqa: E402

from zhurnal.batch.issue import issue_week  # noqa: E402
from zhurnal.demo.school import build_school  # noqa: E402
from zhurnal.demo.week import fill_week  # noqa: E402
from zhurnal.district.queue import connect  # noqa: E402
from zhurnal.district.settings import load_district  # noqa: E402
from zhurnal.district.status import defer_week, queue_status  # noqa: E402


def prepare(server: Postgres, folder: Path, students: int, workbooks: int) -> tuple[Path, str]:
    """One small school ready for its week; (its folder, its store database)."""
    database = server.create()
    _build_rosters(folder, server.url(database), build_school(students=students, seed=7))
    ws = Workspace(folder)
    filled = fill_week(ws.school(), issue_week(ws.ctx(), WEEK), folder.parent / "typed", WEEK, random.Random(5))
    for item in [*sorted(filled.journals.values())[:workbooks], *sorted(filled.registers.values())[:1]]:
        shutil.copy2(item, ws.settings.inbox / item.name)
    ws.engine.dispose()
    # the few journals publish their classes' diaries (a class with none in stays held)
    toml = folder / "zhurnal.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("complete_share = 1.0", "complete_share = 0.01"),
                    encoding="utf-8")
    return folder, database


class Sampler(threading.Thread):
    """Every 0.1 s: how many of the schools' store connections are active, and how many of those
    wait on a lock (pg_stat_activity)."""

    def __init__(self, server: Postgres, databases: list[str]) -> None:
        super().__init__(daemon=True)
        self.server, self.databases, self.samples = server, databases, []
        self.stop = threading.Event()

    def run(self) -> None:
        import psycopg
        with psycopg.connect(host="127.0.0.1", port=self.server.port, user="zhurnal_test", dbname="postgres",
                             autocommit=True) as conn:
            while not self.stop.is_set():
                self.samples.append(conn.execute(
                    "SELECT count(*) FILTER (WHERE state = 'active'), "
                    "count(*) FILTER (WHERE state = 'active' AND wait_event_type = 'Lock') "
                    "FROM pg_stat_activity WHERE datname = ANY(%s) AND pid <> pg_backend_pid()",
                    (self.databases,)).fetchone())
                time.sleep(0.1)


def run(server: Postgres, base: tuple[Path, str], n: int, workers: int, where: Path, per_class: bool) -> dict:
    schools, databases = {}, []
    for i in range(n):
        folder = where / f"s{i:03d}"
        shutil.copytree(base[0], folder)
        databases.append(server.create(template=base[1]))
        point_store(folder, server.url(databases[-1]))
        schools[f"s{i:03d}"] = folder
    toml = where / "district.toml"
    toml.write_text(f'queue_url = "{server.url(server.create())}"\nheartbeat_seconds = 2\nstalled_seconds = 10\n'
                    f"render_per_class = {str(per_class).lower()}\n[schools]\n" + "".join(f'{code} = "{path}"\n' for code, path in schools.items()), encoding="utf-8")
    district = load_district(toml)
    sampler = Sampler(server, databases)
    began = time.monotonic()
    defer_week(district, WEEK, now=SATURDAY)
    procs = [subprocess.Popen([sys.executable, "-m", "zhurnal.cli", "worker", "--district", str(toml)],
                              stdout=subprocess.DEVNULL, stderr=(where / f"w{k}.log").open("w")) for k in range(workers)]
    sampler.start()
    try:
        while True:
            states = queue_status(district).states
            if week_done(district, n):
                break
            if any(s.get("failed") for s in states.values()):
                raise SystemExit(f"a job failed: {queue_status(district).failed}")
            time.sleep(0.5)
        wall = time.monotonic() - began
    finally:
        sampler.stop.set()
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=60)
    with connect(district) as conn:
        step_seconds = dict(conn.execute(
            "SELECT split_part(task_name, '.', 2), sum(extract(epoch FROM d)) FROM (SELECT j.task_name, "
            "max(e.at) FILTER (WHERE e.type = 'succeeded') - max(e.at) FILTER (WHERE e.type = 'started') AS d "
            "FROM procrastinate_jobs j JOIN procrastinate_events e ON e.job_id = j.id "
            "WHERE j.task_name LIKE 'zhurnal.%' AND j.status = 'succeeded' GROUP BY j.id, j.task_name) t "
            "GROUP BY 1").fetchall())
    diaries = sum(len(list((path / "outbox" / WEEK.label / "diaries").rglob("*.pdf"))) for path in schools.values())
    books = n * len([f for f in (base[0] / "inbox").iterdir() if f.is_file()])    # each school's inbox, all taken
    samples = sampler.samples or [(0, 0)]
    return {"workers": workers, "wall": wall, "diaries": diaries, "workbooks": books,
            "steps": {k: float(v) for k, v in step_seconds.items()},
            "store_share": sum(a for a, _ in samples) / (len(samples) * workers),
            "lock_share": sum(b for _, b in samples) / (len(samples) * workers)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--schools", type=int, default=20)
    parser.add_argument("--students", type=int, default=50)
    parser.add_argument("--workbooks", type=int, default=5)
    parser.add_argument("--render-per-class", action="store_true", help="diaries rendered one job per class")
    args = parser.parse_args()
    server = Postgres()
    where = Path(tempfile.mkdtemp(prefix="zhurnal-district-bench-"))
    try:
        started = time.monotonic()
        base = prepare(server, where / "base" / "ws", args.students, args.workbooks)
        print(f"school prepared in {time.monotonic() - started:.0f} s", file=sys.stderr)
        results = []
        for workers in (1, 2):
            results.append(run(server, base, args.schools, workers, where / f"run{workers}", args.render_per_class))
            print(f"{workers} worker(s): {results[-1]['wall']:.0f} s", file=sys.stderr)
        report(results, args.schools)
    finally:
        server.stop()
        shutil.rmtree(where, ignore_errors=True)


def report(results: list[dict], n: int) -> None:
    print("| workers | schools | wall s | diaries/s | workbooks/s | ingest s | render s | publish s | send s "
          "| backup s | store share | lock share |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        s = r["steps"]
        print(f"| {r['workers']} | {n} | {r['wall']:.1f} | {r['diaries'] / r['wall']:.1f} | "
              f"{r['workbooks'] / r['wall']:.2f} | {s.get('ingest', 0):.1f} | {s.get('render', 0):.1f} | "
              f"{s.get('publish', 0):.1f} | "
              f"{s.get('send', 0):.1f} | {s.get('backup', 0):.1f} | {r['store_share']:.0%} | {r['lock_share']:.0%} |")
    one, two = results[0], results[-1]
    # per-item costs from the one-worker run (job time, not wall time): a diary's share of publish,
    # a workbook's of ingest, the rest a per-school cost
    per_diary = (one["steps"].get("render", 0) + one["steps"].get("publish", 0)) / max(1, one["diaries"])
    per_book = one["steps"].get("ingest", 0) / max(1, one["workbooks"])
    per_school = (one["steps"].get("send", 0) + one["steps"].get("backup", 0)) / n
    speedup = one["wall"] / two["wall"]
    work = 500_000 * per_diary + 40_000 * per_book + 1_000 * per_school
    print(f"\nper diary {per_diary:.3f} s, per workbook {per_book:.3f} s, per school (send, backup) "
          f"{per_school:.3f} s; 2 workers vs 1 on this 2-core machine: ×{speedup:.2f}")
    print("\n| machines (2 cores, 2 workers each) | projected week for 1,000 schools |")
    print("|---|---|")
    for k in (1, 2, 5, 10, 20):
        hours = work / (speedup * k) / 3600
        print(f"| {k} | {hours:.1f} h |")
    print("\nAssumes: 500,000 diaries and 40,000 workbooks a week; costs linear in items (a diary "
          "costs what a 50-pupil school's does; a workbook what one of these does); machines like "
          "this one; the store and the shared storage never the bottleneck (their share measured "
          "above at 1–2 workers, not at 40); no mail server (send's cost excluded).")


if __name__ == "__main__":
    main()
