"""Rendering diaries to PDF with Typst from the ``diary.typ`` template and JSON data."""

from __future__ import annotations

import json
import threading
from importlib import resources
from pathlib import Path

import typst

TEMPLATE = "diary.typ"
REPORT_CARD = "report_card.typ"
YEAR_CARD = "year_card.typ"


# Typst's tagged PDFs say ``/MarkInfo <</Marked true /Suspects false>>``. That is valid PDF, but
# poppler (pdftotext, pdfinfo, Evince; 22.x at least) takes any Suspects value other than true
# for a wrong type and prints «Syntax Error: Suspects object is wrong type (boolean)» for every
# file. ``null`` means "absent", which is what false means here, and has the same length, so the
# cross-reference offsets stay right. The tags (for screen readers) are kept.
_SUSPECTS, _SUSPECTS_NULL = b"/Suspects false", b"/Suspects null "


def poppler_safe(pdf: bytes) -> bytes:
    """``pdf`` with the catalog's ``/Suspects false`` written as the equivalent ``null``."""
    return pdf.replace(_SUSPECTS, _SUSPECTS_NULL, 1)


class RenderError(Exception):
    """The diary template could not be compiled (a broken restyled template, say)."""


def template_path(workspace: Path, name: str = TEMPLATE) -> Path:
    """The workspace's own ``templates/<name>`` if a school restyled it, else ours."""
    own = workspace / "templates" / name
    if own.is_file():
        return own
    return Path(str(resources.files("zhurnal.publish") / "templates" / name))


class DiaryRenderer:
    """Compiles diaries with Typst; each thread keeps its own compiler (fonts parsed once)."""

    def __init__(self, template: Path) -> None:
        self.template = template
        self.local = threading.local()

    def _compiler(self) -> typst.Compiler:
        if not hasattr(self.local, "compiler"):
            self.local.compiler = typst.Compiler(str(self.template), root=str(self.template.parent))
        return self.local.compiler

    def render(self, diaries: list[dict]) -> bytes:
        """One PDF with a page (or more) per diary, in the given order."""
        return self.render_document({"diaries": diaries})

    def render_document(self, data: dict) -> bytes:
        """One PDF of the template fed ``data`` (``sys.inputs.data``, as JSON); :class:`RenderError`."""
        try:
            pdf = self._compiler().compile(sys_inputs={"data": json.dumps(data, ensure_ascii=False)})
        except typst.TypstError as exc:
            raise RenderError(str(exc)) from exc
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:
            # a Rust panic inside Typst (pyo3's PanicException is a BaseException) on some text of
            # a submission: that document fails, the others go on; the thread's compiler is not
            # trusted after it. Pupils' text reaches Typst only as data (sys.inputs), never as
            # markup, so it cannot make the compile loop; pikepdf only ever opens Typst's own PDFs.
            self.local.__dict__.pop("compiler", None)
            raise RenderError(f"{type(exc).__name__}: {exc}") from exc
        return poppler_safe(pdf)

    def render_one(self, diary: dict) -> bytes | RenderError:
        """One diary's PDF, or the :class:`RenderError` that stopped it (a value: one broken
        document never stops the others)."""
        try:
            return self.render([diary])
        except RenderError as exc:
            return exc
