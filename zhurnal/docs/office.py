"""LibreOffice as a converter: a ``.docx`` or a workbook to PDF, headless, with a profile of its
own (so a desktop session of the same user, or another conversion, never holds it) and a time limit."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 180      # a first start builds the profile: ~10 s; a busy 2-core machine: more


def soffice() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


class ConversionFailed(Exception):
    """LibreOffice ran but gave no PDF (its output is the message)."""


def to_pdf(source: Path) -> bytes:
    """The PDF LibreOffice makes of ``source`` (a ``.docx``, a workbook); see :func:`to_pdfs`."""
    return to_pdfs([source])[source]


def to_pdfs(sources: list[Path]) -> dict[Path, bytes]:
    """The PDF LibreOffice makes of each of ``sources``, in one run of it (a start costs seconds);
    :class:`ConversionFailed` when it makes none of them or runs over :data:`TIMEOUT_SECONDS`,
    FileNotFoundError when it is not installed. A source it could not convert is left out of the
    answer. Each file is converted as a copy with a Latin name in a folder of its own: LibreOffice
    under a C locale cannot load a Cyrillic path."""
    program = soffice()
    if program is None:
        raise FileNotFoundError("soffice")
    with tempfile.TemporaryDirectory(prefix="zhurnal-soffice-") as scratch:
        work = Path(scratch)
        copies = {}
        for n, source in enumerate(sources):
            copies[source] = work / f"source-{n}{source.suffix}"
            shutil.copyfile(source, copies[source])
        try:
            done = subprocess.run([program, f"-env:UserInstallation=file://{work / 'profile'}", "--headless",
                                   "--norestore", "--convert-to", "pdf", "--outdir", str(work),
                                   *(str(c) for c in copies.values())],
                                  capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as exc:
            raise ConversionFailed(f"LibreOffice > {TIMEOUT_SECONDS} s") from exc
        made = {source: copy.with_suffix(".pdf").read_bytes() for source, copy in copies.items()
                if copy.with_suffix(".pdf").is_file()}
        if not made:
            raise ConversionFailed((done.stderr or done.stdout).strip()[-300:])
        return made
