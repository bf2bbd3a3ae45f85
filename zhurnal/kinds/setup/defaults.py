"""What a new school's setup workbook comes prefilled with: the federal defaults for the current
school year. Every row is a value the school edits (or deletes), never a rule zhurnal applies.

The calendar follows the федеральный календарный учебный график of the federal programmes
(ФОП НОО, ФОП ООО, ФОП СОО: приказы Минпросвещения России от 18.05.2023 № 372, № 370, № 371, in
their 2024 wording) and the dates the Ministry published for 2025/2026
(осенние каникулы 25.10–02.11, зимние 31.12–11.01, весенние 28.03–05.04, дополнительные для
1 классов 16.02–22.02, конец года 26 мая). The same rules give any year:

- the year starts on 1 September (on a weekend: the next Monday) and ends on 26 May (on a
  weekend: the Friday before; grades 9 and 11 end with the state exams, which the school sets);
- autumn holidays: 9 days from the Saturday on or before 25 October;
- winter holidays: 31 December to the first Sunday on or after 8 January (the New Year days off,
  Трудовой кодекс ст. 112, end on 8 January);
- spring holidays: 9 days from the last Saturday of March;
- grade 1's extra holidays: the Monday-to-Sunday week before the week of 23 February;
- quarters (grades 1–9) between the holidays; semesters (10–11): to 30 December and from the
  end of the winter holidays; the year period ``Y`` over grades 1–11;
- public holidays on school days (ст. 112: 4 November, 23 February, 8 March, 1 and 9 May; one
  falling on a weekend moves the day off to the next Monday — the Government's yearly decree may
  move it elsewhere: the school checks it).

Bells: lessons of 45 minutes with 10-minute breaks and two big breaks of 20 minutes (СанПиН
1.2.3685-21, table 6.6). Work types and weights are customary, not federal. Absence reasons б/у/н
as the class registers use them. Subjects: the federal curricula's compulsory subjects (as named
since 01.09.2024: «Труд (технология)», «Основы безопасности и защиты Родины»), marked on the
5-point scale, with ОРКСЭ and ОДНКНР without marks (pass/fail); grade 1 has no marks at all, which
the «Классы» sheet says per class («Ставятся отметки» — «нет»).
"""

from __future__ import annotations

import datetime as dt

D = dt.date
DAY = dt.timedelta(days=1)


def school_year_of(today: dt.date) -> int:
    """The calendar year the current (or, from June on, the coming) school year starts in."""
    return today.year if today.month >= 6 else today.year - 1


def _weekday_on_or_before(day: dt.date, weekday: int) -> dt.date:
    return day - dt.timedelta(days=(day.weekday() - weekday) % 7)


def _weekday_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


SAT, SUN, MON, FRI = 5, 6, 0, 4


def year_span(year: int) -> tuple[dt.date, dt.date]:
    """The first and last school day of the year starting in September of ``year``."""
    start, end = D(year, 9, 1), D(year + 1, 5, 26)
    if start.weekday() >= SAT:
        start = _weekday_on_or_after(start, MON)
    if end.weekday() >= SAT:
        end = _weekday_on_or_before(end, FRI)
    return start, end


PUBLIC_HOLIDAYS = [((11, 4), "День народного единства"), ((2, 23), "День защитника Отечества"),
                   ((3, 8), "Международный женский день"), ((5, 1), "Праздник Весны и Труда"),
                   ((5, 9), "День Победы")]


def federal_calendar(year: int) -> tuple[list[dict], list[dict]]:
    """The rows of «Периоды» and «Каникулы» for the school year starting in ``year``."""
    start, end = year_span(year)
    autumn = _weekday_on_or_before(D(year, 10, 25), SAT)
    winter, winter_end = D(year, 12, 31), _weekday_on_or_after(D(year + 1, 1, 8), SUN)
    spring = _weekday_on_or_before(D(year + 1, 3, 31), SAT)
    february = _weekday_on_or_before(D(year + 1, 2, 23), MON) - 7 * DAY

    def period(code: str, name: str, first: dt.date, last: dt.date, grades: tuple[int, int]) -> dict:
        return {"code": code, "name": name, "start": first, "end": last, "grade_from": grades[0],
                "grade_to": grades[1]}

    periods = [
        period("Q1", "1 четверть", start, autumn - DAY, (1, 9)),
        period("Q2", "2 четверть", autumn + 9 * DAY, winter - DAY, (1, 9)),
        period("Q3", "3 четверть", winter_end + DAY, spring - DAY, (1, 9)),
        period("Q4", "4 четверть", spring + 9 * DAY, end, (1, 9)),
        period("H1", "1 полугодие", start, winter - DAY, (10, 11)),
        period("H2", "2 полугодие", winter_end + DAY, end, (10, 11)),
        period("Y", "Год", start, end, (1, 11)),
    ]

    def rest(name: str, first: dt.date, last: dt.date, grades: tuple[int, int] | None = None) -> dict:
        return {"name": name, "start": first, "end": last, "grade_from": grades[0] if grades else None,
                "grade_to": grades[1] if grades else None}

    holidays = [
        rest("Осенние каникулы", autumn, autumn + 8 * DAY),
        rest("Зимние каникулы", winter, winter_end),
        rest("Дополнительные каникулы 1 классов", february, february + 6 * DAY, (1, 1)),
        rest("Весенние каникулы", spring, spring + 8 * DAY),
    ]
    for (month, day), name in PUBLIC_HOLIDAYS:
        first = D(year if month >= 9 else year + 1, month, day)
        last = _weekday_on_or_after(first, MON) if first.weekday() >= SAT else first
        if not any(h["start"] <= first <= h["end"] for h in holidays) and start <= first <= end:
            holidays.append(rest(name, first, last))
    return periods, sorted(holidays, key=lambda h: h["start"])


