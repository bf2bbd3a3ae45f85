"""The weekly journal and attendance register: what teachers type is what the store holds,
each rule lands at its cell, and every change leaves a revision."""

from __future__ import annotations

import datetime as dt
import json
import random
import re

import openpyxl
import pytest
from conftest import FIRST, SATURDAY, WEEK, findings_of, grade_of, journal_sheets, s, status_of, untaught
from openpyxl.utils import get_column_letter

from zhurnal.core.settings import JournalSettings, MarkSettings
from zhurnal.demo.fill import fill_grid
from zhurnal.demo.week import fill_week
from zhurnal.school.calendar import parse_week


def stored_cells(ws) -> dict[tuple, tuple[str, str]]:
    lessons = {l["id"]: l for l in ws.rows(s.lessons)}
    return {(lessons[e["lesson_id"]]["class_code"], lessons[e["lesson_id"]]["subject"],
             lessons[e["lesson_id"]]["subgroup"], lessons[e["lesson_id"]]["date"].isoformat(),
             lessons[e["lesson_id"]]["lesson_no"], e["student_id"]): (e["marks"], e["presence"])
            for e in ws.rows(s.journal_entries)}


def lesson_fields(ws) -> dict[tuple, dict]:
    return {(l["class_code"], l["subject"], l["subgroup"], l["date"].isoformat(), l["lesson_no"]): l
            for l in ws.rows(s.lessons)}


TYPED = re.compile(r"[1-5][+-]?(?:/[1-5][+-]?)?|зач|незач")


def typed_cells(path, values) -> dict[tuple, tuple[str, str]]:
    """What the demo typed, as (marks, presence) keyed like stored_cells. The demo types only
    canonical text (``5``, ``4+``, ``5/4``, ``зач``, ``н``, ``оп``), which the store keeps as
    it is: read here by hand, not by the product's reader."""
    found = {}
    for sheet, info in journal_sheets(path).items():
        section = info["section"]
        for (row, key), value in values.get(sheet, {}).items():
            if isinstance(row, int):
                assert isinstance(value, str) and (value in ("н", "оп") or TYPED.fullmatch(value)), value
                day, _, number = key.partition("|")
                found[(section.class_code, section.subject, section.subgroup, day, int(number), row)] = \
                    ("", value) if value in ("н", "оп") else (value, "")
    return found


def teacher_with(templates, predicate):
    for (kind, who), path in sorted(templates.items()):
        if kind == "journal":
            for sheet, info in journal_sheets(path).items():
                if info["students"] and predicate(info):
                    return who, path, sheet, info
    raise LookupError("no such teacher")


@pytest.fixture
def week(loaded):
    return loaded.week_templates()


@pytest.mark.both_stores
def test_a_whole_week_typed_is_what_the_store_holds(loaded, week, tmp_path):
    """GIVEN every journal and register of the week filled WHEN ingested THEN the store holds
    exactly the typed marks, absences, topics and homework, and nothing else."""
    filled = fill_week(loaded.school(), sorted(week.values()), tmp_path / "typed", WEEK, random.Random(3))
    for path in [*filled.journals.values(), *filled.registers.values()]:
        path.rename(loaded.settings.inbox / path.name)
    report = loaded.ingest(now=SATURDAY)
    assert set(status_of(report).values()) == {"accepted"}, [f.findings[:3] for f in report.files]
    expected = {}
    for teacher, values in filled.values.items():
        expected.update(typed_cells(week[("journal", teacher)], values))
    assert stored_cells(loaded) == {k: v for k, v in expected.items() if v != ("", "")}
    fields = lesson_fields(loaded)
    for teacher, values in filled.values.items():
        for sheet, info in journal_sheets(week[("journal", teacher)]).items():
            sec = info["section"]
            for (marker, key), value in values[sheet].items():
                if marker in ("topic", "homework", "work_type"):
                    day, _, number = key.partition("|")
                    assert fields[(sec.class_code, sec.subject, sec.subgroup, day, int(number))][marker] == value
    assert {(a["student_id"], a["date"]): (a["lessons"], a["reason"]) for a in loaded.rows(s.absences)} == {
        key: (missed, reason) for key, (missed, reason, _) in filled.absent.items()}
    # every absent student is «н» in the subject journals of the lessons they missed
    # (grade 1 has no mark grid: its absences live only in the register)
    school = loaded.school()
    absent_marks = {(k[5], k[3]) for k, v in stored_cells(loaded).items() if v[1] == "н"}
    assert absent_marks == {(sid, day.isoformat()) for (sid, day) in filled.absent
                            if school.classes[school.students[sid]["class_code"]]["has_marks"]}


