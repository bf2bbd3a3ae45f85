"""What goes out and what comes in by mail: the mail ledger, issued templates and the states
of accepted copies, parents' access, fetched mail."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from zhurnal.store.schema.base import _school, metadata

_P = {"since": "0003"}

mail_ledger = Table(
    "mail_ledger", metadata, _school(key=False),
    Column("message_id", String(255), primary_key=True),
    Column("kind", String(16), nullable=False),         # diary | feedback | summary
    Column("recipient", Text, nullable=False),
    Column("week", String(16)),
    Column("parent_id", Integer),
    Column("digest", String(64)),
    Column("status", String(16), nullable=False),   # queued | sent | refused | failed | uncertain | superseded
    Column("attempts", Integer, nullable=False, default=0),
    Column("response", Text),
    Column("updated_at", DateTime, nullable=False),
    # the JSON the message's diaries (or report cards) were rendered from, so a later correction
    # can say what changed against what the parent actually received (migration 0006)
    Column("content", Text, info={"since": "0006"}),
    # the addresses a refused message went to: it is tried again only at another (migration 0011)
    Column("refused_to", Text, info={"since": "0011"}),
    # the pupil a pupil's own copy of their diary went to (kind ``pupil``; migration 0015): a
    # pupil is a recipient of their own, keyed apart from the parents
    Column("student_id", Integer, info={"since": "0015"}),
    info=_P,
)

# ---- merging against the copy as issued (migration 0004) ------------------------------------

_M = {"since": "0004"}

issued_templates = Table(
    "issued_templates", metadata, _school(key=False),
    Column("template_id", String(64), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("author", Text),
    Column("label", String(16)),                        # the week or period it was issued for
    Column("issued_at", DateTime, nullable=False),
    Column("state", Text, nullable=False),              # JSON: cell key → value as issued (the base)
    info=_M,
)

submission_states = Table(
    "submission_states", metadata, _school(key=False),
    Column("submission_id", Integer, ForeignKey("submissions.id"), primary_key=True),
    Column("template_id", String(64), nullable=False, index=True),
    Column("state", Text, nullable=False),              # JSON: cell key → value as submitted
    info=_M,
)

# ---- access: parents' passwords, mail taken over IMAP (migration 0007) ------------------------

_A = {"since": "0007"}

parent_access = Table(
    "parent_access", metadata, _school(key=False),
    Column("parent_id", Integer, ForeignKey("parents.id"), primary_key=True),
    Column("version", Integer, nullable=False, default=0),   # bumped to reset the password
    Column("updated_at", DateTime, nullable=False),
    info=_A,
)

fetched_mail = Table(
    "fetched_mail", metadata, _school(key=False),
    Column("id", Integer, primary_key=True),
    Column("message_id", String(255), nullable=False),
    Column("uid", String(64), nullable=False),          # IMAP UID in the folder it was read from
    Column("sender", Text, nullable=False),
    Column("status", String(16), nullable=False),       # taken | held
    Column("reason", String(32)),                       # why held: unknown-sender | not-authenticated | …
    Column("files", Text, nullable=False, default="[]"),  # JSON: paths written under inbox/
    Column("author", Text),
    Column("answered", Boolean, nullable=False, default=False),
    Column("received_at", DateTime, nullable=False),
    UniqueConstraint("school_id", "message_id", name="uq_fetched_message"),
    info=_A,
)

# ---- the school year: exam marks and marks of earlier years (migration 0008) ------------------
# Year marks are period marks of the setup's year period (``period_marks.period`` = its code,
# e.g. «Y»); final (attestat) marks are computed, never stored (zhurnal.year.final).
