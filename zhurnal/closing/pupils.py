"""The year archive's pupils' list per class: ``outbox/year/<year>/<class>/Список учащихся <class>.pdf``
(PDF/A-2b from ``pupils_list.typ``): every pupil of the year with birth date, arrival and leaving
(date and order). The pupil's card (address, phone, note) is private: it is printed here only
when ``[roster] contacts_in_archive`` is on, and nowhere else (no diary, letter or summary)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection

from zhurnal.closing.archive import render_pdfa
from zhurnal.closing.archive_data import class_pupils, pupil_rows
from zhurnal.core.atomic import write_bytes
from zhurnal.core.filenames import safe_name
from zhurnal.publish.diary import template_path
from zhurnal.school.context import RunContext
from zhurnal.store import queries as q
from zhurnal.store import schema as s

TEMPLATE = "pupils_list.typ"
TITLE = "Список учащихся"


def write_pupil_lists(conn: Connection, ctx: RunContext, folder: Path, snapshot: str) -> list[Path]:
    """Every class's pupils' list under ``folder``; the paths written."""
    assert ctx.school_id is not None
    school = q.school_row(conn, ctx.school_id)
    contacts = ctx.settings.roster.contacts_in_archive
    template = template_path(ctx.settings.workspace, TEMPLATE)
    written = []
    for cls in q.table_rows(conn, s.classes, ctx.school_id, "grade", "code"):
        code = cls["code"]
        data = {"title": TITLE, "school": school["name"], "year": school["year_label"] or "", "class": code,
                "class_teacher": cls["class_teacher"] or "", "snapshot": snapshot, "contacts": contacts,
                "pupils": pupil_rows(class_pupils(conn, ctx.school_id, code), contacts)}
        pdf = render_pdfa(template, data, ctx)
        written.append(write_bytes(folder / safe_name(code) / f"{TITLE} {safe_name(code)}.pdf", pdf))
    return written
