"""Validating an identified workbook of any kind into findings and a ready merge step."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection

from zhurnal.findings import Finding
from zhurnal.ingest.identify import Identified
from zhurnal.merge.roster import apply_roster
from zhurnal.merge.setup import apply_setup
from zhurnal.merge.sync import Changes
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.validate.roster_rules import RosterContext, check_roster
from zhurnal.validate.setup_rules import check_setup
from zhurnal.validate.table import Table, read_table

Apply = Callable[[Connection, int, int], Changes]


@dataclass
class Validation:
    """Findings of one workbook and, when it may be accepted, how to merge it."""

    findings: list[Finding]
    apply: Apply | None


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


def validate_workbook(item: Identified, conn: Connection, school_id: int, *, yo_as_ye: bool) -> Validation:
    """Run the rules of ``item``'s kind against the store as ``conn`` sees it."""
    tables, found = _tables(item, yo_as_ye)
    if any(f.code in ("sheet-missing", "header-changed") for f in found):
        return Validation(found, None)
    kind = item.meta["kind"]
    if kind == "setup":
        checked = check_setup(tables, yo_as_ye=yo_as_ye)
        found += checked.findings
        return Validation(found, lambda c, school, sub: apply_setup(
            c, checked.tables, school_id=school, submission_id=sub))
    ctx = _roster_context(conn, school_id, item.meta.get("class_code", ""))
    checked = check_roster(tables, ctx, yo_as_ye=yo_as_ye)
    found += checked.findings
    return Validation(found, lambda c, school, sub: apply_roster(
        c, checked, ctx, school_id=school, submission_id=sub, yo_as_ye=yo_as_ye))
