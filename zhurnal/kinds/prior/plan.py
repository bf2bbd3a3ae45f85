"""Writing earlier years' marks: each cell of the workbook against what ``prior_marks`` holds
for its grade, a revision per change (an emptied cell removes the mark)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, and_, insert, update

from zhurnal.core.findings import Finding
from zhurnal.merge.sync import Changes, record_revision
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.store.delete import delete_rows

SOURCE = "import"


@dataclass
class PriorPlan:
    grade: int                      # the workbook's grade (10), 0 for the basic level's (a grade a column)
    # (student, subject, grade, period) → mark
    cells: dict[tuple[int, str, int, str], str | None] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)

    def apply(self, conn: Connection, school_id: int, submission_id: int) -> Changes:
        changes = Changes()
        P = s.prior_marks
        grades = {grade for _, _, grade, _ in self.cells}
        stored = {(r["student_id"], r["subject"], r["grade"], r["period"]): r["mark"]
                  for r in q.table_rows(conn, P, school_id) if r["grade"] in grades}
        for (sid, subject, grade, period), mark in sorted(self.cells.items()):
            old = stored.get((sid, subject, grade, period))
            if old == mark:
                continue
            where = and_(P.c.school_id == school_id, P.c.student_id == sid, P.c.subject == subject,
                         P.c.grade == grade, P.c.period == period)
            if old is None:
                conn.execute(insert(P).values(school_id=school_id, student_id=sid, subject=subject, grade=grade,
                                              period=period, mark=mark, source=SOURCE))
                changes.inserted += 1
            elif mark is None:
                delete_rows(conn, P, where)
                changes.removed += 1
            else:
                conn.execute(update(P).where(where).values(mark=mark, source=SOURCE))
                changes.updated += 1
            record_revision(conn, school_id=school_id, submission_id=submission_id, entity="prior_marks",
                            key=f"{sid}/{subject}/{grade}/{period}",
                            old={"mark": old} if old else None, new={"mark": mark} if mark else None)
        return changes
