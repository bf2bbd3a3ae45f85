"""Access slips to print and cut (``zhurnal access slips``): each parent's diary password for the
class teacher to hand out, and each teacher's own channels for submitting workbooks."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import typst
from sqlalchemy import and_, insert, select

from zhurnal.core.atomic import write_bytes
from zhurnal.core.errors import UnknownClass
from zhurnal.core.filenames import safe_name
from zhurnal.publish.diary import template_path
from zhurnal.school.context import RunContext
from zhurnal.school.credentials import Passwords, PupilPasswords, shown
from zhurnal.school.lookup import find_class
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.store.delete import delete_rows

SLIPS = "slips.typ"
HOW_TO_OPEN = ("Дневник приходит письмом в формате PDF. Откройте вложение (в браузере, Adobe Acrobat Reader "
               "или просмотрщике PDF на телефоне); когда программа спросит пароль, введите его маленькими "
               "латинскими буквами и цифрами, без пробелов (на листке он разбит на части только для удобства "
               "чтения). Пароль действует для всех писем с дневниками и табелями ваших детей; если вы его "
               "потеряли или в классном списке изменились ваше ФИО или адрес, попросите классного руководителя "
               "выдать новый листок.")
HOW_TO_OPEN_PUPIL = ("Твой дневник приходит письмом на твой адрес в формате PDF. Открой вложение; когда программа "
                     "спросит пароль, введи его маленькими латинскими буквами и цифрами, без пробелов. Пароль "
                     "только твой: он не подходит к дневнику другого ученика, и родители получают свой. "
                     "Не сообщай его одноклассникам. Если листок потерян или в списке класса изменился твой "
                     "адрес, попроси классного руководителя выдать новый.")


def _render(ctx: RunContext, title: str, slips: list[dict], target: Path, changed: Sequence[str] = ()) -> Path:
    school = ctx.settings.school.name
    data = json.dumps({"title": title, "school": school, "slips": slips, "changed": list(changed)},
                      ensure_ascii=False)
    template = template_path(ctx.settings.workspace, SLIPS)
    pdf = typst.compile(str(template), root=str(template.parent), sys_inputs={"data": data})
    return write_bytes(target, pdf)        # every parent's password: owner-only, whole or absent


def slip_digest(version: int, person: str) -> str:
    """What a parent's password is made from (its version and the person, not the key), hashed:
    it says whether the password changed without being one."""
    return hashlib.sha256(f"{version}\n{person}".encode()).hexdigest()


def _printed(conn, school_id: int | None) -> dict[int, str]:
    """Parent id → the digest of the password their last printed slip showed."""
    return {r.parent_id: r.digest for r in conn.execute(
        select(s.access_slips.c.parent_id, s.access_slips.c.digest).where(s.access_slips.c.school_id == school_id))}


def _note_printed(ctx: RunContext, digests: dict[int, str]) -> None:
    """Keep the digests of the slips just printed (the next slips compare with them)."""
    with ctx.engine.begin() as conn:
        if digests:
            delete_rows(conn, s.access_slips, and_(s.access_slips.c.school_id == ctx.school_id,
                                                   s.access_slips.c.parent_id.in_(list(digests))))
            conn.execute(insert(s.access_slips), [{"school_id": ctx.school_id, "parent_id": pid, "digest": d,
                                                   "printed_at": ctx.now} for pid, d in digests.items()])


def parent_slips(ctx: RunContext, class_text: str) -> tuple[Path, int]:
    """``outbox/access/Пароли_<class>.pdf``: a slip per parent with an address and a child in the
    class who receives the diary, then (``[diary] pupils_from_grade`` reached) a slip per pupil
    with an address of their own; the PDF's path and the number of slips. A parent whose password
    changed since their last printed slip (a new name or address in the roster, a reset) is
    marked on the slip and listed first, for the class teacher. :class:`UnknownClass`."""
    with ctx.engine.connect() as conn:
        grades = {r["code"]: r["grade"] for r in q.table_rows(conn, s.classes, ctx.school_id)}
        classes = list(grades)
        if not classes:
            raise UnknownClass(class_text, [])
        code = find_class(class_text, classes)
        students = {r["id"]: r for r in q.active_students(conn, ctx.school_id)}
        links = q.guardians_of(conn, ctx.school_id, list(students))
        passwords = Passwords(conn, ctx.settings.workspace, ctx.settings.school.code, ctx.school_id)
        printed = _printed(conn, ctx.school_id)
        from_grade = ctx.settings.diary.pupils_from_grade
        pupil_passwords = (PupilPasswords(conn, ctx.settings.workspace, ctx.settings.school.code, ctx.school_id)
                           if from_grade and grades[code] >= from_grade else None)
    families: dict[int, dict] = {}
    for link in links:
        if not link["receives_diary"]:
            continue
        family = families.setdefault(link["id"], {"name": link["full_name"], "email": link["email"], "children": []})
        family["children"].append(students[link["student_id"]])
    slips, changed, digests = [], [], {}
    for parent_id, family in sorted(families.items(), key=lambda item: item[1]["name"]):
        if not family["email"] or not any(c["class_code"] == code for c in family["children"]):
            continue
        children = ", ".join(f"{c['full_name']} ({c['class_code']})" for c in
                             sorted(family["children"], key=lambda c: c["full_name"]))
        digests[parent_id] = digest = slip_digest(passwords.versions.get(parent_id, 0),
                                                  passwords.people.get(parent_id, ""))
        fresh = parent_id in printed and printed[parent_id] != digest
        if fresh:
            changed.append(family["name"])
        slips.append({"heading": family["name"], "secret": shown(passwords(parent_id)), "note": HOW_TO_OPEN,
                      "fresh": fresh, "lines": [["Дети", children], ["Письма приходят на", family["email"]]]})
    if pupil_passwords is not None:      # the pupils' own slips after the parents' ([diary] pupils_from_grade)
        slips += pupil_slips(students, code, pupil_passwords)
    target = ctx.settings.outbox / "access" / f"Пароли_{safe_name(code)}.pdf"
    path = _render(ctx, f"Пароль к электронному дневнику, {code} класс", slips, target, changed)
    _note_printed(ctx, digests)
    return path, len(slips)


def pupil_slips(students: dict[int, dict], code: str, passwords: PupilPasswords) -> list[dict]:
    """A slip per pupil of class ``code`` with an address of their own: their own password."""
    return [{"heading": st["full_name"], "secret": shown(passwords(sid)), "note": HOW_TO_OPEN_PUPIL, "fresh": False,
             "lines": [["Ученик", f"{st['full_name']} ({code})"], ["Письма приходят на", st["email"]]]}
            for sid, st in sorted(students.items(), key=lambda item: item[1]["full_name"])
            if st["class_code"] == code and st.get("email")]


def teacher_slips(ctx: RunContext) -> tuple[Path, int]:
    """``outbox/access/Учителя.pdf``: each teacher's inbox folder and the address to mail to."""
    settings = ctx.settings
    with ctx.engine.connect() as conn:
        teachers = conn.execute(select(s.teachers).where(s.teachers.c.school_id == ctx.school_id)
                                .order_by(s.teachers.c.full_name)).mappings().all()
    share = settings.access.share.rstrip("\\/")
    slips = []
    for teacher in teachers:
        login = teacher["login"] or ""
        separator = "\\" if "\\" in share else "/"          # a Windows share or a mounted path
        folder = share + separator + login if share else str(settings.inbox / login)
        lines = [["Логин", login], ["Ваша папка", folder]]
        if settings.imap.host and settings.imap.address:
            lines.append(["Или письмом на", settings.imap.address])
            lines.append(["С вашего адреса", teacher["email"] or "— (не указан в настройке школы)"])
        note = ("Заполненные книги (журнал, табель посещаемости, итоговые отметки) кладите в свою папку"
                + (" или присылайте вложением с вашего адреса" if len(lines) > 2 else "")
                + ". Книга, сданная через чужую папку или с чужого адреса, не принимается. "
                  "Не передавайте доступ к папке другим людям.")
        slips.append({"heading": teacher["full_name"], "secret": "", "note": note, "lines": lines})
    return _render(ctx, "Сдача журналов", slips, settings.outbox / "access" / "Учителя.pdf"), len(slips)
