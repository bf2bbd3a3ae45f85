"""Shared fixtures: temporary workspaces, a small demo school, and helpers that play staff."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path

import pytest
from postgres import Postgres, Unavailable
from sqlalchemy import select

from zhurnal.batch.issue import issue_setup, issue_week
from zhurnal.core.settings import load_settings
from zhurnal.demo.fill import fill_grid, fill_workbook, grid_layout, read_rows
from zhurnal.demo.school import build_school
from zhurnal.ingest.identify import read_metadata
from zhurnal.ingest.pipeline import ingest
from zhurnal.ingest.read import cells_of
from zhurnal.kinds.roster.issue import issue as issue_roster
from zhurnal.kinds.roster.spec import spec as roster_spec
from zhurnal.kinds.setup.spec import SPEC as SETUP
from zhurnal.school.calendar import parse_week
from zhurnal.school.context import open_context
from zhurnal.school.snapshot import Section, load_school
from zhurnal.school.workspace import init_workspace
from zhurnal.store import open_store
from zhurnal.store import schema as s
from zhurnal.templates.metadata import sections


def pytest_addoption(parser):
    parser.addoption("--regen-golden", action="store_true", default=False,
                     help="rewrite tests/golden/*.json from today's behaviour instead of comparing")


def pytest_collection_modifyitems(config, items):
    """Long scenarios first: with the suite spread over the cores (pytest-xdist), the longest
    test starts at once instead of being the last one a worker picks up. Tests on the session's
    demo last: it is built beside the other tests meanwhile (:func:`_start_demo_build`)."""
    items.sort(key=lambda item: (item.get_closest_marker("slow") is None) + 2 * ("_demo_base" in item.fixturenames))


def make_workspace(path: Path, code: str = "school17"):
    init_workspace(path, code=code, name="МБОУ СОШ № 17")
    toml = path / "zhurnal.toml"
    # the fixtures hand teachers' workbooks in through the top inbox/, as a workspace made before
    # author folders does; tests of the rule turn author_folders_only on
    toml.write_text(toml.read_text(encoding="utf-8").replace("settle_seconds = 2.0", "settle_seconds = 0")
                    .replace("author_folders_only = true", "author_folders_only = false"), encoding="utf-8")
    return load_settings(path)


class Workspace:
    """A workspace with its settings and store, and the moves a person makes in it."""

    def __init__(self, path: Path) -> None:
        self.settings = load_settings(path)
        self.engine = open_store(self.settings.store_url)
        self.path = path

    def ctx(self, now: dt.datetime | None = None):
        """The run context of a command run at ``now`` (UTC, naive; default: the real now)."""
        return open_context(self.settings, self.engine, now=now)

    def ingest(self, now: dt.datetime | None = None, **kwargs):
        return ingest(self.ctx(now), **kwargs)

    def rows(self, table, *order):
        with self.engine.connect() as conn:
            query = select(table)
            if order:
                query = query.order_by(*(table.c[o] for o in order))
            return [dict(r) for r in conn.execute(query).mappings()]

    def setup_template(self) -> Path:
        return issue_setup(self.ctx())

    def roster_template(self, class_code: str) -> Path:
        return issue_roster(self.ctx(), class_code)

    def drop_setup(self, data: dict, name: str = "setup.xlsx") -> Path:
        return fill_workbook(self.setup_template(), self.settings.inbox / name, SETUP, data)

    def roster_spec(self, class_code: str):
        from zhurnal.store.queries import class_subgroups
        with self.engine.connect() as conn:
            return roster_spec(tuple(class_subgroups(conn, 1, class_code)))

    def drop_roster(self, class_code: str, data: dict, name: str | None = None) -> Path:
        target = self.settings.inbox / (name or f"roster_{class_code}.xlsx")
        return fill_workbook(self.roster_template(class_code), target, self.roster_spec(class_code), data)

    def prefilled_roster(self, class_code: str) -> dict:
        return read_rows(self.roster_template(class_code), self.roster_spec(class_code))

    def school(self):
        with self.engine.connect() as conn:
            return load_school(conn, 1)

    def week_templates(self, week=None) -> dict[tuple[str, str], Path]:
        """(kind, author or class) → issued template of the week (2026-W48 by default)."""
        found = {}
        for path in issue_week(self.ctx(), week or WEEK):
            meta = read_metadata(cells_of(path))
            who = meta["author"] if meta["kind"] == "journal" else sections(meta)["sheets"][0]["class_code"]
            found[(meta["kind"], who)] = path
        return found

    def drop_grid(self, template: Path, values: dict, name: str | None = None, **kwargs) -> Path:
        return fill_grid(template, self.settings.inbox / (name or template.name), values, **kwargs)


def mailed_children(ws) -> dict[str, set[str]]:
    """Parent e-mail → the full names of the children whose diary they receive, read from the
    store with plain SQL (not through the product's queries)."""
    found: dict[str, set[str]] = {}
    with ws.engine.connect() as conn:
        for address, child in conn.exec_driver_sql(
                "SELECT p.email, s.full_name FROM guardianships g JOIN parents p ON p.id = g.parent_id "
                "JOIN students s ON s.id = g.student_id WHERE g.receives_diary AND p.email <> ''"):
            found.setdefault(address, set()).add(child)
    return found


WEEK = parse_week("2026-W48")
SATURDAY = dt.datetime(2026, 11, 28, 14, 0)


FIRST = 7   # a journal sheet's first student row: title, hidden keys, two header rows, date, lesson number


def grade_of(class_code: str) -> int:
    """«1А» → 1, «10Б» → 10."""
    return int(re.match(r"\d+", class_code).group())


def untaught(path: Path, until: dt.date | None = None) -> set[tuple[str, str, str]]:
    """The warnings of a journal sent without topics or homework: on every sheet, one pair per
    lesson column (C onwards) of a lesson held by ``until`` (default: all), on the topic and
    homework rows below the students; grade 1 has no homework (``[journal] no_homework_grades``,
    default ``[1]``), so only the topic there."""
    from openpyxl.utils import get_column_letter
    found = set()
    for sheet, info in journal_sheets(path).items():
        topic_row = FIRST + len(info["students"]) + 1
        rows = [(topic_row, "topic-missing")]
        if grade_of(info["section"].class_code) != 1:
            rows.append((topic_row + 1, "homework-missing"))
        found |= {(sheet, f"{get_column_letter(3 + i)}{row}", code) for i, key in enumerate(info["keys"])
                  if not key.startswith("extra") and (until is None or key[:10] <= until.isoformat())
                  for row, code in rows}
    return found


def journal_sheets(path: Path) -> dict[str, dict]:
    """Sheet → {section, students (ids), keys (lesson columns)} of an issued journal."""
    meta = read_metadata(cells_of(path))
    layout = grid_layout(path)
    found = {}
    for info in sections(meta)["sheets"]:
        ids, keys = layout[info["sheet"]]
        found[info["sheet"]] = {"section": Section(info["class_code"], info["subject"], info.get("subgroup", "")),
                                "students": [i for i in ids if isinstance(i, int)], "keys": keys}
    return found


@pytest.fixture(scope="session")
def school():
    """A small demo school (150 students, one class per grade)."""
    return build_school(students=150, seed=7)


def point_store(path: Path, url: str) -> None:
    """Make the workspace at ``path`` use the store at ``url``."""
    toml = path / "zhurnal.toml"
    text = toml.read_text(encoding="utf-8")
    lines = [f'url = "{url}"' if line.startswith("url = ") else line for line in text.splitlines()]
    toml.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="session")
