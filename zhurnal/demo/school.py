"""A realistic demo school: setup and class rosters as staff would type them.

Grades 1–11 (quarters for 1–9, semesters for 10–11, a year period «Y» over both), the 2026/2027 holidays, five-day weeks
for 1–9 and six-day for 10–11, English and Informatics split into subgroups, pass/fail
subjects, grade 1 without marks, a clash-free timetable for the current periods, families
with siblings in different classes, two unrelated families of one surname in one class.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field

from zhurnal.demo.curriculum import PRIMARY_TEACHER_SUBJECTS, ROOM_PREFIX, SUBJECTS, subjects_for
from zhurnal.demo.names import SURNAMES, NameMaker, latin
from zhurnal.school.calendar import period_kind

SCHOOL_NAME = "МБОУ «Средняя общеобразовательная школа № 17»"
LETTERS = "АБВГДЕЖИКЛМНОПРСТУФ"   # parallel classes of a grade (a 4,000-pupil complex has 14)
WEEKDAYS = ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб")
TEACHER_HOURS = 27
MAIL_DOMAINS = ("mail.ru", "yandex.ru", "gmail.com", "bk.ru", "inbox.ru")

PERIODS = [
    ("Q1", "1 четверть", dt.date(2026, 9, 1), dt.date(2026, 10, 24), 1, 9),
    ("Q2", "2 четверть", dt.date(2026, 11, 5), dt.date(2026, 12, 28), 1, 9),
    ("Q3", "3 четверть", dt.date(2027, 1, 12), dt.date(2027, 3, 20), 1, 9),
    ("Q4", "4 четверть", dt.date(2027, 4, 1), dt.date(2027, 5, 26), 1, 9),
    ("H1", "1 полугодие", dt.date(2026, 9, 1), dt.date(2026, 12, 28), 10, 11),
    ("H2", "2 полугодие", dt.date(2027, 1, 12), dt.date(2027, 5, 26), 10, 11),
    ("Y", "Год", dt.date(2026, 9, 1), dt.date(2027, 5, 26), 1, 11),       # year marks, not a term
]
HOLIDAYS = [
    ("Осенние каникулы", dt.date(2026, 10, 26), dt.date(2026, 11, 3), None, None),
    ("День народного единства", dt.date(2026, 11, 4), dt.date(2026, 11, 4), None, None),
    ("Зимние каникулы", dt.date(2026, 12, 29), dt.date(2027, 1, 11), None, None),
    ("Дополнительные каникулы 1 классов", dt.date(2027, 2, 15), dt.date(2027, 2, 21), 1, 1),
    ("День защитника Отечества", dt.date(2027, 2, 23), dt.date(2027, 2, 23), None, None),
    ("Международный женский день", dt.date(2027, 3, 8), dt.date(2027, 3, 8), None, None),
    ("Весенние каникулы", dt.date(2027, 3, 22), dt.date(2027, 3, 31), None, None),
    ("Праздник Весны и Труда", dt.date(2027, 5, 1), dt.date(2027, 5, 3), None, None),
    ("День Победы", dt.date(2027, 5, 9), dt.date(2027, 5, 10), None, None),
]
BELLS = [(1, "08:30", "09:15"), (2, "09:25", "10:10"), (3, "10:30", "11:15"), (4, "11:35", "12:20"),
         (5, "12:30", "13:15"), (6, "13:25", "14:10"), (7, "14:20", "15:05")]
WORK_TYPES = [("Ответ на уроке", 1), ("Домашняя работа", 1), ("Самостоятельная работа", 1),
              ("Практическая работа", 1), ("Диктант", 1.5), ("Контрольная работа", 2)]
REASONS = [("б", "Болезнь"), ("у", "Уважительная причина"), ("н", "Без уважительной причины")]


@dataclass
class DemoSchool:
    setup: dict[str, list[dict]]
    rosters: dict[str, dict[str, list[dict]]]
    class_teachers: dict[str, str]


@dataclass
class _Staff:
    names: NameMaker
    rooms: dict[str, str] = field(default_factory=dict)
    emails: dict[str, str] = field(default_factory=dict)
    hours: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    pools: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    taken: set[str] = field(default_factory=set)

    def hire(self, subject: str, room: str | None = None) -> str:
        sex = "ж" if self.names.rng.random() < 0.8 else "м"
        while True:
            name, first = self.names.adult(sex)
            if name not in self.rooms:
                break
        count = sum(1 for r in self.rooms.values() if r.startswith(ROOM_PREFIX.get(subject, "#")))
        self.rooms[name] = room or (ROOM_PREFIX[subject] + str(count + 1) if subject in ROOM_PREFIX
                                    else str(201 + len(self.rooms)))
        surname = name.split()[0]
        self.emails[name] = f"{latin(first)[0]}.{latin(surname)}@school17.ru"
        self.pools[subject].append(name)
        return name

    def pick(self, subject: str, hours: float, avoid: str | None = None) -> str:
        for name in self.pools[subject]:
            if name != avoid and self.hours[name] + hours <= TEACHER_HOURS:
                self.hours[name] += hours
                return name
        name = self.hire(subject)
        self.hours[name] += hours
        return name


def _classes(students: int) -> list[tuple[str, int, int]]:
    per_grade = max(1, round(students / 11 / 26))
    count = per_grade * 11
    sizes = [students // count + (1 if i < students % count else 0) for i in range(count)]
    return [(f"{grade}{LETTERS[i]}", grade, sizes[(grade - 1) * per_grade + i])
            for grade in range(1, 12) for i in range(per_grade)]


def _place(units: list[tuple[str, list[tuple[str, str, str]]]], days: int, busy: set,
           rng: random.Random) -> list[tuple[int, int, str, list]]:
    """Lay a class's lesson units into (day, number) slots with no teacher in two places."""
    remaining = units[:]
    rng.shuffle(remaining)
    per_day = math.ceil(len(remaining) / days)
    placed = []
    for day in range(1, days + 1):
        today: set[str] = set()
        for number in range(1, per_day + 1):
            free = [u for u in remaining if all((t, day, number) not in busy for _, t, _ in u[1])]
            choice = next((u for u in free if u[0] not in today), free[0] if free else None)
            if choice is None:
                break
            remaining.remove(choice)
            today.add(choice[0])
            busy.update((t, day, number) for _, t, _ in choice[1])
            placed.append((day, number, choice[0], choice[1]))
    for unit in remaining:  # a seventh lesson where a teacher is still free, else it is dropped
        for day in range(1, days + 1):
            number = 1 + max((n for d, n, _, _ in placed if d == day), default=0)
            if number <= 7 and all((t, day, number) not in busy for _, t, _ in unit[1]):
                busy.update((t, day, number) for _, t, _ in unit[1])
                placed.append((day, number, unit[0], unit[1]))
                break
    return placed


