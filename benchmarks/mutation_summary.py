"""Counts of one cosmic-ray session (``cosmic-ray dump`` on stdin), with the equivalent mutants
listed in benchmarks/mutation_equivalent.txt taken out of the score.

    cosmic-ray dump .mutation/ledger/session.sqlite | python benchmarks/mutation_summary.py ledger SRC [--survivors]

Mutants inside type annotations are equivalent by construction (see mutation_annotations.py).
A line of mutation_equivalent.txt is ``<file>:<line>:<operator>[:<occurrence>]  # why``; the
score is killed (timeouts included) over killed + timeout + survived, equivalents excluded.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from mutation_annotations import REASON, annotation_spans

EQUIVALENT = Path(__file__).with_name("mutation_equivalent.txt")


def equivalents() -> set[tuple]:
    found = set()
    for line in EQUIVALENT.read_text(encoding="utf-8").splitlines() if EQUIVALENT.exists() else []:
        spec = line.split("#", 1)[0].strip()
        if spec:
            path, number, operator, *occurrence = spec.split(":")
            found.add((path, int(number), operator, int(occurrence[0]) if occurrence else None))
    return found


def main() -> None:
    name, src, show = sys.argv[1], Path(sys.argv[2]), "--survivors" in sys.argv
    skip = equivalents()
    spans: dict[str, list] = {}
    counts: Counter = Counter()
    survivors = []
    for line in sys.stdin:
        job, result = json.loads(line)
        [mutation] = job["mutations"]
        where = (mutation["module_path"], mutation["start_pos"][0], mutation["operator_name"])
        if where[0] not in spans:
            spans[where[0]] = annotation_spans((src / where[0]).read_text(encoding="utf-8"))
        in_annotation = any(b <= tuple(mutation["start_pos"]) < e for b, e in spans[where[0]])
        if result is not None and result["worker_outcome"] == "skipped" and result.get("output") != REASON:
            counts["filtered"] += 1             # an operator left out (see mutation.sh)
        elif in_annotation:
            counts["annotation"] += 1
        elif result is None:
            counts["pending"] += 1
        elif where + (None,) in skip or where + (mutation["occurrence"],) in skip:
            counts["equivalent"] += 1
        elif result["worker_outcome"] != "normal":
            counts["incompetent"] += 1          # cosmic-ray could not apply or run it
        elif result["test_outcome"] == "killed":
            counts["killed"] += 1
        elif result["test_outcome"] == "survived":
            counts["survived"] += 1
            survivors.append((where, mutation["occurrence"], result.get("diff") or ""))
        else:
            counts["timeout"] += 1              # the tests ran past the timeout: counted as killed
    run = counts["killed"] + counts["timeout"] + counts["survived"]
    score = 100 * (counts["killed"] + counts["timeout"]) / run if run else 0.0
    print(f"{name}: killed {counts['killed']}, survived {counts['survived']}, timeout {counts['timeout']}, "
          f"equivalent {counts['equivalent']} (+{counts['annotation']} in annotations), incompetent {counts['incompetent']}, pending {counts['pending']}, "
          f"filtered {counts['filtered']}; score {score:.1f} %")
    if show:
        for (path, number, operator), occurrence, diff in sorted(survivors):
            print(f"  {path}:{number}:{operator}:{occurrence}")
            print("    " + "\n    ".join(l for l in diff.splitlines() if l.startswith(("+", "-"))
                                         and not l.startswith(("+++", "---"))))


if __name__ == "__main__":
    main()