@pytest.mark.both_stores
def test_marks_rules_at_their_cells(loaded, week):
    teacher, path, sheet, info = teacher_with(week, lambda i: i["section"].subject == "Математика")
    keys, students = info["keys"], info["students"]
    cells = {(students[0], keys[0]): "6", (students[1], keys[0]): "5//4", (students[2], keys[0]): "5 н",
             (students[3], keys[0]): "4/", (students[4], keys[0]): "хорошо", (students[5], keys[0]): "зач"}
    loaded.drop_grid(path, {sheet: cells})
    report = loaded.ingest(now=SATURDAY)
    rows = {sid: FIRST + i for i, sid in enumerate(students)}
    found = findings_of(report)
    assert found == {(sheet, f"C{rows[students[0]]}", "mark-out-of-scale"),
                     (sheet, f"C{rows[students[1]]}", "mark-double-malformed"),
                     (sheet, f"C{rows[students[2]]}", "mark-with-absence"),
                     (sheet, f"C{rows[students[3]]}", "mark-double-malformed"),
                     (sheet, f"C{rows[students[4]]}", "mark-invalid"),
                     (sheet, f"C{rows[students[5]]}", "mark-out-of-scale")} | untaught(path), found
    assert loaded.rows(s.journal_entries) == []


def test_plus_minus_only_where_the_school_allows(loaded, week):
    teacher, path, sheet, info = teacher_with(week, lambda i: i["section"].subject == "Математика")
    student, key = info["students"][0], info["keys"][0]
    loaded.settings = loaded.settings.model_copy(update={"marks": MarkSettings(allow_plus_minus=False)})
    loaded.drop_grid(path, {sheet: {(student, key): "4+"}})
    found = findings_of(loaded.ingest(now=SATURDAY))
    assert found == {(sheet, "C7", "mark-modifier-not-allowed")} | untaught(path), found


def test_what_people_really_type_is_normalised(loaded, week):
    teacher, path, sheet, info = teacher_with(week, lambda i: i["section"].subject == "Математика")
    key, st = info["keys"][0], info["students"]
    typed = {(st[0], key): 5.0, (st[1], key): " 5 ", (st[2], key): "5.0", (st[3], key): "H",
             (st[4], key): "n", (st[5], key): "Н", (st[6], key): "4/5", (st[7], key): "ОП 4"}
    loaded.drop_grid(path, {sheet: typed})
    report = loaded.ingest(now=SATURDAY)
    assert status_of(report) == {path.name: "accepted"}
    cells = {k[5]: v for k, v in stored_cells(loaded).items()}
    assert [cells[sid] for sid in st[:8]] == [("5", ""), ("5", ""), ("5", ""), ("", "н"), ("", "н"), ("", "н"),
                                              ("4/5", ""), ("4", "оп")]
    # the text «5.0», the Latin letters (H, n) and the capitals (Н, ОП) were flagged, not silently
    # changed; the number 5.0 and spaces around a mark are not worth a word
    assert findings_of(report) == {(sheet, f"C{row}", "value-normalised") for row in (9, 10, 11, 12, 14)} | \
        untaught(path), findings_of(report)


