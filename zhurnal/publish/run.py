"""``zhurnal publish``: a week's diaries, parents' mail, print bundles, feedback mail, summaries.

Everything lands in ``outbox/<week>/``: ``diaries/<class>/``, ``print/``, ``mail/`` (ready
``.eml``), ``summaries/``. Each job has its module: :mod:`~zhurnal.publish.render` (the PDFs),
:mod:`~zhurnal.publish.family_mail` (parents), :mod:`~zhurnal.publish.staff_mail` (teachers'
feedback, the deputy's summary), :mod:`~zhurnal.publish.print_bundles` (paper). A publish reads
the store first (a read-only connection), renders without holding a transaction, and writes the
mail ledger in short transactions after. A parent whose children's diaries did not change since
the last mail their server accepted gets nothing new, unless the school resends unchanged ones.

Nothing empty is mailed (:mod:`~zhurnal.publish.completeness`): only the classes whose journals
of the week are in are published; the others are held and named in the report (exit 1), with
the journals they wait for. ``allow_incomplete`` publishes them too, each diary saying «не все
отметки за неделю внесены» and naming the subjects missing; a class with no lesson in at all
is held even then (its diary would be blank days), so a week with nothing in never publishes.
A family waits for its mail while a child of theirs is in a held class (one letter per week and
parent, not one per class); the deputy's summary is written, and mailed once no class is held.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from zhurnal.core.errors import UnknownPeriod
from zhurnal.publish.class_summary import class_data, write_class_summary
from zhurnal.publish.completeness import WeekReadiness, week_readiness
from zhurnal.publish.diary import REPORT_CARD, YEAR_CARD, DiaryRenderer, template_path
from zhurnal.publish.family_mail import PUPILS, mail_families, read_families, read_pupils
from zhurnal.publish.family_message import Post
from zhurnal.publish.front_page import Front, week_front
from zhurnal.publish.period_front import period_front
from zhurnal.publish.print_bundles import print_bundles
from zhurnal.publish.render import Progress, Rendering
from zhurnal.publish.report_card import report_cards, waiting_for_marks
from zhurnal.publish.staff_mail import mail_class_summaries, mail_feedback, mail_summary, main_lines
from zhurnal.publish.summaries import write_summary
from zhurnal.publish.summary_data import SummaryData, period_summary, week_summary
from zhurnal.publish.week_data import load_week, week_averages
from zhurnal.publish.year_card import year_cards
from zhurnal.school.calendar import Week
from zhurnal.school.context import RunContext
from zhurnal.school.lookup import class_sort_key
from zhurnal.school.snapshot import load_school
from zhurnal.store import queries as q
from zhurnal.text import mail as words
from zhurnal.text.mail import fill


@dataclass
class PublishReport:
    week: str
    diaries: int = 0
    mails: int = 0
    unchanged: int = 0
    corrections: int = 0                                  # mails that correct a diary already delivered
    pupil_mails: int = 0                                  # pupils' own copies ([diary] pupils_from_grade)
    superseded: int = 0                                   # queued mails a newer one replaced (never sent)
    print_bundles: list[str] = field(default_factory=list)
    feedback_mails: int = 0
    class_summaries: list[str] = field(default_factory=list)   # each class teacher's own class
    class_mails: int = 0                                  # class teachers' summaries written to the outbox
    summaries: list[str] = field(default_factory=list)
    outbox: str = ""
    failed: list[str] = field(default_factory=list)       # documents that could not be rendered, unusable addresses
    # classes not published, each {class, timetabled, in (lessons), missing: [{teacher, class_code,
    # subject, subgroup, lessons}]}
    held: list[dict] = field(default_factory=list)
    incomplete: list[dict] = field(default_factory=list)  # published anyway (allow_incomplete), the same shape
    nothing_in: bool = False                              # no lesson of the week is in: nothing was written
    never_issued: bool = False                            # nothing in, and no workbook of the week was ever issued
    # a period's report cards not made because no period mark of theirs is stored yet, per class:
    # {class, held (pupils), of (pupils with a card due)}; held == of: the class has none at all
    waiting_for_marks: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.held

    def as_dict(self) -> dict:
        return {**self.__dict__, "ok": self.ok}


def _post_to_families(ctx: RunContext, report: PublishReport, families: dict[int, dict], rendering: Rendering,
                      post: Post, force: bool, *, bundle_all: bool, waiting: dict[int, dict] | None = None) -> None:
    """Parents' mail, then the print bundles: every rendered document (``bundle_all``) or those
    no parent was mailed; the counts and failures into ``report``. ``waiting``: families whose
    mail waits (a child in a held class): nothing for them now, what waits for them stays, and
    their children are not printed instead."""
    school = rendering.school
    out = ctx.settings.outbox / post.label
    waiting = waiting or {}
    plan, report.superseded = mail_families(ctx, families, school, rendering, post, out, force, keep=set(waiting))
    pdfs = rendering.all()
    report.diaries = len(pdfs)
    report.mails, report.unchanged, report.corrections = len(plan.rows), plan.unchanged, plan.corrections
    report.failed += rendering.failed + plan.failed
    later = {c for parent in waiting.values() if parent["email"] for c in parent["children"]}
    paper = set(pdfs) if bundle_all else set(pdfs) - plan.mailed - later
    report.print_bundles += [str(p) for p in print_bundles(school, rendering, paper, post, out, ctx.settings.workspace,
                                                                    wrong=plan.wrong)]


def _missing(readiness: WeekReadiness, code: str) -> dict:
    week = readiness.classes[code]
    return {"class": code, "timetabled": week.timetabled, "in": week.held,
            "missing": [asdict(m) for m in week.missing]}


def _class_summaries(ctx: RunContext, report: PublishReport, summary: SummaryData, front: Front, week: Week,
                     out: Path) -> None:
    """Each class's own summary in ``summaries/классы/``, mailed to its class teacher."""
    paths, mains = {}, {}
    for code in sorted(summary.enrolled, key=class_sort_key):
        paths[code] = write_class_summary(out / "summaries" / "классы", summary, code, ctx.settings, front)
        mine = front.only(code, class_data(summary, code), ctx.settings).headlines
        mains[code] = main_lines(mine.title, mine.top())
    report.class_summaries = [str(p) for p in paths.values()]
    report.class_mails = mail_class_summaries(ctx, week.label, week.title(), paths, mains, out)


