"""The base of a three-way merge: what the copy a teacher filled held when it was issued.

A *state* is a flat dict, cell key → value, that one workbook holds for the data it covers
(the journal: a student's marks and presence in a lesson, and each lesson field; see the
merge module of each kind for its keys; ``@…`` keys mark that a lesson or row exists). A missing key means an empty cell. Each issued template records its
state (the base); each accepted submission records its own.

Which base a submission is merged against: a teacher keeps filling one file and sends it
again and again; the copy a teacher saved before, or the blank issue, may come in later too.
A submission is taken to descend from an earlier accepted submission of the same template when
it still holds at least half of what that submission set (``DESCENT_SHARE``); it is merged
against the one it holds most of (the latest on a tie), else against the template as issued.
So a continued copy may correct or clear its own marks, and a parallel copy cannot undo them.
The limit of telling copies apart by content: a copy that changes more than half of what its
own earlier submission set is taken for a parallel copy, so its changed cells come back as
conflicts (never as silent changes) and its cleared cells stay; a fresh copy resolves both.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import Connection, and_, insert, select

from zhurnal.core.findings import Finding, finding
from zhurnal.merge.sync import Changes
from zhurnal.store import schema as s
from zhurnal.store.delete import delete_rows

State = dict[str, object]
DESCENT_SHARE = 0.5


def _dump(state: State) -> str:
    return json.dumps({k: v for k, v in state.items() if v is not None}, ensure_ascii=False, sort_keys=True,
                      default=str)


def record_issue(conn: Connection, school_id: int, meta: dict[str, str], state: State, issued_at: dt.datetime) -> None:
    """Keep the base of a template just issued (``meta``: its metadata)."""
    conn.execute(insert(s.issued_templates).values(
        school_id=school_id, template_id=meta["template_id"], kind=meta["kind"], author=meta.get("author"),
        label=meta.get("week") or meta.get("period"), issued_at=issued_at, state=_dump(state)))


def forget_issue(conn: Connection, school_id: int, template_id: str) -> None:
    """Drop the base of a template that was issued and never handed out (a delivery found the
    teacher already holds the same workbook, whose own base stays)."""
    delete_rows(conn, s.issued_templates, and_(s.issued_templates.c.school_id == school_id,
                                               s.issued_templates.c.template_id == template_id))


def record_state(conn: Connection, school_id: int, submission_id: int, template_id: str, state: State) -> None:
    """Keep what an accepted submission held, a candidate base for later copies."""
    conn.execute(insert(s.submission_states).values(
        school_id=school_id, submission_id=submission_id, template_id=template_id, state=_dump(state)))


def issued_state(conn: Connection, school_id: int, template_id: str) -> State | None:
    """The base recorded when the template was issued; None for templates issued before bases."""
    row = conn.execute(select(s.issued_templates.c.state).where(
        s.issued_templates.c.school_id == school_id, s.issued_templates.c.template_id == template_id)).first()
    return json.loads(row.state) if row else None


def _accepted(conn: Connection, school_id: int, template_id: str) -> list[tuple[State, dt.datetime | None]]:
    """States of the accepted submissions of one template with their saved times, newest first."""
    t, sub = s.submission_states, s.submissions
    rows = conn.execute(select(t.c.state, sub.c.saved_at).join(sub, sub.c.id == t.c.submission_id)
                        .where(t.c.school_id == school_id, t.c.template_id == template_id)
                        .order_by(t.c.submission_id.desc())).all()
    return [(json.loads(r.state), r.saved_at) for r in rows]


def _descends(mine: State, earlier: State, issued: State) -> float:
    """The share of what ``earlier`` set (changed from the issue) that ``mine`` still holds.

    Keys starting with ``@`` say only that a row or lesson exists; every copy of a template has
    those, so they say nothing about descent.
    """
    set_keys = [k for k in earlier.keys() | issued.keys()
                if not k.startswith("@") and earlier.get(k) != issued.get(k)]
    if not set_keys:
        return 0.0
    return sum(1 for k in set_keys if mine.get(k) == earlier.get(k)) / len(set_keys)


def choose_base(conn: Connection, school_id: int, template_id: str, mine: State,
                saved_at: dt.datetime | None = None) -> State | None:
    """The state ``mine`` is merged against (see the module's text); None when none is recorded.

    A copy saved (``saved_at``) before an accepted submission was saved cannot continue it,
    whatever it shares with it: an older copy handed in late is merged against what it was
    really filled from, so it never undoes the later corrections as if they were its own."""
    issued = issued_state(conn, school_id, template_id)
    if issued is None:
        return None
    best, best_share = issued, 0.0
    for earlier, earlier_saved in _accepted(conn, school_id, template_id):
        if saved_at is not None and earlier_saved is not None and earlier_saved > saved_at:
            continue
        share = _descends(mine, earlier, issued)
        if share >= DESCENT_SHARE and share > best_share:
            best, best_share = earlier, share
    return best


def last_change(conn: Connection, school_id: int, entity: str, key: str) -> dict | None:
    """Who last changed ``key`` of ``entity`` in the store: the submission's file, author, time."""
    r, sub = s.revisions, s.submissions
    row = conn.execute(select(sub.c.original_name, sub.c.author, sub.c.received_at)
                       .join(sub, sub.c.id == r.c.submission_id)
                       .where(r.c.school_id == school_id, r.c.entity == entity, r.c.key == key)
                       .order_by(r.c.id.desc()).limit(1)).mappings().first()
    return dict(row) if row else None


class Merger:
    """Three-way decisions for one submission; ``base`` None means the copy is authoritative
    (a template issued before bases were recorded), as copies always were before."""

    def __init__(self, conn: Connection, school_id: int, base: State | None) -> None:
        self.conn, self.school_id, self.base = conn, school_id, base
        self.findings: list[Finding] = []

    def value(self, key: str, mine: object, theirs: object, *, sheet: str, cell: str, entity: str,
              revision_key: str | None = None) -> object:
        """The value the store should hold after this copy: ``mine``, or ``theirs`` kept (and a
        ``merge-conflict`` at the cell when both changed it differently since the base).
        ``revision_key``: the key under which the store's revisions record this value."""
        if self.base is None or mine == theirs:
            return mine
        base = self.base.get(key)
        if mine == base:
            return theirs            # the teacher did not touch it: a later change elsewhere stays
        if theirs == base:
            return mine
        origin = last_change(self.conn, self.school_id, entity, revision_key or key) or {}
        when = origin.get("received_at")
        self.findings.append(finding(
            "merge-conflict", sheet=sheet, cell=cell, value=_text(mine), stored=_text(theirs),
            source=origin.get("original_name") or "—", author=origin.get("author") or "—",
            when=f"{when:%d.%m.%Y %H:%M}" if when else "—"))
        return theirs


def _text(value: object) -> str:
    if value is None or value == "":
        return "пусто"
    if isinstance(value, bool):
        return "да" if value else "нет"
    return str(value)


@dataclass(kw_only=True)
class RecordedPlan:
    """A plan that, once written, keeps what its copy held (``state``, for ``template_id``) as a
    candidate base for later copies. Subclasses write in :meth:`write`."""

    findings: list[Finding] = field(default_factory=list)
    template_id: str = ""
    state: State = field(default_factory=dict)

    def write(self, conn: Connection, school_id: int, submission_id: int) -> Changes:
        raise NotImplementedError

    def apply(self, conn: Connection, school_id: int, submission_id: int) -> Changes:
        changes = self.write(conn, school_id, submission_id)
        if self.template_id:
            record_state(conn, school_id, submission_id, self.template_id, self.state)
        return changes
