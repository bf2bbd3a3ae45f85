"""The shape every workbook kind has: a declaration and the steps from a submission to the store.

A kind is one object, ``KIND`` in the ``__init__.py`` of its own folder ``zhurnal/kinds/<kind>/``
(beside its ``spec``, ``issue``, ``records`` and ``plan`` modules), listed once in
:data:`zhurnal.kinds.KINDS`: adding a kind is one folder and one registry line (and a migration
when it keeps a table of its own). Ingest looks a submission's kind up and runs
:meth:`WorkbookKind.check` then :meth:`WorkbookKind.apply`; nothing else dispatches on kind
names. A kind overrides the two required steps, :meth:`records` (cells → typed records, with
findings met on the way) and :meth:`plan` (what the records would change in the store, with
findings about changes that may not be made), and keeps the defaults of the rest. The pattern
follows beangulp's importers: a small base class, few required methods.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, ClassVar, Protocol

from sqlalchemy import Connection

from zhurnal.core.findings import Finding
from zhurnal.core.workbook import Submission
from zhurnal.merge.bases import RecordedPlan, State, choose_base
from zhurnal.merge.sync import Changes
from zhurnal.school.context import RunContext
from zhurnal.school.snapshot import School

STRUCTURE_CODES = frozenset({"sheet-missing", "header-changed"})


class Plan(Protocol):
    """What a workbook would change; ``findings`` about changes that may not be made."""

    findings: list[Finding]

    def apply(self, conn: Connection, school_id: int, submission_id: int) -> Changes: ...


@dataclass
class Records:
    """Typed records of one submission and the findings met while reading them.

    ``unusable``: the workbook's structure is broken, so rules and plan would only add noise.
    """

    value: Any
    findings: list[Finding] = field(default_factory=list)
    unusable: bool = False

    @classmethod
    def of_tables(cls, value: Any, findings: list[Finding]) -> "Records":
        """Table kinds stop at a missing sheet or a changed header."""
        return cls(value, findings, unusable=any(f.code in STRUCTURE_CODES for f in findings))


@dataclass
class StepContext:
    """What the steps of one kind see while one submission is checked."""

    run: RunContext
    conn: Connection
    load_school: Callable[[Connection], School]
    meta: dict[str, str] = field(default_factory=dict)      # the submission's template metadata
    saved_at: dt.datetime | None = None                     # when the submission was last saved

    @cached_property
    def school(self) -> School:
        """The school snapshot (the run caches it between workbooks)."""
        return self.load_school(self.conn)

    @property
    def school_id(self) -> int:
        return self.run.school_id

    @property
    def settings(self):
        return self.run.settings

    @property
    def yo(self) -> bool:
        return self.run.settings.normalise.yo_as_ye


class WorkbookKind:
    """One kind of workbook: what it looks like and what it does to the store."""

    name: ClassVar[str]
    title: ClassVar[str]                 # Russian, for people
    version: ClassVar[int] = 1
    changes_school: ClassVar[bool] = False   # accepting it changes the school snapshot
    # records() needs only the workbook, the school snapshot and the settings, never the
    # store: a reader process may compute them ahead of the writer
    reads_alone: ClassVar[bool] = False
    # a closed school year refuses the whole workbook (kinds that check no cell against the
    # lock themselves: rosters, plans, earlier years' marks)
    closed_with_year: ClassVar[bool] = False

    def records(self, sub: Submission, ctx: StepContext) -> Records:
        raise NotImplementedError

    def rules(self, records: Records, ctx: StepContext) -> Iterable[Finding]:
        return ()

    def plan(self, records: Records, ctx: StepContext) -> Plan:
        raise NotImplementedError

    def apply(self, plan: Plan, conn: Connection, ctx: RunContext, submission_id: int) -> Changes:
        """Write ``plan`` in the open transaction of ``conn``."""
        return plan.apply(conn, ctx.school_id, submission_id)

    def again(self, conn: Connection, ctx: RunContext, submission_id: int) -> bool:
        """The same bytes as the accepted submission ``submission_id`` were handed in again (a
        duplicate: nothing of them is applied twice). Whatever a kind records of the handing-in
        itself goes here, in the open transaction of ``conn``; True when something was."""
        return False

    def check(self, sub: Submission, ctx: StepContext, records: Records | None = None,
              ) -> tuple[list[Finding], Plan | None]:
        """All findings of ``sub`` and, unless its structure is broken, its plan. ``records``:
        its records when a reader computed them already (``reads_alone`` kinds), against the
        same school snapshot as ``ctx``."""
        if records is None:
            records = self.records(sub, ctx)
        found = list(records.findings)
        if records.unusable:
            return found, None
        found += self.rules(records, ctx)
        plan = self.plan(records, ctx)
        return found + plan.findings, plan


def against_base(ctx: StepContext, state: State, make: Callable[[State | None], RecordedPlan]) -> RecordedPlan:
    """The plan ``make(base)`` for the base this copy (holding ``state``) is merged against
    (:func:`zhurnal.merge.bases.choose_base`); the plan keeps the state for later copies."""
    template_id = ctx.meta.get("template_id", "")
    plan = make(choose_base(ctx.conn, ctx.school_id, template_id, state, saved_at=ctx.saved_at))
    plan.template_id, plan.state = template_id, state
    return plan
