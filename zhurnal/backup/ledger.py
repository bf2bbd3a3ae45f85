"""The workspace's own record of its backup copies, so ``status`` needs no destination mounted.

``backups.json`` in the workspace: one row per copy (snapshot id × destination) with when it
was made and when it last passed verification, or what was wrong with it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

LEDGER = "backups.json"


def read_ledger(workspace: Path) -> list[dict]:
    try:
        data = json.loads((workspace / LEDGER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [row for row in data.get("copies", []) if isinstance(row, dict)]


def _write(workspace: Path, rows: list[dict]) -> None:
    partial = workspace / (LEDGER + ".partial")
    partial.write_text(json.dumps({"copies": rows}, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(partial, workspace / LEDGER)


def record(workspace: Path, copies: list[dict], removed: list[tuple[str, str]] = ()) -> None:
    """Add or replace rows keyed by (destination, id); drop the ``removed`` ones."""
    rows = {(r["destination"], r["id"]): r for r in read_ledger(workspace)}
    for key in removed:
        rows.pop(key, None)
    for row in copies:
        rows[(row["destination"], row["id"])] = row
    _write(workspace, sorted(rows.values(), key=lambda r: (r["id"], r["destination"])))
