"""``zhurnal publish``: a week's diaries, parents' mail, print bundles, feedback mail, summaries.

Everything lands in ``outbox/<week>/``: ``diaries/<class>/``, ``print/``, ``mail/`` (ready
``.eml``), ``summaries/``. A parent whose children's diaries did not change since the last
mail their server accepted gets nothing new, unless the school resends unchanged diaries.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from zhurnal.core.atomic import write_bytes
from zhurnal.school.calendar import Week
from zhurnal.school.context import RunContext
from zhurnal.core.errors import UnknownPeriod
from zhurnal.publish import ledger
from zhurnal.publish.bundle import join_pdfs
from zhurnal.publish.encrypt import parent_pdf_lock
from zhurnal.publish.diary import REPORT_CARD, DiaryRenderer, RenderError, template_path
from zhurnal.core.filenames import feedback_path, safe_name
from zhurnal.publish.changes import mark_changes, own_digest
from zhurnal.publish.mail import XLSX, build_message, check_address, diary_body, eml_name, feedback_body, message_id, write_eml
from zhurnal.publish.report_card import report_cards
from zhurnal.publish.summaries import write_summary
from zhurnal.publish.summary_data import period_summary, week_summary
from zhurnal.publish.week_data import digest, load_week
from zhurnal.core.settings import Settings
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.school.snapshot import load_school
from zhurnal.text import mail as words
from zhurnal.text.mail import fill

PDF = ("application", "pdf")
QUEUE_CHUNK = 100       # parents' messages noted in the mail ledger per statement


@dataclass
class PublishReport:
    week: str
    diaries: int = 0
    mails: int = 0
    unchanged: int = 0
    corrections: int = 0                                  # mails that correct a diary already delivered
    superseded: int = 0                                   # queued mails a newer one replaced (never sent)
    print_bundles: list[str] = field(default_factory=list)
    feedback_mails: int = 0
    summaries: list[str] = field(default_factory=list)
    outbox: str = ""
    failed: list[str] = field(default_factory=list)       # documents that could not be rendered

    @property
    def ok(self) -> bool:
        return not self.failed

    def as_dict(self) -> dict:
        return {**self.__dict__, "ok": self.ok}


def _file_name(text: str) -> str:
    return safe_name(text).replace(" ", "_")


def _families(conn, school_id: int) -> dict[int, dict]:
    """Parent id → parent row with the children (ids) whose diary they receive."""
    found: dict[int, dict] = {}
    # every pupil: the documents given decide whose are sent (a pupil who left this week still has a diary)
    for link in q.guardians_of(conn, school_id, [r["id"] for r in q.table_rows(conn, s.students, school_id, "id")]):
        parent = found.setdefault(link["id"], {**{k: link[k] for k in ("id", "full_name", "email")}, "children": []})
        if link["receives_diary"]:
            parent["children"].append(link["student_id"])
    return found


class _Rendering:
    """One PDF per student rendered into ``folder/<class>/`` on all cores while the caller goes
    on (computing the next diaries, mailing the families whose children are rendered, writing
    the summary): a student's PDF is rendered from the moment it is :meth:`add`-ed and waited for
    only when it is asked for (``sid in rendering``, ``rendering[sid]``).

    A PDF already in ``folder`` from the same template and data (``folder/.rendered.json`` keeps
    a digest of both per student) is reused: republishing a week after one correction renders
    only the diaries it touched. A document that cannot be rendered is listed in
    ``report.failed`` and is not in the rendering. :meth:`all` waits for the rest and writes
    the digests.
    """

    def __init__(self, renderer: DiaryRenderer, school, folder: Path,
                 progress: Callable[[int, int], None] | None, report: "PublishReport") -> None:
        self.school, self.folder, self.progress, self.report = school, folder, progress, report
        self.docs: dict[int, dict] = {}
        self.paths: dict[int, Path] = {}
        self.keys: dict[int, str] = {}
        self.ready: dict[int, bytes] = {}
        manifest = folder / ".rendered.json"
        self.before = json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else {}
        self.template = hashlib.sha256(renderer.template.read_bytes()).hexdigest()
        self.done = 0
        self.renderer = renderer
        self.pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)
        self.pending: dict[int, Future] = {}

    def add(self, sid: int, doc: dict) -> None:
        """Start rendering ``doc``, the document of student ``sid`` (or take it from ``folder``)."""
        student = self.school.students[sid]
        self.docs[sid] = doc
        self.paths[sid] = path = (self.folder / _file_name(student["class_code"])
                                  / f"{_file_name(student['full_name'])}_{sid}.pdf")
        self.keys[sid] = key = digest([self.template, doc])
        if self.before.get(str(sid)) == key and path.is_file():
            self.ready[sid] = path.read_bytes()
            self.done += 1
        else:
            self.pending[sid] = self.pool.submit(self._render, sid)

    def _render(self, sid: int) -> bytes | RenderError:
        pdf = self.renderer.render_one(self.docs[sid])
        if not isinstance(pdf, RenderError):
            write_bytes(self.paths[sid], pdf)
        return pdf

    def _wait(self, sid: int) -> None:
        future = self.pending.pop(sid, None)
        if future is None:
            return
        pdf = future.result()
        self.done += 1
        if self.progress:
            self.progress(self.done, len(self.docs))
        if isinstance(pdf, RenderError):
            student = self.school.students[sid]
            self.report.failed.append(f"{student['class_code']} {student['full_name']}: {str(pdf)[:200]}")
        else:
            self.ready[sid] = pdf

    def __contains__(self, sid: object) -> bool:
        self._wait(sid)
        return sid in self.ready

    def __getitem__(self, sid: int) -> bytes:
        self._wait(sid)
        return self.ready[sid]

    def all(self) -> dict[int, bytes]:
        """Every rendered PDF by student, once all are done; the digests written."""
        students = self.school.students
        for sid in sorted(self.docs, key=lambda sid: (self.school.grade(students[sid]["class_code"]),
                                                      students[sid]["class_code"], students[sid]["full_name"])):
            self._wait(sid)
        self.pool.shutdown()
        write_bytes(self.folder / ".rendered.json",
                    json.dumps({str(sid): self.keys[sid] for sid in self.ready}, indent=0).encode())
        return self.ready


def _write_pdfs(renderer: DiaryRenderer, school, docs: dict[int, dict], folder: Path,
                progress: Callable[[int, int], None] | None, report: "PublishReport") -> dict[int, bytes]:
    """Every student's PDF rendered (see :class:`_Rendering`), by student."""
    rendering = _Rendering(renderer, school, folder, progress, report)
    for sid, doc in docs.items():
        rendering.add(sid, doc)
    return rendering.all()


