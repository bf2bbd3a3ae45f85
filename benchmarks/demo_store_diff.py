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

Normalised as :mod:`zhurnal.store.compare` says (ids replaced by natural keys, clock-dependent
columns dropped), so that two runs of unchanged code compare equal.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from zhurnal.store.compare import compare  # noqa: E402
from zhurnal.store.compare import dump as dump_school

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

def dump(store: Path) -> dict[str, list[str]]:
    """Table → the (only) school's normalised rows as sorted compact JSON lines."""
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///file:{store}?mode=ro&uri=true")
    try:
        with engine.connect() as conn:
            school_id = conn.execute(text("SELECT min(id) FROM schools")).scalar()
            return dump_school(conn, school_id)
    finally:
        engine.dispose()


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