def test_marks_for_students_outside_the_group_or_exempt(loaded, week, school):
    teacher, path, sheet, info = teacher_with(week, lambda i: i["section"].subject == "Английский язык"
                                              and i["section"].class_code == "7А" and i["section"].subgroup == "1")
    moved = info["students"][0]
    pe_teacher, pe_path, pe_sheet, pe_info = teacher_with(week, lambda i: i["section"].subject == "Физическая культура"
                                                          and i["section"].class_code == "7А")
    # the class teacher moves a student to subgroup 2 and exempts another from PE after the week was issued
    roster = loaded.prefilled_roster("7А")
    by_id = {st["id"]: st for st in roster["Ученики"]}
    by_id[moved]["subgroup:Английский язык"] = "2"
    exempt = pe_info["students"][1]
    roster["Освобождения"] = [{"student": by_id[exempt]["full_name"], "subject": "Физическая культура",
                               "start": dt.date(2026, 11, 16), "end": dt.date(2026, 12, 25)}]
    loaded.drop_roster("7А", roster)
    assert loaded.ingest(now=SATURDAY).ok
    loaded.drop_grid(path, {sheet: {(moved, info["keys"][0]): "5"}})
    loaded.drop_grid(pe_path, {pe_sheet: {(exempt, pe_info["keys"][0]): "4", (exempt, pe_info["keys"][-3]): "н"}})
    report = loaded.ingest(now=SATURDAY)
    assert findings_of(report, path.name) == {(sheet, "C7", "mark-student-not-in-group")} | untaught(path), \
        findings_of(report, path.name)
    assert findings_of(report, pe_path.name) == {(pe_sheet, "C8", "mark-student-exempt")} | untaught(pe_path), \
        findings_of(report, pe_path.name)


def _spare(info):
    return info["keys"].index("extra1")


def test_extra_lessons_inside_the_week_and_not_on_holidays(loaded):
    w45 = loaded.week_templates(week=parse_week("2026-W45"))
    teacher, path, sheet, info = teacher_with(w45, lambda i: i["section"].subject == "Математика")
    col = "CDEFGHIJ"[_spare(info)]
    loaded.drop_grid(path, {sheet: {("date", "extra1"): dt.date(2026, 11, 4), ("lesson_no", "extra1"): 3,
                                    (info["students"][0], "extra1"): "5",
                                    ("date", "extra2"): dt.date(2026, 11, 12), ("lesson_no", "extra2"): 2,
                                    (info["students"][0], "extra2"): "4"}})
    found = findings_of(loaded.ingest(now=dt.datetime(2026, 11, 7, 12)))
    assert found == {(sheet, f"{col}5", "extra-lesson-on-holiday"),
                     (sheet, f"{chr(ord(col) + 1)}5", "extra-lesson-outside-week")} | untaught(path), found


