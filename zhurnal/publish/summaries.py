"""The deputy director's summary workbook (and the director's period report), with xlsxwriter.

Russian, print-ready (landscape, fit to width, repeated headers), frozen headers, autofilter,
native Excel charts, a colour scale on the grade sheet. Every text is written as a string, so
nothing that came from a submission can become a formula.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from zhurnal.core.atomic import writing
from zhurnal.core.settings import Settings
from zhurnal.publish.attendance import NO_REASON, Missed
from zhurnal.publish.front_page import Front, front_sheet
from zhurnal.publish.homework_sheet import LEGEND as HOMEWORK_LEGEND
from zhurnal.publish.homework_sheet import homework_sheet
from zhurnal.publish.metrics import FEW_HEADER, HEADERS, PUPIL_HEADERS, SOU_MARKS, SOU_PUPILS, metrics
from zhurnal.publish.pupil_results import period_results
from zhurnal.publish.risk import at_risk
from zhurnal.publish.summary_book import DASH, Book
from zhurnal.publish.summary_data import Result, SummaryData
from zhurnal.publish.trend_sheet import trend_sheets
from zhurnal.school.lookup import class_sort_key
from zhurnal.templates.grid import wrapped_lines

CONTROL_HEADERS = ["Учитель", "Уроков по расписанию", "С темой", "С домашним заданием", "С отметками",
                   "Журнал сдан", "Мало отметок (риск н/а)", "По КТП запланировано", "По КТП проведено",
                   "Напоминание"]
PERIOD_HEADERS = ["Результатов (N)", *HEADERS[1:]]
WEEK_HEADERS = ["С отметками за неделю (N)", *HEADERS[1:]]
# the «Пояснения» sheet: one line per column whose meaning is not obvious from its header
LEGEND = [
    ("Ведомость", "Средний", "средний балл ученика по всем предметам (среднее из средних)"),
    ("Ведомость", "пустая ячейка", "отметок по предмету в этом периоде нет"),
    ("Метрики", "За период", "по отметке за период, а где её ещё нет — по отметке, которую даёт средний балл"),
    ("Метрики", "Результатов (N)", "результатов «ученик × предмет» в группе: ученики, числящиеся на дату отчёта, "
                                   "кроме освобождённых; н/а входят в N, ученики без единой отметки по предмету — "
                                   "нет (как в формулах «Сетевого города»; [metrics] n_rule = \"enrolled\" — входят как н/а)"),
    ("Метрики", "По классам (по ученикам)", "каждый ученик считается один раз по всем предметам (и зачётным): отличники — "
                                            "только «5»; хорошисты — «4» и «5»; с одной «3»; с «3» — две и больше; "
                                            "неуспевающие — есть «2» или «незач»; н/а — не аттестован по предмету"),
    ("Метрики", "Успеваемость по ученикам", "(N − неуспевающие − н/а) × 100 / N; качество — (отличники + хорошисты) × 100 / N"),
    ("Метрики", SOU_PUPILS, "по классам, каждый ученик по своей группе: (отличники·100 + хорошисты·64 + с «3»·36 + "
                            "неуспевающие·16 + н/а·7) / N, N — ученики"),
    ("Метрики", SOU_MARKS, "по классам, обычная степень обученности (В. П. Симонов) по всем результатам «ученик × предмет» "
                           "класса: («5»·100 + «4»·64 + «3»·36 + «2»·16 + н/а·7) / N, N — результаты; зачётные "
                           "предметы не входят. Число другое, чем «по ученикам»: ученик с одной «3» весит там 36 "
                           "при любых остальных отметках"),
    ("Итоги по ученикам", SOU_PUPILS, "каждый ученик по своей группе: (отличники·100 + хорошисты·64 + с «3»·36 + "
                                      "неуспевающие·16 + н/а·7) / N, N — ученики"),
    ("Итоги по ученикам", SOU_MARKS, "обычная степень обученности (В. П. Симонов) по всем результатам «ученик × "
                                     "предмет» класса за период (за год — по годовым отметкам): («5»·100 + «4»·64 + "
                                     "«3»·36 + «2»·16 + н/а·7) / N, N — результаты; зачётные предметы не входят"),
    ("Метрики", "Без отметок (вне N)", "учеников без единой отметки (по предмету; по классу — ни по одному предмету)"),
    ("Метрики", "Мало отметок (вне N)", "идёт период: отметок меньше, чем положено к этой неделе — минимум для отметки "
                                        "за период, умноженный на долю прошедших недель периода (неделя 2 из 9 при "
                                        "минимуме 3: меньше 3 × 2/9; [metrics] few_marks_pro_rata = false — весь "
                                        "минимум с первой недели); это ещё не н/а (н/а — в отчёте за закрытый период) "
                                        "и в N не входит"),
    ("Метрики", "С отметками за неделю (N)", "результатов «ученик × предмет» только с отметками этой недели"),
    ("Метрики", "Успеваемость, %", "(«5» + «4» + «3») × 100 / N"),
    ("Метрики", "Качество, %", "(«5» + «4») × 100 / N"),
    ("Метрики", "СОУ, %", "по предмету (учителю): степень обученности (В. П. Симонов) — («5»·100 + «4»·64 + «3»·36 + "
                          "«2»·16 + н/а·7) / N"),
    ("Пропуски", "Уроков: причина", "уроков пропущено (за неделю; в отчёте за период — за период) по причине, "
                                    "указанной классным руководителем в листе посещаемости"),
    ("Пропуски", "Дней: причина", "дней, пропущенных целиком: пропущены все уроки ученика в этот день по расписанию"),
    ("Пропуски", "Причина не указана", "пропуск записан, а причина в листе посещаемости пуста"),
    ("Пропуски", "Опозданий", "уроков с отметкой «оп» в журнале"),
    ("Пропуски", "За период", "с начала периода"),
    ("Ведение журнала", "Журнал сдан", "по первой сдаче: «в срок» — первая сдача до воскресенья недели, "
                                       "а исправление (если книгу вернули) принято в пределах окна правки; "
                                       "«не принят» — сдан, но ни одна сдача не принята; «нет» — не сдан"),
    ("Ведение журнала", "Напоминание", "«отправлено» — журнал не был принят к сроку сдачи, учителю отправлено "
                                       "напоминание (одно за неделю)"),
    ("Ведение журнала", "Мало отметок (риск н/а)", "учеников, у которых отметок меньше, чем положено к этой неделе "
                                                   "(как в «Метрики»), включая учеников без отметок"),
    ("Ведение журнала", "Списки классов", "классы, чей список (ученики, родители) классный руководитель не сдавал "
                                          "дольше [roster] confirm_every_days дней (7: еженедельно); сданный без "
                                          "изменений список тоже подтверждает его"),
    ("Ведение журнала", "Внеурочная деятельность", "по журналам внеурочной деятельности: часов проведено "
                                                   "с начала года до конца недели и их доля от часов по плану на "
                                                   "год; посещаемость — доля занятий, на которых ученики группы были"),
    ("Ведение журнала", "По КТП", "уроков по плану с начала периода и проведённых с темой; «—» — КТП не сдан"),
    ("Группа риска", "Причины", "«2» за период — выставленная отметка за период; «средний балл … (текущий)» — "
                                "отметки за период ещё нет, судим по текущему среднему баллу"),
    ("Главное", "строки", "что изменилось по сравнению с прошлой неделей (в отчёте за период — с прошлым периодом); "
                          "обе недели считаются по хранилищу; каждая строка — ссылка на лист с подробностями"),
    ("Главное", "Качество, % недели", "(«5» + «4») × 100 / N по отметкам одной недели: у каждого ученика по каждому "
                                      "предмету — средний балл отметок недели и отметка, которую он даёт"),
    ("Главное", "Средний балл недели", "среднее из средних баллов учеников по предметам за неделю"),
    ("Главное", "Посещаемость, %", "уроков посещено × 100 / уроков по расписанию у учеников класса за неделю "
                                   "(по листу посещаемости); пусто — журнала за неделю нет"),
    ("Динамика", "Неделя k", "k-я календарная неделя периода; «прошлый период» — k-я неделя предыдущей четверти "
                             "(полугодия) того же класса; данные графиков — на листе «Данные динамики»"),
    ("Пропуски", "свёрнутые строки", "ученики без пропусков и опозданий в этом отчёте (были раньше в периоде); "
                                     "сначала те, кто пропустил больше"),
    ("Мало отметок", "Ученики", "ученики, у которых по предмету отметок меньше, чем положено к этой неделе (как "
                                "«Мало отметок» в листе «Метрики»), включая учеников без отметок"),
    *HOMEWORK_LEGEND,
    ("все листы", DASH, "не применимо (нет данных для расчёта), в отличие от 0"),
]




def _grade_sheet(out: Book, data: SummaryData) -> None:
    sheet = out.sheet("Ведомость", f"Сводная ведомость: средние баллы — {data.title}")
    by_class: dict[str, dict[int, dict[str, Result]]] = defaultdict(lambda: defaultdict(dict))
    for result in data.results:
        if result.scale == "5":
            by_class[result.class_code][result.student_id][result.subject] = result
    row = 2
    out.columns(sheet, [34] + [9] * 40)
    sheet.freeze_panes(2, 1)
    for class_code in sorted(by_class, key=class_sort_key):
        students = by_class[class_code]
        subjects = sorted({subject for per in students.values() for subject in per})
        short = [data.school.subjects[s_]["short"] or s_ for s_ in subjects]
        out.row(sheet, row, [f"Класс {class_code}"], out.bold)
        out.header_row(sheet, row + 1, ["Ученик", *short, "Средний"])
        first = row + 2
        names = sorted(students, key=lambda sid: data.school.students[sid]["full_name"])
        for offset, sid in enumerate(names):
            averages = [students[sid].get(subject).average if subject in students[sid] else None for subject in subjects]
            known = [a for a in averages if a is not None]
            out.row(sheet, first + offset, [data.school.students[sid]["full_name"],
                                            *[round(a, 2) if a is not None else None for a in averages],
                                            round(sum(known) / len(known), 2) if known else None])
        last = first + len(names) - 1
        if names:
            sheet.conditional_format(first, 1, last, len(subjects) + 1, {
                "type": "3_color_scale", "min_type": "num", "min_value": 2, "mid_type": "num", "mid_value": 3.5,
                "max_type": "num", "max_value": 5, "min_color": "#F8696B", "mid_color": "#FFEB84",
                "max_color": "#63BE7B"})
        row = last + 3


QUALITY = 1 + HEADERS.index("Качество, %")    # a metric row's quality column (after the group's label)


def _metric_rows(results: list[Result], key, field: str, rule: str, few: bool) -> list[list]:
    """One row per group of 5-point results; ``key(result)`` → (sort key, label): classes in their
    natural order."""
    groups: dict[tuple, list[str | None]] = defaultdict(list)
    for result in results:
        value = getattr(result, field)
        if result.scale != "5" or (field == "week_result" and value is None):
            continue  # a week's metrics count students who were marked that week
        groups[key(result)].append(value)
    rows = [[label, *metrics(values, rule=rule).row(few=few)] for (_, label), values in sorted(groups.items())]
    # attention first: the lowest quality at the top (groups without one last), stable within
    return sorted(rows, key=lambda r: (r[QUALITY] is None, r[QUALITY] if r[QUALITY] is not None else 0))


def pupil_rows(data: SummaryData, field: str) -> list[list]:
    """One row per class, counted by pupils: every pupil enrolled at the report's date with their
    results in every subject (pass/fail too)."""
    found = period_results(data, field)
    return [[code, *found[code].row()] for code in sorted(found, key=class_sort_key)]


def _metrics_sheet(out: Book, data: SummaryData, with_week: bool) -> None:
    sheet = out.sheet("Метрики", f"Успеваемость, качество, СОУ — {data.title}")
    out.columns(sheet, [36] + [11] * 14)
    pct = {9: out.percent, 10: out.percent, 11: out.percent}
    pupil_pct = {11: out.percent, 12: out.percent, 13: out.percent, 14: out.percent}
    period_caption = ("За период по текущим отметкам (идёт период: «мало отметок» вместо н/а)" if data.running
                      else "За период (отметка за период, а где её нет — по отметкам)")
    blocks = [(period_caption, "result")]
    if with_week:
        blocks.append(("За неделю (по отметкам недели)", "week_result"))
    row = 2
    class_rows = None
    for caption, field in blocks:
        few = field == "result" and data.running
        out.row(sheet, row, [f"{caption}: по классам (по ученикам)"], out.caption)
        rows = pupil_rows(data, field)
        if field == "result":
            class_rows = (row + 1, rows)
        row = out.table(sheet, row + 1, ["Класс", *PUPIL_HEADERS], rows, pupil_pct, dash=True)
        for label, key in (("По предметам", lambda r: ((class_sort_key(r.class_code), r.subject),
                                                       f"{r.class_code} · {r.subject}")),
                           ("По учителям", lambda r: (r.teacher, r.teacher))):
            out.row(sheet, row, [f"{caption}: {label.lower()}, сначала с низким качеством"], out.caption)
            rows = _metric_rows(data.results, key, field, data.rule, few)
            headers = WEEK_HEADERS if field == "week_result" else PERIOD_HEADERS
            row = out.table(sheet, row + 1, ["Группа", *headers, *([FEW_HEADER] if few else [])], rows, pct, dash=True)
    if class_rows and class_rows[1]:
        top, rows = class_rows
        chart = out.book.add_chart({"type": "column"})
        for col, name in ((11, "Успеваемость, %"), (12, "Качество, %"), (13, SOU_PUPILS), (14, SOU_MARKS)):
            chart.add_series({"name": name, "categories": ["Метрики", top + 1, 0, top + len(rows), 0],
                              "values": ["Метрики", top + 1, col, top + len(rows), col]})
        chart.set_title({"name": "Успеваемость, качество и СОУ по классам (по ученикам)"})
        chart.set_y_axis({"min": 0, "max": 100})
        chart.set_size({"width": 760, "height": 320})
        sheet.insert_chart(2, 15, chart)
    sheet.freeze_panes(1, 1)


def absence_sheet(out: Book, data: SummaryData) -> None:
    sheet = out.sheet("Пропуски", f"Пропуски уроков и дней, опоздания — {data.title}")
    reasons = [*sorted(data.school.reasons), NO_REASON]
    names = [f"{data.school.reasons[r]} ({r})" if r in data.school.reasons else "Причина не указана" for r in reasons]
    out.columns(sheet, [8, 34] + [12] * (2 * len(reasons) + 6))
    seen = data.attendance
    rows = []
    enrolled = [sid for code in sorted(data.enrolled, key=class_sort_key) for sid in data.enrolled[code]]
    for sid in sorted(enrolled, key=lambda i: (class_sort_key(data.school.students[i]["class_code"]),
                                               data.school.students[i]["full_name"])):
        now, period = seen.current.get(sid, Missed()), seen.period.get(sid, Missed())
        if not (now.total_lessons or now.late or period.total_lessons or period.late):
            continue
        student = data.school.students[sid]
        rows.append([student["class_code"], student["full_name"], *[now.lessons[r] for r in reasons], now.total_lessons,
                     *[now.days[r] for r in reasons], now.total_days, now.late,
                     period.total_lessons, period.total_days, period.late])
    # attention first: the most lessons missed in the report's range, then the period's; pupils
    # with nothing in the range (only earlier in the period) are folded away below
    total_col, late_col = 2 + len(reasons), 2 + 2 * (len(reasons) + 1)
    rows.sort(key=lambda r: (-r[total_col], -r[late_col], -r[-3]))
    headers = ["Класс", "Ученик", *[f"Уроков: {n}" for n in names], "Всего уроков",
               *[f"Дней: {n}" for n in names], "Всего дней", "Опозданий", "За период: уроков", "За период: дней",
               "За период: опозданий"]
    end = out.table(sheet, 2, headers, rows)
    folded = [offset for offset, values in enumerate(rows, start=3) if not (values[total_col] or values[late_col])]
    for offset in folded:
        sheet.set_row(offset, None, None, {"level": 1, "hidden": True})
    if folded:
        sheet.set_row(end - 1, None, None, {"collapsed": True})
        sheet.write_string(1, 0, f"Свёрнуто строк: {len(folded)} — ученики без пропусков и опозданий в этом "
                                 "отчёте (были раньше в периоде); «+» слева от номеров строк раскрывает их.", out.caption)
    sheet.autofilter(2, 0, 2 + len(rows), len(headers) - 1)
    sheet.freeze_panes(3, 2)
    sheet.repeat_rows(2)
    sheet.set_h_pagebreaks([end - 1])          # the classes' totals start a page of their own
    out.row(sheet, end, ["По классам"], out.bold)
    class_rows = []
    for code in sorted(data.enrolled, key=class_sort_key):
        total = seen.class_total(data.enrolled[code])
        class_rows.append([code, "", total.total_lessons, total.total_days, total.late,
                           *[total.lessons[r] for r in reasons], *[total.days[r] for r in reasons]])
    out.table(sheet, end + 1, ["Класс", "", "Уроков пропущено", "Дней пропущено", "Опозданий",
                               *[f"Уроков: {n}" for n in names], *[f"Дней: {n}" for n in names]], class_rows)
    if len(class_rows) > 1:       # one class (a class teacher's summary) needs no chart of classes
        chart = out.book.add_chart({"type": "bar"})
        chart.add_series({"name": "Пропущено уроков", "categories": ["Пропуски", end + 2, 0, end + 1 + len(class_rows), 0],
                          "values": ["Пропуски", end + 2, 2, end + 1 + len(class_rows), 2]})
        chart.set_legend({"none": True})
        chart.set_y_axis({"reverse": True})      # the first class at the top, as in the table
        chart.set_title({"name": "Пропущено уроков по классам", "name_font": {"size": 11}})
        chart.set_size({"width": 620, "height": 40 + 22 * len(class_rows)})
        # below the classes' totals, on their page: beside the wide table it shrank the printout
        sheet.insert_chart(end + 3 + len(class_rows), 0, chart)


def _control_sheet(out: Book, data: SummaryData) -> None:
    sheet = out.sheet("Ведение журнала", f"Контроль ведения журнала — {data.title}")
    out.columns(sheet, [34] + [14] * 9)
    # attention first: journals not in on time, then the most lessons without a topic
    control = sorted(data.control, key=lambda c: (c.submitted == "в срок", c.with_topic - c.timetabled, c.teacher))
    rows = [[c.teacher, c.timetabled, c.with_topic, c.with_homework, c.with_marks, c.submitted, c.few_marks,
             c.planned, c.delivered, "отправлено" if c.reminded else None] for c in control]
    out.table(sheet, 2, CONTROL_HEADERS, rows, dash=True)
    sheet.autofilter(2, 0, 2 + len(rows), len(CONTROL_HEADERS) - 1)
    sheet.freeze_panes(3, 1)
    sheet.repeat_rows(2)
    sheet.conditional_format(3, 5, 2 + max(len(rows), 1), 5, {"type": "text", "criteria": "not containing",
                                                             "value": "в срок", "format": out.warn})
    top = _extracurricular_block(out, sheet, data, _roster_block(out, sheet, data, 2 + len(rows) + 3))
    if data.disagreements:
        sheet.write_string(top - 1, 0, "Расхождения журнала с листами посещаемости", out.title)
        out.table(sheet, top, ["Учитель", "Файл", "Лист", "Ячейка", "Что не сходится"], data.disagreements)


def _roster_block(out: Book, sheet, data: SummaryData, top: int) -> int:
    """The classes whose roster was not confirmed in time, under the teachers' table from
    ``top`` (its title a row above); returns where the next block's title row + 1 goes."""
    if not data.stale_rosters:
        return top
    sheet.write_string(top - 1, 0, f"Списки классов не подтверждены больше {data.confirm_every_days} дн.", out.title)
    rows = [[r.class_code, r.class_teacher or DASH,
             f"{r.confirmed_at:%d.%m.%Y}" if r.confirmed_at else "ни разу", r.age_days]
            for r in data.stale_rosters]
    return out.table(sheet, top, ["Класс", "Классный руководитель", "Подтверждён", "Дней назад"], rows,
                     dash=True) + 2


