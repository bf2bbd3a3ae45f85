"""A reader that panics, aborts, is killed or hangs costs its own file only: that file is
refused as unreadable with the cause named, its valid neighbour is accepted, the inbox ends
empty, and the run exits 1.

The faults are injected into the reader itself (``read._calamine_cells``, the call into
python-calamine): the test patches it before the run forks its reader processes, so each
reader process inherits the patch, and the fault happens where a native reader's would."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import settled

from zhurnal.cli import main
from zhurnal.ingest import read, readers, sandbox
from zhurnal.store.schema import students


class FakePanic(BaseException):
    """What pyo3 raises for a Rust panic: a BaseException, not an Exception."""


def _panic():
    raise FakePanic("range end index 64 out of range for slice of length 1")


FAULTS = {
    "panic": (_panic, "сбой программы чтения"),
    "abort": (os.abort, "сбой программы чтения"),
    "sigkill": (lambda: os.kill(os.getpid(), signal.SIGKILL), "сбой программы чтения"),
    "sigsegv": (lambda: os.kill(os.getpid(), signal.SIGSEGV), "сбой программы чтения"),
    "sleep": (lambda: time.sleep(60), "чтение не уложилось в 1 с"),
}


def _hostile_reader(monkeypatch, name: str, fault) -> None:
    real = read._calamine_cells

    def reader(sub):
        if sub.name == name:
            fault()
        return real(sub)

    monkeypatch.setattr(read, "_calamine_cells", reader)


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_reader_that_dies_or_hangs_costs_only_its_file(loaded, monkeypatch, fault):
    """GIVEN a good roster and a workbook whose reader fails in one of the ways native code
    does, WHEN ingest runs, THEN the bad one is rejected as file-unreadable naming the cause,
    the good one is accepted, the inbox is empty and the exit code is 1."""
    toml = loaded.path / "zhurnal.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[ingest]\n", "[ingest]\nread_seconds_limit = 1\n"),
                    encoding="utf-8")
    roster = loaded.prefilled_roster("9А")
    roster["Ученики"].append({**roster["Ученики"][0], "id": None, "full_name": "Новиков Пётр Ильич"})
    bad = loaded.drop_roster("8А", loaded.prefilled_roster("8А"), name="a_bad.xlsx")
    good = loaded.drop_roster("9А", roster, name="b_good.xlsx")
    settled(bad, good)
    action, cause = FAULTS[fault]
    _hostile_reader(monkeypatch, "a_bad.xlsx", action)

    started = time.monotonic()
    result = CliRunner().invoke(main, ["--workspace", str(loaded.path), "ingest", "--json"])
    assert time.monotonic() - started < 30

    assert result.exit_code == 1, result.output
    files = {f["file"]: f for f in json.loads(result.output)["files"]}
    assert files["a_bad.xlsx"]["status"] == "rejected"
    [found] = files["a_bad.xlsx"]["findings"]
    assert found["code"] == "file-unreadable" and cause in found["message"]
    assert files["b_good.xlsx"]["status"] == "accepted", files["b_good.xlsx"]["findings"]
    assert [p for p in loaded.settings.inbox.rglob("*") if p.is_file()] == []   # (teachers' folders stay)
    assert "Новиков Пётр Ильич" in {row["full_name"] for row in loaded.rows(students)}


def test_the_limit_and_the_cause_reach_the_sysadmins_log(loaded, monkeypatch, caplog):
    bad = loaded.drop_roster("8А", loaded.prefilled_roster("8А"), name="slow.xlsx")
    settled(bad)
    _hostile_reader(monkeypatch, "slow.xlsx", lambda: time.sleep(60))
    settings = loaded.settings.model_copy(update={"ingest": loaded.settings.ingest.model_copy(
        update={"read_seconds_limit": 0.5})})
    from zhurnal.ingest.pipeline import ingest
    from zhurnal.school.context import open_context
    with caplog.at_level("WARNING", logger="zhurnal.ingest"):
        report = ingest(open_context(settings, loaded.engine))
    assert [(f.name, f.status, [x.code for x in f.findings]) for f in report.files] == [
        ("slow.xlsx", "rejected", ["file-unreadable"])]
    assert "чтение не уложилось в 0.5 с" in report.files[0].findings[0].message
    assert any("slow.xlsx: time limit" in line for line in caplog.messages)


def test_answers_come_back_in_order_and_a_lost_call_says_why():
    """The sandbox alone: a value, a panic, a death by signal and an overrun, in item order."""
    def call(item):
        if item == "panic":
            _panic()
        if item == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        if item == "hang":
            time.sleep(60)
        if item == "unpicklable":
            return lambda: None
        return item.upper()

    items = ["a", "panic", "b", "kill", "hang", "unpicklable", "c", "big"]
    got = list(sandbox.run_each(lambda i: "x" * 10_000_000 if i == "big" else call(i), items,
                                processes=2, limit_seconds=2))
    assert [item for item, _ in got] == items
    answers = dict(got)
    assert answers["a"] == "A" and answers["b"] == "B" and answers["c"] == "C"
    assert answers["big"] == "x" * 10_000_000            # larger than a pipe's buffer
    assert answers["panic"].cause == "crash" and "FakePanic" in answers["panic"].detail
    assert answers["kill"] == sandbox.Lost("crash", "killed by SIGKILL (out of memory?)")
    assert answers["hang"] == sandbox.Lost("time-limit", "still running after 2 s")
    assert answers["unpicklable"].cause == "unsendable"


def test_stopping_early_kills_what_still_runs(tmp_path):
    def call(item):
        if item:
            (tmp_path / str(os.getpid())).touch()
            time.sleep(60)
        return item

    answers = sandbox.run_each(call, [0, 1, 2], processes=3, limit_seconds=60)
    assert next(answers) == (0, 0)
    deadline = time.monotonic() + 20
    while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    pids = [int(p.name) for p in tmp_path.iterdir()]
    assert len(pids) == 2
    answers.close()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)      # killed and reaped


KILLED_RUN = """
import os, signal, sys, time
from pathlib import Path
from zhurnal.ingest import sandbox

