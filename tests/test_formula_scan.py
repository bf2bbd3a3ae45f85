"""Formula cells and extents of an xlsx found in its raw XML, as Excel and LibreOffice write it.

openpyxl writes a bare ``<f>``; Excel's fill-down writes ``<f t="shared" ref=… si=…>`` once and
``<f t="shared" si=…/>`` in the cells below, LibreOffice ``<f aca="false">``, some writers a
namespace prefix. The archives here are written by hand, so the expected cells are literals."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from zhurnal.ingest import bounds

WORKBOOK = ('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
            '{sheets}</sheets></workbook>')
RELS = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '{rels}</Relationships>')


def archive(sheets: dict[str, str], *, reversed_rels: bool = False, absolute: bool = False) -> zipfile.ZipFile:
    """An xlsx-shaped zip whose sheets hold the given ``<sheetData>`` XML."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        entries, rels = [], []
        for number, (name, data) in enumerate(sheets.items(), start=1):
            entries.append(f'<sheet name="{name}" sheetId="{number}" r:id="rId{number}"/>')
            target = f"/xl/worksheets/sheet{number}.xml" if absolute else f"worksheets/sheet{number}.xml"
            rels.append(f'<Relationship Target="{target}" Type="x" Id="rId{number}"/>' if reversed_rels else
                        f'<Relationship Id="rId{number}" Type="x" Target="{target}"/>')
            zf.writestr(f"xl/worksheets/sheet{number}.xml",
                        f'<?xml version="1.0"?><worksheet><sheetData>{data}</sheetData></worksheet>')
        zf.writestr("xl/workbook.xml", WORKBOOK.format(sheets="".join(entries)))
        zf.writestr("xl/_rels/workbook.xml.rels", RELS.format(rels="".join(rels)))
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


EXCEL_FILL_DOWN = (
    '<row r="2"><c r="A2"><v>1</v></c><c r="C2"><f t="shared" ref="C2:C4" si="0">A2+1</f><v>2</v></c></row>'
    '<row r="3"><c r="A3"><v>2</v></c><c r="C3"><f t="shared" si="0"/><v>3</v></c></row>'
    '<row r="4"><c r="C4"><f t="shared" si="0"/><v>4</v></c></row>')
LIBREOFFICE = ('<row r="1"><c r="B1" t="str"><f aca="false">CONCATENATE("a";"b")</f><v>ab</v></c>'
               '<c r="D1"><v>5</v></c></row>')
PREFIXED = '<x:row r="7"><x:c r="AB7"><x:f>1+1</x:f><x:v>2</x:v></x:c></x:row>'
BARE = '<row r="5"><c r="E5"><f>SUM(A1:A2)</f><v>3</v></c><c r="F5"><v>1</v></c></row>'
PLAIN = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="J12"><v>9</v></c></row><row r="30"/>'


@pytest.mark.parametrize("data, cells, extent", [
    (EXCEL_FILL_DOWN, ["C2", "C3", "C4"], (4, 3)),
    (LIBREOFFICE, ["B1"], (1, 4)),
    (PREFIXED, ["AB7"], (7, 28)),
    (BARE, ["E5"], (5, 6)),
    (PLAIN, [], (30, 10)),
    ("", [], (0, 0)),                       # an empty sheet has no extent
])
def test_formula_cells_with_and_without_attributes(data, cells, extent):
    facts = bounds.xlsx_facts(archive({"Журнал": data}))
    assert facts.formulas == ({"Журнал": cells} if cells else {})
    assert facts.extents == {"Журнал": extent}


def test_every_sheet_keeps_its_own_formulas_whatever_the_relationship_order():
    for reversed_rels, absolute in ((False, False), (True, True)):
        facts = bounds.xlsx_facts(archive({"Ученики": EXCEL_FILL_DOWN, "Родители &amp; опекуны": LIBREOFFICE,
                                           "Пусто": PLAIN}, reversed_rels=reversed_rels, absolute=absolute))
        assert facts.formulas == {"Ученики": ["C2", "C3", "C4"], "Родители & опекуны": ["B1"]}
        assert facts.extents == {"Ученики": (4, 3), "Родители & опекуны": (1, 4), "Пусто": (30, 10)}


