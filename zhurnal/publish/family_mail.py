"""Mail to families: one current message per parent and week (or period), holding only their
own children's diaries (or report cards).

In three steps, so that no store transaction waits for Typst:

1. :meth:`Seen.read` — what the mail ledger says of this week, on a read-only connection;
2. :func:`_plan` — each family's message built and written to ``outbox/<week>/mail/`` as soon as
   its children's PDFs are rendered (the rendering goes on meanwhile), no transaction open;
3. :func:`_commit` — the ledger rows written in one short transaction, after checking that no
   message of this week was delivered meanwhile (a ``send`` running beside publish): if one
   was, the plan is made again against the ledger as it is now.

Promises kept: what is still waiting for the same parent and week is superseded; a parent who
already received a different version gets a correction naming the changed marks; a parent who
received the same (class averages aside, :func:`~zhurnal.publish.changes.own_digest`) gets
nothing, unless forced; a family whose child's document failed to render gets no message and
keeps the one waiting from before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from zhurnal.publish import ledger
from zhurnal.publish.changes import mark_changes, own_digest
from zhurnal.publish.encrypt import parent_pdf_lock, pupil_pdf_lock
from zhurnal.publish.family_message import Post, family_message
from zhurnal.publish.letter_summary import letter_summary
from zhurnal.publish.mail import check_address, eml_name, message_id, write_eml
from zhurnal.publish.render import Rendering
from zhurnal.publish.supersede import supersede_all_but
from zhurnal.publish.week_data import digest
from zhurnal.publish.wrong_addresses import wrong_addresses
from zhurnal.school.context import RunContext
from zhurnal.school.snapshot import School
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.text import mail as words
from zhurnal.text.mail import fill

QUEUE_CHUNK = 100     # messages noted per statement: each row's content is its diaries as JSON, not all at once
ATTEMPTS = 3          # plans made before giving up on a ledger that keeps changing under publish


@dataclass(frozen=True)
class Audience:
    """Whom a post's messages go to, as the ledger keys them: parents (the post's own kind,
    ``parent_id``, Message-IDs ``….p<parent>.…``) or pupils' own copies of their diaries (kind
    ``pupil``, ``student_id``, ``….u<pupil>.…``): a pupil is a recipient of their own, so a
    pupil's copy never supersedes nor is taken for a parent's."""

    ledger_kind: str | None     # None: the post's own kind (diary | report)
    by: str                     # the ledger column naming the recipient
    mark: str                   # the recipient's letter in the Message-ID's key

    def kind(self, post: Post) -> str:
        return self.ledger_kind or post.kind


PARENTS = Audience(None, "parent_id", "p")
PUPILS = Audience("pupil", "student_id", "u")


class LedgerMoved(RuntimeError):
    """Messages of the week kept being delivered while publish planned its mail (another
    ``send`` running all along): infrastructure, not data; publish again when it is done."""


def read_families(conn, school_id: int) -> dict[int, dict]:
    """Parent id → ``{id, full_name, email, children}``: the children (pupil ids) whose diary the
    parent receives. Every pupil counts: the documents made decide whose are sent (a pupil who
    left this week still has a diary)."""
    found: dict[int, dict] = {}
    for link in q.guardians_of(conn, school_id, [r["id"] for r in q.table_rows(conn, s.students, school_id, "id")]):
        parent = found.setdefault(link["id"], {**{k: link[k] for k in ("id", "full_name", "email")}, "children": []})
        if link["receives_diary"]:
            parent["children"].append(link["student_id"])
    return found


def read_pupils(conn, school: School, school_id: int | None, from_grade: int) -> dict[int, dict]:
    """Pupil id → ``{id, full_name, email, children: [the pupil]}``: every pupil with an address
    of their own in a class of grade ``from_grade`` or above (``[diary] pupils_from_grade``; 0:
    nobody), each a recipient of their own diary only."""
    if from_grade <= 0:
        return {}
    rows = conn.execute(select(s.students.c.id, s.students.c.full_name, s.students.c.email, s.students.c.class_code)
                        .where(s.students.c.school_id == school_id, s.students.c.email.is_not(None)))
    return {r.id: {"id": r.id, "full_name": r.full_name, "email": r.email, "children": [r.id]} for r in rows
            if r.email and r.class_code in school.classes and school.grade(r.class_code) >= from_grade}


@dataclass(frozen=True)
class Seen:
    """What the ledger said of one post when the plan was made."""

    delivered: dict[int, dict]      # parent id → the last message delivered: {message_id, digest, content}
    sent: frozenset[str]            # every delivered message id of the post (the fence)

    @classmethod
    def read(cls, conn, school_id: int, post: Post, audience: Audience = PARENTS) -> Seen:
        kind = audience.kind(post)
        return cls(ledger.delivered_by_parent(conn, school_id, post.label, kind, by=audience.by),
                   frozenset(ledger.sent_ids(conn, school_id, kind, post.label)))


@dataclass
class MailPlan:
    """The families' messages of one publish, written to the outbox and not yet in the ledger."""

    rows: list[dict] = field(default_factory=list)       # ledger rows to queue (ledger.queue_many)
    files: list[Path] = field(default_factory=list)      # the .eml written for them
    mailed: set[int] = field(default_factory=set)        # pupils whose document went by mail
    keep_waiting: set[int] = field(default_factory=set)  # parents who keep what waits for them
    failed: list[str] = field(default_factory=list)      # parents whose address cannot be used
    wrong: dict[int, dict] = field(default_factory=dict)  # refused for good, unchanged since (wrong_addresses)
    unchanged: int = 0
    corrections: int = 0


