"""The class roster: the class teacher's students, subgroups, parents and exemptions.

Authoritative for its class; every accepted roster, changed or not, confirms its class's
roster (:mod:`zhurnal.school.roster_freshness`), and so does the newest one handed in again. Pupil movement is in its rows: a pupil who leaves keeps their row
with the leaving date and order; a row deleted all the same is a pupil who left on the roster's
date (kept, never deleted; see :mod:`.plan`). :mod:`.spec` declares it, :mod:`.issue` writes
it, :mod:`.records` holds its rules (given what the store knows, gathered here), :mod:`.plan`
writes it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, select

from zhurnal.core.findings import Finding, finding
from zhurnal.kinds.base import Plan, Records, StepContext, WorkbookKind
from zhurnal.kinds.roster.plan import RosterPlan
from zhurnal.kinds.roster.records import RosterContext, check_roster
from zhurnal.kinds.roster.spec import spec_of
from zhurnal.merge.sync import Changes
from zhurnal.school.context import RunContext
from zhurnal.school.roster_freshness import confirm, confirm_again
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.text.labels import Kind
from zhurnal.validate.table import read_tables


def _context(ctx: StepContext, class_code: str) -> RosterContext:
    conn, school_id = ctx.conn, ctx.school_id
    exists = conn.execute(s.classes.select().where(s.classes.c.school_id == school_id,
                                                   s.classes.c.code == class_code)).first()
    return RosterContext(class_code=class_code, class_exists=exists is not None,
                         subgroups=q.class_subgroups(conn, school_id, class_code),
                         subjects=[r["name"] for r in q.table_rows(conn, s.subjects, school_id, "name")],
                         students=_known_students(conn, school_id, class_code),
                         parents=q.all_parents(conn, school_id), today=ctx.run.today)


def _known_students(conn, school_id: int, class_code: str) -> list[dict]:
    """The pupils a roster row may be: every active pupil of the school, and the class's own
    pupils who left (their rows stay in the roster)."""
    return [st for st in q.table_rows(conn, s.students, school_id, "class_code", "full_name")
            if st["active"] or (st["class_code"] == class_code and st["left_on"] is not None)]


class RosterKind(WorkbookKind):
    name = "roster"
    title = Kind.ROSTER.label
    closed_with_year = True
    changes_school = True

    def records(self, sub, ctx: StepContext) -> Records:
        tables, found = read_tables(sub.cells, spec_of(sub.meta), yo_as_ye=ctx.yo)
        return Records.of_tables((tables, sub.meta.get("class_code", "")), found)

    def plan(self, records: Records, ctx: StepContext) -> RosterPlan:
        tables, class_code = records.value
        roster = _context(ctx, class_code)
        checked = check_roster(tables, roster, yo_as_ye=ctx.yo)
        found = checked.findings + _entries_after_leaving(ctx.conn, ctx.school_id, tables["Ученики"])
        return RosterPlan(checked, roster, ctx.yo, findings=found)

    def apply(self, plan: Plan, conn: Connection, ctx: RunContext, submission_id: int) -> Changes:
        """The roster written, and its class's roster confirmed now (changed or not)."""
        assert isinstance(plan, RosterPlan) and ctx.school_id is not None
        changes = plan.apply(conn, ctx.school_id, submission_id)
        confirm(conn, ctx.school_id, plan.context.class_code, ctx.now, submission_id)
        return changes

    def again(self, conn: Connection, ctx: RunContext, submission_id: int) -> bool:
        """The class's newest roster handed in again unchanged confirms it again (a day on)."""
        assert ctx.school_id is not None
        return confirm_again(conn, ctx.school_id, submission_id, ctx.now) is not None


def _entries_after_leaving(conn, school_id: int, table) -> list[Finding]:
    """An error at each leaving date that journal entries (marks, «н», «оп») come after: the
    pupil would carry data for days they were not enrolled, and every journal holding them
    would be refused (``mark-student-not-enrolled``) for cells its teacher never touched."""
    found = []
    E, L = s.journal_entries, s.lessons
    for row in table.rows:
        ident, left = row.get("id"), row.get("left_on")
        if ident in (None, "") or not isinstance(left, dt.date):
            continue
        try:
            student_id = int(float(ident))
        except (TypeError, ValueError):
            continue
        later = conn.execute(
            select(L.c.date, L.c.subject).join(E, E.c.lesson_id == L.c.id)
            .where(E.c.school_id == school_id, E.c.student_id == student_id, L.c.date >= left)
            .order_by(L.c.date, L.c.subject)).all()
        if later:
            found.append(finding("marks-after-leaving", **row.at("left_on"), value=f"{left:%d.%m.%Y}",
                                 student=row.get("full_name"), count=len(later),
                                 first=f"{later[0][0]:%d.%m.%Y}", subject=later[0][1]))
    return found


KIND = RosterKind()