@pytest.mark.both_stores
def test_an_extra_lesson_is_stored_and_removed_when_cleared(loaded, week):
    teacher, path, sheet, info = teacher_with(week, lambda i: i["section"].subject == "Математика")
    extra = {("date", "extra1"): "27.11.2026", ("lesson_no", "extra1"): 7, ("topic", "extra1"): "Консультация",
             (info["students"][0], "extra1"): "5"}
    # and a mark at the first timetabled lesson (stored before the extra one, so with a lower id)
    regular = {(info["students"][2], info["keys"][0]): "4"}
    loaded.drop_grid(path, {sheet: {**extra, **regular}}, name="a.xlsx")
    report = loaded.ingest(now=SATURDAY)
    assert status_of(report) == {"a.xlsx": "accepted"}
    # a held extra lesson (it has a mark) without homework is warned about like any other
    column = get_column_letter(3 + info["keys"].index("extra1"))
    homework_row = FIRST + len(info["students"]) + 2
    assert findings_of(report) == {(sheet, f"{column}{homework_row}", "homework-missing")} | untaught(path), \
        findings_of(report)
    stored = [l for l in loaded.rows(s.lessons) if l["extra"]]
    assert [(l["date"], l["lesson_no"], l["topic"]) for l in stored] == [(dt.date(2026, 11, 27), 7, "Консультация")]
    # the reissued template carries the extra lesson; a mark added to it keeps the lesson
    again = loaded.week_templates()[("journal", teacher)]
    loaded.drop_grid(again, {sheet: {(info["students"][1], "extra1"): "4"}}, name="more.xlsx")
    assert status_of(loaded.ingest(now=SATURDAY)) == {"more.xlsx": "accepted"}
    assert [(l["date"], l["topic"]) for l in loaded.rows(s.lessons) if l["extra"]] == [
        (dt.date(2026, 11, 27), "Консультация")]
    assert sorted(c[0] for c in stored_cells(loaded).values()) == ["4", "4", "5"]
    # another teacher's lessons, stored after the extra one, are not touched by its removal
    other, other_path, other_sheet, other_info = teacher_with(
        week, lambda i: i["section"].subject not in ("Математика", "Алгебра", "Геометрия"))
    assert other != teacher
    loaded.drop_grid(other_path, {other_sheet: {(other_info["students"][0], other_info["keys"][0]): "3"}},
                     name="other.xlsx")
    assert status_of(loaded.ingest(now=SATURDAY)) == {"other.xlsx": "accepted"}
    kept_lessons = sorted((l["class_code"], l["subject"], l["date"], l["lesson_no"])
                          for l in loaded.rows(s.lessons) if not l["extra"])
    # clearing the extra lesson's column in a fresh copy removes the lesson and its two marks
    fresh = loaded.week_templates()[("journal", teacher)]
    before = len(loaded.rows(s.revisions, "id"))
    cleared = {key: None for key in extra} | {(info["students"][1], "extra1"): None}
    loaded.drop_grid(fresh, {sheet: cleared}, name="b.xlsx")
    report = loaded.ingest(now=SATURDAY)
    assert status_of(report) == {"b.xlsx": "accepted"}
    assert report.files[0].changes == 1
    assert [l for l in loaded.rows(s.lessons) if l["extra"]] == []
    assert sorted((l["class_code"], l["subject"], l["date"], l["lesson_no"]) for l in loaded.rows(s.lessons)) == \
        kept_lessons
    assert sorted(c[0] for c in stored_cells(loaded).values()) == ["3", "4"]
    # its cells' deletions are revisions too (the history keeps who cleared what)
    removed = [(r["entity"], r["key"].rsplit("/", 1)[-1], r["old_value"], r["new_value"])
               for r in loaded.rows(s.revisions, "id")[before:]]
    students = {str(info["students"][0]): "5", str(info["students"][1]): "4"}
    assert sorted((e, k, json.loads(o)["marks"], n) for e, k, o, n in removed if e == "journal_entries") == \
        sorted(("journal_entries", sid, mark, None) for sid, mark in students.items())
    assert [(e, n) for e, k, o, n in removed if e == "lessons"] == [("lessons", None)]


