"""The registry of workbook kinds: one module per kind, one line here per kind.

Adding a kind: a module beside these with its declaration and a :class:`WorkbookKind`
subclass instance named ``KIND``, and its line below.
"""

from __future__ import annotations

from zhurnal.kinds import attendance, journal, period, plan, prior, roster, setup, year
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
)}

__all__ = ["KINDS", "WorkbookKind"]
