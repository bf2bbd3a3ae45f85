"""The class teacher's notes in the attendance register (issue 28, point 2): a note to each
pupil's family (the column «note») and one to the whole class (the row «class_note»), for the
week's diaries and letters.

Stored in ``class_notes`` by class and week (``student_id`` NULL: the whole class; 0 here), merged three
ways like an absence (state keys ``note:<class>/<pupil id or 0>``), each change a revision of
entity ``class_notes`` (key ``<class>/<week>/<pupil id or 0>``). A register issued before the
notes existed has no note column and changes no note.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from zhurnal.core.findings import Finding
from zhurnal.merge.bases import Merger, State
from zhurnal.merge.sync import Changes, record_revision
from zhurnal.store import schema as s
from zhurnal.validate.normalize import is_blank
from zhurnal.validate.table import typed_cell


@dataclass
class NoteRead:
    class_code: str
    student_id: int          # 0: the note to the whole class
    text: str | None         # None: the cell is empty
    sheet: str
    ref: str


def read_notes(grid, class_code: str, note_field, class_marker: str, found: list[Finding]) -> list[NoteRead]:
    """The notes of one register sheet (none when the sheet has no note column)."""
    if note_field.key not in grid.columns:
        return []
    rows = dict(grid.students)
    if class_marker in grid.markers:
        rows[0] = grid.markers[class_marker]
    notes = []
    for student_id, row in rows.items():
        raw, ref = grid.value(row, note_field.key), grid.ref(row, note_field.key)
        text = None if is_blank(raw) else typed_cell(note_field, raw, sheet=grid.sheet, cell=ref, found=found)
        if text is None and not is_blank(raw):
            continue                                  # a finding says why
        notes.append(NoteRead(class_code, student_id, None if text is None else str(text), grid.sheet, ref))
    return notes


def note_key(class_code: str, student_id: int) -> str:
    return f"note:{class_code}/{student_id}"


def stored_notes(conn: Connection, school_id: int | None, week: str, classes: list[str] | None = None) -> dict[tuple[str, int], dict]:
    """(class, pupil id or 0) → the stored note ``{text, author}`` of ``week``."""
    n = s.class_notes
    query = select(n).where(n.c.school_id == school_id, n.c.week == week)
    if classes is not None:
        query = query.where(n.c.class_code.in_(classes))
    return {(r["class_code"], r["student_id"] or 0): dict(r) for r in conn.execute(query).mappings()}


def notes_state(notes: list[NoteRead]) -> State:
    return {note_key(n.class_code, n.student_id): n.text for n in notes}


def stored_state(stored: dict[tuple[str, int], dict]) -> State:
    return {note_key(code, sid): row["text"] for (code, sid), row in stored.items()}


def plan_notes(notes: list[NoteRead], stored: dict[tuple[str, int], dict], merge: Merger, week: str
               ) -> list[tuple[NoteRead, dict | None]]:
    """The notes that change the store, each with what it replaces."""
    changed = []
    for note in notes:
        old = stored.get((note.class_code, note.student_id))
        theirs = old["text"] if old else None
        if note.text == theirs:
            continue
        if merge.value(note_key(note.class_code, note.student_id), note.text, theirs, sheet=note.sheet,
                       cell=note.ref, entity="class_notes",
                       revision_key=f"{note.class_code}/{week}/{note.student_id}") == theirs:
            continue
        changed.append((note, old))
    return changed


def write_notes(conn: Connection, changed: list[tuple[NoteRead, dict | None]], *, school_id: int,
                submission_id: int, week: str, author: str, changes: Changes) -> None:
    for note, old in changed:
        keys = {"school_id": school_id, "class_code": note.class_code, "week": week,
                "student_id": note.student_id or None}
        if old is None:
            changes.write(conn, s.class_notes, keys, {"text": note.text, "author": author}, existed=False)
        else:
            changes.write(conn, s.class_notes, {"id": old["id"]},
                          None if note.text is None else {"text": note.text, "author": author}, existed=True)
        record_revision(conn, school_id=school_id, submission_id=submission_id, entity="class_notes",
                        key=f"{note.class_code}/{week}/{note.student_id}",
                        old={"note": old["text"]} if old else None,
                        new=None if note.text is None else {"note": note.text})
