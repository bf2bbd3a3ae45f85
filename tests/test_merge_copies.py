"""Copies of one journal merge three ways against the copy they were filled from: a copy never
wipes newer marks, a conflict is a finding at its cell, a teacher's own clearing still deletes."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import SATURDAY, findings_of, journal_sheets, s, status_of, untaught

from zhurnal.core.settings import JournalSettings
from zhurnal.demo.fill import fill_grid
from zhurnal.kinds.journal.plan import cell_list


def _cells(ws) -> dict[tuple[str, int], str]:
    """(lesson date, student id) → the stored cell as shown, read with plain SQL of the test."""
    with ws.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT l.date, e.student_id, e.marks, e.presence FROM journal_entries e "
            "JOIN lessons l ON l.id = e.lesson_id").all()
    return {(str(d)[:10], sid): " ".join(p for p in (presence, marks) if p) for d, sid, marks, presence in rows}


def _revisions(ws) -> list[tuple[str, str | None, str | None]]:
    with ws.engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(
            "SELECT key, old_value, new_value FROM revisions WHERE entity = 'journal_entries' ORDER BY id").all()]


@pytest.fixture
def journal(loaded):
    """A teacher's journal of the week with a maths sheet: (workspace, template, sheet, students, keys)."""
    week = loaded.week_templates()
    for (kind, _who), path in sorted(week.items()):
        if kind != "journal":
            continue
        for sheet, info in journal_sheets(path).items():
            if info["section"].subject == "Математика" and len(info["keys"]) >= 4 and len(info["students"]) >= 6:
                lessons = [k for k in info["keys"] if "|" in k]
                return loaded, path, sheet, info["students"], lessons
    raise LookupError("no maths journal")


def errors_of(report) -> set[tuple[str, str, str]]:
    [item] = report.files
    return {f.where() for f in item.findings if f.is_error}


def _day(key: str) -> str:
    return key.split("|")[0]


@pytest.mark.both_stores
def test_a_blank_copy_adds_thursday_without_wiping_monday(journal):
    """GIVEN copy 1 of the issued journal adds the first lesson's marks and is accepted
    WHEN copy 2 (the blank issue) adds the last lesson's marks THEN the store holds both days and
    no revision deletes a mark of the first lesson."""
    ws, path, sheet, st, keys = journal
    first, last = keys[0], keys[-1]
    ws.drop_grid(path, {sheet: {(st[0], first): "5", (st[1], first): "4", (st[2], first): "н",
                                ("topic", first): "Дроби"}}, name="copy1.xlsx")
    assert status_of(ws.ingest(now=SATURDAY)) == {"copy1.xlsx": "accepted"}
    ws.drop_grid(path, {sheet: {(st[0], last): "3", (st[3], last): "5/4"}}, name="copy2.xlsx")
    report = ws.ingest(now=SATURDAY)
    assert status_of(report) == {"copy2.xlsx": "accepted"}
    assert _cells(ws) == {(_day(first), st[0]): "5", (_day(first), st[1]): "4", (_day(first), st[2]): "н",
                          (_day(last), st[0]): "3", (_day(last), st[3]): "5/4"}
    assert not [r for r in _revisions(ws) if r[2] is None]
    with ws.engine.connect() as conn:
        topics = dict(conn.exec_driver_sql("SELECT date, topic FROM lessons WHERE topic IS NOT NULL").all())
    assert {str(k)[:10]: v for k, v in topics.items()} == {_day(first): "Дроби"}


def test_a_parallel_copy_keeps_the_extra_lesson_another_copy_added(journal):
    """GIVEN copy 1 of the issued journal adds an extra lesson with a mark and is accepted WHEN
    copy 2, the blank issue, sets a mark at a timetabled lesson THEN the extra lesson stays: copy 2
    never held it, so its empty extra column removes nothing."""
    ws, path, sheet, st, keys = journal
    ws.drop_grid(path, {sheet: {("date", "extra1"): "27.11.2026", ("lesson_no", "extra1"): 7,
                                ("topic", "extra1"): "Консультация", (st[0], "extra1"): "5"}}, name="copy1.xlsx")
    assert status_of(ws.ingest(now=SATURDAY)) == {"copy1.xlsx": "accepted"}
    ws.drop_grid(path, {sheet: {(st[1], keys[0]): "4"}}, name="copy2.xlsx")
    assert status_of(ws.ingest(now=SATURDAY)) == {"copy2.xlsx": "accepted"}
    with ws.engine.connect() as conn:
        extra = conn.exec_driver_sql("SELECT date, lesson_no, topic FROM lessons WHERE extra").all()
    assert [(str(d)[:10], n, topic) for d, n, topic in extra] == [("2026-11-27", 7, "Консультация")]
    assert _cells(ws) == {("2026-11-27", st[0]): "5", (_day(keys[0]), st[1]): "4"}
    assert not [r for r in _revisions(ws) if r[2] is None]


