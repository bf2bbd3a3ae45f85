"""A corpus of hostile inbox entries, generated (never committed): each kind is one small
function that puts one entry into an inbox and names the finding code it must get.

Used by ``tests/test_hostile.py`` (all kinds in one batch beside a valid workbook) and by
``benchmarks/hostile.py`` (one ingest process per kind, timed and measured).
"""

from __future__ import annotations

import io
import os
import socket
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

from zhurnal.templates.metadata import META_SHEET, sign

Maker = Callable[["Corpus"], str]
KINDS: dict[str, tuple[str, Maker]] = {}


class Corpus:
    """Where entries are made: ``inbox``, a valid workbook ``good`` (xlsx bytes), the
    workspace ``secret`` (to sign metadata that must verify), and ``scratch`` outside it."""

    def __init__(self, inbox: Path, good: bytes, secret: bytes, scratch: Path) -> None:
        self.inbox, self.good, self.secret, self.scratch = inbox, good, secret, scratch

    def put(self, name: str, data: bytes) -> str:
        path = self.inbox / name
        path.write_bytes(data)
        os.utime(path, (os.path.getmtime(path) - 60,) * 2)  # settled: not a copy still arriving
        return name

    def rezip(self, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None,
              drop: tuple[str, ...] = ()) -> bytes:
        """The good workbook with members replaced, added or dropped."""
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(self.good)) as source, \
                zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                if item.filename in drop:
                    continue
                data = (replace or {}).get(item.filename, source.read(item.filename))
                target.writestr(item.filename, data)
            for name, data in (add or {}).items():
                target.writestr(name, data)
        return out.getvalue()

    def member(self, name: str) -> bytes:
        with zipfile.ZipFile(io.BytesIO(self.good)) as source:
            return source.read(name)

    def edited(self, edit: Callable[[openpyxl.Workbook], None]) -> bytes:
        book = openpyxl.load_workbook(io.BytesIO(self.good))
        edit(book)
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def resigned(self, **changes: str) -> bytes:
        """The good workbook with metadata changed and signed again with the workspace key."""
        def edit(book):
            sheet = book[META_SHEET]
            meta = {row[0].value: row[1].value for row in sheet.iter_rows() if row[0].value}
            meta.update(changes)
            signed = sign({k: "" if v is None else str(v) for k, v in meta.items()}, self.secret)
            sheet.delete_rows(1, sheet.max_row)
            for key, value in signed.items():
                sheet.append([key, value])
        return self.edited(edit)


def kind(name: str, code: str):
    def register(function: Maker) -> Maker:
        KINDS[name] = (code, function)
        return function
    return register


SHEET1 = "xl/worksheets/sheet1.xml"


def _far_cell(ref: str) -> Callable[[Corpus], str]:
    def make(c: Corpus) -> str:
        return c.put(f"{ref}.xlsx", c.edited(lambda book: book.worksheets[0].__setitem__(ref, "x")))
    return make


kind("far-cell-XFD1048576", "sheet-too-large")(_far_cell("XFD1048576"))
kind("last-row-A1048576", "sheet-too-large")(_far_cell("A1048576"))
kind("wide-row-column-600", "sheet-too-large")(_far_cell("WB1"))


@kind("empty-file", "file-empty")
def _empty(c): return c.put("empty.xlsx", b"")


@kind("text-renamed-xlsx", "file-unreadable")
def _text(c): return c.put("text.xlsx", "ФИО;класс\nИванов;5А\n".encode())


@kind("random-bytes-xls", "file-unreadable")
def _random(c): return c.put("random.xls", os.urandom(4096))


