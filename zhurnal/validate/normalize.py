"""Turning what people really type into typed values, or saying why it cannot be done.

Unambiguous variants are accepted: trailing and doubled spaces, numbers stored as text,
``5.0`` for 5, decimal commas, dates typed as text (``01.09.2026``, ``1.9.26``, ISO), times
as ``8.30``, Excel date serials, «Да»/«ДА». Anything else raises :class:`BadValue` with the
finding code to report; nothing is silently dropped.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from zhurnal.core.filenames import without_format_controls
from zhurnal.templates.spec import Field, FieldType
from zhurnal.validate.addresses import MAX_ADDRESS, AddressProblem, checked_address

EXCEL_EPOCH = dt.date(1899, 12, 30)
_SPACES = re.compile(r"\s+")
_DATE_TEXT = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T].*)?$")
_TIME_TEXT = re.compile(r"^(\d{1,2})[:.](\d{2})(?::\d{2})?$")
_EMAIL = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,.]{2,}$")
_PHONE_CHARS = re.compile(r"^\+?[\d\s()\-]{5,}$")


class BadValue(Exception):
    """A value that cannot be read as its column's type: ``code`` and message parameters."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def clean_text(value: object) -> str:
    """Text with spaces folded; integral floats lose their ``.0`` (``7.0`` → ``7``)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return _SPACES.sub(" ", without_format_controls(str(value)).replace("\u00a0", " ")).strip()


def has_format_controls(value: object) -> bool:
    """True when ``value`` is text holding a character of Unicode category Cf (a bidi override,
    a zero-width space …): :func:`clean_text` drops them, the reader is warned at the cell."""
    return isinstance(value, str) and any(unicodedata.category(c) == "Cf" for c in value)


def match_key(text: object, yo_as_ye: bool = False) -> str:
    """The form two names are compared in: case and spaces ignored, ё=е when the school says so."""
    key = clean_text(text).casefold()
    return key.replace("ё", "е") if yo_as_ye else key


def to_name(value: object) -> str:
    text = clean_text(value)
    if text and (text.islower() or text.isupper()):
        text = "-".join(" ".join(w.capitalize() for w in part.split(" ")) for part in text.split("-"))
    return text


def to_number(value: object) -> float:
    if isinstance(value, bool):
        raise BadValue("invalid-number")
    if isinstance(value, (int, float)):
        return float(value)
    text = clean_text(value).replace(" ", "").replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise BadValue("invalid-number") from None


def to_int(value: object) -> int:
    number = to_number(value)
    if not number.is_integer():
        raise BadValue("invalid-number")
    return int(number)


def to_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 <= value <= 80000:  # an Excel serial whose date format was lost
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise BadValue("invalid-date")
    text = clean_text(value)
    found = _DATE_TEXT.match(text)
    try:
        if found:
            day, month, year = (int(g) for g in found.groups())
            year += 2000 if year < 100 else 0
            return dt.date(year, month, day)
        found = _ISO_DATE.match(text)
        if found:
            return dt.date(*(int(g) for g in found.groups()))
    except ValueError:
        pass
    raise BadValue("invalid-date")


def to_time(value: object) -> dt.time:
    if isinstance(value, dt.datetime):
        return value.time().replace(second=0, microsecond=0)
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, dt.timedelta):
        minutes = round(value.total_seconds() / 60)
        return dt.time(minutes // 60 % 24, minutes % 60)
    if isinstance(value, float) and 0 <= value < 1:
        minutes = round(value * 24 * 60)
        return dt.time(minutes // 60 % 24, minutes % 60)
    found = _TIME_TEXT.match(clean_text(value))
    if found:
        hours, minutes = int(found.group(1)), int(found.group(2))
        if hours < 24 and minutes < 60:
            return dt.time(hours, minutes)
    raise BadValue("invalid-time")


def to_choice(value: object, item: Field, yo_as_ye: bool) -> object:
    mapping = item.choices.mapping() if item.choices else {}
    if not mapping:  # the list is another sheet's column or an issue-time list: checked later
        return clean_text(value)
    typed = match_key(value, yo_as_ye)
    for label, stored in mapping.items():
        if match_key(label, yo_as_ye) == typed or match_key(stored, yo_as_ye) == typed:
            return stored
    raise BadValue("invalid-choice", allowed=", ".join(mapping))


def to_email(value: object) -> str:
    """An address every mail server takes, shown as it is sent (:mod:`zhurnal.validate.addresses`):
    a Cyrillic domain (почта.рф) in its ASCII form (IDNA, RFC 5891: xn--80a1acny.xn--p1ai);
    Cyrillic before «@» is ``email-not-ascii``; what does not look like an address at all is
    ``invalid-email``; comments, quotes and anything a mail program reads as another address are
    ``email-invalid``."""
    text = clean_text(value).replace("mailto:", "")
    if not _EMAIL.match(text):
        raise BadValue("invalid-email")
    try:
        return checked_address(text)
    except AddressProblem as problem:
        raise BadValue(problem.code) from None


def to_phone(value: object) -> str:
    """A Russian phone in the form +7XXXXXXXXXX (8… and 7… prefixes accepted)."""
    text = clean_text(value)
    if isinstance(value, float):
        text = str(int(value))
    if not _PHONE_CHARS.match(text):
        raise BadValue("invalid-phone")
    digits = re.sub(r"\D", "", text)
    if len(digits) == 10:
        digits = "7" + digits
    if len(digits) == 11 and digits[0] in "78":
        return "+7" + digits[1:]
    raise BadValue("invalid-phone")


def normalise(item: Field, value: object, *, yo_as_ye: bool = False) -> object:
    """The typed value of one non-blank cell of column ``item``; raises BadValue."""
    convert = _CONVERTERS.get(item.type)
    typed = convert(value) if convert else to_choice(value, item, yo_as_ye)
    limit = item.max_length or DEFAULT_MAX_LENGTH.get(item.type)
    if limit and isinstance(typed, str) and len(typed) > limit:
        raise BadValue("value-too-long", limit=limit, length=len(typed))
    return typed


# characters a free-text field takes when its store column sets no limit: room for any real value
# (the longest full names of several cultures run to ~150), none for a pasted page
DEFAULT_MAX_LENGTH = {FieldType.NAME: 500, FieldType.TEXT: 2000, FieldType.EMAIL: MAX_ADDRESS}

_CONVERTERS = {FieldType.TEXT: clean_text, FieldType.ID: clean_text, FieldType.NAME: to_name,
               FieldType.INT: to_int, FieldType.NUMBER: to_number, FieldType.DATE: to_date,
               FieldType.TIME: to_time, FieldType.EMAIL: to_email, FieldType.PHONE: to_phone}
