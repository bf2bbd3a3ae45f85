"""Rebuild the golden sample workbooks, on purpose only, then their expected JSON.

    python tests/golden/make_samples.py            # every sample, then pytest --regen-golden
    python tests/golden/make_samples.py journal_clean period_clean

Samples are issued from the same bases the tests build (see ``scenario.py``), signed with
``adapter.SECRET``, and filled the way staff fill them. A template carries a fresh id and
issue time, so the .xlsx bytes change on every rebuild; the expected JSON should not, unless
behaviour changed: review ``git diff tests/golden/*.json`` before committing.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from golden import adapter as api  # noqa: E402
from golden.scenario import BY_NAME, HERE, SAMPLES, build_stages, prepare  # noqa: E402

TEACHER = "Никитин Юрий Анатольевич"      # Informatics, subgroup 1, in 7А–11А: one lesson each
ROSTER_CLASS, BAD_ROSTER_CLASS, REGISTER_CLASS = "7А", "5А", "7А"


def _sheet_rows(layout: dict, sheet: str) -> tuple[list[int], list[str]]:
    ids, keys = layout[sheet]
    return [i for i in ids if isinstance(i, int)], [k for k in keys if not str(k).startswith("extra")]


def setup_clean(ws, school, target):
    [template] = api.issue(ws, "setup")
    api.fill_table(ws, template, target, school.setup)


def setup_mistakes(ws, school, target):
    data = copy.deepcopy(school.setup)
    data["Периоды"][0]["end"] = dt.date(2026, 8, 1)                 # ends before it starts
    data["Учителя"][0]["email"] = "учитель@"                         # not an e-mail
    data["Нагрузка"][0]["class_code"] = "12Я"                        # no such class
    data["Виды работ"][0]["weight"] = 0                              # weight must be > 0
    data["Звонки"] = data["Звонки"][:-1]                             # the last lesson has no bell
    data["Расписание"].append(dict(data["Расписание"][0], subject=data["Расписание"][1]["subject"]))
    data["Классы"][1]["grade"] = "второй"                            # not a number
    [template] = api.issue(ws, "setup")
    api.fill_table(ws, template, target, data)


def roster_clean(ws, school, target):
    data = copy.deepcopy(school.rosters[ROSTER_CLASS])
    first = data["Ученики"][0]["full_name"]
    data["Освобождения"] = [{"student": first, "subject": "Физическая культура",
                             "start": dt.date(2026, 11, 1), "end": dt.date(2026, 12, 28)}]
    [template] = api.issue(ws, "roster", class_code=ROSTER_CLASS)
    api.fill_table(ws, template, target, data)


def roster_mistakes(ws, school, target):
    data = copy.deepcopy(school.rosters[BAD_ROSTER_CLASS])
    students, parents = data["Ученики"], data["Родители"]
    students[0]["full_name"] = "Иванов"                              # surname only
    students[1]["birth_date"] = "31.02.2015"                         # no such date
    students[2]["sex"] = "x"                                         # not in the list
    students.append(dict(students[3]))                               # the same child twice
    parents[0]["email"] = "mama@@mail"                               # not an e-mail
    parents[1]["phone"] = "12"                                       # not a phone
    parents[2]["student"] = "Некто Неизвестный"                      # not a student of the class
    parents[3]["student"] = None                                     # linked to nobody
    [template] = api.issue(ws, "roster", class_code=BAD_ROSTER_CLASS)
    api.fill_table(ws, template, target, data)


def _plan_template(ws):
    return next(p for p in api.issue(ws, "plan", teacher=TEACHER) if api.template_info(p)["class_code"] == "7А")


def _plan_rows():
    return [{"item_no": n, "date": dt.date(2026, 11, 16) + dt.timedelta(days=7 * (n // 3)),
             "topic": f"Тема {n}: {'Алгоритмы' if n % 2 else 'Кодирование информации'}", "hours": 1,
             "lesson_type": "комбинированный"} for n in range(1, 7)]


def plan_clean(ws, school, target):
    api.fill_table(ws, _plan_template(ws), target, {"КТП": _plan_rows()})


def plan_mistakes(ws, school, target):
    rows = _plan_rows()
    rows.append({"item_no": 3, "date": "23.11.2026", "topic": "Повтор", "hours": 1})  # item 3 again
    rows.append({"item_no": 8, "date": "когда-нибудь", "topic": "", "hours": "много"})
    api.fill_table(ws, _plan_template(ws), target, {"КТП": rows})


def _journal(ws):
    [template] = api.issue(ws, "journal", teacher=TEACHER)
    return template


def journal_clean(ws, school, target):
    api.fill_like_staff(ws, _journal(ws), target, seed=5)


def journal_mistakes(ws, school, target):
    template = _journal(ws)
    layout = api.grid(template)
    sheets = [s["sheet"] for s in api.template_info(template)["sheets"]]
    values = {}
    bad = ["6", "5н", "5//4", "зач", "4 5", "=2+3"]
    for n, sheet in enumerate(sheets[:3]):
        ids, keys = _sheet_rows(layout, sheet)
        key = keys[0]
        cells = {(ids[i], key): "5" if i % 2 else "4" for i in range(len(ids))}
        cells[(ids[0], key)] = bad[2 * n]
        cells[(ids[1], key)] = bad[2 * n + 1]
        cells[("work_type", key)] = "Ответ на уроке" if n else "Танцы"   # not a work type
        if n != 1:
            cells[("topic", key)] = "Алгоритмы"
        values[sheet] = cells
    api.fill_cells(template, target, values)


def _register(ws):
    return next(p for p in api.issue(ws, "attendance")
                if api.template_info(p)["sheets"][0]["class_code"] == REGISTER_CLASS)


def attendance_clean(ws, school, target):
    api.fill_like_staff(ws, _register(ws), target, seed=17)


def attendance_mistakes(ws, school, target):
    template = _register(ws)
    [sheet] = [s["sheet"] for s in api.template_info(template)["sheets"]]
    ids, keys = _sheet_rows(api.grid(template), sheet)
    days = sorted({k.split("|")[0] for k in keys})
    values = {(ids[0], f"{days[0]}|count"): 2, (ids[0], f"{days[0]}|reason"): "б",
              (ids[1], f"{days[0]}|count"): 40, (ids[1], f"{days[0]}|reason"): "у",   # more than lessons
              (ids[2], f"{days[1]}|count"): 1, (ids[2], f"{days[1]}|reason"): "прогул",  # unknown reason
              (ids[3], f"{days[1]}|count"): 2,                                        # no reason
              (ids[4], f"{days[2]}|count"): "два", (ids[4], f"{days[2]}|reason"): "н"}
    api.fill_cells(template, target, {sheet: values})


def _period(ws):
    [template] = api.issue(ws, "period", period="Q2", teacher=TEACHER)
    return template


def period_clean(ws, school, target):
    template = _period(ws)
    layout = api.grid(template)
    values = {}
    for n, info in enumerate(api.template_info(template)["sheets"]):
        ids, _ = _sheet_rows(layout, info["sheet"])
        marks = ["н/а", "5", "4", "3", "осв"]
        values[info["sheet"]] = {(sid, "mark"): marks[(i + n) % len(marks)] for i, sid in enumerate(ids)}
    api.fill_cells(template, target, values)


def period_mistakes(ws, school, target):
    template = _period(ws)
    layout = api.grid(template)
    info = api.template_info(template)["sheets"][0]
    ids, _ = _sheet_rows(layout, info["sheet"])
    values = {(ids[0], "mark"): "7", (ids[1], "mark"): "5+", (ids[2], "mark"): "зач", (ids[3], "mark"): "4"}
    api.fill_cells(template, target, {info["sheet"]: values})


def _year(ws):
    [template] = api.issue(ws, "year", teacher=TEACHER)
    return template


def year_clean(ws, school, target):
    """Every pupil's year mark (no term marks are stored yet: each is a «terms missing»
    warning); in grades 9 and 11 two pupils' exams."""
    template = _year(ws)
    layout = api.grid(template)
    values = {}
    for n, info in enumerate(api.template_info(template)["sheets"]):
        ids, keys = _sheet_rows(layout, info["sheet"])
        marks = ["5", "4", "3", "4", "5"]
        cells = {(sid, "mark"): marks[(i + n) % len(marks)] for i, sid in enumerate(ids)}
        if "exam_form" in keys:                                      # grades 9 and 11
            first = ("ЕГЭ", 78) if info["class_code"].startswith("11") else ("ОГЭ", 5)
            cells[(ids[0], "exam_form")], cells[(ids[0], "exam")] = first
            cells[(ids[1], "exam_form")], cells[(ids[1], "exam")] = "ГВЭ", 4
        values[info["sheet"]] = cells
    api.fill_cells(template, target, values)


