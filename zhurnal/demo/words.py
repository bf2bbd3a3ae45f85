"""What the demo's teachers write besides marks, as real ones would (issue 28): a few remarks
to pupils, a due date on longer homework, minutes on the homework of one grade (whose teachers
try the deputy's homework control, so its summary has days over the СанПиН limit), and the class
teachers' notes of the week.

Each choice draws from its own generator seeded by the place it is made (sheet, lesson, pupil),
never from the week's stream, so the demo's marks and absences stay what they were.
"""

from __future__ import annotations

import datetime as dt
import random

PRAISE = ["Отличный ответ у доски", "Активная работа на уроке", "Лучшая самостоятельная работа в классе",
          "Аккуратная и полная домашняя работа"]
WARNINGS = ["Нет домашнего задания", "Без тетради и учебника", "Разговоры на уроке, замечание",
            "Не готов к уроку"]
CLASS_NOTES = ["Родительское собрание в четверг, 3 декабря, в 18:00, кабинет классного руководителя.",
               "В пятницу классом идём в краеведческий музей: с собой сменная обувь.",
               "Со следующей недели начинаются контрольные работы за четверть, расписание — у классного "
               "руководителя."]
PUPIL_NOTES = {
    "б": "Принесите, пожалуйста, справку о болезни за пропущенные дни.",
    "": "Прошу зайти в школу в удобный день: хочу поговорить о подготовке к контрольным.",
}
REMARK_SHARE = 0.015         # of pupils' lessons: a remark to a pupil every two weeks or so
LONG_HOMEWORK = "Подготовить сообщение"     # given a week to do: its due date is typed
MINUTES_GRADE = 7                            # its teachers end each homework with its minutes
MINUTES = (15, 20, 25, 30)                   # 6–8 a day: some days over grade 7's 150 (zhurnal.publish.homework_load)


def _rng(*place: object) -> random.Random:
    return random.Random("|".join(map(str, place)))      # seeded by text: the same in every run


def lesson_words(sheet: str, key: str, students: list[int], typed: dict, homework: str | None,
                 grade: int = 0) -> dict:
    """Remarks and a due date a teacher adds to the lesson in column ``key`` of ``sheet``:
    praise after a «5», a warning now and then; a due date a week on for a long assignment; in
    :data:`MINUTES_GRADE` (``grade``), the homework's minutes at the end of its text.
    ``typed``: the sheet's cells typed so far (a pupil marked «н» gets no remark)."""
    found: dict = {}
    for student_id in students:
        rng = _rng("remark", sheet, key, student_id)
        if rng.random() >= REMARK_SHARE or typed.get((student_id, key)) == "н":
            continue
        mark = str(typed.get((student_id, key), ""))
        found[(f"remark:{student_id}", key)] = rng.choice(PRAISE if mark.startswith("5") else WARNINGS)
    if homework == LONG_HOMEWORK:
        day = dt.date.fromisoformat(key.partition("|")[0])
        found[("homework_due", key)] = day + dt.timedelta(days=7)
    if homework and grade == MINUTES_GRADE:
        found[("homework", key)] = f"{homework} ({_rng('minutes', sheet, key).choice(MINUTES)} мин)"
    return found


def register_words(class_code: str, students: list[int], absent: dict) -> dict:
    """The class teacher's notes in the register: to the whole class in two classes of three,
    and to a family or two (a child off sick: the certificate; another: a talk)."""
    found: dict = {}
    rng = _rng("notes", class_code)
    if rng.random() < 2 / 3:
        found[("class_note", "note")] = rng.choice(CLASS_NOTES)
    sick = sorted({sid for (sid, _day), (_n, reason, _) in absent.items() if sid in students and reason == "б"})
    if sick:
        found[(sick[0], "note")] = PUPIL_NOTES["б"]
    if students and rng.random() < 0.5:
        found[(rng.choice(students), "note")] = PUPIL_NOTES[""]
    return found
