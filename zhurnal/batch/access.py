"""``access slips`` and ``access reset``: parents' diary passwords, teachers' channels."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from zhurnal.core.errors import UsageError
from zhurnal.publish.slips import parent_slips, teacher_slips
from zhurnal.school.context import RunContext
from zhurnal.school.credentials import Passwords, reset_password
from zhurnal.store import queries as q
from zhurnal.text.i18n import N_


class SlipsForWhom(UsageError):
    def __init__(self) -> None:
        super().__init__(N_("say --class, --teachers or both"))


class UnknownParent(UsageError, LookupError):
    def __init__(self, parent_id: int) -> None:
        super().__init__(N_("there is no parent with id {id} (ids are in the class rosters)"), id=parent_id)


@dataclass
class Slips:
    made: list[tuple[Path, int]] = field(default_factory=list)     # (PDF, slips in it)
    ok: bool = True
    exit_code: int = 0

    def as_dict(self) -> dict:
        return {"ok": True, "made": [{"path": str(p), "slips": n} for p, n in self.made]}


def slips(ctx: RunContext, *, class_code: str | None = None, teachers: bool = False) -> Slips:
    """Parents' slips of ``class_code`` and/or teachers' slips, as PDFs in ``outbox/access/``."""
    if not class_code and not teachers:
        raise SlipsForWhom()
    done = Slips()
    if class_code:
        done.made.append(parent_slips(ctx, class_code))
    if teachers:
        done.made.append(teacher_slips(ctx))
    return done


@dataclass
class Reset:
    parent_id: int
    ok: bool = True
    exit_code: int = 0

    def as_dict(self) -> dict:
        return {"ok": True, "parent_id": self.parent_id}


def reset(ctx: RunContext, parent_id: int) -> Reset:
    """A new diary password for one parent; the old one stops opening new mail."""
    with ctx.engine.begin() as conn:
        if parent_id not in {p["id"] for p in q.all_parents(conn, ctx.school_id)}:
            raise UnknownParent(parent_id)
        reset_password(conn, ctx.school_id, parent_id, ctx.now)
        Passwords(conn, ctx.settings.workspace, ctx.settings.school.code, ctx.school_id)
    return Reset(parent_id)
