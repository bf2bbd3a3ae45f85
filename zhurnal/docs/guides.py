"""``zhurnal docs guides``: a PDF guide for each role — subject teacher, class teacher, parent,
sysadmin — typeset by Typst like the diaries, illustrated with this school's own workbooks
(:mod:`zhurnal.docs.pictures`, rendered now, so a changed template changes the picture) and the
sample diary (:mod:`zhurnal.docs.sample_diary`). The numbers they state (deadline, editing window,
marks, backups) are the workspace's, as in the regulation. Without LibreOffice a guide says so in
one line and goes without the workbooks' pictures.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from zhurnal.core.atomic import write_bytes
from zhurnal.docs.facts import Facts
from zhurnal.docs.model import Document, Figure, Made, Part
from zhurnal.docs.pictures import render
from zhurnal.docs.regulation_text import days, days_of
from zhurnal.docs.sample_diary import diary_png
from zhurnal.docs.typeset import pdf_bytes

FILES = {"teacher": "Памятка_учителя.pdf", "class_teacher": "Памятка_классного_руководителя.pdf",
         "parent": "Памятка_для_родителей.pdf", "sysadmin": "Памятка_системного_администратора.pdf"}
MARKS = ("В клетку урока пишут: отметку («5», «4», …); две отметки за один урок — через «/»: «5/4»; "
         "«н» — ученик отсутствовал; «оп» — опоздал. Отметка и «н» в одной клетке — ошибка.")


def _figure(pictures: dict[str, Path], key: str, caption: str) -> list:
    return [Figure(str(pictures[key]), caption)] if key in pictures else []


def _marks_part(f: Facts, pictures: dict[str, Path]) -> Part:
    plus = "со знаками «+» и «−» («4+»)" if f.settings.marks.allow_plus_minus else "без знаков «+» и «−»"
    return Part("Как выглядят отметки и пропуски").add(
        MARKS, f"Отметки ставятся по пятибалльной шкале {plus}.",
        *_figure(pictures, "diary", "Так отметка, двойная отметка «5/4» и отсутствие «н» выглядят в дневнике родителя"))


def _feedback_part(f: Facts, pictures: dict[str, Path]) -> Part:
    return Part("Если книга вернулась с замечаниями").add(
        "Если в книге есть ошибки, она не принимается целиком. Вы получаете обратно свою же книгу с пометкой "
        "«_ошибки» в имени файла: ячейки с ошибками выделены цветом и снабжены примечанием, а на первом листе "
        "перечислены все замечания — ученик, дата, урок, что не так и что сделать, и ссылка на ячейку.",
        "Исправьте отмеченные ячейки в этой же книге (или в своей исходной), сохраните и сдайте снова тем же "
        "путём. Предупреждения (не ошибки) книгу не останавливают: она уже принята.",
        f"Книга, сданная в срок и возвращённая с замечаниями, считается сданной в срок, если исправленная принята "
        f"в течение {days_of(f.settings.journal.edit_window_days)} после окончания недели.",
        *_figure(pictures, "feedback", "Первый лист книги с замечаниями: перечень того, что исправить"))


def teacher(f: Facts, pictures: dict[str, Path]) -> Document:
    j = f.settings.journal
    return Document("Памятка учителя-предметника", subtitle="Как заполнять электронный журнал", school=f.school, parts=[
        Part("Ваша книга на неделю").add(
            "Каждую неделю вы получаете рабочую книгу журнала: по листу на каждый класс (подгруппу) и предмет. "
            "Строки — ученики, столбцы — уроки недели по расписанию; есть запасные столбцы для дополнительных уроков.",
            "Заполненную книгу сдайте не позднее воскресенья этой недели (до 23:59): положите в свою папку или "
            "отправьте письмом со своего адреса. Книга, сданная по чужому каналу, не принимается.",
            *_figure(pictures, "journal", "Лист книги журнала вашей школы")),
        _marks_part(f, pictures),
        Part("Под таблицей").add(
            "Для каждого урока заполните тему, домашнее задание, вид работы и использование ИКТ. Вид работы "
            "определяет вес отметки в среднем балле.",
            f"Исправлять уроки старше {days_of(j.edit_window_days)} можно, но "
            + ("такая книга не будет принята." if j.edit_window_severity == "error"
               else "заместитель директора увидит предупреждение.")),
        _feedback_part(f, pictures),
    ])


def class_teacher(f: Facts, pictures: dict[str, Path]) -> Document:
    reasons = "; ".join(f"«{code}» — {name.lower()}" for code, name in f.reasons) or "«б», «у», «н»"
    return Document("Памятка классного руководителя", subtitle="Список класса, посещаемость, дневники",
                    school=f.school, parts=[
        Part("Список класса").add(
            "Каждую неделю проверяйте список класса: ученики, родители, адреса электронной почты и телефоны, кто "
            "получает дневник. Изменения внесите в книгу списка и сдайте её.",
            "Выбывшего ученика не удаляйте: укажите дату выбытия и номер приказа.",
            *_figure(pictures, "roster", "Лист «Ученики» книги списка класса")),
        Part("Посещаемость").add(
            f"Каждую неделю заполняйте ведомость посещаемости: сколько уроков ученик пропустил в день и причину: {reasons}.",
            *_figure(pictures, "attendance", "Ведомость посещаемости вашей школы")),
        _marks_part(f, pictures),
        Part("Дневники").add(
            "Родители получают дневник каждую неделю по электронной почте. Семьям без почты распечатайте дневники "
            "из папки печати класса."
            + (" Дневники зашифрованы: выдайте родителям листы доступа с паролями." if f.settings.diary.encrypt else "")),
        _feedback_part(f, pictures),
    ])


def parent(f: Facts, pictures: dict[str, Path]) -> Document:
    return Document("Памятка для родителей", subtitle="Электронный дневник", school=f.school, parts=[
        Part("Как приходит дневник").add(
            f"Каждую неделю на ваш адрес электронной почты приходит письмо с адреса {f.settings.mail.sender_address} "
            "с дневником ребёнка в формате PDF. Если детей несколько, все дневники приходят одним письмом.",
            "Откройте вложение в браузере, в программе для чтения PDF или на телефоне."
            + (" Когда программа спросит пароль, введите пароль с листка доступа маленькими латинскими буквами "
               "без пробелов." if f.settings.diary.encrypt else "")),
        Part("Что в дневнике").add(
            "По дням недели: уроки, темы, домашние задания, отметки. Отметка показана в рамке; две отметки за "
            "один урок стоят рядом; если ребёнок отсутствовал, написано «отсутствовал(а)».",
            "Внизу — средние баллы ребёнка и класса за четверть (полугодие) и пропуски за неделю с причиной.",
            *_figure(pictures, "diary", "Пример дневника (ученик выдуман)")),
        Part("Если вы нашли ошибку").add(
            "Напишите классному руководителю. Исправленный дневник придёт отдельным письмом с перечнем изменений."),
    ])


def sysadmin(f: Facts, pictures: dict[str, Path]) -> Document:
    b = f.settings.backup
    return Document("Памятка системного администратора", subtitle="Настройка, еженедельная работа, копии",
                    school=f.school, parts=[
        Part("Настройка школы").add(
            "Книгу настройки (zhurnal templates setup) заполните в начале года: периоды, каникулы, учителя, классы, "
            "предметы, подгруппы, нагрузка, расписание, звонки, виды работ и веса, причины пропусков. Положите её "
            "во входящую папку и выполните zhurnal ingest.",
            *_figure(pictures, "setup", "Лист «Периоды» книги настройки")),
        Part("Каждую неделю").add(
            "zhurnal run по расписанию (каждые 15 минут) делает всё, что пора: забирает почту, принимает книги, "
            "публикует дневники и сводки, рассылает письма, делает резервную копию.",
            "zhurnal status показывает, что принято и что отклонено; zhurnal doctor — состояние программы; "
            "zhurnal doctor --bundle ФАЙЛ собирает пакет для службы поддержки без персональных данных."),
        Part("Резервные копии").add(
            f"Копия делается раз в {days(b.every_days)} и записывается не менее чем в {b.min_destinations} места; "
            f"если последней проверенной копии больше {days_of(b.max_age_days)}, zhurnal status предупреждает."),
        _feedback_part(f, pictures),
    ])


GUIDES = {"teacher": teacher, "class_teacher": class_teacher, "parent": parent, "sysadmin": sysadmin}


def write_guides(facts: Facts, folder: Path) -> Made:
    """The four guides into ``folder``; the notes say which pictures are missing and why."""
    made = Made()
    with tempfile.TemporaryDirectory(prefix="zhurnal-guides-") as scratch:
        pictures, notes = render(facts.settings.workspace, Path(scratch))
        pictures["diary"] = diary_png(facts, Path(scratch) / "diary.png")
        made.notes += notes
        for key, build in GUIDES.items():
            doc = build(facts, pictures)
            if notes:
                doc.subtitle += "\n" + "; ".join(notes)
            target = write_bytes(folder / FILES[key], pdf_bytes(doc, facts.settings.workspace))
            made.files.append(str(target))
    return made
