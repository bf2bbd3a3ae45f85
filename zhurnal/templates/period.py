"""Period marks: per group, each student's weighted average, number of marks and the mark the
school's thresholds suggest (shown, locked), and the period mark the teacher sets."""

from __future__ import annotations

from zhurnal.store.snapshot import Section
from zhurnal.templates.grid import GridColumn, GridSheet

PERIOD_CHOICES = {"5": ["5", "4", "3", "2", "н/а", "осв"], "pass": ["зач", "незач", "н/а", "осв"]}
NOTES = [
    "Как заполнять:",
    "• Средний балл, число отметок и рекомендуемая отметка посчитаны по журналу (взвешенное среднее).",
    "• В последнем столбце поставьте отметку за период: {choices}.",
    "• н/а — не аттестован (мало отметок), осв — освобождён.",
]


def period_sheet(name: str, section: Section, period: dict, scale: str, students: list[dict],
                 stats: dict[int, tuple[float | None, int, str]], stored: dict[int, str]) -> GridSheet:
    """``stats``: student id → (average, number of marks, suggested mark)."""
    choices = PERIOD_CHOICES.get(scale, PERIOD_CHOICES["5"])
    columns = [
        GridColumn("average", ("Средний балл",), width=10, input=False),
        GridColumn("count", ("Отметок",), width=9, input=False),
        GridColumn("suggested", ("Рекомендуется",), width=13, input=False),
        GridColumn("mark", (f"Отметка за {period['name']}",), width=16,
                   validation={"validate": "list", "source": choices}),
    ]
    values = {}
    for st in students:
        average, count, suggested = stats.get(st["id"], (None, 0, "н/а"))
        values[(st["id"], "average")] = round(average, 2) if average is not None else ""
        values[(st["id"], "count")] = count
        values[(st["id"], "suggested")] = suggested if scale == "5" else ""
        values[(st["id"], "mark")] = stored.get(st["id"])
    title = f"{section.class_code} — {section.subject}" + (f", подгруппа {section.subgroup}" if section.subgroup else "") \
        + f" — {period['name']}"
    return GridSheet(name=name, title=title, columns=columns,
                     students=[(st["id"], st["full_name"]) for st in students], values=values,
                     notes=[line.format(choices=", ".join(choices)) for line in NOTES])
