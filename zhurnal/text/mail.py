"""Every sentence of the school's mail: subjects, bodies and attachment names, as
:class:`string.Template` texts filled by ``zhurnal.publish``.

Families get diaries (``diary``, a week) and report cards (``report``, a period), one letter per
parent with all their children; the number of children picks the singular or plural text
(``False``/``True`` in the keys below). Teachers get their rejected workbook back; the deputy
head gets the summaries. ``$name`` placeholders are filled with :meth:`Template.substitute`, so a
missing one fails loudly in tests rather than mailing a half-filled letter.
"""

from __future__ import annotations

from string import Template

# --- to families ----------------------------------------------------------------------------
FAMILY_BODY = Template("""\
Здравствуйте, $parent!

Во вложении — $what
$paragraph
Это письмо отправлено автоматически, отвечать на него не нужно. Если вы заметили ошибку, $ask.

$school
""")

# (kind, several children) → what is attached
FAMILY_WHAT = {
    ("diary", False): Template("электронный дневник за $title: $names.\n"
                               "В нём отметки, домашние задания, темы уроков, пропуски и средние баллы."),
    ("diary", True): Template("электронные дневники за $title: $names.\n"
                              "В них отметки, домашние задания, темы уроков, пропуски и средние баллы."),
    ("report", False): Template("табель успеваемости за $title: $names.\n"
                                "В нём отметки за период, средние баллы и пропуски."),
    ("report", True): Template("табели успеваемости за $title: $names.\n"
                               "В них отметки за период, средние баллы и пропуски."),
}
# a correction of what the family received before
FAMILY_REPLACES = {
    ("diary", False): Template("Это исправленный дневник: он заменяет дневник за $title, отправленный вам ранее."),
    ("diary", True): Template("Это исправленные дневники: они заменяют дневники за $title, отправленные вам ранее."),
    ("report", False): Template("Это исправленный табель: он заменяет табель за $title, отправленный вам ранее."),
    ("report", True): Template("Это исправленные табели: они заменяют табели за $title, отправленные вам ранее."),
}
FAMILY_CHANGED = " Что изменилось:\n"
FAMILY_MARKS_SAME = "отметки за неделю прежние; изменились другие записи (средние баллы, темы, задания или пропуски)"
NAMES_AND = Template("$first и $last")                     # «Иванов Иван и Иванова Мария»
ASK_TEACHER = Template("напишите классному руководителю: $who")
ASK_TEACHERS = Template("напишите классным руководителям: $who")
ASK_NOBODY = "сообщите классному руководителю"

# (kind, several children, correction) → the subject's first words
FAMILY_SUBJECT_NOUN = {
    ("diary", False, False): "Дневник", ("diary", True, False): "Дневники",
    ("diary", False, True): "Исправленный дневник", ("diary", True, True): "Исправленные дневники",
    ("report", False, False): "Табель", ("report", True, False): "Табели",
    ("report", False, True): "Исправленный табель", ("report", True, True): "Исправленные табели",
}
FAMILY_SUBJECT = Template("$noun за $title: $names")
ATTACHMENT = {"diary": Template("Дневник_${pupil}_${label}.pdf"), "report": Template("Табель_${pupil}_${label}.pdf")}
WEEK_TITLE = Template("неделю $week")                      # «… за неделю 23.11–29.11.2026»

# --- to teachers ----------------------------------------------------------------------------
FEEDBACK_SUBJECT = Template("Книга не принята: $file")
FEEDBACK_BODY = Template("""\
Здравствуйте, $teacher!

Книга «$file» не принята: $found $errors. Во вложении ваша книга, в которой \
ошибочные ячейки выделены цветом и снабжены примечаниями, а первый лист «Ошибки» содержит их список \
со ссылками.

Исправьте ячейки и сдайте книгу снова.
""")
FEEDBACK_FOUND = ("найдена", "найдены", "найдено")          # by the number of errors: 1, 3, 5
FEEDBACK_ERRORS = ("ошибка", "ошибки", "ошибок")

