"""Report metrics against hand-computed classes, and summaries that never turn text into formulas."""

from __future__ import annotations

import subprocess
import zipfile

import openpyxl
import pytest
from conftest import SATURDAY, WEEK, status_of
from test_journal import teacher_with

from zhurnal.batch.issue import issue_period
from zhurnal.publish.metrics import metrics
from zhurnal.publish.run import publish_period, publish_week


def test_a_class_with_an_exempt_student():
    # N = 8 − 1 exempt = 7; success (2+3+1)/7; quality (2+3)/7; SOU (200+192+36+16)/7
    m = metrics(["5", "5", "4", "4", "4", "3", "2", "осв"])
    assert (m.students, m.n5, m.n4, m.n3, m.n2, m.not_assessed, m.exempt) == (7, 2, 3, 1, 1, 0, 1)
    assert (m.success, m.quality, m.sou, m.average) == (85.7, 71.4, 63.4, 3.86)


def test_a_class_with_not_assessed_students():
    # н/а stays in N = 6: success (1+1+2)/6, quality (1+1)/6, SOU (100+64+36·2+7·2)/6
    m = metrics(["5", "4", "3", "3", "н/а", "н/а"])
    assert (m.students, m.not_assessed) == (6, 2)
    assert (m.success, m.quality, m.sou, m.average) == (66.7, 33.3, 41.7, 3.75)


def test_a_one_counts_with_the_twos_and_the_enrolled_rule_leaves_nobody_unmarked():
    # a period mark «1» is a failing result like «2»: N = 3, success 1/3, average (5 + 2 + 2) / 3
    m = metrics(["5", "2", "1"])
    assert (m.students, m.n5, m.n2, m.success, m.average) == (3, 1, 2, 33.3, 3.0)
    # a pupil without any mark: out of N under «marked» (counted as unmarked), н/а under «enrolled»
    marked, enrolled = metrics(["5", None], rule="marked"), metrics(["5", None], rule="enrolled")
    assert (marked.students, marked.not_assessed, marked.unmarked) == (1, 0, 1)
    assert (enrolled.students, enrolled.not_assessed, enrolled.unmarked) == (2, 1, 0)


def test_nobody_to_count():
    m = metrics(["осв", "осв"])
    assert (m.students, m.success, m.quality, m.sou, m.average) == (0, None, None, None, None)


def test_period_report_metrics_from_the_store(loaded):
    """GIVEN period marks set for 8А algebra WHEN the period report is published THEN its row
    holds the hand-computed figures."""
    teacher, path, sheet, info = teacher_with(loaded.week_templates(), lambda i: i["section"].subject == "Алгебра"
                                              and i["section"].class_code == "8А")
    students = info["students"]
    assert len(students) == 13
    marks = ["5", "5", "4", "4", "4", "3", "3", "2", "н/а", "н/а", "осв", "5", "4"]
    [period] = issue_period(loaded.ctx(), "Q2", teacher=teacher)
    loaded.drop_grid(period, {sheet: {(sid, "mark"): mark for sid, mark in zip(students, marks)}}, name="q2.xlsx")
    assert status_of(loaded.ingest(now=SATURDAY)) == {"q2.xlsx": "accepted"}
    report = publish_period(loaded.ctx(), "Q2")
    rows = {row[0]: row for row in openpyxl.load_workbook(report.summaries[0])["Метрики"].iter_rows(values_only=True)
            if row and row[0]}
    # N = 13 − 1 = 12; «5» 3, «4» 4, «3» 2, «2» 1, н/а 2, осв 1
    # success 9·100/12 = 75.0; quality 7·100/12 = 58.3; SOU (300+256+72+16+14)/12 = 54.8; mean 39/10
    assert rows["8А · Алгебра"][1:12] == (12, 3, 4, 2, 1, 2, 1, 3.9, 75.0, 58.3, 54.8)
    # and each student's report card carries their period mark
    school = loaded.school()
    for sid, mark in zip(students[:3], marks):
        [card] = (loaded.settings.outbox / "Q2" / "report_cards" / "8А").glob(f"*_{sid}.pdf")
        text = " ".join(subprocess.run(["pdftotext", "-layout", str(card), "-"], capture_output=True, text=True,
                                       check=True).stdout.split())
        assert school.students[sid]["full_name"] in text and f"Алгебра {mark}" in text


# the formula and the at-sign run by default; the other two leading characters are long scenarios
@pytest.mark.parametrize("name", ["=SUM(1,2) Хакеров", pytest.param("+Сидоров Сидор", marks=pytest.mark.slow),
                                  pytest.param("-Петров Пётр", marks=pytest.mark.slow), "@Иванов Иван"])
def test_text_from_submissions_stays_text_in_summaries(week_ws, name):
    loaded = week_ws        # a week whose journals are in: a week with nothing in is not published
    roster = loaded.prefilled_roster("8А")
    roster["Ученики"].append({"full_name": name, "birth_date": "01.02.2012", "sex": "м"})
    path = loaded.drop_roster("8А", roster)
    book = openpyxl.load_workbook(path)   # as Excel would keep it: typed as text, not a formula
    sheet = book["Ученики"]
    for row in sheet.iter_rows(min_row=2):
        if row[1].value == name:
            row[1].data_type = "s"
    book.save(path)
    assert loaded.ingest(now=SATURDAY).ok
    summary = publish_week(loaded.ctx(), WEEK).summaries[0]
    cells = [c for row in openpyxl.load_workbook(summary)["Ведомость"].iter_rows() for c in row if c.value == name]
    assert cells and all(c.data_type == "s" for c in cells)
    with zipfile.ZipFile(summary) as archive:   # and no formula element was written for it
        assert not any(b"<f>" in archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/"))


def test_metrics_are_a_value_that_cannot_be_changed_by_accident():
    import dataclasses
    result = metrics(["5", "4"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.n5 = 3
    assert {result: 1}[metrics(["4", "5"])] == 1          # hashable, equal by value


def test_a_class_by_pupils_tells_one_three_from_several_and_counts_few_once_a_pupil():
    """Hand count: two pupils with one «3», one with two, an отличник and a хорошист whose other
    subjects have too few marks yet (running figures: «мало», out of their group, counted once
    a pupil). N = 5: успеваемость 100.0, качество (1 + 1) × 100 / 5 = 40.0, СОУ (100 + 64 +
    3 × 36) / 5 = 54.4."""
    import dataclasses

    from zhurnal.publish.metrics import Metrics, pupil_metrics
    counted = pupil_metrics([["3", "4", "5"], ["3", "4"], ["3", "3", "5"], ["5", "мало", "мало"], ["4", "мало"]])
    assert (counted.one_three, counted.threes, counted.excellent, counted.good, counted.few) == (2, 1, 1, 1, 2)
    assert (counted.students, counted.success, counted.quality, counted.sou) == (5, 100.0, 40.0, 54.4)
    with pytest.raises(dataclasses.FrozenInstanceError):
        counted.few = 0       # a summary's figures cannot be changed after they were counted
    plain = Metrics(1, 0, 0, 0, 0, 0, 0, None, None, None, None)
    assert plain.unmarked == 0 and plain.row() == [1, 0, 0, 0, 0, 0, 0, None, None, None, None, 0]