def postgres():
    """A private PostgreSQL cluster for this test process (see tests/postgres.py).

    Without the server binaries the PostgreSQL half is skipped, saying why; under CI (``CI``
    set) that is a failure instead: CI runs both halves."""
    try:
        server = Postgres()
    except Unavailable as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(f"PostgreSQL half not run: {exc}")
    yield server
    server.stop()


def pytest_generate_tests(metafunc):
    """Tests marked ``both_stores`` run once on SQLite and once on PostgreSQL; the PostgreSQL half
    is among the long scenarios (``-m slow``: each builds its school on a server of its own), while
    the district's own PostgreSQL tests (roles, isolation, the queue) run by default."""
    if metafunc.definition.get_closest_marker("both_stores") and "store_backend" in metafunc.fixturenames:
        metafunc.parametrize("store_backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.slow)],
                             indirect=True)


@pytest.fixture
def store_backend(request) -> str:
    """``sqlite`` (the embedded store), or ``postgresql`` for tests marked ``both_stores``."""
    return getattr(request, "param", "sqlite")


class _Bases:
    """Session-built workspaces, one per backend, which tests copy (on PostgreSQL the store is
    a template database that each copy clones)."""

    def __init__(self, request, tmp_path_factory, build, name: str) -> None:
        self.request, self.factory, self.build, self.name = request, tmp_path_factory, build, name
        self.built: dict[str, tuple[Path, str | None, object]] = {}

    def get(self, backend: str):
        if backend not in self.built:
            path = self.factory.mktemp(f"base-{backend}") / "ws"
            database = None
            kept = os.environ.get("ZHURNAL_TEST_BASES")
            if kept and backend == "sqlite":
                self.built[backend] = _kept_base(Path(kept) / self.name, self.build)
            elif backend == "sqlite":     # one build for every worker of the session, not one each
                from filelock import FileLock
                shared = _demo_root(self.request.config) / "bases"
                shared.mkdir(exist_ok=True)
                with FileLock(shared / f"{self.name}.lock"):
                    self.built[backend] = _kept_base(shared / self.name, self.build)
            elif backend == "postgresql":
                server = self.request.getfixturevalue("postgres")
                database = server.create()
                self.built[backend] = (path, database, self.build(path, server.url(database)))
            else:
                self.built[backend] = (path, None, self.build(path, None))
        return self.built[backend]

    def copy(self, backend: str, target: Path) -> Path:
        path, database, _ = self.get(backend)
        shutil.copytree(path, target)
        if database:
            server = self.request.getfixturevalue("postgres")
            point_store(target, server.url(server.create(template=database)))
        return target


