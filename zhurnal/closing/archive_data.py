"""What the year archive prints for a class, as plain data for the ``year_archive.typ`` template.

Three documents a class, as a school keeps them (the paper class journal's layout):

- the journal: a title page with the storage period (:data:`STORAGE`), the pupils' list (birth
  date, arrival, leaving), then per subject (and subgroup) pages of pupils × lesson dates with
  the marks (``н``/``оп`` where a pupil was absent or late and got no mark) and, as a paper
  journal has them, each term's marks in a column right after the term's last lesson and the
  year mark after the last term, each page followed by the topics and homework of the same
  dates; then the attendance register, a page per month: pupils × the class's school days with
  the lessons missed and the reason code (``2б``) and a total;
- the summary ledger: every pupil × subject row of :func:`zhurnal.year.ledger.summary_ledger`
  with the period, year, exam and final marks; for grades 9 and 11 then every pupil's attestat
  (:func:`zhurnal.year.ledger.class_attestat`: each subject, how its final mark was formed) and
  the аттестат с отличием conditions checked;
- the corrections appendix: every revision of the class's journal data that changed or removed
  a value entered before (old → new, who handed in the file, when, which file), oldest first.

Pupils are everyone who was in the class (a pupil who left keeps their rows).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import Connection, select

from zhurnal.batch.history import HistoryFilter, revisions_of
from zhurnal.core.sections import AttestatSettings
from zhurnal.school.calendar import period_kind
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.year.attestat import honours_eligible
from zhurnal.year.ledger import class_attestat, summary_ledger

DATES_PER_PAGE = 20      # columns (lessons, term and year marks) on a landscape A4 journal page
# The storage periods printed on the journal's title page (docs/DESIGN.md «Closing the year» cites
# their source: the Перечень типовых управленческих архивных документов, приказ Росархива от
# 20.12.2019 № 236): the class journal 5 years, its summary of the pupils' marks 25 years.
STORAGE = ("Срок хранения: 5 лет. Сводная ведомость учёта успеваемости (выписка итоговых отметок "
           "учащихся) хранится 25 лет. Основание: Перечень типовых управленческих архивных документов, "
           "утверждённый приказом Росархива от 20.12.2019 № 236.")
MONTHS = ("Январь", "Февраль", "Март", "Апрель", "Май", "Июнь", "Июль", "Август", "Сентябрь", "Октябрь",
          "Ноябрь", "Декабрь")
FIELDS = {"marks": "отметка", "presence": "посещение", "topic": "тема", "homework": "домашнее задание",
          "work_type": "вид работы", "ict": "ИКТ", "teacher": "учитель", "lessons": "уроков пропущено",
          "reason": "причина", "mark": "отметка за период", "form": "форма экзамена", "result": "результат"}
ENTITIES = {"journal_entries": "Отметка", "lessons": "Урок", "absences": "Пропуск", "period_marks": "Отметка за период",
            "exam_marks": "Экзамен"}


def _day(day: dt.date) -> str:
    return f"{day:%d.%m}"


def class_pupils(conn: Connection, school_id: int, class_code: str) -> list[dict]:
    """Everyone in the class this year (left pupils too), by full name."""
    return q.table_rows(conn, s.students, school_id, "full_name", "id", class_code=class_code)


def _cell(marks: str, presence: str) -> str:
    if marks and presence == "оп":
        return f"{marks} оп"
    return marks or presence


def _moved(day: dt.date | None, order: str | None) -> str:
    if day is None:
        return ""
    return f"{day:%d.%m.%Y}" + (f", приказ {order}" if order else "")


def pupil_rows(pupils: list[dict], contacts: bool = False) -> list[dict]:
    """{name, born, arrived, left} per pupil (dates «01.09.2026», with the order «…, приказ 12»);
    with ``contacts`` also {address, phone, note} (the pupil's card: the archive's own list only)."""
    rows = []
    for st in pupils:
        row = {"name": st["full_name"], "born": f"{st['birth_date']:%d.%m.%Y}" if st["birth_date"] else "",
               "arrived": _moved(st["arrived_on"], st["arrival_order"]), "left": _moved(st["left_on"], st["leaving_order"])}
        if contacts:
            row.update(address=st["address"] or "", phone=st["phone"] or "", note=st["note"] or "")
        rows.append(row)
    return rows


def _columns(items: list[dict], terms: list[dict], year: dict | None) -> list[dict]:
    """The section's columns in order: a lesson each ({lesson}), each term's mark right after
    the term's last lesson ({period}; a term without lessons after the lessons before its end),
    the year mark after the last term."""
    columns: list[dict] = []
    pending = list(terms)
    for lesson in items:
        while pending and lesson["date"] > pending[0]["end"]:
            columns.append({"period": pending.pop(0)})
        columns.append({"lesson": lesson})
    columns += [{"period": term} for term in pending]
    if year is not None and terms:
        columns.append({"period": year})
    return columns


def _cell_of(column: dict, sid: int, subject: str, entries: dict, final: dict | None) -> str:
    """What a pupil's row shows in ``column``: the lesson's marks and presence, or the term's or
    the year's mark."""
    if "lesson" in column:
        return entries.get((column["lesson"]["id"], sid), "")
    stored, year_mark = (final or {}).get((sid, subject), ({}, None))
    code = column["period"]["code"]
    return (year_mark if period_kind(code) == "year" else stored.get(code)) or ""


