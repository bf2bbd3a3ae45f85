"""The deputy's homework control (issue 28, point 4): per class and day, the homework due and its
estimated minutes against the СанПиН 1.2.3685-21 limit of the grade (table 6.6), a sheet of the
week's summary with the days over the limit marked."""

from __future__ import annotations

import openpyxl
from conftest import WEEK
from sqlalchemy import update

from zhurnal.publish.homework_load import LIMIT_MINUTES, day_minutes, written_minutes
from zhurnal.publish.summaries import write_summary
from zhurnal.publish.summary_data import week_summary
from zhurnal.publish.week_data import load_week
from zhurnal.store import schema as s


def test_minutes_are_read_from_the_text_in_brackets_only():
    assert written_minutes("§ 12, № 345, 347 (25 мин)") == 25
    assert written_minutes("стр. 40 (~15 мин.)") == 15
    assert written_minutes("выучить стихотворение (около 30 минут)") == 30
    assert written_minutes("читать 10 минут вслух") is None          # no brackets: a task, not an estimate
    assert written_minutes("упр. 5 (20 мин); упр. 6 (10 мин)") == 10   # the last one is the estimate
    assert written_minutes(None) is None


def test_a_days_load_takes_the_longest_subgroup_and_the_subjects_usual_minutes():
    # hand-computed: English group 1 is 20 + 15 = 35, group 2 is 30, a pupil is in one: 35;
    # maths 40 written; history none written, 25 usual; biology nothing known (not estimated)
    day = [{"subject": "Английский язык", "subgroup": "1", "homework": "упр. 1 (20 мин)"},
           {"subject": "Английский язык", "subgroup": "1", "homework": "слова (15 мин)"},
           {"subject": "Английский язык", "subgroup": "2", "homework": "текст (30 мин)"},
           {"subject": "Математика", "subgroup": "", "homework": "№ 5 (40 мин)"},
           {"subject": "История", "subgroup": "", "homework": "§ 7"},
           {"subject": "Биология", "subgroup": "", "homework": "§ 3"}]
    assert day_minutes(day, {"История": 25}) == (5, 35 + 40 + 25)
    assert day_minutes(day[-1:], {}) == (0, None)


def test_the_limits_are_sanpin_table_6_6():
    # СанПиН 1.2.3685-21, table 6.6: 1 h, 1.5 h (2–3), 2 h (4–5), 2.5 h (6–8), 3.5 h (9–11)
    assert [LIMIT_MINUTES[g] for g in range(1, 12)] == [60, 90, 90, 120, 120, 150, 150, 150, 210, 210, 210]


def test_a_day_over_the_grades_limit_is_marked_in_the_week_summary(week_ws, tmp_path):
    """GIVEN three assignments of one class due on its last school day of the week with minutes
    written in their text, summing to 5 minutes over its grade's limit WHEN the week's summary
    is written THEN its «Домашние задания» sheet lists that class and day first, with the three
    estimated, the minutes, the limit, the 5 minutes over, filled red; a day without minutes
    written is not estimated."""
    ws = week_ws
    school = ws.school()
    code = sorted(school.classes, key=lambda c: (school.grade(c), c))[-1]
    limit = LIMIT_MINUTES[school.grade(code)]
    lessons = sorted((l for l in ws.rows(s.lessons) if l["class_code"] == code and WEEK.monday <= l["date"] <= WEEK.sunday),
                     key=lambda l: (l["date"], l["lesson_no"]))
    due_day = max(l["date"] for l in lessons)
    before = [l for l in lessons if l["date"] < due_day][:3]
    assert len(before) == 3
    minutes = [limit // 3, limit // 3, limit - 2 * (limit // 3) + 5]          # sum: limit + 5
    with ws.engine.begin() as conn:
        conn.execute(update(s.lessons).where(s.lessons.c.class_code == code, s.lessons.c.date.between(
            WEEK.monday, WEEK.sunday)).values(homework="§ 1"))              # no minutes anywhere else
        for lesson, m in zip(before, minutes):
            conn.execute(update(s.lessons).where(s.lessons.c.id == lesson["id"]).values(
                homework=f"задание ({m} мин)", homework_due=due_day))
    ctx = ws.ctx()
    with ws.engine.connect() as conn:
        data = load_week(conn, 1, WEEK, ws.settings, school=school)
        summary = week_summary(conn, school, ws.settings, WEEK, homework=data.homework)
    path = write_summary(tmp_path / "Сводка.xlsx", summary, ctx.settings, with_week=True)
    sheet = openpyxl.load_workbook(path)["Домашние задания"]
    first = [c.value for c in sheet[4]]
    assert first[0] == code and first[1].endswith(f"{due_day:%d.%m}")
    assert first[3:7] == [3, limit + 5, limit, 5]
    assert first[2] >= 3                                   # and whatever else falls due that day
    assert sheet["A4"].fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet["A2"].value == "Дней сверх нормы СанПиН: 1"
    others = [[c.value for c in row] for row in sheet.iter_rows(min_row=5) if row[0].value == code]
    assert others and all(row[4] == "—" and row[6] == "—" for row in others)    # «§ 1»: not estimated


def test_only_ascii_digits_are_minutes():
    """«(٣٠ мин)» (Arabic-Indic digits) is no estimate: a teacher's «30» is typed with 0–9, and a
    look-alike digit should not slip into the deputy's figures unseen."""
    assert written_minutes("упр. 5 (٣٠ мин)") is None
    assert written_minutes("упр. 5 (30 мин)") == 30
