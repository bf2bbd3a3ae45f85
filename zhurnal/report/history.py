"""``zhurnal history``: one row per changed value, wrapped to fit the terminal."""

from __future__ import annotations

from zhurnal.report.table import fitted_table
from zhurnal.school.calendar import parse_week
from zhurnal.text.i18n import N_, _

FIELDS = {"marks": N_("Marks"), "presence": N_("Presence"), "topic": N_("Topic"), "homework": N_("Homework"),
          "homework_due": N_("Homework due"), "remark": N_("Remark"),
          "work_type": N_("Work type"), "ict": N_("ICT"), "teacher": N_("Teacher"), "lessons": N_("Lessons missed"),
          "reason": N_("Reason"), "mark": N_("Period mark"), "note": N_("Class teacher's note")}
PRESENCE = {"н": N_("absent"), "оп": N_("late")}


def _shown(field: str, value: object) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if field == "presence" and str(value) in PRESENCE:
        return _(PRESENCE[str(value)])
    return str(value)


def changes(row: dict) -> list[tuple[str, str, str]]:
    """(what, was, became) in people's words, one per field that changed."""
    old, new = row["old"] or {}, row["new"] or {}
    found = []
    for field, label in FIELDS.items():
        if field in old or field in new:
            before, after = old.get(field), new.get(field)
            if before != after and (before not in (None, "") or after not in (None, "")):
                found.append((_(label) if field != "mark" else f"{_(label)} {row.get('period', '')}".strip(),
                              _shown(field, before), _shown(field, after)))
    if not found and row["new"] is None and row["entity"] == "lessons":
        found.append((_("Lesson"), _("was"), _("deleted")))
    return found


def _where(row: dict) -> str:
    day = row.get("date")
    parts = [row.get("class_code") or "", row.get("subject") or "", f"{day:%d.%m.%Y}" if day else "",
             _("lesson {n}").format(n=row["lesson_no"]) if row.get("lesson_no") else "",
             _("week {title}").format(title=parse_week(row["week"]).title()) if row.get("week") else ""]
    return ", ".join(p for p in parts if p)


def history_text(rows: list[dict]) -> str:
    """When, who (and the file), where (class, subject, date, lesson), whom, what, was → became;
    one row per change, no wider than 100 columns."""
    if not rows:
        return _("no changes found")
    table = []
    for r in rows:
        who = ", ".join(p for p in (r["author"] or "", f"«{r['file']}»" if r["file"] else "") if p)
        whom = r.get("student") or (_("whole class") if r["entity"] == "class_notes" else "")
        head = [f"{r['received_at']:%d.%m.%Y %H:%M}", who, _where(r), whom]
        table += [head + [what, f"{was} → {became}"] for what, was, became in changes(r)]
    return fitted_table([_("when"), _("who"), _("where"), _("pupil"), _("what"), _("was → became")], table)
