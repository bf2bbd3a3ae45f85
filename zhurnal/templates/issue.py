"""Issuing templates to staff: setup for the sysadmin, a roster per class for its teacher.

Templates come prefilled with what the store holds, so staff edit rather than retype.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from sqlalchemy import Engine

from zhurnal.settings import Settings
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.templates.generate import write_workbook
from zhurnal.templates.kinds import PARITY, SCALES, SETUP, WEEKDAYS, roster_spec
from zhurnal.templates.metadata import new_metadata, sign
from zhurnal.merge.setup import ALL_GRADES, PLAN

SETUP_GUIDE = [
    "Книга настройки школы заполняется администратором один раз в год и правится при изменениях.",
    "Порядок: Школа → Периоды → Каникулы → Учителя → Классы → Предметы → Подгруппы → Нагрузка → "
    "Расписание → Звонки → Виды работ → Причины пропусков.",
    "Книга целиком заменяет прежнюю настройку: удалённая строка удаляется и из журнала.",
]
ROSTER_GUIDE = [
    "Список класса ведёт классный руководитель и обновляет его каждую неделю.",
    "Лист «Ученики»: по строке на ученика. Новых учеников добавляйте в пустые строки внизу.",
    "Лист «Родители»: по строке на каждую пару «родитель — ребёнок».",
]


def _label(choices, value):
    return {v: label for label, v in choices.mapping().items()}.get(value, value)


def _setup_prefill(engine: Engine, school_id: int) -> dict[str, list[dict]]:
    with engine.connect() as conn:
        school = q.school_row(conn, school_id)
        prefill = {"Школа": [school] if school.get("year_label") else []}
        for table, key, sheet in PLAN:
            rows = q.table_rows(conn, table, school_id, *key)
            for row in rows:
                if sheet == "Каникулы" and (row["grade_from"], row["grade_to"]) == ALL_GRADES:
                    row["grade_from"] = row["grade_to"] = None
                if sheet == "Предметы":
                    row["scale"] = _label(SCALES, row["scale"])
                if sheet == "Расписание":
                    row["weekday"] = _label(WEEKDAYS, row["weekday"])
                    row["parity"] = _label(PARITY, row["parity"])
                if sheet == "Классы":
                    row["days_per_week"] = str(row["days_per_week"])
            prefill[sheet] = rows
    return prefill


def _meta(settings: Settings, kind: str, version: int, author: str, **more) -> dict[str, str]:
    return sign(new_metadata(kind=kind, version=version, school=settings.school.code,
                             author=author, **more), settings.secret)


def issue_setup(settings: Settings, engine: Engine, out_dir: Path | None = None) -> Path:
    """Write the setup workbook, prefilled with the current setup, to ``templates_xlsx/``."""
    with engine.begin() as conn:
        school_id = q.ensure_school(conn, settings.school.code, settings.school.name)
    meta = _meta(settings, "setup", SETUP.version, "Администратор")
    path = (out_dir or settings.templates) / "настройка_школы.xlsx"
    return write_workbook(path, SETUP, meta, prefill=_setup_prefill(engine, school_id), guide=SETUP_GUIDE)


def _roster_prefill(conn, school_id: int, class_code: str) -> tuple[dict, str]:
    students = q.table_rows(conn, s.students, school_id, "full_name", class_code=class_code, active=True)
    ids = [st["id"] for st in students]
    membership = q.subgroup_membership(conn, school_id, ids)
    names = {st["id"]: st["full_name"] for st in students}
    for st in students:
        for subject, subgroup in membership.get(st["id"], {}).items():
            st[f"subgroup:{subject}"] = subgroup
    parents = []
    for link in q.guardians_of(conn, school_id, ids):
        parents.append({**link, "student": names[link["student_id"]],
                        "receives_diary": link["receives_diary"]})
    exemptions = [{**row, "student": names[row["student_id"]]}
                  for row in q.table_rows(conn, s.exemptions, school_id, "student_id", "start")
                  if row["student_id"] in names]
    digest = hashlib.sha256(",".join(map(str, sorted(ids))).encode()).hexdigest()[:16]
    return {"Ученики": students, "Родители": parents, "Освобождения": exemptions}, digest


def issue_roster(settings: Settings, engine: Engine, class_code: str,
                 out_dir: Path | None = None) -> Path:
    """Write the roster of one class, prefilled with its students and parents."""
    with engine.begin() as conn:
        school_id = q.ensure_school(conn, settings.school.code, settings.school.name)
        cls = conn.execute(s.classes.select().where(s.classes.c.school_id == school_id,
                                                    s.classes.c.code == class_code)).mappings().first()
        if cls is None:
            raise LookupError(class_code)
        subgroups = q.class_subgroups(conn, school_id, class_code)
        prefill, digest = _roster_prefill(conn, school_id, class_code)
        subjects = [r["name"] for r in q.table_rows(conn, s.subjects, school_id, "name")]
    spec = roster_spec(tuple(subgroups))
    lists = {f"subgroups:{subject}": names for subject, names in subgroups.items()}
    lists["subjects"] = subjects
    meta = _meta(settings, "roster", spec.version, cls["class_teacher"] or "", class_code=class_code,
                 roster_digest=digest, sections={"subgroup_subjects": list(subgroups)})
    path = (out_dir or settings.templates) / f"список_класса_{class_code}.xlsx"
    guide = [f"Класс {class_code}. Классный руководитель: {cls['class_teacher'] or '—'}."] + ROSTER_GUIDE
    return write_workbook(path, spec, meta, prefill=prefill, lists=lists, guide=guide)


def class_codes(engine: Engine, settings: Settings) -> list[str]:
    with engine.connect() as conn:
        school_id = q.ensure_school(conn, settings.school.code, settings.school.name)
        rows = q.table_rows(conn, s.classes, school_id, "grade", "code")
    return [r["code"] for r in rows]