@dataclass(frozen=True)
class _Post:
    """What kind of document goes to parents, and how the message about it reads."""

    kind: str            # diary | report
    label: str           # the week or period code
    title: str           # "неделю 23.11–29.11.2026" or "2 четверть"
    school_name: str


def _set_aside(conn, outbox: Path, week: str, msg_id: str) -> None:
    """A message still waiting is superseded: its ledger row says so (``send`` never takes it)
    and its file moves from ``outbox/<week>/mail/`` to ``mail/superseded/``, kept for the record."""
    ledger.supersede(conn, msg_id)
    source = outbox / week / "mail" / eml_name(msg_id)
    if source.exists():
        (source.parent / "superseded").mkdir(exist_ok=True)
        source.replace(source.parent / "superseded" / source.name)


def _supersede_all_but(conn, settings: Settings, school_id: int, kind: str, week: str, current: set[str],
                       keep_parents: set[int] = frozenset()) -> int:
    """One current message per recipient and week: every other one still waiting is set aside
    (but those of ``keep_parents``, who got no new one); returns how many."""
    stale = [row["message_id"] for row in ledger.pending(conn, school_id, kind, week)
             if row["message_id"] not in current and row["parent_id"] not in keep_parents]
    for msg_id in stale:
        _set_aside(conn, settings.outbox, week, msg_id)
    return len(stale)


def _subject_noun(kind: str, children: int, correction: bool) -> str:
    """«Дневник», «Дневники», «Исправленный дневник», «Исправленные табели» …"""
    return words.FAMILY_SUBJECT_NOUN[(kind, children > 1, correction)]


