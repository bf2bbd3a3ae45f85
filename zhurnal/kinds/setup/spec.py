"""The setup workbook's declaration: its sheets, each bound to the store table it feeds (the
generator, the reader, the rules and the merge all take that binding from here), and how a
typed row becomes a stored one and back.
"""

from __future__ import annotations

from zhurnal.kinds.limits import with_store_limits
from zhurnal.templates.spec import YES_NO, Choices, Field, SheetSpec, WorkbookSpec
from zhurnal.templates.spec import FieldType as T
from zhurnal.text.labels import Kind

WEEKDAYS = Choices(labels=("Пн", "Вт", "Ср", "Чт", "Пт", "Сб"), values=(1, 2, 3, 4, 5, 6))
SCALES = Choices(labels=("5-балльная", "зачёт/незачёт", "без отметок"),
                 values=("5", "pass", "none"))
PARITY = Choices(labels=("каждую", "нечётная", "чётная"), values=("", "odd", "even"))
DAYS = Choices(labels=("5", "6"), values=(5, 6))


def _ref(sheet: str, column: str) -> Choices:
    return Choices(sheet=sheet, column=column)


def _span(name: Field, *, grades_required: bool, grades_note: str = "") -> tuple[Field, ...]:
    """A named span of dates for some grades (periods, holidays)."""
    return (name,
            Field("start", "Начало", T.DATE, required=True, width=14),
            Field("end", "Окончание", T.DATE, required=True, width=14),
            Field("grade_from", "С параллели", T.INT, required=grades_required, width=12, note=grades_note),
            Field("grade_to", "По параллель", T.INT, required=grades_required, width=12))


CLASSES = _ref("Классы", "code")
SUBJECTS = _ref("Предметы", "name")
TEACHERS = _ref("Учителя", "full_name")
PERIODS = _ref("Периоды", "code")