def _kept_base(folder: Path, build) -> tuple[Path, None, object]:
    """A SQLite base built once into ``folder`` and reused by later test processes (set by
    benchmarks/mutation.sh, which builds them from the unmutated code before any mutant runs, so
    that each mutant's test run does not rebuild the school; never set in CI)."""
    import pickle
    done = folder / "built.pickle"
    if not done.exists():
        if folder.exists():
            shutil.rmtree(folder)
        result = build(folder / "ws", None)
        done.write_bytes(pickle.dumps(result))
    return folder / "ws", None, pickle.loads(done.read_bytes())


def _build_rosters(path: Path, url: str | None, school) -> None:
    make_workspace(path)
    if url:
        point_store(path, url)
    ws = Workspace(path)
    ws.drop_setup(school.setup)
    assert ws.ingest().ok
    for code, roster in school.rosters.items():
        ws.drop_roster(code, roster)
    assert ws.ingest().ok
    ws.engine.dispose()


@pytest.fixture(scope="session")
def _school_with_rosters(request, tmp_path_factory, school) -> _Bases:
    return _Bases(request, tmp_path_factory, lambda path, url: _build_rosters(path, url, school), "rosters")


@pytest.fixture(scope="session")
def _school_with_week(request, tmp_path_factory, _school_with_rosters) -> _Bases:
    import random

    from zhurnal.demo.week import fill_week

    def build(path: Path, url: str | None):
        rosters, database, _ = _school_with_rosters.get("postgresql" if url else "sqlite")
        shutil.copytree(rosters, path)
        if url:     # the week's own database (the template its copies clone) starts as the rosters'
            from sqlalchemy import make_url
            server, name = request.getfixturevalue("postgres"), make_url(url).database
            server.admin(f'DROP DATABASE "{name}"')
            server.admin(f'CREATE DATABASE "{name}" TEMPLATE "{database}"')
            point_store(path, url)
        ws = Workspace(path)
        templates = issue_week(ws.ctx(), WEEK)
        filled = fill_week(ws.school(), templates, path.parent / "typed", WEEK, random.Random(5))
        for item in [*filled.journals.values(), *filled.registers.values()]:
            shutil.copy2(item, ws.settings.inbox / item.name)     # the typed files stay: tests read them
        assert ws.ingest(now=SATURDAY).ok
        ws.engine.dispose()
        return filled

    return _Bases(request, tmp_path_factory, build, "week")


@pytest.fixture
def week_ws(tmp_path, _school_with_week, store_backend) -> Workspace:
    """A workspace whose week 2026-W48 is filled and ingested (``.filled`` says what was typed)."""
    ws = Workspace(_school_with_week.copy(store_backend, tmp_path / "week"))
    ws.filled = _school_with_week.get(store_backend)[2]
    yield ws
    ws.engine.dispose()


@pytest.fixture(scope="session")
def _school_published(request, tmp_path_factory, _school_with_week) -> _Bases:
    """The week base with its week published once (``publish_week`` with the default settings:
    diaries, letters, the mail ledger, summaries), SQLite only: the tests of sending start from
    it instead of publishing the same week each."""
    from zhurnal.publish.run import publish_week

    def build(path: Path, url: str | None):
        week, _, filled = _school_with_week.get("sqlite")
        shutil.copytree(week, path)
        ws = Workspace(path)
        report = publish_week(ws.ctx(), WEEK)
        assert report.mails > 0, report
        ws.engine.dispose()
        return filled

    return _Bases(request, tmp_path_factory, build, "published")


@pytest.fixture
def published_ws(tmp_path, _school_published) -> Workspace:
    """``week_ws`` whose week 2026-W48 is already published, nothing sent (a private copy)."""
    ws = Workspace(_school_published.copy("sqlite", tmp_path / "published"))
    ws.filled = _school_published.get("sqlite")[2]
    yield ws
    ws.engine.dispose()


