"""Did the receiving server authenticate the sender? ``Authentication-Results`` (RFC 8601).

A message counts as coming from ``user@domain`` when the school's own server recorded
``dkim=pass`` with ``header.d`` (or ``header.i``) of that domain, or ``spf=pass`` with
``smtp.mailfrom`` of that domain; a subdomain of it passes too (relaxed alignment, RFC 7489).
"""

from __future__ import annotations

import re

_RESULT = re.compile(r"\b(dkim|spf)\s*=\s*(\w+)", re.I)
_PROPERTY = re.compile(r"\b(header\.d|header\.i|smtp\.mailfrom)\s*=\s*\"?([^\s;\"]+)", re.I)


def _domain_of(value: str) -> str:
    return value.rsplit("@", 1)[-1].strip("<>").lower()


def _aligned(found: str, domain: str) -> bool:
    return found == domain or found.endswith("." + domain)


def authenticated(headers: list[str], sender: str) -> bool:
    """True when one of the ``Authentication-Results`` header values shows DKIM or SPF passing
    for the domain of ``sender``."""
    domain = _domain_of(sender)
    for header in headers:
        for method in header.split(";")[1:]:            # the first part is the server's id
            result = _RESULT.search(method)
            if not result or result.group(2).lower() != "pass":
                continue
            for _key, value in _PROPERTY.findall(method):
                if _aligned(_domain_of(value), domain):
                    return True
    return False
