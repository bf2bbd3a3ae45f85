"""Does a change keep the demo's store? Run ``zhurnal demo`` with the code at a git revision and
with the working tree, then compare both ``master.sqlite`` stores table by table.

    python benchmarks/demo_store_diff.py                    # HEAD against the working tree
    python benchmarks/demo_store_diff.py --base main~3 --students 120
    python benchmarks/demo_store_diff.py --dump tree.json   # the working tree's store, normalised
    python benchmarks/demo_store_diff.py --dump x.json --store some/master.sqlite
    python benchmarks/demo_store_diff.py --stores a/master.sqlite b/master.sqlite

The base revision is checked out with ``git worktree add`` into a temporary folder and run as
``python -m zhurnal.cli demo`` with ``PYTHONPATH`` pointing there, in this same interpreter;
the working tree runs the same way with ``PYTHONPATH`` at this repository. Prints, per table,
``equal`` or the rows only one side has (first 10 each); exits 1 on any difference.

Normalised (so that two runs of unchanged code compare equal):

- generated ids are dropped (``students``, ``parents``, ``lessons``, ``submissions``,
  ``revisions``, ``period_events``, ``schools``) and every reference to one is replaced by the
  row's natural key: a student by class/full name, a parent by full name/e-mail or phone, a
  lesson by class/subject/subgroup/date/lesson no, a submission by file/kind/author/status/week;
  ids inside revision keys and revision old/new JSON are replaced the same way;
- ``school_id`` is dropped (the demo has one school);
- columns that depend on the clock or on random template ids are dropped:
  ``submissions.saved_at`` (openpyxl stamps the real time when the demo saves a workbook),
  ``submissions.sha256`` and ``template_id`` (a template carries a fresh uuid and issue time),
  ``mail_ledger.updated_at``, ``period_events.at``; ``submissions.received_at`` is kept (the
  demo passes a fixed "now");
- ``submissions.findings`` keeps (file, sheet, cell, code, severity) of each finding, not the
  message, whose text may quote a saved time;
- feedback mail's ``message_id`` holds the submission id and a hash of the feedback workbook's
  bytes (which hold real save times), so for ``kind = feedback`` it is dropped, with its digest.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHOWN = 10

ID_TABLES = {"students", "parents", "lessons", "submissions", "revisions", "period_events", "schools"}
DROPPED = {
    "*": {"school_id"},
    "submissions": {"saved_at", "sha256", "template_id"},
    "mail_ledger": {"updated_at"},
    "period_events": {"at"},
    "issued_templates": {"template_id", "issued_at"},
    "submission_states": {"template_id"},
}


# ---- running the demo ----------------------------------------------------------------------

def run_demo(code: Path, out: Path, students: int, seed: int) -> Path:
    """``zhurnal demo out`` with the zhurnal package found at ``code``; the store it wrote."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    env.pop("ZHURNAL_WORKSPACE", None)
    done = subprocess.run([sys.executable, "-m", "zhurnal.cli", "demo", str(out), "--students", str(students),
                           "--seed", str(seed)], cwd=code, env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1):  # 1: the demo's deliberate mistakes were rejected
        raise SystemExit(f"demo at {code} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-4000:]}")
    store = out / "master.sqlite"
    if not store.exists():
        raise SystemExit(f"demo at {code} wrote no store: {store}")
    return store


def checkout(rev: str, into: Path) -> Path:
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", "--quiet", str(into), rev], check=True)
    return into


def remove_checkout(path: Path) -> None:
    subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(path)], check=False)


# ---- the normalised dump -------------------------------------------------------------------

def _rows(conn: sqlite3.Connection, table: str) -> list[dict]:
    conn.row_factory = sqlite3.Row
    return [dict(r) for r in conn.execute(f'SELECT * FROM "{table}"')]


class Keys:
    """Natural keys for the generated ids of one store."""

    def __init__(self, conn: sqlite3.Connection, tables: set[str]) -> None:
        get = lambda t: _rows(conn, t) if t in tables else []
        self.student = {r["id"]: f"{r['class_code']}/{r['full_name']}" for r in get("students")}
        self.parent = {r["id"]: f"{r['full_name']}/{r['email'] or r['phone'] or ''}" for r in get("parents")}
        self.lesson = {r["id"]: "/".join(str(r[k]) for k in ("class_code", "subject", "subgroup", "date", "lesson_no"))
                       for r in get("lessons")}
        self.submission = {r["id"]: "/".join(str(r[k] or "") for k in ("original_name", "kind", "author", "status", "week"))
                           for r in get("submissions")}

    def of(self, column: str, value):
        table = {"student_id": self.student, "parent_id": self.parent, "lesson_id": self.lesson,
                 "submission_id": self.submission}.get(column)
        if table is None or value is None:
            return value
        try:
            return table.get(int(value), f"#{value}")
        except (TypeError, ValueError):
            return value

    def revision_key(self, entity: str, key: str) -> str:
        parts = key.split("/")
        if entity == "students":
            return self.of("student_id", key)
        if entity in ("parents", "guardianships"):
            return self.of("parent_id", key)
        if entity == "journal_entries":
            return "/".join(parts[:-1] + [str(self.of("student_id", parts[-1]))])
        if entity in ("absences", "period_marks"):
            return "/".join([str(self.of("student_id", parts[0]))] + parts[1:])
        return key

    def revision_value(self, entity: str, text: str | None):
        if text is None:
            return None
        value = json.loads(text)
        if not isinstance(value, dict):
            return value
        if entity in ("students", "parents"):
            value.pop("id", None)
        return {k: self.of(k, v) for k, v in sorted(value.items())}


