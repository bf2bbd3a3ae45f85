"""Reminders after the hand-in deadline (``zhurnal remind``; the scheduled run calls
:func:`remind_late`).

After the deadline of a week (:func:`zhurnal.school.deadline.hand_in_deadline`, by default
Saturday 12:00 of the week), a teacher who has timetabled lessons that week and whose journal of
the week has no accepted submission gets one reminder, by mail through the ledger
(:func:`zhurnal.publish.teacher_mail.mail_reminder`): the Message-ID is the teacher's and the
week's, so a second run queues nothing. The deputy's weekly summary lists who was reminded.
A teacher without an address in the setup cannot be reminded by mail; the report names them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from zhurnal.publish import ledger
from zhurnal.publish.teacher_mail import mail_reminder, reminder_id, teachers_by_name
from zhurnal.school.calendar import Week
from zhurnal.school.context import RunContext
from zhurnal.school.deadline import deadline_text, hand_in_deadline
from zhurnal.school.snapshot import load_school
from zhurnal.store import schema as s
from zhurnal.store.queries import week_issued
from zhurnal.text import mail as words
from zhurnal.text.mail import fill


@dataclass
class ReminderReport:
    """One reminder round for ``week``: ``deadline`` (UTC, naive); ``due``: the deadline has
    passed; ``late``: teacher → the groups («5А — Математика») of their journal not accepted;
    ``reminded``: teachers whose reminder was queued now; ``before``: reminded by an earlier
    round; ``no_address``: late teachers the setup gives no address (not reminded)."""

    week: str
    deadline: dt.datetime
    due: bool = False
    late: dict[str, list[str]] = field(default_factory=dict)
    reminded: list[str] = field(default_factory=list)
    before: list[str] = field(default_factory=list)
    no_address: list[str] = field(default_factory=list)
    mail_off: bool = False      # [smtp] has no host: nobody could be mailed
    never_issued: bool = False  # no journal of the week was ever issued: nobody is late with one
    deadline_text: str = ""     # the deadline as people read it: «сб 28.11.2026 12:00», the school's clock

    ok: bool = True             # a late journal is the teacher's to hand in, not a failure here
    exit_code: int = 0

    def as_dict(self) -> dict:
        return {"ok": self.ok, "week": self.week, "deadline": self.deadline.isoformat(), "due": self.due,
                "late": self.late, "reminded": self.reminded, "before": self.before, "no_address": self.no_address, "mail_off": self.mail_off,
                "never_issued": self.never_issued, "deadline_text": self.deadline_text}


def accepted_authors(ctx: RunContext, week: Week) -> set[str]:
    """The teachers with an accepted journal of ``week``."""
    with ctx.engine.connect() as conn:
        return set(conn.execute(select(s.submissions.c.author).where(
            s.submissions.c.school_id == ctx.school_id, s.submissions.c.kind == "journal",
            s.submissions.c.status == "accepted", s.submissions.c.week == week.label)).scalars())


def late_journals(ctx: RunContext, week: Week) -> dict[str, list[str]]:
    """Teacher → the groups they have timetabled lessons in during ``week`` («5А — Математика»,
    «7Б — Английский язык, подгруппа 1»), for each teacher whose journal of the week is not accepted."""
    if ctx.school_id is None:        # a store without the school: nothing is timetabled
        return {}
    with ctx.engine.connect() as conn:
        school = load_school(conn, ctx.school_id)
    done = accepted_authors(ctx, week)
    late: dict[str, list[str]] = {}
    for teacher, sections in school.teacher_sections().items():
        if teacher in done:
            continue
        groups = [f"{sec.class_code} — {sec.subject}" + (f", подгруппа {sec.subgroup}" if sec.subgroup else "")
                  for sec in sections if school.lessons(sec, week)]
        if groups:
            late[teacher] = groups
    return late


def to_remind(ctx: RunContext, week: Week) -> list[str]:
    """The late teachers of ``week`` (:func:`late_journals`) who have an address and no reminder
    in the ledger yet: whom :func:`remind_late` would mail now (empty without ``[smtp]``)."""
    if ctx.school_id is None or not ctx.settings.smtp.host:
        return []
    teachers = teachers_by_name(ctx)
    late = [t for name in late_journals(ctx, week) if (t := teachers.get(name)) is not None and t.email]
    with ctx.engine.connect() as conn:
        return sorted(t.full_name for t in late if ledger.row_of(conn, reminder_id(ctx, week.label, t)) is None)


def remind_late(ctx: RunContext, week: Week, now: dt.datetime | None = None) -> ReminderReport:
    """Remind, once, each teacher whose journal of ``week`` is not accepted at ``now`` (UTC,
    naive; default ``ctx.now``) when the week's hand-in deadline has passed; before it, nothing
    is done (``due`` False), nor for a week whose journals were never issued (``never_issued``).
    Mail is queued only when ``[smtp]`` has a host."""
    now = now or ctx.now
    report = ReminderReport(week.label, hand_in_deadline(ctx.settings, week),
                            deadline_text=deadline_text(ctx.settings, week))
    report.due = now >= report.deadline
    if not report.due:
        return report
    with ctx.engine.connect() as conn:
        report.never_issued = ctx.school_id is None or not week_issued(conn, ctx.school_id, week.label)
    if report.never_issued:
        return report
    report.late = late_journals(ctx, week)
    report.mail_off = not ctx.settings.smtp.host
    teachers = teachers_by_name(ctx)
    title = fill(words.WEEK_TITLE, week=week.title())
    for name, groups in sorted(report.late.items()):
        teacher = teachers.get(name)
        if teacher is None or not teacher.email:
            report.no_address.append(name)
        elif report.mail_off:
            continue
        elif mail_reminder(ctx, week.label, title, teacher, deadline_text(ctx.settings, week), groups):
            report.reminded.append(name)
        else:
            report.before.append(name)
    return report