def _plan(ctx: RunContext, families: dict[int, dict], school: School, pdfs: Rendering, post: Post, out: Path,
          force: bool, seen: Seen, teachers: dict[str, str], lock: Callable[[int, bytes], bytes],
          wrong: dict[int, dict], audience: Audience = PARENTS) -> MailPlan:
    """Every family's message built and written (waiting for each family's own PDFs only)."""
    settings = ctx.settings
    plan = MailPlan(wrong=wrong)
    for parent in sorted(families.values(), key=lambda p: p["id"]):
        wanted = [c for c in parent["children"] if c in pdfs.docs]
        children = sorted(c for c in wanted if c in pdfs)   # rendered ones only
        if len(children) < len(wanted):
            # a child's document failed to render (listed by the rendering): no message without
            # it, and what was waiting for this family from before stays waiting
            plan.keep_waiting.add(parent["id"])
            continue
        if not parent["email"] or not children:
            continue
        try:
            check_address(parent["email"])
        except ValueError:       # one parent's address never stops the school's mail: paper instead
            plan.failed.append(fill(words.ADDRESS_UNUSABLE, parent=parent["full_name"], email=parent["email"]))
            continue
        if parent["id"] in wrong:    # a server refused this very address for good: paper until the roster mends it
            plan.failed.append(fill(words.ADDRESS_REFUSED, parent=parent["full_name"], email=parent["email"],
                                    classes=", ".join(wrong[parent["id"]]["classes"])))
            plan.keep_waiting.add(parent["id"])       # the refused message stays refused, not superseded
            continue
        plan.mailed.update(children)
        content = [pdfs.docs[c] for c in children]
        fingerprint = digest(content)
        delivered = seen.delivered.get(parent["id"])
        if delivered and delivered["content"] is not None:
            correction = own_digest(delivered["content"]) != own_digest(content)
        else:
            correction = delivered is not None and delivered["digest"] != fingerprint
        if delivered and not correction and not (force or settings.mail.resend_unchanged):
            plan.unchanged += 1
            continue
        key, kind = f"{post.label}.{audience.mark}{parent['id']}", audience.kind(post)
        msg_id = message_id(kind, key, fingerprint, settings.school.code)
        if msg_id in seen.sent:   # a forced resend is a message of its own
            msg_id = message_id(kind, f"{key}.r{ctx.now:%Y%m%d%H%M%S}", fingerprint, settings.school.code)
        changes = mark_changes(delivered["content"], content) if correction and delivered["content"] else None
        message = family_message(settings, school, post, parent, children,
                                 [lock(parent["id"], pdfs[c]) for c in children], msg_id=msg_id,
                                 correction=correction, changes=changes, teachers=teachers,
                                 summary=letter_summary(content, locked=settings.diary.encrypt)
                                 if post.kind == "diary" else "")
        plan.files.append(write_eml(message, out / "mail"))
        plan.rows.append({"message_id": msg_id, "kind": kind, "recipient": parent["email"], "week": post.label,
                          audience.by: parent["id"], "digest": fingerprint, "content": content})
        plan.corrections += correction
    return plan


