"""Applying an extracurricular journal: authoritative for the groups it names (their plan,
pupils, sessions and absences; revisions kept). A group of the teacher's that the copy no
longer names is kept with everything it held: nothing is lost by a row deleted by mistake."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection

from zhurnal.core.findings import Finding
from zhurnal.kinds.extracurricular.records import ExtraRead
from zhurnal.merge.sync import Changes, sync_rows
from zhurnal.store import schema as s


@dataclass
class ExtraPlan:
    read: ExtraRead
    findings: list[Finding] = field(default_factory=list)

    def apply(self, conn: Connection, school_id: int, submission_id: int) -> Changes:
        read = self.read
        changes = sync_rows(conn, s.extra_groups, key=("name",), scope={"teacher": read.teacher},
                            rows=[{**g, "teacher": read.teacher} for g in read.groups], on_missing="keep",
                            school_id=school_id, submission_id=submission_id)
        for group in read.groups:
            scope = {"group_name": group["name"]}
            mine = [r for r in read.members if r["group_name"] == group["name"]]
            changes += sync_rows(conn, s.extra_members, key=("student_id",), rows=mine, scope=scope,
                                 school_id=school_id, submission_id=submission_id)
            mine = [r for r in read.sessions if r["group_name"] == group["name"]]
            changes += sync_rows(conn, s.extra_sessions, key=("date",), rows=mine, scope=scope,
                                 school_id=school_id, submission_id=submission_id)
            mine = [r for r in read.absences if r["group_name"] == group["name"]]
            changes += sync_rows(conn, s.extra_absences, key=("date", "student_id"), rows=mine, scope=scope,
                                 school_id=school_id, submission_id=submission_id)
        return changes
