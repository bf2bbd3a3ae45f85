"""A region's week on Procrastinate workers, exactly once under crashes: three small schools, two
worker processes, one killed with SIGKILL mid-ingest and one mid-publish (at events, not after a
time); after the stalled jobs are retried each school's store equals a clean one-process run,
each parent got each diary once (a local SMTP server per school counts), no job is left failed,
and finished jobs are purged."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from click.testing import CliRunner
from conftest import SATURDAY, WEEK, Workspace, point_store
from sqlalchemy import make_url
from test_send import Mailbox

from zhurnal.batch.issue import issue_week
from zhurnal.cli import main
from zhurnal.core.settings import load_settings
from zhurnal.district.jobs import STEPS, job_args, run_step
from zhurnal.district.queue import connect, make_app
from zhurnal.district.settings import load_district
from zhurnal.district.status import defer_week, queue_status
from zhurnal.store import open_store
from zhurnal.store.compare import compare, dump

SCHOOLS = ("a", "b", "c")
HERE = Path(__file__).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _with_smtp(path: Path, port: int) -> None:
    toml = path / "zhurnal.toml"
    head, _, tail = toml.read_text(encoding="utf-8").partition("[smtp]\n")
    tail = (tail.replace('host = ""', 'host = "127.0.0.1"', 1).replace("port = 587", f"port = {port}", 1)
            .replace('security = "starttls"', 'security = "none"', 1).replace("rate_per_minute = 60\n", "rate_per_minute = 60000\n", 1)
            .replace("retries = 3", "retries = 1", 1))
    toml.write_text(head + "[smtp]\n" + tail, encoding="utf-8")


@pytest.fixture
def region(tmp_path, _school_with_rosters, postgres):
    """A school with its week's workbooks in the inbox (prepared once), copied four times (its own
    store each): «clean» and the district's a, b, c; an SMTP server for each; (paths, mailboxes)."""
    prepared = _school_with_rosters.copy("postgresql", tmp_path / "prepared")
    ws = Workspace(prepared)
    from zhurnal.demo.week import fill_week
    filled = fill_week(ws.school(), issue_week(ws.ctx(), WEEK), tmp_path / "typed", WEEK, random.Random(5))
    # a few of the week's workbooks (enough to be killed between two of them): a small test
    for item in [*sorted(filled.journals.values())[:4], *sorted(filled.registers.values())[:1]]:
        shutil.copy2(item, ws.settings.inbox / item.name)
    template = make_url(ws.settings.store_url).database
    ws.engine.dispose()
    # the few journals publish their classes' diaries (a class with none in stays held, as it should)
    toml = prepared / "zhurnal.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("complete_share = 1.0", "complete_share = 0.01"),
                    encoding="utf-8")
    paths, mailboxes, servers = {}, {}, []
    for name in ("clean", *SCHOOLS):
        paths[name] = tmp_path / name
        shutil.copytree(prepared, paths[name])
        point_store(paths[name], postgres.url(postgres.create(template=template)))
        mailboxes[name], port = Mailbox(), _free_port()
        servers.append(Controller(mailboxes[name], hostname="127.0.0.1", port=port))
        servers[-1].start()
        _with_smtp(paths[name], port)
    yield paths, mailboxes
    for server in servers:
        server.stop()


def _store(path: Path) -> dict[str, list[str]]:
    engine = open_store(load_settings(path, need_key=False).store_url)
    with engine.connect() as conn:
        rows = dump(conn, conn.exec_driver_sql("SELECT id FROM schools").scalar_one(), volatile=True)
    engine.dispose()
    return rows


def _diaries(mailbox: Mailbox) -> Counter:
    """(recipient, Message-ID) → how many times it arrived, diaries only."""
    return Counter((rcpt, msg["Message-ID"]) for rcpt, messages in mailbox.by_recipient().items()
                   for msg in messages if msg["Message-ID"].startswith("<diary."))


def week_done(district, schools: int) -> bool:
    """Every school's four steps succeeded (once or more: how many is asserted after) and
    nothing of the week waits or runs."""
    with connect(district) as conn:
        done, open_ = conn.execute(
            "SELECT count(DISTINCT (args->>'school', task_name)) FILTER (WHERE status = 'succeeded' "
            "AND task_name <> 'zhurnal.render'), count(*) FILTER (WHERE status IN ('todo', 'doing')) "
            "FROM procrastinate_jobs WHERE task_name IN ('zhurnal.ingest', 'zhurnal.render', "
            "'zhurnal.publish', 'zhurnal.send', 'zhurnal.backup')").fetchone()
    return done == schools * len(STEPS) and open_ == 0


def _jobs_table(district) -> str:
    with connect(district) as conn:
        return "\n".join(" ".join(map(str, row)) for row in conn.execute(
            "SELECT id, task_name, args->>'school', args->>'class', status, attempts FROM procrastinate_jobs "
            "ORDER BY id"))


def _classes(path: Path) -> int:
    from zhurnal.school.snapshot import load_school
    engine = open_store(load_settings(path, need_key=False).store_url)
    with engine.connect() as conn:
        count = len(load_school(conn, conn.exec_driver_sql("SELECT id FROM schools").scalar_one()).classes)
    engine.dispose()
    return count


