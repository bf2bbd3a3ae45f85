"""Finding what a person typed on the command line among the setup's names, and the one order
classes are listed in.

People type «5a» or «5A» (Latin letters that look Cyrillic) for «5А», a teacher's name in any
case: each lookup forgives that and raises a named :class:`~zhurnal.core.errors.UsageError` listing
what exists when nothing matches.
"""

from __future__ import annotations

import re
from typing import Iterable

from zhurnal.core.errors import UnknownClass, UnknownSubject, UnknownTeacher

# Latin letters that look like Cyrillic ones, as keyboards in a school mix them
_LOOKALIKES = str.maketrans("ABCEHKMOPTXYabcehkmoptxy", "АВСЕНКМОРТХУАВСЕНКМОРТХУ")
_CLASS = re.compile(r"^\s*(\d+)\s*(.*?)\s*$")


def class_sort_key(code: str) -> tuple[int, str]:
    """Natural class order: 1А < 2Б < 10А < 11Б (the grade as a number, then the letter);
    a code without a leading number sorts after every numbered one."""
    found = _CLASS.match(code or "")
    if not found:
        return (10**6, code or "")
    return (int(found.group(1)), found.group(2).upper())


def sorted_classes(codes: Iterable[str]) -> list[str]:
    return sorted(codes, key=class_sort_key)


def _class_form(text: str) -> str:
    return re.sub(r"[\s\-]", "", text.translate(_LOOKALIKES)).upper().replace("Ё", "Е")


def find_class(text: str, known: Iterable[str]) -> str:
    """The class code as the setup spells it for ``text`` («5a», «5A», «5 а» → «5А»);
    :class:`UnknownClass` (listing the classes) when none matches."""
    codes = list(known)
    wanted = _class_form(text)
    for code in codes:
        if _class_form(code) == wanted:
            return code
    raise UnknownClass(text, sorted_classes(codes))


def _name_form(text: str) -> str:
    return " ".join(text.split()).casefold().replace("ё", "е")


def _find_name(text: str, known: Iterable[str]) -> str | None:
    wanted = _name_form(text)
    return next((name for name in known if _name_form(name) == wanted), None)


def find_teacher(text: str, known: Iterable[str]) -> str:
    """The teacher's full name as the setup spells it (case and spacing forgiven);
    :class:`UnknownTeacher` otherwise."""
    names = sorted(known)
    found = _find_name(text, names)
    if found is None:
        raise UnknownTeacher(text, names)
    return found


def find_subject(text: str, known: Iterable[str]) -> str:
    """The subject as the setup spells it (case and spacing forgiven); :class:`UnknownSubject` otherwise."""
    names = sorted(known)
    found = _find_name(text, names)
    if found is None:
        raise UnknownSubject(text, names)
    return found
