"""The golden scenario: which samples exist, the store each one is fed into, and how an
outcome becomes the stable JSON kept beside the sample.

Bases are built the same way by the tests and by ``make_samples.py``, from the demo school
(150 students, seed 7) and the fixed secret, workbooks fed in a fixed (sorted) order:

- ``empty``: a fresh workspace;
- ``setup``: ``empty`` + the demo setup workbook;
- ``school``: ``setup`` + every class roster.

A sample may name samples fed before it (the period sheet needs the journal's marks).
Generated ids never reach the JSON: students, parents and lessons are named by stable keys
(class/full name, full name/e-mail or phone, class/subject/subgroup/date/lesson), and times
the run stamps (received_at) are left out. Revisions are those of the sample's submission.

The grid samples (journal, attendance, period, year, prior) carry student ids in hidden cells, as issued
from the ``school`` base. Should a change hand out ids in another order, rebuild the samples
(``make_samples.py``): the JSON, written in stable keys, must then come out unchanged.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from golden import adapter as api

HERE = Path(__file__).parent
STAGES = ("empty", "setup", "school")


@dataclass(frozen=True)
class Sample:
    name: str                 # file stem in tests/golden/
    kind: str
    base: str                 # one of STAGES
    before: tuple[str, ...] = ()

    @property
    def workbook(self) -> Path:
        return HERE / f"{self.name}.xlsx"

    @property
    def expected(self) -> Path:
        return HERE / f"{self.name}.json"


SAMPLES = (
    Sample("setup_clean", "setup", "empty"),
    Sample("setup_mistakes", "setup", "empty"),
    Sample("roster_clean", "roster", "setup"),
    Sample("roster_mistakes", "roster", "setup"),
    Sample("plan_clean", "plan", "school"),
    Sample("plan_mistakes", "plan", "school"),
    Sample("journal_clean", "journal", "school"),
    Sample("journal_mistakes", "journal", "school"),
    Sample("attendance_clean", "attendance", "school"),
    Sample("attendance_mistakes", "attendance", "school"),
    Sample("period_clean", "period", "school", before=("journal_clean",)),
    Sample("period_mistakes", "period", "school", before=("journal_clean",)),
    Sample("year_clean", "year", "school"),
    Sample("year_mistakes", "year", "school"),
    Sample("prior_clean", "prior", "school"),
    Sample("prior_mistakes", "prior", "school"),
)
BY_NAME = {s.name: s for s in SAMPLES}

# the store tables each kind feeds (besides submissions and revisions)
TABLES = {
    "setup": ("schools", "periods", "holidays", "teachers", "classes", "subjects", "teaching_load",
              "subgroups", "timetable", "bells", "work_types", "absence_reasons"),
    "roster": ("students", "subgroup_members", "parents", "guardianships", "exemptions"),
    "plan": ("plan_items",),
    "journal": ("lessons", "journal_entries"),
    "attendance": ("absences",),
    "period": ("period_marks",),
    "year": ("period_marks", "exam_marks"),
    "prior": ("prior_marks",),
}


# ---- bases -------------------------------------------------------------------------------

def build_stages(root: Path, school) -> dict[str, Path]:
    """The three base workspaces under ``root``, each built on a copy of the one before."""
    paths = {stage: root / stage for stage in STAGES}
    ws = api.new_workspace(paths["empty"])
    ws.close()
    shutil.copytree(paths["empty"], paths["setup"])
    ws = api.GoldenWorkspace(paths["setup"])
    [template] = api.issue(ws, "setup")
    api.fill_table(ws, template, ws.inbox / "setup.xlsx", school.setup)
    _ingest_ok(ws)
    ws.close()
    shutil.copytree(paths["setup"], paths["school"])
    ws = api.GoldenWorkspace(paths["school"])
    for code, roster in school.rosters.items():
        [template] = api.issue(ws, "roster", class_code=code)
        api.fill_table(ws, template, ws.inbox / f"roster_{code}.xlsx", roster)
    _ingest_ok(ws)
    ws.close()
    return paths


def _ingest_ok(ws) -> None:
    results = api.run_ingest(ws)
    bad = [r for r in results if r["status"] != "accepted"]
    assert not bad, bad


def prepare(stages: dict[str, Path], sample: Sample, target: Path) -> "api.GoldenWorkspace":
    """A copy of the sample's base with the samples it depends on already fed in."""
    shutil.copytree(stages[sample.base], target)
    ws = api.GoldenWorkspace(target)
    for name in sample.before:
        shutil.copy(BY_NAME[name].workbook, ws.inbox / BY_NAME[name].workbook.name)
        _ingest_ok(ws)
    return ws


# ---- the outcome -------------------------------------------------------------------------

