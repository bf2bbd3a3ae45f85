"""Pupil movement over the school year («движение учащихся»): per class the pupils at the year's
start, those who arrived and left (with dates and orders), and those at a date — the figures an
education authority asks for (на начало года, прибыло, выбыло, на конец) — and class sizes on a
date. Enrolment is :mod:`zhurnal.school.enrolment`'s: ``arrived_on ≤ day < left_on``.

So that «на начало + прибыло − выбыло = на дату» holds, an arrival counts when it falls after the
year's first day and on or before the date, a leaving likewise; a pupil who arrived on the first
day is counted at the start.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import Connection

from zhurnal.school.enrolment import enrolled
from zhurnal.school.lookup import class_sort_key
from zhurnal.store import queries as q
from zhurnal.store import schema as s


@dataclass(frozen=True)
class Move:
    """One arrival or leaving."""

    class_code: str
    student: str            # full name
    kind: str               # "прибыл" | "выбыл"
    day: dt.date
    order: str              # «приказ №» as typed, "" when missing


@dataclass
class ClassMovement:
    class_code: str
    at_start: int = 0
    arrived: int = 0
    left: int = 0
    at_date: int = 0
    moves: list[Move] = field(default_factory=list)

    def row(self) -> list:
        return [self.class_code, self.at_start, self.arrived, self.left, self.at_date]


HEADERS = ["Класс", "На начало года", "Прибыло", "Выбыло", "На дату"]


def _year_bound(conn: Connection, school_id: int, column: str, edge: str, pick) -> dt.date | None:
    row = q.school_row(conn, school_id)
    if row.get(column):
        return row[column]
    days = [p[edge] for p in q.table_rows(conn, s.periods, school_id)]
    return pick(days) if days else None


def year_start(conn: Connection, school_id: int) -> dt.date | None:
    """The school year's first day: the setup's year start, else the earliest period's start."""
    return _year_bound(conn, school_id, "year_start", "start", min)


def year_end(conn: Connection, school_id: int) -> dt.date | None:
    """The school year's last day: the setup's year end, else the latest period's end."""
    return _year_bound(conn, school_id, "year_end", "end", max)


def class_sizes(conn: Connection, school_id: int, on: dt.date) -> dict[str, int]:
    """Class code → pupils enrolled on ``on`` (every class of the setup, in natural order)."""
    pupils = q.table_rows(conn, s.students, school_id)
    codes = sorted((c["code"] for c in q.table_rows(conn, s.classes, school_id)), key=class_sort_key)
    return {code: sum(1 for st in pupils if st["class_code"] == code and enrolled(st, on)) for code in codes}


def movement(conn: Connection, school_id: int, on: dt.date, start: dt.date | None = None) -> list[ClassMovement]:
    """Per class, in natural order: the movement from ``start`` (default: the year's first day) to
    ``on``, with every arrival and leaving in that span by date."""
    start = start or year_start(conn, school_id) or on
    found = {code: ClassMovement(code) for code in class_sizes(conn, school_id, on)}
    for st in q.table_rows(conn, s.students, school_id, "full_name"):
        row = found.setdefault(st["class_code"], ClassMovement(st["class_code"]))
        row.at_start += enrolled(st, start)
        row.at_date += enrolled(st, on)
        if st["arrived_on"] and start < st["arrived_on"] <= on and enrolled(st, st["arrived_on"]):
            row.arrived += 1
            row.moves.append(Move(st["class_code"], st["full_name"], "прибыл", st["arrived_on"], st["arrival_order"] or ""))
        if st["left_on"] and start < st["left_on"] <= on and (st["arrived_on"] is None or st["arrived_on"] < st["left_on"]):
            row.left += 1
            row.moves.append(Move(st["class_code"], st["full_name"], "выбыл", st["left_on"], st["leaving_order"] or ""))
    for row in found.values():
        row.moves.sort(key=lambda m: (m.day, m.student))
    return [found[code] for code in sorted(found, key=class_sort_key)]
