"""Print bundles: the diaries (or report cards) already rendered, one after another in one PDF.

Rendering them again as one Typst document cost as much as rendering them the first time;
joining the PDFs costs a small fraction of it. Each diary keeps its own running header and
«стр. N из M» counted within it, so a bundle reads exactly as the separate files do.
"""

from __future__ import annotations

import io

import pikepdf


def join_pdfs(pdfs: list[bytes]) -> bytes:
    """One PDF with the pages of ``pdfs`` in order (unencrypted: the class teacher prints it)."""
    joined = pikepdf.new()
    sources = [pikepdf.open(io.BytesIO(data)) for data in pdfs]
    for source in sources:
        joined.pages.extend(source.pages)
    out = io.BytesIO()
    joined.save(out, compress_streams=True)
    for source in sources:
        source.close()
    return out.getvalue()
