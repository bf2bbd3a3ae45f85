"""The class teacher's notes (issue 28, point 2): the attendance register carries a note to the
whole class and one to each pupil's family; both are at the top of the diary and in the letter."""

from __future__ import annotations

import datetime as dt
import re

from conftest import SATURDAY, WEEK, findings_of, s, status_of
from test_remarks import diary_text

from zhurnal.batch.history import HistoryFilter, history
from zhurnal.publish.letter_summary import letter_summary
from zhurnal.publish.week_data import load_week
from zhurnal.report.history import _where, changes, history_text
from zhurnal.text.i18n import speaking


def _register(ws, code: str = "7А"):
    path = ws.week_templates()[("attendance", code)]
    return path, [st["id"] for st in ws.school().class_students(code, WEEK.monday, WEEK.sunday)]


def test_notes_typed_in_the_register_reach_the_top_of_the_diary_and_the_letter(loaded):
    ws = loaded
    path, pupils = _register(ws)
    ws.drop_grid(path, {"7А": {("class_note", "note"): "Родительское собрание в четверг, 3 декабря, в 18:00",
                               (pupils[0], "note"): "Принесите, пожалуйста, справку после болезни"}})
    report = ws.ingest(now=SATURDAY)
    assert status_of(report) == {path.name: "accepted"}, report.files[0].findings[:3]
    teacher = ws.school().classes["7А"]["class_teacher"]
    # the note to the whole class is the one without a pupil
    assert sorted((n["class_code"], n["week"], n["student_id"] or 0, n["author"]) for n in ws.rows(s.class_notes)) == \
        [("7А", WEEK.label, 0, teacher), ("7А", WEEK.label, pupils[0], teacher)]

    mine = diary_text(ws, pupils[0])
    at = mine.index("От классного руководителя")
    assert at < mine.index("Пн, 23.11.2026") and at < mine.index("Пропуски")
    squeezed = re.sub(r"\s+", " ", mine)
    assert "Родительское собрание в четверг, 3 декабря, в 18:00" in squeezed
    assert "Принесите, пожалуйста, справку после болезни" in squeezed
    other = re.sub(r"\s+", " ", diary_text(ws, pupils[1]))
    assert "Родительское собрание" in other and "справку после болезни" not in other

    with ws.engine.connect() as conn:
        week = load_week(conn, 1, WEEK, ws.settings)
    letter = letter_summary([week.diary(pupils[0])], locked=False)
    assert "От классного руководителя (7А): Родительское собрание" in letter
    assert "— от классного руководителя: Принесите, пожалуйста, справку после болезни" in letter
    locked = letter_summary([week.diary(pupils[0])], locked=True)
    assert "Родительское собрание" in locked and "справку" not in locked

    # the next issue shows the notes; a cleared pupil's note is deleted, the class note stays
    path, _ = _register(ws)
    ws.drop_grid(path, {"7А": {(pupils[0], "note"): None}}, name="again.xlsx")
    assert status_of(ws.ingest(now=SATURDAY)) == {"again.xlsx": "accepted"}
    assert [(n["student_id"], n["text"][:12]) for n in ws.rows(s.class_notes)] == [(None, "Родительское")]


    # each change is in history like a remark's: who, the week, whom (the class or the pupil), was → became
    trail = [(r["student_id"], (r["old"] or {}).get("note", "")[:12], (r["new"] or {}).get("note", "")[:12])
             for r in history(ws.ctx(), HistoryFilter(class_code="7А")) if r["entity"] == "class_notes"]
    assert sorted(trail[:2]) == [(0, "", "Родительское"), (pupils[0], "", "Принесите, п")]
    assert trail[2:] == [(pupils[0], "Принесите, п", "")]
    assert [r["student_id"] for r in history(ws.ctx(), HistoryFilter(student_id=pupils[1]))
            if r["entity"] == "class_notes"] == []
    assert [r["student_id"] for r in history(ws.ctx(), HistoryFilter(start=WEEK.sunday + dt.timedelta(days=1)))
            if r["entity"] == "class_notes"] == []
    with speaking("ru"):
        rows = [r for r in history(ws.ctx(), HistoryFilter(class_code="7А")) if r["entity"] == "class_notes"]
        assert changes(rows[-1]) == [("Заметка классного руководителя", "Принесите, пожалуйста, справку после болезни",
                                      "—")]
        assert _where(rows[-1]) == f"7А, неделя {WEEK.title()}"
        whole = history_text([r for r in rows if r["student_id"] == 0])
        assert "весь класс" in whole and "Родительское" in whole


def test_a_note_longer_than_the_limit_is_a_finding_at_its_cell(loaded):
    ws = loaded
    path, pupils = _register(ws)
    ws.drop_grid(path, {"7А": {(pupils[0], "note"): "слово " * 100}})
    report = ws.ingest(now=SATURDAY)
    assert status_of(report) == {path.name: "rejected"}
    assert any(code == "value-too-long" for _sheet, _cell, code in findings_of(report))
    assert not ws.rows(s.class_notes)
