"""A document as plain data: parts of numbered clauses and tables, written out by each format
(``.docx`` in :mod:`~zhurnal.docs.regulation`, HTML in :mod:`~zhurnal.docs.site`)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: list[tuple[str, ...]]
    caption: str = ""


@dataclass(frozen=True)
class Figure:
    """A picture (a PNG file) with its caption; its path is read when the document is typeset."""

    path: str
    caption: str


Item = str | Table | Figure


@dataclass
class Part:
    """A numbered section: its clauses are numbered «<part>.<n>.» in order (tables are not)."""

    title: str
    items: list[Item] = field(default_factory=list)

    def add(self, *items: Item) -> Part:
        self.items += items
        return self


@dataclass
class Document:
    title: str
    preamble: list[str] = field(default_factory=list)     # lines above the title (approval block)
    parts: list[Part] = field(default_factory=list)
    subtitle: str = ""
    school: str = ""

    def text(self) -> str:
        """Everything the document says, numbered as printed (for tests and the site's search)."""
        out = [*self.preamble, self.title]
        for n, part in enumerate(self.parts, 1):
            out.append(f"{n}. {part.title}")
            for clause, item in numbered(n, part):
                if isinstance(item, str):
                    out.append(f"{clause} {item}".strip())
                elif isinstance(item, Table):
                    out += [item.caption, " | ".join(item.header), *(" | ".join(r) for r in item.rows)]
                else:
                    out.append(item.caption)
        return "\n".join(out)


def numbered(n: int, part: Part) -> list[tuple[str, Item]]:
    """(«n.k.», clause) for each clause of ``part``, ('', table or figure) for the rest; a clause
    that starts with «— » is a list line under the clause before it, not numbered."""
    out: list[tuple[str, Item]] = []
    k = 0
    for item in part.items:
        if isinstance(item, str) and item.startswith("— "):
            out.append(("", item))
        elif isinstance(item, str):
            k += 1
            out.append((f"{n}.{k}.", item))
        else:
            out.append(("", item))
    return out


@dataclass
class Made:
    """What a ``zhurnal docs`` command wrote, and what it left out and why (one Russian line each:
    LibreOffice missing, a picture that could not be rendered). Leaving something out is not a
    failure: the documents are still written (exit 0)."""

    files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    ok: bool = True
    exit_code: int = 0

    def as_dict(self) -> dict:
        return {"ok": self.ok, "exit_code": self.exit_code, "files": self.files, "notes": self.notes}
