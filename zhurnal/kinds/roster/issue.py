"""Issuing a class roster, prefilled with the class's pupils (those who left keep their rows),
their subgroups, parents and exemptions."""

from __future__ import annotations

import hashlib
from pathlib import Path

from zhurnal.core.errors import UnknownClass
from zhurnal.kinds.roster.spec import spec
from zhurnal.kinds.signing import signed_meta
from zhurnal.school.context import RunContext
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.templates.generate import write_workbook

GUIDE = [
    "Список класса ведёт классный руководитель и обновляет его каждую неделю.",
    "Лист «Ученики»: по строке на ученика. Новых учеников добавляйте в пустые строки внизу, "
    "с датой и приказом о прибытии.",
    "Выбывшего ученика не удаляйте: укажите дату выбытия и номер приказа — строка остаётся в списке.",
    "Лист «Родители»: по строке на каждую пару «родитель — ребёнок».",
]


def _prefill(conn, school_id: int, class_code: str) -> tuple[dict, str]:
    # a pupil who left stays in the roster with their leaving date (only a row deleted before
    # pupil movement was recorded is gone: ``active`` false without a leaving date)
    students = [st for st in q.table_rows(conn, s.students, school_id, "full_name", class_code=class_code)
                if st["active"] or st["left_on"] is not None]
    ids = [st["id"] for st in students]
    membership = q.subgroup_membership(conn, school_id, ids)
    names = {st["id"]: st["full_name"] for st in students}
    for st in students:
        for subject, subgroup in membership.get(st["id"], {}).items():
            st[f"subgroup:{subject}"] = subgroup
    parents = [{**link, "student": names[link["student_id"]]} for link in q.guardians_of(conn, school_id, ids)]
    exemptions = [{**row, "student": names[row["student_id"]]}
                  for row in q.table_rows(conn, s.exemptions, school_id, "student_id", "start")
                  if row["student_id"] in names]
    digest = hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()[:16]
    return {"Ученики": students, "Родители": parents, "Освобождения": exemptions}, digest


def issue(ctx: RunContext, class_code: str, out_dir: Path | None = None) -> Path:
    """Write the roster of one class, prefilled with its students and parents."""
    with ctx.engine.connect() as conn:
        cls = conn.execute(s.classes.select().where(s.classes.c.school_id == ctx.school_id,
                                                    s.classes.c.code == class_code)).mappings().first()
        if cls is None:
            raise UnknownClass(class_code)
        subgroups = q.class_subgroups(conn, ctx.school_id, class_code)
        prefill, digest = _prefill(conn, ctx.school_id, class_code)
        subjects = [r["name"] for r in q.table_rows(conn, s.subjects, ctx.school_id, "name")]
    declared = spec(tuple(subgroups))
    lists = {f"subgroups:{subject}": names for subject, names in subgroups.items()}
    lists["subjects"] = subjects
    meta = signed_meta(ctx, "roster", declared.version, cls["class_teacher"] or "", class_code=class_code,
                       roster_digest=digest, sections={"subgroup_subjects": list(subgroups), "movement": True,
                                                               "contacts": True, "pupil_email": True})
    path = (out_dir or ctx.settings.templates) / f"список_класса_{class_code}.xlsx"
    guide = [f"Класс {class_code}. Классный руководитель: {cls['class_teacher'] or '—'}."] + GUIDE
    return write_workbook(path, declared, meta, prefill=prefill, lists=lists, guide=guide)
