"""The extracurricular journal (внеурочная деятельность): issued to a teacher, filled, saved by
LibreOffice and handed in; its groups, pupils from several classes, sessions and absences stored;
its rules at their cells; the deputy's count of hours held against the plan."""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest
from conftest import findings_of, s, status_of
from test_libreoffice import resave

from zhurnal.demo.fill import fill_workbook
from zhurnal.kinds.extracurricular.issue import issue
from zhurnal.kinds.extracurricular.spec import SPEC
from zhurnal.school.extracurricular import hours_against_plan

NOW = dt.datetime(2026, 11, 28, 14, 0)


def _pupils(ws, *classes: str) -> dict[str, list[tuple[int, str]]]:
    """Class → its first three pupils (id, «ФИО (класс)»), read with plain SQL."""
    found = {}
    with ws.engine.connect() as conn:
        for code in classes:
            rows = conn.exec_driver_sql(
                "SELECT id, full_name FROM students WHERE active AND class_code = '%s' ORDER BY full_name" % code).all()
            found[code] = [(sid, f"{name} ({code})") for sid, name in rows[:3]]
    return found


def _teacher(ws) -> str:
    with ws.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT full_name FROM teachers ORDER BY full_name").first()[0]


def _typed(pupils: dict[str, list[tuple[int, str]]]) -> dict[str, list[dict]]:
    """Two groups; «Шахматы» takes pupils of 5А and 7А, meets three times, two absences."""
    a, b = pupils["5А"], pupils["7А"]
    return {
        "Группы": [{"name": "Шахматы", "direction": "общеинтеллектуальное", "planned_hours": 34},
                   {"name": "Юные экологи", "direction": "социальное", "planned_hours": 17}],
        "Состав групп": [{"group": "Шахматы", "pupil": label} for _, label in (a[0], a[1], b[0])]
                        + [{"group": "Юные экологи", "pupil": b[1][1]}],
        "Занятия": [{"group": "Шахматы", "date": "02.11.2026", "topic": "Шахматная доска", "hours": 1},
                    {"group": "Шахматы", "date": "09.11.2026", "topic": "Ходы фигур", "hours": 2},
                    {"group": "Шахматы", "date": "16.11.2026", "topic": "Мат в один ход", "hours": None},
                    {"group": "Юные экологи", "date": "10.11.2026", "topic": "Птицы зимой", "hours": 1.5}],
        "Отсутствовали": [{"group": "Шахматы", "date": "09.11.2026", "pupil": a[1][1]},
                          {"group": "Шахматы", "date": "16.11.2026", "pupil": b[0][1]}],
    }


