"""Every sentence of the school's mail: subjects, bodies and attachment names, as
:class:`string.Template` texts filled by ``zhurnal.publish``.

Families get diaries (``diary``, a week), report cards (``report``, a period) and the year report card
(``year``, at the year close), one letter per
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
$summary$paragraph$password
$answer

$school
""")
# who reads a reply: the class teacher (or the class's own school address, [mail] reply_to)
REPLY_ONE = Template("На это письмо можно ответить: ответ получит классный руководитель — $who. "
                     "Напишите, если у вас есть вопрос или вы заметили ошибку.")
REPLY_MANY = Template("На это письмо можно ответить: ответ получат классные руководители — $who. "
                      "Напишите, если у вас есть вопрос или вы заметили ошибку.")
REPLY_NOBODY = Template("Это письмо отправлено автоматически: ответ на него никто не прочтёт. "
                        "Если у вас есть вопрос или вы заметили ошибку, $ask.")
# the documents are locked with the parent's own password ([diary] encrypt)
PASSWORD = {
    False: "Файл защищён паролем. ",
    True: "Файлы защищены паролем. ",
}
PASSWORD_WHERE = ("Пароль напечатан на листке, который вам выдал классный руководитель; вводите его "
                  "маленькими буквами, без пробелов. Если листок потерян или пароль не подходит, "
                  "попросите у классного руководителя новый листок.\n")
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
    ("year", False): Template("табель успеваемости за $title: $names.\n"
                              "В нём отметки за каждую четверть (полугодие), годовые отметки, а где они есть — "
                              "экзамены и итоговые отметки для аттестата."),
    ("year", True): Template("табели успеваемости за $title: $names.\n"
                             "В них отметки за каждую четверть (полугодие), годовые отметки, а где они есть — "
                             "экзамены и итоговые отметки для аттестата."),
}
# a correction of what the family received before
FAMILY_REPLACES = {
    ("diary", False): Template("Это исправленный дневник: он заменяет дневник за $title, отправленный вам ранее."),
    ("diary", True): Template("Это исправленные дневники: они заменяют дневники за $title, отправленные вам ранее."),
    ("report", False): Template("Это исправленный табель: он заменяет табель за $title, отправленный вам ранее."),
    ("report", True): Template("Это исправленные табели: они заменяют табели за $title, отправленные вам ранее."),
    ("year", False): Template("Это исправленный годовой табель: он заменяет табель за $title, отправленный вам ранее."),
    ("year", True): Template("Это исправленные годовые табели: они заменяют табели за $title, отправленные вам ранее."),
}
FAMILY_CHANGED = " Что изменилось:\n"
FAMILY_MARKS_SAME = "отметки за неделю прежние; изменились другие записи (средние баллы, темы, задания или пропуски)"
NAMES_AND = Template("$first и $last")                     # «Иванов Иван и Иванова Мария»
ASK_TEACHER = Template("напишите классному руководителю: $who")
ASK_TEACHERS = Template("напишите классным руководителям: $who")
ASK_NOBODY = "сообщите классному руководителю"
TEACHER_AT = Template("$name ($address)")                  # «Петрова Анна Ивановна (petrova@school17.ru)»
CLASS_TEACHER_AT = Template("$code — $name ($address)")    # the same with the class, for several classes

# what happened in the week, under «Во вложении …» (zhurnal.publish.letter_summary)
SUMMARY_PUPIL = Template("$pupil за неделю:")
SUMMARY_MARKS = Template("— отметки: $marks")               # «математика 5, 4; русский язык 3»
SUMMARY_NO_MARKS = "— новых отметок нет"
SUMMARY_ABSENT = Template("— пропуски: $days")               # «24.11 — 2 урока (болезнь)»
SUMMARY_REMARK = Template("— $date, $subject: «$text» ($author)")
SUMMARY_CLASS_NOTE = Template("От классного руководителя ($class_code): $text")
SUMMARY_PUPIL_NOTE = Template("— от классного руководителя: $text")
# when the diaries are locked ([diary] encrypt): counts only, nothing of the marks in clear text
SUMMARY_COUNTS = Template("$pupil: за неделю $marks, $absent, $remarks; подробности — в дневнике.")
MARK_WORDS = ("отметка", "отметки", "отметок")
ABSENT_WORDS = ("пропущенный урок", "пропущенных урока", "пропущенных уроков")
REMARK_WORDS = ("запись учителя", "записи учителей", "записей учителей")
LESSON_WORDS = ("урок", "урока", "уроков")

# (kind, several children, correction) → the subject's first words
FAMILY_SUBJECT_NOUN = {
    ("diary", False, False): "Дневник", ("diary", True, False): "Дневники",
    ("diary", False, True): "Исправленный дневник", ("diary", True, True): "Исправленные дневники",
    ("report", False, False): "Табель", ("report", True, False): "Табели",
    ("report", False, True): "Исправленный табель", ("report", True, True): "Исправленные табели",
    ("year", False, False): "Годовой табель", ("year", True, False): "Годовые табели",
    ("year", False, True): "Исправленный годовой табель", ("year", True, True): "Исправленные годовые табели",
}
FAMILY_SUBJECT = Template("$noun за $title: $names")
ATTACHMENT = {"diary": Template("Дневник_${pupil}_${label}.pdf"), "report": Template("Табель_${pupil}_${label}.pdf"),
              "year": Template("Табель_за_год_${pupil}_${label}.pdf")}
YEAR_CARD_TITLE = Template("$year учебный год")                 # «… за 2026/2027 учебный год»
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
SUMMARY_BODY = Template("""\
Здравствуйте!

Во вложении: $subject.
$main
Первый лист книги «Главное» — что изменилось за неделю; каждая его строка — ссылка на лист с подробностями.
""")                                                        # the subject, lower-cased
# the front page's most important lines in the letter (none: the paragraph is left out)
SUMMARY_MAIN = Template("\nГлавное ($title):\n$lines\n")
SUMMARY_LINE = Template("• $line")

# --- to class teachers ----------------------------------------------------------------------
CLASS_SUMMARY_SUBJECT = Template("Сводка по классу $code за неделю $week")
CLASS_SUMMARY_BODY = Template("""\
Здравствуйте, $teacher!

Во вложении — сводка по вашему классу $code за неделю $week: главное за неделю, динамика по неделям, \
ученики группы риска, пропуски по ученикам и причинам, предметы с малым числом отметок.
$main
Это письмо отправлено автоматически, отвечать на него не нужно.
""")
CLASS_SUMMARY_FILE = Template("Сводка_${code}_${label}.xlsx")
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
