"""The deputy's control of the extracurricular journal: per group, the hours held (sessions up
to a date) against the hours planned for the year, and how the pupils attended."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Connection

from zhurnal.store import queries as q
from zhurnal.store import schema as s


@dataclass(frozen=True)
class GroupHours:
    """One group: ``planned`` hours for the year, ``held`` hours and ``sessions`` up to the date,
    ``pupils`` in it and ``attended`` (pupil-sessions present of pupil-sessions possible, %;
    None before any session)."""

    name: str
    teacher: str
    direction: str | None
    planned: float
    held: float
    sessions: int
    pupils: int
    attended: float | None

    @property
    def percent(self) -> float | None:
        """Hours held as a share of the plan, % (None when nothing is planned)."""
        return round(self.held * 100 / self.planned, 1) if self.planned else None


def hours_against_plan(conn: Connection, school_id: int, until: dt.date | None = None) -> list[GroupHours]:
    """Every group of the school by teacher and name, counting sessions up to ``until`` (all by
    default). Attendance counts every member of the group at each session (a pupil who joined
    or left midway is counted throughout: the journal keeps no dates of joining)."""
    members: dict[str, int] = defaultdict(int)
    for row in q.table_rows(conn, s.extra_members, school_id):
        members[row["group_name"]] += 1
    sessions: dict[str, list[dict]] = defaultdict(list)
    for row in q.table_rows(conn, s.extra_sessions, school_id, "date"):
        if until is None or row["date"] <= until:
            sessions[row["group_name"]].append(row)
    absent: dict[str, int] = defaultdict(int)
    for row in q.table_rows(conn, s.extra_absences, school_id):
        if until is None or row["date"] <= until:
            absent[row["group_name"]] += 1
    found = []
    for group in q.table_rows(conn, s.extra_groups, school_id, "teacher", "name"):
        name = group["name"]
        possible = members[name] * len(sessions[name])
        found.append(GroupHours(name, group["teacher"], group["direction"], group["planned_hours"],
                                sum((r["hours"] for r in sessions[name]), 0.0), len(sessions[name]), members[name],
                                round((possible - absent[name]) * 100 / possible, 1) if possible else None))
    return found
