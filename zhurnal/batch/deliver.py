"""Workbooks out to the teachers: each teacher's into their own folder, and by mail.

A teacher's folder ``outbox/teachers/<login>/<label>/`` (beside their hand-in folder
``inbox/<login>/``; the label is the week, ``2026-W50``, or the period) is ready to be shared
with that teacher alone. When ``[smtp]`` has a host and the setup gives the teacher an address,
the same workbooks go by mail too, with one line on how to hand them back, through the mail
ledger (:mod:`zhurnal.publish.teacher_mail`: once; a reissue supersedes a message still waiting).

Idempotent: a workbook is compared with the one already in the folder by its content — every
part of the file but its creation time and the metadata that differs between two issues of the
same content (template id, issue time, signature) — so delivering the same week again writes no
file and queues no mail. :func:`deliver_week` issues into a scratch folder and drops the bases
of the copies it did not hand out, so a run every 15 minutes leaves no trace.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from zhurnal.batch import issue
from zhurnal.core.atomic import write_bytes
from zhurnal.ingest.identify import read_metadata
from zhurnal.ingest.read import cells_of
from zhurnal.merge.bases import forget_issue
from zhurnal.publish.teacher_mail import mail_workbooks, teachers_by_name
from zhurnal.school.calendar import Week
from zhurnal.school.context import RunContext
from zhurnal.school.workspace import share_outgoing
from zhurnal.text import mail as words
from zhurnal.text.mail import fill

VOLATILE = ("template_id", "issued", "signature")    # what two issues of the same content differ in
TEACHERS = "teachers"                                # outbox/teachers/<login>/<label>/
PLANS, YEAR = "КТП", "год"                           # the labels of the plans and the year sheets


@dataclass
class DeliveryReport:
    """One delivery: ``written``: login → the file names put into that teacher's folder now;
    ``unchanged``: workbooks the folder already held as they are; ``mailed``: logins whose
    message was queued now; ``no_teacher``: authors the setup has no teacher (or login) for
    (a class without a class teacher); ``no_address``: teachers without an address (folder only)."""

    label: str
    paths: list[Path] = field(default_factory=list)      # issued into templates_xlsx/ (hand_out_*)
    written: dict[str, list[str]] = field(default_factory=dict)
    unchanged: int = 0
    mailed: list[str] = field(default_factory=list)
    no_teacher: list[str] = field(default_factory=list)
    no_address: list[str] = field(default_factory=list)

    ok: bool = True            # a teacher without a folder or address is said, not a failure
    exit_code: int = 0

    def as_dict(self) -> dict:
        return {"ok": self.ok, "label": self.label, "paths": [str(p) for p in self.paths], "written": self.written, "unchanged": self.unchanged,
                "mailed": self.mailed, "no_teacher": self.no_teacher, "no_address": self.no_address}


def teacher_folder(ctx: RunContext, login: str, label: str) -> Path:
    return ctx.settings.outbox / TEACHERS / login / label


def fingerprint(path: Path) -> tuple[dict[str, str], str]:
    """The metadata of an issued workbook and a digest of its content: every zip part but
    ``docProps/core.xml`` (the creation time), with the metadata's volatile values blanked."""
    data = path.read_bytes()
    meta = read_metadata(cells_of(path)) or {}
    blanks = [meta[k].encode() for k in VOLATILE if meta.get(k)]
    found = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for name in sorted(book.namelist()):
            if name == "docProps/core.xml":
                continue
            part = book.read(name)
            for blank in blanks:
                part = part.replace(blank, b"")
            found.update(name.encode() + b"\0" + part)
    return meta, found.hexdigest()


