"""Did our own border server authenticate the sender? ``Authentication-Results`` (RFC 8601).

Anyone can write an ``Authentication-Results`` header into a message before sending it; only
the headers our own receiving server added can be believed. RFC 8601 §5 names them by the
authserv-id that opens each header (``mx.school17.ru; spf=pass …``), and a border server adds
its header above every header that came with the message, so only the *topmost* header whose
authserv-id is listed in ``[imap] trusted_authserv_ids`` counts (§7.1); every other one, and
one with no authserv-id at all (Exchange Online writes them so), is ignored.

In that header the message passes when it records

- ``dmarc=pass`` (and no ``header.from`` other than the sender's domain), or
- ``dkim=pass`` whose signing domain (``header.d``, else the domain of ``header.i``) is the
  sender's domain or a parent of it by whole labels (``school17.ru`` for
  ``mail.school17.ru``; ``evilschool17.ru`` is not ``school17.ru``), or
- ``spf=pass`` whose ``smtp.mailfrom`` domain is aligned the same way;

and no ``dmarc=fail`` (the domain's owner refused it). ``softfail``, ``neutral``, ``none``,
``temperror`` … are not a pass. Syntax (RFC 8601 §2.2): method and result names in any case,
comments in parentheses anywhere (nested, escaped), spaces around ``=`` ``.`` ``/`` or none,
quoted values, a version after the authserv-id or a method, ``authserv-id; none``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

NOT_AUTHENTICATED = "not-authenticated"      # our border recorded results, none is a pass
NO_TRUSTED_HEADER = "no-trusted-auth"        # no header from our border at all

_QUOTED = r'"(?:[^"\\]|\\.)*"'
_AUTHSERV = re.compile(rf"\s*({_QUOTED}|[^\s\"=;()]+)(?:\s+\d+)?\s*\Z", re.S)
_METHOD = re.compile(r"\s*([A-Za-z0-9_-]+)\s*(?:/\s*\d+\s*)?=\s*([A-Za-z0-9_-]+)(.*)\Z", re.S)
_REASON = re.compile(rf"\breason\s*=\s*(?:{_QUOTED}|[^\s\";]+)", re.I)
_PROPERTY = re.compile(rf"([A-Za-z0-9_-]+)\s*\.\s*([A-Za-z0-9_-]+)\s*=\s*({_QUOTED}|[^\s\";]+)")


@dataclass(frozen=True)
class Result:
    """One ``method=result`` of a header with its properties (``{"header.d": "school17.ru"}``);
    names and results in lower case."""
    method: str
    result: str
    properties: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        said = " ".join(f"{k}={v}" for k, v in self.properties.items())
        return f"{self.method}={self.result}" + (f" {said}" if said else "")


@dataclass(frozen=True)
class Verdict:
    """``ok``; else ``reason`` (NOT_AUTHENTICATED or NO_TRUSTED_HEADER) and ``detail``, what our
    border recorded (``mx.school17.ru: spf=fail smtp.mailfrom=…``) for the sysadmin."""
    ok: bool
    reason: str = ""
    detail: str = ""


def _segments(value: str) -> list[str]:
    """``value`` split at ``;`` outside quoted strings, comments replaced by a space."""
    parts, current, depth, quoted, escaped = [], [], 0, False, False
    for char in value:
        if escaped:
            escaped = False
            if depth == 0:
                current.append(char)
            continue
        if char == "\\" and (quoted or depth):
            escaped = True
            if depth == 0:
                current.append(char)
        elif quoted:
            current.append(char)
            quoted = char != '"'
        elif char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if not depth:
                current.append(" ")
        elif depth:
            continue
        elif char == '"':
            quoted = True
            current.append(char)
        elif char == ";":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def parse(value: str) -> tuple[str, list[Result]] | None:
    """One header's value → (authserv-id in lower case, its results); None when it does not
    open with an authserv-id. ``authserv-id; none`` gives no results."""
    first, *rest = _segments(value)
    opening = _AUTHSERV.match(first)
    if not opening:
        return None
    results = []
    for segment in rest:
        method = _METHOD.match(segment)
        if not method:
            continue                                  # "none", or something we cannot read
        tail = _REASON.sub(" ", method.group(3))
        properties = {f"{p.lower()}.{n.lower()}": _unquote(v) for p, n, v in _PROPERTY.findall(tail)}
        results.append(Result(method.group(1).lower(), method.group(2).lower(), properties))
    return _unquote(opening.group(1)).strip().lower(), results


def _domain(value: str) -> str:
    return value.strip().strip("<>").rsplit("@", 1)[-1].strip().rstrip(".").lower()


def aligned(found: str, domain: str) -> bool:
    """``found`` is ``domain`` or a parent of it by whole labels, and has two labels at least."""
    found = _domain(found)
    return bool(found) and "." in found and (found == domain or domain.endswith("." + found))


def _passes(result: Result, domain: str) -> bool:
    if result.result != "pass":
        return False
    props = result.properties
    if result.method == "dmarc":
        return _domain(props.get("header.from", domain)) == domain
    if result.method == "dkim":
        return aligned(props.get("header.d") or props.get("header.i", ""), domain)
    if result.method == "spf":
        return aligned(props.get("smtp.mailfrom", ""), domain)
    return False


def verdict(headers: list[str], sender: str, trusted: tuple[str, ...] | list[str]) -> Verdict:
    """Judge a message from ``sender`` by its ``Authentication-Results`` header values, topmost
    first (as they stand in the message), believing only authserv-ids in ``trusted``."""
    domain = _domain(sender)
    trusted = {t.strip().lower() for t in trusted}
    for header in headers:
        parsed = parse(header)
        if parsed is None or parsed[0] not in trusted:
            continue
        authserv, results = parsed                    # the topmost trusted one; the rest ignored
        detail = f"{authserv}: " + ("; ".join(map(str, results)) or "none")
        if any(r.method == "dmarc" and r.result == "fail" for r in results):
            return Verdict(False, NOT_AUTHENTICATED, detail)
        if any(_passes(r, domain) for r in results):
            return Verdict(True)
        return Verdict(False, NOT_AUTHENTICATED, detail)
    return Verdict(False, NO_TRUSTED_HEADER,
                   "no Authentication-Results from " + (", ".join(sorted(trusted)) or "a trusted server"))
