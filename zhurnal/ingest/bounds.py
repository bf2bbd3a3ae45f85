"""How far a sheet's cells reach, found before any reader allocates a grid for them.

calamine turns a sheet into one dense grid from A1 to its farthest cell, so a single value in
XFD1048576 asks for 17 billion cells. These scans look at the raw XML (xlsx: cell and row
references and ``<f>`` elements, streamed in blocks; ods: ``content.xml`` through defusedxml's
iterparse, counting repeated rows and columns) and return each sheet's extent;
:func:`too_large` turns an extent beyond :data:`MAX_ROWS` × :data:`MAX_COLS` (or
:data:`MAXCELLS`) into a finding at the far cell. The same pass gives formula cells
(calamine gives a formula's cached result, which may be stale or computed from cells zhurnal
never sees, so a formula is reported at its cell instead of trusted) and, for ods, merged
ranges (``table:formula``, ``number-columns-spanned``).
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from defusedxml import ElementTree as SafeET

from zhurnal.core.findings import Finding, finding
from zhurnal.templates.spec import cell_ref

# The biggest template (the setup of a 2,000-student school: timetable ~2,500 rows × 12
# columns) stays far inside these; a sheet beyond them is not something we issued.
MAX_ROWS = 20_000
MAX_COLS = 500
MAXCELLS = 400_000
_BLOCK = 1 << 20


@dataclass
class SheetFacts:
    """Per sheet name: extent (rows, columns) of cells holding something, formula cells and
    merged ranges (A1 notation)."""

    extents: dict[str, tuple[int, int]] = field(default_factory=dict)
    formulas: dict[str, list[str]] = field(default_factory=dict)
    merged: dict[str, list[str]] = field(default_factory=dict)


def too_large(extents: dict[str, tuple[int, int]]) -> Finding | None:
    """A file-level finding for the first sheet whose extent is beyond the bounds."""
    for sheet, (rows, cols) in extents.items():
        if rows > MAX_ROWS or cols > MAX_COLS or rows * cols > MAXCELLS:
            return finding("sheet-too-large", sheet=sheet, cell=cell_ref(max(rows - 1, 0), max(cols - 1, 0)),
                           rows=rows, cols=cols)
    return None


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


_TAG = re.compile(rb'<(?:\w+:)?(c|row|f)\b([^>]*)>')
_R = re.compile(rb'\br="([A-Z]{0,3})([0-9]{1,9})"')
_REF = re.compile(rb'<(?:\w+:)?(?:c|row)\b[^>]*?\br="([A-Z]{0,3})([0-9]{1,9})"')
_FORMULA = re.compile(rb'<(?:\w+:)?f\b')
_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?name="([^"]+)"[^>]*?r:id="([^"]+)"')
_REL = re.compile(rb'<Relationship\b[^>]*?Id="([^"]+)"[^>]*?Target="([^"]+)"')
_REL_REVERSED = re.compile(rb'<Relationship\b[^>]*?Target="([^"]+)"[^>]*?Id="([^"]+)"')


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    for entity, char in (("&quot;", '"'), ("&apos;", "'"), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")):
        text = text.replace(entity, char)
    return text


def xlsx_sheet_members(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its XML member in an xlsx/xlsm archive (empty when the parts are missing)."""
    try:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return {}
    targets = {k: v for k, v in _REL.findall(rels)}
    targets.update({k: v for v, k in _REL_REVERSED.findall(rels)})
    members = {}
    for name, rel_id in _SHEET.findall(workbook):
        target = targets.get(rel_id)
        if target is None:
            continue
        member = target.decode(errors="replace").lstrip("/")
        members[_unescape(name)] = member if member.startswith("xl/") else posixpath.normpath(posixpath.join("xl", member))
    return members