@pytest.mark.both_stores
def test_the_same_cell_changed_in_two_copies_is_a_conflict(journal):
    """GIVEN copy 1 sets a mark and is accepted WHEN copy 2 (blank issue) sets the same cell to
    another mark THEN copy 2 is rejected with ``merge-conflict`` at that cell and the store keeps
    the first value; a fresh copy issued afterwards goes through."""
    ws, path, sheet, st, keys = journal
    ws.drop_grid(path, {sheet: {(st[0], keys[0]): "5"}}, name="copy1.xlsx")
    assert ws.ingest(now=SATURDAY).ok
    ws.drop_grid(path, {sheet: {(st[0], keys[0]): "3", (st[1], keys[1]): "4"}}, name="copy2.xlsx")
    report = ws.ingest(now=SATURDAY)
    assert status_of(report) == {"copy2.xlsx": "rejected"}
    assert errors_of(report) == {(sheet, "C7", "merge-conflict")}
    conflict = next(f for f in report.files[0].findings if f.code == "merge-conflict")
    assert conflict.value == "3" and "copy1.xlsx" in conflict.message
    assert _cells(ws) == {(_day(keys[0]), st[0]): "5"}
    fresh = ws.week_templates()[("journal", ws_teacher(path))]
    ws.drop_grid(fresh, {sheet: {(st[0], keys[0]): "3", (st[1], keys[1]): "4"}}, name="fresh.xlsx")
    assert status_of(ws.ingest(now=SATURDAY)) == {"fresh.xlsx": "accepted"}
    assert _cells(ws) == {(_day(keys[0]), st[0]): "3", (_day(keys[1]), st[1]): "4"}


def ws_teacher(path) -> str:
    from zhurnal.ingest.identify import read_metadata
    from zhurnal.ingest.read import cells_of
    return read_metadata(cells_of(path))["author"]


def test_clearing_a_mark_in_the_copy_that_holds_it_deletes_it(journal, tmp_path):
    """GIVEN a teacher's copy with two marks accepted WHEN the teacher clears one in that same
    file and sends it again (saved later) THEN that mark is deleted and the other stays."""
    ws, path, sheet, st, keys = journal
    own = fill_grid(path, tmp_path / "own.xlsx", {sheet: {(st[0], keys[0]): "5", (st[1], keys[0]): "4"}})
    (ws.settings.inbox / "monday.xlsx").write_bytes(own.read_bytes())
    assert ws.ingest(now=SATURDAY).ok
    fill_grid(own, ws.settings.inbox / "cleared.xlsx", {sheet: {(st[0], keys[0]): None}})
    assert status_of(ws.ingest(now=SATURDAY)) == {"cleared.xlsx": "accepted"}
    assert _cells(ws) == {(_day(keys[0]), st[1]): "4"}
    assert [r[2] for r in _revisions(ws)][-1] is None


@pytest.mark.both_stores
def test_an_old_copy_sent_after_a_correction_changes_nothing(journal, tmp_path):
    """GIVEN a journal accepted and then corrected from the teacher's own file
    WHEN the uncorrected file is sent again THEN nothing the correction set changes."""
    ws, path, sheet, st, keys = journal
    typed = {(st[0], keys[0]): "5", (st[1], keys[0]): "4", (st[2], keys[1]): "3", ("topic", keys[0]): "Дроби"}
    own = fill_grid(path, tmp_path / "own.xlsx", {sheet: typed}, modified=dt.datetime(2026, 11, 27, 18))
    (ws.settings.inbox / "first.xlsx").write_bytes(own.read_bytes())
    assert ws.ingest(now=SATURDAY).ok
    fill_grid(own, ws.settings.inbox / "correction.xlsx", {sheet: {(st[1], keys[0]): "5", ("topic", keys[0]): "Дроби, повторение"}},
              modified=dt.datetime(2026, 11, 28, 9))
    assert ws.ingest(now=SATURDAY).ok
    corrected = _cells(ws)
    before = len(_revisions(ws))
    fill_grid(own, ws.settings.inbox / "old_again.xlsx", {sheet: {}},   # the uncorrected file, saved anew
              modified=dt.datetime(2026, 11, 28, 10))
    report = ws.ingest(now=SATURDAY)
    assert status_of(report) == {"old_again.xlsx": "accepted"} and report.files[0].changes == 0
    assert _cells(ws) == corrected and corrected[(_day(keys[0]), st[1])] == "5"
    assert len(_revisions(ws)) == before


