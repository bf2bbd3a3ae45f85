"""Numbers and counted words as Russian readers expect them, from the locale's own rules (Babel,
CLDR data): ``4,55`` not ``4.55``, ``12 345`` with a no-break space, «1 ошибка», «3 ошибки»,
«5 ошибок». Every place that writes a number or a count into text people read (diaries,
report cards, mail, summaries) goes through here; numbers written into spreadsheet cells stay
numbers (the spreadsheet shows them in the reader's locale).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel import Locale
from babel.numbers import format_decimal as _babel_decimal

LOCALE = "ru"        # the workspace locale (``[school] locale``); only ru exists so far
MISSING = "—"


@lru_cache(maxsize=None)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


def format_decimal(value: float | int | None, places: int = 2, locale: str = LOCALE) -> str:
    """``value`` rounded half up to ``places`` decimals, always that many: ``4.546`` → «4,55»,
    ``4`` → «4,00», ``1234.5`` (places=1) → «1 234,5»; None → «—»."""
    if value is None:
        return MISSING
    return _formatted(str(value), places, locale)


@lru_cache(maxsize=8192)
def _formatted(value: str, places: int, locale: str) -> str:
    # kept: a week's diaries and summaries write the same few averages thousands of times, and
    # Babel parses the pattern again on every call
    pattern = "#,##0" + ("." + "0" * places if places > 0 else "")
    # half up, as marks are rounded at school (Babel alone rounds half to even: 4,545 → 4,54)
    exact = Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return _babel_decimal(exact, format=pattern, locale=_locale(locale))


def plural(count: int, one: str, few: str, many: str, locale: str = LOCALE) -> str:
    """The word form that goes with ``count`` by the locale's plural rule (CLDR): for ru
    1, 21 → ``one``; 2–4, 22–24 → ``few``; 0, 5–20, 25 → ``many``."""
    form = _locale(locale).plural_form(abs(count))
    return {"one": one, "few": few}.get(form, many)


def counted(count: int, one: str, few: str, many: str, locale: str = LOCALE) -> str:
    """«3 ошибки»: the number and its word form."""
    return f"{count} {plural(count, one, few, many, locale)}"
