"""The year archive's PDFs: per class the journal, the summary ledger and the corrections
appendix (data: :mod:`zhurnal.closing.archive_data`), rendered by Typst from
``year_archive.typ`` as PDF/A-2b (ISO 19005-2, level B: fonts embedded, an sRGB output intent,
XMP metadata with the PDF/A identification), the archival form of a document to be bound.

Files: ``outbox/year/<year>/<class>/Журнал <class>.pdf``, ``Сводная ведомость <class>.pdf``,
``Исправления <class>.pdf``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import typst
from sqlalchemy import Connection

from zhurnal.closing import archive_data as d
from zhurnal.core.atomic import write_bytes
from zhurnal.core.filenames import safe_name
from zhurnal.publish.diary import RenderError, poppler_safe, template_path
from zhurnal.school.context import RunContext
from zhurnal.store import queries as q
from zhurnal.store import schema as s
from zhurnal.year.ledger import summary_ledger

TEMPLATE = "year_archive.typ"
PDF_STANDARD = "a-2b"        # PDF/A-2b; typst-py ≥ 0.13 takes pdf_standards
DOCUMENTS = (("journal", "Классный журнал", "Журнал"), ("ledger", "Сводная ведомость", "Сводная ведомость"),
             ("corrections", "Исправления в журнале", "Исправления"))


def render_pdfa(template: Path, data: dict, ctx: RunContext) -> bytes:
    """One PDF/A-2b document from ``template`` with ``data`` (JSON in ``sys.inputs.data``),
    dated the moment of the run; :class:`RenderError` when the template does not compile."""
    try:
        pdf = typst.compile(str(template), root=str(template.parent), pdf_standards=PDF_STANDARD,
                            sys_inputs={"data": json.dumps(data, ensure_ascii=False)}, timestamp=ctx.now.replace(tzinfo=dt.timezone.utc))
    except typst.TypstError as exc:
        raise RenderError(str(exc)) from exc
    return poppler_safe(pdf)


def write_class_archives(conn: Connection, ctx: RunContext, folder: Path, snapshot: str) -> list[Path]:
    """Every class's three PDFs under ``folder``; the paths written, class by class."""
    assert ctx.school_id is not None
    school = q.school_row(conn, ctx.school_id)
    template = template_path(ctx.settings.workspace, TEMPLATE)
    written = []
    for cls in q.table_rows(conn, s.classes, ctx.school_id, "grade", "code"):
        code = cls["code"]
        pupils = d.class_pupils(conn, ctx.school_id, code)
        final = {(r.student_id, r.subject): (r.periods, r.year) for r in summary_ledger(
            conn, ctx.school_id, code, year_rule=ctx.settings.marks.year_rule, attestat_settings=ctx.settings.attestat)}
        content = {
            "journal": {"columns": d.DATES_PER_PAGE, "storage": d.STORAGE, "pupils": d.pupil_rows(pupils),
                        "sections": d.journal_sections(conn, ctx.school_id, code, pupils, final),
                        "register": d.attendance_register(conn, ctx.school_id, code, pupils)},
            "ledger": d.ledger(conn, ctx.school_id, code, cls["grade"], ctx.settings.marks.year_rule,
                               ctx.settings.attestat),
            "corrections": d.corrections(conn, ctx.school_id, code),
        }
        base = {"school": school["name"], "year": school["year_label"] or "", "class": code,
                "class_teacher": cls["class_teacher"] or "", "snapshot": snapshot, **content}
        for kind, title, name in DOCUMENTS:
            pdf = render_pdfa(template, {**base, "kind": kind, "title": title}, ctx)
            written.append(write_bytes(folder / safe_name(code) / f"{name} {safe_name(code)}.pdf", pdf))
    return written