@pytest.mark.both_stores
def test_an_older_copy_handed_in_after_a_newer_one_never_undoes_it(journal):
    """GIVEN two copies filled from one issued journal: the older (saved 10:00) with four marks,
    the newer (saved 12:00) with the same marks, one 4 corrected to 5 and an «н» added
    WHEN both arrive in one batch, the newer first THEN the older cannot continue the newer (it
    was saved before it): it is merged against the issue, the corrected cell is a
    ``merge-conflict`` at its cell, and the store keeps the newer marks, the «н» included."""
    ws, path, sheet, st, keys = journal
    old = {(st[0], keys[0]): "5", (st[1], keys[0]): "4", (st[2], keys[0]): "3", (st[3], keys[0]): "5"}
    new = {**old, (st[1], keys[0]): "5", (st[0], keys[1]): "н"}
    fill_grid(path, ws.settings.inbox / "b_old.xlsx", {sheet: old}, modified=dt.datetime(2026, 11, 28, 10))
    fill_grid(path, ws.settings.inbox / "a_new.xlsx", {sheet: new}, modified=dt.datetime(2026, 11, 28, 12))
    report = ws.ingest(now=SATURDAY)
    assert status_of(report) == {"a_new.xlsx": "accepted", "b_old.xlsx": "rejected"}
    older = next(f for f in report.files if f.name == "b_old.xlsx")
    assert {f.where() for f in older.findings if f.is_error} == {(sheet, "C8", "merge-conflict")}
    first, second = _day(keys[0]), _day(keys[1])
    assert _cells(ws) == {(first, st[0]): "5", (first, st[1]): "5", (first, st[2]): "3", (first, st[3]): "5",
                          (second, st[0]): "н"}
    assert not [r for r in _revisions(ws) if r[2] is None]


def test_a_copy_that_deletes_many_marks_is_accepted_with_a_warning(journal, tmp_path):
    """GIVEN 24 marks of four lessons accepted from a teacher's file WHEN that file comes back
    with the first two lessons' twelve marks cleared THEN it is accepted (the teacher changed
    them) with ``many-marks-deleted`` counting twelve, and the other twelve stay."""
    ws, path, sheet, st, keys = journal
    typed = {(sid, key): "4" for key in keys[:4] for sid in st[:6]}
    own = fill_grid(path, tmp_path / "own.xlsx", {sheet: typed})
    (ws.settings.inbox / "marks.xlsx").write_bytes(own.read_bytes())
    assert ws.ingest(now=SATURDAY).ok
    cleared = fill_grid(own, tmp_path / "cleared.xlsx", {sheet: {(sid, key): None for key in keys[:2] for sid in st[:6]}})
    (ws.settings.inbox / "cleared.xlsx").write_bytes(cleared.read_bytes())
    report = ws.ingest(now=SATURDAY)
    assert status_of(report) == {"cleared.xlsx": "accepted"}
    assert findings_of(report) == {("", "", "many-marks-deleted")} | untaught(path), findings_of(report)
    warning = next(f for f in report.files[0].findings if f.code == "many-marks-deleted")
    assert warning.value == "12" and report.files[0].changes == 12
    # the message names each cleared cell (columns C, D: the first two lessons; rows 7–12)
    assert warning.message.startswith("Книга удаляет 12 отметок, уже принятых в журнал: ")
    named = warning.message.split(": ", 1)[1].split(". Если", 1)[0].split(", ")
    assert sorted(named) == sorted(f"{sheet}!{col}{row}" for col in "CD" for row in range(7, 13))
    assert _cells(ws) == {(_day(key), sid): "4" for key in keys[2:4] for sid in st[:6]}
    # the same copy again, half its remaining marks cleared: six, and six is not above a limit of six
    ws.settings = ws.settings.model_copy(update={"journal": JournalSettings(deletions_warning_above=6)})
    fill_grid(cleared, ws.settings.inbox / "six.xlsx", {sheet: {(sid, keys[2]): None for sid in st[:6]}})
    report = ws.ingest(now=SATURDAY)
    assert status_of(report) == {"six.xlsx": "accepted"}
    assert findings_of(report) == untaught(path), findings_of(report)
    assert report.files[0].changes == 6
    assert _cells(ws) == {(_day(keys[3]), sid): "4" for sid in st[:6]}


def test_a_list_of_cells_in_a_message_is_cut_after_thirty():
    cells = [f"Лист!C{n}" for n in range(1, 32)]
    assert cell_list(cells[:1]) == "Лист!C1"
    assert cell_list(cells[:30]) == ", ".join(f"Лист!C{n}" for n in range(1, 31))
    assert cell_list(cells) == ", ".join(f"Лист!C{n}" for n in range(1, 31)) + " …"
    assert cell_list(cells[:3], shown=2) == "Лист!C1, Лист!C2 …"


