"""Rules for a class roster: students, their subgroups and movement, and parents linked to them.

Movement (arrival and leaving with their orders) is checked here: a leaving date before the
arrival date is an error, an order without its date is an error, a date without its order and a
pupil added to a class that already has pupils without an arrival date are warnings. A pupil
deleted from the roster is a warning: the merge records them as left on the roster's date
(never deletes them), and the next roster shows their row with that date to complete."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from zhurnal.core.findings import Finding, Severity, finding
from zhurnal.validate.checks import Names, duplicate_keys
from zhurnal.validate.normalize import match_key
from zhurnal.validate.table import Row, Table


@dataclass
class RosterContext:
    """What the store knows that a roster is checked against."""

    class_code: str
    class_exists: bool
    subgroups: dict[str, list[str]]
    subjects: list[str]
    students: list[dict]              # every active student of the school, and every one of this class
    parents: list[dict]               # every parent of the school
    today: dt.date | None = None      # the roster's date: a pupil deleted from it left on this day

    def by_id(self) -> dict[int, dict]:
        return {st["id"]: st for st in self.students}


@dataclass
class RosterStudent:
    row: Row
    id: int | None
    values: dict


@dataclass
class RosterParent:
    row: Row
    id: int | None
    values: dict
    student_index: int


@dataclass
class RosterExemption:
    values: dict
    student_index: int


@dataclass
class RosterCheck:
    students: list[RosterStudent] = field(default_factory=list)
    parents: list[RosterParent] = field(default_factory=list)
    exemptions: list[RosterExemption] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def _hidden_id(row: Row) -> int | None:
    value = row.get("id")
    try:
        return int(float(value)) if value not in (None, "") else None
    except ValueError:
        return None


def _identify_student(row: Row, ctx: RosterContext, yo: bool, found: list[Finding]) -> int | None:
    by_id = ctx.by_id()
    ident = _hidden_id(row)
    if ident is not None and ident in by_id:
        other = by_id[ident]["class_code"]
        if other != ctx.class_code:
            found.append(finding("student-in-two-classes", **row.at("full_name"),
                                 value=row.get("full_name"), other_class=other))
        return ident
    name_key = match_key(row.get("full_name") or "", yo)
    for st in ctx.students:
        if match_key(st["full_name"], yo) == name_key and st["birth_date"] == row.get("birth_date"):
            if st["class_code"] != ctx.class_code:
                found.append(finding("student-in-two-classes", **row.at("full_name"),
                                     value=row.get("full_name"), other_class=st["class_code"]))
            return st["id"]
    return None


MOVEMENT = ("arrived_on", "arrival_order", "left_on", "leaving_order")
CONTACTS = ("address", "phone", "note", "email")     # the pupil's card (private) and own address


def _shown(day: object) -> str:
    return f"{day:%d.%m.%Y}" if isinstance(day, dt.date) else str(day)


def _check_movement(row: Row, ident: int | None, ctx: RosterContext, found: list[Finding]) -> None:
    """Arrival and leaving: dates in order, each order with its date, each date with its order."""
    if "left_on" not in row.refs:
        return
    arrived, left = row.get("arrived_on"), row.get("left_on")
    if arrived and left and left < arrived:
        found.append(finding("leaving-before-arrival", **row.at("left_on"), value=_shown(left)))
    for day, order in (("arrived_on", "arrival_order"), ("left_on", "leaving_order")):
        if row.get(order) and not row.get(day):
            found.append(finding("movement-date-missing", **row.at(day), value=row.get(order)))
        elif row.get(day) and not row.get(order):
            found.append(finding("movement-order-missing", **row.at(order), value=_shown(row.get(day)),
                                 severity=Severity.WARNING))
    if ident is None and not arrived and any(st["class_code"] == ctx.class_code for st in ctx.students):
        found.append(finding("arrival-date-missing", **row.at("arrived_on"), value=row.get("full_name"),
                             severity=Severity.WARNING))


def _check_removed(ctx: RosterContext, out: RosterCheck) -> None:
    """A pupil of the class who has not left and whose row is gone: recorded as left (warning)."""
    kept = {st.id for st in out.students}
    for st in ctx.students:
        if st["class_code"] == ctx.class_code and st["left_on"] is None and st["id"] not in kept:
            out.findings.append(finding("student-removed-from-roster", value=st["full_name"],
                                        day=f"{ctx.today:%d.%m.%Y}" if ctx.today else "",
                                        severity=Severity.WARNING))


def _check_students(table: Table, ctx: RosterContext, yo: bool, out: RosterCheck) -> None:
    found = out.findings
    found += duplicate_keys(table.rows, ("full_name", "birth_date"), yo_as_ye=yo)
    seen_ids: dict[int, int] = {}
    for row in table.rows:
        name = row.get("full_name")
        if name and len(name.split()) < 2:
            found.append(finding("student-name-incomplete", **row.at("full_name"), value=name))
        ident = _identify_student(row, ctx, yo, found) if name else None
        if ident is not None and ident in seen_ids:
            found.append(finding("duplicate-key", **row.at("full_name"), value=name,
                                 first_row=seen_ids[ident]))
        elif ident is not None:
            seen_ids[ident] = row.number
        membership = {}
        for subject, names in ctx.subgroups.items():
            key = f"subgroup:{subject}"
            typed = row.values.get(key)
            if typed in (None, ""):
                continue
            canonical = Names(names, yo).get(typed)
            if canonical is None:
                found.append(finding("subgroup-not-in-class", **row.at(key), value=typed,
                                     cls=ctx.class_code, subject=subject))
            membership[subject] = canonical
        _check_movement(row, ident, ctx, found)
        # a roster issued before the movement (or contact) columns keeps the stored ones as they are
        values = {k: row.get(k) for k in ("full_name", "birth_date", "sex", *MOVEMENT, *CONTACTS) if k in row.refs}
        values["subgroups"] = membership
        out.students.append(RosterStudent(row=row, id=ident, values=values))


def _student_index(row: Row, out: RosterCheck, yo: bool) -> int | None:
    """Which roster student ``row["student"]`` names, or None after a finding at that cell."""
    typed = row.get("student")
    matches = [i for i, st in enumerate(out.students)
               if match_key(st.values["full_name"] or "", yo) == match_key(typed, yo)]
    if not matches:
        out.findings.append(finding("unknown-student", **row.at("student"), value=typed))
        return None
    if len(matches) > 1:
        out.findings.append(finding("ambiguous-student", **row.at("student"), value=typed))
        return None
    return matches[0]


def _check_exemptions(table: Table, yo: bool, ctx: RosterContext, out: RosterCheck) -> None:
    subjects = Names(ctx.subjects, yo)
    for row in table.rows:
        index = _student_index(row, out, yo) if row.get("student") else None
        subject = subjects.resolve(row, "subject", "unknown-subject", out.findings)
        start, end = row.get("start"), row.get("end")
        if start and end and end < start:
            out.findings.append(finding("period-bad-range", **row.at("end"), value=end))
        elif index is not None and subject and start and end:
            out.exemptions.append(RosterExemption({"subject": subject, "start": start, "end": end}, index))


def _check_parents(table: Table, yo: bool, ctx: RosterContext, out: RosterCheck) -> None:
    found = out.findings
    known_ids = {p["id"] for p in ctx.parents}
    for row in table.rows:
        if row.get("student") in (None, ""):
            found.append(finding("parent-without-student", **row.at("student"),
                                 value=row.get("full_name")))
            continue
        index = _student_index(row, out, yo)
        if index is None:
            continue
        ident = _hidden_id(row)
        values = {k: row.get(k) for k in ("full_name", "relation", "email", "phone")}
        values["receives_diary"] = row.get("receives_diary", True)
        out.parents.append(RosterParent(row=row, id=ident if ident in known_ids else None,
                                        values=values, student_index=index))


def _check_pupil_addresses(out: RosterCheck) -> None:
    """A pupil's own address (their own diary goes there, issue 28) must be theirs alone: not
    another pupil's of the roster and not a parent's (of any family of the roster, their own
    included: the parent would get the pupil's diary twice, another family's parent a child's
    not theirs). Addresses compare without case, as mail servers treat them."""
    parents = {str(p.values.get("email") or "").strip().lower() for p in out.parents} - {""}
    first: dict[str, int] = {}
    for st in out.students:
        email = str(st.values.get("email") or "").strip().lower()
        if not email:
            continue
        if email in first:
            out.findings.append(finding("pupil-email-shared", sheet=st.row.sheet, cell=st.row.refs["email"],
                                        value=st.values["email"], first_row=first[email]))
        elif email in parents:
            out.findings.append(finding("pupil-email-is-parents", sheet=st.row.sheet, cell=st.row.refs["email"],
                                        value=st.values["email"]))
        first.setdefault(email, st.row.number)


def check_roster(tables: dict[str, Table], ctx: RosterContext, *, yo_as_ye: bool = False) -> RosterCheck:
    """Every roster rule; the result carries the typed students and parents to merge."""
    out = RosterCheck()
    if not ctx.class_exists:
        out.findings.append(finding("class-not-found", value=ctx.class_code))
        return out
    _check_students(tables["Ученики"], ctx, yo_as_ye, out)
    _check_removed(ctx, out)
    _check_parents(tables["Родители"], yo_as_ye, ctx, out)
    _check_pupil_addresses(out)
    _check_exemptions(tables["Освобождения"], yo_as_ye, ctx, out)
    return out