def journal_sections(conn: Connection, school_id: int, class_code: str, pupils: list[dict],
                     final: dict[tuple[int, str], tuple[dict[str, str], str | None]] | None = None) -> list[dict]:
    """Per subject and subgroup: {subject, subgroup, teachers, pages: [{dates, marks, rows: [{name,
    cells}], topics: [{date, no, topic, homework}]}]} with ``DATES_PER_PAGE`` columns a page.
    ``dates`` heads the columns («02.09» for a lesson, the period's name for a term or the year),
    ``marks`` says which columns are term or year marks. ``final``: (pupil id, subject) →
    (term code → mark, year mark), as :func:`zhurnal.year.ledger.summary_ledger` gives them (the
    year mark confirmed, else computed); without it no term or year columns are printed. A subject
    without marks («без отметок») has none either."""
    L, J = s.lessons, s.journal_entries
    lessons = conn.execute(select(L).where(L.c.school_id == school_id, L.c.class_code == class_code)
                           .order_by(L.c.subject, L.c.subgroup, L.c.date, L.c.lesson_no)).mappings().all()
    entries = {(r["lesson_id"], r["student_id"]): _cell(r["marks"], r["presence"]) for r in conn.execute(
        select(J.c.lesson_id, J.c.student_id, J.c.marks, J.c.presence).join(L, L.c.id == J.c.lesson_id)
        .where(L.c.school_id == school_id, L.c.class_code == class_code)).mappings()}
    members = defaultdict(dict)
    for row in q.table_rows(conn, s.subgroup_members, school_id):
        members[row["student_id"]][row["subject"]] = row["subgroup"]
    grade = next((c["grade"] for c in q.table_rows(conn, s.classes, school_id, code=class_code)), 0)
    periods = [p for p in q.table_rows(conn, s.periods, school_id, "start", "code")
               if p["grade_from"] <= grade <= p["grade_to"]]
    terms = sorted((p for p in periods if period_kind(p["code"]) != "year"), key=lambda p: p["end"])
    year = next((p for p in periods if period_kind(p["code"]) == "year"), None)
    scales = {r["name"]: r["scale"] for r in q.table_rows(conn, s.subjects, school_id)}
    by_section: dict[tuple[str, str], list] = defaultdict(list)
    for lesson in lessons:
        by_section[(lesson["subject"], lesson["subgroup"])].append(lesson)
    found = []
    for (subject, subgroup), items in by_section.items():
        group = [p for p in pupils if not subgroup or members[p["id"]].get(subject) == subgroup]
        marked = final is not None and scales.get(subject, "five") != "none"
        columns = _columns(items, terms, year) if marked else [{"lesson": x} for x in items]

        pages = []
        for start in range(0, len(columns), DATES_PER_PAGE):
            chunk = columns[start:start + DATES_PER_PAGE]
            shown = [c["lesson"] for c in chunk if "lesson" in c]
            pages.append({
                "dates": [_day(c["lesson"]["date"]) if "lesson" in c else c["period"]["name"] for c in chunk],
                "marks": ["lesson" not in c for c in chunk],
                "rows": [{"name": p["full_name"], "cells": [_cell_of(c, p["id"], subject, entries, final) for c in chunk]}
                         for p in group],
                "topics": [{"date": f"{x['date']:%d.%m.%Y}", "no": x["lesson_no"], "topic": x["topic"] or "",
                            "homework": x["homework"] or ""} for x in shown],
            })
        teachers = sorted({x["teacher"] for x in items if x["teacher"]})
        found.append({"subject": subject, "subgroup": subgroup, "teachers": teachers, "pages": pages})
    return found


