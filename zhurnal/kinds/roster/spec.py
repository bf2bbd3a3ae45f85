"""The class roster's declaration: the pupils' sheet (with a dropdown column per subject the
class splits into subgroups, and the pupil-movement columns), the parents' and the exemptions'
sheets; and the declaration a submitted roster was issued with.
"""

from __future__ import annotations

from zhurnal.templates.metadata import sections
from zhurnal.templates.spec import YES_NO, Choices, Field, SheetSpec, WorkbookSpec
from zhurnal.templates.spec import FieldType as T
from zhurnal.text.labels import Kind

SEX = Choices(labels=("м", "ж"))
RELATIONS = Choices(labels=("мать", "отец", "опекун", "бабушка", "дедушка", "другое"))
# pupil movement: the day enrolment starts (empty: since before the year) and the day it ends
# (the pupil is no longer enrolled from that day), each with its order (see zhurnal.school.enrolment)
MOVEMENT_FIELDS = (
    Field("arrived_on", "Прибыл (дата)", T.DATE, width=14,
          note="Дата зачисления по приказу. Пусто — учится с начала учебного года"),
    Field("arrival_order", "Приказ о прибытии", T.TEXT, width=18, note="Номер и дата приказа, например «45-у от 12.01.2027»"),
    Field("left_on", "Выбыл (дата)", T.DATE, width=14,
          note="С этого дня ученик не числится в классе. Строку не удаляйте"),
    Field("leaving_order", "Приказ о выбытии", T.TEXT, width=18),
)
# the pupil's card: private contacts (never in a diary, a letter or a summary)
CONTACT_FIELDS = (
    Field("address", "Адрес проживания", T.TEXT, width=40,
          note="Личная карточка ученика: видят только классный руководитель и администрация"),
    Field("phone", "Телефон ученика", T.PHONE, width=18),
    Field("note", "Примечание", T.TEXT, width=30, note="Например, кому звонить в экстренном случае"),
)

# the pupil's own address: their own copy of the diary ([diary] pupils_from_grade; issue 28.6)
PUPIL_EMAIL = Field("email", "Электронная почта ученика", T.EMAIL, width=30,
                    note="Личный адрес ученика: с класса, указанного в настройке школы, ученик получает "
                         "свой дневник сам. Не указывайте адрес родителя")


def spec(subgroup_subjects: tuple[str, ...] = (), movement: bool = True, contacts: bool = True,
         pupil_email: bool = True) -> WorkbookSpec:
    """The class roster; one dropdown column per subject that this class splits into subgroups,
    then the movement columns (a roster issued before they existed has none: ``movement`` false),
    then the pupil's card (``contacts`` false: a roster issued before it), then the pupil's own
    address (``pupil_email`` false: a roster issued before it)."""
    subgroup_fields = tuple(
        Field(f"subgroup:{subject}", f"Подгруппа: {subject}", T.CHOICE, width=18,
              choices=Choices(named=f"subgroups:{subject}"))
        for subject in subgroup_subjects)
    students_sheet = SheetSpec("Ученики", rows=60, fields=(
        Field("id", "id", T.ID, hidden=True),
        Field("full_name", "ФИО ученика", T.NAME, required=True, width=38,
              note="Фамилия Имя Отчество. Выбывшего ученика не удаляйте: укажите дату и приказ о выбытии."),
        Field("birth_date", "Дата рождения", T.DATE, width=14),
        Field("sex", "Пол", T.CHOICE, choices=SEX, width=6),
        *subgroup_fields,
        *(MOVEMENT_FIELDS if movement else ()),
        *(CONTACT_FIELDS if contacts else ()),
        *((PUPIL_EMAIL,) if pupil_email else ()),
    ))
    parents_sheet = SheetSpec("Родители", rows=150, fields=(
        Field("id", "id", T.ID, hidden=True),
        Field("full_name", "ФИО родителя (законного представителя)", T.NAME, required=True, width=38),
        Field("relation", "Кем приходится", T.CHOICE, width=14, choices=RELATIONS),
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
    return WorkbookSpec(kind="roster", version=1, title=Kind.ROSTER.label,
                        sheets=(students_sheet, parents_sheet, exemptions_sheet),
                        extra={"subgroup_subjects": list(subgroup_subjects)})


def spec_of(meta: dict[str, str]) -> WorkbookSpec:
    """The roster declaration a submitted roster was issued with (its subgroup, movement and
    contact columns, the pupil's address)."""
    issued = sections(meta)
    return spec(tuple(issued.get("subgroup_subjects", [])), bool(issued.get("movement")), bool(issued.get("contacts")),
                bool(issued.get("pupil_email")))