def _extracurricular_block(out: Book, sheet, data: SummaryData, top: int) -> int:
    """Extracurricular groups: hours held by the week's end against the year's plan."""
    if not data.extracurricular:
        return top
    sheet.write_string(top - 1, 0, "Внеурочная деятельность: часы проведённые и по плану на год", out.title)
    rows = [[g.name, g.teacher, g.planned, g.held, g.percent, g.sessions, g.pupils, g.attended]
            for g in data.extracurricular]
    return out.table(sheet, top, ["Группа (курс)", "Учитель", "Часов по плану", "Проведено часов", "Проведено, %",
                                  "Занятий", "Учеников", "Посещаемость, %"], rows,
                     {2: out.percent, 3: out.percent, 4: out.percent, 7: out.percent}, dash=True) + 2


def risk_sheet(out: Book, data: SummaryData, settings: Settings) -> None:
    """Pupils at risk, those with most reasons first (what needs attention first), then by class
    and name."""
    sheet = out.sheet("Группа риска", f"Ученики группы риска — {data.title}")
    out.columns(sheet, [8, 34, 90])
    found = at_risk(data, settings)
    order = sorted(found, key=lambda sid: -len(found[sid]))     # stable: class and name order within
    rows = [[data.school.students[sid]["class_code"], data.school.students[sid]["full_name"], "; ".join(found[sid])]
            for sid in order]
    out.table(sheet, 2, ["Класс", "Ученик", "Причины"], rows)
    sheet.autofilter(2, 0, 2 + len(rows), 2)
    sheet.freeze_panes(3, 2)
    sheet.repeat_rows(2)


