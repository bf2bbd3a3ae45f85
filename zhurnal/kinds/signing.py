"""The signed metadata every issued workbook carries in its hidden ``_zhurnal`` sheet."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection

from zhurnal.merge.bases import State, record_issue
from zhurnal.school.context import RunContext
from zhurnal.templates.grid import GridSheet, issued_identities, write_grid_workbook
from zhurnal.templates.metadata import new_metadata, sign


def signed_meta(ctx: RunContext, kind: str, version: int, author: str, *, sections: dict | None = None,
                **more: object) -> dict[str, str]:
    """Metadata for a template of ``kind`` issued to ``author``, signed with the workspace secret."""
    return sign(new_metadata(kind=kind, version=version, school=ctx.settings.school.code, author=author,
                             sections=sections, **more), ctx.settings.secret)


def issue_grid(ctx: RunContext, conn: Connection, path: Path, kind: str, version: int, author: str,
               sheets: list[GridSheet], info: list[dict], base: State, **more: object) -> Path:
    """Write a grid workbook of ``sheets`` to ``path`` with its signed metadata (``info``: the
    sheets' groups, :func:`zhurnal.templates.grid.section_info`), and record ``base``, what its
    cells hold as issued, for the three-way merge of its copies."""
    meta = signed_meta(ctx, kind, version, author, sections={"sheets": info}, identities=issued_identities(sheets),
                       **more)
    write_grid_workbook(path, meta, sheets)
    record_issue(conn, ctx.school_id, meta, base, ctx.now)
    return path