def _workers_until_done(district_toml: Path, markers: Path, logs: Path, kills: list[str], timeout: float = 900):
    """Two workers; a killed one is replaced (as a service manager would) until the week's 12
    jobs have succeeded. The exit codes of the workers that ended."""
    district = load_district(district_toml)
    start = lambda n: subprocess.Popen([sys.executable, str(HERE / "district_worker.py"), str(district_toml),
                                        str(markers), *kills], stdout=(logs / f"w{n}.log").open("w"),
                                       stderr=subprocess.STDOUT)
    workers, ended, started = [start(0), start(1)], [], 2
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            for i, proc in enumerate(workers):
                if proc.poll() is not None:
                    ended.append(proc.returncode)
                    workers[i], started = start(started), started + 1
            states = queue_status(district).states
            if week_done(district, len(SCHOOLS)):
                return ended
            time.sleep(0.5)
        raise AssertionError(f"not done in {timeout} s: {states}\n{_jobs_table(district)}\n" +
                             "\n".join(p.read_text()[-3000:] for p in logs.glob("*.log")))
    finally:
        for proc in workers:
            proc.terminate()
        for proc in workers:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.mark.slow
def test_two_workers_killed_mid_ingest_and_mid_publish_leave_what_one_clean_run_leaves(region, postgres, tmp_path):
    """GIVEN three schools' weeks queued and two workers, of which the one that takes school b's
    ingest is killed (SIGKILL) after two workbooks are committed and the one that takes school c's
    publish is killed after the diaries and the mail ledger are written WHEN the stalled jobs are
    retried (heartbeat lapsed) and the week finishes THEN each school's store equals the clean
    one-process run's, each parent got each diary exactly once, no job failed; purging then
    leaves no job rows."""
    paths, mailboxes = region
    for step in STEPS:                                  # the clean run: one process, the same steps
        run_step(step, job_args("clean", paths["clean"], WEEK.label, SATURDAY))
    clean_store, clean_mail = _store(paths["clean"]), _diaries(mailboxes["clean"])
    assert clean_mail and set(clean_mail.values()) == {1}

    district_toml = tmp_path / "district.toml"
    # a live worker's beat can lapse for seconds on a loaded 2-core machine (a compile holding the
    # interpreter); 10 s keeps a busy worker from being taken for a dead one
    district_toml.write_text(
        f'queue_url = "{postgres.url(postgres.create())}"\nheartbeat_seconds = 1\nstalled_seconds = 10\n'
        "retry_every_seconds = 1\npurge_hours = 0\nrender_per_class = true\n[schools]\n" +
        "".join(f'{name} = "{paths[name]}"\n' for name in SCHOOLS), encoding="utf-8")
    district = load_district(district_toml)
    deferred = defer_week(district, WEEK, now=SATURDAY)
    assert sorted(deferred.jobs) == list(SCHOOLS) and all(deferred.jobs.values())
    assert defer_week(district, WEEK, now=SATURDAY).jobs == {name: None for name in SCHOOLS}   # no second ingest

    markers, logs = tmp_path / "markers", tmp_path / "logs"
    markers.mkdir(), logs.mkdir()
    ended = _workers_until_done(district_toml, markers, logs, ["ingest:b", "publish:c"])

    assert (markers / "ingest").exists() and (markers / "publish").exists()      # both kills happened…
    assert ended.count(-9) == 2, ended                                           # …by SIGKILL
    for name in SCHOOLS:
        same, report = compare(clean_store, _store(paths[name]))
        assert same, (name, report)
        assert _diaries(mailboxes[name]) == clean_mail, name
    found = queue_status(district)
    assert found.failed == [] and found.ok
    assert {school: set(states) for school, states in found.states.items()} == {name: {"succeeded"} for name in SCHOOLS}
    with connect(district) as conn:
        jobs = conn.execute("SELECT args->>'school', task_name, count(*) FROM procrastinate_jobs "
                            "WHERE task_name LIKE 'zhurnal.%%' AND task_name NOT IN ('zhurnal.retry_stalled', "
                            "'zhurnal.purge') GROUP BY 1, 2").fetchall()
        started = dict(conn.execute("SELECT j.task_name || ':' || (j.args->>'school'), count(*) FROM procrastinate_jobs j "
                                    "JOIN procrastinate_events e ON e.job_id = j.id WHERE e.type = 'started' "
                                    "GROUP BY 1").fetchall())
    classes = _classes(paths["clean"])
    # one job per step (the killed ones were retried, not deferred again) and one render per class
    assert sorted(jobs) == sorted([(name, f"zhurnal.{step}", 1) for name in SCHOOLS for step in STEPS] +
                                  [(name, "zhurnal.render", classes) for name in SCHOOLS]), _jobs_table(district)
    assert started["zhurnal.ingest:b"] == 2 and started["zhurnal.ingest:a"] == started["zhurnal.ingest:c"] == 1
    assert started["zhurnal.publish:c"] >= 2
    status = CliRunner().invoke(main, ["district", "status", "--district", str(district_toml), "--json"])
    assert status.exit_code == 0 and '"failed": []' in status.output, status.output

    from zhurnal.district.jobs import purge_jobs
    app = make_app(district, worker=True)

    async def purge():
        async with app.open_async():
            await purge_jobs(app, district.purge_hours)
    asyncio.run(purge())
    assert queue_status(district).states == {}


