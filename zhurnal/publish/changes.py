"""What changed between the diaries a parent received and the ones that replace them.

Both sides are the JSON-ready documents the templates render (``WeekData.diary`` or a report
card), so a correction names exactly what the parent saw before and sees now.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from zhurnal.publish.week_data import digest


def own_digest(docs: list[dict]) -> str:
    """The fingerprint of what is a family's own in their diaries: everything but the class's
    averages. A correction letter is worth sending for a changed mark, topic or absence of their
    child, not because a classmate's corrected mark moved the class average by 0,01."""
    def own(doc: dict) -> dict:
        return {**doc, "averages": [{k: v for k, v in a.items() if not k.startswith("class_average")}
                                    for a in doc.get("averages", [])]}
    return digest([own(d) for d in docs])


PRESENCE = {"н": "отсутствие", "оп": "опоздание"}


def _marks(doc: dict) -> dict[tuple[str, str, str], list[str]]:
    """(date ``dd.mm``, lesson no, subject) → marks and presence notes (as «н»/«оп» words), for a
    diary; (``""``, ``""``, subject) → [period mark] for a report card."""
    found: dict[tuple[str, str, str], list[str]] = {}
    for day in doc.get("days", []):
        for lesson in day["lessons"]:
            notes = [PRESENCE[lesson["presence"]]] if lesson.get("presence") in PRESENCE else []
            found[(day["date"][:5], str(lesson["no"]), lesson["subject"])] = list(lesson["marks"]) + notes
    for row in doc.get("subjects", []):
        if row.get("mark") not in (None, "—"):
            found[("", "", row["subject"])] = [row["mark"]]
    return found


def _one(before: list[str], after: list[str]) -> Iterator[str]:
    notes = set(PRESENCE.values())
    removed = list((Counter(before) - Counter(after)).elements())
    added = list((Counter(after) - Counter(before)).elements())
    for note in [m for m in removed if m in notes]:
        yield f"снята отметка «{note}»"
    for note in [m for m in added if m in notes]:
        yield f"отмечено {note}"
    removed, added = [m for m in removed if m not in notes], [m for m in added if m not in notes]
    for old, new in zip(removed, added):
        yield f"отметка {old} исправлена на {new}"
    for old in removed[len(added):]:
        yield f"отметка {old} удалена"
    for new in added[len(removed):]:
        yield f"добавлена отметка {new}"


def mark_changes(before: list[dict], after: list[dict]) -> list[str]:
    """One Russian line per changed mark, e.g. «Иванов Иван, Алгебра, 24.11: отметка 4
    исправлена на 5»; matched by student, date, lesson number and subject. Children present on
    one side only are named once («дневник добавлен» / «дневник больше не отправляется»)."""
    old = {d["student_id"]: d for d in before if "student_id" in d}
    new = {d["student_id"]: d for d in after if "student_id" in d}
    lines = []
    for sid in sorted(old.keys() | new.keys(), key=lambda i: (new.get(i) or old[i])["student"]):
        name = (new.get(sid) or old[sid])["student"]
        if sid not in old:
            lines.append(f"{name}: дневник добавлен")
            continue
        if sid not in new:
            lines.append(f"{name}: дневник больше не отправляется")
            continue
        was, now = _marks(old[sid]), _marks(new[sid])
        for key in sorted(was.keys() | now.keys(), key=lambda k: (k[0][3:], k[0][:2], k[1].zfill(2), k[2])):
            date, _, subject = key
            where = f"{name}, {subject}" + (f", {date}" if date else "")
            lines += [f"{where}: {change}" for change in _one(was.get(key, []), now.get(key, []))]
    return lines