def year_mistakes(ws, school, target):
    template = _year(ws)
    layout = api.grid(template)
    by_class = {info["class_code"]: info["sheet"] for info in api.template_info(template)["sheets"]}
    values = {}
    ids, _ = _sheet_rows(layout, by_class["7А"])
    values[by_class["7А"]] = {(ids[0], "mark"): "6", (ids[1], "mark"): "5+", (ids[2], "mark"): "4"}
    ids, _ = _sheet_rows(layout, by_class["9А"])
    values[by_class["9А"]] = {(ids[0], "exam_form"): "ЕГЭ", (ids[0], "exam"): 70,     # no ЕГЭ in grade 9
                              (ids[1], "exam_form"): "ОГЭ", (ids[1], "exam"): 7}      # a mark 2–5
    ids, _ = _sheet_rows(layout, by_class["11А"])
    values[by_class["11А"]] = {(ids[0], "exam_form"): "ЕГЭ", (ids[0], "exam"): 120}   # points 0–100
    api.fill_cells(template, target, values)


def _prior(ws):
    [template] = api.issue(ws, "prior", grade=10)
    return template


PRIOR_SUBJECTS = ("Алгебра", "Физика")


def prior_clean(ws, school, target):
    """Grade 10's semester and year marks of the first four pupils of each grade-11 class in
    two subjects; the other cells stay empty."""
    template = _prior(ws)
    layout = api.grid(template)
    values = {}
    for info in api.template_info(template)["sheets"]:
        ids, _ = _sheet_rows(layout, info["sheet"])
        marks = {"H1": ["5", "4", "3", "4"], "H2": ["5", "5", "3", "4"], "Y": ["5", "5", "3", "4"]}
        values[info["sheet"]] = {(sid, f"{subject}|{period}"): marks[period][i]
                                 for subject in PRIOR_SUBJECTS for period in marks for i, sid in enumerate(ids[:4])}
    api.fill_cells(template, target, values)


