"""Applying an accepted setup workbook: it is authoritative for the whole school setup."""

from __future__ import annotations

from sqlalchemy import Connection

from zhurnal.merge.sync import Changes, record_revision, sync_rows
from zhurnal.store import schema as s
from zhurnal.validate.table import Table

# store table, its key, the sheet it comes from
PLAN = (
    (s.periods, ("code",), "Периоды"),
    (s.holidays, ("name",), "Каникулы"),
    (s.teachers, ("full_name",), "Учителя"),
    (s.classes, ("code",), "Классы"),
    (s.subjects, ("name",), "Предметы"),
    (s.subgroups, ("class_code", "subject", "name"), "Подгруппы"),
    (s.teaching_load, ("class_code", "subject", "subgroup"), "Нагрузка"),
    (s.timetable, ("period", "weekday", "lesson_no", "class_code", "subgroup", "parity"), "Расписание"),
    (s.bells, ("lesson_no",), "Звонки"),
    (s.work_types, ("name",), "Виды работ"),
    (s.absence_reasons, ("code",), "Причины пропусков"),
)

ALL_GRADES = (0, 99)


def _store_row(sheet: str, values: dict) -> dict:
    row = dict(values)
    if sheet == "Каникулы":
        row["grade_from"] = row.get("grade_from") if row.get("grade_from") is not None else ALL_GRADES[0]
        row["grade_to"] = row.get("grade_to") if row.get("grade_to") is not None else ALL_GRADES[1]
    if sheet in ("Нагрузка", "Расписание"):
        row["subgroup"] = row.get("subgroup") or ""
    if sheet == "Расписание":
        row["parity"] = row.get("parity") or ""
    if sheet == "Звонки":
        row["start"] = row["start"].strftime("%H:%M")
        row["end"] = row["end"].strftime("%H:%M")
    return row


def apply_setup(conn: Connection, tables: dict[str, Table], *, school_id: int,
                submission_id: int) -> Changes:
    """Replace the school's setup by the workbook's, recording every changed row."""
    changes = Changes()
    school = tables["Школа"].rows[0].values
    old = dict(conn.execute(s.schools.select().where(s.schools.c.id == school_id)).mappings().one())
    new = {**old, **{k: school[k] for k in ("name", "year_label", "year_start", "year_end")}}
    if new != old:
        conn.execute(s.schools.update().where(s.schools.c.id == school_id).values(**new))
        record_revision(conn, school_id=school_id, submission_id=submission_id,
                        entity="schools", key=old["code"], old=old, new=new)
        changes.updated += 1
    for table, key, sheet in PLAN:
        rows = [_store_row(sheet, r.values) for r in tables[sheet].rows]
        changes += sync_rows(conn, table, school_id=school_id, submission_id=submission_id,
                             key=key, rows=rows)
    return changes
