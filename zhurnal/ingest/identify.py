"""Saying what a submitted file is: a readable workbook of a known kind, signed by us.

Every way a file can fail to be one becomes a single file-level finding with its own code;
nothing here raises for bad input.
"""

from __future__ import annotations

import io
import logging
import zipfile

from zhurnal.core.findings import Finding, finding
from zhurnal.core.settings import Settings
from zhurnal.core.workbook import Submission, WorkbookCells
from zhurnal.ingest.inbox import ACCEPTED_SUFFIXES
from zhurnal.ingest.read import UnreadableWorkbook, read_workbook
from zhurnal.kinds import KINDS, WorkbookKind
from zhurnal.templates.grid import read_identities
from zhurnal.templates.metadata import META_SHEET, sections, verify
from zhurnal.text.messages import UNREADABLE
from zhurnal.text.numbers import format_decimal

log = logging.getLogger(__name__)

MB = 1024 * 1024
MAX_MEMBERS = 10_000   # parts of one archive: our biggest template has a few dozen
PROLOG_BYTES = 4096


def _meta_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def read_metadata(cells: WorkbookCells) -> dict[str, str] | None:
    """The ``_zhurnal`` sheet as a dict, or None when the sheet is missing."""
    grid = cells.sheets.get(META_SHEET)
    if grid is None:
        return None
    meta = {}
    for row in grid:
        if len(row) >= 2 and row[0] != "":
            meta[_meta_text(row[0])] = _meta_text(row[1])
    return meta


def belongs(cells: WorkbookCells, meta: dict[str, str]) -> bool:
    """Whether the signed metadata was issued with these sheets: the grid sheets it names must
    hold the hidden student ids, column keys and marker rows it was issued with (a digest kept
    in the metadata). A ``_zhurnal`` sheet copied into another workbook, or rows and columns
    added or removed, fail. Templates issued before the digest existed are not checked."""
    expected = meta.get("identities")
    if not expected:
        return True
    names = [info.get("sheet", "") for info in sections(meta).get("sheets", [])]
    return read_identities(cells, names) == expected


def _container_problem(sub: Submission, settings: Settings) -> Finding | None:
    limits = settings.ingest
    if sub.suffix not in ACCEPTED_SUFFIXES:
        return finding("file-unsupported-type", value=sub.path.suffix or sub.name)
    if sub.size == 0:
        return finding("file-empty")
    if sub.size > limits.max_file_mb * MB:
        return finding("file-too-large", size_mb=format_decimal(sub.size / MB, 1), limit_mb=format_decimal(limits.max_file_mb, 1))
    if zipfile.is_zipfile(io.BytesIO(sub.data)):
        try:
            with zipfile.ZipFile(io.BytesIO(sub.data)) as archive:
                return _zip_problem(archive, limits.max_unzipped_mb * MB)
        except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError) as exc:
            # the zip library's English text is for the log, not for the teacher
            log.info("%s: damaged archive: %s", sub.name, exc)
            return finding("file-unreadable", detail=UNREADABLE["archive"])
    return None


def _zip_problem(archive: zipfile.ZipFile, max_unpacked: float) -> Finding | None:
    """Too much inside (by the sizes the archive declares), or XML that declares a DTD.

    A spreadsheet's XML never has a DTD; one with entities can expand a few bytes into
    gigabytes in whatever parses it, so it is refused before anything parses it. Only the
    prolog of each XML part is read (a DTD must come before the root element)."""
    items = archive.infolist()
    unpacked = sum(item.file_size for item in items)
    if unpacked > max_unpacked or len(items) > MAX_MEMBERS:
        return finding("file-zip-bomb", size_mb=round(unpacked / MB))
    for item in items:
        if item.filename.endswith((".xml", ".rels")):
            with archive.open(item) as stream:
                head = stream.read(PROLOG_BYTES)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                return finding("file-xml-forbidden")
    return None


def identify(sub: Submission, settings: Settings) -> tuple[WorkbookKind | None, list[Finding]]:
    """Read ``sub``'s cells and check it is one of our signed templates; returns its kind.

    On success ``sub.cells``, ``sub.meta``, ``sub.formulas``, ``sub.merged`` and
    ``sub.saved_at`` are filled. On failure ``sub.meta`` stays empty, so nothing is ever
    addressed to the author a refused workbook's metadata names.
    """
    problem = _container_problem(sub, settings)
    if problem:
        return None, [problem]
    try:
        read_workbook(sub)
    except UnreadableWorkbook as exc:
        if exc.finding is not None:
            return None, [exc.finding]
        if exc.encrypted:
            return None, [finding("file-encrypted")]
        return None, [finding("file-unreadable", detail=str(exc)[:200])]
    meta = read_metadata(sub.cells)
    if meta is None:
        return None, [finding("metadata-missing", sheet=META_SHEET)]
    broken = verify(meta, settings.verify_keys)
    if broken:
        return None, [finding(broken, sheet=META_SHEET)]
    kind = KINDS.get(meta.get("kind", ""))
    if kind is None:
        return None, [finding("template-kind-unknown", sheet=META_SHEET, value=meta.get("kind") or "")]
    if meta.get("version") != str(kind.version):
        return None, [finding("template-version-unsupported", sheet=META_SHEET, value=meta.get("version"))]
    if meta.get("school") != settings.school.code:
        return None, [finding("school-mismatch", sheet=META_SHEET, value=meta.get("school"))]
    if not belongs(sub.cells, meta):
        return None, [finding("metadata-mismatch", sheet=META_SHEET)]
    sub.meta = meta
    return kind, []