def deliver(ctx: RunContext, label: str, title: str, paths: list[Path], *, scratch: bool = False) -> DeliveryReport:
    """Put each workbook at ``paths`` into its author's folder unless it holds the same content
    already, then queue each teacher's workbooks of ``label`` as one message (``title``: what
    the subject names, «неделю 07.12–13.12.2026»). ``scratch``: ``paths`` are copies issued only
    to be compared; the bases of those not handed out are dropped."""
    report = DeliveryReport(label)
    teachers = teachers_by_name(ctx)
    books: dict[str, list[tuple[str, bytes, str]]] = {}
    for path in paths:
        meta, digest = fingerprint(path)
        teacher = teachers.get(meta.get("author") or "")
        if teacher is None:
            report.no_teacher.append(meta.get("author") or path.name)
            continue
        target = teacher_folder(ctx, teacher.login, label) / path.name
        if target.exists() and fingerprint(target)[1] == digest:
            report.unchanged += 1
            if scratch and meta.get("template_id") and ctx.school_id is not None:
                with ctx.engine.begin() as conn:
                    forget_issue(conn, ctx.school_id, meta["template_id"])
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            write_bytes(target, path.read_bytes())
            if ctx.settings.ingest.teacher_group:       # the teachers read their folders on a shared drive
                share_outgoing(ctx.settings.outbox / TEACHERS / teacher.login, target,
                               ctx.settings.ingest.teacher_group)
            report.written.setdefault(teacher.login, []).append(path.name)
        books.setdefault(teacher.full_name, []).append((target.name, target.read_bytes(), digest))
    if not ctx.settings.smtp.host:
        return report
    for name, held in sorted(books.items()):
        teacher = teachers[name]
        if not teacher.email:
            report.no_address.append(name)
        elif mail_workbooks(ctx, label, title, teacher, held):
            report.mailed.append(teacher.login)
    return report


def deliver_week(ctx: RunContext, week: Week, *, teacher: str | None = None) -> DeliveryReport:
    """Issue ``week``'s journals and attendance registers and deliver them (:func:`deliver`);
    a second call with nothing changed in the store writes nothing and queues no mail. Raises
    as :func:`zhurnal.batch.issue.issue_week` (a week outside the school year, an unknown teacher)."""
    root = ctx.settings.outbox / TEACHERS
    root.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=".issue-", dir=root))
    try:
        paths = issue.issue_week(ctx, week, teacher=teacher, out_dir=scratch)
        return deliver(ctx, week.label, fill(words.WEEK_TITLE, week=week.title()), paths, scratch=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _handed(ctx: RunContext, label: str, title: str, paths: list[Path]) -> DeliveryReport:
    report = deliver(ctx, label, title, paths)
    report.paths = paths
    return report


def hand_out_week(ctx: RunContext, week: Week, *, teacher: str | None = None) -> DeliveryReport:
    """``zhurnal templates week``: the week's workbooks into ``templates_xlsx/<week>/`` and
    delivered to each teacher (:func:`deliver`)."""
    paths = issue.issue_week(ctx, week, teacher=teacher)
    return _handed(ctx, week.label, fill(words.WEEK_TITLE, week=week.title()), paths)


def hand_out_period(ctx: RunContext, period_code: str, *, teacher: str | None = None) -> DeliveryReport:
    """``zhurnal templates period``: the period-mark sheets, issued and delivered."""
    paths = issue.issue_period(ctx, period_code, teacher=teacher)
    return _handed(ctx, period_code, fill(words.PERIOD_TITLE, period=period_code), paths)


def hand_out_plans(ctx: RunContext, *, teacher: str | None = None) -> DeliveryReport:
    """``zhurnal templates plan``: the calendar-thematic plans (КТП), issued and delivered."""
    return _handed(ctx, PLANS, words.PLANS_TITLE, issue.issue_plans(ctx, teacher=teacher))


def hand_out_year(ctx: RunContext, *, teacher: str | None = None) -> DeliveryReport:
    """``zhurnal templates year``: the year-mark sheets, issued and delivered."""
    return _handed(ctx, YEAR, words.YEAR_TITLE, issue.issue_year(ctx, teacher=teacher))