def _class_teachers(school, children: list[int], teachers: dict[str, str]) -> list[tuple[str, str, str]]:
    """The children's class teachers as ``(class, name, email)``, one per class."""
    found = {}
    for sid in children:
        code = school.students[sid]["class_code"]
        name = school.classes[code]["class_teacher"] or ""
        if name:
            found[code] = (code, name, teachers.get(name, ""))
    return [found[code] for code in sorted(found)]


def _mail_families(ctx: RunContext, conn, families: dict[int, dict], school, docs: dict[int, dict],
                   pdfs: dict[int, bytes], post: _Post, out: Path, force: bool, report: PublishReport) -> set[int]:
    """One current message per parent with an address, holding only their own children's PDFs.

    What is still waiting for the same parent and week is superseded; a parent who already
    received a different version gets a correction naming the changed marks; a parent who
    received the same (class averages aside, see :func:`own_digest`) gets nothing (unless ``force``).
    """
    settings, school_id = ctx.settings, ctx.school_id
    teachers = {t["full_name"]: t["email"] or "" for t in q.table_rows(conn, s.teachers, school_id)}
    mailed: set[int] = set()
    current: set[str] = set()
    lock = parent_pdf_lock(conn, settings, school_id)      # [diary] encrypt: the parent's own password
    # the ledger read once for all parents, written once at the end (one transaction either way)
    delivered_to = ledger.delivered_by_parent(conn, school_id, post.label, post.kind)
    sent = ledger.sent_ids(conn, school_id, post.kind, post.label)
    queued: list[dict] = []
    waiting_kept: set[int] = set()
    for parent in sorted(families.values(), key=lambda p: p["id"]):
        wanted = [c for c in parent["children"] if c in docs]
        children = sorted(c for c in wanted if c in pdfs)   # rendered ones only
        if len(children) < len(wanted):
            # a child's document failed to render (listed in report.failed): the family gets no
            # message without it, and what was waiting for them from before stays waiting
            waiting_kept.add(parent["id"])
            continue
        if not parent["email"] or not children:
            continue
        try:
            check_address(parent["email"])
        except ValueError:       # one parent's address never stops the school's mail: paper instead
            report.failed.append(fill(words.ADDRESS_UNUSABLE, parent=parent['full_name'], email=parent['email']))
            continue
        mailed.update(children)
        content = [docs[c] for c in children]
        fingerprint = digest(content)
        delivered = delivered_to.get(parent["id"])
        if delivered and delivered["content"] is not None:
            correction = own_digest(delivered["content"]) != own_digest(content)
        else:
            correction = delivered is not None and delivered["digest"] != fingerprint
        if delivered and not correction and not (force or settings.mail.resend_unchanged):
            report.unchanged += 1
            continue
        key = f"{post.label}.p{parent['id']}"
        msg_id = message_id(post.kind, key, fingerprint, settings.school.code)
        if msg_id in sent:   # a forced resend is a message of its own
            msg_id = message_id(post.kind, f"{key}.r{ctx.now:%Y%m%d%H%M%S}", fingerprint, settings.school.code)
        current.add(msg_id)
        changes = mark_changes(delivered["content"], content) if correction and delivered["content"] else None
        names = [school.students[c]["full_name"] for c in children]
        message = build_message(
            settings.mail, to_name=parent["full_name"], to_address=parent["email"],
            subject=fill(words.FAMILY_SUBJECT, noun=_subject_noun(post.kind, len(children), correction), title=post.title,
                         names=', '.join(names)),
            body=diary_body(parent["full_name"], names, post.title, post.school_name, post.kind,
                            correction=correction, changes=changes,
                            teachers=_class_teachers(school, children, teachers)),
            attachments=[(fill(words.ATTACHMENT[post.kind], pupil=_file_name(school.students[c]['full_name']), label=post.label),
                          lock(parent["id"], pdfs[c]), PDF)
                         for c in children], msg_id=msg_id, zone=settings.school.zone)
        write_eml(message, out / "mail")
        queued.append({"message_id": msg_id, "kind": post.kind, "recipient": parent["email"], "week": post.label,
                       "parent_id": parent["id"], "digest": fingerprint, "content": content})
        if len(queued) >= QUEUE_CHUNK:        # each row's content is its diaries as JSON: not all at once
            ledger.queue_many(conn, school_id, queued)
            queued.clear()
        report.mails += 1
        report.corrections += correction
    ledger.queue_many(conn, school_id, queued)
    report.superseded += _supersede_all_but(conn, settings, school_id, post.kind, post.label, current,
                                            keep_parents=waiting_kept)
    return mailed