def publish_week(ctx: RunContext, week: Week, *, force: bool = False, progress: Progress | None = None,
                 allow_incomplete: bool = False) -> PublishReport:
    """Render and write everything of ``week``'s classes whose journals are in into the outbox
    (``allow_incomplete``: of every class with a lesson in, see the module); returns what was
    made and the classes held. Nothing at all is written when no class is published.

    :class:`NotASchoolWeek` (nothing written) for a week outside the school year or all holidays;
    :class:`~zhurnal.publish.family_mail.LedgerMoved` if deliveries kept overtaking the mail plan."""
    settings, school_id = ctx.settings, ctx.school_id
    out = settings.outbox / week.label
    report = PublishReport(week=week.label, outbox=str(out))
    with ctx.engine.connect() as conn:                      # reads only
        school = load_school(conn, school_id)
        school.require_school_week(week)                    # nothing is written for a week without school
        readiness = week_readiness(conn, school, week, settings.publish.complete_share)
        shown = [code for code, c in readiness.classes.items() if c.complete or (allow_incomplete and c.held)]
        report.held = [_missing(readiness, code) for code in readiness.classes if code not in shown]
        report.incomplete = [_missing(readiness, code) for code in shown if not readiness.classes[code].complete]
        report.nothing_in = readiness.empty
        if not shown:
            # a week never issued is not a week of journals missing: said once, not per journal
            report.never_issued = not q.week_issued(conn, school.school_id, week.label)
            return report                                   # nothing empty is mailed
        averages = week_averages(conn, school, settings, week)     # once: the diaries' and the summary's
        data = load_week(conn, school_id, week, settings, school=school, averages=averages)
        summary = week_summary(conn, school, settings, week, averages=averages, homework=data.homework)
        front = week_front(conn, school, settings, week, summary)     # the week before, from the store
        families = read_families(conn, school_id)
        pupils = read_pupils(conn, school, school_id, settings.diary.pupils_from_grade)
    held_pupils = {st["id"] for code in readiness.classes if code not in shown
                   for st in school.class_students(code, week.monday, week.sunday)}
    waiting = {pid: parent for pid, parent in families.items() if held_pupils & set(parent["children"])}
    families = {pid: parent for pid, parent in families.items() if pid not in waiting}
    # the diaries render on every core as soon as each is made, while this thread makes the
    # next ones, then the staff's mail, the summary and the families' mail
    with Rendering(DiaryRenderer(template_path(settings.workspace)), school, out / "diaries", progress) as rendering:
        for code in shown:
            ready = readiness.classes[code]
            for st in school.class_students(code, week.monday, week.sunday):
                diary = data.diary(st["id"])
                subjects = [] if ready.complete else ready.missing_subjects(school.members.get(st["id"], {}))
                if subjects:     # the key only when something is missing: complete diaries stay as they were
                    diary["incomplete"] = subjects
                rendering.add(st["id"], diary)
        report.feedback_mails = mail_feedback(ctx, week.label, out)
        path = write_summary(out / "summaries" / f"Сводка_{week.label}.xlsx", summary, settings, with_week=True,
                             front=front)
        report.summaries.append(str(path))
        if not report.held:     # the deputy is mailed the whole school's week once, not class by class
            mail_summary(ctx, week.label, [path], out, fill(words.WEEK_SUMMARY_SUBJECT, week=week.title()),
                         main_lines(front.headlines.title, front.headlines.top()))
        _class_summaries(ctx, report, summary, front, week, out)
        post = Post("diary", week.label, fill(words.WEEK_TITLE, week=week.title()), data.school_row["name"])
        _post_to_families(ctx, report, families, rendering, post, force, bundle_all=False, waiting=waiting)
        if pupils:    # each pupil their own diary, after the families (whose mail decides the print bundles)
            mine, superseded = mail_families(ctx, pupils, school, rendering, post, out, force,
                                             keep=held_pupils & set(pupils), audience=PUPILS)
            report.pupil_mails, report.superseded = len(mine.rows), report.superseded + superseded
            report.failed += mine.failed
    return report