def _findings(text: str) -> list:
    try:
        found = json.loads(text or "[]")
    except json.JSONDecodeError:
        return [text]
    return sorted([f.get("file", ""), f.get("sheet", ""), f.get("cell", ""), f.get("code", ""),
                   f.get("severity", "")] for f in found)


def normalise(table: str, row: dict, keys: Keys) -> dict:
    drop = DROPPED["*"] | DROPPED.get(table, set()) | ({"id"} if table in ID_TABLES else set())
    if table == "mail_ledger" and row.get("kind") == "feedback":
        drop = drop | {"message_id", "digest"}
    out = {}
    for column, value in row.items():
        if column in drop:
            continue
        if table == "submissions" and column == "findings":
            value = _findings(value)
        elif table == "revisions" and column == "key":
            value = keys.revision_key(row["entity"], value)
        elif table == "revisions" and column in ("old_value", "new_value"):
            value = keys.revision_value(row["entity"], value)
        else:
            value = keys.of(column, value)
        out[column] = value
    return out


def dump(store: Path) -> dict[str, list[str]]:
    """Table → its normalised rows as sorted compact JSON lines."""
    conn = sqlite3.connect(f"file:{store}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                              "AND name NOT LIKE 'sqlite_%'")}
        keys = Keys(conn, tables)
        return {t: sorted(json.dumps(normalise(t, r, keys), ensure_ascii=False, sort_keys=True, default=str)
                          for r in _rows(conn, t)) for t in sorted(tables)}
    finally:
        conn.close()


# ---- comparing ---------------------------------------------------------------------------

def compare(base: dict[str, list[str]], tree: dict[str, list[str]], *, new_tables_ok: bool = False
            ) -> tuple[bool, str]:
    """Equal table by table; with ``new_tables_ok`` a table only the tree has (a migration the
    base does not know) is listed but does not count as a difference."""
    from collections import Counter
    lines, same = [], True
    for table in sorted(set(base) | set(tree)):
        if table not in base or table not in tree:
            same = same and new_tables_ok and table not in base
            lines.append(f"{table}: only in {'tree' if table not in base else 'base'} "
                         f"({len(tree.get(table, base.get(table, [])))} rows)")
            continue
        if new_tables_ok and table == "alembic_version" and base[table] != tree[table]:
            lines.append(f"{table}: the schema moved on ({base[table]} → {tree[table]})")
            continue
        left, right = Counter(base[table]), Counter(tree[table])
        only_base, only_tree = list((left - right).elements()), list((right - left).elements())
        if not only_base and not only_tree:
            lines.append(f"{table}: equal ({len(base[table])} rows)")
            continue
        same = False
        lines.append(f"{table}: DIFFERENT ({len(base[table])} rows in base, {len(tree[table])} in tree; "
                     f"{len(only_base)} only in base, {len(only_tree)} only in tree)")
        lines += [f"  - {r}" for r in only_base[:SHOWN]] + [f"  + {r}" for r in only_tree[:SHOWN]]
    return same, "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="HEAD", help="git revision to compare against (default HEAD)")
    parser.add_argument("--students", type=int, default=300, help="demo school size (default 300)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--dump", type=Path, help="write one store's normalised dump as JSON and stop")
    parser.add_argument("--store", type=Path, help="with --dump: the store to dump (default: run the demo)")
    parser.add_argument("--stores", nargs=2, type=Path, metavar=("BASE", "TREE"),
                        help="compare two existing stores instead of running the demo")
    parser.add_argument("--keep", type=Path, help="keep the demo folders here")
    parser.add_argument("--new-tables-ok", action="store_true",
                        help="tables only the working tree has (new migrations) do not count as differences")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="demo_store_diff.") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if args.dump:
            store = args.store or run_demo(REPO, work / "tree", args.students, args.seed)
            args.dump.write_text(json.dumps({t: [json.loads(r) for r in rows] for t, rows in dump(store).items()},
                                            ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
            print(f"wrote {args.dump}")
            return 0
        if args.stores:
            base_store, tree_store = args.stores
        else:
            code = checkout(args.base, Path(tmp) / "base-code")
            try:
                with ThreadPoolExecutor(2) as pool:
                    base_job = pool.submit(run_demo, code, work / "base", args.students, args.seed)
                    tree_job = pool.submit(run_demo, REPO, work / "tree", args.students, args.seed)
                    base_store, tree_store = base_job.result(), tree_job.result()
            finally:
                remove_checkout(code)
        print(f"base: {args.base if not args.stores else base_store}   tree: {'working tree' if not args.stores else tree_store}")
        same, text = compare(dump(base_store), dump(tree_store), new_tables_ok=args.new_tables_ok)
        print(text)
        print("stores equal" if same else "stores DIFFER")
        return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