BELLS = [(1, "08:30", "09:15"), (2, "09:25", "10:10"), (3, "10:30", "11:15"), (4, "11:35", "12:20"),
         (5, "12:30", "13:15"), (6, "13:25", "14:10"), (7, "14:20", "15:05")]
WORK_TYPES = [("Ответ на уроке", 1), ("Домашняя работа", 1), ("Самостоятельная работа", 1),
              ("Практическая работа", 1), ("Лабораторная работа", 1), ("Проверочная работа", 1.5),
              ("Диктант", 1.5), ("Сочинение", 1.5), ("Изложение", 1.5), ("Контрольная работа", 2)]
REASONS = [("б", "Болезнь"), ("у", "Уважительная причина"), ("н", "Без уважительной причины")]
# (name, short name, scale, grades taught) of the federal curricula (the federal учебные планы of
# ФОП НОО, ООО, СОО; a school's own plan adds or drops some)
SUBJECTS = [
    ("Русский язык", "Рус. яз.", "5", (1, 11)),
    ("Литературное чтение", "Лит. чт.", "5", (1, 4)),
    ("Литература", "Лит-ра", "5", (5, 11)),
    ("Иностранный язык", "Ин. яз.", "5", (2, 11)),
    ("Математика", "Матем.", "5", (1, 6)),
    ("Алгебра", "Алгебра", "5", (7, 9)),
    ("Алгебра и начала математического анализа", "Алгебра", "5", (10, 11)),
    ("Геометрия", "Геом.", "5", (7, 11)),
    ("Вероятность и статистика", "Вер. и стат.", "5", (7, 11)),
    ("Информатика", "Информ.", "5", (7, 11)),
    ("Окружающий мир", "Окр. мир", "5", (1, 4)),
    ("История", "История", "5", (5, 11)),
    ("Обществознание", "Общ.", "5", (6, 11)),
    ("География", "Геогр.", "5", (5, 11)),
    ("Биология", "Биол.", "5", (5, 11)),
    ("Физика", "Физика", "5", (7, 11)),
    ("Химия", "Химия", "5", (8, 11)),
    ("Основы религиозных культур и светской этики", "ОРКСЭ", "pass", (4, 4)),
    ("Основы духовно-нравственной культуры народов России", "ОДНКНР", "pass", (5, 6)),
    ("Изобразительное искусство", "ИЗО", "5", (1, 7)),
    ("Музыка", "Музыка", "5", (1, 8)),
    ("Труд (технология)", "Труд", "5", (1, 9)),
    ("Основы безопасности и защиты Родины", "ОБЗР", "5", (8, 11)),
    ("Физическая культура", "Физ-ра", "5", (1, 11)),
    ("Индивидуальный проект", "Инд. проект", "5", (10, 11)),
]


def default_prefill(school_name: str, today: dt.date) -> dict[str, list[dict]]:
    """The setup workbook's rows for a school that has none yet, for the school year of ``today``
    (:func:`school_year_of`), as the store would hold them (``from_store`` shows them)."""
    year = school_year_of(today)
    start, end = year_span(year)
    periods, holidays = federal_calendar(year)
    return {
        "Школа": [{"name": school_name, "year_label": f"{year}/{year + 1}", "year_start": start, "year_end": end}],
        "Периоды": periods,
        "Каникулы": holidays,
        "Предметы": [{"name": n, "short": short, "scale": scale} for n, short, scale, _ in SUBJECTS],
        "Звонки": [{"lesson_no": n, "start": s, "end": e} for n, s, e in BELLS],
        "Виды работ": [{"name": n, "weight": w} for n, w in WORK_TYPES],
        "Причины пропусков": [{"code": c, "name": n} for c, n in REASONS],
    }
