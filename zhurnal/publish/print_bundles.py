"""Print bundles: ``outbox/<week>/print/Печать_<class>.pdf``, a cover page and then the diaries
(or report cards) already rendered, one after another, for the class teacher to print.

The cover (``templates/bundle_cover.typ``, Typst like the diaries) names the school, the class,
the week or period, every pupil inside with the page their document starts on, the pupils
whose document went by mail instead, and those without one (a document that failed to render:
none expected), so the teacher can check the pile before handing it out.

Rendering the diaries again as one Typst document cost as much as rendering them the first
time; joining the PDFs (pikepdf) costs a small fraction of it. Each diary keeps its own running
header and «стр. N из M» counted within it, so a bundle reads exactly as the separate files do.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Collection
from pathlib import Path

import pikepdf

from zhurnal.core.atomic import write_bytes
from zhurnal.publish.diary import DiaryRenderer, template_path
from zhurnal.publish.family_message import Post
from zhurnal.publish.render import Rendering, file_name
from zhurnal.school.snapshot import School
from zhurnal.text import mail as words
from zhurnal.text.mail import fill

COVER = "bundle_cover.typ"
# kind → (what is inside, what went by mail, who has none): each heading is followed on the cover
# by a list of pupils, so each says what those pupils are (not «Дневники получат родители по
# почте: <pupils>», which reads as if the pupils were the parents)
HEADINGS = {
    "diary": ("В пакете дневники этих учеников", "Дневники этих учеников получат родители по почте",
              "Без дневника на этой неделе"),
    "report": ("В пакете табели этих учеников", "Табели этих учеников получат родители по почте",
               "Без табеля за период"),
    "year": ("В пакете годовые табели этих учеников", "Годовые табели этих учеников получат родители по почте",
             "Без годового табеля"),
}
TITLES = {"diary": "Дневники", "report": "Табели", "year": "Годовые табели"}


def join_pdfs(pdfs: list[bytes]) -> bytes:
    """One PDF with the pages of ``pdfs`` in order (unencrypted: the class teacher prints it)."""
    joined = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(data)) for data in pdfs]
    for source in sources:
        joined.pages.extend(source.pages)
    out = io.BytesIO()
    joined.save(out, compress_streams=True)
    for source in sources:
        source.close()
    return out.getvalue()


def page_count(pdf: bytes) -> int:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return len(doc.pages)


def _cover(renderer: DiaryRenderer, data: dict, pages: list[int]) -> bytes:
    """The cover PDF for ``data`` with each pupil's first page, counted after the cover itself
    (one page, unless a very long class list makes it two: then counted again)."""
    cover_pages, pdf = 1, b""
    for _ in range(3):
        start = cover_pages + 1
        for row, count in zip(data["inside"], pages):
            row["page"], row["pages"] = start, count
            start += count
        data["pages"] = start - 1
        pdf = renderer.render_document(data)
        if page_count(pdf) == cover_pages:
            break
        cover_pages = page_count(pdf)
    return pdf


def print_bundles(school: School, rendering: Rendering, inside: Collection[int], post: Post,
                  out: Path, workspace: Path, wrong: dict[int, dict] | None = None) -> list[Path]:
    """One bundle per class with a pupil in ``inside`` (pupil ids whose rendered document is to
    be printed) or a document that failed to render, in the order of the pupils' names; the
    bundles' paths, by class. A pupil of ``rendering`` neither inside nor failed is listed on
    the cover as mailed. Raises :class:`~zhurnal.publish.diary.RenderError` when the cover
    template is broken (a school's restyled one): the bundles are not right without it.
    ``wrong``: parents whose address a server refused for good (:mod:`zhurnal.publish.wrong_addresses`),
    named on their children's classes' covers as roster rows to mend."""
    by_class: dict[str, list[int]] = defaultdict(list)
    for sid in rendering.docs:
        by_class[school.students[sid]["class_code"]].append(sid)
    renderer = DiaryRenderer(template_path(workspace, COVER))
    written = []
    for class_code, pupils in sorted(by_class.items()):
        pupils.sort(key=lambda sid: (rendering.docs[sid]["student"], sid))
        printed = [sid for sid in pupils if sid in inside and sid in rendering]
        missing = [sid for sid in pupils if sid not in rendering]
        refused = [fill(words.WRONG_ADDRESS_LINE, parent=w["parent"], email=w["address"])
                   for w in sorted((wrong or {}).values(), key=lambda w: w["parent"]) if class_code in w["classes"]]
        if not printed and not missing and not refused:   # a wrong address alone still gets its cover
            continue
        pdfs = [rendering[sid] for sid in printed]
        name = lambda sid: school.students[sid]["full_name"]
        inside_heading, mailed_heading, missing_heading = HEADINGS[post.kind]
        data = {"school": post.school_name, "class": class_code,
                "class_teacher": school.classes[class_code]["class_teacher"] or "",
                "heading": f"{TITLES[post.kind]} за {post.title}", "inside_heading": inside_heading,
                "mailed_heading": mailed_heading, "missing_heading": missing_heading,
                "inside": [{"no": no, "name": name(sid)} for no, sid in enumerate(printed, 1)],
                "mailed": [name(sid) for sid in pupils if sid not in printed and sid not in missing],
                "missing": [name(sid) for sid in missing], "wrong": refused}
        cover = _cover(renderer, data, [page_count(pdf) for pdf in pdfs])
        path = out / "print" / f"Печать_{file_name(class_code)}.pdf"
        write_bytes(path, join_pdfs([cover, *pdfs]))
        written.append(path)
    return written
