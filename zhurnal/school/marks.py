"""Reading what a teacher types into a journal cell, and computing averages from marks.

A cell holds a presence code (``н`` absent, ``оп`` late), marks, or both where that makes
sense (a late student may be marked; an absent one may not). Marks are ``1``–``5`` with an
optional ``+``/``-`` where the school allows them, a double mark ``5/4``, or ``зач``/``незач``
for pass/fail subjects. What people really type is normalised when it is unambiguous:
``5.0``, `` 5 ``, Latin ``H``/``n`` and capital ``Н`` for ``н`` (whole codes only), and -4 for
``4-`` (what Excel makes of a typed ``4-``). A date in a mark cell is what Excel makes of
``5/4`` typed into a cell without the Text format; it is reported, not guessed.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

ABSENT, LATE = "н", "оп"
PASS_MARKS = ("зач", "незач")
_LATIN = str.maketrans({"h": "н", "n": "н", "o": "о", "p": "п", "c": "с", "a": "а", "e": "е", "x": "х"})
CODES = {ABSENT, LATE, "нб", *PASS_MARKS}
_NUMERIC = re.compile(r"^([1-9]\d*)(?:[.,]0+)?$")
_MARK = re.compile(r"^(?:(\d+)([+-]?)|(зач|незач))$")


class BadMark(ValueError):
    """A cell that cannot be read; ``code`` is the finding code."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Cell:
    """A journal cell read: ``marks`` joined by ``/`` (may be empty) and ``presence``."""

    marks: str = ""
    presence: str = ""

    @property
    def empty(self) -> bool:
        return not self.marks and not self.presence

    def shown(self) -> str:
        return " ".join(p for p in (self.presence, self.marks) if p)


def allowed_values(scale: str, allow_plus_minus: bool = True) -> str:
    """What a teacher may type in a cell of a subject with ``scale`` ("5" or "pass"), in words."""
    if scale == "pass":
        return "зач, незач, н, оп"
    return "1–5" + (" (можно 4+, 5-)" if allow_plus_minus else "") + ", две отметки через дробь (5/4), н, оп"


def _one_mark(token: str, scale: str, allow_plus_minus: bool) -> str:
    found = _MARK.match(token)
    if not found:
        raise BadMark("mark-invalid")
    digits, sign, word = found.groups()
    if word:
        if scale != "pass":
            raise BadMark("mark-out-of-scale")
        return word
    if scale != "5" or not 1 <= int(digits) <= 5:
        raise BadMark("mark-out-of-scale")
    if sign and not allow_plus_minus:
        raise BadMark("mark-modifier-not-allowed")
    return digits + sign


def _lookalikes(text: str) -> str:
    """Latin lookalike letters become Cyrillic only where the whole word then is a code
    (``h`` → ``н``, ``on`` → ``оп``), never letter by letter inside other text."""
    words = []
    for word in text.split(" "):
        translated = word.translate(_LATIN)
        words.append(translated if translated in CODES else word)
    return " ".join(words)


def _from_number(raw: float) -> object:
    """A number in a mark cell: an integral one is the mark; Excel turns a typed ``4-`` into
    -4, which is read back as ``4-`` (the only mark that gives -4); a fraction is no mark."""
    if not raw.is_integer():
        raise BadMark("mark-converted-to-number")
    if raw < 0:
        return f"{int(-raw)}-"
    return int(raw)


def _split_presence(text: str) -> tuple[str, str]:
    for code in (LATE, "нб", ABSENT):
        if text.startswith(code) and not text.startswith("незач"):
            return (ABSENT if code == "нб" else code), text[len(code):].strip()
        if text.endswith(code) and len(text) > len(code) and not text.endswith("незач"):
            return (ABSENT if code == "нб" else code), text[:-len(code)].strip()
    return "", text


def read_cell(raw: object, *, scale: str = "5", allow_plus_minus: bool = True) -> Cell:
    """The typed ``raw`` value of a journal cell; raises :class:`BadMark`."""
    if raw is None or raw == "":
        return Cell()
    if isinstance(raw, dt.date):
        # Excel and LibreOffice make a date of 5/4, 5.4 and 5-4 alike: which was typed is
        # not known, so the cell is reported with its cause rather than guessed.
        raise BadMark("mark-converted-to-date")
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raw = _from_number(float(raw))
    return _read_text(str(raw), scale, allow_plus_minus)


@functools.lru_cache(maxsize=4096)
def _read_text(raw: str, scale: str, allow_plus_minus: bool) -> Cell:
    # a week's journals hold tens of thousands of cells and a few dozen distinct values:
    # each is parsed once (a Cell is immutable; a BadMark is not cached and raised again)
    text = _lookalikes(re.sub(r"\s+", " ", raw).strip().lower())
    if not text:
        return Cell()
    numeric = _NUMERIC.match(text)
    if numeric:
        text = numeric.group(1)
    presence, rest = _split_presence(text)
    if presence == ABSENT and rest:
        raise BadMark("mark-with-absence")
    if not rest:
        return Cell(presence=presence)
    rest = rest.replace(" ", "")
    if "/" in rest:
        parts = rest.split("/")
        if len(parts) != 2 or not all(parts):
            raise BadMark("mark-double-malformed")
    else:
        parts = [rest]
    return Cell(marks="/".join(_one_mark(p, scale, allow_plus_minus) for p in parts), presence=presence)


def mark_values(marks: str, modifier_step: float = 0.0) -> list[float]:
    """The numbers a cell's marks count as (a double mark is two; зач/незач count as none)."""
    values = []
    for token in filter(None, marks.split("/")):
        if token in PASS_MARKS:
            continue
        value = float(token.rstrip("+-"))
        if token.endswith("+"):
            value += modifier_step
        elif token.endswith("-"):
            value -= modifier_step
        values.append(value)
    return values


def weighted_average(cells: list[tuple[str, float]], modifier_step: float = 0.0) -> tuple[float | None, int]:
    """Σ(w·m)/Σw over ``(marks, weight)`` pairs, and how many marks went into it."""
    total = weights = 0.0
    count = 0
    for marks, weight in cells:
        for value in mark_values(marks, modifier_step):
            total += weight * value
            weights += weight
            count += 1
    return (total / weights if weights else None), count


def suggested_mark(average: float | None, count: int, thresholds: tuple[float, float, float],
                   min_marks: int) -> str:
    """The period mark the school's thresholds give, or ``н/а`` with too few marks."""
    if average is None or count < min_marks:
        return "н/а"
    high, middle, low = thresholds
    # compare on the rounded hundredths people see, so 4.4999… shown as 4.50 gives 5
    shown = round(average + 1e-9, 2)
    return "5" if shown >= high else "4" if shown >= middle else "3" if shown >= low else "2"


def suggested_pass(passed: int, failed: int, min_marks: int) -> str:
    """The period result of a pass/fail subject from its «зач»/«незач» marks: ``н/а`` with fewer
    than ``min_marks`` of them, else «зач» when at least half are «зач», else «незач» (the
    school's rule for marks applied to pass/fail; the teacher's period mark overrides it)."""
    if passed + failed < min_marks or passed + failed == 0:
        return "н/а"
    return "зач" if passed >= failed else "незач"