@pytest.mark.both_stores
def test_closed_period_and_editing_window(loaded, week):
    from click.testing import CliRunner

    from zhurnal.cli import main
    teacher, path, sheet, info = teacher_with(week, lambda i: i["section"].subject == "Математика")
    where = ["--workspace", str(loaded.path)]
    assert CliRunner().invoke(main, [*where, "period", "close", "Q2"]).exit_code == 0
    # a mark and a topic for a lesson of the closed period (new to the store): both refused
    topic = f"C{FIRST + len(info['students']) + 1}"
    loaded.drop_grid(path, {sheet: {(info["students"][0], info["keys"][0]): "5", ("topic", info["keys"][0]): "Дроби"}},
                     name="closed.xlsx")
    found = findings_of(loaded.ingest(now=SATURDAY))
    assert (sheet, topic, "topic-missing") in untaught(path)
    assert found == {(sheet, "C7", "period-closed"), (sheet, topic, "period-closed")} | \
        (untaught(path) - {(sheet, topic, "topic-missing")}), found
    assert CliRunner().invoke(main, [*where, "period", "reopen", "Q2", "--reason", "ошибка учителя"]).exit_code == 0
    assert [(e["period"], e["action"], e["reason"]) for e in loaded.rows(s.period_events, "id")] == [
        ("Q2", "close", None), ("Q2", "reopen", "ошибка учителя")]

    late = dt.datetime(2026, 12, 20, 10)   # four weeks after the lesson
    st, first = info["students"], info["keys"][0]
    late_copy = loaded.drop_grid(path, {sheet: {(st[0], first): "4", (st[2], first): "5", (st[3], first): "5"}},
                                 name="late.xlsx").read_bytes()
    report = loaded.ingest(now=late)
    assert status_of(report) == {"late.xlsx": "accepted"}
    assert findings_of(report) == {(sheet, cell, "edit-window-passed") for cell in ("C7", "C9", "C10")} | \
        untaught(path), findings_of(report)
    loaded.settings = loaded.settings.model_copy(update={"journal": JournalSettings(edit_window_severity="error")})
    # another student's cell, empty in the store: late, and nothing else (the first student's
    # cell again, from a copy of the blank issue, would be a merge conflict with the 4 as well)
    loaded.drop_grid(path, {sheet: {(info["students"][1], info["keys"][0]): "3"}}, name="later.xlsx")
    report = loaded.ingest(now=late)
    assert status_of(report) == {"later.xlsx": "rejected"}
    # only the new mark is late; the lessons' unchanged (empty) topics are no edit at all
    assert findings_of(report) == {(sheet, "C8", "edit-window-passed")} | untaught(path), findings_of(report)
    assert sorted(c[0] for c in stored_cells(loaded).values()) == ["4", "5", "5"]
    # the teacher's own late copy lowering that «4» to «3» is a late change as much as a raise
    fill_grid(_kept(loaded, late_copy), loaded.settings.inbox / "lowered.xlsx",
              {sheet: {(info["students"][0], info["keys"][0]): "3"}})
    report = loaded.ingest(now=late)
    assert status_of(report) == {"lowered.xlsx": "rejected"}
    assert findings_of(report) == {(sheet, "C7", "edit-window-passed")} | untaught(path), findings_of(report)
    assert sorted(c[0] for c in stored_cells(loaded).values()) == ["4", "5", "5"]


def test_missing_topic_and_homework_are_warnings(loaded, week):
    teacher, path, sheet, info = teacher_with(week, lambda i: i["section"].subject == "Математика")
    key = info["keys"][0]
    loaded.drop_grid(path, {sheet: {(info["students"][0], key): "5"}})
    wednesday = dt.datetime(2026, 11, 25, 12)     # Thursday's and Friday's lessons have not been held yet
    report = loaded.ingest(now=wednesday)
    assert status_of(report) == {path.name: "accepted"}
    found = findings_of(report)
    topic_row = FIRST + len(info["students"]) + 1
    assert {(sheet, f"C{topic_row}", "topic-missing"), (sheet, f"C{topic_row + 1}", "homework-missing")} <= untaught(path)
    assert found == untaught(path, until=wednesday.date()), found
    assert untaught(path, until=wednesday.date()) != untaught(path)
    assert all(f.severity == "warning" for f in report.files[0].findings)


@pytest.mark.both_stores
def test_attendance_rules(loaded, week):
    path = week[("attendance", "5А")]
    book = openpyxl.load_workbook(path)
    keys = [c.value for c in book["5А"][2] if c.value and "|" in str(c.value)]
    students = [c.value for c in book["5А"]["A"][4:] if isinstance(c.value, int)]
    loaded.drop_grid(path, {"5А": {(students[0], keys[0]): 9, (students[0], keys[1]): "б",
                                   (students[1], keys[2]): 2, (students[1], keys[3]): "x",
                                   (students[2], keys[4]): 1}})
    found = findings_of(loaded.ingest(now=SATURDAY))
    assert found == {("5А", "C5", "absence-exceeds-lessons"), ("5А", "F6", "absence-reason-unknown"),
                     ("5А", "H7", "absence-reason-missing")}, found


