"""Reading an inbox file once: its bytes, then its cells with their coordinates
(python-calamine: xlsx, xlsm, xls, ods), saved time, formula cells and merged ranges."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import os
import re
import stat
import zipfile
import zlib
from pathlib import Path

import python_calamine as calamine
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError as SafeParseError

from zhurnal.core.findings import Finding, finding
from zhurnal.core.findings import finding as _finding  # a parameter of UnreadableWorkbook shadows it
from zhurnal.core.workbook import Submission, WorkbookCells
from zhurnal.ingest.biff import NotBiff, xls_facts
from zhurnal.ingest.bounds import SheetFacts, ods_facts, too_large, xlsx_facts
from zhurnal.ingest.ods import ods_cells
from zhurnal.templates.spec import cell_ref
from zhurnal.text.messages import UNREADABLE

log = logging.getLogger(__name__)

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class UnreadableWorkbook(Exception):
    """The file is not a workbook zhurnal will read: ``encrypted`` when it has a password,
    ``finding`` when a check before reading gave the exact reason (a sheet too large, XML
    with entities), else a ``file-unreadable`` finding whose detail is the Russian phrase
    :data:`zhurnal.text.messages.UNREADABLE` gives for ``reason``. ``detail`` (often the reading
    library's English text) is the exception's message and goes to the log only."""

    def __init__(self, detail: str, *, encrypted: bool = False, finding: Finding | None = None,
                 reason: str = "format") -> None:
        super().__init__(detail)
        log.info("unreadable workbook (%s): %s", reason, detail)
        self.encrypted = encrypted
        self.finding = finding if finding is not None or encrypted else \
            _finding("file-unreadable", detail=UNREADABLE[reason])


class ChangedWhileRead(Exception):
    """The file's size or time changed while it was read: someone is still writing it."""


def _read_all(fd: int, size: int, max_bytes: int) -> tuple[bytes, str]:
    digest = hashlib.sha256()
    keep = size <= max_bytes
    parts = []
    while True:
        block = os.read(fd, 1 << 20)
        if not block:
            break
        digest.update(block)
        if keep:
            parts.append(block)
    return b"".join(parts), digest.hexdigest()


def load_submission(path: Path, max_bytes: int) -> Submission:
    """The file's bytes and hash: the one time ingest reads it from disk.

    A file over ``max_bytes`` is hashed in blocks and not kept in memory (``data`` empty).
    Opened without following a symlink and without blocking on a FIFO swapped in since the
    scan; raises :class:`ChangedWhileRead` when its size or time moved during the read,
    ``OSError`` (``PermissionError`` …) when it cannot be read at all.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        before = os.fstat(fd)
        if not stat.S_ISREG(before.st_mode):
            raise ChangedWhileRead(f"{path.name} is no longer a regular file")
        data, sha256 = _read_all(fd, before.st_size, max_bytes)
        after = os.fstat(fd)
    finally:
        os.close(fd)
    moved = (after.st_size, after.st_mtime_ns) != (before.st_size, before.st_mtime_ns)
    if moved or (data and len(data) != after.st_size):
        raise ChangedWhileRead(path.name)
    return Submission(path=path, data=data, sha256=sha256, size=after.st_size, mtime_ns=after.st_mtime_ns)


def _looks_encrypted(data: bytes) -> bool:
    # An encrypted .xlsx is an OLE compound file holding an "EncryptionInfo" stream.
    return data[:8] == OLE_MAGIC and b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00i\x00o\x00n\x00I\x00n\x00f\x00o" in data


def _range(merged) -> str:
    (r1, c1), (r2, c2) = merged
    return f"{cell_ref(r1, c1)}:{cell_ref(r2, c2)}"


def read_cells(sub: Submission) -> WorkbookCells:
    """Every sheet (hidden ones too) with cells at their real coordinates; fills ``sub.merged``.

    An .ods calamine cannot parse (Gnumeric's indented XML) is read by :func:`ods_cells`."""
    try:
        return _calamine_cells(sub)
    except UnreadableWorkbook:
        archive = zip_of(sub) if not sub.data.startswith(OLE_MAGIC) else None
        if archive is None or "content.xml" not in archive.namelist():
            raise
        try:
            with archive:
                return ods_cells(archive)
        except (DefusedXmlException, SafeParseError, KeyError, ValueError) as exc:
            raise UnreadableWorkbook(f"content.xml: {exc}", reason="content") from exc


def _calamine_cells(sub: Submission) -> WorkbookCells:
    try:
        book = calamine.CalamineWorkbook.from_filelike(io.BytesIO(sub.data))
    except calamine.PasswordError as exc:
        raise UnreadableWorkbook(str(exc), encrypted=True) from exc
    except Exception as exc:  # calamine raises several types for garbage input
        raise UnreadableWorkbook(str(exc) or type(exc).__name__,
                                 encrypted=_looks_encrypted(sub.data)) from exc
    cells = WorkbookCells()
    try:
        for name in book.sheet_names:
            sheet = book.get_sheet_by_name(name)
            cells.sheets[name] = sheet.to_python(skip_empty_area=False)
            ranges = sheet.merged_cell_ranges or []
            if ranges:
                sub.merged[name] = [_range(r) for r in ranges]
    except calamine.PasswordError as exc:
        raise UnreadableWorkbook(str(exc), encrypted=True) from exc
    except Exception as exc:
        raise UnreadableWorkbook(str(exc) or type(exc).__name__, reason="sheet") from exc
    finally:
        book.close()
    return cells


_DATE = re.compile(rb"<(?:dcterms:modified|dc:date)[^>]*>([^<]+)<")


def saved_time(archive: zipfile.ZipFile | None) -> dt.datetime | None:
    """The workbook's own last-saved time (xlsx/xlsm core properties, ods meta), in UTC."""
    if archive is None:
        return None
    names = set(archive.namelist())
    member = "docProps/core.xml" if "docProps/core.xml" in names else "meta.xml"
    if member not in names:
        return None
    try:
        found = _DATE.search(archive.read(member))
    except (zipfile.BadZipFile, OSError, KeyError):
        return None
    if not found:
        return None
    text = found.group(1).decode(errors="replace").strip().replace("Z", "+00:00")
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return moment


def zip_of(sub: Submission) -> zipfile.ZipFile | None:
    """The file as a zip archive (xlsx, xlsm, ods), or None for other formats."""
    try:
        return zipfile.ZipFile(io.BytesIO(sub.data))
    except zipfile.BadZipFile:
        return None


def _zip_facts(sub: Submission, archive: zipfile.ZipFile) -> SheetFacts:
    sub.saved_at = saved_time(archive)
    if sub.suffix in (".xlsx", ".xlsm"):
        return xlsx_facts(archive)
    if "content.xml" in archive.namelist():
        try:
            return ods_facts(archive)
        except DefusedXmlException as exc:
            raise UnreadableWorkbook(type(exc).__name__, finding=finding("file-xml-forbidden")) from exc
        except SafeParseError as exc:
            raise UnreadableWorkbook(f"content.xml: {exc}", reason="content") from exc
    return SheetFacts()


def scan(sub: Submission) -> SheetFacts:
    """What can be known before a reader allocates anything: saved time, each sheet's extent,
    formula cells and merged ranges. Raises :class:`UnreadableWorkbook` with a finding when a
    sheet reaches too far."""
    archive = zip_of(sub)
    if archive is not None:
        try:
            with archive:
                facts = _zip_facts(sub, archive)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            # a member that inflates beyond its declared size, a bad CRC, an unknown method
            raise UnreadableWorkbook(f"damaged archive: {exc}"[:200], reason="archive") from exc
    elif sub.data[:8] == OLE_MAGIC and not _looks_encrypted(sub.data):
        try:
            facts, sub.saved_at = xls_facts(sub.data)
        except NotBiff as exc:
            raise UnreadableWorkbook(str(exc)) from exc
    else:
        facts = SheetFacts()
    problem = too_large(facts.extents)
    if problem is not None:
        raise UnreadableWorkbook(problem.code, finding=problem)
    return facts


# Characters that show as nothing (zero-width space/joiners, BOM, soft hyphen, word joiner) and
# spaces that do not look odd but do not compare equal to a space (no-break ones).
INVISIBLE = {"\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "", "\u00ad": "",
             "\u00a0": " ", "\u202f": " ", "\u2007": " "}
_INVISIBLE = re.compile("[" + "".join(INVISIBLE) + "]")


def strip_invisible(cells: WorkbookCells) -> list[tuple[str, str, str, str]]:
    """Remove invisible characters from every text cell of the visible sheets, in place;
    returns (sheet, cell, typed with the characters shown as ⟨U+XXXX⟩, kept)."""
    cleaned = []
    for name, grid in cells.sheets.items():
        if name.startswith("_"):
            continue  # zhurnal's own sheet is compared byte for byte with its signature
        for r, line in enumerate(grid):
            for c, value in enumerate(line):
                if isinstance(value, str) and _INVISIBLE.search(value):
                    kept = _INVISIBLE.sub(lambda m: INVISIBLE[m.group()], value)
                    shown = _INVISIBLE.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", value)
                    line[c] = kept
                    cleaned.append((name, cell_ref(r, c), shown, kept.strip()))
    return cleaned


def read_workbook(sub: Submission) -> None:
    """Fill ``sub``'s cells, merged ranges, saved time and formula cells from its bytes.

    Raises :class:`UnreadableWorkbook` when it is not a workbook, or one too large to read.
    """
    facts = scan(sub)
    sub.formulas = facts.formulas
    sub.cells = read_cells(sub)
    sub.cleaned = strip_invisible(sub.cells)
    for sheet, ranges in facts.merged.items():
        sub.merged.setdefault(sheet, [])
        sub.merged[sheet] += [r for r in ranges if r not in sub.merged[sheet]]


def cells_of(path: Path) -> WorkbookCells:
    """The cells of a workbook on disk (for tools and tests that look at a written file)."""
    sub = load_submission(path, max_bytes=path.stat().st_size)
    read_workbook(sub)
    return sub.cells
