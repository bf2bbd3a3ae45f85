"""Teachers' remarks to pupils and homework's due date (issue 28, points 1 and 4), through the
real programs: a journal typed with remarks and a due date, saved by LibreOffice and by
Gnumeric, gives the store what was typed (with the author and lesson); a parallel copy that
changes a remark already changed in the store is a ``merge-conflict`` at that cell; the remark
is in ``history`` and in the pupil's diary under its day."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import openpyxl
import pytest
from conftest import SATURDAY, WEEK, findings_of, s, status_of
from test_journal import teacher_with
from test_libreoffice import resave

from zhurnal.batch.history import HistoryFilter, history
from zhurnal.demo.fill import fill_grid
from zhurnal.templates.spec import cell_ref

SSCONVERT = shutil.which("ssconvert")


def stored_remarks(ws) -> dict[tuple[str, int, int], tuple[str, str]]:
    """(lesson date, lesson no, pupil) → (text, author), read with plain SQL."""
    with ws.engine.connect() as conn:
        return {(str(day), no, pupil): (text, author) for day, no, pupil, text, author in conn.exec_driver_sql(
            "SELECT l.date, l.lesson_no, r.student_id, r.text, r.author FROM remarks r "
            "JOIN lessons l ON l.id = r.lesson_id")}


def diary_text(ws, pupil: int) -> str:
    """The pupil's diary of the week, rendered alone and read back by pdftotext (white space squeezed)."""
    import re

    from zhurnal.publish.diary import DiaryRenderer, template_path
    from zhurnal.publish.week_data import load_week
    with ws.engine.connect() as conn:
        doc = load_week(conn, 1, WEEK, ws.settings).diary(pupil)
    pdf = ws.path / f"diary_{pupil}.pdf"
    pdf.write_bytes(DiaryRenderer(template_path(ws.path)).render([doc]))
    done = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True)
    return re.sub(r"[ \t]+", " ", done.stdout)


def by_day(text: str) -> dict[dt.date, str]:
    """A diary's text cut at its day headings («Пн, 23.11.2026»), white space squeezed."""
    import re
    flat = re.sub(r"\s+", " ", text)
    heads = list(re.finditer(r"(?:Пн|Вт|Ср|Чт|Пт|Сб), (\d\d)\.(\d\d)\.(\d{4})", flat))
    ends = [h.start() for h in heads[1:]] + [flat.find("Пропуски за неделю")]
    return {dt.date(int(h[3]), int(h[2]), int(h[1])): flat[h.end():end] for h, end in zip(heads, ends)}


def remark_cell(path, sheet: str, pupil: int, key: str) -> str:
    """Where the template puts pupil's remark for the lesson ``key`` (found by its own hidden
    marks: «remark:<id>» in column A, the lesson key in row 2)."""
    grid = openpyxl.load_workbook(path)[sheet]
    row = next(c.row for c in grid["A"] if c.value == f"remark:{pupil}")
    column = next(c.column for c in grid[2] if c.value == key)
    return cell_ref(row - 1, column - 1)


