"""Applying an accepted roster: authoritative for its class's students, subgroups and parents.

A pupil's row carries their movement: arrival and leaving dates with the orders; ``active`` is
kept as "has not left" (no leaving date). A pupil whose row is missing from the roster is never
deleted either, so their marks and history stay: they are recorded as left on the roster's date
(a warning at validation asks the class teacher to complete the date and order). Parents are
matched by hidden id, then e-mail, then name and phone, so one parent of children in two classes
stays one person.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, insert

from zhurnal.core.findings import Finding
from zhurnal.kinds.roster.records import RosterCheck, RosterContext
from zhurnal.merge.sync import Changes, record_revision, sync_rows
from zhurnal.store import schema as s
from zhurnal.validate.normalize import match_key


def _insert(conn: Connection, table, values: dict, *, school_id: int, submission_id: int) -> int:
    row = {**values, "school_id": school_id}
    new_id = conn.execute(insert(table).values(**row)).inserted_primary_key[0]
    record_revision(conn, school_id=school_id, submission_id=submission_id, entity=table.name,
                    key=str(new_id), old=None, new={**row, "id": new_id})
    return new_id


PERSON = ("full_name", "birth_date", "sex", "arrived_on", "arrival_order", "left_on", "leaving_order",
          "address", "phone", "note", "email")


def _student_row(cls: str, values: dict) -> dict:
    """The ``students`` row of a roster line; ``active`` is "has not left"."""
    return {"class_code": cls, **{k: values[k] for k in PERSON if k in values}, "active": values.get("left_on") is None}


def _student_ids(conn, check: RosterCheck, cls: str, ids: dict) -> list[int]:
    found = []
    for student in check.students:
        found.append(student.id if student.id is not None
                     else _insert(conn, s.students, _student_row(cls, student.values), **ids))
    return found


def _removed(ctx: RosterContext, kept: list[int]) -> list[dict]:
    """The class's pupils who had not left and whose rows are gone: left on the roster's date."""
    return [{**st, "active": False, "left_on": ctx.today} for st in ctx.students
            if st["class_code"] == ctx.class_code and st["left_on"] is None and st["id"] not in kept]


def _parent_identity(parent_values: dict, yo: bool) -> tuple:
    if parent_values.get("email"):
        return ("email", parent_values["email"])
    return ("name", match_key(parent_values["full_name"], yo), parent_values.get("phone") or "")


def apply_roster(conn: Connection, check: RosterCheck, ctx: RosterContext, *, school_id: int,
                 submission_id: int, yo_as_ye: bool = False) -> Changes:
    """Write the roster's students, memberships, parents and links in the open transaction."""
    ids = {"school_id": school_id, "submission_id": submission_id}
    cls = ctx.class_code
    student_ids = _student_ids(conn, check, cls, ids)
    rows = [{"id": sid, **_student_row(cls, st.values)} for sid, st in zip(student_ids, check.students)]
    changes = sync_rows(conn, s.students, key=("id",), rows=rows + _removed(ctx, student_ids),
                        scope={"class_code": cls}, on_missing="keep", **ids)
    for sid, student in zip(student_ids, check.students):
        members = [{"student_id": sid, "subject": subject, "subgroup": name}
                   for subject, name in student.values["subgroups"].items()]
        changes += sync_rows(conn, s.subgroup_members, key=("subject",), rows=members,
                             scope={"student_id": sid}, **ids)

    known = {}
    for parent in ctx.parents:
        known.setdefault(_parent_identity(parent, yo_as_ye), parent["id"])
    links: dict[int, list[dict]] = {sid: [] for sid in student_ids}
    for parent in check.parents:
        person = {k: parent.values[k] for k in ("full_name", "email", "phone")}
        identity = _parent_identity(person, yo_as_ye)
        pid = parent.id or known.get(identity)
        if pid is None:
            pid = _insert(conn, s.parents, person, **ids)
        else:
            changes += sync_rows(conn, s.parents, key=("id",), rows=[{"id": pid, **person}],
                                 scope={"id": pid}, on_missing="keep", **ids)
        known[identity] = pid
        sid = student_ids[parent.student_index]
        links[sid].append({"parent_id": pid, "student_id": sid, "relation": parent.values["relation"],
                           "receives_diary": bool(parent.values["receives_diary"])})
    for sid, wanted in links.items():
        unique = list({link["parent_id"]: link for link in wanted}.values())
        changes += sync_rows(conn, s.guardianships, key=("parent_id",), rows=unique,
                             scope={"student_id": sid}, **ids)
    exempt: dict[int, list[dict]] = {sid: [] for sid in student_ids}
    for item in check.exemptions:
        sid = student_ids[item.student_index]
        exempt[sid].append({"student_id": sid, **item.values})
    for sid, wanted in exempt.items():
        changes += sync_rows(conn, s.exemptions, key=("subject", "start"), rows=wanted,
                             scope={"student_id": sid}, **ids)
    return changes


@dataclass
class RosterPlan:
    check: RosterCheck
    context: RosterContext
    yo_as_ye: bool
    findings: list[Finding] = field(default_factory=list)

    def apply(self, conn: Connection, school_id: int, submission_id: int) -> Changes:
        return apply_roster(conn, self.check, self.context, school_id=school_id,
                            submission_id=submission_id, yo_as_ye=self.yo_as_ye)