def _plain(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return value


class Keys:
    """Stable names for the store's generated ids."""

    def __init__(self, ws) -> None:
        self.students = {r["id"]: f"{r['class_code']}/{r['full_name']}" for r in api.table_rows(ws, "students")}
        self.parents = {r["id"]: f"{r['full_name']}/{r['email'] or r['phone'] or ''}"
                        for r in api.table_rows(ws, "parents")}
        self.lessons = {r["id"]: "/".join(str(_plain(r[k])) for k in
                                          ("class_code", "subject", "subgroup", "date", "lesson_no"))
                        for r in api.table_rows(ws, "lessons")}

    def student(self, value) -> str:
        return self.students.get(_int(value), f"#{value}")

    def parent(self, value) -> str:
        return self.parents.get(_int(value), f"#{value}")

    def row(self, table: str, row: dict) -> dict:
        """A row without school/submission ids, its own id and foreign ids turned into names."""
        out = {}
        for column, value in row.items():
            if column in ("school_id", "submission_id"):
                continue
            if column == "id" and table in ("students", "parents", "lessons"):
                continue  # the row's other columns are its stable identity
            if column == "student_id":
                value = self.student(value)
            elif column == "parent_id":
                value = self.parent(value)
            elif column == "lesson_id":
                value = self.lessons.get(_int(value), f"#{value}")
            out[column] = _plain(value)
        return out

    def revision_key(self, entity: str, key: str) -> str:
        parts = key.split("/")
        if entity == "students":
            return self.student(key)
        if entity in ("parents", "guardianships"):
            return self.parent(key)
        if entity == "journal_entries":
            return "/".join(parts[:-1] + [self.student(parts[-1])])
        if entity in ("absences", "period_marks", "exam_marks", "prior_marks"):
            return "/".join([self.student(parts[0])] + parts[1:])
        return key

    def revision_value(self, entity: str, text: str | None) -> dict | None:
        if text is None:
            return None
        value = json.loads(text)
        if "id" in value and entity in ("students", "parents"):
            value["id"] = (self.student if entity == "students" else self.parent)(value["id"])
        return self.row(entity, value) if isinstance(value, dict) else value


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _sorted(rows: list) -> list:
    return sorted(rows, key=lambda r: json.dumps(r, ensure_ascii=False, sort_keys=True))


def outcome(ws, sample: Sample, results: list[dict]) -> dict:
    """What feeding ``sample`` did: its result, findings, submission row, rows and revisions."""
    [result] = [r for r in results if r["file"] == sample.workbook.name]
    assert len(results) == 1, results
    keys = Keys(ws)
    [submission] = [r for r in api.table_rows(ws, "submissions") if r["original_name"] == sample.workbook.name]
    stored = {"original_name": submission["original_name"], "kind": submission["kind"],
              "author": submission["author"], "status": submission["status"], "week": submission["week"],
              "saved_at": _plain(submission["saved_at"]),
              "findings": _sorted([list(api.finding_tuple(f)) for f in json.loads(submission["findings"])])}
    revisions = [[r["entity"], keys.revision_key(r["entity"], r["key"]),
                  keys.revision_value(r["entity"], r["old_value"]), keys.revision_value(r["entity"], r["new_value"])]
                 for r in api.table_rows(ws, "revisions") if r["submission_id"] == submission["id"]]
    return {
        "sample": sample.workbook.name,
        "kind": sample.kind,
        "base": sample.base,
        "fed_before": list(sample.before),
        "now": api.NOW.isoformat(),
        "result": {"status": result["status"], "kind": result["kind"], "changes": result["changes"],
                   "feedback": result["feedback"]},
        "findings": _sorted([list(f) for f in result["findings"]]),
        "submission": stored,
        "store": {name: _sorted([keys.row(name, r) for r in api.table_rows(ws, name)])
                  for name in TABLES[sample.kind]},
        "revisions": _sorted(revisions),
    }


# ---- the JSON file -----------------------------------------------------------------------

def render(value: object, indent: int = 0) -> str:
    """Dicts one key a line, lists one element a line (each element compact): diffs stay readable."""
    pad, inner = " " * indent, " " * (indent + 2)
    dump = lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True)
    if isinstance(value, dict) and value:
        items = [f"{inner}{dump(k)}: {render(v, indent + 2)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list) and value:
        return "[\n" + ",\n".join(f"{inner}{dump(v)}" for v in value) + f"\n{pad}]"
    return dump(value)


def text_of(found: dict) -> str:
    return render(found) + "\n"


def diff(expected: str, actual: str, name: str, limit: int = 120) -> str:
    lines = list(difflib.unified_diff(expected.splitlines(), actual.splitlines(),
                                      f"{name} (expected)", f"{name} (now)", lineterm="", n=1))
    more = len(lines) - limit
    return "\n".join(lines[:limit] + ([f"... {more} more diff lines"] if more > 0 else []))
