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
    """The PDF LibreOffice makes of ``source`` (a ``.docx``, a workbook); :class:`ConversionFailed`
    when it makes none or runs over :data:`TIMEOUT_SECONDS`, FileNotFoundError when it is not
    installed. The file is converted as a copy with a Latin name in a folder of its own: LibreOffice
    under a C locale cannot load a Cyrillic path."""
    program = soffice()
    if program is None:
        raise FileNotFoundError("soffice")
    with tempfile.TemporaryDirectory(prefix="zhurnal-soffice-") as scratch:
        work = Path(scratch)
        copy = work / f"source{source.suffix}"
        shutil.copyfile(source, copy)
        try:
            done = subprocess.run([program, f"-env:UserInstallation=file://{work / 'profile'}", "--headless",
                                   "--norestore", "--convert-to", "pdf", "--outdir", str(work), str(copy)],
                                  capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired as exc:
            raise ConversionFailed(f"{source.name}: LibreOffice > {TIMEOUT_SECONDS} s") from exc
        target = work / "source.pdf"
        if not target.is_file():
            raise ConversionFailed(f"{source.name}: {(done.stderr or done.stdout).strip()[-300:]}")
        return target.read_bytes()
