"""Period marks (averages shown, marks set, warnings) and calendar-thematic plans."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from conftest import SATURDAY, findings_of, s, status_of
from test_journal import teacher_with

from zhurnal.batch.issue import issue_period, issue_plans
from zhurnal.demo.fill import fill_grid, fill_workbook
from zhurnal.kinds.plan.spec import SPEC as PLAN
from zhurnal.merge.period_lock import close_period

FIRST = 4  # period sheets: title, hidden keys, one header row


@pytest.fixture
def algebra_week(loaded):
    """Algebra in 8А: a test (weight 2) and two oral lessons (weight 1) with known marks."""
    teacher, path, sheet, info = teacher_with(loaded.week_templates(), lambda i: i["section"].subject == "Алгебра"
                                              and i["section"].class_code == "8А")
    st, keys = info["students"], info["keys"]
    values = {("work_type", keys[0]): "Контрольная работа", ("work_type", keys[1]): "Ответ на уроке",
              ("work_type", keys[2]): "Ответ на уроке",
              (st[0], keys[0]): "5", (st[0], keys[1]): "3",                              # 13/3 = 4.33
              (st[1], keys[0]): "5", (st[1], keys[1]): "5", (st[1], keys[2]): "5/4",     # 24/5 = 4.8
              (st[2], keys[1]): "4",                                                     # one mark
              (st[3], keys[0]): "4", (st[3], keys[1]): "5", (st[3], keys[2]): "5"}       # 18/4 = 4.5
    loaded.drop_grid(path, {sheet: values})
    assert loaded.ingest(now=SATURDAY).ok
    return teacher, info


def test_period_sheet_shows_averages_and_suggestions(loaded, algebra_week):
    teacher, info = algebra_week
    [path] = issue_period(loaded.ctx(), "Q2", teacher=teacher)
    sheet = openpyxl.load_workbook(path)["8А Алг"]
    rows = {sheet.cell(row=r, column=1).value: [sheet.cell(row=r, column=c).value for c in range(3, 6)]
            for r in range(FIRST, FIRST + len(info["students"]))}
    st = info["students"]
    assert rows[st[0]] == [4.33, 2, "н/а"]   # (5·2 + 3·1)/3, but fewer than 3 marks
    assert rows[st[1]] == [4.8, 4, "5"]     # a double mark counts as two
    assert rows[st[2]] == [4, 1, "н/а"]
    assert rows[st[3]] == [4.5, 3, "5"]     # 4.5 reaches the default threshold
    strict = loaded.settings.marks.model_copy(update={"thresholds": (4.65, 3.65, 2.65)})
    loaded.settings = loaded.settings.model_copy(update={"marks": strict})
    [path] = issue_period(loaded.ctx(), "Q2", teacher=teacher)
    sheet = openpyxl.load_workbook(path)["8А Алг"]
    assert [sheet.cell(row=FIRST + 3, column=c).value for c in range(3, 6)] == [4.5, 3, "4"]


@pytest.mark.both_stores
def test_period_marks_are_stored_with_warnings_and_closed_periods_hold(loaded, algebra_week):
    teacher, info = algebra_week
    st = info["students"]
    [path] = issue_period(loaded.ctx(), "Q2", teacher=teacher)
    marks = {(st[0], "mark"): "4", (st[1], "mark"): "3", (st[2], "mark"): "5", (st[3], "mark"): "осв",
             (st[4], "mark"): "Н/А"}
    loaded.drop_grid(path, {"8А Алг": marks}, name="q2.xlsx")
    report = loaded.ingest(now=SATURDAY)
    assert status_of(report) == {"q2.xlsx": "accepted"}
    assert findings_of(report) == {("8А Алг", f"F{FIRST}", "period-mark-too-few-marks"),
                                   ("8А Алг", f"F{FIRST + 1}", "period-mark-far-from-average"),
                                   ("8А Алг", f"F{FIRST + 2}", "period-mark-too-few-marks")}
    stored = {(p["student_id"], p["subject"], p["period"]): p["mark"] for p in loaded.rows(s.period_marks)}
    assert stored == {(st[0], "Алгебра", "Q2"): "4", (st[1], "Алгебра", "Q2"): "3", (st[2], "Алгебра", "Q2"): "5",
                      (st[3], "Алгебра", "Q2"): "осв", (st[4], "Алгебра", "Q2"): "н/а"}

    loaded.drop_grid(path, {"8А Алг": {(st[1], "mark"): "7"}}, name="bad.xlsx")
    assert findings_of(loaded.ingest(now=SATURDAY)) == {("8А Алг", f"F{FIRST + 1}", "period-mark-invalid")}
    with loaded.engine.begin() as conn:
        close_period(conn, 1, "Q2", closed=True, reason=None, now=SATURDAY)
    fill_grid(path, loaded.settings.inbox / "closed.xlsx", {"8А Алг": {**marks, (st[0], "mark"): "н/а"}})
    report = loaded.ingest(now=SATURDAY)
    assert status_of(report) == {"closed.xlsx": "rejected"}
    assert {f.where() for f in report.files[0].findings if f.is_error} == {("8А Алг", f"F{FIRST}", "period-closed")}


@pytest.mark.both_stores
def test_plan_is_ingested_and_prefills_the_week(loaded):
    teacher, path, sheet, info = teacher_with(loaded.week_templates(), lambda i: i["section"].subject == "Физика"
                                              and i["section"].class_code == "9А")
    plans = issue_plans(loaded.ctx(), teacher=teacher)
    plan_path = next(p for p in plans if "9А_Физика" in p.name)
    rows = [{"item_no": n, "date": dt.date(2026, 11, 16) + dt.timedelta(days=7 * (n // 3)),
             "topic": f"Тема {n}: {'Закон Ома' if n == 4 else 'Электрический ток'}", "hours": 1,
             "lesson_type": "комбинированный"} for n in range(1, 9)]
    rows.append({"item_no": 3, "date": "23.11.2026", "topic": "Повтор", "hours": 1})
    fill_workbook(plan_path, loaded.settings.inbox / "plan_bad.xlsx", PLAN, {"КТП": rows})
    assert findings_of(loaded.ingest(now=SATURDAY)) == {("КТП", "A10", "duplicate-key")}
    fill_workbook(plan_path, loaded.settings.inbox / "plan.xlsx", PLAN, {"КТП": rows[:-1]})
    assert status_of(loaded.ingest(now=SATURDAY)) == {"plan.xlsx": "accepted"}
    assert sorted((r["class_code"], r["subject"], r["subgroup"], r["item_no"], r["date"], r["topic"], r["hours"],
                   r["lesson_type"]) for r in loaded.rows(s.plan_items)) == [
        ("9А", "Физика", "", n, dt.date(2026, 11, 16) + dt.timedelta(days=7 * (n // 3)),
         f"Тема {n}: {'Закон Ома' if n == 4 else 'Электрический ток'}", 1, "комбинированный") for n in range(1, 9)]
    # the week's journal now shows the planned topics of that week, in order
    again = loaded.week_templates()[("journal", teacher)]
    book = openpyxl.load_workbook(again)[sheet]
    topic_row = next(r for r in range(1, book.max_row + 1) if book.cell(row=r, column=1).value == "topic")
    lessons = [key for key in info["keys"] if not key.startswith("extra")]
    topics = [book.cell(row=topic_row, column=c).value for c in range(3, 3 + len(info["keys"]))]
    # the items dated in W48 (3, 4, 5) fill the week's lessons in order; a lesson beyond them and
    # the two spare columns stay empty
    planned = ["Тема 3: Электрический ток", "Тема 4: Закон Ома", "Тема 5: Электрический ток"]
    assert len(lessons) == 3 and len(info["keys"]) == 5      # 9А has physics three times a week
    assert topics == (planned + [None] * len(lessons))[:len(lessons)] + [None, None]


def test_two_copies_of_a_period_sheet_merge_and_conflict(loaded, algebra_week):
    """GIVEN copy 1 of the period sheet sets one pupil's mark and is accepted WHEN copy 2 (the
    blank issue) sets another pupil's mark THEN both are stored; WHEN a third copy sets the
    first pupil's mark differently THEN it is rejected with ``merge-conflict`` at that cell."""
    teacher, info = algebra_week
    st = info["students"]
    [path] = issue_period(loaded.ctx(), "Q2", teacher=teacher)
    loaded.drop_grid(path, {"8А Алг": {(st[1], "mark"): "5"}}, name="one.xlsx")
    assert status_of(loaded.ingest(now=SATURDAY)) == {"one.xlsx": "accepted"}
    loaded.drop_grid(path, {"8А Алг": {(st[3], "mark"): "5"}}, name="two.xlsx")
    assert status_of(loaded.ingest(now=SATURDAY)) == {"two.xlsx": "accepted"}
    assert {r["student_id"]: r["mark"] for r in loaded.rows(s.period_marks)} == {st[1]: "5", st[3]: "5"}
    loaded.drop_grid(path, {"8А Алг": {(st[1], "mark"): "4"}}, name="three.xlsx")
    report = loaded.ingest(now=SATURDAY)
    assert status_of(report) == {"three.xlsx": "rejected"}
    assert {f.where() for f in report.files[0].findings if f.is_error} == {("8А Алг", f"F{FIRST + 1}", "merge-conflict")}
    assert {r["student_id"]: r["mark"] for r in loaded.rows(s.period_marks)} == {st[1]: "5", st[3]: "5"}


