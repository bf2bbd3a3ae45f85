"""The README's table of what the demo writes names paths that the demo really writes.

A newcomer follows those paths first; each row's paths are read from README.md itself and
looked up in the session's demo workspace (tests/conftest.py), so a folder moved in the code
and not in the README fails here."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def _table_rows() -> list[list[str]]:
    """The backticked paths of each row of the «What the demo writes» table: its first cell's,
    then those of its description (which are relative to the first cell's folder)."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("| path in `./demo` |"):].split("\n\n", 1)[0]
    rows = []
    for line in table.splitlines()[2:]:
        cells = line.strip("|").split("|")
        paths = [[p for p in re.findall(r"`([^`]+)`", cell) if " " not in p and ("/" in p or "." in p)]
                 for cell in cells]
        rows.append(paths[0] + [p for cell in paths[1:] for p in cell])
    return rows


def _pattern(path: str) -> str:
    """``outbox/feedback/<author>/…_ошибки.xlsx`` → ``outbox/feedback/*/*_ошибки.xlsx``."""
    return re.sub(r"<[^>]+>", "*", path).replace("…", "*").rstrip("/")


def test_the_readme_table_names_paths_the_demo_writes(_demo_base):
    rows = _table_rows()
    assert len(rows) >= 8                                      # the table was found and read
    missing = []
    for first, *described in rows:
        base = first if first.endswith("/") else str(Path(first).parent) + "/"
        for path in [first, *(base + p for p in described)]:
            if not list(_demo_base.glob(_pattern(path))):
                missing.append(path)
    assert missing == []


def test_the_readme_names_every_week_the_demo_issued(_demo_base):
    weeks = sorted(p.name for p in (_demo_base / "templates_xlsx").iterdir() if p.is_dir() and "-W" in p.name)
    text = README.read_text(encoding="utf-8")
    assert weeks and f"`{weeks[0]}/`" in text and f"`{weeks[-1]}/`" in text
