"""What a family's message says: its subject, its text and its attachments' names.

Who gets a message and when is :mod:`zhurnal.publish.family_mail`; this module only words it,
for a week's diaries or a period's report cards (:class:`Post`).
"""

from __future__ import annotations

from dataclasses import dataclass
from email.mime.multipart import MIMEMultipart

from zhurnal.core.settings import Settings
from zhurnal.publish.mail import build_message, check_address, diary_body
from zhurnal.publish.render import file_name
from zhurnal.school.snapshot import School
from zhurnal.text import mail as words
from zhurnal.text.mail import fill

PDF = ("application", "pdf")


@dataclass(frozen=True)
class Post:
    """What kind of document goes to parents, and how the message about it reads."""

    kind: str            # diary | report | year
    label: str           # the week or period code, or the year («2026-2027»): the ledger's ``week``
    title: str           # "неделю 23.11–29.11.2026", "2 четверть" or "2026/2027 учебный год"
    school_name: str


def subject_noun(kind: str, children: int, correction: bool) -> str:
    """«Дневник», «Дневники», «Исправленный дневник», «Исправленные табели» …"""
    return words.FAMILY_SUBJECT_NOUN[(kind, children > 1, correction)]


def class_teachers(school: School, children: list[int], teachers: dict[str, str],
                   reply_to: dict[str, str] | None = None) -> list[tuple[str, str, str]]:
    """The children's class teachers as ``(class, name, reply address)``, one per class, by
    class; ``teachers`` is name → address (empty when the setup has none), ``reply_to`` the
    class's own address where the school set one (``[mail] reply_to``), which wins. An address
    a plain SMTP server cannot take is left empty (the letter then names the teacher only)."""
    found = {}
    for sid in children:
        code = school.students[sid]["class_code"]
        name = school.classes[code]["class_teacher"] or ""
        address = (reply_to or {}).get(code) or teachers.get(name, "")
        if address:
            try:
                check_address(address)
            except ValueError:
                address = ""
        if name or address:
            found[code] = (code, name, address)
    return [found[code] for code in sorted(found)]


def family_message(settings: Settings, school: School, post: Post, parent: dict, children: list[int],
                   pdfs: list[bytes], *, msg_id: str, correction: bool, changes: list[str] | None,
                   teachers: dict[str, str], summary: str = "") -> MIMEMultipart:
    """The message to ``parent`` (``{full_name, email}``) with ``pdfs``, the documents of
    ``children`` (pupil ids, in the same order) as they go out (locked with the parent's password
    when the school encrypts); a ``correction`` lists ``changes`` (see :func:`diary_body`);
    ``summary`` is what happened, as text. A reply goes to the children's class teachers
    (``Reply-To``; :func:`class_teachers`)."""
    names = [school.students[c]["full_name"] for c in children]
    readers = class_teachers(school, children, teachers, settings.mail.reply_to)
    return build_message(
        settings.mail, to_name=parent["full_name"], to_address=parent["email"],
        subject=fill(words.FAMILY_SUBJECT, noun=subject_noun(post.kind, len(children), correction), title=post.title,
                     names=", ".join(names)),
        body=diary_body(parent["full_name"], names, post.title, post.school_name, post.kind,
                        correction=correction, changes=changes, teachers=readers,
                        locked=settings.diary.encrypt, summary=summary),
        attachments=[(fill(words.ATTACHMENT[post.kind], pupil=file_name(name), label=post.label), pdf, PDF)
                     for name, pdf in zip(names, pdfs)],
        msg_id=msg_id, zone=settings.school.zone,
        reply_to=list(dict.fromkeys((name, address) for _, name, address in readers if address)))
