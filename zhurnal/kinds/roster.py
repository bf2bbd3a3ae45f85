"""The class roster: the class teacher's students, subgroups, parents and exemptions.

Authoritative for its class. Pupil movement is in its rows: a pupil who leaves keeps their row
with the leaving date and order; a row deleted all the same is a pupil who left on the roster's
date (kept, never deleted; see :mod:`zhurnal.merge.roster`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from sqlalchemy import select

from zhurnal.school.context import RunContext
from zhurnal.core.errors import UnknownClass
from zhurnal.core.findings import Finding, finding
from zhurnal.kinds.base import Records, StepContext, WorkbookKind
from zhurnal.kinds.signing import signed_meta
from zhurnal.merge.roster import RosterPlan
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.templates.generate import write_workbook
from zhurnal.templates.metadata import sections
from zhurnal.templates.spec import YES_NO, Choices, Field, FieldType as T, SheetSpec, WorkbookSpec
from zhurnal.validate.roster_rules import RosterContext, check_roster
from zhurnal.validate.table import read_tables
from zhurnal.text.labels import Kind

SEX = Choices(labels=("м", "ж"))
RELATIONS = Choices(labels=("мать", "отец", "опекун", "бабушка", "дедушка", "другое"))
# pupil movement: the day enrolment starts (empty: since before the year) and the day it ends
# (the pupil is no longer enrolled from that day), each with its order (see zhurnal.school.enrolment)
MOVEMENT_FIELDS = (
    Field("arrived_on", "Прибыл (дата)", T.DATE, width=14,
          note="Дата зачисления по приказу. Пусто — учится с начала учебного года"),
    Field("arrival_order", "Приказ о прибытии", T.TEXT, width=18, note="Номер и дата приказа, например «45-у от 12.01.2027»"),
    Field("left_on", "Выбыл (дата)", T.DATE, width=14,
          note="С этого дня ученик не числится в классе. Строку не удаляйте"),
    Field("leaving_order", "Приказ о выбытии", T.TEXT, width=18),
)
GUIDE = [
    "Список класса ведёт классный руководитель и обновляет его каждую неделю.",
    "Лист «Ученики»: по строке на ученика. Новых учеников добавляйте в пустые строки внизу, "
    "с датой и приказом о прибытии.",
    "Выбывшего ученика не удаляйте: укажите дату выбытия и номер приказа — строка остаётся в списке.",
    "Лист «Родители»: по строке на каждую пару «родитель — ребёнок».",
]


def spec(subgroup_subjects: tuple[str, ...] = (), movement: bool = True) -> WorkbookSpec:
    """The class roster; one dropdown column per subject that this class splits into subgroups,
    then the movement columns (a roster issued before they existed has none: ``movement`` false)."""
    subgroup_fields = tuple(
        Field(f"subgroup:{subject}", f"Подгруппа: {subject}", T.CHOICE, width=18,
              choices=Choices(named=f"subgroups:{subject}"))
        for subject in subgroup_subjects)
    students_sheet = SheetSpec("Ученики", rows=60, fields=(
        Field("id", "id", T.ID, hidden=True),
        Field("full_name", "ФИО ученика", T.NAME, required=True, width=38,
              note="Фамилия Имя Отчество. Выбывшего ученика не удаляйте: укажите дату и приказ о выбытии."),
        Field("birth_date", "Дата рождения", T.DATE, width=14),
        Field("sex", "Пол", T.CHOICE, choices=SEX, width=6),
        *subgroup_fields,
        *(MOVEMENT_FIELDS if movement else ()),
    ))
    parents_sheet = SheetSpec("Родители", rows=150, fields=(
        Field("id", "id", T.ID, hidden=True),
        Field("full_name", "ФИО родителя (законного представителя)", T.NAME, required=True, width=38),
        Field("relation", "Кем приходится", T.CHOICE, width=14, choices=RELATIONS),
        Field("student", "Ученик", T.CHOICE, width=38,
              choices=Choices(sheet="Ученики", column="full_name"),
              note="Если детей в классе двое, заполните по строке на каждого"),
        Field("email", "Электронная почта", T.EMAIL, width=30),
        Field("phone", "Телефон", T.PHONE, width=18),
        Field("receives_diary", "Получает дневник", T.BOOL, choices=YES_NO, width=12,
              note="«да» — дневник по почте (или на бумаге, если почты нет)"),
    ))
    exemptions_sheet = SheetSpec("Освобождения", rows=40, fields=(
        Field("student", "Ученик", T.CHOICE, required=True, width=38,
              choices=Choices(sheet="Ученики", column="full_name")),
        Field("subject", "Предмет", T.CHOICE, required=True, width=30, choices=Choices(named="subjects"),
              note="Освобождённому ученику отметки по предмету не ставятся"),
        Field("start", "С", T.DATE, required=True, width=14),
        Field("end", "По", T.DATE, required=True, width=14),
    ))
    return WorkbookSpec(kind="roster", version=1, title=Kind.ROSTER.label,
                        sheets=(students_sheet, parents_sheet, exemptions_sheet),
                        extra={"subgroup_subjects": list(subgroup_subjects)})


def spec_of(meta: dict[str, str]) -> WorkbookSpec:
    """The roster declaration a submitted roster was issued with (its subgroup and movement columns)."""
    issued = sections(meta)
    return spec(tuple(issued.get("subgroup_subjects", [])), bool(issued.get("movement")))


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
                       roster_digest=digest, sections={"subgroup_subjects": list(subgroups), "movement": True})
    path = (out_dir or ctx.settings.templates) / f"список_класса_{class_code}.xlsx"
    guide = [f"Класс {class_code}. Классный руководитель: {cls['class_teacher'] or '—'}."] + GUIDE
    return write_workbook(path, declared, meta, prefill=prefill, lists=lists, guide=guide)


def _context(ctx: StepContext, class_code: str) -> RosterContext:
    conn, school_id = ctx.conn, ctx.school_id
    exists = conn.execute(s.classes.select().where(s.classes.c.school_id == school_id,
                                                   s.classes.c.code == class_code)).first()
    return RosterContext(class_code=class_code, class_exists=exists is not None,
                         subgroups=q.class_subgroups(conn, school_id, class_code),
                         subjects=[r["name"] for r in q.table_rows(conn, s.subjects, school_id, "name")],
                         students=_known_students(conn, school_id, class_code),
                         parents=q.all_parents(conn, school_id), today=ctx.run.today)


def _known_students(conn, school_id: int, class_code: str) -> list[dict]:
    """The pupils a roster row may be: every active pupil of the school, and the class's own
    pupils who left (their rows stay in the roster)."""
    return [st for st in q.table_rows(conn, s.students, school_id, "class_code", "full_name")
            if st["active"] or (st["class_code"] == class_code and st["left_on"] is not None)]


class RosterKind(WorkbookKind):
    name = "roster"
    title = Kind.ROSTER.label
    closed_with_year = True
    changes_school = True

    def records(self, sub, ctx: StepContext) -> Records:
        tables, found = read_tables(sub.cells, spec_of(sub.meta), yo_as_ye=ctx.yo)
        return Records.of_tables((tables, sub.meta.get("class_code", "")), found)

    def plan(self, records: Records, ctx: StepContext) -> RosterPlan:
        tables, class_code = records.value
        roster = _context(ctx, class_code)
        checked = check_roster(tables, roster, yo_as_ye=ctx.yo)
        found = checked.findings + _entries_after_leaving(ctx.conn, ctx.school_id, tables["Ученики"])
        return RosterPlan(checked, roster, ctx.yo, findings=found)


def _entries_after_leaving(conn, school_id: int, table) -> list[Finding]:
    """An error at each leaving date that journal entries (marks, «н», «оп») come after: the
    pupil would carry data for days they were not enrolled, and every journal holding them
    would be refused (``mark-student-not-enrolled``) for cells its teacher never touched."""
    found = []
    E, L = s.journal_entries, s.lessons
    for row in table.rows:
        ident, left = row.get("id"), row.get("left_on")
        if ident in (None, "") or not isinstance(left, dt.date):
            continue
        try:
            student_id = int(float(ident))
        except (TypeError, ValueError):
            continue
        later = conn.execute(
            select(L.c.date, L.c.subject).join(E, E.c.lesson_id == L.c.id)
            .where(E.c.school_id == school_id, E.c.student_id == student_id, L.c.date >= left)
            .order_by(L.c.date, L.c.subject)).all()
        if later:
            found.append(finding("marks-after-leaving", **row.at("left_on"), value=f"{left:%d.%m.%Y}",
                                 student=row.get("full_name"), count=len(later),
                                 first=f"{later[0][0]:%d.%m.%Y}", subject=later[0][1]))
    return found


KIND = RosterKind()