def prior_mistakes(ws, school, target):
    template = _prior(ws)
    layout = api.grid(template)
    info = api.template_info(template)["sheets"][0]
    ids, _ = _sheet_rows(layout, info["sheet"])
    values = {(ids[0], "Алгебра|H1"): "6", (ids[1], "Алгебра|H2"): "зач", (ids[2], "Физика|Y"): "4"}
    api.fill_cells(template, target, {info["sheet"]: values})


RECIPES = {name: globals()[name] for name in BY_NAME}


def main(names: list[str]) -> int:
    os.environ[api.SECRET_VARIABLE] = api.SECRET
    chosen = [s for s in SAMPLES if not names or s.name in names]
    school = api.demo_school()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        stages = build_stages(root, school)
        for sample in chosen:  # in SAMPLES order, so a sample is made after those it needs
            ws = prepare(stages, sample, root / "work" / sample.name)
            RECIPES[sample.name](ws, school, sample.workbook)
            ws.close()
            print(f"wrote {sample.workbook.relative_to(HERE.parents[1])} ({sample.workbook.stat().st_size} bytes)")
    tests = HERE.parent
    return subprocess.call([sys.executable, "-m", "pytest", "-q", str(tests / "test_golden.py"), "--regen-golden"],
                           cwd=tests.parent)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