def test_a_formula_after_a_block_boundary_is_still_found(monkeypatch):
    """The scan reads 1 MiB blocks; a tag cut by the boundary is read whole with the next block."""
    monkeypatch.setattr(bounds, "_BLOCK", 64)
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 40))
    tail = ('<row r="40"><c r="C40"><f t="shared" ref="C40:C41" si="0">A40+1</f><v>2</v></c></row>'
            '<row r="41"><c r="C41"><f t="shared" si="0"/><v>3</v></c></row>'
            '<row r="43"><c r="B43" t="str"><f aca="false">1</f><v>1</v></c><c r="D43"><v>5</v></c></row>')
    facts = bounds.xlsx_facts(archive({"Лист": rows + tail}))
    assert facts.formulas == {"Лист": ["C40", "C41", "B43"]}
    assert facts.extents == {"Лист": (43, 4)}


def test_a_sheet_without_a_relationship_is_left_out_and_the_next_one_scanned():
    zf = archive({"Лист": BARE, "Второй": BARE})
    rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name in zf.namelist():
            data = zf.read(name)
            if name == "xl/_rels/workbook.xml.rels":   # the first sheet's relationship gone
                data = re.sub(r'<Relationship Id="rId1"[^>]*/>', "", rels).encode()
            out.writestr(name, data)
    facts = bounds.xlsx_facts(zipfile.ZipFile(io.BytesIO(buffer.getvalue())))
    assert facts.extents == {"Второй": (5, 6)} and facts.formulas == {"Второй": ["E5"]}


def test_a_sheet_whose_part_is_missing_is_left_out():
    zf = archive({"Лист": BARE, "Второй": BARE})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:       # the first sheet's part missing, the second's there
        for name in ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet2.xml"):
            out.writestr(name, zf.read(name))
    facts = bounds.xlsx_facts(zipfile.ZipFile(io.BytesIO(buffer.getvalue())))
    assert facts.extents == {"Второй": (5, 6)} and facts.formulas == {"Второй": ["E5"]}


@pytest.mark.parametrize("extents, expected", [
    ({"Лист": (20_000, 20)}, None),
    ({"Лист": (20_001, 1)}, ("Лист", "A20001")),
    ({"Лист": (10, 501)}, ("Лист", "SG10")),
    ({"Лист": (10, 500)}, None),
    ({"Лист": (801, 500)}, ("Лист", "SF801")),
    ({"Лист": (800, 500)}, None),
    ({"А": (1, 1), "Б": (0, 0), "В": (1, 1_000)}, ("В", "ALL1")),
    # empty rows beyond the bounds (no cell in them: no column), and columns without a row
    ({"Лист": (20_001, 0)}, ("Лист", "A20001")),
    ({"Лист": (0, 501)}, ("Лист", "SG1")),
])
def test_too_large_names_the_far_cell_of_the_first_sheet_beyond_the_bounds(extents, expected):
    found = bounds.too_large(extents)
    if expected is None:
        assert found is None
    else:
        assert found.where() == (*expected, "sheet-too-large")


@pytest.mark.parametrize("block", range(24, 120, 3))
def test_every_block_boundary_gives_the_same_cells(monkeypatch, block):
    """The streamed scan cut at every kind of place (inside a tag, right after ``>``, before
    ``<f``): the same formulas and extent as one block."""
    monkeypatch.setattr(bounds, "_BLOCK", block)
    data = (EXCEL_FILL_DOWN + '<row r="5"><c r="B5"><v>1</v></c><c r="E5"><f>SUM(A1:A2)</f><v>3</v></c></row>'
            '<row r="6"><c r="Z6" t="str"><f aca="false">1</f><v>1</v></c></row>'
            '<row r="7"><c r="C7"><v>2</v></c></row>')
    facts = bounds.xlsx_facts(archive({"Лист": data}))
    assert facts.formulas == {"Лист": ["C2", "C3", "C4", "E5", "Z6"]}
    assert facts.extents == {"Лист": (7, 26)}


