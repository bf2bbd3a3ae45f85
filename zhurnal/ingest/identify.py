"""Saying what a submitted file is: a readable workbook of a known kind, signed by us.

Every way a file can fail to be one becomes a single file-level finding with its own code;
nothing here raises for bad input.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from zhurnal.findings import Finding, finding
from zhurnal.ingest.inbox import ACCEPTED_SUFFIXES
from zhurnal.ingest.read import UnreadableWorkbook, WorkbookCells, read_cells
from zhurnal.settings import Settings
from zhurnal.templates.kinds import KINDS, spec_for
from zhurnal.templates.metadata import META_SHEET, sections, verify
from zhurnal.templates.spec import WorkbookSpec

MB = 1024 * 1024


@dataclass
class Identified:
    """A workbook whose template we issued: its metadata, declaration and cells."""

    meta: dict[str, str]
    spec: WorkbookSpec
    cells: WorkbookCells
    path: Path


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


def _container_problem(path: Path, size: int, settings: Settings) -> Finding | None:
    limits = settings.ingest
    if path.suffix.lower() not in ACCEPTED_SUFFIXES:
        return finding("file-unsupported-type", value=path.suffix or path.name)
    if size == 0:
        return finding("file-empty")
    if size > limits.max_file_mb * MB:
        return finding("file-too-large", size_mb=round(size / MB, 1), limit_mb=limits.max_file_mb)
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as archive:
                unpacked = sum(item.file_size for item in archive.infolist())
        except zipfile.BadZipFile:
            return finding("file-unreadable", detail="повреждённый архив")
        if unpacked > limits.max_unzipped_mb * MB:
            return finding("file-zip-bomb", size_mb=round(unpacked / MB))
    return None


def identify(path: Path, size: int, settings: Settings) -> tuple[Identified | None, list[Finding]]:
    """Open ``path`` and check it is one of our signed templates."""
    problem = _container_problem(path, size, settings)
    if problem:
        return None, [problem]
    try:
        cells = read_cells(path)
    except UnreadableWorkbook as exc:
        if exc.encrypted:
            return None, [finding("file-encrypted")]
        return None, [finding("file-unreadable", detail=str(exc)[:200])]
    meta = read_metadata(cells)
    if meta is None:
        return None, [finding("metadata-missing", sheet=META_SHEET)]
    broken = verify(meta, settings.verify_keys)
    if broken:
        return None, [finding(broken, sheet=META_SHEET)]
    try:
        version = int(meta.get("version", ""))
    except ValueError:
        version = -1
    spec = spec_for(meta.get("kind", ""), version, {"sections": sections(meta)})
    if spec is None:
        code = "template-kind-unknown" if meta.get("kind") not in KINDS else "template-version-unsupported"
        return None, [finding(code, sheet=META_SHEET, value=meta.get("kind") or version)]
    if meta.get("school") != settings.school.code:
        return None, [finding("school-mismatch", sheet=META_SHEET, value=meta.get("school"))]
    return Identified(meta=meta, spec=spec, cells=cells, path=path), []
