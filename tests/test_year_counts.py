"""Issue 13's counts: pupil movement, results counted by pupil with the N rule, «мало отметок»
in running figures, pass/fail results, attendance in days, and the director's year report.

Every expected figure is a literal or a hand count from plain SQL; the produced workbooks are
read with openpyxl and the report cards with pdftotext."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import SATURDAY, WEEK, findings_of, s, status_of
from sqlalchemy import insert, select

from zhurnal.cli import main
from zhurnal.publish.metrics import metrics, pupil_metrics
from zhurnal.publish.run import publish_period
from zhurnal.publish.summaries import write_summary
from zhurnal.publish.summary_data import week_summary
from zhurnal.publish.year_report import write_year_report

Q2_END = dt.date(2026, 12, 28)
MATH, RUS, LIT, ODNK = "Математика", "Русский язык", "Литература", "ОДНКНР"
# pupil (by name order in 5А) → Математика, Русский язык, Литература, ОДНКНР period marks
CLASS = [
    ("5", "5", "5", None),        # p0 отличник
    ("5", "4", "5", None),        # p1 хорошист
    ("4", "4", "4", None),        # p2 хорошист
    ("5", "3", "4", None),        # p3 с одной «3»
    ("3", "3", "4", None),        # p4 с «3»
    ("5", "2", "4", None),        # p5 неуспевающий
    ("5", "5", "5", "незач"),     # p6 неуспевающий by «незач»
    ("4", "н/а", "5", None),      # p7 н/а
    (None, None, None, None),     # p8 no mark at all: out of N
    ("5", "5", "5", None),        # p9 left on 01.12.2026, before the count: not in the report
    ("4", "4", "5", None),        # p10 left on 01.02.2027 (Q3): counts in Q2, хорошист
    ("5", "осв", "5", None),      # p11 отличник (exempt in one subject)
    ("5", "5", "5", None),        # p12 отличник, with three «зач» in ОДНКНР's journal (no period mark)
]


def _rows(path: Path, sheet: str) -> list[tuple]:
    return [row for row in openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True) if row and row[0]]


def _pdf_text(path: Path) -> str:
    return " ".join(subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


def _leave(ws, class_code: str, leaving: dict[int, str]) -> None:
    """The class teacher sets leaving dates (pupil id → dd.mm.yyyy) and orders in the roster."""
    roster = ws.prefilled_roster(class_code)
    for row in roster["Ученики"]:
        if row["id"] in leaving:
            row["left_on"], row["leaving_order"] = leaving[row["id"]], f"№ {row['id']}-у"
    ws.drop_roster(class_code, roster, name="leaving.xlsx")
    report = ws.ingest(now=SATURDAY)
    assert status_of(report) == {"leaving.xlsx": "accepted"} and not findings_of(report)


def _slots(ws, student_id: int, weekday: int) -> int:
    """The pupil's lessons on ``weekday`` of week 48 by 5А's Q2 timetable, counted by hand: the
    whole class's and their own subgroups', one per lesson number."""
    members = {m["subject"]: m["subgroup"] for m in ws.rows(s.subgroup_members) if m["student_id"] == student_id}
    return len({t["lesson_no"] for t in ws.rows(s.timetable)
                if t["class_code"] == "5А" and t["period"] == "Q2" and t["weekday"] == weekday
                and t["parity"] in ("", "even") and (not t["subgroup"] or members.get(t["subject"]) == t["subgroup"])})


def _journal(conn, class_code: str, subject: str, marks: dict[int, list[str]]) -> None:
    """Lessons of ``subject`` in Q2 with the given cells per pupil (as an accepted journal leaves them)."""
    days = [dt.date(2026, 11, 10), dt.date(2026, 11, 17), dt.date(2026, 11, 24)]
    for number, day in enumerate(days):
        lesson = conn.execute(insert(s.lessons).values(school_id=1, class_code=class_code, subject=subject, subgroup="",
                                                       date=day, lesson_no=7, extra=False)).inserted_primary_key[0]
        for sid, cells in marks.items():
            conn.execute(insert(s.journal_entries).values(school_id=1, lesson_id=lesson, student_id=sid,
                                                          marks=cells[number], presence=""))


def test_pupil_groups_and_the_n_rule_by_hand():
    # p: отл, хор, хор, одна «3», «3», неусп («2»), неусп («незач»), н/а, no marks, отл (осв and no mark dropped)
    pupils = [["5", "5", "зач"], ["5", "4"], ["4", "4"], ["5", "3", "4"], ["3", "3"], ["5", "2"],
              ["5", "незач"], ["4", "н/а"], [None, None], ["5", "осв", None]]
    m = pupil_metrics(pupils)
    # N = 10 − 1 (no marks) = 9; success (9 − 2 − 1)/9; quality 4/9; SOU (200 + 128 + 72 + 32 + 7)/9
    # SOU over marks (each pupil × subject result once; зач/незач, осв and no mark left out):
    # «5» ×7, «4» ×5, «3» ×3, «2» ×1, н/а ×1 → N 17, (700 + 320 + 108 + 16 + 7)/17 = 1151/17 = 67.7
    assert m.row() == [10, 9, 2, 2, 1, 1, 2, 1, 1, 0, 66.7, 44.4, 48.8, 67.7]
    # «enrolled»: no mark is н/а and stays in N (p8, and p9's empty subject): N 10, н/а 3
    # success (10 − 2 − 3)/10; quality 3/10; SOU (100 + 128 + 72 + 32 + 21)/10
    # over marks, the three results without a mark are н/а too: N 20, (700 + 320 + 108 + 16 + 28)/20 = 58.6
    assert pupil_metrics(pupils, rule="enrolled").row() == [10, 10, 1, 2, 1, 1, 2, 3, 0, 0, 50.0, 30.0, 35.3, 58.6]
    # by subject results: 5, 4, 3, н/а, no marks, мало — N = 4 («marked»), 5 («enrolled»)
    results = ["5", "4", "3", "н/а", None, "мало"]
    assert metrics(results).row(few=True)[:7] + metrics(results).row(few=True)[8:] == \
        [4, 1, 1, 1, 0, 1, 0, 75.0, 50.0, 51.8, 1, 1]
    assert metrics(results, rule="enrolled").row()[:1] + metrics(results, rule="enrolled").row()[8:11] == \
        [5, 60.0, 40.0, 42.8]


def test_a_class_of_known_pupils_in_the_q2_report(loaded):
    """GIVEN 5А's Q2 period marks as in CLASS, a pupil who left before Q2's end and one who left
    in Q3, and three «зач» in ОДНКНР's journal for p12 WHEN Q2 is published THEN the class counted
    by pupils, the subject row and the report cards equal the hand counts."""
    pupils = sorted((r for r in loaded.rows(s.students) if r["class_code"] == "5А"), key=lambda r: r["full_name"])
    ids = [r["id"] for r in pupils]
    extra = len(ids) - len(CLASS)              # pupils past p12 have no marks: out of N
    assert extra >= 0
    _leave(loaded, "5А", {ids[9]: "01.12.2026", ids[10]: "01.02.2027"})
    stored = {r["id"]: r for r in loaded.rows(s.students)}
    assert (stored[ids[9]]["left_on"], stored[ids[9]]["leaving_order"]) == (dt.date(2026, 12, 1), f"№ {ids[9]}-у")
    with loaded.engine.begin() as conn:
        for sid, marks in zip(ids, CLASS):
            for subject, mark in zip((MATH, RUS, LIT, ODNK), marks):
                if mark:
                    conn.execute(insert(s.period_marks).values(school_id=1, student_id=sid, subject=subject,
                                                               period="Q2", mark=mark))
        _journal(conn, "5А", ODNK, {ids[12]: ["зач", "зач", "зач"]})
    report = publish_period(loaded.ctx(), "Q2")
    rows = _rows(Path(report.summaries[0]), "Метрики")
    by_class = next(r for r in rows if r[0] == "5А")
    # enrolled on 28.12: 13 + extra − p9; N = enrolled − p8 − extra
    # отл p0 p11 p12, хор p1 p2 p10, одна «3» p3, с «3» p4, неусп p5 p6, н/а p7
    # success (11 − 2 − 1)/11 = 72.7; quality 6/11 = 54.5; SOU (300 + 192 + 72 + 32 + 7)/11 = 54.8
    assert by_class[1:14] == (12 + extra, 11, 3, 3, 1, 1, 2, 1, 1 + extra, 0, 72.7, 54.5, 54.8)
    # Математика: «5» p0 p1 p3 p5 p6 p11 p12, «4» p2 p7 p10, «3» p4; p8 and the extra pupils have no mark
    # success 100; quality 10/11 = 90.9; SOU (700 + 192 + 36)/11 = 84.4
    math = next(r for r in rows if r[0] == "5А · Математика")
    assert math[1:13] == (11, 7, 3, 1, 0, 0, 0, 4.55, 100, 90.9, 84.4, 1 + extra)
    cards = {int(p.stem.rsplit("_", 1)[1]): p for p in (loaded.settings.outbox / "Q2" / "report_cards" / "5А").glob("*.pdf")}
    assert ids[9] not in cards and ids[10] in cards          # left before the count: no card; left in Q3: one
    text = _pdf_text(cards[ids[12]])
    assert "ОДНКНР зач — 3" in text and "ОДНКНР — — 0" not in text
    assert "ОДНКНР незач" in _pdf_text(cards[ids[6]])


@pytest.mark.both_stores
def test_deleting_a_row_records_the_pupil_as_left(loaded):
    roster = loaded.prefilled_roster("6А")
    gone = roster["Ученики"].pop(0)
    roster["Родители"] = [p for p in roster["Родители"] if p["student"] != gone["full_name"]]
    loaded.drop_roster("6А", roster)
    report = loaded.ingest(now=SATURDAY)
    assert status_of(report) == {"roster_6А.xlsx": "accepted"}
    assert ("", "", "student-removed-from-roster") in findings_of(report)
    row = next(r for r in loaded.rows(s.students) if r["id"] == gone["id"])
    assert (row["active"], row["left_on"]) == (False, dt.date(2026, 11, 28))      # kept, left on the roster's day
    again = loaded.prefilled_roster("6А")["Ученики"]                               # and shown again, with the date
    assert [r["left_on"] for r in again if r["id"] == gone["id"]] == [dt.datetime(2026, 11, 28)]


def test_running_figures_say_few_marks_where_the_period_report_says_not_assessed(week_ws):
    """GIVEN one week of Q2 filled (few marks each) WHEN the week's summary is written THEN
    «5А · Математика» counts as «мало отметок» the pupils with fewer marks than due by week 4
    of the 9-week quarter (3 × 4/9 = 1.33: one mark), none as н/а."""
    with week_ws.engine.connect() as conn:
        school = week_ws.school()
        data = week_summary(conn, school, week_ws.settings, WEEK)
        cells = conn.execute(select(s.journal_entries.c.student_id, s.journal_entries.c.marks)
                             .join(s.lessons, s.lessons.c.id == s.journal_entries.c.lesson_id)
                             .where(s.lessons.c.class_code == "5А", s.lessons.c.subject == MATH)).all()
    path = write_summary(week_ws.path / "week.xlsx", data, week_ws.settings, with_week=True)
    counts: dict[int, int] = {}
    for sid, marks in cells:
        counts[sid] = counts.get(sid, 0) + len([m for m in marks.split("/") if m])
    pupils = [r["id"] for r in week_ws.rows(s.students) if r["class_code"] == "5А"]
    few = sum(1 for sid in pupils if 0 < counts.get(sid, 0) < 3 * 4 / 9)
    none = sum(1 for sid in pupils if not counts.get(sid, 0))
    assert few > 0
    rows = _rows(path, "Метрики")
    header = next(r for r in rows if r[0] == "Группа")
    assert header[-1] == "Мало отметок (вне N)" and header[6] == "н/а"
    math = next(r for r in rows if r[0] == "5А · Математика")
    assert (math[1], math[6], math[12], math[13]) == (len(pupils) - few - none, 0, none, few)


def test_days_and_lessons_missed_and_lates(loaded):
    """GIVEN a pupil absent for every lesson of Monday and Tuesday (ill, then excused) and two
    lessons on Wednesday (unexcused), late once THEN the week counts 2 days and every lesson."""
    pupil = min((r for r in loaded.rows(s.students) if r["class_code"] == "5А"), key=lambda r: r["full_name"])
    slots = {day: _slots(loaded, pupil["id"], day) for day in (1, 2)}
    assert slots[1] > 2 and slots[2] > 2
    with loaded.engine.begin() as conn:
        for day, lessons, reason in ((WEEK.monday, slots[1], "б"), (WEEK.monday + dt.timedelta(1), slots[2], "у"),
                                     (WEEK.monday + dt.timedelta(2), 2, "н")):
            conn.execute(insert(s.absences).values(school_id=1, student_id=pupil["id"], date=day, lessons=lessons,
                                                   reason=reason))
        lesson = conn.execute(insert(s.lessons).values(school_id=1, class_code="5А", subject=MATH, subgroup="",
                                                       date=WEEK.monday + dt.timedelta(3), lesson_no=1, extra=False)
                              ).inserted_primary_key[0]
        conn.execute(insert(s.journal_entries).values(school_id=1, lesson_id=lesson, student_id=pupil["id"],
                                                      marks="", presence="оп"))
        data = week_summary(conn, loaded.school(), loaded.settings, WEEK)
    path = write_summary(loaded.path / "week.xlsx", data, loaded.settings, with_week=True)
    rows = _rows(path, "Пропуски")
    header = next(r for r in rows if r[0] == "Класс" and r[1] == "Ученик")
    mine = dict(zip(header, next(r for r in rows if r[1] == pupil["full_name"])))
    assert (mine["Всего дней"], mine["Всего уроков"], mine["Опозданий"]) == (2, slots[1] + slots[2] + 2, 1)
    assert (mine["Дней: Болезнь (б)"], mine["Дней: Уважительная причина (у)"],
            mine["Дней: Без уважительной причины (н)"]) == (1, 1, 0)
    assert mine["Уроков: Без уважительной причины (н)"] == 2
    by_class = next(r for r in rows if r[0] == "5А" and r[1] is None)
    assert by_class[2:5] == (slots[1] + slots[2] + 2, 2, 1)


def test_the_year_report_counts_movement_and_class_sizes(loaded):
    """GIVEN a pupil who left 5А in Q3 and one who arrived in Q2 THEN the year report's
    movement and class sizes equal the hand counts, and the CLI writes it too."""
    before = sum(1 for r in loaded.rows(s.students) if r["class_code"] == "5А")
    roster = loaded.prefilled_roster("5А")
    leaver = roster["Ученики"][0]
    leaver["left_on"], leaver["leaving_order"] = "15.02.2027", "№ 12-у от 15.02.2027"
    roster["Ученики"].append({"full_name": "Новиков Пётр Ильич", "birth_date": "03.03.2015", "sex": "м",
                              "arrived_on": "01.12.2026", "arrival_order": "№ 7-з от 30.11.2026"})
    loaded.drop_roster("5А", roster)
    assert status_of(loaded.ingest(now=SATURDAY)) == {"roster_5А.xlsx": "accepted"}
    pupil = next(r for r in loaded.rows(s.students) if r["full_name"] == roster["Ученики"][1]["full_name"])
    monday = _slots(loaded, pupil["id"], 1)
    with loaded.engine.begin() as conn:    # ill all Monday 23.11 (every slot), one lesson unexcused on Tuesday
        conn.execute(insert(s.absences).values(school_id=1, student_id=pupil["id"], date=WEEK.monday,
                                               lessons=monday, reason="б"))
        conn.execute(insert(s.absences).values(school_id=1, student_id=pupil["id"], date=WEEK.monday + dt.timedelta(1),
                                               lessons=1, reason="н"))
    with loaded.engine.connect() as conn:
        path = write_year_report(conn, 1, loaded.path / "year.xlsx", loaded.settings, on=dt.date(2027, 3, 1))
    attendance = _rows(path, "Посещаемость")
    header = next(r for r in attendance if r[0] == "Класс")
    for period in ("2 четверть", "Год"):
        row = dict(zip(header, next(r for r in attendance if r[:2] == ("5А", period))))
        assert (row["Дней"], row["Дней: Болезнь (б)"], row["Уроков"], row["Уроков: Без уважительной причины (н)"]) \
            == (1, 1, monday + 1, 1)
    assert next(r for r in attendance if r[:2] == ("5А", "3 четверть"))[3] == 0
    own = next(r for r in _rows(path, "Посещаемость учеников") if r[1] == pupil["full_name"])
    assert own[0] == "5А" and own[2] == 1 and own[-1] == 0
    movement = _rows(path, "Движение")
    assert next(r for r in movement if r[0] == "5А")[1:5] == (before, 1, 1, before)
    moves = [r for r in movement if r[0] == "5А" and r[2] in ("прибыл", "выбыл")]
    assert moves == [("5А", "Новиков Пётр Ильич", "прибыл", "01.12.2026", "№ 7-з от 30.11.2026"),
                     ("5А", leaver["full_name"], "выбыл", "15.02.2027", "№ 12-у от 15.02.2027")]
    assert next(r for r in _rows(path, "Численность") if r[0] == "5А")[1] == before
    legend = {r[1]: r[2] for r in _rows(path, "Пояснения") if r[0] == "Итоги по ученикам"}
    assert "отличники·100" in legend["СОУ по ученикам, %"] and "«5»·100" in legend["СОУ по отметкам, %"]
    titles = {r[0] for r in _rows(path, "Итоги по ученикам")}
    assert {"2 четверть (05.11.2026 – 28.12.2026), на 28.12.2026", "За год (по годовым отметкам)"} <= titles
    result = CliRunner().invoke(main, ["--workspace", str(loaded.path), "publish", "--year-report"])
    assert result.exit_code == 0, result.output
    made = loaded.settings.outbox / "year" / "2026-2027" / "Отчёт за год.xlsx"     # where the close archives
    assert str(made) in result.output
    assert next(r for r in _rows(made, "Численность") if r[0] == "5А")[1] == before


def test_the_demo_q2_report_counts_5a_mathematics_by_the_default_rule(demo_ws):
    """The issue's figures: zhurnal gave 74.1 / 44.4 / 47.6 (N 27 with the 3 pupils without a
    mark as н/а); by Сетевой Город's rule N = 24 («5» 5, «4» 7, «3» 8, н/а 4):
    (5 + 7 + 8)/24 = 83.3, 12/24 = 50.0, (500 + 448 + 288 + 28)/24 = 52.7."""
    root = demo_ws
    result = CliRunner().invoke(main, ["--workspace", str(root), "publish", "--period", "Q2"])
    assert result.exit_code == 0, result.output
    rows = _rows(root / "outbox" / "Q2" / "summaries" / "Отчёт_Q2.xlsx", "Метрики")
    math = next(r for r in rows if r[0] == "5А · Математика")
    assert math[1:12] + math[12:13] == (24, 5, 7, 8, 0, 4, 0, 3.85, 83.3, 50.0, 52.7, 3)


def test_movement_rules_at_their_cells(loaded):
    roster = loaded.prefilled_roster("7А")
    pupils = roster["Ученики"]
    pupils[0].update(arrived_on="10.01.2027", arrival_order="№ 1-з", left_on="09.01.2027", leaving_order="№ 2-у")
    pupils[1].update(leaving_order="№ 3-у")                 # an order without its date
    pupils[2].update(left_on="01.03.2027")                  # a date without its order
    pupils.append({"full_name": "Новикова Вера Петровна", "birth_date": "01.02.2013", "sex": "ж"})
    loaded.drop_roster("7А", roster)
    report = loaded.ingest(now=SATURDAY)
    assert status_of(report) == {"roster_7А.xlsx": "rejected"}
    columns = {f.key: chr(ord("A") + i) for i, f in enumerate(loaded.roster_spec("7А").sheet("Ученики").fields)}
    row = lambda i: str(i + 2)
    assert findings_of(report) == {
        ("Ученики", columns["left_on"] + row(0), "leaving-before-arrival"),
        ("Ученики", columns["left_on"] + row(1), "movement-date-missing"),
        ("Ученики", columns["leaving_order"] + row(2), "movement-order-missing"),
        ("Ученики", columns["arrived_on"] + row(len(pupils) - 1), "arrival-date-missing"),
    }


def test_no_marks_after_a_pupil_left(loaded):
    """GIVEN a pupil of 8А leaving on Wednesday 25.11 WHEN the week's Algebra journal marks them
    on a day before and on a day after THEN the mark after is an error at its cell."""
    from test_journal import teacher_with
    teacher, path, sheet, info = teacher_with(loaded.week_templates(), lambda i: i["section"].subject == "Алгебра"
                                              and i["section"].class_code == "8А")
    pupil = info["students"][0]
    _leave(loaded, "8А", {pupil: "25.11.2026"})
    days = sorted((key for key in info["keys"] if "|" in key), key=lambda k: k.split("|")[0])
    before = next(k for k in days if k.split("|")[0] < "2026-11-25")
    after = next(k for k in days if k.split("|")[0] >= "2026-11-25")
    loaded.drop_grid(path, {sheet: {(pupil, before): "5", (pupil, after): "4"}}, name="j.xlsx")
    report = loaded.ingest(now=SATURDAY)
    assert status_of(report) == {"j.xlsx": "rejected"}
    errors = [f for f in report.files[0].findings if f.is_error]
    assert [(f.sheet, f.code, f.value) for f in errors] == [(sheet, "mark-student-not-enrolled", "4")]


def test_a_leaving_date_before_the_pupils_journal_entries_is_refused(week_ws):
    """GIVEN the week 2026-W48 ingested WHEN a roster gives a pupil with entries on 25–27.11 a
    leaving date of 25.11 THEN the roster is refused with «marks-after-leaving» at that date's
    cell (counted and dated by plain SQL), and nothing changes; a date after the last entry is
    accepted."""
    from sqlalchemy import text
    with week_ws.engine.connect() as conn:
        pupil, name = conn.execute(text(
            "SELECT st.id, st.full_name FROM students st JOIN journal_entries e ON e.student_id = st.id "
            "JOIN lessons l ON l.id = e.lesson_id WHERE st.class_code = '5А' AND l.date >= '2026-11-25' "
            "GROUP BY st.id, st.full_name ORDER BY st.id LIMIT 1")).one()
        count, first = conn.execute(text(
            "SELECT count(*), min(l.date) FROM journal_entries e JOIN lessons l ON l.id = e.lesson_id "
            "WHERE e.student_id = :p AND l.date >= '2026-11-25'"), {"p": pupil}).one()
    roster = week_ws.prefilled_roster("5А")
    index = next(i for i, row in enumerate(roster["Ученики"]) if row["full_name"] == name)
    roster["Ученики"][index].update(left_on="25.11.2026", leaving_order="№ 7-у")
    week_ws.drop_roster("5А", roster)
    report = week_ws.ingest(now=SATURDAY)
    assert status_of(report) == {"roster_5А.xlsx": "rejected"}
    columns = {f.key: chr(ord("A") + i) for i, f in enumerate(week_ws.roster_spec("5А").sheet("Ученики").fields)}
    assert findings_of(report) == {("Ученики", f"{columns['left_on']}{index + 2}", "marks-after-leaving")}
    message = report.files[0].findings[0].message
    assert name in message and f": {count} " in message and f"{dt.date.fromisoformat(str(first)):%d.%m.%Y}" in message
    with week_ws.engine.connect() as conn:
        assert conn.execute(text("SELECT left_on FROM students WHERE id = :p"), {"p": pupil}).scalar() is None

    roster["Ученики"][index].update(left_on="30.11.2026")
    week_ws.drop_roster("5А", roster, name="roster_again.xlsx")
    assert status_of(week_ws.ingest(now=SATURDAY)) == {"roster_again.xlsx": "accepted"}