@pytest.mark.soffice
def test_a_journal_saved_by_libreoffice_is_stored_row_by_row(loaded, tmp_path):
    """GIVEN a teacher's extracurricular journal issued, filled with openpyxl and converted by
    ``soffice --headless --convert-to xlsx`` WHEN handed in THEN the groups, pupils, sessions
    and absences are in the store exactly as typed; the next issue is prefilled with them."""
    teacher, pupils = _teacher(loaded), _pupils(loaded, "5А", "7А")
    a, b = pupils["5А"], pupils["7А"]
    template = issue(loaded.ctx(NOW), teacher)
    typed = fill_workbook(template, tmp_path / "typed" / "внеурочная.xlsx", SPEC, _typed(pupils))
    [saved] = resave([typed], "xlsx", tmp_path / "saved", tmp_path / "profile")
    shutil.move(saved, loaded.settings.inbox / saved.name)
    report = loaded.ingest(now=NOW)
    assert status_of(report) == {"внеурочная.xlsx": "accepted"}, report.files[0].findings
    assert report.files[0].kind == "extracurricular"
    with loaded.engine.connect() as conn:
        groups = conn.exec_driver_sql("SELECT name, teacher, direction, planned_hours FROM extra_groups").all()
        members = conn.exec_driver_sql("SELECT group_name, student_id FROM extra_members").all()
        sessions = conn.exec_driver_sql("SELECT group_name, date, topic, hours FROM extra_sessions").all()
        absences = conn.exec_driver_sql("SELECT group_name, date, student_id FROM extra_absences").all()
    assert sorted(tuple(r) for r in groups) == [("Шахматы", teacher, "общеинтеллектуальное", 34.0),
                                                ("Юные экологи", teacher, "социальное", 17.0)]
    assert sorted(tuple(r) for r in members) == sorted([("Шахматы", a[0][0]), ("Шахматы", a[1][0]),
                                                        ("Шахматы", b[0][0]), ("Юные экологи", b[1][0])])
    day = dt.date
    assert sorted((g, str(d)[:10], t, h) for g, d, t, h in sessions) == [
        ("Шахматы", "2026-11-02", "Шахматная доска", 1.0), ("Шахматы", "2026-11-09", "Ходы фигур", 2.0),
        ("Шахматы", "2026-11-16", "Мат в один ход", 1.0), ("Юные экологи", "2026-11-10", "Птицы зимой", 1.5)]
    assert sorted((g, str(d)[:10], sid) for g, d, sid in absences) == sorted([
        ("Шахматы", "2026-11-09", a[1][0]), ("Шахматы", "2026-11-16", b[0][0])])

    # the deputy's count: 4 of 34 hours; 3 pupils × 3 sessions, 2 missed; 1.5 of 17
    with loaded.engine.connect() as conn:
        counted = {g.name: g for g in hours_against_plan(conn, 1)}
        until_the_9th = {g.name: g.held for g in hours_against_plan(conn, 1, until=day(2026, 11, 9))}
    chess = counted["Шахматы"]
    assert (chess.planned, chess.held, chess.sessions, chess.pupils, chess.attended, chess.percent) == \
        (34.0, 4.0, 3, 3, round(7 * 100 / 9, 1), round(4 * 100 / 34, 1))
    assert (counted["Юные экологи"].held, counted["Юные экологи"].attended) == (1.5, 100.0)
    assert until_the_9th == {"Шахматы": 3.0, "Юные экологи": 0.0}      # theirs came on the 10th

    again = openpyxl.load_workbook(issue(loaded.ctx(NOW), teacher, out_dir=tmp_path / "next"))
    assert [r[:3] for r in again["Занятия"].iter_rows(min_row=2, max_row=5, values_only=True)][1][2] == "Ходы фигур"
    assert sorted(r[1] for r in again["Состав групп"].iter_rows(min_row=2, values_only=True) if r[0]) == \
        sorted([a[0][1], a[1][1], b[0][1], b[1][1]])


def test_each_rule_at_its_cell(loaded, tmp_path):
    """An unknown pupil, a group not on «Группы», hours of 0, an absence without its session, a
    pupil absent from a group they are not in, a repeated session; and a group another teacher
    keeps: each at its cell, the workbook rejected and nothing stored."""
    teacher, pupils = _teacher(loaded), _pupils(loaded, "5А", "7А")
    data = _typed(pupils)
    loaded.settings.inbox.joinpath("ok.xlsx").write_bytes(
        fill_workbook(issue(loaded.ctx(NOW), teacher), tmp_path / "ok.xlsx", SPEC, data).read_bytes())
    assert status_of(loaded.ingest(now=NOW)) == {"ok.xlsx": "accepted"}
    before = loaded.rows(s.extra_sessions)
    data["Группы"][1]["planned_hours"] = 0                                        # Группы!C3
    data["Состав групп"].append({"group": "Шахматы", "pupil": "Несуществующий Ученик (5А)"})   # B6
    data["Состав групп"].append({"group": "Танцы", "pupil": pupils["5А"][2][1]})   # A7
    data["Занятия"].append({"group": "Шахматы", "date": "16.11.2026", "topic": "Повтор", "hours": 1})  # B6
    data["Отсутствовали"].append({"group": "Шахматы", "date": "23.11.2026", "pupil": pupils["5А"][0][1]})  # B4
    data["Отсутствовали"].append({"group": "Шахматы", "date": "02.11.2026", "pupil": pupils["7А"][1][1]})  # C5
    path = fill_workbook(issue(loaded.ctx(NOW), teacher), loaded.settings.inbox / "bad.xlsx", SPEC, data)
    report = loaded.ingest(now=NOW)
    assert status_of(report) == {path.name: "rejected"}
    assert findings_of(report) == {
        ("Группы", "C3", "extra-hours-invalid"), ("Состав групп", "B6", "extra-pupil-unknown"),
        ("Состав групп", "A7", "extra-group-unknown"), ("Занятия", "B6", "duplicate-key"),
        ("Отсутствовали", "B4", "extra-no-session"), ("Отсутствовали", "C5", "extra-not-member")}
    assert loaded.rows(s.extra_sessions) == before

    with loaded.engine.connect() as conn:
        other = conn.exec_driver_sql("SELECT full_name FROM teachers ORDER BY full_name").all()[1][0]
    fill_workbook(issue(loaded.ctx(NOW), other), loaded.settings.inbox / "other.xlsx", SPEC,
                  {"Группы": [{"name": "шахматы", "planned_hours": 10}]})
    report = loaded.ingest(now=NOW)
    assert findings_of(report) == {("Группы", "A2", "extra-group-taken")}