def render_class(ctx: RunContext, week: Week, class_code: str) -> list[str]:
    """Render the diaries of ``week`` of one class into the outbox (reused when unchanged), and
    nothing else: a region renders its classes in parallel on many machines, and the school's
    :func:`publish_week` then finds them rendered. The documents that could not be rendered."""
    settings, school_id = ctx.settings, ctx.school_id
    assert school_id is not None, "a run context that writes always has its school"
    with ctx.engine.connect() as conn:                      # reads only
        school = load_school(conn, school_id)
        school.require_school_week(week)
        averages = week_averages(conn, school, settings, week)
        data = load_week(conn, school_id, week, settings, school=school, averages=averages)
    folder = settings.outbox / week.label / "diaries"
    with Rendering(DiaryRenderer(template_path(settings.workspace)), school, folder) as rendering:
        for st in school.class_students(class_code, week.monday, week.sunday):
            rendering.add(st["id"], data.diary(st["id"]))
        rendering.all()
        return rendering.failed


def publish_period(ctx: RunContext, code: str, *, force: bool = False,
                   progress: Progress | None = None) -> PublishReport:
    """At period end: report cards (PDF, mailed to parents, print bundles for every class) and
    the director's period report; :class:`UnknownPeriod` when the setup has no such period.
    A pupil with no period mark stored yet gets no card (it would read «—» throughout), and a
    family waits while a child of theirs does (one letter per period and parent); those held
    are counted per class in ``waiting_for_marks``. The director's report is made regardless."""
    settings, school_id = ctx.settings, ctx.school_id
    with ctx.engine.connect() as conn:                      # reads only
        school = load_school(conn, school_id)
        period = school.calendar.period_row(code)
        if period is None:
            raise UnknownPeriod(code, sorted({p["code"] for p in school.calendar.periods}))
        code = period["code"]                               # as the setup spells it (q2 → Q2)
        data = period_summary(conn, school, settings, code)
        front = period_front(conn, school, settings, code, data)     # the term before, from the store
        cards = report_cards(conn, data, period)
        unmarked = waiting_for_marks(conn, school.school_id, code, cards)
        families = read_families(conn, school_id)
        school_name = q.school_row(conn, school_id)["name"]
    out = settings.outbox / code
    report = PublishReport(week=code, outbox=str(out))
    report.waiting_for_marks = [{"class": c, "held": len(unmarked[c]["pupils"]), "of": unmarked[c]["of"]}
                                for c in sorted(unmarked, key=class_sort_key)]
    held = {sid for c in unmarked.values() for sid in c["pupils"]}
    waiting = {pid: parent for pid, parent in families.items() if held & set(parent["children"])}
    families = {pid: parent for pid, parent in families.items() if pid not in waiting}
    with Rendering(DiaryRenderer(template_path(settings.workspace, REPORT_CARD)), school, out / "report_cards",
                   progress) as rendering:
        for sid, card in cards.items():
            if sid not in held:
                rendering.add(sid, card)
        _post_to_families(ctx, report, families, rendering, Post("report", code, period["name"], school_name),
                          force, bundle_all=True, waiting=waiting)
    path = write_summary(out / "summaries" / f"Отчёт_{code}.xlsx", data, settings, with_week=False, front=front)
    report.summaries.append(str(path))
    mail_summary(ctx, code, [path], out, fill(words.PERIOD_SUMMARY_SUBJECT, title=data.title),
                 main_lines(front.headlines.title, front.headlines.top()))
    return report


def publish_year_cards(ctx: RunContext, year_label: str, *, force: bool = False,
                       progress: Progress | None = None) -> PublishReport:
    """At the year close: every pupil's year report card (:mod:`zhurnal.publish.year_card`),
    mailed to the family through the mail ledger (one letter per parent with all their children;
    the Message-ID follows the cards' content, so a second close of an unchanged year mails
    nothing new) and printed in every class's bundle. ``year_label``: «2026/2027»; everything
    lands in ``outbox/2026-2027/`` (``year_cards/``, ``mail/``, ``print/``), the ledger's
    ``week`` is «2026-2027»."""
    settings, school_id = ctx.settings, ctx.school_id
    assert school_id is not None, "a run context that writes always has its school"
    label = year_label.replace("/", "-")
    title = fill(words.YEAR_CARD_TITLE, year=year_label)
    with ctx.engine.connect() as conn:                      # reads only
        school = load_school(conn, school_id)
        cards = year_cards(conn, school, settings, title)
        families = read_families(conn, school_id)
        school_name = q.school_row(conn, school_id)["name"]
    out = settings.outbox / label
    report = PublishReport(week=label, outbox=str(out))
    with Rendering(DiaryRenderer(template_path(settings.workspace, YEAR_CARD)), school, out / "year_cards",
                   progress) as rendering:
        for sid, card in cards.items():
            rendering.add(sid, card)
        _post_to_families(ctx, report, families, rendering, Post("year", label, title, school_name), force,
                          bundle_all=True)
    return report
