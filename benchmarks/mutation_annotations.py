"""Mark the mutants inside type annotations as skipped in a cosmic-ray session.

Every core module starts with ``from __future__ import annotations``: an annotation is kept as a
string and never evaluated, so ``str | None`` → ``str + None`` changes nothing the program does
(an equivalent mutant by construction). cosmic-ray has no filter for them; this is one.

    python benchmarks/mutation_annotations.py SESSION.sqlite SRC_DIR
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from cosmic_ray.work_db import WorkDB, use_db
from cosmic_ray.work_item import WorkerOutcome, WorkResult

REASON = "equivalent: inside a type annotation (never evaluated: from __future__ import annotations)"


def annotation_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """((line, col), (end line, end col)) of every annotation in ``source``."""
    tree = ast.parse(source)
    if not any(isinstance(n, ast.ImportFrom) and n.module == "__future__" and any(a.name == "annotations" for a in n.names)
               for n in tree.body):
        return []
    nodes = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
            nodes.append(node.returns)
        elif isinstance(node, ast.arg) and node.annotation is not None:
            nodes.append(node.annotation)
        elif isinstance(node, ast.AnnAssign):
            nodes.append(node.annotation)
    return [((n.lineno, n.col_offset), (n.end_lineno, n.end_col_offset)) for n in nodes]


def main() -> None:
    session, src = sys.argv[1], Path(sys.argv[2])
    spans: dict[str, list] = {}
    marked = 0
    with use_db(session, WorkDB.Mode.open) as db:
        for job in list(db.pending_work_items):
            [mutation] = job.mutations
            path = str(mutation.module_path)
            if path not in spans:
                spans[path] = annotation_spans((src / path).read_text(encoding="utf-8"))
            start = tuple(mutation.start_pos)
            if any(begin <= start < end for begin, end in spans[path]):
                db.set_result(job.job_id, WorkResult(worker_outcome=WorkerOutcome.SKIPPED, output=REASON))
                marked += 1
    print(f"{marked} mutants inside annotations skipped")


if __name__ == "__main__":
    main()
