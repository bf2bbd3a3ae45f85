"""What changed since last week, line by line: the deputy's «Главное» and the letters' text.

Each line names a class, a subject, a pupil or a teacher with both weeks' figures and the sheet
holding the detail. Sections, in the order the front page prints them:

* classes whose week quality (then average) fell most, and subjects within a class likewise;
* pupils at risk now who were not at risk at the end of last week (:func:`~zhurnal.publish.risk.at_risk`);
* teachers behind with the journal (not handed in on time, lessons without a topic);
* attendance spikes: classes whose attendance fell by :data:`SPIKE_POINTS` points or more;
* classes and subjects whose figures rose most.

The five most important lines (:meth:`Headlines.top`) are taken one per section in that order,
then a second of each, and so on: a fall, a pupil, a teacher and a spike all reach the letter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from zhurnal.core.settings import Settings
from zhurnal.publish.risk import at_risk
from zhurnal.publish.summary_data import SummaryData
from zhurnal.publish.trends import EMPTY, Figures, WeekFigures
from zhurnal.school.lookup import class_sort_key
from zhurnal.text.numbers import format_decimal

SPIKE_POINTS = 3.0    # attendance falling this many percentage points in a week is a spike
NOISE = (1.0, 0.05)  # a change smaller than 1 point of quality and 0.05 of the average is no news
MIN_MARKED = 3        # a class × subject with fewer week results than this is noise, not a fall
SHOWN = 5             # lines per section on the front page
TREND_SHEET = "Динамика"


@dataclass(frozen=True)
class Line:
    text: str
    sheet: str            # the sheet with the detail (the front page links to it)


@dataclass
class Headlines:
    title: str                                                       # «неделя 30.11–06.12.2026 …»
    sections: list[tuple[str, list[Line]]] = field(default_factory=list)   # heading → lines

    def top(self, count: int = 5) -> list[str]:
        """The ``count`` most important lines: the first of each section in order, then the
        second of each, …"""
        found: list[str] = []
        depth = 0
        while len(found) < count and any(len(lines) > depth for _, lines in self.sections):
            found += [lines[depth].text for _, lines in self.sections if len(lines) > depth]
            depth += 1
        return found[:count]


def _number(value: float | None, unit: str = "") -> str:
    return "—" if value is None else format_decimal(value, 1 if unit else 2) + unit


def _change(now: Figures, before: Figures) -> tuple[float, float] | None:
    """(quality change, average change) in points, or None where either week has no marks."""
    if now.quality is None or before.quality is None or now.average is None or before.average is None:
        return None
    return now.quality - before.quality, now.average - before.average


def _figures_text(name: str, now: Figures, before: Figures) -> str:
    quality, average = _change(now, before) or (0.0, 0.0)
    return (f"{name}: качество {_number(before.quality, ' %')} → {_number(now.quality, ' %')} "
            f"({'+' if quality >= 0 else '−'}{format_decimal(abs(quality), 1)}), "
            f"средний балл {_number(before.average)} → {_number(now.average)}")


def _moves(now: dict, before: dict, names, keep) -> tuple[list[Line], list[Line]]:
    """(falls, rises) of groups present both weeks, largest first: by the quality's change, then
    the average's."""
    changes = []
    for key, figures in now.items():
        found = _change(figures, before.get(key, EMPTY))
        if found and keep(key, figures, before[key]) and (abs(found[0]) >= NOISE[0] or abs(found[1]) >= NOISE[1]):
            changes.append((found, key))
    falls = sorted((c for c in changes if c[0][0] < 0 or (c[0][0] == 0 and c[0][1] < 0)), key=lambda c: c[0])
    rises = sorted((c for c in changes if c[0][0] > 0 or (c[0][0] == 0 and c[0][1] > 0)), key=lambda c: c[0],
                   reverse=True)
    line = lambda c: Line(_figures_text(names(c[1]), now[c[1]], before[c[1]]), TREND_SHEET)  # noqa: E731
    return [line(c) for c in falls[:SHOWN]], [line(c) for c in rises[:SHOWN]]


def week_headlines(data: SummaryData, before_data: SummaryData, now: WeekFigures, before: WeekFigures,
                   settings: Settings, *, only: str | None = None, title: str | None = None) -> Headlines:
    """The week's lines (``data``, ``now``) against the week before (``before_data``, ``before``),
    both read from the store; ``only``: one class's lines (the class teacher's summary);
    ``title``: what is compared with what (default: the two weeks; a period report: the periods)."""
    mine = (lambda code: code == only) if only else (lambda code: True)
    title = title or f"неделя {now.week.title()} в сравнении с неделей {before.week.title()}"
    classes = {k: v for k, v in now.classes.items() if mine(k)}
    class_falls, class_rises = _moves(classes, before.classes, str, lambda *_: True)
    sections = {k: v for k, v in now.sections.items() if mine(k[0])}
    marked = lambda key, a, b: a.marked >= MIN_MARKED and b.marked >= MIN_MARKED  # noqa: E731
    subject_falls, subject_rises = _moves(sections, before.sections, lambda k: f"{k[0]} · {k[1]}", marked)
    risk_now, risk_before = at_risk(data, settings), at_risk(before_data, settings)
    students = data.school.students
    new_risk = [Line(f"{students[sid]['class_code']} {students[sid]['full_name']}: {'; '.join(why)}", "Группа риска")
                for sid, why in risk_now.items() if sid not in risk_before and mine(students[sid]["class_code"])]
    behind = [] if only else _behind(data)
    spikes = []
    for code in sorted(classes, key=class_sort_key):
        a, b = classes[code].attendance, before.classes.get(code, EMPTY).attendance
        if a is not None and b is not None and b - a >= SPIKE_POINTS:
            spikes.append((a - b, Line(f"{code}: посещаемость {_number(b, ' %')} → {_number(a, ' %')} "
                                       f"(уроков посещено из положенных)", "Пропуски")))
    found = Headlines(title)
    found.sections = [
        ("Классы: где качество и средний балл упали сильнее всего", class_falls),
        ("Предметы в классах: где упали сильнее всего", subject_falls),
        ("Впервые в группе риска", new_risk[:SHOWN] + ([Line(f"и ещё {len(new_risk) - SHOWN}", "Группа риска")]
                                                        if len(new_risk) > SHOWN else [])),
        # a class teacher's summary has no teachers' section, a period report no week's journal
        # and no week's attendance: sections that cannot say anything are left out
        *([] if only or not data.control else [("Учителя, отстающие с журналом", behind)]),
        *([("Всплески пропусков", [line for _, line in sorted(spikes, key=lambda s: s[0])])]
          if any(f.attendance is not None for f in classes.values()) else []),
        ("Классы: где выросли", class_rises),
        ("Предметы в классах: где выросли", subject_rises),
    ]
    return found


def _behind(data: SummaryData) -> list[Line]:
    """Teachers whose week's journal is not in on time or lacks topics, the furthest behind first."""
    found = []
    for row in data.control:
        missing = row.timetabled - row.with_topic
        if row.submitted == "в срок" and missing <= 0:
            continue
        said = {"нет": "журнал не сдан", "не принят": "журнал не принят", "с опозданием": "журнал сдан с опозданием"}
        parts = [said[row.submitted]] if row.submitted in said else []
        if missing > 0:
            parts.append(f"уроков без темы {missing} из {row.timetabled}")
        found.append(((row.submitted == "в срок", -missing, row.teacher),
                      Line(f"{row.teacher}: {', '.join(parts)}", "Ведение журнала")))
    return [line for _, line in sorted(found, key=lambda f: f[0])][:SHOWN]
