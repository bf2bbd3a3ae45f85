"""The hostile corpus (tests/hostile.py) dropped into one inbox beside a valid roster: every
kind gets its own code, the valid roster is accepted, only entries that are not files stay in
the inbox, and nothing from outside the workspace reaches archive/."""

from __future__ import annotations

import hashlib

import pytest
from conftest import Workspace
from hostile import KINDS, Corpus

LEFT = "inbox-entry-not-a-file"


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory, _school_with_rosters):
    """One workspace copy, the whole corpus and a valid roster in its inbox, one ingest."""
    root = tmp_path_factory.mktemp("hostile")
    _school_with_rosters.copy("sqlite", root / "ws")
    ws = Workspace(root / "ws")
    ws.drop_roster("8А", ws.prefilled_roster("8А"), name="good.xlsx")
    base = ws.drop_roster("9А", ws.prefilled_roster("9А"), name="base.xlsx")
    good, scratch = base.read_bytes(), root / "outside"
    base.unlink()
    scratch.mkdir()
    corpus = Corpus(ws.settings.inbox, good, ws.settings.secret, scratch)
    names = {kind: make(corpus) for kind, (code, make) in KINDS.items()}
    archived = {p.name for p in ws.settings.archive.rglob("*.*")}
    report = ws.ingest()
    yield ws, report, names, archived, hashlib.sha256((scratch / "outside.xlsx").read_bytes()).hexdigest()
    ws.engine.dispose()


def test_the_corpus_is_big_enough():
    assert len(KINDS) >= 30 and len({code for code, _ in KINDS.values()}) >= 15


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_hostile_kind_gets_its_code(hostile_run, kind):
    ws, report, names, archived, outside = hostile_run
    code, _ = KINDS[kind]
    results = {f.name: f for f in report.files}
    result = results[names[kind]]
    assert code in {f.code for f in result.findings}, (result.status, [f.code for f in result.findings])
    expected = {LEFT: "left", "value-normalised": "accepted"}.get(code, "rejected")
    assert result.status == expected
    assert results["good.xlsx"].status == "accepted"
    if code == LEFT:
        assert (ws.settings.inbox / names[kind]).exists() or (ws.settings.inbox / names[kind]).is_symlink()
    else:
        assert not (ws.settings.inbox / names[kind]).exists()
    new = {p.name for p in ws.settings.archive.rglob("*.*")} - archived
    assert not any(outside in name for name in new)
    if result.feedback:
        assert (ws.path / result.feedback).is_file()
