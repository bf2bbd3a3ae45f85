"""``zhurnal db copy``: one school's rows, every table (revisions, ledger, issued templates
included), from its store into another (a school's SQLite into the district's PostgreSQL).

The target's schema is made under the migration lock when it is empty (an older one is
refused: :class:`~zhurnal.store.engine.StoreOutdated`). The whole copy is one transaction on
the target, holding an advisory lock so that two copies cannot pick the same ids; a target
that already has the school's code is refused (:class:`SchoolExists`), so a copy is never
merged into a school.

Ids: each table with generated ids (schools, students, parents, lessons, submissions,
revisions, period_events, year_events, class_notes) keeps its ids when the target has no row of that table within the
school's id range; otherwise the whole table is shifted past the target's largest id (its
order kept, so history stays in order). The references are remapped with it: every
``school_id``, ``student_id``, ``parent_id``, ``lesson_id``, ``submission_id`` column (the
ledger's ``parent_id`` too), the ids inside revision keys and old/new JSON (students, parents,
guardianships, journal entries, absences, period marks), the ledger's Message-IDs
(``diary.<week>.p<parent>``, ``pupil.<week>.u<pupil>``, ``feedback.s<submission>``: so a rerun of publish does not mail
again), and the student ids in journal and register states (the bases of three-way merges).
Workbooks already handed out carry student ids in hidden cells: when students were remapped,
the school issues its current workbooks again (:class:`CopyResult` says so).

Verified before the transaction commits: per table, the row count and a digest of the rows
normalised by natural keys (:mod:`zhurnal.store.compare`, nothing dropped but ids) equal the
source's; otherwise :class:`CopyMismatch` and nothing is written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, func, insert, select, text

from zhurnal.store import schema as s
from zhurnal.store.compare import digests, dump, school_query
from zhurnal.store.engine import StoreError, open_store
from zhurnal.store.revision_keys import translate_key

COPY_LOCK = 0x7A68_7572_6E61_6C32       # the advisory lock two copies into one store share
ID_COLUMNS = {"schools": "id", "students": "id", "parents": "id", "lessons": "id", "submissions": "id",
              "revisions": "id", "period_events": "id", "fetched_mail": "id",
              "year_events": "id", "class_notes": "id"}
REFERENCES = {"school_id": "schools", "student_id": "students", "parent_id": "parents",
              "lesson_id": "lessons", "submission_id": "submissions"}
BATCH = 2000


class SchoolExists(StoreError):
    def __init__(self, code: str) -> None:
        super().__init__(f"the target store already holds school {code!r}; nothing was copied")
        self.code = code


class CopyMismatch(StoreError):
    def __init__(self, tables: list[str]) -> None:
        super().__init__(f"the copy differs from the source in {', '.join(tables)}; nothing was copied")
        self.tables = tables


@dataclass
class CopyResult:
    code: str
    school_id: int                                      # the school's id in the target
    counts: dict[str, int] = field(default_factory=dict)            # table → rows copied
    digests: dict[str, str] = field(default_factory=dict)           # table → sha256 of normalised rows
    remapped: list[str] = field(default_factory=list)               # tables whose ids were shifted

    @property
    def reissue(self) -> bool:
        """Workbooks handed out before the copy name students by ids that changed."""
        return "students" in self.remapped


class _Ids:
    """Old id → new id, per table with generated ids (a shift by a constant, or none)."""

    def __init__(self) -> None:
        self.shift: dict[str, int] = {}

    def new(self, table: str, value):
        if value is None or not self.shift.get(table):
            return value
        return int(value) + self.shift[table]

    def text(self, table: str, value: str) -> str:
        try:
            return str(self.new(table, int(value)))
        except ValueError:
            return value


def _plan_ids(source: Connection, target: Connection, school_id: int) -> _Ids:
    ids = _Ids()
    for name, column in ID_COLUMNS.items():
        table = s.metadata.tables[name]
        where = table.c.id == school_id if name == "schools" else table.c.school_id == school_id
        low, high = source.execute(select(func.min(table.c[column]), func.max(table.c[column])).where(where)).one()
        if low is None:
            continue
        taken = target.execute(select(func.count()).select_from(table)
                               .where(table.c[column].between(low, high))).scalar()
        if taken:
            top = target.execute(select(func.max(table.c[column]))).scalar() or 0
            ids.shift[name] = top + 1 - low
    return ids


def _revision_key(ids: _Ids, entity: str, key: str) -> str:
    return translate_key(entity, key, lambda v: ids.text("students", v), lambda v: ids.text("parents", v))


def _revision_value(ids: _Ids, entity: str, value: str | None) -> str | None:
    if value is None:
        return None
    data = json.loads(value)
    if not isinstance(data, dict):
        return value
    for column, table in REFERENCES.items():
        if column in data:
            data[column] = ids.new(table, data[column])
    if "id" in data and entity in ID_COLUMNS:
        data["id"] = ids.new(entity, data["id"])
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


def _state(ids: _Ids, kind: str | None, value: str) -> str:
    if not ids.shift.get("students") or kind not in ("journal", "attendance"):
        return value
    found = {}
    for key, cell in json.loads(value).items():
        parts = key.split("/")
        if kind == "journal" and not key.startswith("@") and "#" not in key and len(parts) == 6:
            key = "/".join(parts[:-1] + [ids.text("students", parts[-1])])
        elif kind == "journal" and "!" in key:                 # a remark: <lesson>!<student>
            lesson, _, pupil = key.rpartition("!")
            key = f"{lesson}!{ids.text('students', pupil)}"
        elif kind == "attendance" and key.startswith("note:"):   # a note: note:<class>/<student or 0>
            key = key if parts[-1] == "0" else f"{parts[0]}/{ids.text('students', parts[1])}"
        elif kind == "attendance" and not key.startswith("@") and len(parts) == 2:
            key = f"{ids.text('students', parts[0])}/{parts[1]}"
        found[key] = cell
    return json.dumps(found, ensure_ascii=False, sort_keys=True, default=str)


def _message_id(ids: _Ids, value: str) -> str:
    value = re.sub(r"\.p(\d+)\.", lambda m: f".p{ids.text('parents', m[1])}.", value)
    value = re.sub(r"^<pupil\.([^.]+)\.u(\d+)\.", lambda m: f"<pupil.{m[1]}.u{ids.text('students', m[2])}.", value)
    return re.sub(r"^<feedback\.s(\d+)\.", lambda m: f"<feedback.s{ids.text('submissions', m[1])}.", value)


def _remap(ids: _Ids, table: str, row: dict, template_kinds: dict[str, str]) -> dict:
    row = dict(row)
    if table in ID_COLUMNS:
        row[ID_COLUMNS[table]] = ids.new(table, row[ID_COLUMNS[table]])
    for column, target in REFERENCES.items():
        if column in row:
            row[column] = ids.new(target, row[column])
    if table == "revisions":
        row["key"] = _revision_key(ids, row["entity"], row["key"])
        row["old_value"] = _revision_value(ids, row["entity"], row["old_value"])
        row["new_value"] = _revision_value(ids, row["entity"], row["new_value"])
    elif table == "mail_ledger":
        row["message_id"] = _message_id(ids, row["message_id"])
    elif table == "issued_templates":
        row["state"] = _state(ids, row["kind"], row["state"])
    elif table == "submission_states":
        row["state"] = _state(ids, template_kinds.get(row["template_id"]), row["state"])
    return row


def copy_school(source: Engine, school_id: int, target_url: str) -> CopyResult:
    """Copy the school ``school_id`` of ``source`` into the store at ``target_url`` (see the
    module's text); raise :class:`SchoolExists`, :class:`CopyMismatch`, or the store's errors."""
    target = open_store(target_url)
    try:
        with source.connect() as src, target.begin() as dst:
            code = src.execute(select(s.schools.c.code).where(s.schools.c.id == school_id)).scalar_one()
            if target.dialect.name == "postgresql":
                dst.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": COPY_LOCK})
            if dst.execute(select(s.schools.c.id).where(s.schools.c.code == code)).first():
                raise SchoolExists(code)
            ids = _plan_ids(src, dst, school_id)
            result = CopyResult(code=code, school_id=ids.new("schools", school_id),
                                remapped=sorted(t for t, shift in ids.shift.items() if shift))
            template_kinds = dict(src.execute(select(s.issued_templates.c.template_id, s.issued_templates.c.kind)
                                              .where(s.issued_templates.c.school_id == school_id)).all())
            for table in s.metadata.sorted_tables:
                result.counts[table.name] = 0
                found = src.execution_options(yield_per=BATCH).execute(school_query(src, table, school_id))
                for part in found.mappings().partitions():      # a year's revisions need not fit in memory
                    dst.execute(insert(table), [_remap(ids, table.name, row, template_kinds) for row in part])
                    result.counts[table.name] += len(part)
            if target.dialect.name == "postgresql":
                for name, column in ID_COLUMNS.items():      # explicit ids leave the sequences behind
                    dst.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', '{column}'), "
                                     f"GREATEST((SELECT max({column}) FROM {name}), 1))"))
            mine, theirs = dump(src, school_id, volatile=False), dump(dst, result.school_id, volatile=False)
            result.digests = digests(mine)
            differ = sorted(t for t, d in digests(theirs).items()
                            if d != result.digests.get(t) or len(theirs[t]) != result.counts.get(t))
            if differ:
                raise CopyMismatch(differ)
        return result
    finally:
        target.dispose()