@kind("ole-garbage-xls", "file-unreadable")
def _ole(c): return c.put("ole.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 2000)


@kind("docx", "file-unsupported-type")
def _docx(c): return c.put("notes.docx", b"PK\x03\x04")


@kind("no-extension", "file-unsupported-type")
def _noext(c): return c.put("journal", c.good)


@kind("truncated-xlsx", "file-unreadable")
def _truncated(c): return c.put("truncated.xlsx", c.good[: len(c.good) // 2])


@kind("zip-without-workbook", "file-unreadable")
def _zip(c):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return c.put("archive.xlsx", out.getvalue())


@kind("zip-bomb-330MB-sheet", "file-zip-bomb")
def _bomb(c):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with zipfile.ZipFile(io.BytesIO(c.good)) as source:
            for item in source.infolist():
                if item.filename != SHEET1:
                    archive.writestr(item.filename, source.read(item.filename))
        with archive.open(SHEET1, "w", force_zip64=True) as stream:
            block = b" " * (1 << 20)
            for _ in range(330):
                stream.write(block)
    return c.put("bomb.xlsx", out.getvalue())


@kind("zip-member-larger-than-declared", "file-unreadable")
def _liar(c):
    """The sheet's headers say 1,000 bytes; it inflates to 50 MB (a bomb that lies about it)."""
    import struct
    xml = c.member(SHEET1)
    cut = xml.rindex(b"</worksheet>")
    data = bytearray(c.rezip(replace={SHEET1: xml[:cut] + b"<!--" + b"x" * (50 << 20) + b"-->" + xml[cut:]}))
    name, pos = SHEET1.encode(), 0
    while (found := data.find(name, pos)) >= 0:
        if data[found - 30:found - 26] == b"PK\x03\x04":
            struct.pack_into("<I", data, found - 30 + 22, 1000)
        elif data[found - 46:found - 42] == b"PK\x01\x02":
            struct.pack_into("<I", data, found - 46 + 24, 1000)
        pos = found + 1
    return c.put("liar.xlsx", bytes(data))


@kind("zip-10001-members", "file-zip-bomb")
def _members(c):
    return c.put("members.xlsx", c.rezip(add={f"xl/media/{i}.bin": b"" for i in range(10_001)}))


LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + ']><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
          '<si><t>&lol9;</t></si></sst>').encode()


@kind("nested-entities-sharedStrings", "file-xml-forbidden")
def _laughs(c):
    with zipfile.ZipFile(io.BytesIO(c.good)) as source:
        where = "replace" if "xl/sharedStrings.xml" in source.namelist() else "add"
    return c.put("laughs.xlsx", c.rezip(**{where: {"xl/sharedStrings.xml": LAUGHS}}))


def _with_doctype(xml: bytes, doctype: bytes) -> bytes:
    """``doctype`` after the XML declaration (or first, when there is none)."""
    end = xml.find(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    return xml[:end] + doctype + xml[end:]


@kind("external-entity-workbook", "file-xml-forbidden")
def _xxe(c):
    xml = _with_doctype(c.member("xl/workbook.xml"), b'<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>')
    return c.put("xxe.xlsx", c.rezip(replace={"xl/workbook.xml": xml}))


@kind("doctype-content-types", "file-xml-forbidden")
def _ct(c):
    xml = _with_doctype(c.member("[Content_Types].xml"), b"<!DOCTYPE Types>")
    return c.put("ct.xlsx", c.rezip(replace={"[Content_Types].xml": xml}))


@kind("malformed-sheet-xml", "file-unreadable")
def _malformed(c): return c.put("malformed.xlsx", c.rezip(replace={SHEET1: b"<worksheet><sheetData><row>"}))


@kind("missing-workbook-part", "metadata-missing")  # calamine reads no sheets at all
def _nowb(c): return c.put("nowb.xlsx", c.rezip(drop=("xl/workbook.xml",)))


ODS_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>{doctype}<office:document-content '
            'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
            '<office:body><office:spreadsheet><table:table table:name="Лист1">{rows}'
            '</table:table></office:spreadsheet></office:body></office:document-content>')


def _ods(rows: str, doctype: str = "") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", ODS_HEAD.format(doctype=doctype, rows=rows))
    return out.getvalue()


@kind("ods-cell-repeated-million-times", "sheet-too-large")
def _ods_repeat(c):
    rows = ('<table:table-row table:number-rows-repeated="1048576"><table:table-cell '
            'table:number-columns-repeated="16384" office:value-type="float" office:value="5"/></table:table-row>')
    return c.put("repeated.ods", _ods(rows))


@kind("ods-entities", "file-xml-forbidden")
def _ods_entities(c):
    return c.put("entities.ods", _ods("<table:table-row/>", '<!DOCTYPE x [<!ENTITY a "aaaa">]>'))


@kind("ods-without-metadata", "metadata-missing")
def _ods_plain(c):
    rows = '<table:table-row><table:table-cell office:value-type="string"><text:p>5</text:p></table:table-cell></table:table-row>'
    return c.put("plain.ods", _ods(rows))


@kind("xls-that-aborts-calamine", "file-unreadable")
def _calamine_abort(c):
    """A 5.6 KB .xls (LibreOffice's, six bytes changed by a fuzzer, 2026-12-07) whose header
    asks python-calamine for 515 GB: its Rust allocator aborts the process (SIGABRT), which no
    ``except`` can catch; only the reader's own process dies."""
    return c.put("aborts-calamine.xls", (Path(__file__).parent / "hostile_files" / "calamine-abort.xls").read_bytes())


@kind("encrypted-xlsx", "file-encrypted")
def _encrypted(c):
    import msoffcrypto
    out = io.BytesIO()
    msoffcrypto.OfficeFile(io.BytesIO(c.good)).encrypt("секрет", out)
    return c.put("password.xlsx", out.getvalue())


@kind("xls-cell-at-row-65536", "sheet-too-large")
def _xls_far(c):
    source = c.scratch / "far.xlsx"
    source.write_bytes(c.edited(lambda book: book.worksheets[0].__setitem__("A60000", 7)))
    target = c.scratch / "far.xls"
    subprocess.run(["ssconvert", str(source), str(target)], check=True, capture_output=True, timeout=120)
    return c.put("far.xls", target.read_bytes())


@kind("metadata-sheet-deleted", "metadata-missing")
def _nometa(c): return c.put("no_meta.xlsx", c.edited(lambda book: book.remove(book[META_SHEET])))


def _tamper(book):
    for row in book[META_SHEET].iter_rows():
        if row[0].value == "author":
            row[1].value = "кто-то другой"


@kind("metadata-edited", "metadata-tampered")
def _tampered(c): return c.put("tampered.xlsx", c.edited(_tamper))


@kind("signed-with-unknown-key", "signed-by-other-workspace")
def _foreign(c):
    c2 = Corpus(c.inbox, c.good, b"another workspace's secret", c.scratch)
    return c.put("foreign.xlsx", c2.resigned())


@kind("kind-unknown", "template-kind-unknown")
def _kind(c): return c.put("kind.xlsx", c.resigned(kind="diary"))


@kind("version-unsupported", "template-version-unsupported")
def _version(c): return c.put("version.xlsx", c.resigned(version="99"))


@kind("other-school", "school-mismatch")
def _school(c): return c.put("school.xlsx", c.resigned(school="school99"))


@kind("formula-in-cell", "formula-not-allowed")
def _formula(c): return c.put("formula.xlsx", c.edited(lambda book: book.worksheets[0].__setitem__("C2", "=2+3")))


@kind("merged-cells", "merged-cells")
def _merged(c): return c.put("merged.xlsx", c.edited(lambda book: book.worksheets[0].merge_cells("B2:B4")))


@kind("zero-width-space", "value-normalised")
def _zw(c):
    def edit(book):
        cell = book.worksheets[0]["B2"]
        cell.value = f"{cell.value}\u200b"
    return c.put("zw.xlsx", c.edited(edit))


@kind("name-250-bytes", "file-unreadable")
def _long(c): return c.put("Ж" * 122 + ".xlsx", b"plain text renamed")


@kind("name-with-control-characters", "file-unreadable")
def _control(c): return c.put("bad\nname\t.xlsx", b"plain text renamed")


@kind("over-size-limit", "file-too-large")
def _big(c):
    path = c.inbox / "big.xlsx"
    with path.open("wb") as handle:
        handle.truncate(21 * 1024 * 1024)
    os.utime(path, (os.path.getmtime(path) - 60,) * 2)
    return path.name


@kind("symlink-outside", "inbox-entry-not-a-file")
def _link(c):
    outside = c.scratch / "outside.xlsx"
    outside.write_bytes(c.edited(lambda book: None))  # bytes of its own: none of the corpus has them
    (c.inbox / "link.xlsx").symlink_to(outside)
    return "link.xlsx"


@kind("fifo", "inbox-entry-not-a-file")
def _fifo(c):
    os.mkfifo(c.inbox / "pipe.xlsx")
    return "pipe.xlsx"


@kind("folder", "inbox-entry-not-a-file")
def _folder(c):
    (c.inbox / "folder.xlsx").mkdir()
    return "folder.xlsx"


@kind("socket", "inbox-entry-not-a-file")
def _socket(c):
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(c.inbox / "s.xlsx"))
    server.close()
    return "s.xlsx"