def call(item):
    Path(sys.argv[1], str(os.getpid())).touch()
    time.sleep(0.2)
    return item

answers = sandbox.run_each(call, range(6), processes=2, limit_seconds=30)
next(answers)
os.kill(os.getpid(), signal.SIGKILL)     # as the kernel's OOM killer or `kill -9` would
"""


def test_workers_of_a_run_killed_outright_end_by_themselves(tmp_path):
    """GIVEN a run reading in two workers WHEN the run is killed with SIGKILL (no stop is ever
    sent; each worker's pipe is still held open by its sibling) THEN every worker ends within
    seconds, and so the killed run's output pipes close (before, they were held for ever and a
    caller waiting for them hung)."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", KILLED_RUN, str(tmp_path)], capture_output=True, timeout=60)
    assert done.returncode == -signal.SIGKILL
    assert time.monotonic() - started < 30
    pids = [int(p.name) for p in tmp_path.iterdir()]
    assert len(pids) == 2
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in pids)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] == "Z"


def test_validate_reads_in_a_worker_process(loaded, monkeypatch):
    bad = loaded.drop_roster("8А", loaded.prefilled_roster("8А"), name="panic.xlsx")
    settled(bad)
    _hostile_reader(monkeypatch, "panic.xlsx", _panic)
    result = CliRunner().invoke(main, ["--workspace", str(loaded.path), "validate", "--json", str(bad)])
    assert result.exit_code == 1, result.output
    assert [f["code"] for f in json.loads(result.output)["findings"]] == ["file-unreadable"]
    assert bad.exists()


def test_even_one_inbox_file_is_read_in_a_worker_process():
    assert readers.worker_count(1) == 1 and readers.worker_count(0) == 0


def test_a_worker_serves_many_calls_and_a_lost_one_is_replaced():
    """Workers are reused (not a fork per call), and one that died is replaced by a new one."""
    def call(item):
        if item == "panic":
            _panic()
        return os.getpid()

    got = dict(sandbox.run_each(call, ["a", "b", "c", "panic", "d", "e"], processes=1, limit_seconds=10))
    assert got["a"] == got["b"] == got["c"] != os.getpid()
    assert got["panic"].cause == "crash"
    assert got["d"] == got["e"] not in (got["a"], os.getpid())
