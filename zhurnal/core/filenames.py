"""File and folder names made from free text (author names, class codes may hold anything).

Every name zhurnal derives from a value (diaries, attachments, feedback, slips, templates)
goes through :func:`safe_name`, the one function that makes it safe: characters no file system
or share takes become ``_``, invisible format controls (Unicode category Cf: the right-to-left
override U+202E that shows ``…fdp.exe`` as ``…exe.pdf``, zero-width spaces) are dropped, the
text is NFC, and a name longer than :data:`MAX_NAME_BYTES` of UTF-8 is cut at a whole
character and given a stable hash of the whole text (so two long names that share a beginning
still get two files, and the same name always the same file). File systems allow 255 bytes a
name and a Cyrillic letter takes two, so the prefix and suffix callers add around it still fit.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
MAX_NAME_BYTES = 120
_HASH = 8               # hex digits of sha256 after "~" on a name that was cut


def without_format_controls(text: str) -> str:
    """``text`` in NFC without characters of Unicode category Cf (bidi overrides, zero-width
    spaces and joiners, soft hyphens, byte order marks)."""
    return "".join(c for c in unicodedata.normalize("NFC", text) if unicodedata.category(c) != "Cf")


def safe_name(text: str, limit: int = MAX_NAME_BYTES) -> str:
    """A file or folder name from free text, at most ``limit`` bytes of UTF-8; never empty.
    A name that had to be cut ends in ``~`` and 8 hex digits of the sha256 of ``text``."""
    name = _UNSAFE.sub("_", without_format_controls(text)).strip(" .") or "без_автора"
    if len(name.encode()) <= limit:
        return name
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:_HASH]
    head = name.encode()[:limit - _HASH - 1].decode(errors="ignore").rstrip(" .")
    return f"{head}~{digest}"


def short_name(text: str, limit: int = MAX_NAME_BYTES) -> str:
    """:func:`safe_name` (kept for its callers: every name is short now)."""
    return safe_name(text, limit)


def feedback_path(out_dir: Path, author: str, original_name: str, suffix: str = ".xlsx") -> Path:
    """Where the feedback workbook for ``original_name`` by ``author`` lives under ``out_dir``."""
    return out_dir / safe_name(author or "без_автора") / f"{safe_name(Path(original_name).stem)}_ошибки{suffix}"
