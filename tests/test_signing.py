"""Template metadata and its signature, with the HMAC computed here by hand (hashlib/hmac on
the canonical JSON the format defines: sorted keys, UTF-8, the signature itself left out)."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

import pytest

from zhurnal.templates.metadata import META_SHEET, new_metadata, sections, sign, verify

SECRET = b"k" * 32
OTHER = b"o" * 32


def hand_key_id(secret: bytes) -> str:
    return hmac.new(secret, b"zhurnal-key-id", hashlib.sha256).hexdigest()[:16]


def hand_signature(meta: dict, secret: bytes) -> str:
    body = json.dumps({k: v for k, v in meta.items() if k != "signature"}, sort_keys=True, ensure_ascii=False)
    return hmac.new(secret, body.encode("utf-8"), hashlib.sha256).hexdigest()


def test_sign_adds_the_key_id_and_the_hmac_of_the_canonical_text():
    meta = {"kind": "journal", "version": 3, "author": "Иванова И. И.", "signature": "stale"}
    signed = sign(meta, SECRET)
    assert set(signed) == {"kind", "version", "author", "key_id", "signature"}
    assert signed["version"] == "3"                      # every value a string
    assert signed["key_id"] == hand_key_id(SECRET)
    assert signed["signature"] == hand_signature({**signed}, SECRET)
    assert meta["signature"] == "stale"                  # the caller's dict is left as it was
    assert META_SHEET == "_zhurnal"


def test_intact_metadata_verifies_with_the_secret_or_the_keyring():
    signed = sign({"kind": "roster", "author": "Ёлкина"}, SECRET)
    assert verify(signed, SECRET) is None
    assert verify(signed, [OTHER, SECRET]) is None
    assert verify(signed, (s for s in [SECRET])) is None


@pytest.mark.parametrize("change", [
    {"author": "Ёлкин"}, {"kind": "journal"}, {"extra": "1"}, {"signature": "0" * 64}, {"signature": ""},
])
def test_any_edit_is_tampering(change):
    signed = sign({"kind": "roster", "author": "Ёлкина"}, SECRET)
    assert verify({**signed, **change}, [SECRET]) == "metadata-tampered"


def test_a_missing_signature_is_tampering():
    signed = sign({"kind": "roster"}, SECRET)
    del signed["signature"]
    assert verify(signed, SECRET) == "metadata-tampered"


def test_another_workspaces_key_is_not_tampering_but_elsewhere():
    signed = sign({"kind": "roster"}, OTHER)
    assert verify(signed, SECRET) == "signed-by-other-workspace"
    assert verify(signed, []) == "signed-by-other-workspace"
    assert verify({k: v for k, v in signed.items() if k != "key_id"}, [SECRET, OTHER]) == "signed-by-other-workspace"
    forged = {**signed, "key_id": hand_key_id(SECRET)}       # claims our key, signed with another
    assert verify(forged, [SECRET]) == "metadata-tampered"


def test_new_metadata_fields():
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    meta = new_metadata(kind="journal", version=2, school="school17", author="Петров", sections={"б": [1], "a": 2},
                        week="2026-W48", rows=40)
    after = dt.datetime.now(dt.timezone.utc)
    assert {k: meta[k] for k in ("kind", "version", "school", "author", "sections", "week", "rows")} == {
        "kind": "journal", "version": "2", "school": "school17", "author": "Петров",
        "sections": '{"a": 2, "б": [1]}', "week": "2026-W48", "rows": "40"}
    assert len(meta["template_id"]) == 32 and int(meta["template_id"], 16) >= 0
    assert meta["template_id"] != new_metadata(kind="j", version=1, school="s", author="a")["template_id"]
    issued = dt.datetime.fromisoformat(meta["issued"])
    assert before <= issued <= after and issued.microsecond == 0 and meta["issued"].endswith("+00:00")
    assert new_metadata(kind="setup", version=1, school="s", author="a")["sections"] == "{}"
    assert set(new_metadata(kind="setup", version=1, school="s", author="a")) == {
        "kind", "version", "school", "author", "template_id", "issued", "sections"}


@pytest.mark.parametrize("meta, expected", [
    ({"sections": '{"sheets": [1]}'}, {"sheets": [1]}),
    ({}, {}), ({"sections": "not json"}, {}), ({"sections": "[1, 2]"}, {}), ({"sections": '"text"'}, {}),
])
def test_sections_decoded_or_empty(meta, expected):
    assert sections(meta) == expected
