"""Rules for the school setup workbook; yields findings and the typed setup to merge."""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass

from zhurnal.core.findings import Finding, finding
from zhurnal.school.calendar import period_kind
from zhurnal.school.logins import default_login, is_login
from zhurnal.validate.checks import Names, duplicate_keys
from zhurnal.validate.table import Row, Table

WEEKDAY_NAMES = {1: "понедельник", 2: "вторник", 3: "среда", 4: "четверг", 5: "пятница", 6: "суббота"}


@dataclass
class SetupCheck:
    """The setup tables after checking, with names resolved to their canonical spelling."""

    tables: dict[str, Table]
    findings: list[Finding]


def _overlap(a_start, a_end, b_start, b_end) -> bool:
    return a_start <= b_end and b_start <= a_end


def _check_school(tables: dict[str, Table], found: list[Finding]) -> None:
    rows = tables["Школа"].rows
    if not rows:
        found.append(finding("required-missing", sheet="Школа", cell="A2",
                             column="Полное название школы"))
        return
    school = rows[0]
    start, end = school.get("year_start"), school.get("year_end")
    if start and end and end < start:
        found.append(finding("period-bad-range", **school.at("year_end"), value=end))


def _check_periods(rows: list[Row], found: list[Finding]) -> None:
    good = []
    for row in rows:
        start, end = row.get("start"), row.get("end")
        if start and end and end < start:
            found.append(finding("period-bad-range", **row.at("end"), value=end))
            continue
        if start and end and row.get("grade_from") is not None and row.get("grade_to") is not None:
            good.append(row)
    for a, b in itertools.combinations(good, 2):
        grades = _overlap(a.get("grade_from"), a.get("grade_to"), b.get("grade_from"), b.get("grade_to"))
        if not (grades and _overlap(a.get("start"), a.get("end"), b.get("start"), b.get("end"))):
            continue
        kinds = {_kind(a), _kind(b)}
        if kinds == {"year"} or "year" not in kinds:
            # terms of one grade may not overlap, nor two year periods; a year holds its terms
            found.append(finding("period-overlap", **b.at("code"), value=b.get("code"),
                                 other=a.get("code")))
            continue
        year, term = (a, b) if _kind(a) == "year" else (b, a)
        if not (year.get("start") <= term.get("start") and term.get("end") <= year.get("end")):
            found.append(finding("period-outside-year", **term.at("code"), value=term.get("code"),
                                 year=year.get("code")))


def _kind(row: Row) -> str:
    return period_kind(str(row.get("code") or ""))


def _check_holidays(tables: dict[str, Table], found: list[Finding]) -> None:
    if not tables["Школа"].rows:
        return
    school = tables["Школа"].rows[0]
    year_start, year_end = school.get("year_start"), school.get("year_end")
    if not (year_start and year_end):
        return
    for row in tables["Каникулы"].rows:
        start, end = row.get("start"), row.get("end")
        if start and end and end < start:
            found.append(finding("period-bad-range", **row.at("end"), value=end))
        elif start and end and (start < year_start or end > year_end):
            cell = "start" if start < year_start else "end"
            found.append(finding("holiday-outside-year", **row.at(cell),
                                 value=f"{start:%d.%m.%Y} – {end:%d.%m.%Y}",
                                 year_start=f"{year_start:%d.%m.%Y}", year_end=f"{year_end:%d.%m.%Y}"))


