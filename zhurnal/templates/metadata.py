"""Template metadata kept in the hidden ``_zhurnal`` sheet, and its HMAC-SHA256 signature.

The sheet holds one ``key | value`` pair a row; complex values (sections) are JSON text, so
every value survives a round trip through Excel or LibreOffice as a plain string. ``key_id``
tells which key of the workspace keyring signed it, so "signed elsewhere" and "edited" are
told apart, and a workbook signed with a key retired by ``zhurnal keys rotate`` still verifies.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterable
from datetime import datetime, timezone

from zhurnal.core.keyring import key_id

META_SHEET = "_zhurnal"
SIGNATURE = "signature"


def _canonical(meta: dict[str, str]) -> bytes:
    body = {k: v for k, v in meta.items() if k != SIGNATURE}
    return json.dumps(body, sort_keys=True, ensure_ascii=False).encode()


def sign(meta: dict[str, str], secret: bytes) -> dict[str, str]:
    """``meta`` with ``key_id`` and ``signature`` added."""
    signed = {k: str(v) for k, v in meta.items() if k != SIGNATURE}
    signed["key_id"] = key_id(secret)
    signed[SIGNATURE] = hmac.new(secret, _canonical(signed), hashlib.sha256).hexdigest()
    return signed


def verify(meta: dict[str, str], keys: bytes | Iterable[bytes]) -> str | None:
    """None when ``meta`` is intact; else the finding code that says why it is not.

    ``keys`` is one secret or the workspace keyring; the signature's ``key_id`` picks the key.
    """
    candidates = [keys] if isinstance(keys, bytes) else list(keys)
    secret = next((s for s in candidates if key_id(s) == meta.get("key_id")), None)
    if secret is None:
        return "signed-by-other-workspace"
    expected = hmac.new(secret, _canonical(meta), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, meta.get(SIGNATURE, "")):
        return "metadata-tampered"
    return None


def new_metadata(*, kind: str, version: int, school: str, author: str,
                 sections: dict | None = None, **more: str) -> dict[str, str]:
    """The unsigned metadata of a freshly issued template."""
    meta = {
        "kind": kind,
        "version": str(version),
        "school": school,
        "author": author,
        "template_id": uuid.uuid4().hex,
        "issued": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "sections": json.dumps(sections or {}, ensure_ascii=False, sort_keys=True),
    }
    meta.update({k: str(v) for k, v in more.items()})
    return meta


def sections(meta: dict[str, str]) -> dict:
    """The decoded ``sections`` entry (empty when absent or unreadable)."""
    try:
        value = json.loads(meta.get("sections", "{}"))
    except json.JSONDecodeError:
        return {}
    return value if isinstance(value, dict) else {}