def _commit(ctx: RunContext, plan: MailPlan, post: Post, seen: Seen, audience: Audience = PARENTS) -> int | None:
    """The plan's rows noted and what they replace superseded, in one short transaction; how
    many were superseded, or None (nothing written) when a message of the post was delivered
    since ``seen`` was read."""
    with ctx.engine.begin() as conn:
        if frozenset(ledger.sent_ids(conn, ctx.school_id, audience.kind(post), post.label)) != seen.sent:
            return None
        for start in range(0, len(plan.rows), QUEUE_CHUNK):
            ledger.queue_many(conn, ctx.school_id, plan.rows[start:start + QUEUE_CHUNK])
        return supersede_all_but(conn, ctx.settings.outbox, ctx.school_id, audience.kind(post), post.label,
                                 {row["message_id"] for row in plan.rows}, keep_parents=plan.keep_waiting,
                                 by=audience.by)


def _discard(ctx: RunContext, plan: MailPlan) -> None:
    """The files of a plan that was not committed, but those the ledger knows (an unchanged
    message, already waiting or delivered, is the same file)."""
    with ctx.engine.connect() as conn:
        known = ledger.statuses(conn, [row["message_id"] for row in plan.rows])
    for row, path in zip(plan.rows, plan.files):
        if row["message_id"] not in known and path.name == eml_name(row["message_id"]):
            path.unlink(missing_ok=True)


def mail_families(ctx: RunContext, families: dict[int, dict], school: School, pdfs: Rendering, post: Post,
                  out: Path, force: bool, keep: set[int] | None = None,
                  audience: Audience = PARENTS) -> tuple[MailPlan, int]:
    """Mail every family of ``families`` (:func:`read_families`) the documents in ``pdfs`` of
    their children (see the module's docstring); the committed plan (its ``mailed`` pupils go to
    no print bundle, its ``failed`` are for the report) and how many waiting messages it
    superseded; the parents in ``keep`` keep what waits for them. :class:`LedgerMoved` after
    :data:`ATTEMPTS` plans overtaken by deliveries. ``audience`` :data:`PUPILS`: ``families``
    are pupils (:func:`read_pupils`), each mailed their own diary locked with their own password."""
    pupils = audience is PUPILS
    with ctx.engine.connect() as conn:        # reads only: nothing held while the PDFs render
        teachers = {t["full_name"]: t["email"] or "" for t in q.table_rows(conn, s.teachers, ctx.school_id)}
        # [diary] encrypt: the parent's (or the pupil's) own password
        lock = (pupil_pdf_lock if pupils else parent_pdf_lock)(conn, ctx.settings, ctx.school_id)
        seen = Seen.read(conn, ctx.school_id, post, audience)
        wrong = {} if pupils else wrong_addresses(conn, ctx.school_id)
    for _ in range(ATTEMPTS):
        plan = _plan(ctx, families, school, pdfs, post, out, force, seen, teachers, lock, wrong, audience)
        plan.keep_waiting |= keep or set()
        superseded = _commit(ctx, plan, post, seen, audience)
        if superseded is not None:
            return plan, superseded
        _discard(ctx, plan)
        with ctx.engine.connect() as conn:
            seen = Seen.read(conn, ctx.school_id, post, audience)
    raise LedgerMoved(post.label)
