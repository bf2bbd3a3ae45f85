"""Validating an identified workbook of any kind into findings and a ready merge step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection

from zhurnal.averages import averages, subject_marks
from zhurnal.findings import Finding, finding
from zhurnal.ingest.formulas import formula_cells
from zhurnal.ingest.identify import Identified
from zhurnal.merge.attendance import apply_attendance, plan_attendance
from zhurnal.merge.guards import ChangeGuard
from zhurnal.merge.journal import apply_journal, plan_journal
from zhurnal.merge.period_marks import apply_period, plan_period
from zhurnal.merge.plan import apply_plan
from zhurnal.merge.roster import apply_roster
from zhurnal.merge.setup import apply_setup
from zhurnal.merge.sync import Changes
from zhurnal.settings import Settings
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.store.snapshot import load_school
from zhurnal.validate.attendance_rules import read_attendance
from zhurnal.validate.checks import duplicate_keys
from zhurnal.validate.journal_rules import read_journal
from zhurnal.validate.period_rules import read_period
from zhurnal.validate.roster_rules import RosterContext, check_roster
from zhurnal.validate.setup_rules import check_setup
from zhurnal.validate.table import Table, read_table

Apply = Callable[[Connection, int, int], Changes]


@dataclass
class Validation:
    """Findings of one workbook and, when it may be accepted, how to merge it."""

    findings: list[Finding]
    apply: Apply | None


@dataclass(frozen=True)
class Context:
    conn: Connection
    school_id: int
    settings: Settings
    today: dt.date

    @property
    def yo(self) -> bool:
        return self.settings.normalise.yo_as_ye


def _tables(item: Identified, yo: bool) -> tuple[dict[str, Table], list[Finding]]:
    tables, found = {}, []
    for sheet in item.spec.sheets:
        tables[sheet.name], sheet_findings = read_table(item.cells, sheet, yo_as_ye=yo)
        found += sheet_findings
    return tables, found


def _roster_context(conn: Connection, school_id: int, class_code: str) -> RosterContext:
    exists = conn.execute(s.classes.select().where(s.classes.c.school_id == school_id,
                                                   s.classes.c.code == class_code)).first()
    return RosterContext(class_code=class_code, class_exists=exists is not None,
                         subgroups=q.class_subgroups(conn, school_id, class_code),
                         subjects=[r["name"] for r in q.table_rows(conn, s.subjects, school_id, "name")],
                         students=q.active_students(conn, school_id),
                         parents=q.all_parents(conn, school_id))


def _setup(item: Identified, ctx: Context) -> Validation:
    tables, found = _tables(item, ctx.yo)
    if found and any(f.code in ("sheet-missing", "header-changed") for f in found):
        return Validation(found, None)
    checked = check_setup(tables, yo_as_ye=ctx.yo)
    return Validation(found + checked.findings, lambda c, school, sub: apply_setup(
        c, checked.tables, school_id=school, submission_id=sub))


def _roster(item: Identified, ctx: Context) -> Validation:
    tables, found = _tables(item, ctx.yo)
    if any(f.code in ("sheet-missing", "header-changed") for f in found):
        return Validation(found, None)
    roster = _roster_context(ctx.conn, ctx.school_id, item.meta.get("class_code", ""))
    checked = check_roster(tables, roster, yo_as_ye=ctx.yo)
    return Validation(found + checked.findings, lambda c, school, sub: apply_roster(
        c, checked, roster, school_id=school, submission_id=sub, yo_as_ye=ctx.yo))


def _plan(item: Identified, ctx: Context) -> Validation:
    tables, found = _tables(item, ctx.yo)
    table = tables["КТП"]
    found += duplicate_keys(table.rows, ("item_no",))
    return Validation(found, lambda c, school, sub: apply_plan(c, table, item.meta, school_id=school,
                                                               submission_id=sub))


def _journal(item: Identified, ctx: Context) -> Validation:
    school = load_school(ctx.conn, ctx.school_id)
    read = read_journal(item, school, allow_plus_minus=ctx.settings.marks.allow_plus_minus)
    plan = plan_journal(ctx.conn, school, read, ChangeGuard(school, ctx.settings.journal, ctx.today))
    return Validation(read.findings + plan.findings, lambda c, sid, sub: apply_journal(
        c, plan, school_id=sid, submission_id=sub, teacher=read.teacher))


def _attendance(item: Identified, ctx: Context) -> Validation:
    school = load_school(ctx.conn, ctx.school_id)
    read = read_attendance(item, school)
    plan = plan_attendance(ctx.conn, school, read, ChangeGuard(school, ctx.settings.journal, ctx.today))
    return Validation(read.findings + plan.findings, lambda c, sid, sub: apply_attendance(
        c, plan, school_id=sid, submission_id=sub))


def _period(item: Identified, ctx: Context) -> Validation:
    school = load_school(ctx.conn, ctx.school_id)
    period = school.calendar.period_row(item.meta.get("period", ""))
    if period is None:
        return Validation([finding("unknown-period", value=item.meta.get("period"))], None)
    def stats_for(section):
        marks = subject_marks(ctx.conn, ctx.school_id, section.class_code, section.subject,
                              period["start"], period["end"])
        return averages(marks, school.work_types, ctx.settings.marks)

    read = read_period(item, school, stats_for, ctx.settings.marks)
    plan = plan_period(ctx.conn, school, read)
    return Validation(read.findings + plan.findings, lambda c, sid, sub: apply_period(
        c, plan, school_id=sid, submission_id=sub, teacher=item.meta.get("author", "")))


VALIDATORS = {"setup": _setup, "roster": _roster, "plan": _plan, "journal": _journal,
              "attendance": _attendance, "period": _period}


def validate_workbook(item: Identified, conn: Connection, school_id: int, *, settings: Settings,
                      today: dt.date) -> Validation:
    """Run the rules of ``item``'s kind against the store as ``conn`` sees it."""
    checked = VALIDATORS[item.meta["kind"]](item, Context(conn, school_id, settings, today))
    formulas = [finding("formula-not-allowed", sheet=sheet, cell=cell)
                for sheet, cells in formula_cells(item.path).items() if not sheet.startswith("_") for cell in cells]
    return Validation(formulas + checked.findings, checked.apply)
