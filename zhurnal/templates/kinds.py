"""The workbook kinds zhurnal issues: setup (school configuration) and roster (one class)."""

from __future__ import annotations

from zhurnal.templates.spec import YES_NO, Choices, Field, FieldType as T, SheetSpec, WorkbookSpec

WEEKDAYS = Choices(labels=("Пн", "Вт", "Ср", "Чт", "Пт", "Сб"), values=(1, 2, 3, 4, 5, 6))
SCALES = Choices(labels=("5-балльная", "зачёт/незачёт", "без отметок"),
                 values=("5", "pass", "none"))
PARITY = Choices(labels=("каждую", "нечётная", "чётная"), values=("", "odd", "even"))
SEX = Choices(labels=("м", "ж"))
DAYS = Choices(labels=("5", "6"), values=(5, 6))


def _ref(sheet: str, column: str) -> Choices:
    return Choices(sheet=sheet, column=column)


CLASSES = _ref("Классы", "code")
SUBJECTS = _ref("Предметы", "name")
TEACHERS = _ref("Учителя", "full_name")
PERIODS = _ref("Периоды", "code")

SETUP = WorkbookSpec(kind="setup", version=1, title="Настройка школы", sheets=(
    SheetSpec("Школа", rows=1, fields=(
        Field("name", "Полное название школы", required=True, width=50),
        Field("year_label", "Учебный год", required=True, width=14, note="Например, 2026/2027"),
        Field("year_start", "Начало учебного года", T.DATE, required=True, width=20),
        Field("year_end", "Конец учебного года", T.DATE, required=True, width=20),
    )),
    SheetSpec("Периоды", rows=30, fields=(
        Field("code", "Код", required=True, width=8, note="Короткий код: Q1…Q4 для четвертей, H1, H2 для полугодий"),
        Field("name", "Название", required=True, width=22),
        Field("start", "Начало", T.DATE, required=True, width=14),
        Field("end", "Окончание", T.DATE, required=True, width=14),
        Field("grade_from", "С параллели", T.INT, required=True, width=12),
        Field("grade_to", "По параллель", T.INT, required=True, width=12),
    )),
    SheetSpec("Каникулы", rows=40, fields=(
        Field("name", "Название", required=True, width=34),
        Field("start", "Начало", T.DATE, required=True, width=14),
        Field("end", "Окончание", T.DATE, required=True, width=14),
        Field("grade_from", "С параллели", T.INT, width=12, note="Пусто — для всех"),
        Field("grade_to", "По параллель", T.INT, width=12),
    )),
    SheetSpec("Учителя", rows=300, fields=(
        Field("full_name", "ФИО", T.NAME, required=True, width=36),
        Field("email", "Электронная почта", T.EMAIL, width=32),
    )),
    SheetSpec("Классы", rows=120, fields=(
        Field("code", "Класс", required=True, width=8, note="Например, 7А"),
        Field("grade", "Параллель", T.INT, required=True, width=10),
        Field("days_per_week", "Дней в неделе", T.CHOICE, required=True, choices=DAYS, width=12),
        Field("class_teacher", "Классный руководитель", T.CHOICE, choices=TEACHERS, width=36),
        Field("has_marks", "Ставятся отметки", T.BOOL, required=True, choices=YES_NO, width=14,
              note="«нет» для 1 класса: только посещаемость, темы и задания"),
    )),
    SheetSpec("Предметы", rows=80, fields=(
        Field("name", "Предмет", required=True, width=30),
        Field("short", "Сокращение", width=12),
        Field("scale", "Оценивание", T.CHOICE, required=True, choices=SCALES, width=16),
    )),
    SheetSpec("Подгруппы", rows=400, fields=(
        Field("class_code", "Класс", T.CHOICE, required=True, choices=CLASSES, width=8),
        Field("subject", "Предмет", T.CHOICE, required=True, choices=SUBJECTS, width=30),
        Field("name", "Подгруппа", required=True, width=12, note="Например, 1 и 2; состав — в списке класса"),
    )),
    SheetSpec("Нагрузка", rows=1500, fields=(
        Field("class_code", "Класс", T.CHOICE, required=True, choices=CLASSES, width=8),
        Field("subject", "Предмет", T.CHOICE, required=True, choices=SUBJECTS, width=30),
        Field("subgroup", "Подгруппа", width=12, note="Пусто — весь класс"),
        Field("teacher", "Учитель", T.CHOICE, required=True, choices=TEACHERS, width=36),
        Field("hours", "Часов в неделю", T.NUMBER, width=12),
    )),
    SheetSpec("Расписание", rows=3000, fields=(
        Field("period", "Период", T.CHOICE, required=True, choices=PERIODS, width=8),
        Field("weekday", "День", T.CHOICE, required=True, choices=WEEKDAYS, width=6),
        Field("lesson_no", "Урок №", T.INT, required=True, width=7),
        Field("class_code", "Класс", T.CHOICE, required=True, choices=CLASSES, width=8),
        Field("subject", "Предмет", T.CHOICE, required=True, choices=SUBJECTS, width=30),
        Field("subgroup", "Подгруппа", width=10),
        Field("room", "Кабинет", width=9),
        Field("parity", "Неделя", T.CHOICE, choices=PARITY, width=10, note="Пусто или «каждую» — каждую неделю"),
    )),
    SheetSpec("Звонки", rows=12, fields=(
        Field("lesson_no", "Урок №", T.INT, required=True, width=7),
        Field("start", "Начало", T.TIME, required=True, width=9),
        Field("end", "Окончание", T.TIME, required=True, width=9),
    )),
    SheetSpec("Виды работ", rows=40, fields=(
        Field("name", "Вид работы", required=True, width=30),
        Field("weight", "Вес", T.NUMBER, required=True, width=8),
    )),
    SheetSpec("Причины пропусков", rows=20, fields=(
        Field("code", "Код", required=True, width=6),
        Field("name", "Причина", required=True, width=30),
    )),
))


