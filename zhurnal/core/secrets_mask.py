"""Hiding secrets in anything printed: messages, logs, ``--json`` (issue 12, item 4).

The store URL's password is masked by :func:`zhurnal.store.engine.masked`; SMTP and IMAP
logins and passwords come from the environment and are replaced here wherever they appear.
"""

from __future__ import annotations

import os

MASK = "***"


def mask_values(text: str, secrets: list[str | None]) -> str:
    """``text`` with every non-empty secret (longest first) replaced by ``***``."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def mask_env(text: str, *names: str) -> str:
    """``text`` with the values of the environment variables ``names`` replaced by ``***``."""
    return mask_values(text, [os.environ.get(name) for name in names])