@pytest.mark.soffice
def test_remarks_survive_libreoffice_and_gnumeric_and_conflict_like_marks(loaded, tmp_path):
    assert SSCONVERT, "Gnumeric is required: .ci/run installs gnumeric"
    ws = loaded
    dates = lambda i: sorted({k.split("|")[0] for k in i["keys"] if "|" in k})
    teacher, path, sheet, info = teacher_with(ws.week_templates(), lambda i: len(dates(i)) >= 3
                                              and len(i["students"]) >= 3 and not i["section"].subgroup)
    st, keys = info["students"], sorted(k for k in info["keys"] if "|" in k)
    day = lambda key: key.split("|")[0]
    no = lambda key: int(key.split("|")[1])
    first = {(f"remark:{st[0]}", keys[0]): "Отличный ответ у доски!",
             (f"remark:{st[1]}", keys[0]): "Не выполнил домашнее задание",
             (st[0], keys[0]): "5", ("topic", keys[0]): "Тема", ("homework", keys[0]): "§ 5",
             ("homework_due", keys[0]): dt.date(2026, 11, 27),
             ("homework", keys[1]): "Упр. 9"}           # no date: for the next lesson by the timetable
    typed = fill_grid(path, tmp_path / "typed" / "first.xlsx", {sheet: first})
    # LibreOffice saves it
    [saved] = resave([typed], "xlsx", tmp_path / "lo", tmp_path / "profile")
    shutil.move(saved, ws.settings.inbox / "first.xlsx")
    report = ws.ingest(now=SATURDAY)
    assert status_of(report) == {"first.xlsx": "accepted"}, report.files[0].findings[:3]
    assert stored_remarks(ws) == {(day(keys[0]), no(keys[0]), st[0]): ("Отличный ответ у доски!", teacher),
                                  (day(keys[0]), no(keys[0]), st[1]): ("Не выполнил домашнее задание", teacher)}
    lesson = next(l for l in ws.rows(s.lessons) if l["topic"] == "Тема")
    assert lesson["homework_due"] == dt.date(2026, 11, 27)

    # the teacher goes on in the same file, in Gnumeric: one remark cleared, one added
    second = {**first, (f"remark:{st[1]}", keys[0]): None, (f"remark:{st[2]}", keys[1]): "Мешал на уроке"}
    typed2 = fill_grid(path, tmp_path / "typed" / "second.xlsx", {sheet: second})
    target = tmp_path / "gnumeric" / "second.xlsx"
    target.parent.mkdir()
    subprocess.run([SSCONVERT, str(typed2), str(target)], check=True, capture_output=True, timeout=120)
    shutil.move(target, ws.settings.inbox / "second.xlsx")
    report = ws.ingest(now=SATURDAY)
    assert status_of(report) == {"second.xlsx": "accepted"}, report.files[0].findings[:3]
    assert stored_remarks(ws) == {(day(keys[0]), no(keys[0]), st[0]): ("Отличный ответ у доски!", teacher),
                                  (day(keys[1]), no(keys[1]), st[2]): ("Мешал на уроке", teacher)}

    # a parallel copy of the blank issue changes the remark the store already changed: a conflict
    parallel = fill_grid(path, ws.settings.inbox / "parallel.xlsx",
                         {sheet: {(f"remark:{st[0]}", keys[0]): "Хорошо"}})
    report = ws.ingest(now=SATURDAY)
    assert status_of(report) == {"parallel.xlsx": "rejected"}
    assert (sheet, remark_cell(path, sheet, st[0], keys[0]), "merge-conflict") in findings_of(report)
    assert not parallel.exists()
    assert stored_remarks(ws)[(day(keys[0]), no(keys[0]), st[0])][0] == "Отличный ответ у доски!"

    # the trail names every change, by pupil
    trail = [(r["entity"], (r["old"] or {}).get("remark"), (r["new"] or {}).get("remark"))
             for r in history(ws.ctx(), HistoryFilter(student_id=st[1])) if r["entity"] == "remarks"]
    assert trail == [("remarks", None, "Не выполнил домашнее задание"),
                     ("remarks", "Не выполнил домашнее задание", None)]

    # the pupil's diary shows the remark under the day of its lesson, with its author
    text = diary_text(ws, st[0])
    surname, name, *rest = teacher.split()
    at = text.index("Отличный ответ у доски!")
    lesson_day = dt.date.fromisoformat(day(keys[0]))
    assert f"{lesson_day:%d.%m.%Y}" in text[:at]
    later_days = [f"{lesson_day + dt.timedelta(days=n):%d.%m.%Y}" for n in range(1, 6)
                  if lesson_day + dt.timedelta(days=n) < WEEK.sunday]     # the title shows the Sunday
    assert not any(d in text[:at] for d in later_days)
    assert f"{surname} {name[0]}." in text[at:at + 200]
    assert "Мешал на уроке" not in text       # another pupil's remark

    # homework under the day it is for («задано» and the day it was set), and «задано к …» where set
    days = by_day(text)
    set_on = dt.date.fromisoformat(day(keys[0]))
    assert "§ 5" in days[dt.date(2026, 11, 27)] and f"(задано {set_on:%d.%m})" in days[dt.date(2026, 11, 27)]
    assert "задано к 27.11: § 5" in days[set_on]
    second_day = dt.date.fromisoformat(day(keys[1]))
    following = min(d for d in map(dt.date.fromisoformat, dates(info)) if d > second_day)   # the template's own columns
    assert "Упр. 9" in days[following] and f"(задано {second_day:%d.%m})" in days[following]
    assert f"задано к {following:%d.%m}: Упр. 9" in days[second_day]


def test_a_remark_longer_than_the_limit_is_a_finding_at_its_cell(loaded):
    ws = loaded
    teacher, path, sheet, info = teacher_with(ws.week_templates(), lambda i: len(i["students"]) >= 1)
    pupil, key = info["students"][0], info["keys"][0]
    ws.drop_grid(path, {sheet: {(f"remark:{pupil}", key): "очень " * 80}}, name="long.xlsx")
    report = ws.ingest(now=SATURDAY)
    assert status_of(report) == {"long.xlsx": "rejected"}
    assert (sheet, remark_cell(path, sheet, pupil, key), "value-too-long") in findings_of(report)
    assert not ws.rows(s.remarks)