# the workbooks of a week (or period) handed out, and the reminder after the hand-in deadline
WORKBOOKS_SUBJECT = Template("Книги на $title")
WORKBOOKS_BODY = Template("""\
Здравствуйте, $teacher!

Во вложении ваши книги на $title: $files.
$how
""")
# the one line on how to hand them back: the teacher's own folder, and mail when the school takes it
PERIOD_TITLE = Template("период $period")                   # «Книги на период Q2»
PLANS_TITLE = "учебный год: календарно-тематические планы"
YEAR_TITLE = "конец учебного года: годовые отметки"
HAND_BACK = Template("Заполненные книги сдавайте в свою папку $folder$by_mail; "
                     "книга из чужой папки или с чужого адреса не принимается.")
HAND_BACK_MAIL = Template(" или письмом на $address со своего адреса $own")
REMINDER_SUBJECT = Template("Напоминание: не сдан журнал за $title")
REMINDER_BODY = Template("""\
Здравствуйте, $teacher!

Срок сдачи книг за $title прошёл ($deadline), а журнал ещё не принят: $missing.
$how
""")

# --- to the deputy head ---------------------------------------------------------------------
DEPUTY = "Заместитель директора"
SUMMARY_BODY = Template("Во вложении: $subject.\n")         # the subject, lower-cased
WEEK_SUMMARY_SUBJECT = Template("Сводка за неделю $week")
PERIOD_SUMMARY_SUBJECT = Template("Отчёт за $title")

# --- to the sysadmin: what a scheduled run could not do, once per problem ----------------------
ADMIN = "Системный администратор"
ADMIN_SUBJECT = Template("Электронный журнал: $what")
ADMIN_BODY = Template("""\
Здравствуйте!

Плановый запуск zhurnal ($when по времени школы) не справился сам:

$detail

Это письмо приходит один раз о каждой неполадке.
""")
ADMIN_UNANSWERED = Template("книга «$file» не принята, и сообщить автору некому")
ADMIN_UNANSWERED_DETAIL = Template("Книга «$file» (автор: $author) не принята ($codes), а письмо с ошибками "
                                   "отправить некому: у автора нет адреса в книге настройки школы. Отзыв "
                                   "с отмеченными ошибками: $feedback")
ADMIN_HELD = Template("письмо от $sender задержано")
ADMIN_HELD_DETAIL = Template("Письмо от $sender, полученное $received, не взято в журнал: $reason. "
                             "Оно лежит в папке почтового ящика для задержанных писем.")
ADMIN_BACKUP = "резервная копия не сделана"
ADMIN_BACKUP_DETAIL = Template("Резервная копия не сделана или не прошла проверку: $problem")
ADMIN_STOPPED = Template("шаг «$step» не выполнен")
ADMIN_STOPPED_DETAIL = Template("Шаг «$step» не выполнен: $problem")
NOBODY = "не указан"

# --- what publish reports it could not do ---------------------------------------------------
ADDRESS_UNUSABLE = Template("$parent: адрес «$email» нельзя использовать (русские буквы до «@»); "
                            "исправьте его в списке класса")
ADDRESS_REFUSED = Template("$parent: почтовый сервер отказался доставлять на адрес «$email», письма туда не "
                           "отправляются; исправьте адрес в списке класса $classes")
WRONG_ADDRESS_LINE = Template("$parent — «$email»")


def fill(template: Template, **values: object) -> str:
    """``template`` with every ``$name`` filled (KeyError when one is missing)."""
    return template.substitute(**values)


def templates() -> list[tuple[str, Template | str]]:
    """Every text of this module as ``(name, text)``: what the Latin-word test reads."""
    found: list[tuple[str, Template | str]] = []
    for name, value in globals().items():
        if name.isupper():
            values = value.items() if isinstance(value, dict) else [((), value)]
            for key, text in values:
                for one in (text if isinstance(text, tuple) else (text,)):
                    if isinstance(one, (Template, str)):
                        found.append((f"{name}[{key!r}]" if key else name, one))
    return found
