"""``zhurnal docs regulation``: the regulation as an editable ``.docx`` (python-docx) and its PDF.

The ``.docx`` is the document the director edits and signs; the PDF, for reading and for the
school's site, is typeset by Typst from the same :class:`~zhurnal.docs.model.Document` (as the
diaries are: no LibreOffice Writer needed on the school's computer, the same pages every time).
Both are regenerated from the settings; edits made to the ``.docx`` by hand are the director's.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from docx import Document as Docx
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from zhurnal.core.atomic import write_bytes
from zhurnal.docs.facts import Facts
from zhurnal.docs.model import Document, Made, Table, numbered
from zhurnal.docs.regulation_text import regulation
from zhurnal.docs.typeset import pdf_bytes

FILE_STEM = "Положение_об_электронном_журнале"
DIGEST = ".regulation.sha256"    # beside the files: what they were drafted from (``zhurnal doctor`` compares)
FONT = "Times New Roman"     # LibreOffice substitutes Liberation Serif, metric-compatible


def docx_bytes(doc: Document) -> bytes:
    """``doc`` as a ``.docx``: A4, 12-pt serif, the approval block at the right, numbered clauses."""
    out = Docx()
    section = out.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin, section.right_margin = Cm(2.5), Cm(1.5)
    section.top_margin = section.bottom_margin = Cm(2)
    for name in ("Normal", "Title", "Heading 1", "Table Grid"):
        style = out.styles[name]
        style.font.name = FONT
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), FONT)
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)     # a theme font would win over the name
        style.font.color.rgb = RGBColor(0, 0, 0)
    out.styles["Normal"].font.size = Pt(12)
    out.styles["Title"].font.size = Pt(16)
    out.styles["Title"].font.bold = True
    out.styles["Heading 1"].font.size = Pt(13)
    for line in doc.preamble:
        out.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    title = out.add_heading(doc.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for n, part in enumerate(doc.parts, 1):
        out.add_heading(f"{n}. {part.title}", level=1)
        for clause, item in numbered(n, part):
            if isinstance(item, Table):
                _table(out, item)
            elif isinstance(item, str):
                paragraph = out.add_paragraph(f"{clause} {item}".strip())
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                if not clause:
                    paragraph.paragraph_format.left_indent = Cm(1)
    buffer = io.BytesIO()
    out.save(buffer)
    return buffer.getvalue()


def _table(out: DocxDocument, table: Table) -> None:
    if table.caption:
        out.add_paragraph(table.caption).runs[0].bold = True
    grid = out.add_table(rows=1, cols=len(table.header))
    grid.style = out.styles["Table Grid"]
    for cell, text in zip(grid.rows[0].cells, table.header):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in table.rows:
        for cell, text in zip(grid.add_row().cells, row):
            cell.text = text
    out.add_paragraph()


def write_regulation(facts: Facts, folder: Path) -> Made:
    """``folder/Положение_об_электронном_журнале.docx`` and ``.pdf``."""
    made = Made()
    doc = regulation(facts)
    target = write_bytes(folder / f"{FILE_STEM}.docx", docx_bytes(doc))
    made.files.append(str(target))
    made.files.append(str(write_bytes(folder / f"{FILE_STEM}.pdf", pdf_bytes(doc, facts.settings.workspace))))
    write_bytes(folder / DIGEST, digest(facts).encode("ascii"))
    return made


def digest(facts: Facts) -> str:
    """sha256 of the regulation's whole text as ``facts`` give it: another digest means a setting
    or the setup changed what the regulation says."""
    return hashlib.sha256(regulation(facts).text().encode("utf-8")).hexdigest()


def outdated(facts: Facts, folder: Path) -> bool | None:
    """Whether the regulation in ``folder`` says something the workspace no longer does (None:
    none was drafted there)."""
    kept = folder / DIGEST
    if not kept.is_file():
        return None
    return kept.read_text(encoding="ascii").strip() != digest(facts)