def _timetable_periods(grade: int, whole_year: bool) -> list[str]:
    """The periods a class's timetable is laid out for: the current one (Q2, or H1 for grades
    10–11), or with ``whole_year`` every period of its grade (the same week all year)."""
    if not whole_year:
        return ["H1" if grade >= 10 else "Q2"]
    return [code for code, _, _, _, low, high in PERIODS if low <= grade <= high and period_kind(code) != "year"]


def _setup(classes, staff: _Staff, rng: random.Random, curriculum=subjects_for,
           whole_year: bool = False) -> tuple[dict[str, list[dict]], dict[str, str]]:
    class_rows, load, subgroups, timetable = [], [], [], []
    class_teachers: dict[str, str] = {}
    busy: set = set()
    for code, grade, _ in classes:
        primary = staff.hire("Начальные классы", room=str(100 + len(class_teachers) + 1)) if grade <= 4 else None
        units = []
        for subject, hours in curriculum(grade):
            split = SUBJECTS[subject][2]
            if primary and subject in PRIMARY_TEACHER_SUBJECTS:
                staff.hours[primary] += hours
                teachers = [("", primary)]
            elif split:
                first = staff.pick(subject, hours)
                teachers = [("1", first), ("2", staff.pick(subject, hours, avoid=first))]
                subgroups += [{"class_code": code, "subject": subject, "name": g} for g, _ in teachers]
            else:
                teachers = [("", staff.pick(subject, hours))]
            load += [{"class_code": code, "subject": subject, "subgroup": g, "teacher": t, "hours": hours}
                     for g, t in teachers]
            units += [(subject, [(g, t, staff.rooms[t]) for g, t in teachers])] * hours
        days = 6 if grade >= 10 else 5
        placed = _place(units, days, busy, rng)
        for period in _timetable_periods(grade, whole_year):
            for day, number, subject, parts in sorted(placed):
                timetable += [{"period": period, "weekday": WEEKDAYS[day - 1], "lesson_no": number,
                               "class_code": code, "subject": subject, "subgroup": g, "room": room,
                               "parity": "каждую"} for g, _, room in parts]
        class_teachers[code] = primary or ""
        class_rows.append({"code": code, "grade": grade, "days_per_week": str(days),
                           "has_marks": "нет" if grade == 1 else "да"})
    free = [t for t in staff.rooms if t not in class_teachers.values()]
    rng.shuffle(free)
    for row in class_rows:
        if not class_teachers[row["code"]]:
            class_teachers[row["code"]] = free.pop()
        row["class_teacher"] = class_teachers[row["code"]]
    setup = {
        "Школа": [{"name": SCHOOL_NAME, "year_label": "2026/2027", "year_start": dt.date(2026, 9, 1),
                   "year_end": dt.date(2027, 5, 31)}],
        "Периоды": [dict(zip(("code", "name", "start", "end", "grade_from", "grade_to"), p)) for p in PERIODS],
        "Каникулы": [dict(zip(("name", "start", "end", "grade_from", "grade_to"), h)) for h in HOLIDAYS],
        "Учителя": [{"full_name": n, "email": staff.emails[n]} for n in sorted(staff.rooms)],
        "Классы": class_rows,
        "Предметы": [{"name": n, "short": short, "scale": scale}
                     for n, (scale, short, _, _) in SUBJECTS.items()],
        "Подгруппы": subgroups,
        "Нагрузка": load,
        "Расписание": timetable,
        "Звонки": [{"lesson_no": n, "start": s, "end": e} for n, s, e in BELLS],
        "Виды работ": [{"name": n, "weight": w} for n, w in WORK_TYPES],
        "Причины пропусков": [{"code": c, "name": n} for c, n in REASONS],
    }
    return setup, class_teachers