def _check_timetable(tables: dict[str, Table], names: dict[str, Names], found: list[Finding]) -> None:
    periods = {r.get("code"): r for r in tables["Периоды"].rows}
    bells = {r.get("lesson_no") for r in tables["Звонки"].rows}
    load = {(r.get("class_code"), r.get("subject"), r.get("subgroup") or ""): r.get("teacher")
            for r in tables["Нагрузка"].rows}
    subgroups = {(r.get("class_code"), r.get("subject"), r.get("name")) for r in tables["Подгруппы"].rows}
    by_slot: dict[tuple, list[tuple[Row, str | None]]] = defaultdict(list)
    for row in tables["Расписание"].rows:
        period = names["periods"].resolve(row, "period", "unknown-period", found)
        cls = names["classes"].resolve(row, "class_code", "unknown-class", found)
        subject = names["subjects"].resolve(row, "subject", "unknown-subject", found)
        lesson_no = row.get("lesson_no")
        if lesson_no is not None and bells and lesson_no not in bells:
            found.append(finding("lesson-without-bell", **row.at("lesson_no"), value=lesson_no))
        if not (period and cls and subject and lesson_no is not None and row.get("weekday")):
            continue
        subgroup = row.get("subgroup") or ""
        if subgroup and (cls, subject, subgroup) not in subgroups:
            found.append(finding("subgroup-not-in-class", **row.at("subgroup"), value=subgroup,
                                 cls=cls, subject=subject))
        teacher = load.get((cls, subject, subgroup)) or load.get((cls, subject, ""))
        if teacher is None:
            found.append(finding("unknown-load", **row.at("subject"), value=subject, cls=cls,
                                 subject=subject,
                                 subgroup_text=f", подгруппа {subgroup}" if subgroup else ""))
        by_slot[(row.get("weekday"), lesson_no)].append((row, teacher))
    for (weekday, lesson_no), entries in by_slot.items():
        for (a, teacher_a), (b, teacher_b) in itertools.combinations(entries, 2):
            pa, pb = periods.get(a.get("period")), periods.get(b.get("period"))
            same_time = a.get("period") == b.get("period") or (
                pa and pb and _overlap(pa.get("start"), pa.get("end"), pb.get("start"), pb.get("end")))
            parities = {a.get("parity") or "", b.get("parity") or ""}
            if not same_time or parities == {"odd", "even"}:
                continue
            where = {"weekday": WEEKDAY_NAMES.get(weekday, weekday), "lesson_no": lesson_no,
                     "other_row": a.number}
            if teacher_a and teacher_a == teacher_b:
                found.append(finding("timetable-teacher-clash", **b.at("subject"), value=teacher_b,
                                     teacher=teacher_b, **where))
            if a.get("class_code") == b.get("class_code"):
                split = a.get("subgroup") and b.get("subgroup") and a.get("subgroup") != b.get("subgroup")
                if not split:
                    found.append(finding("timetable-class-clash", **b.at("class_code"),
                                         value=b.get("class_code"), cls=b.get("class_code"), **where))
            if a.get("room") and a.get("room") == b.get("room"):
                found.append(finding("timetable-room-clash", **b.at("room"), value=b.get("room"), **where))


def _check_logins(rows: list[Row], found: list[Finding]) -> None:
    """Each teacher's login (their inbox folder's name): typed, else made from the name
    (:func:`zhurnal.school.logins.default_login`), written into the row; unique, a safe folder name."""
    seen: dict[str, int] = {}
    for row in rows:
        if not row.get("full_name"):
            continue
        typed = str(row.get("login") or "").strip().lower()
        login = typed or default_login(str(row.get("full_name")))
        row.values["login"] = login
        if not is_login(login):
            found.append(finding("login-invalid", **row.at("login"), value=login))
        elif login in seen:
            found.append(finding("duplicate-login", **row.at("login"), value=login, first_row=seen[login]))
        else:
            seen[login] = row.number


def check_setup(tables: dict[str, Table], unique: dict[str, tuple[str, ...]], *,
                yo_as_ye: bool = False) -> SetupCheck:
    """Every setup rule over already typed tables (see :func:`zhurnal.validate.table.read_table`).

    ``unique``: sheet → the columns no two rows may share (the declaration's keys).
    """
    found: list[Finding] = []
    for sheet, keys in unique.items():
        found += duplicate_keys(tables[sheet].rows, keys, yo_as_ye=yo_as_ye)
    names = {
        "periods": Names((r.get("code") for r in tables["Периоды"].rows if r.get("code")), yo_as_ye),
        "classes": Names((r.get("code") for r in tables["Классы"].rows if r.get("code")), yo_as_ye),
        "subjects": Names((r.get("name") for r in tables["Предметы"].rows if r.get("name")), yo_as_ye),
        "teachers": Names((r.get("full_name") for r in tables["Учителя"].rows if r.get("full_name")), yo_as_ye),
    }
    _check_school(tables, found)
    _check_logins(tables["Учителя"].rows, found)
    _check_periods(tables["Периоды"].rows, found)
    _check_holidays(tables, found)
    for row in tables["Классы"].rows:
        names["teachers"].resolve(row, "class_teacher", "unknown-teacher", found)
    for sheet in ("Подгруппы", "Нагрузка"):
        for row in tables[sheet].rows:
            names["classes"].resolve(row, "class_code", "unknown-class", found)
            names["subjects"].resolve(row, "subject", "unknown-subject", found)
            if sheet == "Нагрузка":
                names["teachers"].resolve(row, "teacher", "unknown-teacher", found)
    subgroups = {(r.get("class_code"), r.get("subject"), r.get("name")) for r in tables["Подгруппы"].rows}
    for row in tables["Нагрузка"].rows:
        subgroup = row.get("subgroup")
        if subgroup and (row.get("class_code"), row.get("subject"), subgroup) not in subgroups:
            found.append(finding("subgroup-not-in-class", **row.at("subgroup"), value=subgroup,
                                 cls=row.get("class_code"), subject=row.get("subject")))
    for row in tables["Виды работ"].rows:
        weight = row.get("weight")
        if weight is not None and weight <= 0:
            found.append(finding("weight-not-positive", **row.at("weight"), value=weight))
    _check_timetable(tables, names, found)
    return SetupCheck(tables=tables, findings=found)
