"""A revision's ``key`` names its row by ids (``"<student id>/<period>"`` …); comparing or copying
stores must translate the student and parent ids in it, and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable

# entities whose key starts with a student id, the rest natural (subject, date, period …)
STUDENT_FIRST = ("absences", "period_marks", "exam_marks", "prior_marks")
# entities whose key ends with a student id: a lesson's cell or remark (…/<lesson no>/<student>),
# a class teacher's note (<class>/<week>/<student>, 0 for the whole class)
STUDENT_LAST = ("journal_entries", "remarks", "class_notes")


def translate_key(entity: str, key: str, student: Callable[[str], object],
                  parent: Callable[[str], object]) -> str:
    """``key`` of a revision of ``entity`` with each student id passed through ``student`` and each
    parent id through ``parent`` (their results joined as text); other entities' keys unchanged."""
    parts = key.split("/")
    if entity == "students":
        return str(student(key))
    if entity == "parents":
        return str(parent(key))
    if entity == "guardianships":
        return "/".join([str(parent(parts[0]))] + [str(student(p)) for p in parts[1:]])
    if entity in STUDENT_LAST:
        if entity == "class_notes" and parts[-1] == "0":      # the note to the whole class
            return key
        return "/".join(parts[:-1] + [str(student(parts[-1]))])
    if entity in STUDENT_FIRST:
        return "/".join([str(student(parts[0]))] + parts[1:])
    return key
