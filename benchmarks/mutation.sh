#!/usr/bin/env bash
# Mutation testing of the core modules with cosmic-ray (slow: not part of CI).
#
#   pip install -e '.[test,mutation]'
#   benchmarks/mutation.sh                 # every module below, one after another
#   benchmarks/mutation.sh ledger bounds   # only these
#   JOBS=2 benchmarks/mutation.sh          # two modules at once (each in its own copy)
#   benchmarks/mutation.sh --report [--survivors]   # the counts of the runs so far
#   benchmarks/mutation.sh --retest ledger # tests changed: copy tests/ again, run the survivors again
#
# Each module is mutated in its own copy of the working tree (.mutation/<name>/src; cosmic-ray
# writes each mutant into the file on disk), with the tests chosen for it below, on SQLite only.
# The school the tests share is built once per module from the unmutated code and reused by every
# mutant's run (ZHURNAL_TEST_BASES, see tests/conftest.py), so a run costs the tests themselves.
# A session is resumable: rerunning a module whose session exists runs only its pending mutants
# (FRESH=1 starts over). Results: .mutation/<name>/report.txt and the summary line per module.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${MUTATION_OUT:-$ROOT/.mutation}
PY=${PYTHON:-$ROOT/.venv/bin/python}
BIN=$(dirname "$PY")
PYTEST="python -m pytest -x -q -n 0 -p no:cacheprovider -k 'not postgresql'"

declare -A MODULE TESTS TIMEOUT
# module name → file, the tests that exercise it (chosen by what the module does, see
# docs/DESIGN.md «Mutation testing»), and the seconds after which a mutant's run counts as a timeout
MODULE[marks]=zhurnal/school/marks.py
TESTS[marks]="tests/test_marks.py tests/test_averages.py"
TIMEOUT[marks]=120
MODULE[averages]=zhurnal/school/averages.py
TESTS[averages]="tests/test_averages.py"
TIMEOUT[averages]=120
MODULE[metrics]=zhurnal/publish/metrics.py
TESTS[metrics]="tests/test_metrics.py tests/test_year_counts.py::test_pupil_groups_and_the_n_rule_by_hand tests/test_year_counts.py::test_a_class_of_known_pupils_in_the_q2_report tests/test_year_counts.py::test_running_figures_say_few_marks_where_the_period_report_says_not_assessed"
TIMEOUT[metrics]=120
MODULE[metadata]=zhurnal/templates/metadata.py
TESTS[metadata]="tests/test_signing.py tests/test_keys.py tests/test_intake.py::test_metadata_must_belong_to_its_workbook"
TIMEOUT[metadata]=180
MODULE[inbox]=zhurnal/ingest/inbox.py
TESTS[inbox]="tests/test_inbox.py tests/test_intake.py::test_missing_inbox_is_a_configuration_error tests/test_bad_files.py::test_a_file_still_being_written_waits"
TIMEOUT[inbox]=120
MODULE[bounds]=zhurnal/ingest/bounds.py
# (the LibreOffice round trip of test_intake is left out: ods_facts has its hand-written ods here,
# and a mutant that loops forever would cost the whole timeout of that slow test)
TESTS[bounds]="tests/test_formula_scan.py tests/test_bad_files.py::test_formulas_where_values_belong_are_findings tests/test_bad_files.py::test_zip_bomb_and_oversized_files"
TIMEOUT[bounds]=60
MODULE[journal]=zhurnal/kinds/journal/plan.py
TESTS[journal]="tests/test_merge_copies.py tests/test_journal.py"
TIMEOUT[journal]=400
MODULE[ledger]=zhurnal/publish/ledger.py
TESTS[ledger]="tests/test_ledger.py tests/test_send_unit.py"
TIMEOUT[ledger]=120
MODULE[send]=zhurnal/publish/send.py
TESTS[send]="tests/test_send_unit.py"
TIMEOUT[send]=120
ORDER="ledger send metrics metadata inbox bounds marks averages journal"

summary() {   # name [--survivors] → "name: killed K, survived S, … score %" (and the survivors)
    local name=$1 db=$OUT/$1/session.sqlite
    [ -f "$db" ] || { echo "$name: not run"; return; }
    "$BIN/cosmic-ray" dump "$db" 2>/dev/null | "$PY" "$ROOT/benchmarks/mutation_summary.py" "$name" "$OUT/$name/src" "${@:2}"
}

