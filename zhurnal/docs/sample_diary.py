"""A diary page of an invented pupil, rendered from the school's own diary template (``diary.typ``,
the workspace's restyled copy if there is one) as a PNG: what a mark, a double mark and an absence
look like, for the parents' guide and the school's site. Its names are made up («Образцов Пётр»),
so the picture holds no personal data; its times are the school's bells."""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import cast

import typst

from zhurnal.docs.facts import Facts
from zhurnal.publish.diary import TEMPLATE, template_path

PUPIL = "Образцов Пётр"
PPI = 110


def _time(facts: Facts, no: int) -> str:
    bells = {n: f"{a}–{b}" for n, a, b in facts.bells}
    return bells.get(no, "")


def sample(facts: Facts) -> dict:
    """The diary data of one invented week: a mark, a double mark «5/4», a «н» with its reason."""
    lesson = lambda no, subject, topic, homework, marks, work, presence="": {
        "no": no, "time": _time(facts, no), "subject": subject, "topic": topic, "homework": homework,
        "marks": marks, "work_type": work, "presence": presence}
    days = [
        {"date": "01.12", "weekday": "Понедельник", "lessons": [
            lesson(1, "Математика", "Сложение дробей", "№ 214, 216", ["5"], "Ответ на уроке"),
            lesson(2, "Русский язык", "Безударные гласные", "Упр. 118", ["5", "4"], "Диктант"),
            lesson(3, "Литература", "А. С. Пушкин. «Зимнее утро»", "Выучить наизусть", [], "")]},
        {"date": "02.12", "weekday": "Вторник", "lessons": [
            lesson(1, "Математика", "Вычитание дробей", "№ 220", [], "", "н"),
            lesson(2, "Русский язык", "Разбор слова по составу", "Упр. 121", [], "", "н")]},
    ]
    averages = [{"subject": "Математика", "average": 4.5, "count": 4, "class_average": 4.1,
                 "average_text": "4,50", "class_average_text": "4,10"},
                {"subject": "Русский язык", "average": 4.33, "count": 3, "class_average": 3.9,
                 "average_text": "4,33", "class_average_text": "3,90"}]
    return {"school": facts.school, "class": "5А", "student": PUPIL, "absent_word": "отсутствовал",
            "week_title": "01.12–07.12", "period": "2 четверть", "class_teacher": "(ФИО классного руководителя)",
            "has_marks": True, "days": days, "averages": averages,
            "absences": [{"date": "02.12", "lessons": 2, "reason": "болезнь"}]}


def diary_png(facts: Facts, target: Path, *, top: float = 0.45) -> Path:
    """The sample diary's first page as ``target`` (PNG): its ``top`` part (the week; the rest of
    the A4 page is empty) cut by poppler's ``pdftoppm``, else the whole page drawn by Typst."""
    template = template_path(facts.settings.workspace, TEMPLATE)
    data = json.dumps({"diaries": [sample(facts)]}, ensure_ascii=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    compile_ = lambda **kw: typst.compile(str(template), root=str(template.parent), sys_inputs={"data": data}, **kw)
    if shutil.which("pdftoppm") is None:
        pages = compile_(format="png", ppi=PPI)
        target.write_bytes(cast(bytes, pages[0] if isinstance(pages, list) else pages))
        return target
    with tempfile.TemporaryDirectory(prefix="zhurnal-diary-") as scratch:
        pdf = Path(scratch) / "diary.pdf"
        pdf.write_bytes(cast(bytes, compile_()))
        width, height = round(210 / 25.4 * PPI), round(297 / 25.4 * PPI)     # A4 at PPI
        subprocess.run(["pdftoppm", "-png", "-singlefile", "-r", str(PPI), "-f", "1", "-l", "1", "-x", "0", "-y", "0",
                        "-W", str(width), "-H", str(round(height * top)), str(pdf), str(Path(scratch) / "page")],
                       check=True, capture_output=True, timeout=60)
        target.write_bytes((Path(scratch) / "page.png").read_bytes())
    return target
