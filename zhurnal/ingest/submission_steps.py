"""The small steps of one inbox file that the run takes around its kind's check: the submission
row, findings of the read itself, leaving the inbox, and the one error that stops a run (a full disk)."""

from __future__ import annotations

import errno
import json

from openpyxl.utils.cell import coordinate_from_string
from sqlalchemy import Connection, insert, select, update

from zhurnal.core.findings import Finding, Severity, finding
from zhurnal.core.workbook import Submission
from zhurnal.ingest.archive import remove_from_inbox
from zhurnal.ingest.results import FileResult
from zhurnal.school.context import RunContext
from zhurnal.store.schema import submissions
from zhurnal.templates.grid import ID_COL, KEY_ROW
from zhurnal.validate.normalize import is_blank

# Only these stop a run: the disk (or the user's quota) is full, so no later file can be kept either.
DISK_FULL = {errno.ENOSPC, errno.EDQUOT}


def record_submission(conn: Connection, ctx: RunContext, sub: Submission, status: str, findings: list[Finding]) -> int:
    """The submission row: what came in, from whom, when it was saved, and what was found.

    The same bytes rejected before keep their one row (the store holds one row per file
    hash), which now says what this check found."""
    meta = sub.meta
    values = dict(original_name=sub.name, kind=meta.get("kind"), template_id=meta.get("template_id"),
                  author=meta.get("author"), received_at=ctx.now, saved_at=sub.saved_at, status=status,
                  week=meta.get("week") or meta.get("period"),
                  findings=json.dumps([f.model_dump(mode="json") for f in findings], ensure_ascii=False))
    earlier = conn.execute(select(submissions.c.id).where(submissions.c.school_id == ctx.school_id,
                                                          submissions.c.sha256 == sub.sha256)).scalar()
    if earlier is not None:
        conn.execute(update(submissions).where(submissions.c.id == earlier).values(**values))
        return earlier
    return conn.execute(insert(submissions).values(school_id=ctx.school_id, sha256=sub.sha256,
                                                   **values)).inserted_primary_key[0]


def with_file(findings: list[Finding], name: str) -> list[Finding]:
    return [f.model_copy(update={"file": name}) for f in findings]


def stop_if_disk_full(exc: OSError) -> None:
    if exc.errno in DISK_FULL:
        raise exc


def leave_inbox(sub: Submission, result: FileResult) -> FileResult:
    """Remove the processed file from inbox/; a read-only inbox is a warning, not a stop: the
    data is committed and archived, and the next run tidies the copy away as a duplicate."""
    try:
        remove_from_inbox(sub.path)
    except OSError as exc:
        stop_if_disk_full(exc)
        result.findings.append(finding("inbox-not-writable", severity=Severity.WARNING, file=sub.name,
                                       detail=exc.strerror or type(exc).__name__))
    return result


def read_findings(sub: Submission) -> list[Finding]:
    """A formula where a value belongs, and merged cells (one value for several cells: the
    others would be read as empty), in every sheet but zhurnal's own hidden ones; a warning
    for each cell whose invisible characters were removed."""
    found = [finding("formula-not-allowed", sheet=sheet, cell=cell)
             for sheet, cells in sub.formulas.items() if not sheet.startswith("_") for cell in cells]
    found += [finding("merged-cells", sheet=sheet, cell=cell)
              for sheet, ranges in sub.merged.items() if not sheet.startswith("_")
              for cell in ranges if in_input_area(sub, sheet, cell)]
    return found + [finding("value-normalised", sheet=sheet, cell=cell, value=typed, normalised=kept,
                            severity=Severity.WARNING) for sheet, cell, typed, kept in sub.cleaned]


def in_input_area(sub: Submission, sheet: str, cells: str) -> bool:
    """Does the merged range ``cells`` (A1:B2) touch what is read? On a grid sheet only rows
    with a hidden identity (a student or a marker row) are read: the template's own merged
    «Как заполнять» row below the grid is not input. On table sheets every row is."""
    if sub.cells is None or sub.cells.value(sheet, KEY_ROW, ID_COL) != "key":
        return True
    first, _, last = cells.partition(":")
    (_, r1), (_, r2) = coordinate_from_string(first), coordinate_from_string(last or first)
    return any(not is_blank(sub.cells.value(sheet, row - 1, ID_COL)) for row in range(r1, r2 + 1))
