"""E-mail addresses as a school types them, checked so that the address shown is the address
mail goes to.

A pattern (``something@something.tld``) let through addresses a mail library reads otherwise:
``director(x@evil.example)`` is shown on a slip while SMTP sends to bare ``director`` (the rest
is an RFC 5322 comment), and ``a"@b.ru`` opens a quoted string that swallows what follows.
Syntax is checked by ``email-validator`` (RFC 5321/5322/6531, no network: deliverability is not
asked), without quoted local parts; then the address must read back through the standard
library's header parser as exactly itself, with no display name.
"""

from __future__ import annotations

from email.utils import getaddresses

from email_validator import EmailNotValidError, validate_email

MAX_ADDRESS = 254        # RFC 5321 §4.5.3.1.3: the longest path, less the angle brackets


class AddressProblem(ValueError):
    """Why an address cannot be used: ``code`` is a finding code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def checked_address(text: str) -> str:
    """``text`` (already trimmed) as the address to store: lower case, the domain in its ASCII
    (IDNA) form. :class:`AddressProblem` ``email-not-ascii`` for letters outside ASCII before
    «@» (sending needs SMTPUTF8, which many servers refuse), ``email-invalid`` for anything
    else a mail program would not read as exactly this one address."""
    local = text.rsplit("@", 1)[0]
    if not local.isascii():
        raise AddressProblem("email-not-ascii")
    try:
        info = validate_email(text, check_deliverability=False, allow_smtputf8=False,
                              allow_quoted_local=False, allow_domain_literal=False, allow_display_name=False)
    except EmailNotValidError:
        raise AddressProblem("email-invalid") from None
    address = info.ascii_email.lower()
    if address != text.lower() and info.ascii_domain == info.domain:
        raise AddressProblem("email-invalid")   # the validator changed more than case or the IDNA form
    if len(address) > MAX_ADDRESS or getaddresses([address]) != [("", address)]:
        raise AddressProblem("email-invalid")
    return address