def attendance_register(conn: Connection, school_id: int, class_code: str, pupils: list[dict]) -> list[dict]:
    """A page per month with lessons: {month, days: ["01", …], rows: [{name, cells, total}]};
    a cell is the lessons missed and the reason code («2б»), the total the month's lessons missed."""
    L, A = s.lessons, s.absences
    days = sorted({r[0] for r in conn.execute(select(L.c.date).distinct().where(
        L.c.school_id == school_id, L.c.class_code == class_code))})
    ids = [p["id"] for p in pupils]
    missed = {(r["student_id"], r["date"]): r for r in conn.execute(
        select(A).where(A.c.school_id == school_id, A.c.student_id.in_(ids))).mappings()} if ids else {}
    months: dict[tuple[int, int], list[dt.date]] = defaultdict(list)
    for day in days:
        months[(day.year, day.month)].append(day)
    pages = []
    for (year, month), month_days in sorted(months.items()):
        rows = []
        for pupil in pupils:
            found = [missed.get((pupil["id"], day)) for day in month_days]
            rows.append({"name": pupil["full_name"],
                         "cells": [f"{x['lessons']}{x['reason'] or ''}" if x else "" for x in found],
                         "total": sum(x["lessons"] for x in found if x) or ""})
        pages.append({"month": f"{MONTHS[month - 1]} {year}", "days": [f"{d:%d}" for d in month_days], "rows": rows})
    return pages


def ledger(conn: Connection, school_id: int, class_code: str, grade: int, year_rule: str = "mean",
           attestat_settings: AttestatSettings | None = None) -> dict:
    """{periods: [{code, name}], rows: [{no, name, subject, periods: [..], year, exam, final}],
    attestat: [{no, name, honours: «да» | «нет», rows: [{subject, source, year, exam, final}],
    conditions: [{text, met: «да» | «нет» | «проверить», detail}]}]} from :func:`summary_ledger`
    and :func:`class_attestat` (year marks not confirmed computed by ``year_rule``; the school's
    ``[attestat]``); the periods are the grade's terms (the year period is the «year» column);
    a mark not set is «». ``attestat`` is empty but for grades 9 and 11."""
    periods = [p for p in q.table_rows(conn, s.periods, school_id, "start", "code")
               if p["grade_from"] <= grade <= p["grade_to"] and period_kind(p["code"]) != "year"]
    rows, numbers = [], {}
    for row in summary_ledger(conn, school_id, class_code, year_rule=year_rule, attestat_settings=attestat_settings):
        numbers.setdefault(row.student_id, len(numbers) + 1)
        rows.append({"no": numbers[row.student_id], "name": row.student_name, "subject": row.subject,
                     "periods": [row.periods.get(p["code"], "") for p in periods],
                     "year": row.year or "", "exam": row.exam or "", "final": row.final or ""})
    met = {True: "да", False: "нет", None: "проверить"}
    attestat = [{"no": numbers.get(pupil.student_id, 0), "name": pupil.student_name,
                 "honours": "да" if honours_eligible(pupil.honours) else "нет",
                 "rows": [{"subject": r.subject, "source": r.source, "year": r.year or "", "exam": r.exam or "",
                           "final": r.final or ""} for r in pupil.rows],
                 "conditions": [{"text": c.text, "met": met[c.met], "detail": c.detail} for c in pupil.honours]}
                for pupil in class_attestat(conn, school_id, class_code, year_rule=year_rule,
                                            attestat_settings=attestat_settings)]
    return {"periods": [{"code": p["code"], "name": p["name"]} for p in periods], "rows": rows, "attestat": attestat}


def _value(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return "да"
    if value is False:
        return "нет"
    return str(value)


def _change(old: dict | None, new: dict | None) -> tuple[str, str]:
    """The fields that differ, as («тема: Дроби», «тема: Дроби (повторение)»)."""
    old, new = old or {}, new or {}
    keys = [k for k in FIELDS if k in old or k in new]
    changed = [k for k in keys if old.get(k) != new.get(k)] or keys
    if len(changed) == 1 and changed[0] in ("marks", "mark"):
        return _value(old.get(changed[0])), _value(new.get(changed[0]))
    return ("; ".join(f"{FIELDS[k]}: {_value(old.get(k))}" for k in changed),
            "; ".join(f"{FIELDS[k]}: {_value(new.get(k))}" for k in changed))


def corrections(conn: Connection, school_id: int, class_code: str) -> list[dict]:
    """Every revision of the class's journal data after the first entry of its value (old →
    new), oldest first: {what, where, old, new, author, when, file}."""
    found = []
    names = {p["code"]: p["name"] for p in q.table_rows(conn, s.periods, school_id)}    # Y → «Год»
    for item in revisions_of(conn, school_id, HistoryFilter(class_code=class_code)):
        if item["old"] is None:
            continue
        old, new = _change(item["old"], item["new"])
        where = [x for x in (item.get("student"), item.get("subject"),
                             f"{item['date']:%d.%m.%Y}" if item.get("date") else None,
                             f"урок {item['lesson_no']}" if item.get("lesson_no") else None,
                             names.get(item.get("period"), item.get("period"))) if x]
        found.append({"what": ENTITIES.get(item["entity"], item["entity"]), "where": ", ".join(where),
                      "old": old, "new": new, "author": item["author"] or "—",
                      "when": f"{item['received_at']:%d.%m.%Y %H:%M}", "file": item["file"]})
    return found
