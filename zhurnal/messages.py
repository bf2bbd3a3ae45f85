"""The message catalogue: one Russian sentence per finding code.

Messages are written for a teacher or a sysadmin who is not technical: what is wrong, where,
and what to do. Placeholders are filled with ``str.format``; an unknown placeholder leaves the
template as it is rather than failing, because a finding must never crash the batch.
"""

from __future__ import annotations

RU: dict[str, str] = {
    # whole-file problems
    "file-empty": "Файл пустой (0 байт). Сохраните книгу ещё раз и пришлите заново.",
    "file-too-large": "Файл слишком большой ({size_mb} МБ, допустимо не более {limit_mb} МБ).",
    "file-zip-bomb": "Файл после распаковки занимает слишком много места ({size_mb} МБ): "
                     "похоже, он повреждён. Пришлите исходный шаблон, заполненный заново.",
    "file-encrypted": "Книга защищена паролем на открытие. Снимите пароль "
                      "(Файл → Сведения → Защита книги) и пришлите файл заново.",
    "file-unreadable": "Файл не открывается как таблица Excel или LibreOffice ({detail}). "
                       "Пришлите книгу, выданную zhurnal, в формате .xlsx, .xls или .ods.",
    "file-unsupported-type": "Файлы с расширением «{value}» не принимаются: нужен .xlsx, .xlsm, .xls или .ods.",
    "metadata-missing": "В книге нет служебного листа «_zhurnal»: это не шаблон zhurnal "
                        "или служебный лист удалён. Возьмите новый шаблон у администратора.",
    "metadata-tampered": "Служебные данные шаблона изменены (лист «_zhurnal»). "
                         "Возьмите новый шаблон у администратора и перенесите в него данные.",
    "signed-by-other-workspace": "Шаблон выдан другой школой или другой установкой zhurnal. "
                                 "Возьмите шаблон у своего администратора.",
    "template-kind-unknown": "Неизвестный вид шаблона «{value}».",
    "template-version-unsupported": "Версия шаблона {value} не поддерживается; возьмите новый шаблон.",
    "school-mismatch": "Шаблон выдан для другой школы («{value}»).",
    "sheet-missing": "В книге нет листа «{sheet}». Не переименовывайте и не удаляйте листы шаблона.",
    "header-changed": "Заголовок столбца изменён: ожидалось «{expected}», в файле «{value}». "
                      "Не меняйте заголовки и порядок столбцов.",
    # values
    "required-missing": "Не заполнено обязательное поле «{column}».",
    "invalid-date": "«{value}» не похоже на дату. Введите дату как 01.09.2026.",
    "invalid-time": "«{value}» не похоже на время. Введите время как 08:30.",
    "invalid-number": "«{value}» не похоже на число.",
    "invalid-choice": "Значение «{value}» не из списка. Допустимо: {allowed}.",
    "formula-not-allowed": "В ячейке формула; здесь нужно само значение.",
    "duplicate-login": "Логин «{value}» уже есть у учителя в строке {first_row}: впишите в столбец «Логин» "
                       "другой (например, с полным отчеством или цифрой).",
    "login-invalid": "Логин «{value}» не подходит для имени папки: только латинские буквы, цифры и . _ -.",
    "author-mismatch": "Книга учителя «{value}» сдана через папку или адрес другого учителя ({owner}, "
                       "логин {login}) и не принята. Каждый сдаёт свои книги только через свою папку "
                       "или со своего адреса.",
    "author-folder-required": "Журналы и табели принимаются только из личной папки учителя "
                              "(inbox/<логин>/) или с его адреса почты; книга «{value}» положена в общую "
                              "папку и не принята.",
    "duplicate-key": "«{value}» встречается повторно (впервые в строке {first_row}).",
    "unknown-class": "Класс «{value}» не найден на листе «Классы».",
    "unknown-subject": "Предмет «{value}» не найден на листе «Предметы».",
    "unknown-teacher": "Учитель «{value}» не найден на листе «Учителя».",
    "unknown-period": "Учебный период «{value}» не найден на листе «Периоды».",
    "unknown-student": "Ученик «{value}» не найден на листе «Ученики».",
    "ambiguous-student": "В классе несколько учеников с именем «{value}»: уточните, о ком речь "
                         "(например, добавьте отчество).",
    "unknown-load": "Нет нагрузки для {cls}, «{subject}»{subgroup_text}: добавьте строку на лист «Нагрузка».",
    "class-not-found": "Класс «{value}» ещё не заведён. Сначала нужно загрузить книгу настройки школы.",
    "period-overlap": "Период «{value}» пересекается с периодом «{other}» для тех же параллелей.",
    "period-bad-range": "Дата окончания периода раньше даты начала.",
    "holiday-outside-year": "Каникулы ({value}) выходят за пределы учебного года "
                            "({year_start} – {year_end}).",
    "timetable-teacher-clash": "{teacher} в это время уже ведёт урок (строка {other_row}): "
                               "{weekday}, {lesson_no}-й урок.",
    "timetable-class-clash": "У класса {cls} в это время уже есть урок (строка {other_row}): "
                             "{weekday}, {lesson_no}-й урок.",
    "timetable-room-clash": "Кабинет {value} в это время уже занят (строка {other_row}).",
    "lesson-without-bell": "Для {value}-го урока нет времени звонка на листе «Звонки».",
    "weight-not-positive": "Вес вида работы должен быть больше нуля, а указан «{value}».",
    "invalid-email": "«{value}» не похоже на адрес электронной почты.",
    "invalid-phone": "«{value}» не похоже на номер телефона. Пример: +7 912 345-67-89.",
    "parent-without-student": "Родитель «{value}» не связан ни с одним учеником: укажите ученика.",
    "student-in-two-classes": "Ученик «{value}» уже числится в классе {other_class}. "
                              "Сначала его должны отчислить из того класса.",
    "subgroup-not-in-class": "В классе {cls} нет подгруппы «{value}» по предмету «{subject}» "
                             "(см. лист «Подгруппы» в настройке школы).",
    "student-name-incomplete": "ФИО «{value}» неполное: нужны хотя бы фамилия и имя.",
    # the weekly journal
    "mark-invalid": "«{value}» не похоже на отметку. Допустимо: 5, 4, 3, 2, 1 (4+, 5-, 5/4), н, оп.",
    "mark-out-of-scale": "Отметка «{value}» не из шкалы этого предмета: допустимо {allowed}.",
    "mark-modifier-not-allowed": "В школе не ставят отметки с плюсом или минусом («{value}»).",
    "mark-double-malformed": "Двойная отметка записана неверно: «{value}». Пишите через дробь: 5/4.",
    "mark-with-absence": "В одной ячейке и отметка, и «н» («{value}»): отсутствовавшему отметку не ставят.",
    "mark-student-not-in-group": "Ученик «{value}» не в этой подгруппе: отметка не может быть поставлена здесь.",
    "mark-student-exempt": "{student} освобождён(а) от предмета «{subject}»: отметка «{value}» не ставится.",
    "extra-lesson-outside-week": "Дата доп. урока {value} вне недели {week}.",
    "extra-lesson-on-holiday": "Дата доп. урока {value} приходится на каникулы или праздник ({holiday}).",
    "period-closed": "Период {period} закрыт: изменения в нём не принимаются. Обратитесь к заместителю директора.",
    "edit-window-passed": "Урок был {days} дн. назад, а править журнал можно в течение {window} дн.",
    "topic-missing": "Не указана тема урока {date} ({lesson_no}-й урок): впишите её в строку «Тема».",
    "homework-missing": "Не указано домашнее задание к уроку {date} ({lesson_no}-й урок): впишите его в строку «Домашнее задание».",
    "absence-exceeds-lessons": "Пропущено {value} уроков, а {date} у класса было {lessons}.",
    "absence-reason-unknown": "Неизвестный код причины «{value}». Допустимо: {allowed}.",
    "absence-reason-missing": "Не указана причина пропуска.",
    "period-mark-invalid": "«{value}» нельзя поставить за период. Допустимо: {allowed}.",
    "period-mark-far-from-average": "Отметка {value} отличается от среднего балла {average} больше чем на 1.",
    "period-mark-too-few-marks": "У ученика всего {count} отм. (нужно не меньше {minimum}): обычно ставят «н/а».",
    "stale-submission": "Книга сохранена {value}, а из этого же шаблона уже принята более новая "
                        "(сохранена {newest}). Старая версия не принимается.",
    "internal-error": "Книгу не удалось обработать из-за внутренней ошибки zhurnal ({detail}). "
                      "Файл оставлен во входящих; администратор увидит подробности в журнале.",
    "value-normalised": "Значение «{value}» прочитано как «{normalised}».",
    "value-too-long": "«{value}» длиннее допустимого: здесь не больше {limit} знаков (сейчас {length}). "
                      "Сократите значение.",
    "merge-conflict": "Здесь в вашей копии «{value}», а в журнале уже «{stored}» (из книги «{source}», "
                      "{author}, {when}), и в той копии, с которой вы работали, было иначе. Возьмите свежую "
                      "копию журнала у администратора или сдайте книгу, оставив здесь то значение, "
                      "которое должно быть в журнале.",
    "many-marks-deleted": "Книга удаляет {value} отметок, уже принятых в журнал: {cells}. Если это не "
                          "нарочно, сдайте исправленную книгу.",
    "mark-on-absent-day": "У ученика отметка «{value}», а по листу посещаемости он пропустил все уроки "
                          "{date}.",
    "absent-but-present-in-register": "В журнале «н», а по листу посещаемости {date} ученик был на всех "
                                      "уроках. Исправьте журнал или лист посещаемости.",
}

CATALOGUES = {"ru": RU}


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def render(code: str, locale: str = "ru", **params: object) -> str:
    """The message for ``code`` in ``locale`` with ``params`` filled in."""
    template = CATALOGUES.get(locale, RU).get(code, code)
    return template.format_map(_Keep({k: "" if v is None else v for k, v in params.items()}))
