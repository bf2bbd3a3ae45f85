"""File and folder names made from free text (author names, class codes may hold anything)."""

from __future__ import annotations

import re
from pathlib import Path

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def safe_name(text: str) -> str:
    """A file or folder name from free text; never empty."""
    return _UNSAFE.sub("_", text).strip(" .") or "без_автора"


MAX_NAME_BYTES = 120   # file systems allow 255 bytes a name; Cyrillic takes two a letter


def short_name(text: str, limit: int = MAX_NAME_BYTES) -> str:
    """``safe_name(text)`` cut to ``limit`` bytes of UTF-8 at a whole character."""
    return safe_name(text).encode()[:limit].decode(errors="ignore").strip(" .") or "без_имени"


def feedback_path(out_dir: Path, author: str, original_name: str, suffix: str = ".xlsx") -> Path:
    """Where the feedback workbook for ``original_name`` by ``author`` lives under ``out_dir``."""
    return out_dir / short_name(author or "без_автора") / f"{short_name(Path(original_name).stem)}_ошибки{suffix}"
