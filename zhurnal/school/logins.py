"""Teachers' logins: the names of their own inbox folders (``inbox/<login>/``).

A login is typed by the sysadmin in the setup's «Учителя» sheet, or made from the full name:
the surname transliterated (GOST R 52535.1-2006 / ICAO, as in Russian passports) and the
initials, «Иванова Мария Петровна» → ``ivanova.mp``.
"""

from __future__ import annotations

import re

_LATIN = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                  ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "i", "k", "l", "m", "n", "o", "p",
                   "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch", "ie", "y", "", "e", "iu", "ia"]))
LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def transliterate(text: str) -> str:
    """Lower-case Latin letters for Russian text (others kept if Latin letters or digits)."""
    out = []
    for char in text.lower():
        if char in _LATIN:
            out.append(_LATIN[char])
        elif char.isascii() and (char.isalnum() or char in "-"):
            out.append(char)
    return "".join(out)


def default_login(full_name: str) -> str:
    """``surname.initials`` from «Фамилия Имя Отчество» (``surname`` alone for one word)."""
    parts = full_name.replace("ё", "е").split()
    if not parts:
        return ""
    surname = transliterate(parts[0])
    initials = "".join(transliterate(p[0]) for p in parts[1:3])
    return f"{surname}.{initials}" if initials else surname


def is_login(text: str) -> bool:
    """A login makes a safe folder name: Latin letters, digits, ``. _ -``, not starting with a dot."""
    return bool(LOGIN.match(text))
