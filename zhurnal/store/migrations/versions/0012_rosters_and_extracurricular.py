"""Roster freshness: every confirmation of a class's roster, with its moment; the pupil's card
(address, phone, note); the extracurricular journal: groups, members, sessions, absences.

A store upgraded from 0011 already holds accepted rosters: each class's roster counts as confirmed
when the newest accepted roster that changed one of its pupils came in (what the revisions tell),
so that an upgrade does not show every class as never confirmed.

Revision ID: 0012
"""

from alembic import op

from zhurnal.store.migrations import introduce

revision, down_revision, branch_labels, depends_on = "0012", "0011", None, None


def _confirmed_before(bind) -> None:
    from sqlalchemy import insert, select

    from zhurnal.store import schema as s

    sub, rev, st = s.submissions, s.revisions, s.students
    rosters = {row.id: (row.school_id, row.received_at) for row in bind.execute(
        select(sub.c.id, sub.c.school_id, sub.c.received_at).where(sub.c.kind == "roster", sub.c.status == "accepted"))}
    if not rosters:
        return
    classes = {(row.school_id, str(row.id)): row.class_code
               for row in bind.execute(select(st.c.id, st.c.school_id, st.c.class_code))}
    newest: dict = {}
    for row in bind.execute(select(rev.c.submission_id, rev.c.key).where(rev.c.entity == "students")):
        if row.submission_id not in rosters:
            continue
        school_id, at = rosters[row.submission_id]
        code = classes.get((school_id, row.key))
        if code is not None and ((school_id, code) not in newest or newest[(school_id, code)][0] < at):
            newest[(school_id, code)] = (at, row.submission_id)
    for (school_id, code), (at, submission_id) in newest.items():
        bind.execute(insert(s.roster_confirmations).values(school_id=school_id, class_code=code, received_at=at,
                                                           submission_id=submission_id))


def upgrade() -> None:
    introduce(revision)
    _confirmed_before(op.get_bind())
