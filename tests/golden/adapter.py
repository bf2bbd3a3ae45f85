"""The golden tests' one door into zhurnal's Python API.

Everything the golden tests and the sample generator ask of zhurnal goes through the few
functions here, so a change of API (one ``WorkbookKind`` object per kind, say) is a change
of a few lines in this file and nowhere else. The rest of ``tests/golden`` sees plain
values: paths, dicts, lists of tuples.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sqlalchemy import select

from zhurnal.batch.issue import issue_period, issue_plans, issue_prior_marks, issue_setup, issue_week, issue_year
from zhurnal.core.settings import SECRET_ENV, SECRET_FILE, load_settings
from zhurnal.demo.fill import fill_grid, fill_workbook, grid_layout, set_saved_time
from zhurnal.demo.school import build_school
from zhurnal.demo.week import fill_week
from zhurnal.ingest.identify import read_metadata
from zhurnal.ingest.pipeline import ingest
from zhurnal.ingest.read import cells_of
from zhurnal.kinds.plan.spec import SPEC as PLAN
from zhurnal.kinds.roster.issue import issue as issue_roster
from zhurnal.kinds.roster.spec import spec as roster_spec
from zhurnal.kinds.setup.spec import SPEC as SETUP
from zhurnal.school.calendar import parse_week
from zhurnal.school.context import open_context
from zhurnal.school.snapshot import load_school
from zhurnal.school.workspace import init_workspace
from zhurnal.store import open_store, schema
from zhurnal.store.queries import class_subgroups
from zhurnal.templates.metadata import sections

SECRET = "golden-samples-fixed-secret-0123456789"   # signs every committed sample
SECRET_VARIABLE = SECRET_ENV
NOW = dt.datetime(2026, 11, 28, 14, 0)               # the run time every golden ingest uses
WEEK = "2026-W48"
SAVED = dt.datetime(2026, 11, 28, 12, 0)             # the samples' own saved time


def demo_school(students: int = 150, seed: int = 7):
    """The demo school the samples are made for (the same as conftest's ``school``)."""
    return build_school(students=students, seed=seed)


class GoldenWorkspace:
    """A workspace signed with :data:`SECRET`, its settings and its store."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.settings = load_settings(path)
        if self.settings.secret != SECRET.encode():
            raise RuntimeError(f"{SECRET_ENV} overrides the golden secret: set it to adapter.SECRET or unset it")
        self.engine = open_store(self.settings.store_url)

    def ctx(self, now: dt.datetime = NOW):
        return open_context(self.settings, self.engine, now=now)

    @property
    def inbox(self) -> Path:
        return self.settings.inbox

    def close(self) -> None:
        self.engine.dispose()


def new_workspace(path: Path) -> GoldenWorkspace:
    """An empty workspace whose secret file holds :data:`SECRET`; inbox files are read at once."""
    init_workspace(path, code="school17", name="МБОУ СОШ № 17")
    secret = path / SECRET_FILE
    secret.unlink(missing_ok=True)
    fd = os.open(secret, os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(SECRET + "\n")
    toml = path / "zhurnal.toml"
    # the samples are handed in through the top inbox/, as in a workspace made before author folders
    toml.write_text(toml.read_text(encoding="utf-8").replace("settle_seconds = 2.0", "settle_seconds = 0")
                    .replace("author_folders_only = true", "author_folders_only = false"), encoding="utf-8")
    return GoldenWorkspace(path)


def run_ingest(ws: GoldenWorkspace, now: dt.datetime = NOW) -> list[dict]:
    """Ingest the inbox; per file: name, status, changes, feedback and findings as tuples."""
    report = ingest(ws.ctx(now))
    return [{"file": f.name, "status": f.status, "kind": f.kind, "changes": f.changes,
             "feedback": Path(f.feedback).name if f.feedback else "",
             "findings": [(x.sheet, x.cell, x.code, x.severity.value) for x in f.findings]}
            for f in report.files]


def finding_tuple(raw: dict) -> tuple[str, str, str, str]:
    """A finding as the store keeps it (JSON) → (sheet, cell, code, severity)."""
    return (raw.get("sheet", ""), raw.get("cell", ""), raw["code"], raw.get("severity", "error"))


def table_rows(ws: GoldenWorkspace, name: str) -> list[dict]:
    """Every row of store table ``name``, as plain dicts."""
    table = schema.metadata.tables[name]
    with ws.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(table)).mappings()]


def issue(ws: GoldenWorkspace, kind: str, **what) -> list[Path]:
    """Issue templates of ``kind`` (``class_code=``, ``teacher=``, ``period=`` narrow it; ``grade=``
    names the earlier grade of ``prior``)."""
    if kind == "setup":
        return [issue_setup(ws.ctx())]
    if kind == "roster":
        return [issue_roster(ws.ctx(), what["class_code"])]
    if kind == "plan":
        return issue_plans(ws.ctx(), teacher=what.get("teacher"))
    if kind in ("journal", "attendance"):
        paths = issue_week(ws.ctx(), parse_week(WEEK), teacher=what.get("teacher"))
        return [p for p in paths if template_info(p)["kind"] == kind]
    if kind == "period":
        return issue_period(ws.ctx(), what["period"], teacher=what.get("teacher"))
    if kind == "year":
        return issue_year(ws.ctx(), teacher=what.get("teacher"))
    if kind == "prior":
        return issue_prior_marks(ws.ctx(), grade=what["grade"])
    raise ValueError(kind)


def template_info(path: Path) -> dict:
    """kind, author and the sheets (with their class, subject, subgroup) of an issued template."""
    meta = read_metadata(cells_of(path))
    return {"kind": meta["kind"], "author": meta.get("author", ""), "class_code": meta.get("class_code", ""),
            "subject": meta.get("subject", ""), "sheets": sections(meta).get("sheets", [])}


def grid(path: Path) -> dict[str, tuple[list, list[str]]]:
    """Per grid sheet: the row ids/markers and the column keys."""
    return grid_layout(path)


def fill_table(ws: GoldenWorkspace, template: Path, target: Path, data: dict) -> Path:
    """Type ``data`` (sheet → rows by field key) into a setup, roster or plan template."""
    kind = template_info(template)["kind"]
    if kind == "setup":
        spec = SETUP
    elif kind == "plan":
        spec = PLAN
    else:
        with ws.engine.connect() as conn:
            spec = roster_spec(tuple(class_subgroups(conn, 1, template_info(template)["class_code"])))
    fill_workbook(template, target, spec, data)
    set_saved_time(target, SAVED)
    return target


def fill_cells(template: Path, target: Path, values: dict) -> Path:
    """Type into a grid workbook: ``values[sheet][(row id or marker, column key)] = value``."""
    return fill_grid(template, target, values, modified=SAVED)


def fill_like_staff(ws: GoldenWorkspace, template: Path, target: Path, seed: int) -> Path:
    """Fill a journal or register the way the demo week does (marks, absences, topics)."""
    import random
    import tempfile
    with ws.engine.connect() as conn:
        school = load_school(conn, 1)
    with tempfile.TemporaryDirectory() as out:
        filled = fill_week(school, [template], Path(out), parse_week(WEEK), random.Random(seed))
        made = next(iter([*filled.journals.values(), *filled.registers.values()]))
        target.write_bytes(made.read_bytes())
    set_saved_time(target, SAVED)
    return target