SPEC = with_store_limits(WorkbookSpec(kind="setup", version=1, title=Kind.SETUP.label, sheets=(
    SheetSpec("Школа", rows=1, fields=(
        Field("name", "Полное название школы", required=True, width=50),
        Field("year_label", "Учебный год", required=True, width=14, note="Например, 2026/2027"),
        Field("year_start", "Начало учебного года", T.DATE, required=True, width=20),
        Field("year_end", "Конец учебного года", T.DATE, required=True, width=20),
    )),
    SheetSpec("Периоды", rows=30, table="periods", key=("code",), fields=(
        Field("code", "Код", required=True, width=8, note="Короткий код: Q1…Q4 для четвертей, H1, H2 для полугодий, Y — учебный год (годовые отметки)"),
        *_span(Field("name", "Название", required=True, width=22), grades_required=True),
    )),
    SheetSpec("Каникулы", rows=40, table="holidays", key=("name",), fields=(
        _span(Field("name", "Название", required=True, width=34), grades_required=False,
              grades_note="Пусто — для всех")
    )),
    SheetSpec("Учителя", rows=300, table="teachers", key=("full_name",), fields=(
        Field("full_name", "ФИО", T.NAME, required=True, width=36),
        Field("email", "Электронная почта", T.EMAIL, width=32),
        Field("login", "Логин (папка)", width=16, late=True,
              note="Имя своей папки inbox/<логин>/ для сдачи книг. Пусто — из фамилии и инициалов: ivanova.mp"),
    )),
    SheetSpec("Классы", rows=120, table="classes", key=("code",), fields=(
        Field("code", "Класс", required=True, width=8, note="Например, 7А"),
        Field("grade", "Параллель", T.INT, required=True, width=10),
        Field("days_per_week", "Дней в неделе", T.CHOICE, required=True, choices=DAYS, width=12),
        Field("class_teacher", "Классный руководитель", T.CHOICE, choices=TEACHERS, width=36),
        Field("has_marks", "Ставятся отметки", T.BOOL, required=True, choices=YES_NO, width=14,
              note="«нет» для 1 класса: только посещаемость, темы и задания"),
    )),
    SheetSpec("Предметы", rows=80, table="subjects", key=("name",), fields=(
        Field("name", "Предмет", required=True, width=30),
        Field("short", "Сокращение", width=12),
        Field("scale", "Оценивание", T.CHOICE, required=True, choices=SCALES, width=16),
    )),
    SheetSpec("Подгруппы", rows=400, table="subgroups", key=("class_code", "subject", "name"), fields=(
        Field("class_code", "Класс", T.CHOICE, required=True, choices=CLASSES, width=8),
        Field("subject", "Предмет", T.CHOICE, required=True, choices=SUBJECTS, width=30),
        Field("name", "Подгруппа", required=True, width=12, note="Например, 1 и 2; состав — в списке класса"),
    )),
    SheetSpec("Нагрузка", rows=1500, table="teaching_load", key=("class_code", "subject", "subgroup"), fields=(
        Field("class_code", "Класс", T.CHOICE, required=True, choices=CLASSES, width=8),
        Field("subject", "Предмет", T.CHOICE, required=True, choices=SUBJECTS, width=30),
        Field("subgroup", "Подгруппа", width=12, note="Пусто — весь класс"),
        Field("teacher", "Учитель", T.CHOICE, required=True, choices=TEACHERS, width=36),
        Field("hours", "Часов в неделю", T.NUMBER, width=12),
    )),
    SheetSpec("Расписание", rows=3000, table="timetable",
              key=("period", "weekday", "lesson_no", "class_code", "subgroup", "parity"), fields=(
        Field("period", "Период", T.CHOICE, required=True, choices=PERIODS, width=8),
        Field("weekday", "День", T.CHOICE, required=True, choices=WEEKDAYS, width=6),
        Field("lesson_no", "Урок №", T.INT, required=True, width=7),
        Field("class_code", "Класс", T.CHOICE, required=True, choices=CLASSES, width=8),
        Field("subject", "Предмет", T.CHOICE, required=True, choices=SUBJECTS, width=30),
        Field("subgroup", "Подгруппа", width=10),
        Field("room", "Кабинет", width=9),
        Field("parity", "Неделя", T.CHOICE, choices=PARITY, width=10, note="Пусто или «каждую» — каждую неделю"),
    )),
    SheetSpec("Звонки", rows=12, table="bells", key=("lesson_no",), fields=(
        Field("lesson_no", "Урок №", T.INT, required=True, width=7),
        Field("start", "Начало", T.TIME, required=True, width=9),
        Field("end", "Окончание", T.TIME, required=True, width=11),
    )),
    SheetSpec("Виды работ", rows=40, table="work_types", key=("name",), fields=(
        Field("name", "Вид работы", required=True, width=30),
        Field("weight", "Вес", T.NUMBER, required=True, width=8),
    )),
    SheetSpec("Причины пропусков", rows=20, table="absence_reasons", key=("code",), fields=(
        Field("code", "Код", required=True, width=6),
        Field("name", "Причина", required=True, width=30),
    )),
)), also={"Школа": "schools"})

SCHOOL_FIELDS = ("name", "year_label", "year_start", "year_end")
ALL_GRADES = (0, 99)   # a holiday with no grades given is stored for every grade
BOUND = tuple(sheet for sheet in SPEC.sheets if sheet.table)
# two rows with one key are a duplicate; a repeated timetable slot is a clash, which the
# timetable rules report with the lesson it clashes with
UNIQUE = {sheet.name: sheet.key for sheet in BOUND if sheet.name != "Расписание"}


def to_store(sheet: str, values: dict) -> dict:
    """A typed row of ``sheet`` as its store table keeps it."""
    row = dict(values)
    if sheet == "Каникулы":
        row["grade_from"] = row.get("grade_from") if row.get("grade_from") is not None else ALL_GRADES[0]
        row["grade_to"] = row.get("grade_to") if row.get("grade_to") is not None else ALL_GRADES[1]
    if sheet in ("Нагрузка", "Расписание"):
        row["subgroup"] = row.get("subgroup") or ""
    if sheet == "Расписание":
        row["parity"] = row.get("parity") or ""
    if sheet == "Звонки":
        row["start"] = row["start"].strftime("%H:%M")
        row["end"] = row["end"].strftime("%H:%M")
    return row


def from_store(sheet: SheetSpec, row: dict) -> dict:
    """A stored row as the sheet shows it (choice labels, blank "all grades")."""
    row = dict(row)
    if sheet.name == "Каникулы" and (row["grade_from"], row["grade_to"]) == ALL_GRADES:
        row["grade_from"] = row["grade_to"] = None
    for item in sheet.fields:
        if item.choices is not None and item.choices.labels and item.key in row:
            labels = {value: label for label, value in item.choices.mapping().items()}
            row[item.key] = labels.get(row[item.key], row[item.key])
    return row
