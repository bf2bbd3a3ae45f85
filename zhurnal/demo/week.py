"""A school week filled as staff fill it: every teacher's journal, every class register.

Absences are decided once per class and day, so the subject teachers' «н» and the class
teacher's register agree; marks follow each student's usual level; one teacher makes
mistakes, one is late, one corrects an accepted journal.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from zhurnal.demo.fill import fill_grid, grid_layout
from zhurnal.demo.words import lesson_words, register_words
from zhurnal.ingest.identify import read_metadata
from zhurnal.ingest.read import cells_of
from zhurnal.school.calendar import Week
from zhurnal.school.snapshot import School, Section
from zhurnal.templates.metadata import sections

TOPICS = {
    "Русский язык": ["Однородные члены предложения", "Причастный оборот", "Правописание -н- и -нн-",
                     "Сложноподчинённое предложение", "Обособленные определения", "Прямая речь"],
    "Математика": ["Десятичные дроби", "Сложение и вычитание дробей", "Проценты", "Решение задач на движение",
                   "Площадь прямоугольника", "Делимость чисел"],
    "Алгебра": ["Линейная функция", "Квадратные уравнения", "Теорема Виета", "Системы уравнений",
                "Неравенства", "Арифметическая прогрессия"],
    "Геометрия": ["Признаки равенства треугольников", "Теорема Пифагора", "Подобие треугольников",
                  "Вписанная окружность", "Векторы"],
    "Английский язык": ["Present Perfect", "My family", "Travelling", "Past Simple", "Reading: London"],
    "История": ["Смутное время", "Реформы Петра I", "Отечественная война 1812 года", "Древний Египет"],
    "Физика": ["Равномерное движение", "Закон Ома", "Давление", "Архимедова сила", "Работа и мощность"],
    "Биология": ["Строение клетки", "Фотосинтез", "Царство грибов", "Кровеносная система"],
    "Литература": ["«Капитанская дочка»", "Лирика Лермонтова", "«Мёртвые души»", "Басни Крылова"],
}
# Primary school learns other things than grade 5–11 under the same subject names.
PRIMARY_TOPICS = {
    1: {
        "Русский язык": ["Звуки речи. Гласные и согласные", "Слог. Ударение", "Строчная и заглавная буква А, а",
                         "Письмо буквы М, м", "Слова с сочетаниями жи–ши", "Большая буква в именах"],
        "Литературное чтение": ["Азбука: чтение слогов", "Сказка «Колобок»", "Стихи А. Барто об игрушках",
                                "Рассказы Л. Толстого для детей", "Загадки и потешки"],
        "Математика": ["Числа от 1 до 10", "Состав числа 5", "Сложение и вычитание в пределах 10",
                       "Больше, меньше, равно", "Точка. Прямая и кривая линии", "Отрезок"],
        "Окружающий мир": ["Что такое Родина?", "Что у нас над головой?", "Растения нашего края",
                           "Домашние и дикие животные", "Правила дорожного движения"],
        "Музыка": ["Музыка вокруг нас", "Песни о маме", "Звучащие картины"],
        "Изобразительное искусство": ["Рисуем осенние листья", "Изображать можно пятном", "Лепка: овощи и фрукты"],
        "Труд (технология)": ["Аппликация из осенних листьев", "Работа с пластилином", "Складывание бумаги"],
        "Физическая культура": ["Подвижные игры", "Ходьба и бег", "Прыжки на месте", "Игры с мячом"],
    },
    2: {
        "Русский язык": ["Слово и предложение", "Звуки и буквы", "Мягкий знак", "Парные согласные",
                         "Непроизносимые согласные", "Части речи"],
        "Математика": ["Числа от 1 до 100", "Сложение и вычитание двузначных чисел", "Таблица умножения на 2",
                       "Периметр многоугольника", "Задачи в два действия", "Порядок действий"],
        "Литературное чтение": ["Русские народные сказки", "Стихи об осени", "Басни И. Крылова",
                                "Рассказы Н. Носова"],
    },
}
HOMEWORK = ["§{n}, вопросы 1–3", "Упр. {n}", "№ {n}, {m}", "Выучить правило на с. {n}", "Прочитать с. {n}–{m}",
            "Подготовить сообщение", "Повторить §{n}"]
WORK_WEIGHTS = [("Ответ на уроке", 6), ("Домашняя работа", 2), ("Самостоятельная работа", 2),
                ("Практическая работа", 1), ("Контрольная работа", 1)]


@dataclass
class WeekFill:
    """What the demo typed: files per round and the absences it decided."""

    journals: dict[str, Path] = field(default_factory=dict)      # teacher → filled file
    registers: dict[str, Path] = field(default_factory=dict)     # class → filled file
    absent: dict[tuple[int, object], tuple[int, str, set[int]]] = field(default_factory=dict)
    values: dict[str, dict] = field(default_factory=dict)        # teacher → typed values


def decide_absences(school: School, week: Week, rng: random.Random) -> dict:
    """(student id, day) → (lessons missed, reason, lesson numbers missed)."""
    found = {}
    for code in school.classes:
        days = school.school_days(code, week)
        for student in school.class_students(code, week.monday, week.sunday):
            roll = rng.random()
            if roll < 0.05 and days:
                start = rng.randrange(len(days))
                reason = "б" if rng.random() < 0.8 else "у"
                for day in days[start:start + rng.randint(1, 3)]:
                    total = school.lessons_per_day(code, day)
                    found[(student["id"], day)] = (total, reason, set(range(1, total + 1)))
            elif roll < 0.08 and days:
                day = rng.choice(days)
                total = school.lessons_per_day(code, day)
                missed = min(2, total)
                found[(student["id"], day)] = (missed, rng.choice("ун"), set(range(1, missed + 1)))
    return found


def _mark(level: float, rng: random.Random, allow_plus_minus: bool) -> str:
    mark = str(max(2, min(5, round(rng.gauss(level, 0.7)))))
    if allow_plus_minus and rng.random() < 0.05:
        mark += "+" if mark != "5" else "-"
    if rng.random() < 0.03:
        mark += "/" + str(max(2, min(5, int(mark[0]) - 1)))
    return mark


def journal_values(school: School, section: Section, keys: list[str], student_ids: list[int],
                   absent: dict, rng: random.Random, counter: list[int], allow_plus_minus: bool,
                   mark_share: float = 0.3) -> dict:
    """Typed cells of one journal sheet; ``mark_share``: the chance a present pupil gets a mark
    in an ordinary lesson (0.9 in a test)."""
    values = {}
    scale = school.subjects[section.subject]["scale"]
    grade = school.grade(section.class_code)
    topics = None
    if grade <= 4:   # grades 3–4 take grade 2's topics: decimal fractions are grade 5 and up
        topics = PRIMARY_TOPICS[min(grade, 2)].get(section.subject) or PRIMARY_TOPICS[1].get(section.subject)
    topics = topics or TOPICS.get(section.subject) or [f"{section.subject}: изучение новой темы",
                                                       "Повторение пройденного", "Практическое занятие"]
    for key in keys:
        if key.startswith("extra"):
            continue
        day_text, _, number = key.partition("|")
        counter[0] += 1
        work_type = rng.choices([w for w, _ in WORK_WEIGHTS], [c for _, c in WORK_WEIGHTS])[0]
        values[("topic", key)] = topics[counter[0] % len(topics)]
        n = rng.randint(5, 60)
        homework = rng.choice(HOMEWORK).format(n=n, m=n + rng.randint(1, 5))   # drawn always: same stream
        if grade > 1:   # no homework in grade 1 (СанПиН 1.2.3685-21: without homework or marks)
            values[("homework", key)] = homework
        values[("work_type", key)] = work_type
        values[("ict", key)] = "да" if rng.random() < 0.3 else "нет"
        share = 0.9 if work_type in ("Контрольная работа", "Самостоятельная работа") else mark_share
        for student_id in student_ids:
            missing = absent.get((student_id, day_text))
            if missing and int(number) in missing[2]:
                values[(student_id, key)] = "н"
            elif rng.random() < 0.01:
                values[(student_id, key)] = "оп"
            elif school.classes[section.class_code]["has_marks"] and rng.random() < share:
                if scale == "pass":
                    values[(student_id, key)] = "зач" if rng.random() < 0.93 else "незач"
                else:
                    level = 3.2 + (student_id * 7919 % 100) / 55  # each student's usual level, 3.2–5
                    values[(student_id, key)] = _mark(level, rng, allow_plus_minus)
    return values


def fill_week(school: School, templates: list[Path], out: Path, week: Week, rng: random.Random,
              *, allow_plus_minus: bool = True, mark_share: float = 0.3) -> WeekFill:
    """Fill every issued journal and register of ``week`` into ``out``."""
    filled = WeekFill(absent=decide_absences(school, week, rng))
    by_day = {(student_id, day.isoformat()): value for (student_id, day), value in filled.absent.items()}
    counter = [0]
    for path in templates:
        meta = read_metadata(cells_of(path))
        layout = grid_layout(path)
        values = {}
        for info in sections(meta).get("sheets", []):
            ids, keys = layout[info["sheet"]]
            students = [i for i in ids if isinstance(i, int)]
            if meta["kind"] == "journal":
                section = Section(info["class_code"], info["subject"], info["subgroup"])
                typed = journal_values(school, section, keys, students, by_day, rng, counter, allow_plus_minus,
                                       mark_share)
                for key in keys:
                    if "|" in key and ("topic", key) in typed:
                        typed.update(lesson_words(info["sheet"], key, students, typed, typed.get(("homework", key)),
                                                  school.grade(info["class_code"])))
                values[info["sheet"]] = typed
            else:
                sheet = {}
                for (student_id, day), (missed, reason, _) in filled.absent.items():
                    if student_id in students and f"{day.isoformat()}|count" in keys:
                        sheet[(student_id, f"{day.isoformat()}|count")] = missed
                        sheet[(student_id, f"{day.isoformat()}|reason")] = reason
                if "note" in keys:
                    sheet.update(register_words(info["class_code"], students, filled.absent))
                values[info["sheet"]] = sheet
        target = fill_grid(path, out / path.name, values)
        if meta["kind"] == "journal":
            filled.journals[meta["author"]] = target
            filled.values[meta["author"]] = values
        else:
            filled.registers[sections(meta)["sheets"][0]["class_code"]] = target
    return filled
