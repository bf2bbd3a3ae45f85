"""``zhurnal docs site DIR``: a small static site for the school's web site, about the journal.

Plain HTML and one CSS file, no JavaScript, in Russian, meant to be readable on a phone and by a
screen reader: ``lang="ru"``, one ``h1`` per page, a skip link, a labelled navigation, tables
with captions and header cells, alt text on the one picture, dark text on white (contrast well
above WCAG AA's 4.5:1). Pages: the regulation (and its PDF), how parents get and open the diary
(with the sample diary picture), whom to ask, the year's calendar, the bell schedule.

No personal data: the regulation's public copy names roles, not people; the calendar and bells
are the setup's; «whom to ask» is ``[docs] contact`` and the roles. Every page links only to
files of the site (``tests/test_docs_site.py`` checks each ``href`` and ``src``).
"""

from __future__ import annotations

import os
from html import escape
from importlib import resources
from pathlib import Path

from zhurnal.core.atomic import PUBLIC_FILE, write_bytes
from zhurnal.docs.facts import Facts, Period
from zhurnal.docs.model import Document, Made, Table, numbered
from zhurnal.docs.regulation_text import date, regulation
from zhurnal.docs.sample_diary import diary_png
from zhurnal.docs.typeset import pdf_bytes

REGULATION_PDF = "polozhenie.pdf"
DIARY_PNG = "dnevnik-primer.png"
PAGES = (("index.html", "Главная"), ("polozhenie.html", "Положение"), ("roditelyam.html", "Родителям"),
         ("kontakty.html", "К кому обращаться"), ("kalendar.html", "Календарь"), ("zvonki.html", "Звонки"))


def _page(facts: Facts, name: str, title: str, body: str) -> str:
    current = ' aria-current="page"'
    nav = "".join(f'<li><a href="{href}"{current if href == name else ""}>{escape(label)}</a></li>'
                  for href, label in PAGES)
    return f"""<!DOCTYPE html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} — электронный журнал {escape(facts.school)}</title>
<link rel="stylesheet" href="style.css">
</head>
<body>
<a class="skip" href="#main">Перейти к содержанию</a>
<header>
<p class="school">{escape(facts.school)}</p>
<nav aria-label="Разделы"><ul>{nav}</ul></nav>
</header>
<main id="main">
<h1>{escape(title)}</h1>
{body}
</main>
<footer><p>Электронный журнал {escape(facts.school)}{", " + escape(facts.year) + " учебный год" if facts.year else ""}.</p></footer>
</body>
</html>
"""


def _table(table: Table) -> str:
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in table.header)
    rows = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in table.rows)
    caption = f"<caption>{escape(table.caption)}</caption>" if table.caption else ""
    return f'<div class="wide"><table>{caption}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>'


def _document(doc: Document) -> str:
    out = [f'<p><a href="{REGULATION_PDF}">Положение в формате PDF</a></p>']
    for n, part in enumerate(doc.parts, 1):
        out.append(f"<h2>{n}. {escape(part.title)}</h2>")
        for clause, item in numbered(n, part):
            if isinstance(item, Table):
                out.append(_table(item))
            elif isinstance(item, str):
                out.append(f'<p class="sub">{escape(item)}</p>' if not clause else
                           f"<p><span class=\"no\">{clause}</span> {escape(item)}</p>")
    return "\n".join(out)


