"""Small rule helpers shared by the workbook kinds: duplicate keys and references by name."""

from __future__ import annotations

from collections.abc import Iterable

from zhurnal.core.findings import Finding, finding
from zhurnal.validate.normalize import match_key
from zhurnal.validate.table import Row


def duplicate_keys(rows: Iterable[Row], keys: tuple[str, ...], *, yo_as_ye: bool = False
                   ) -> list[Finding]:
    """A ``duplicate-key`` finding at every repeat of the same key (first one is kept)."""
    seen: dict[tuple, int] = {}
    found = []
    for row in rows:
        values = tuple(row.values.get(k) for k in keys)
        if all(v is None for v in values):
            continue
        key = tuple(match_key(v or "", yo_as_ye) for v in values)
        if key in seen:
            found.append(finding("duplicate-key", **row.at(keys[-1]),
                                 value=" / ".join(str(v or "") for v in values),
                                 first_row=seen[key]))
        else:
            seen[key] = row.number
    return found


class Names:
    """Canonical spellings of one kind of name (classes, subjects…), looked up leniently."""

    def __init__(self, names: Iterable[str], yo_as_ye: bool = False) -> None:
        self.yo_as_ye = yo_as_ye
        self.by_key = {}
        for name in names:
            self.by_key.setdefault(match_key(name, yo_as_ye), name)

    def __contains__(self, name: object) -> bool:
        return self.get(name) is not None

    def get(self, name: object) -> str | None:
        if name is None:
            return None
        return self.by_key.get(match_key(name, self.yo_as_ye))

    def resolve(self, row: Row, key: str, code: str, found: list[Finding]) -> str | None:
        """The canonical name in ``row[key]``, or None after adding ``code`` at its cell."""
        typed = row.values.get(key)
        if typed is None or typed == "":
            return typed
        canonical = self.get(typed)
        if canonical is None:
            found.append(finding(code, **row.at(key), value=typed))
            return None
        row.values[key] = canonical
        return canonical
