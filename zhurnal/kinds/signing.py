"""The signed metadata every issued workbook carries in its hidden ``_zhurnal`` sheet."""

from __future__ import annotations

from zhurnal.context import RunContext
from zhurnal.templates.metadata import new_metadata, sign


def signed_meta(ctx: RunContext, kind: str, version: int, author: str, *, sections: dict | None = None,
                **more: object) -> dict[str, str]:
    """Metadata for a template of ``kind`` issued to ``author``, signed with the workspace secret."""
    return sign(new_metadata(kind=kind, version=version, school=ctx.settings.school.code, author=author,
                             sections=sections, **more), ctx.settings.secret)