run_one() {
    local name=$1 dir=$OUT/$1
    local module=${MODULE[$name]} tests=${TESTS[$name]} timeout=${TIMEOUT[$name]}
    mkdir -p "$dir"
    if [ -n "${FRESH:-}" ] || [ ! -f "$dir/session.sqlite" ]; then
        rm -rf "$dir/src" "$dir/bases" "$dir/session.sqlite"
        mkdir -p "$dir/src"
        # the working tree as it is (uncommitted tests included), without the venv and old runs
        tar -C "$ROOT" --exclude=./.venv --exclude=./.git --exclude=./.mutation --exclude=__pycache__ \
            --exclude='./*.egg-info' -cf - . | tar -C "$dir/src" -xf -
        cat > "$dir/config.toml" <<EOF
[cosmic-ray]
module-path = "$module"
timeout = $timeout.0
excluded-modules = []
test-command = "$PYTEST $tests"

[cosmic-ray.distributor]
name = "local"

[cosmic-ray.filters.operators-filter]
# operators left out (see docs/DESIGN.md «Mutation testing»): bit, shift, power, modulo and
# floor-division replacements, identity/membership swapped with ordering comparisons (type
# errors at once), unary + and ~, and the variable inserter/replacer (thousands of mutants
# that mostly rename a variable to an unrelated one of another type)
exclude-operators = [
  "core/ReplaceBinaryOperator_.*_(BitAnd|BitOr|BitXor|LShift|RShift|MatMult|Pow|FloorDiv|Mod)$",
  "core/ReplaceComparisonOperator_(Eq|NotEq|Lt|LtE|Gt|GtE)_(Is|IsNot|In|NotIn)$",
  "core/ReplaceComparisonOperator_(Is|IsNot|In|NotIn)_(Lt|LtE|Gt|GtE)$",
  "core/ReplaceUnaryOperator_.*_(Invert|UAdd)$",
  "core/VariableInserter",
  "core/VariableReplacer",
]
EOF
        (cd "$dir/src" && "$BIN/cosmic-ray" init "$dir/config.toml" "$dir/session.sqlite" \
            && "$BIN/cr-filter-operators" "$dir/session.sqlite" "$dir/config.toml" \
            && "$BIN/cr-filter-pragma" "$dir/session.sqlite" \
            && "$PY" "$ROOT/benchmarks/mutation_annotations.py" "$dir/session.sqlite" "$dir/src")
    fi
    (
        cd "$dir/src"
        export PATH="$BIN:$PATH" PYTHONPATH="$dir/src" ZHURNAL_TEST_BASES="$dir/bases"
        # the unmutated code must pass (this also builds the shared school once)
        eval "$PYTEST $tests" > "$dir/baseline.txt" 2>&1 || { echo "$name: baseline fails, see $dir/baseline.txt"; exit 1; }
        "$BIN/cosmic-ray" exec "$dir/config.toml" "$dir/session.sqlite"
        "$BIN/cr-report" --show-output "$dir/session.sqlite" > "$dir/report.txt" || true
    )
    summary "$name"
}

if [ "${1:-}" = "--retest" ]; then         # --retest name...: after new tests, only the survivors again
    shift
    for name in "$@"; do
        dir=$OUT/$name
        rm -rf "$dir/src/tests" && tar -C "$ROOT" --exclude=__pycache__ -cf - tests | tar -C "$dir/src" -xf -
        "$PY" - "$dir/session.sqlite" <<'PY'
import sqlite3, sys
with sqlite3.connect(sys.argv[1]) as db:
    db.execute("DELETE FROM work_results WHERE test_outcome = 'SURVIVED'")
PY
        FRESH= run_one "$name"
    done
    exit 0
fi
if [ "${1:-}" = "--report" ]; then        # --report [--survivors]
    for name in $ORDER; do summary "$name" ${2:-}; done
    exit 0
fi
names=${*:-$ORDER}
export -f run_one summary
export OUT PY BIN PYTEST ROOT
for name in $names; do
    [ -n "${MODULE[$name]:-}" ] || { echo "unknown module: $name (one of: $ORDER)"; exit 2; }
done
if [ "${JOBS:-1}" -gt 1 ]; then
    # associative arrays do not cross into xargs' shells: each child runs this script for one module
    printf '%s\n' $names | xargs -P "$JOBS" -I{} env JOBS=1 "$0" {}
else
    for name in $names; do run_one "$name"; done
fi
