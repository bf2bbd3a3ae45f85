"""Plain-text tables for the terminal, and the labels every report shares."""

from __future__ import annotations

import textwrap

from zhurnal.text.labels import Kind, Severity, SubmissionStatus

WIDTH = 100      # a terminal's columns: wide tables wrap their cells to fit

# the labels come from the one catalogue, zhurnal.text.labels; these are its lookups
STATUSES = tuple(SubmissionStatus)


def kind_title(kind: str | None) -> str:
    """A workbook kind as people call it (``—``: none)."""
    return Kind.label_of(kind) if kind else "—"


def status_label(status: str) -> str:
    return SubmissionStatus.label_of(status)


def severity_label(severity: str) -> str:
    return Severity.label_of(severity)


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Columns as wide as their widest cell, two spaces apart, a rule under the headers."""
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows)] if rows else \
        [len(h) for h in headers]
    line = lambda values: "  ".join(str(v).ljust(w) for v, w in zip(values, widths)).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def fitted_table(headers: list[str], rows: list[list[str]], width: int = WIDTH, narrowest: int = 6) -> str:
    """:func:`table` no wider than ``width``: the widest column gives way first, and a cell longer
    than its column wraps onto the next lines of its row (one row per item, however many lines)."""
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows)] if rows else \
        [len(h) for h in headers]
    while sum(widths) + 2 * (len(widths) - 1) > width and max(widths) > narrowest:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    out = []
    for cells in [headers, ["-" * w for w in widths], *rows]:
        wrapped = [textwrap.wrap(str(c), w, break_long_words=True) or [""] for c, w in zip(cells, widths)]
        for n in range(max(len(w) for w in wrapped)):
            out.append("  ".join((w[n] if n < len(w) else "").ljust(size)
                                 for w, size in zip(wrapped, widths)).rstrip())
    return "\n".join(out)


def paths_text(paths) -> str:
    """One written file a line."""
    return "\n".join(str(p) for p in paths)