ODS = ('<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><office:body><office:spreadsheet>'
       '<table:table table:name="Пусто"><table:table-row table:number-rows-repeated="1048576">'
       '<table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>'
       '<table:table table:name="Журнал">'
       '<table:table-row><table:table-cell office:value-type="string"><text:p xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">a</text:p>'
       '</table:table-cell></table:table-row>'
       '<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>'
       '<table:table-row><table:table-cell table:number-columns-repeated="2"/>'
       '<table:table-cell table:formula="of:=2+3" office:value-type="float" office:value="5"/>'
       '<table:table-cell table:number-columns-spanned="2" table:number-rows-spanned="3" office:value-type="string"/>'
       '<table:covered-table-cell/><table:table-cell table:number-columns-repeated="x" office:value-type="float"/>'
       '</table:table-row>'
       '<table:table-row table:number-rows-repeated="5"><table:table-cell table:number-columns-repeated="9"/>'
       '</table:table-row></table:table></office:spreadsheet></office:body></office:document-content>')


def test_ods_extents_formulas_and_merges():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("content.xml", ODS)
    facts = bounds.ods_facts(zipfile.ZipFile(io.BytesIO(buffer.getvalue())))
    # an empty sheet LibreOffice pads to the last row and column has no extent; in «Журнал» the
    # fourth row's cells run A–B (empty), C (formula), D (merged over D:E and three rows), E (the
    # covered cell), F (a garbage repeat, read as 1); the five empty rows after it add nothing
    assert facts.extents == {"Пусто": (0, 0), "Журнал": (4, 6)}
    assert facts.formulas == {"Журнал": ["C4"]}
    assert facts.merged == {"Журнал": ["D4:E6"]}


def ods(rows: str) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("content.xml", ODS.split('<table:table table:name="Пусто">')[0] + '<table:table table:name="Л">'
                    + rows + "</table:table></office:spreadsheet></office:body></office:document-content>")
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def test_ods_merges_two_wide_or_two_high():
    facts = bounds.ods_facts(ods(
        '<table:table-row><table:table-cell table:number-columns-spanned="2" office:value-type="string"/>'
        '<table:covered-table-cell/><table:table-cell table:number-rows-spanned="2" office:value-type="string"/>'
        '</table:table-row><table:table-row><table:covered-table-cell table:number-columns-repeated="3"/>'
        '</table:table-row>'))
    assert facts.merged == {"Л": ["A1:B1", "C1:C2"]}
    assert facts.extents == {"Л": (1, 3)}


def test_a_cell_or_row_without_a_reference_does_not_stop_the_scan():
    """The r attribute is optional in SpreadsheetML: a cell without it is skipped, not the rest."""
    data = '<row><c><v>1</v></c><c r="B1"><f>1+1</f><v>2</v></c></row><row r="2"><c r="C2"><f>2</f></c></row>'
    facts = bounds.xlsx_facts(archive({"Лист": data}))
    assert facts.formulas == {"Лист": ["B1", "C2"]}
    assert facts.extents == {"Лист": (2, 3)}


def test_an_archive_without_a_workbook_part_has_no_sheets():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")
    facts = bounds.xlsx_facts(zipfile.ZipFile(io.BytesIO(buffer.getvalue())))
    assert (facts.extents, facts.formulas) == ({}, {})


def test_an_ods_repeat_of_zero_counts_once():
    """A row or cell «repeated 0 times» (no program writes it; a hand-edited file may) is one."""
    facts = bounds.ods_facts(ods(
        '<table:table-row table:number-rows-repeated="0"><table:table-cell table:number-columns-repeated="0" '
        'office:value-type="string"/></table:table-row>'
        '<table:table-row><table:table-cell office:value-type="string"/></table:table-row>'))
    assert facts.extents == {"Л": (2, 1)}
