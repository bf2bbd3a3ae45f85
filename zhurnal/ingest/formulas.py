"""Finding formulas typed where values belong (xlsx and xlsm; read straight from the XML).

calamine gives a formula's cached result, which may be stale or computed from cells zhurnal
never sees; so a formula in a submitted workbook is reported at its cell instead of trusted.
"""

from __future__ import annotations

import posixpath
import re
import zipfile

_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"')
_REL = re.compile(rb'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"')
_REL_REVERSED = re.compile(rb'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CELL_START = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+[0-9]+)"')


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8")
    for entity, char in (("&quot;", '"'), ("&apos;", "'"), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


def _formula_refs(xml: bytes) -> list[str]:
    """The reference of the cell around each ``<f>`` element.

    ``<f>`` is the first child of its ``<c>``, so the cell's opening tag is the last one
    within a short distance before it; looking only there keeps this linear.
    """
    refs = []
    for found in _FORMULA.finditer(xml):
        cell = None
        for cell in _CELL_START.finditer(xml, max(0, found.start() - 1000), found.start()):
            pass
        if cell is not None:
            refs.append(cell.group(1).decode())
    return refs


def formula_cells(archive: zipfile.ZipFile) -> dict[str, list[str]]:
    """Sheet name → cells holding a formula, read from an xlsx/xlsm archive's sheet XML."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
        targets = {k: v for k, v in _REL.findall(rels)}
        targets.update({k: v for v, k in _REL_REVERSED.findall(rels)})
        found = {}
        for name, rel_id in _SHEET.findall(workbook):
            target = targets.get(rel_id)
            if target is None:
                continue
            member = target.decode().lstrip("/")
            member = member if member.startswith("xl/") else posixpath.normpath(posixpath.join("xl", member))
            cells = _formula_refs(archive.read(member))
            if cells:
                found[_unescape(name)] = cells
        return found
    except (zipfile.BadZipFile, KeyError, OSError):
        return {}