def publish_week(ctx: RunContext, week: Week, *, force: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> PublishReport:
    """Render and write everything of ``week`` into the outbox; returns what was made.

    :class:`NotASchoolWeek` (nothing written) for a week outside the school year or all holidays."""
    settings, engine, school_id = ctx.settings, ctx.engine, ctx.school_id
    out = settings.outbox / week.label
    report = PublishReport(week=week.label, outbox=str(out))
    with engine.begin() as conn:
        data = load_week(conn, school_id, week, settings)
        data.school.require_school_week(week)       # nothing is written for a week without school
        families = _families(conn, school_id)
    renderer = DiaryRenderer(template_path(settings.workspace))
    school = data.school
    # the diaries render on every core as soon as each is made, while this thread makes the
    # next ones, then writes the summary and the mail
    rendering = _Rendering(renderer, school, out / "diaries", progress, report)
    try:
        for code in school.classes:
            for st in school.class_students(code, week.monday, week.sunday):
                rendering.add(st["id"], data.diary(st["id"]))
        diaries = rendering.docs
        with engine.begin() as conn:
            report.feedback_mails = _feedback_mail(conn, settings, school_id, week, out)
            with_summary = week_summary(conn, school, settings, week)
        summary_path = write_summary(out / "summaries" / f"Сводка_{week.label}.xlsx", with_summary, settings,
                                     with_week=True)
        report.summaries.append(str(summary_path))
        _summary_mail(engine, settings, school_id, week.label, [summary_path], out, fill(words.WEEK_SUMMARY_SUBJECT, week=week.title()))
        post = _Post("diary", week.label, fill(words.WEEK_TITLE, week=week.title()), data.school_row["name"])
        with engine.begin() as conn:
            mailed = _mail_families(ctx, conn, families, school, diaries, rendering, post, out, force, report)
            pdfs = rendering.all()
            report.diaries = len(pdfs)
            _print_bundles(school, {sid: d for sid, d in diaries.items() if sid not in mailed and sid in pdfs},
                           pdfs, out, report)
    finally:
        rendering.pool.shutdown(cancel_futures=True)
    return report


def _print_bundles(school, docs: dict[int, dict], pdfs: dict[int, bytes], out: Path,
                   report: PublishReport) -> None:
    """One PDF per class with the rendered diary (or card) of each student in ``docs``, in the
    order of their names, for the class teacher to print."""
    by_class: dict[str, list[int]] = defaultdict(list)
    for sid in docs:
        by_class[school.students[sid]["class_code"]].append(sid)
    for class_code, ids in sorted(by_class.items()):
        path = out / "print" / f"Печать_{_file_name(class_code)}.pdf"
        write_bytes(path, join_pdfs([pdfs[sid] for sid in sorted(ids, key=lambda sid: docs[sid]["student"])]))
        report.print_bundles.append(str(path))


def _feedback_mail(conn, settings: Settings, school_id: int, week: Week, out: Path) -> int:
    """A message with the feedback workbook for each rejection that still stands and was not
    mailed yet. A rejection a later accepted copy corrected gets none, and its message still
    waiting from an earlier publish is set aside: «сдайте книгу снова» would no longer be true."""
    teachers = {t["full_name"]: t["email"] for t in q.table_rows(conn, s.teachers, school_id)}
    sent = 0
    for row, fix in q.rejections(conn, school_id):
        msg_id = message_id("feedback", f"s{row['id']}", row["sha256"], settings.school.code)
        known = ledger.row_of(conn, msg_id)
        if fix is not None:
            if known and known["status"] in ledger.PENDING:
                _set_aside(conn, settings.outbox, known["week"], msg_id)
            continue
        address = teachers.get(row["author"] or "")
        feedback = feedback_path(settings.outbox / "feedback", row["author"], row["original_name"])
        if not address or not feedback.exists() or known:
            continue
        errors = sum(1 for f in json.loads(row["findings"]) if f["severity"] == "error")
        message = build_message(settings.mail, to_name=row["author"], to_address=address,
                                subject=fill(words.FEEDBACK_SUBJECT, file=row['original_name']),
                                body=feedback_body(row["author"], row["original_name"], errors),
                                attachments=[(feedback.name, feedback.read_bytes(), XLSX)], msg_id=msg_id,
                                zone=settings.school.zone)
        write_eml(message, out / "mail")
        ledger.queue(conn, school_id, msg_id, kind="feedback", recipient=address, week=week.label)
        sent += 1
    return sent


def _workbook_fingerprint(data: bytes) -> str:
    """A digest of a workbook's content: every part but its creation time (``docProps/core.xml``),
    so the same summary made at another moment is the same message. The file's length is not
    such a digest: the compressed size changes with the time written inside it."""
    found = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        for name in sorted(book.namelist()):
            if name != "docProps/core.xml":
                found.update(name.encode() + b"\0" + book.read(name))
    return found.hexdigest()


def _summary_mail(engine: Engine, settings: Settings, school_id: int, label: str, paths: list[Path], out: Path,
                  subject: str) -> None:
    if not settings.mail.deputy_address:
        return
    data = [(p.name, p.read_bytes(), XLSX) for p in paths]
    msg_id = message_id("summary", label, digest([p.name for p in paths] + [_workbook_fingerprint(d[1]) for d in data]),
                        settings.school.code)
    message = build_message(settings.mail, to_name=words.DEPUTY, to_address=settings.mail.deputy_address,
                            subject=subject, body=fill(words.SUMMARY_BODY, subject=subject.lower()), attachments=data, msg_id=msg_id,
                            zone=settings.school.zone)
    write_eml(message, out / "mail")
    with engine.begin() as conn:
        ledger.queue(conn, school_id, msg_id, kind="summary", recipient=settings.mail.deputy_address, week=label)
        _supersede_all_but(conn, settings, school_id, "summary", label, {msg_id})


def publish_period(ctx: RunContext, code: str, *, force: bool = False,
                   progress: Callable[[int, int], None] | None = None) -> PublishReport:
    """At period end: report cards (PDF, mailed to parents, print bundles for every class) and
    the director's period report; :class:`UnknownPeriod` when the setup has no such period."""
    settings, engine, school_id = ctx.settings, ctx.engine, ctx.school_id
    out = settings.outbox / code
    report = PublishReport(week=code, outbox=str(out))
    with engine.begin() as conn:
        school = load_school(conn, school_id)
        if school.calendar.period_row(code) is None:
            raise UnknownPeriod(code, sorted({p["code"] for p in school.calendar.periods}))
        code = school.calendar.period_row(code)["code"]     # as the setup spells it (q2 → Q2)
        data = period_summary(conn, school, settings, code)
        period = school.calendar.period_row(code)
        cards = report_cards(conn, data, period)
        families = _families(conn, school_id)
        school_name = q.school_row(conn, school_id)["name"]
    renderer = DiaryRenderer(template_path(settings.workspace, REPORT_CARD))
    pdfs = _write_pdfs(renderer, school, cards, out / "report_cards", progress, report)
    report.diaries = len(pdfs)
    with engine.begin() as conn:
        _mail_families(ctx, conn, families, school, cards, pdfs,
                       _Post("report", code, period["name"], school_name), out, force, report)
    _print_bundles(school, {sid: card for sid, card in cards.items() if sid in pdfs}, pdfs, out, report)
    path = write_summary(out / "summaries" / f"Отчёт_{code}.xlsx", data, settings, with_week=False)
    report.summaries.append(str(path))
    _summary_mail(engine, settings, school_id, code, [path], out, fill(words.PERIOD_SUMMARY_SUBJECT, title=data.title))
    return report
