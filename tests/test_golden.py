"""Golden files: each sample workbook beside the JSON of what feeding it does today.

GIVEN a base workspace (empty, with the setup, or with the whole demo school; see
``golden/scenario.py``), WHEN the sample is dropped into ``inbox/`` and ingested at a fixed
time, THEN its status, its findings as (sheet, cell, code, severity), its submission row, the
rows of the tables its kind feeds and its revisions equal the JSON beside it.

``pytest --regen-golden`` rewrites the JSON from today's behaviour (review the diff);
``python tests/golden/make_samples.py`` rebuilds the sample workbooks themselves.
"""

from __future__ import annotations

import pytest
from golden import adapter as api
from golden.scenario import SAMPLES, build_stages, diff, outcome, prepare, text_of


@pytest.fixture(scope="session")
def golden_stages(tmp_path_factory):
    """The bases, built once a session; each test works on a copy."""
    with pytest.MonkeyPatch.context() as patch:   # only while building: the secret must not leak
        patch.setenv(api.SECRET_VARIABLE, api.SECRET)
        stages = build_stages(tmp_path_factory.mktemp("golden"), api.demo_school())
    return stages


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_golden_sample(sample, golden_stages, tmp_path, monkeypatch, request):
    monkeypatch.setenv(api.SECRET_VARIABLE, api.SECRET)
    ws = prepare(golden_stages, sample, tmp_path / "ws")
    (ws.inbox / sample.workbook.name).write_bytes(sample.workbook.read_bytes())
    found = text_of(outcome(ws, sample, api.run_ingest(ws)))
    ws.close()
    if request.config.getoption("--regen-golden"):
        sample.expected.write_text(found, encoding="utf-8")
        return
    assert sample.expected.exists(), f"{sample.expected.name} missing: run pytest --regen-golden"
    expected = sample.expected.read_text(encoding="utf-8")
    if found != expected:
        pytest.fail(f"{sample.name}: outcome differs from {sample.expected.name} "
                    f"(pytest --regen-golden rewrites it on purpose)\n" + diff(expected, found, sample.expected.name),
                    pytrace=False)


def test_every_sample_and_expectation_is_there():
    """A sample without its JSON (or the reverse) is a golden that silently stopped running."""
    from golden.scenario import HERE
    names = {s.name for s in SAMPLES}
    assert {p.stem for p in HERE.glob("*.xlsx")} == names
    assert {p.stem for p in HERE.glob("*.json")} == names