def roster_spec(subgroup_subjects: tuple[str, ...] = ()) -> WorkbookSpec:
    """The class roster; one dropdown column per subject that this class splits into subgroups."""
    subgroup_fields = tuple(
        Field(f"subgroup:{subject}", f"Подгруппа: {subject}", T.CHOICE, width=18,
              choices=Choices(named=f"subgroups:{subject}"))
        for subject in subgroup_subjects)
    students_sheet = SheetSpec("Ученики", rows=60, fields=(
        Field("id", "id", T.ID, hidden=True),
        Field("full_name", "ФИО ученика", T.NAME, required=True, width=38,
              note="Фамилия Имя Отчество. Чтобы отчислить ученика, удалите его строку."),
        Field("birth_date", "Дата рождения", T.DATE, width=14),
        Field("sex", "Пол", T.CHOICE, choices=SEX, width=6),
        *subgroup_fields,
    ))
    parents_sheet = SheetSpec("Родители", rows=150, fields=(
        Field("id", "id", T.ID, hidden=True),
        Field("full_name", "ФИО родителя (законного представителя)", T.NAME, required=True, width=38),
        Field("relation", "Кем приходится", T.CHOICE, width=14,
              choices=Choices(labels=("мать", "отец", "опекун", "бабушка", "дедушка", "другое"))),
        Field("student", "Ученик", T.CHOICE, width=38,
              choices=Choices(sheet="Ученики", column="full_name"),
              note="Если детей в классе двое, заполните по строке на каждого"),
        Field("email", "Электронная почта", T.EMAIL, width=30),
        Field("phone", "Телефон", T.PHONE, width=18),
        Field("receives_diary", "Получает дневник", T.BOOL, choices=YES_NO, width=12,
              note="«да» — дневник по почте (или на бумаге, если почты нет)"),
    ))
    exemptions_sheet = SheetSpec("Освобождения", rows=40, fields=(
        Field("student", "Ученик", T.CHOICE, required=True, width=38,
              choices=Choices(sheet="Ученики", column="full_name")),
        Field("subject", "Предмет", T.CHOICE, required=True, width=30, choices=Choices(named="subjects"),
              note="Освобождённому ученику отметки по предмету не ставятся"),
        Field("start", "С", T.DATE, required=True, width=14),
        Field("end", "По", T.DATE, required=True, width=14),
    ))
    return WorkbookSpec(kind="roster", version=1, title="Список класса",
                        sheets=(students_sheet, parents_sheet, exemptions_sheet),
                        extra={"subgroup_subjects": list(subgroup_subjects)})


LESSON_TYPES = Choices(labels=("открытие новых знаний", "комбинированный", "закрепление",
                               "обобщение и систематизация", "контроль знаний", "практикум",
                               "проектная работа"))

PLAN = WorkbookSpec(kind="plan", version=1, title="Календарно-тематический план", sheets=(
    SheetSpec("КТП", rows=250, fields=(
        Field("item_no", "№ урока", T.INT, required=True, width=8),
        Field("date", "Дата (или день недели)", T.DATE, required=True, width=14),
        Field("topic", "Тема урока", required=True, width=70),
        Field("hours", "Часов", T.NUMBER, width=7),
        Field("lesson_type", "Тип урока", T.CHOICE, choices=LESSON_TYPES, width=26),
    )),
))

# grid kinds have no table sheets: their layout lives in zhurnal.templates.grid
GRID_KINDS = ("journal", "attendance", "period")
KINDS = ("setup", "roster", "plan", *GRID_KINDS)


def spec_for(kind: str, version: int, meta: dict) -> WorkbookSpec | None:
    """The declaration a submitted workbook was issued from, or None if unknown."""
    if version != 1:
        return None
    if kind == "setup":
        return SETUP
    if kind == "roster":
        return roster_spec(tuple(meta.get("sections", {}).get("subgroup_subjects", [])))
    if kind == "plan":
        return PLAN
    if kind in GRID_KINDS:
        return WorkbookSpec(kind=kind, version=version, sheets=())
    return None
