"""What a ``.xls`` holds before anyone parses it: a scan of its BIFF8 records and summary.

No full BIFF parser: the Workbook stream (opened with olefile) is walked record by record,
and only the records that carry a cell's row and column are looked at — value cells for each
sheet's extent, FORMULA for formula cells, MERGECELLS for merged ranges. The OLE summary gives
the last-saved time, so the staleness check covers .xls too. Record layouts: [MS-XLS] 2.4.
"""

from __future__ import annotations

import datetime as dt
import io
import struct

import olefile

from zhurnal.ingest.bounds import SheetFacts
from zhurnal.templates.spec import cell_ref

_HEADER = struct.Struct("<HH")
_ROW_COL = struct.Struct("<HH")
BOF, BOUNDSHEET, FORMULA, MERGECELLS, MULRK = 0x0809, 0x0085, 0x0006, 0x00E5, 0x00BD
# records whose body starts with the row and column of a cell holding a value
VALUE_CELLS = {0x0203, 0x00FD, 0x027E, 0x0205, 0x0204, 0x00D6, FORMULA}


class NotBiff(Exception):
    """The OLE file has no workbook stream that can be walked."""


def _sheet_name(body: bytes) -> tuple[int, str]:
    offset = struct.unpack_from("<I", body, 0)[0]
    count, flags = body[6], body[7] if len(body) > 7 else 0
    if flags & 1:
        name = body[8:8 + 2 * count].decode("utf-16-le", errors="replace")
    else:
        name = body[8:8 + count].decode("latin-1")
    return offset, name


def scan_records(stream: bytes) -> SheetFacts:
    """Extents (rows, cols), formula cells and merged ranges per sheet, from record headers."""
    facts = SheetFacts()
    sheets: dict[int, str] = {}
    current = None
    pos, end = 0, len(stream)
    while pos + 4 <= end:
        kind, size = _HEADER.unpack_from(stream, pos)
        body = stream[pos + 4:pos + 4 + size]
        if kind == BOF:
            current = sheets.get(pos)
            if current is not None:
                facts.extents.setdefault(current, (0, 0))
        elif kind == BOUNDSHEET and len(body) >= 8:
            offset, name = _sheet_name(body)
            sheets[offset] = name
        elif current is not None and len(body) >= 4:
            _cell_record(facts, current, kind, body)
        pos += 4 + size
    return facts


def _grow(facts: SheetFacts, sheet: str, row: int, col: int) -> None:
    rows, cols = facts.extents.get(sheet, (0, 0))
    facts.extents[sheet] = (max(rows, row + 1), max(cols, col + 1))


def _cell_record(facts: SheetFacts, sheet: str, kind: int, body: bytes) -> None:
    if kind in VALUE_CELLS:
        row, col = _ROW_COL.unpack_from(body, 0)
        _grow(facts, sheet, row, col)
        if kind == FORMULA:
            facts.formulas.setdefault(sheet, []).append(cell_ref(row, col))
    elif kind == MULRK and len(body) >= 6:
        row, first = _ROW_COL.unpack_from(body, 0)
        last = struct.unpack_from("<H", body, len(body) - 2)[0]
        _grow(facts, sheet, row, max(first, last))
    elif kind == MERGECELLS and len(body) >= 2:
        count = struct.unpack_from("<H", body, 0)[0]
        for index in range(min(count, (len(body) - 2) // 8)):
            r1, r2, c1, c2 = struct.unpack_from("<HHHH", body, 2 + 8 * index)
            facts.merged.setdefault(sheet, []).append(f"{cell_ref(r1, c1)}:{cell_ref(r2, c2)}")


def xls_facts(data: bytes) -> tuple[SheetFacts, dt.datetime | None]:
    """The record scan of an .xls and its last-saved time (UTC, naive; None when absent).

    Raises :class:`NotBiff` when the bytes are not an OLE file with a workbook stream.
    """
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                raise NotBiff("no Workbook stream")
            stream = ole.openstream(name).read()
            saved = _saved_time(ole)
    except (OSError, ValueError, struct.error, IndexError) as exc:
        raise NotBiff(str(exc) or type(exc).__name__) from exc
    return scan_records(stream), saved


def _saved_time(ole) -> dt.datetime | None:
    try:
        moment = ole.get_metadata().last_saved_time
    except Exception:  # a damaged summary stream only loses the saved time
        return None
    if not isinstance(moment, dt.datetime) or moment.year < 1990:
        return None
    return moment.replace(tzinfo=None, microsecond=0)
