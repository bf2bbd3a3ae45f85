"""Rendering diaries to PDF with Typst from the ``diary.typ`` template and JSON data."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import typst

TEMPLATE = "diary.typ"


class RenderError(Exception):
    """The diary template could not be compiled (a broken restyled template, say)."""


def template_path(workspace: Path) -> Path:
    """The workspace's own ``templates/diary.typ`` if a school restyled it, else ours."""
    own = workspace / "templates" / TEMPLATE
    if own.is_file():
        return own
    return Path(str(resources.files("zhurnal.publish") / "templates" / TEMPLATE))


class DiaryRenderer:
    """Compiles diaries with one Typst compiler (fonts and template parsed once)."""

    def __init__(self, template: Path) -> None:
        self.compiler = typst.Compiler(str(template), root=str(template.parent))

    def render(self, diaries: list[dict]) -> bytes:
        """One PDF with a page (or more) per diary, in the given order."""
        try:
            return self.compiler.compile(sys_inputs={"data": json.dumps({"diaries": diaries}, ensure_ascii=False)})
        except typst.TypstError as exc:
            raise RenderError(str(exc)) from exc
