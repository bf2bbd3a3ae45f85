"""The registry of workbook kinds: one package per kind, one line here per kind.

A kind is a folder ``zhurnal/kinds/<kind>/``: ``spec.py`` declares the workbook (sheets,
columns, marker rows, choice sets), ``issue.py`` writes it prefilled from the store,
``records.py`` reads a submitted copy's cells into typed records with its rules, ``plan.py``
says what the records would change in the store and writes it, and ``__init__.py`` joins
these steps in a :class:`WorkbookKind` subclass instance named ``KIND``. What several kinds
share stays here beside the folders (:mod:`.base`, :mod:`.limits`, :mod:`.signing`), in
:mod:`zhurnal.validate` (reading values, tables and grids) and in :mod:`zhurnal.merge` (bases,
revisions, guards, locks); one kind may use another's module (the journal's plan asks the
attendance plan which days a register holds).

Adding a kind: one new folder, its line below, and a store migration if it keeps a table of
its own.
"""

from __future__ import annotations

from zhurnal.kinds import attendance, extracurricular, journal, period, plan, prior, roster, setup, year
from zhurnal.kinds.base import WorkbookKind

KINDS: dict[str, WorkbookKind] = {kind.name: kind for kind in (
    setup.KIND,
    roster.KIND,
    plan.KIND,
    journal.KIND,
    attendance.KIND,
    period.KIND,
    year.KIND,
    prior.KIND,
    extracurricular.KIND,
)}

__all__ = ["KINDS", "WorkbookKind"]