def _xml_scan(stream) -> tuple[tuple[int, int], list[str]]:
    """(last row, last column) of every referenced cell or row, and the cells holding an
    ``<f>`` (a formula: calamine would give only its cached result). One streamed pass."""
    rows = cols = 0
    formulas: list[str] = []
    cell = ""
    tail = b""
    while True:
        block = stream.read(_BLOCK)
        if not block:
            break
        text = tail + block
        cut = text.rfind(b">") + 1
        if _FORMULA.search(text, 0, cut) is None:
            # no formula in this block (the usual case): the extent from every reference at
            # C speed, without walking the tags one by one
            refs = _REF.findall(text, 0, cut)
            if refs:
                rows = max(rows, max(int(number) for _, number in refs))
                widest = max((letters for letters, _ in refs), key=lambda letters: (len(letters), letters))
                cols = max(cols, _column_number(widest))
                last = next(((l, n) for l, n in reversed(refs) if l), None)   # the last cell, not a row
                cell = (last[0] + last[1]).decode() if last else cell
            tail = text[cut:][-4096:]
            continue
        for tag, attributes in _TAG.findall(text, 0, cut):
            if tag == b"f":
                if cell:
                    formulas.append(cell)
                continue
            ref = _R.search(attributes)
            if ref is None:
                continue
            letters, number = ref.groups()
            rows = max(rows, int(number))
            if tag == b"c" and letters:
                cols = max(cols, _column_number(letters))
                cell = (letters + number).decode()
        tail = text[cut:][-4096:]
    return (rows, cols), formulas


def xlsx_facts(archive: zipfile.ZipFile) -> SheetFacts:
    """Extents and formula cells of every sheet of an xlsx/xlsm archive, streamed."""
    facts = SheetFacts()
    for name, member in xlsx_sheet_members(archive).items():
        try:
            with archive.open(member) as stream:
                facts.extents[name], cells = _xml_scan(stream)
        except KeyError:
            continue
        if cells:
            facts.formulas[name] = cells
    return facts


TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
CELLS = (TABLE + "table-cell", TABLE + "covered-table-cell")


def repeat(element, name: str) -> int:
    """An ods ``table:number-…-repeated`` or ``…-spanned`` count (1 when absent or garbage)."""
    try:
        return max(1, int(element.get(TABLE + name, "1")))
    except ValueError:
        return 1


def ods_facts(archive: zipfile.ZipFile) -> SheetFacts:
    """Extents, formula cells and merged ranges of an ods ``content.xml``.

    Parsed by defusedxml (a DTD with entities raises ``defusedxml.EntitiesForbidden``); each
    row is cleared once seen, so memory stays that of one row.
    """
    facts = SheetFacts()
    sheet, row, rows, cols = "", 0, 0, 0
    parents: list = []
    with archive.open("content.xml") as stream:
        for event, element in SafeET.iterparse(stream, events=("start", "end")):
            tag = element.tag
            if event == "start":
                parents.append(element)
                if tag == TABLE + "table":
                    sheet, row, rows, cols = element.get(TABLE + "name", ""), 0, 0, 0
                continue
            parents.pop()
            if tag == TABLE + "table-row":
                repeated = repeat(element, "number-rows-repeated")
                filled = _row(facts, sheet, row, element)
                if filled:
                    rows, cols = row + repeated, max(cols, filled)
                row += repeated
                if parents:  # drop the row from its parent: memory stays that of one row
                    parents[-1].remove(element)
            elif tag == TABLE + "table":
                facts.extents[sheet] = (rows, cols)
                element.clear()
    return facts


def _row(facts: SheetFacts, sheet: str, row: int, element) -> int:
    """Record one row's formulas and merges; returns the column after its last filled cell."""
    col = filled = 0
    for cell in element:
        if cell.tag not in CELLS:
            continue
        span = repeat(cell, "number-columns-repeated")
        if cell.get(OFFICE + "value-type") or len(cell):
            filled = col + span
        if cell.get(TABLE + "formula"):
            facts.formulas.setdefault(sheet, []).append(cell_ref(row, col))
        wide = repeat(cell, "number-columns-spanned")
        high = repeat(cell, "number-rows-spanned")
        if wide > 1 or high > 1:
            facts.merged.setdefault(sheet, []).append(
                f"{cell_ref(row, col)}:{cell_ref(row + high - 1, col + wide - 1)}")
        col += span
    return filled
