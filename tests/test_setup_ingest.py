"""The setup workbook filled as a sysadmin would and ingested: the store holds what was typed."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import findings_of, s, status_of

from zhurnal.demo.fill import read_rows
from zhurnal.kinds.setup.spec import SPEC as SETUP
from zhurnal.templates.spec import column_letter


@pytest.mark.both_stores
def test_setup_typed_values_reach_the_store(ws, school):
    """GIVEN a blank workspace WHEN the filled setup is ingested THEN every table equals the input."""
    ws.drop_setup(school.setup)
    report = ws.ingest()
    assert status_of(report) == {"setup.xlsx": "accepted"}
    assert findings_of(report) == set()

    schools = ws.rows(s.schools)
    assert schools[0]["name"] == school.setup["Школа"][0]["name"]
    assert schools[0]["year_start"] == dt.date(2026, 9, 1)
    assert {r["code"]: (r["start"], r["end"], r["grade_from"], r["grade_to"]) for r in ws.rows(s.periods)} == {
        p["code"]: (p["start"], p["end"], p["grade_from"], p["grade_to"]) for p in school.setup["Периоды"]}
    assert {(r["full_name"], r["email"]) for r in ws.rows(s.teachers)} == {
        (t["full_name"], t["email"]) for t in school.setup["Учителя"]}
    classes = {r["code"]: r for r in ws.rows(s.classes)}
    assert classes["1А"]["has_marks"] is False and classes["5А"]["has_marks"] is True
    assert classes["10А"]["days_per_week"] == 6 and classes["9А"]["days_per_week"] == 5
    assert {r["name"]: r["scale"] for r in ws.rows(s.subjects)}["ОРКСЭ"] == "pass"
    weekday = {"Пн": 1, "Вт": 2, "Ср": 3, "Чт": 4, "Пт": 5, "Сб": 6}
    assert {(r["period"], r["weekday"], r["lesson_no"], r["class_code"], r["subject"], r["subgroup"], r["room"])
            for r in ws.rows(s.timetable)} == {
        (t["period"], weekday[t["weekday"]], t["lesson_no"], t["class_code"], t["subject"], t["subgroup"], t["room"])
        for t in school.setup["Расписание"]}
    assert sorted((r["class_code"], r["subject"], r["subgroup"], r["teacher"], r["hours"])
                  for r in ws.rows(s.teaching_load)) == sorted(
        (t["class_code"], t["subject"], t["subgroup"], t["teacher"], t["hours"]) for t in school.setup["Нагрузка"])
    assert [(b["lesson_no"], b["start"], b["end"]) for b in ws.rows(s.bells, "lesson_no")] == [
        (b["lesson_no"], b["start"], b["end"]) for b in school.setup["Звонки"]]
    assert [(b["lesson_no"], b["start"], b["end"]) for b in ws.rows(s.bells, "lesson_no")][:2] == [
        (1, "08:30", "09:15"), (2, "09:25", "10:10")]
    assert {r["name"]: r["weight"] for r in ws.rows(s.work_types)}["Контрольная работа"] == 2.0
    holidays = {r["name"]: r for r in ws.rows(s.holidays)}
    assert (holidays["Дополнительные каникулы 1 классов"]["grade_from"],
            holidays["Дополнительные каникулы 1 классов"]["grade_to"]) == (1, 1)
    # the original is archived under its hash and has left the inbox
    assert not [p for p in ws.settings.inbox.iterdir() if p.is_file()]     # (teachers' own folders stay)
    assert ws.rows(s.submissions)[0]["sha256"] in str(next(ws.settings.archive.rglob("*.xlsx")))


def test_setup_template_comes_back_prefilled(ws, school):
    ws.drop_setup(school.setup)
    assert ws.ingest().ok
    rows = read_rows(ws.setup_template(), SETUP)
    assert len(rows["Расписание"]) == len(school.setup["Расписание"])
    assert {r["full_name"] for r in rows["Учителя"]} == {t["full_name"] for t in school.setup["Учителя"]}
    assert rows["Предметы"][0]["scale"] in ("5-балльная", "зачёт/незачёт", "без отметок")


@pytest.mark.both_stores
def test_resubmitting_changed_setup_records_revisions(ws, school):
    ws.drop_setup(school.setup)
    assert ws.ingest().ok
    before = len(ws.rows(s.revisions))
    changed = {k: [dict(r) for r in v] for k, v in school.setup.items()}
    changed["Виды работ"][0]["weight"] = 3
    del changed["Причины пропусков"][-1]
    ws.drop_setup(changed, name="setup2.xlsx")
    report = ws.ingest()
    assert status_of(report) == {"setup2.xlsx": "accepted"}
    new = ws.rows(s.revisions)[before:]
    assert {(r["entity"], r["key"]) for r in new} == {
        ("work_types", changed["Виды работ"][0]["name"]), ("absence_reasons", "н")}
    assert {r["code"] for r in ws.rows(s.absence_reasons)} == {"б", "у"}


@pytest.mark.both_stores
def test_values_longer_than_the_store_keeps_are_findings_at_their_cells(ws, school):
    """GIVEN a setup whose room name has 42 characters, a class code 17 and a subgroup name 33
    WHEN it is ingested THEN each is ``value-too-long`` at its own cell, the workbook is rejected
    and nothing of it is stored — on SQLite (which would keep them) and on PostgreSQL (which
    would refuse them with a driver error)."""
    data = {sheet: [dict(row) for row in rows] for sheet, rows in school.setup.items()}
    data["Расписание"][0]["room"] = "Кабинет информатики и ИКТ (второй корпус)!"
    assert len(data["Расписание"][0]["room"]) == 42
    data["Классы"].append({**data["Классы"][0], "code": "11-Информатика-01"})   # 17 characters
    renamed = (data["Подгруппы"][0]["class_code"], data["Подгруппы"][0]["subject"], data["Подгруппы"][0]["name"])
    data["Подгруппы"][0]["name"] = "Первая подгруппа (английский язык)"          # 34 characters
    ws.drop_setup(data)
    report = ws.ingest()
    assert status_of(report) == {"setup.xlsx": "rejected"}
    # row 2 is the first input row; the room is the timetable's 7th column (G), a class code
    # the first column of the class sheet's next free row, a subgroup name the third (C)
    assert findings_of(report) == {("Расписание", "G2", "value-too-long"),
                                   ("Классы", f"A{len(school.setup['Классы']) + 2}", "value-too-long"),
                                   ("Подгруппы", "C2", "value-too-long"),
                                   # the load and lessons of the renamed subgroup name one that is gone
                                   *((sheet, f"{column_letter(SETUP.sheet(sheet).column_index('subgroup'))}{i + 2}",
                                      "subgroup-not-in-class") for sheet in ("Нагрузка", "Расписание")
                                     for i, row in enumerate(data[sheet])
                                     if (row["class_code"], row["subject"], row["subgroup"]) == renamed)}, \
        findings_of(report)
    assert ws.rows(s.timetable) == [] and ws.rows(s.classes) == []
    message = next(f.message for f in report.files[0].findings if f.code == "value-too-long" and f.sheet == "Расписание")
    assert "32" in message and "42" in message