def _wrong_address_sheet(out: Book, data: SummaryData) -> None:
    """Parents' addresses a mail server refused for good: the roster rows to mend (only when any)."""
    sheet = out.sheet("Неверные адреса", f"Адреса родителей, на которые почта не доставляется — {data.title}")
    out.columns(sheet, [10, 34, 34, 50, 12])
    sheet.write_string(1, 0, "Дневники этих семей идут в пакет для печати, пока адрес не исправлен в списке класса.")
    out.table(sheet, 2, ["Класс", "Родитель", "Адрес", "Ответ почтового сервера", "С недели"], data.wrong_addresses)


def legend_sheet(out: Book) -> None:
    """«Пояснения»: the legend's lines of the sheets the workbook has (written last)."""
    present = {sheet.name for sheet in out.book.worksheets()}
    sheet = out.sheet("Пояснения", "Что значат столбцы")
    out.columns(sheet, [18, 28, 90])
    rows = [list(line) for line in LEGEND if line[0] in present or line[0] == "все листы"]
    out.header_row(sheet, 2, ["Лист", "Столбец", "Что значит"])
    for offset, values in enumerate(rows, start=3):
        out.row(sheet, offset, values, out.wrap)
        sheet.set_row(offset, 15 * max(wrapped_lines(v, w) for v, w in zip(values, out.widths[sheet.name])))


def write_summary(path: Path, data: SummaryData, settings: Settings, *, with_week: bool,
                  front: Front | None = None) -> Path:
    """Write the summary workbook for a week (``with_week``) or a period report (atomically);
    ``front``: it opens on «Главное» and «Динамика» (:mod:`~zhurnal.publish.front_page`)."""
    with writing(path) as partial:
        out = Book(partial)
        out.book.set_properties({"title": data.title, "author": "zhurnal"})
        if front is not None:
            front_sheet(out, front)
            trend_sheets(out, front.trend)
        _grade_sheet(out, data)
        _metrics_sheet(out, data, with_week)
        absence_sheet(out, data)
        if with_week:
            _control_sheet(out, data)
            if data.homework_load:
                homework_sheet(out, data.homework_load, data.title)
        risk_sheet(out, data, settings)
        if data.wrong_addresses:
            _wrong_address_sheet(out, data)
        legend_sheet(out)
        out.book.close()
    return path