@dataclass
class _Family:
    surname: str
    mother: dict
    father: dict | None
    father_first: str


def _parent(names: NameMaker, sex: str, surname: str, rng: random.Random, index: int) -> tuple[dict, str]:
    full, first = names.adult(sex, surname)
    roll = rng.random()
    email = None if roll < 0.07 else \
        f"{latin(first)}.{latin(full.split()[0])}{index}@{rng.choice(MAIL_DOMAINS)}"
    phone = f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-{rng.randint(10, 99)}-{rng.randint(10, 99)}"
    return {"full_name": full, "relation": "мать" if sex == "ж" else "отец", "email": email,
            "phone": phone, "receives_diary": "да" if rng.random() > 0.03 else "нет"}, first


def _family(names: NameMaker, rng: random.Random, index: int, surname: str | None = None) -> _Family:
    surname = surname or rng.choice(SURNAMES)
    mother, _ = _parent(names, "ж", surname, rng, index)
    father, father_first = _parent(names, "м", surname, rng, index)
    if rng.random() < 0.35:
        father = None  # a single-parent family; without the mother's email it is reached on paper
    return _Family(surname, mother, father, father_first)


def _rosters(classes, setup, names: NameMaker, rng: random.Random) -> dict[str, dict[str, list[dict]]]:
    split = defaultdict(list)
    for row in setup["Подгруппы"]:
        if row["name"] == "1":
            split[row["class_code"]].append(row["subject"])
    rosters, families = {}, []
    for position, (code, grade, size) in enumerate(classes):
        students, parents, used = [], [], set()
        for i in range(size):
            if position == 4 and i < 2:
                family = _family(names, rng, len(families), surname="Смирнов")  # same surname, not kin
                families.append(family)
            elif families and rng.random() < 0.08:
                family = rng.choice(families)  # a sibling of a child in another class
            else:
                family = _family(names, rng, len(families))
                families.append(family)
            sex = rng.choice("мж")
            child = names.child(sex, family.surname, family.father_first)
            while child in used:
                child = names.child(sex, family.surname, family.father_first)
            used.add(child)
            born = dt.date(2026 - 6 - grade - 1, 9, 1) + dt.timedelta(days=rng.randint(0, 364))
            students.append({"full_name": child, "birth_date": born, "sex": sex})
            for person in filter(None, (family.mother, family.father)):
                parents.append({**person, "student": child})
        students.sort(key=lambda s: s["full_name"])
        half = len(students) // 2
        for index, student in enumerate(students):
            for subject in split[code]:
                student[f"subgroup:{subject}"] = "1" if index < half else "2"
        rosters[code] = {"Ученики": students, "Родители": parents}
    return rosters


def build_school(students: int = 300, seed: int = 2026, *, classes: list[tuple[str, int, int]] | None = None,
                 curriculum=subjects_for, whole_year: bool = False) -> DemoSchool:
    """The whole demo school, reproducible for a given ``seed``. ``classes`` ((code, grade,
    size), …) replaces the classes made from ``students``; ``curriculum`` (grade → (subject,
    weekly hours), …) the full one; ``whole_year`` lays the timetable out for every period."""
    rng = random.Random(seed)
    names = NameMaker(rng)
    classes = classes or _classes(students)
    setup, class_teachers = _setup(classes, _Staff(names), rng, curriculum, whole_year)
    return DemoSchool(setup=setup, rosters=_rosters(classes, setup, names, rng), class_teachers=class_teachers)


def roster_subjects(roster: dict[str, list[dict]]) -> tuple[str, ...]:
    """The subjects a demo roster splits into subgroups (its ``subgroup:`` columns)."""
    first = roster["Ученики"][0] if roster["Ученики"] else {}
    return tuple(k.split(":", 1)[1] for k in first if k.startswith("subgroup:"))
