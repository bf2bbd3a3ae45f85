"""The week summary's «Домашние задания» sheet: each class's homework due per school day and its
estimated minutes against the СанПиН 1.2.3685-21 limit of its grade; a day over the limit is
filled red and listed first (:mod:`zhurnal.publish.homework_load`)."""

from __future__ import annotations

from zhurnal.publish.homework_load import DayLoad
from zhurnal.publish.summary_book import Book

SHEET = "Домашние задания"
HEADERS = ["Класс", "День (к уроку)", "Заданий к этому дню", "Из них с оценкой времени", "Минут (оценка)",
           "Норма, минут", "Сверх нормы, минут"]
WEEKDAYS = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
LEGEND = [
    (SHEET, "Заданий к этому дню", "домашние задания, срок которых — этот день (к уроку в этот день; выполняются "
                                   "накануне): дата из строки «Задание к дате» журнала, а если её нет — следующий "
                                   "урок предмета по расписанию"),
    (SHEET, "Минут (оценка)", "время, указанное учителем в конце текста задания в скобках, например «(25 мин)», а "
                              "где его нет — обычное время предмета из настройки [journal] homework_minutes; у "
                              "подгрупп одного предмета берётся самая долгая; задания без времени не оцениваются"),
    (SHEET, "Норма, минут", "СанПиН 1.2.3685-21, таблица 6.6: 1 класс — 60, 2–3 — 90, 4–5 — 120, 6–8 — 150, "
                            "9–11 — 210 минут; дни сверх нормы выделены и стоят первыми"),
]


def _beyond(load: DayLoad) -> int | None:
    """Minutes over the limit, or None (not over, or not estimated)."""
    if load.over and load.minutes is not None and load.limit is not None:
        return load.minutes - load.limit
    return None


def homework_sheet(out: Book, loads: list[DayLoad], title: str) -> None:
    """The sheet (written only when some class has homework due in the week)."""
    sheet = out.sheet(SHEET, f"Нагрузка домашними заданиями по дням — {title}")
    out.columns(sheet, [10, 16, 14, 16, 14, 12, 14])
    over = [load for load in loads if load.over]
    sheet.write_string(1, 0, f"Дней сверх нормы СанПиН: {len(over)}" if over else
                       "Дней сверх нормы СанПиН нет (оценены только задания с указанным временем).")
    ordered = over + [load for load in loads if not load.over]
    rows = [[load.class_code, f"{WEEKDAYS[load.day.weekday()]} {load.day:%d.%m}", load.due, load.estimated,
             load.minutes, load.limit, _beyond(load)] for load in ordered]
    out.table(sheet, 2, HEADERS, rows, dash=True)
    red = out.book.add_format({"border": 1, "bg_color": "#FFC7CE", "bold": True})
    for offset, values in enumerate(rows[:len(over)]):     # over the limit: filled red, first
        out.row(sheet, 3 + offset, values, red)
    sheet.autofilter(2, 0, 2 + len(rows), len(HEADERS) - 1)
    sheet.freeze_panes(3, 1)
    sheet.repeat_rows(2)