def test_two_copies_of_a_plan_keep_each_others_rows(loaded):
    """GIVEN copy 1 of a blank КТП with lessons 1–3 accepted WHEN copy 2 (the same blank issue)
    brings lessons 4–5 THEN the plan holds all five, typed values as typed; WHEN copy 3 changes
    lesson 2's topic to something else THEN it is a ``merge-conflict`` at that row."""
    teacher, _, _, _ = teacher_with(loaded.week_templates(), lambda i: i["section"].subject == "Физика"
                                    and i["section"].class_code == "9А")
    plan_path = next(p for p in issue_plans(loaded.ctx(), teacher=teacher) if "9А_Физика" in p.name)
    row = lambda n, topic: {"item_no": n, "date": dt.date(2026, 11, 23), "topic": topic, "hours": 1,
                            "lesson_type": "комбинированный"}
    fill_workbook(plan_path, loaded.settings.inbox / "one.xlsx", PLAN, {"КТП": [row(n, f"Тема {n}") for n in (1, 2, 3)]})
    assert status_of(loaded.ingest(now=SATURDAY)) == {"one.xlsx": "accepted"}
    fill_workbook(plan_path, loaded.settings.inbox / "two.xlsx", PLAN, {"КТП": [row(n, f"Тема {n}") for n in (4, 5)]})
    assert status_of(loaded.ingest(now=SATURDAY)) == {"two.xlsx": "accepted"}
    assert {(r["item_no"], r["topic"]) for r in loaded.rows(s.plan_items)} == {(n, f"Тема {n}") for n in range(1, 6)}
    fill_workbook(plan_path, loaded.settings.inbox / "three.xlsx", PLAN, {"КТП": [row(2, "Другая тема")]})
    report = loaded.ingest(now=SATURDAY)
    assert status_of(report) == {"three.xlsx": "rejected"}
    assert {f.where() for f in report.files[0].findings} == {("КТП", "A2", "merge-conflict")}