@pytest.mark.both_stores
def test_resubmission_changes_exactly_what_changed(loaded, week):
    teacher, path, sheet, info = teacher_with(week, lambda i: i["section"].subject == "Математика")
    st, keys = info["students"], info["keys"]
    first = {(st[0], keys[0]): "5", (st[1], keys[0]): "4", (st[2], keys[0]): "н", (st[3], keys[1]): "3",
             (st[3], keys[0]): "5", (st[4], keys[0]): "3", (st[4], keys[1]): "4",
             ("topic", keys[0]): "Дроби", ("homework", keys[0]): "№ 12"}
    original = loaded.drop_grid(path, {sheet: first}, name="first.xlsx", modified=dt.datetime(2026, 11, 27, 18))
    kept = original.read_bytes()
    report = loaded.ingest(now=SATURDAY)
    assert status_of(report) == {"first.xlsx": "accepted"}
    # a change for every lesson of the teacher's file (all new to the store) and each typed cell
    assert report.files[0].changes == len(loaded.rows(s.lessons)) + 7
    before = len(loaded.rows(s.revisions))
    # (a later lesson's cell of a student who has an earlier one too: only that cell changes)
    second = {(st[0], keys[0]): "4", (st[2], keys[0]): None, ("topic", keys[0]): "Сложение дробей",
              ("topic", keys[1]): "Повторение", (st[3], keys[1]): "2"}
    fill_grid(_kept(loaded, kept), loaded.settings.inbox / "second.xlsx", {sheet: second},
              modified=dt.datetime(2026, 11, 28, 9))
    report = loaded.ingest(now=SATURDAY)
    assert status_of(report) == {"second.xlsx": "accepted"}
    # two lessons' topics, two marks changed, one cleared
    assert report.files[0].changes == 5
    revisions = loaded.rows(s.revisions)[before:]
    changed = sorted((r["entity"], r["key"].rsplit("/", 1)[-1] if r["entity"] == "journal_entries" else "lesson")
                     for r in revisions)
    assert changed == sorted([("journal_entries", str(st[0])), ("journal_entries", str(st[2])),
                              ("journal_entries", str(st[3])), ("lessons", "lesson"), ("lessons", "lesson")])
    cells = {(k[3], k[4], k[5]): v for k, v in stored_cells(loaded).items()}
    at = {key: (key.split("|")[0], int(key.split("|")[1])) for key in keys[:2]}
    assert cells == {(*at[keys[0]], st[0]): ("4", ""), (*at[keys[0]], st[1]): ("4", ""),
                     (*at[keys[0]], st[3]): ("5", ""), (*at[keys[0]], st[4]): ("3", ""),
                     (*at[keys[1]], st[3]): ("2", ""), (*at[keys[1]], st[4]): ("4", "")}
    # each lesson keeps its own fields; no other lesson got a topic
    day = {key: (info["section"].class_code, info["section"].subject, info["section"].subgroup,
                 key.split("|")[0], int(key.split("|")[1])) for key in keys[:2]}
    fields = lesson_fields(loaded)
    assert (fields[day[keys[0]]]["topic"], fields[day[keys[0]]]["homework"]) == ("Сложение дробей", "№ 12")
    assert (fields[day[keys[1]]]["topic"], fields[day[keys[1]]]["homework"]) == ("Повторение", None)
    assert sorted(l["topic"] for l in fields.values() if l["topic"]) == ["Повторение", "Сложение дробей"]
    # the same bytes again change nothing; another copy of the blank template that changes the
    # same cell differently is a conflict at that cell, whatever its saved time
    (loaded.settings.inbox / "again.xlsx").write_bytes(kept)
    assert status_of(loaded.ingest(now=SATURDAY)) == {"again.xlsx": "duplicate"}
    fill_grid(path, loaded.settings.inbox / "older.xlsx", {sheet: {(st[0], keys[0]): "2"}},
              modified=dt.datetime(2026, 11, 27, 20))
    report = loaded.ingest(now=SATURDAY)
    assert {f.where() for f in report.files[0].findings if f.is_error} == {(sheet, "C7", "merge-conflict")}
    assert {(k[3], k[4], k[5]): v for k, v in stored_cells(loaded).items()} == cells