def test_status_shows_states_the_failed_reason_and_purge_keeps_recent_jobs(postgres, tmp_path):
    """GIVEN a queue with school a's ingest done three hours ago, b's failed a moment ago (its
    reason recorded), c's waiting WHEN ``district status`` runs THEN it shows each school's state
    and b's reason, in Russian, and exits 1 (JSON the same); purging jobs finished more than an
    hour ago removes a's job only."""
    toml = tmp_path / "district.toml"
    toml.write_text(f'queue_url = "{postgres.url(postgres.create())}"\npurge_hours = 1\n[schools]\n'
                    'a = "a"\nb = "b"\nc = "c"\n', encoding="utf-8")
    district = load_district(toml)
    queued = CliRunner().invoke(main, ["district", "run", "--district", str(toml), "--week", WEEK.label, "--json"])
    assert queued.exit_code == 0, queued.output
    jobs = json.loads(queued.output)["jobs"]
    assert sorted(jobs) == ["a", "b", "c"] and all(jobs.values())
    again = CliRunner().invoke(main, ["district", "run", "--district", str(toml), "--week", WEEK.label])
    assert again.exit_code == 0 and "уже ждут в очереди: a, b, c" in again.output, again.output
    with connect(district) as conn:
        for school, final in (("a", "succeeded"), ("b", "failed")):
            conn.execute("UPDATE procrastinate_jobs SET status = 'doing' WHERE id = %s", (jobs[school],))
            conn.execute(f"UPDATE procrastinate_jobs SET status = '{final}' WHERE id = %s", (jobs[school],))
        conn.execute("UPDATE procrastinate_events SET at = at - interval '3 hours' WHERE job_id = %s", (jobs["a"],))
        conn.execute("INSERT INTO zhurnal_job_failures (job_id, step, school, reason) VALUES "
                     "(%s, 'ingest', 'b', 'ServerUnavailable: сервер IMAP недоступен')", (jobs["b"],))
    said = CliRunner().invoke(main, ["district", "status", "--district", str(toml)])
    assert said.exit_code == 1, said.output
    assert "a: сделано 1" in said.output and "c: ждут 1" in said.output, said.output
    assert f"b приём №{jobs['b']}: ServerUnavailable: сервер IMAP недоступен" in said.output, said.output
    found = queue_status(district)
    assert found.states == {"a": {"succeeded": 1}, "b": {"failed": 1}, "c": {"todo": 1}}
    assert [(f["school"], f["step"]) for f in found.failed] == [("b", "ingest")]

    from zhurnal.district.jobs import purge_jobs
    app = make_app(district, worker=True)

    async def purge():
        async with app.open_async():
            await purge_jobs(app, district.purge_hours)
    asyncio.run(purge())
    assert queue_status(district).states == {"b": {"failed": 1}, "c": {"todo": 1}}


def test_a_retried_step_defers_its_successor_once_per_run(postgres, tmp_path):
    """GIVEN school a's publish deferred by its ingest in a run, then run and succeeded WHEN the
    ingest is retried (its worker died after deferring but before it was marked done) and
    defers publish again THEN no second publish is added; a render of one class likewise; a
    new run of the week (another ``now``) defers its own publish."""
    toml = tmp_path / "district.toml"
    toml.write_text(f'queue_url = "{postgres.url(postgres.create())}"\n[schools]\na = "a"\n', encoding="utf-8")
    district = load_district(toml)
    from zhurnal.district.jobs import defer_step
    from zhurnal.district.queue import ensure_schema
    ensure_schema(district)
    app = make_app(district)
    args = job_args("a", tmp_path / "a", WEEK.label, SATURDAY)
    with app.open():
        first = defer_step(app, "publish", args, successor=True)
        render = defer_step(app, "render", {**args, "class": "5А"}, successor=True)
        assert first and render
        with connect(district) as conn:
            conn.execute("UPDATE procrastinate_jobs SET status = 'doing' WHERE id = ANY(%s)", ([first, render],))
            conn.execute("UPDATE procrastinate_jobs SET status = 'succeeded' WHERE id = ANY(%s)", ([first, render],))
        assert defer_step(app, "publish", args, successor=True) is None
        assert defer_step(app, "render", {**args, "class": "5А"}, successor=True) is None
        other_class = defer_step(app, "render", {**args, "class": "5Б"}, successor=True)
        later = defer_step(app, "publish", job_args("a", tmp_path / "a", WEEK.label,
                                                    SATURDAY + dt.timedelta(hours=1)), successor=True)
        assert other_class and later and len({first, render, other_class, later}) == 4
    with connect(district) as conn:
        assert conn.execute("SELECT count(*) FROM procrastinate_jobs WHERE task_name = 'zhurnal.publish'"
                            ).fetchone()[0] == 2