def test_a_mark_on_a_day_the_register_shows_absent_is_a_warning(journal):
    """GIVEN the class teacher's register: a student missed every lesson of a day, the others were
    there WHEN the subject teacher's journal gives that student a mark that day, and marks another
    student «н» THEN the journal is accepted with ``mark-on-absent-day`` and
    ``absent-but-present-in-register`` at those cells, and nothing for a student present with a mark."""
    ws, path, sheet, st, keys = journal
    class_code = sheet.split()[0]
    day = _day(keys[0])
    lessons = ws.school().lessons_per_day(class_code, dt.date.fromisoformat(day))
    register = ws.week_templates()[("attendance", class_code)]
    assert lessons > 1
    # st[4] missed one lesson of that day only (the register does not say which): a mark is no contradiction
    ws.drop_grid(register, {class_code: {(st[0], f"{day}|count"): lessons, (st[0], f"{day}|reason"): "б",
                                         (st[4], f"{day}|count"): 1, (st[4], f"{day}|reason"): "б"}},
                 name="register.xlsx")
    assert status_of(ws.ingest(now=SATURDAY)) == {"register.xlsx": "accepted"}
    ws.drop_grid(path, {sheet: {(st[0], keys[0]): "5", (st[1], keys[0]): "4", (st[2], keys[0]): "н",
                                (st[3], keys[0]): "оп", (st[4], keys[0]): "5"}}, name="journal.xlsx")
    report = ws.ingest(now=SATURDAY)
    assert status_of(report) == {"journal.xlsx": "accepted"}
    # a late student («оп», C10) is present: nothing to say about them
    assert findings_of(report) == {(sheet, "C7", "mark-on-absent-day"),
                                   (sheet, "C9", "absent-but-present-in-register")} | untaught(path), findings_of(report)


def test_two_copies_of_an_attendance_register_keep_both_days(journal):
    """GIVEN copy 1 of a class register records one absence and is accepted WHEN copy 2 (the
    blank issue) records another student's absence on another day THEN both are stored; a
    third copy recording the first absence differently is a ``merge-conflict`` at that cell."""
    ws, path, sheet, st, keys = journal
    class_code = sheet.split()[0]
    first, last = _day(keys[0]), _day(keys[-1])
    register = ws.week_templates()[("attendance", class_code)]
    ws.drop_grid(register, {class_code: {(st[0], f"{first}|count"): 1, (st[0], f"{first}|reason"): "б"}},
                 name="one.xlsx")
    assert status_of(ws.ingest(now=SATURDAY)) == {"one.xlsx": "accepted"}
    ws.drop_grid(register, {class_code: {(st[1], f"{last}|count"): 2, (st[1], f"{last}|reason"): "у"}},
                 name="two.xlsx")
    assert status_of(ws.ingest(now=SATURDAY)) == {"two.xlsx": "accepted"}
    stored = {(r["student_id"], str(r["date"])[:10]): (r["lessons"], r["reason"]) for r in ws.rows(s.absences)}
    assert stored == {(st[0], first): (1, "б"), (st[1], last): (2, "у")}
    ws.drop_grid(register, {class_code: {(st[0], f"{first}|count"): 2, (st[0], f"{first}|reason"): "н"}},
                 name="three.xlsx")
    report = ws.ingest(now=SATURDAY)
    assert status_of(report) == {"three.xlsx": "rejected"}
    assert [f.code for f in report.files[0].findings if f.is_error] == ["merge-conflict"]


def test_the_deputys_summary_lists_where_journal_and_register_disagree(journal):
    """GIVEN a journal accepted with a mark on a day the register shows the student absent
    WHEN the week is published THEN the summary's «Ведение журнала» sheet lists that cell
    (read back with openpyxl)."""
    import openpyxl
    from conftest import WEEK

    from zhurnal.publish.run import publish_week
    ws, path, sheet, st, keys = journal
    class_code, day = sheet.split()[0], _day(keys[0])
    lessons = ws.school().lessons_per_day(class_code, dt.date.fromisoformat(day))
    register = ws.week_templates()[("attendance", class_code)]
    ws.drop_grid(register, {class_code: {(st[0], f"{day}|count"): lessons, (st[0], f"{day}|reason"): "б"}},
                 name="register.xlsx")
    ws.drop_grid(path, {sheet: {(st[0], keys[0]): "5"}}, name="zjournal.xlsx")   # after the register
    assert set(status_of(ws.ingest(now=SATURDAY)).values()) == {"accepted"}
    # one teacher's journal is all the week holds: published as incomplete, as a school would see it
    summary = publish_week(ws.ctx(SATURDAY), WEEK, allow_incomplete=True).summaries[0]
    rows = [[c.value for c in row] for row in openpyxl.load_workbook(summary)["Ведение журнала"].iter_rows()]
    start = next(i for i, row in enumerate(rows) if row[0] == "Расхождения журнала с листами посещаемости")
    listed = [row[1:4] for row in rows[start + 2:] if row[0]]
    assert listed == [["zjournal.xlsx", sheet, "C7"]]