@pytest.fixture
def ws(request, tmp_path, store_backend) -> Workspace:
    """An empty workspace."""
    make_workspace(tmp_path / "ws")
    if store_backend == "postgresql":
        server = request.getfixturevalue("postgres")
        point_store(tmp_path / "ws", server.url(server.create()))
    ws = Workspace(tmp_path / "ws")
    yield ws
    ws.engine.dispose()


@pytest.fixture
def loaded(tmp_path, _school_with_rosters, store_backend) -> Workspace:
    """A workspace whose store already holds the small school's setup and rosters."""
    ws = Workspace(_school_with_rosters.copy(store_backend, tmp_path / "loaded"))
    yield ws
    ws.engine.dispose()


def settled(*paths: Path) -> None:
    """Date files back a minute: a broken file that young would be deferred as a copy still
    arriving (the settle floor), not rejected."""
    import os
    import time
    for path in paths:
        os.utime(path, (time.time() - 60, time.time() - 60), follow_symlinks=False)


def findings_of(report, name: str | None = None) -> set[tuple[str, str, str]]:
    """The (sheet, cell, code) triples of one file's findings (or of the only file)."""
    files = [f for f in report.files if name is None or f.name == name]
    assert len(files) == 1, [f.name for f in report.files]
    return {f.where() for f in files[0].findings}


def status_of(report) -> dict[str, str]:
    return {f.name: f.status for f in report.files}


__all__ = ["FIRST", "SATURDAY", "WEEK", "grade_of", "untaught", "mailed_children", "Workspace", "findings_of", "journal_sheets", "make_workspace", "s", "settled", "status_of"]


def _demo_root(config) -> Path:
    """Where the session's demo is built: under xdist, the folder the workers' own temporary
    folders share (made for this run); in one process, that process's own temporary folder."""
    base = config._tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


_DEMO_BUILD = """
import os, subprocess, sys
from pathlib import Path
os.umask(0o022)                       # a new user's login shell; the command sets its own
demo = Path(sys.argv[1])
code, output = "crashed", ""
try:                                  # the command as the README runs it, in a process that ends
    ran = subprocess.run([sys.executable, "-m", "zhurnal.cli", "demo", str(demo)], capture_output=True, encoding="utf-8",
                         env={**os.environ, "PYTHONUTF8": "1"})
    code, output = str(ran.returncode), ran.stdout + ran.stderr
finally:
    (demo.parent / "shared-demo.output").write_text(output, encoding="utf-8")
    (demo.parent / "shared-demo.rc").write_text(code)
"""


def _start_demo_build(config) -> None:
    """Start building the session's demo in a process of its own, once for all workers (the
    first to get here wins an exclusive create), so the workers go on with other tests."""
    import subprocess
    import sys
    root = _demo_root(config)
    try:
        os.close(os.open(root / "shared-demo.started", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return
    config._zhurnal_demo_build = subprocess.Popen([sys.executable, "-c", _DEMO_BUILD, str(root / "shared-demo")],
                                                  stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def pytest_collection_finish(session):
    if any("_demo_base" in getattr(item, "fixturenames", ()) for item in session.items):
        _start_demo_build(session.config)


def pytest_sessionfinish(session, exitstatus):
    build = getattr(session.config, "_zhurnal_demo_build", None)
    if build is not None:
        if exitstatus == pytest.ExitCode.INTERRUPTED:
            build.kill()      # a run stopped by hand takes its build with it
        build.wait()          # otherwise another worker may still be waiting for it


@pytest.fixture(scope="session")
def _demo_base(request) -> Path:
    """The README's demo (``zhurnal demo``, its default 300 pupils), built ONCE for the whole
    session in a process of its own started after collection (:func:`_start_demo_build`), under
    the umask of 022 a new user has, through the command line as the README runs it; tests
    check what that command leaves (modes, folders, the store) without a demo of their own.
    Tests never change it: they take a copy (:func:`demo_ws`)."""
    import time
    root = _demo_root(request.config)
    _start_demo_build(request.config)          # a test run without collection_finish (rare)
    deadline = time.monotonic() + 1200
    while not (root / "shared-demo.rc").exists():
        assert time.monotonic() < deadline, "the session's demo was not built in 20 minutes"
        time.sleep(0.5)
    rc = (root / "shared-demo.rc").read_text()
    assert rc == "0", (root / "shared-demo.output").read_text(encoding="utf-8")
    return root / "shared-demo"


@pytest.fixture
def demo_ws(tmp_path, _demo_base) -> Path:
    """A private copy of the session's demo workspace (week 2026-W48 published, 300 pupils)."""
    target = tmp_path / "demo"
    shutil.copytree(_demo_base, target, symlinks=True)
    return target


@pytest.fixture
def demo_output(_demo_base) -> str:
    """What ``zhurnal demo`` printed while building the session's demo."""
    return (_demo_base.parent / "shared-demo.output").read_text(encoding="utf-8")
