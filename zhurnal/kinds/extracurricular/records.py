"""Reading an extracurricular journal: its groups, their pupils, the sessions and the absences,
typed and checked against each other and the school.

Rules: a group named on another sheet must be on «Группы»; a group another teacher keeps is an
error (one teacher per group); planned hours and a session's hours must be above 0; a pupil
must be one of the school's (chosen from the list); an absence needs its group's session on that
date and a pupil of that group. Repeated keys are ``duplicate-key``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from zhurnal.core.findings import Finding, finding
from zhurnal.kinds.extracurricular.spec import ABSENCES, GROUPS, MEMBERS, SESSIONS, SPEC
from zhurnal.school.snapshot import School
from zhurnal.validate.checks import Names, duplicate_keys
from zhurnal.validate.normalize import match_key
from zhurnal.validate.table import Row, Table


def pupil_labels(school: School) -> dict[str, int]:
    """«Фамилия Имя Отчество (5А)» → pupil id, for every pupil enrolled or who left this year;
    two namesakes in one class are told apart by their birth dates."""
    pupils = [st for st in school.students.values() if st["active"] or st["left_on"]]
    seen: dict[tuple[str, str], int] = {}
    for st in pupils:
        key = (st["full_name"], st["class_code"])
        seen[key] = seen.get(key, 0) + 1
    labels = {}
    for st in sorted(pupils, key=lambda p: (p["full_name"], p["class_code"])):
        born = f", {st['birth_date']:%d.%m.%Y}" if seen[(st["full_name"], st["class_code"])] > 1 and st["birth_date"] else ""
        labels[f"{st['full_name']} ({st['class_code']}{born})"] = st["id"]
    return labels


@dataclass
class ExtraRead:
    """What one teacher's workbook holds, with the findings met reading it."""

    teacher: str
    groups: list[dict] = field(default_factory=list)        # name, direction, planned_hours
    members: list[dict] = field(default_factory=list)       # group_name, student_id
    sessions: list[dict] = field(default_factory=list)      # group_name, date, topic, hours
    absences: list[dict] = field(default_factory=list)      # group_name, date, student_id
    findings: list[Finding] = field(default_factory=list)


def _positive(row: Row, key: str, found: list[Finding], default: float | None = None) -> float | None:
    value = row.get(key, default)
    if not isinstance(value, (int, float)):
        return None
    if value <= 0:
        found.append(finding("extra-hours-invalid", sheet=row.sheet, cell=row.refs[key], value=value))
        return None
    return float(value)


def _pupil(row: Row, labels: dict[str, int], found: list[Finding]) -> int | None:
    typed = row.get("pupil")
    by_key = {match_key(label, False): sid for label, sid in labels.items()}
    sid = by_key.get(match_key(str(typed or ""), False))
    if sid is None and typed:
        found.append(finding("extra-pupil-unknown", sheet=row.sheet, cell=row.refs["pupil"], value=typed))
    return sid


def read_extracurricular(tables: dict[str, Table], teacher: str, school: School, taken: dict[str, str],
                         *, yo_as_ye: bool = False) -> ExtraRead:
    """The typed rows of a teacher's workbook; ``taken``: group name → the teacher keeping it."""
    out = ExtraRead(teacher)
    found = out.findings
    for name in (GROUPS, MEMBERS, SESSIONS, ABSENCES):
        found += duplicate_keys(tables[name].rows, SPEC.sheet(name).key, yo_as_ye=yo_as_ye)
    mine = Names([str(r.get("name")) for r in tables[GROUPS].rows if r.get("name")], yo_as_ye)
    for row in tables[GROUPS].rows:
        owner = next((t for g, t in taken.items() if match_key(g, yo_as_ye) == match_key(row.get("name") or "", yo_as_ye)), None)
        if owner is not None and owner != teacher:
            found.append(finding("extra-group-taken", sheet=row.sheet, cell=row.refs["name"], value=row.get("name"), teacher=owner))
            continue
        hours = _positive(row, "planned_hours", found)
        if row.get("name") and hours is not None:
            out.groups.append({"name": row.get("name"), "direction": row.get("direction"), "planned_hours": hours})
    labels = pupil_labels(school)
    members: set[tuple[str, int]] = set()
    for row in tables[MEMBERS].rows:
        group = mine.resolve(row, "group", "extra-group-unknown", found)
        sid = _pupil(row, labels, found)
        if group and sid is not None:
            members.add((group, sid))
            out.members.append({"group_name": group, "student_id": sid})
    held: set[tuple[str, dt.date]] = set()
    for row in tables[SESSIONS].rows:
        group = mine.resolve(row, "group", "extra-group-unknown", found)
        hours = _positive(row, "hours", found, default=1.0)
        day = row.get("date")
        if group and isinstance(day, dt.date) and row.get("topic") and hours is not None:
            held.add((group, day))
            out.sessions.append({"group_name": group, "date": day, "topic": row.get("topic"),
                                 "hours": hours})
    for row in tables[ABSENCES].rows:
        group = mine.resolve(row, "group", "extra-group-unknown", found)
        sid = _pupil(row, labels, found)
        day = row.get("date")
        if not (group and isinstance(day, dt.date) and sid is not None):
            continue
        if (group, day) not in held:
            found.append(finding("extra-no-session", sheet=row.sheet, cell=row.refs["date"], value=f"{day:%d.%m.%Y}", group=group))
        elif (group, sid) not in members:
            found.append(finding("extra-not-member", sheet=row.sheet, cell=row.refs["pupil"], value=row.get("pupil"), group=group))
        else:
            out.absences.append({"group_name": group, "date": day, "student_id": sid})
    return out
