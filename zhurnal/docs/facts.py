"""What the school's documents state, read once: the settings and the setup's rows in the store.

Only the setup (periods, holidays, bells, work types, absence reasons, subjects, classes, staff)
is read, never a pupil or a parent: the documents built on these facts may be published.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from zhurnal.core.settings import Settings
from zhurnal.school.context import RunContext
from zhurnal.store import queries as q
from zhurnal.store import schema as s


@dataclass(frozen=True)
class Period:
    code: str
    name: str
    start: dt.date
    end: dt.date
    grade_from: int
    grade_to: int


@dataclass(frozen=True)
class Facts:
    """The settings and the setup of one school; lists in the setup's order."""

    settings: Settings
    school: str
    year: str                                                    # «2026/2027», '' before the setup
    periods: list[Period] = field(default_factory=list)          # terms and the year, by start
    holidays: list[Period] = field(default_factory=list)         # code '' (holidays have names only)
    bells: list[tuple[int, str, str]] = field(default_factory=list)        # (lesson no, start, end)
    work_types: list[tuple[str, float]] = field(default_factory=list)      # (name, weight)
    reasons: list[tuple[str, str]] = field(default_factory=list)           # (code, name)
    class_teachers: list[tuple[str, str]] = field(default_factory=list)    # (class, full name)
    teachers: list[str] = field(default_factory=list)                      # full names, sorted
    pass_fail: list[str] = field(default_factory=list)                     # subjects marked зач/незач
    unmarked: list[str] = field(default_factory=list)                      # subjects with no marks
    classes_without_marks: list[str] = field(default_factory=list)         # e.g. 1А

    @property
    def terms(self) -> list[Period]:
        """The periods that are not the year (quarters, semesters)."""
        return [p for p in self.periods if not is_year(p.code)]


def is_year(code: str) -> bool:
    """A year period's code: ``Y`` or ``Г…`` (docs/DESIGN.md «The year»)."""
    return code == "Y" or code.startswith("Г")


def gather(ctx: RunContext) -> Facts:
    """The facts of ``ctx``'s school; a store without the school (or before the setup) gives
    the settings alone with empty lists."""
    settings = ctx.settings
    if ctx.school_id is None:
        return Facts(settings=settings, school=settings.school.name, year="")
    school_id = ctx.school_id
    with ctx.engine.connect() as conn:
        rows = lambda table, *order: q.table_rows(conn, table, school_id, *order)
        span = lambda r, code: Period(code, r["name"], r["start"], r["end"], r["grade_from"], r["grade_to"])
        year = (q.school_row(conn, school_id) or {}).get("year_label") or ""
        classes = rows(s.classes, "grade", "code")
        subjects = rows(s.subjects, "name")
        return Facts(
            settings=settings, school=settings.school.name, year=year,
            periods=[span(r, r["code"]) for r in rows(s.periods, "start", "code")],
            holidays=[span(r, "") for r in rows(s.holidays, "start")],
            bells=[(r["lesson_no"], r["start"], r["end"]) for r in rows(s.bells, "lesson_no")],
            work_types=[(r["name"], r["weight"]) for r in sorted(rows(s.work_types), key=lambda r: (r["weight"], r["name"]))],
            reasons=[(r["code"], r["name"]) for r in rows(s.absence_reasons)],
            class_teachers=[(c["code"], c["class_teacher"] or "") for c in classes],
            teachers=sorted(r["full_name"] for r in rows(s.teachers)),
            pass_fail=[x["name"] for x in subjects if x["scale"] == "pass"],
            unmarked=[x["name"] for x in subjects if x["scale"] not in ("5", "pass")],
            classes_without_marks=[c["code"] for c in classes if not c["has_marks"]],
        )