def _kept(ws, data: bytes):
    """The teacher's own copy of what they sent, to edit and send again."""
    path = ws.path / "kept.xlsx"
    path.write_bytes(data)
    return path


@pytest.mark.both_stores
def test_history_shows_the_trail(loaded, week):
    import json

    from click.testing import CliRunner

    from zhurnal.cli import main
    teacher, path, sheet, info = teacher_with(week, lambda i: i["section"].subject == "Математика")
    student, key = info["students"][0], info["keys"][0]
    loaded.drop_grid(path, {sheet: {(student, key): "3"}}, name="one.xlsx", modified=dt.datetime(2026, 11, 27, 9))
    assert loaded.ingest(now=SATURDAY).ok
    fresh = loaded.week_templates()[("journal", teacher)]   # a single mark is corrected in a fresh copy
    loaded.drop_grid(fresh, {sheet: {(student, key): "5"}}, name="two.xlsx", modified=dt.datetime(2026, 11, 27, 10))
    assert loaded.ingest(now=SATURDAY).ok
    result = CliRunner().invoke(main, ["--workspace", str(loaded.path), "history", "--student", str(student),
                                       "--json"])
    trail = [(r["old"], r["new"], r["file"]) for r in json.loads(result.output) if r["entity"] == "journal_entries"]
    assert trail == [(None, {"marks": "3", "presence": ""}, "one.xlsx"),
                     ({"marks": "3", "presence": ""}, {"marks": "5", "presence": ""}, "two.xlsx")]
    text = CliRunner().invoke(main, ["--workspace", str(loaded.path), "history", "--class", info["section"].class_code,
                                     "--from", "23.11.2026", "--to", "29.11.2026"]).output
    # one row per change, no wider than 100 columns: the mark rows name the day, lesson, file, was → became
    day = dt.date.fromisoformat(key.split("|")[0])
    assert max(len(line) for line in text.splitlines()) <= 100
    flat = " ".join(text.split())
    for file, change in (("one.xlsx", "— → 3"), ("two.xlsx", "3 → 5")):
        assert file in flat and change in flat, (file, change, text)
    assert f"{day:%d.%m.%Y}" in text and f"{key.split('|')[1]}-й" in text
    assert "marks=" not in text and "journal_entries" not in text


def test_grade_one_is_not_warned_about_homework(loaded, week):
    """GIVEN a grade-1 journal sheet and a grade-2 one sent back with nothing typed (grade 1 is
    taught without homework: ``[journal] no_homework_grades = [1]`` by default, СанПиН) WHEN
    ingested after the week THEN the grade-1 sheet's held lessons get ``topic-missing`` and no
    ``homework-missing``; the grade-2 sheet gets both."""
    found = {}
    for grade in (1, 2):
        path, sheet = next((path, sheet) for (kind, _), path in sorted(week.items()) if kind == "journal"
                           for sheet, info in journal_sheets(path).items()
                           if grade_of(info["section"].class_code) == grade)
        loaded.drop_grid(path, {}, name=f"grade{grade}.xlsx")
        report = loaded.ingest(now=SATURDAY)
        assert status_of(report) == {f"grade{grade}.xlsx": "accepted"}
        found[grade] = {code for where, _, code in findings_of(report) if where == sheet}
    assert found == {1: {"topic-missing"}, 2: {"topic-missing", "homework-missing"}}
