"""What happened in a pupil's week, as a few lines of a family's letter (issue 28, point 7).

Read from the diary documents themselves (:meth:`~zhurnal.publish.week_data.WeekData.diary`),
so the letter never says what the diary does not. When the diaries are locked with the
parent's password (``[diary] encrypt``) the letter is not: it then gives counts only and the
class teacher's note to the whole class, never a mark, a remark or a note about one child in
clear text. Texts: :mod:`zhurnal.text.mail`.
"""

from __future__ import annotations

from zhurnal.text import mail as words
from zhurnal.text.mail import fill
from zhurnal.text.numbers import counted


def _marks(doc: dict) -> tuple[list[str], int]:
    """«математика 5, 4» per subject in the order first met, and how many marks in all."""
    by_subject: dict[str, list[str]] = {}
    for day in doc["days"]:
        for lesson in day["lessons"]:
            if lesson["marks"]:
                by_subject.setdefault(lesson["subject"], []).extend(lesson["marks"])
    return ([f"{subject} {', '.join(marks)}" for subject, marks in by_subject.items()],
            sum(len(marks) for marks in by_subject.values()))


def _remarks(doc: dict) -> list[dict]:
    """The week's remarks ``{date, subject, text, author}`` in the order of the days."""
    return [{"date": day["date"][:5], "subject": lesson["subject"], **lesson["remark"]}
            for day in doc["days"] for lesson in day["lessons"] if lesson.get("remark")]


def pupil_lines(doc: dict) -> list[str]:
    """The open summary of one diary: marks by subject, absences, remarks, the pupil's note."""
    marks, _count = _marks(doc)
    lines = [fill(words.SUMMARY_PUPIL, pupil=doc["student"])]
    lines.append(fill(words.SUMMARY_MARKS, marks="; ".join(marks)) if marks else words.SUMMARY_NO_MARKS)
    if doc["absences"]:
        days = "; ".join(f"{a['date']} — {counted(a['lessons'], *words.LESSON_WORDS)} ({a['reason']})"
                         for a in doc["absences"])
        lines.append(fill(words.SUMMARY_ABSENT, days=days))
    lines += [fill(words.SUMMARY_REMARK, **remark) for remark in _remarks(doc)]
    note = doc.get("notes", {}).get("pupil", "")
    if note:
        lines.append(fill(words.SUMMARY_PUPIL_NOTE, text=note))
    return lines


def pupil_counts(doc: dict) -> str:
    """The locked summary of one diary: how many marks, missed lessons and remarks."""
    _marks_text, marks = _marks(doc)
    absent = sum(a["lessons"] for a in doc["absences"])
    return fill(words.SUMMARY_COUNTS, pupil=doc["student"], marks=counted(marks, *words.MARK_WORDS),
                absent=counted(absent, *words.ABSENT_WORDS), remarks=counted(len(_remarks(doc)), *words.REMARK_WORDS))


def letter_summary(docs: list[dict], *, locked: bool) -> str:
    """The summary of ``docs`` (one family's diaries) for the letter: open, or counts only when
    ``locked``; the class notes of the children's classes first, each once."""
    notes = dict.fromkeys((doc["class"], doc.get("notes", {}).get("class", "")) for doc in docs)
    parts = [fill(words.SUMMARY_CLASS_NOTE, class_code=code, text=note) for code, note in notes if note]
    for doc in docs:
        parts.append(pupil_counts(doc) if locked else "\n".join(pupil_lines(doc)))
    return "\n\n".join(parts)