def test_the_deputys_control_and_the_year_archive_count_hours_against_the_plan(loaded, tmp_path):
    """GIVEN a journal accepted (two groups, 4 of 34 and 1.5 of 17 hours) WHEN the week's summary
    is written THEN its «Ведение журнала» sheet counts hours held against the plan (openpyxl);
    the year archive's «Внеурочная деятельность.pdf» prints the count, the pupils and the sessions
    with who was absent (pdftotext); ``templates extracurricular`` issues the keeping teacher's."""
    import subprocess

    from click.testing import CliRunner
    from conftest import WEEK

    from zhurnal.cli import main
    from zhurnal.closing.extracurricular import FILE, write_extracurricular_archive
    from zhurnal.publish.summaries import write_summary
    from zhurnal.publish.summary_data import week_summary
    from zhurnal.school.snapshot import load_school

    teacher, pupils = _teacher(loaded), _pupils(loaded, "5А", "7А")
    fill_workbook(issue(loaded.ctx(NOW), teacher), loaded.settings.inbox / "ok.xlsx", SPEC, _typed(pupils))
    assert status_of(loaded.ingest(now=NOW)) == {"ok.xlsx": "accepted"}
    ctx = loaded.ctx(NOW)
    with ctx.engine.connect() as conn:
        data = week_summary(conn, load_school(conn, ctx.school_id), ctx.settings, WEEK)
        pdf = write_extracurricular_archive(conn, ctx, tmp_path / "year", "0" * 64)
    rows = list(openpyxl.load_workbook(write_summary(tmp_path / "s.xlsx", data, ctx.settings, with_week=True))
                ["Ведение журнала"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "Внеурочная деятельность: часы проведённые и по плану на год")
    assert rows[start + 1][:8] == ("Группа (курс)", "Учитель", "Часов по плану", "Проведено часов", "Проведено, %",
                                   "Занятий", "Учеников", "Посещаемость, %")
    assert [r[:8] for r in rows[start + 2:start + 4]] == [
        ("Шахматы", teacher, 34, 4, round(4 * 100 / 34, 1), 3, 3, round(7 * 100 / 9, 1)),
        ("Юные экологи", teacher, 17, 1.5, round(1.5 * 100 / 17, 1), 1, 1, 100)]

    assert [p.name for p in pdf] == [FILE]
    text = subprocess.run(["pdftotext", "-layout", str(pdf[0]), "-"], capture_output=True, text=True, check=True).stdout
    assert "Журнал внеурочной деятельности" in text and "проведено 4 ч из 34" in text and "проведено 1,5 ч из 17" in text
    chess = text[text.rindex("Шахматы", 0, text.index("проведено 4 ч")):text.index("проведено 1,5 ч")]
    assert "Ходы фигур" in chess and pupils["5А"][1][1].split()[0] in chess        # absent on the 9th
    lines = [line.split() for line in text.splitlines()]
    assert any(line[:2] == ["1", "Шахматы"] and line[-5:] == ["34", "4", "11,8", "3", "77,8"] for line in lines)

    result = CliRunner().invoke(main, ["--workspace", str(loaded.path), "templates", "extracurricular"])
    assert result.exit_code == 0, result.output
    issued = sorted((loaded.settings.templates / "Внеурочная").glob("*.xlsx"))
    assert len(issued) == 1 and teacher.split()[0] in issued[0].name
