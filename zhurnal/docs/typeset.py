"""A :class:`~zhurnal.docs.model.Document` as PDF, typeset by Typst (``templates/document.typ``,
restylable from the workspace's ``templates/`` as the diaries are)."""

from __future__ import annotations

import json
import shutil
import tempfile
from importlib import resources
from pathlib import Path

import typst

from zhurnal.docs.model import Document, Figure, Table, numbered

TEMPLATE = "document.typ"


def template_path(workspace: Path) -> Path:
    """The workspace's own ``templates/document.typ`` if the school restyled it, else ours."""
    own = workspace / "templates" / TEMPLATE
    return own if own.is_file() else Path(str(resources.files("zhurnal.docs") / "templates" / TEMPLATE))


def as_data(doc: Document, pictures: dict[str, str] | None = None) -> dict:
    """The JSON the template reads; ``pictures`` maps a figure's path to its name in the
    compile folder."""
    parts = []
    for n, part in enumerate(doc.parts, 1):
        items: list[dict] = []
        for clause, item in numbered(n, part):
            if isinstance(item, Table):
                items.append({"table": {"caption": item.caption, "header": list(item.header),
                                        "rows": [list(r) for r in item.rows]}})
            elif isinstance(item, Figure):
                items.append({"image": (pictures or {})[item.path], "caption": item.caption})
            else:
                items.append({"clause": clause, "text": item})
        parts.append({"title": f"{n}. {part.title}", "items": items})
    return {"title": doc.title, "subtitle": doc.subtitle, "school": doc.school, "preamble": doc.preamble,
            "parts": parts}


def pdf_bytes(doc: Document, workspace: Path) -> bytes:
    """``doc`` typeset; its figures are copied beside the template (Typst reads files only under
    its root). Raises ``typst.TypstError`` for a broken restyled template."""
    figures = [item for part in doc.parts for item in part.items if isinstance(item, Figure)]
    with tempfile.TemporaryDirectory(prefix="zhurnal-typeset-") as scratch:
        root = Path(scratch)
        template = root / TEMPLATE
        shutil.copyfile(template_path(workspace), template)
        pictures = {}
        for k, figure in enumerate(figures):
            name = f"picture-{k}{Path(figure.path).suffix}"
            shutil.copyfile(figure.path, root / name)
            pictures[figure.path] = name
        data = json.dumps(as_data(doc, pictures), ensure_ascii=False)
        pdf = typst.compile(str(template), root=str(root), sys_inputs={"data": data})
    # poppler's complaint about Typst's /Suspects false (see zhurnal.publish.diary.poppler_safe)
    return pdf.replace(b"/Suspects false", b"/Suspects null ", 1)