def _index(facts: Facts) -> str:
    return ("<p>В школе ведётся электронный классный журнал. Учителя каждую неделю вносят отметки, темы уроков, "
            "домашние задания и пропуски, а родители получают по электронной почте дневник своего ребёнка "
            "за неделю.</p>\n<ul>"
            '<li><a href="polozhenie.html">Положение о ведении электронного классного журнала</a></li>'
            '<li><a href="roditelyam.html">Как родителям получить и открыть дневник</a></li>'
            '<li><a href="kontakty.html">К кому обращаться с вопросами</a></li>'
            '<li><a href="kalendar.html">Календарь учебного года</a></li>'
            '<li><a href="zvonki.html">Расписание звонков</a></li></ul>')


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) of a PNG from its IHDR chunk (the page reserves the picture's space)."""
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


def _parents(facts: Facts, size: tuple[int, int]) -> str:
    encrypt = facts.settings.diary.encrypt
    return (
        "<h2>Как приходит дневник</h2>\n"
        "<p>Каждую неделю на адрес электронной почты, который вы сообщили классному руководителю, приходит письмо "
        f"с дневником вашего ребёнка в формате PDF. Письмо отправляется с адреса "
        f"{escape(facts.settings.mail.sender_address)}. Если детей в школе несколько, все дневники приходят одним "
        "письмом. Семьям без электронной почты классный руководитель выдаёт дневник в печатном виде.</p>\n"
        "<h2>Как открыть дневник</h2>\n"
        "<p>Откройте вложение письма в браузере, в приложении для чтения PDF или на телефоне.</p>\n"
        + ("<p>Дневник защищён паролем. Пароль вам выдаёт классный руководитель на листке доступа. Вводите его "
           "маленькими латинскими буквами и цифрами без пробелов. Если вы потеряли листок, попросите новый.</p>\n"
           if encrypt else "")
        + "<h2>Что в дневнике</h2>\n"
        "<p>По дням недели: уроки, темы, домашние задания, отметки и вид работы. Отметка показана в рамке, "
        "например 5. Две отметки за один урок (например, за диктант: 5 и 4) стоят рядом. Если ребёнок "
        "отсутствовал, вместо отметки написано «отсутствовал(а)», а внизу — сколько уроков пропущено и по "
        "какой причине. Ниже — средние баллы за четверть (полугодие): ребёнка и класса.</p>\n"
        f'<figure><a href="{DIARY_PNG}"><img src="{DIARY_PNG}" width="{size[0]}" height="{size[1]}" alt="Пример страницы дневника: понедельник, '
        'математика — отметка 5 за ответ на уроке; русский язык — две отметки 5 и 4 за диктант; вторник — '
        'ученик отсутствовал на двух уроках по болезни; ниже средние баллы ученика и класса."></a>'
        "<figcaption>Пример дневника (ученик выдуман); нажмите, чтобы открыть крупно</figcaption></figure>\n"
        "<h2>Если вы нашли ошибку</h2>\n"
        "<p>Напишите классному руководителю. Исправленный дневник придёт отдельным письмом, в нём будет сказано, "
        "что изменилось.</p>")


def _contacts(facts: Facts) -> str:
    contact = facts.settings.docs.contact
    return ("<ul><li><strong>Отметки, домашние задания, пропуски, дневник не пришёл</strong> — классный "
            "руководитель вашего ребёнка.</li>"
            "<li><strong>Отметки за четверть и год, порядок ведения журнала</strong> — заместитель директора "
            "по учебно-воспитательной работе.</li>"
            "<li><strong>Письма не приходят, пароль не подходит</strong> — классный руководитель; он передаст "
            "вопрос системному администратору школы.</li></ul>"
            + (f"<p>{escape(contact)}</p>" if contact else ""))


def _grades(p: Period) -> str:
    """«1–9», «1»: short, so the table fits a phone."""
    return str(p.grade_from) if p.grade_from == p.grade_to else f"{p.grade_from}–{p.grade_to}"


def _calendar(facts: Facts) -> str:
    if not facts.periods:
        return "<p>Календарь учебного года ещё не внесён.</p>"
    terms = Table(("Период", "Классы", "Начало", "Окончание"),
                  [(p.name, _grades(p), date(p.start), date(p.end)) for p in facts.terms],
                  caption="Учебные периоды")
    rest = Table(("Название", "Классы", "С", "По"),
                 [(h.name, "все" if h.grade_from <= 1 and h.grade_to >= 11 else _grades(h),
                   date(h.start), date(h.end)) for h in facts.holidays], caption="Каникулы и праздничные дни")
    return _table(terms) + _table(rest)


def _bells(facts: Facts) -> str:
    if not facts.bells:
        return "<p>Расписание звонков ещё не внесено.</p>"
    return _table(Table(("Урок", "Начало", "Окончание"), [(str(n), a, b) for n, a, b in facts.bells],
                        caption="Расписание звонков"))


def write_site(facts: Facts, folder: Path) -> Made:
    """The site's pages, ``style.css``, the regulation's public PDF and the sample diary picture
    into ``folder`` (made if missing; the site's own files are overwritten, nothing else is touched).
    The files are readable by all (0644, unlike everything else zhurnal writes): they are public
    by purpose and copied as they are to the web server. Nothing private goes in: the
    regulation's public copy names roles, the diary picture an invented pupil."""
    made = Made()
    public = regulation(facts, public=True)
    picture = diary_png(facts, folder / DIARY_PNG)
    os.chmod(picture, PUBLIC_FILE)
    made.files.append(str(picture))
    bodies = {"index.html": _index(facts), "polozhenie.html": _document(public),
              "roditelyam.html": _parents(facts, png_size(picture.read_bytes())),
              "kontakty.html": _contacts(facts), "kalendar.html": _calendar(facts), "zvonki.html": _bells(facts)}
    titles = dict(PAGES) | {"index.html": "Электронный журнал", "polozhenie.html": public.title,
                            "roditelyam.html": "Электронный дневник: родителям"}
    for name, body in bodies.items():
        made.files.append(str(write_bytes(folder / name, _page(facts, name, titles[name], body).encode("utf-8"),
                                          PUBLIC_FILE)))
    css = (resources.files("zhurnal.docs") / "templates" / "site.css").read_bytes()
    made.files.append(str(write_bytes(folder / "style.css", css, PUBLIC_FILE)))
    made.files.append(str(write_bytes(folder / REGULATION_PDF, pdf_bytes(public, facts.settings.workspace),
                                      PUBLIC_FILE)))
    return made
