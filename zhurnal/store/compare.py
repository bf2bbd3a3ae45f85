"""One school's store as natural-key-normalised rows, table by table: to compare two stores
(SQLite against PostgreSQL, a store against its copy) whatever ids each gave its rows.

Normalised:

- generated ids (``students``, ``parents``, ``lessons``, ``submissions``, ``revisions``,
  ``period_events``, ``year_events``, ``schools``) are dropped and every reference to one is replaced by the
  row's natural key: a student by class/full name, a parent by full name/e-mail or phone, a
  lesson by class/subject/subgroup/date/lesson no, a submission by file/kind/author/status/week;
  the ids inside revision keys, revision old/new JSON, the ledger's Message-IDs (``.p<parent>.``,
  ``feedback.s<submission>.``) and the journal and register states (``…/<student>``) the same way;
- ``school_id`` is dropped (one school is compared);
- an empty value (NULL, or null in revision JSON) is left out, so a column that a newer
  migration added and nobody filled compares equal to an older store without it;
- with ``volatile``, columns that depend on the clock or on random template ids are dropped
  too (two runs of the same code then compare equal): ``submissions.saved_at`` (openpyxl
  stamps the real time), ``sha256`` and ``template_id`` (a template carries a fresh uuid),
  ``mail_ledger.updated_at``, ``period_events.at``, ``year_events.at``, issued templates' ids and times; a
  submission's findings keep (file, sheet, cell, code, severity), not the message, whose text
  may quote a saved time; feedback mail's ``message_id`` and digest (a hash of workbook bytes
  that hold save times).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter

from sqlalchemy import Connection, Select, inspect, select

from zhurnal.store import schema as s
from zhurnal.store.revision_keys import translate_key

ID_TABLES = {"students", "parents", "lessons", "submissions", "revisions", "period_events", "schools",
             "fetched_mail", "year_events", "class_notes"}
VOLATILE = {
    "submissions": {"saved_at", "sha256", "template_id"},
    "mail_ledger": {"updated_at"},
    "period_events": {"at"},
    "year_events": {"at"},
    "issued_templates": {"template_id", "issued_at"},
    "submission_states": {"template_id"},
    "access_slips": {"printed_at"},
}
SHOWN = 10


def school_query(conn: Connection, table, school_id: int) -> Select:
    """The select of the school's rows of ``table`` (the columns this store has: an older
    schema may lack some)."""
    have = {c["name"] for c in inspect(conn).get_columns(table.name)}
    columns = [c for c in table.columns if c.name in have]
    return select(*columns).where(table.c.id == school_id if table is s.schools else table.c.school_id == school_id)


def school_rows(conn: Connection, table, school_id: int) -> list[dict]:
    """The school's rows of ``table`` as dicts."""
    return [dict(r) for r in conn.execute(school_query(conn, table, school_id)).mappings()]


class Keys:
    """Natural keys for the generated ids of one school's store."""

    def __init__(self, rows: dict[str, list[dict]]) -> None:
        self.student = {r["id"]: f"{r['class_code']}/{r['full_name']}" for r in rows.get("students", [])}
        self.parent = {r["id"]: f"{r['full_name']}/{r['email'] or r['phone'] or ''}" for r in rows.get("parents", [])}
        self.lesson = {r["id"]: "/".join(str(r[k]) for k in ("class_code", "subject", "subgroup", "date", "lesson_no"))
                       for r in rows.get("lessons", [])}
        self.submission = {r["id"]: "/".join(str(r[k] or "") for k in ("original_name", "kind", "author", "status", "week"))
                           for r in rows.get("submissions", [])}
        self.template_kind = {r["template_id"]: r["kind"] for r in rows.get("issued_templates", [])}

    def of(self, column: str, value):
        table = {"student_id": self.student, "parent_id": self.parent, "lesson_id": self.lesson,
                 "submission_id": self.submission}.get(column)
        if table is None or value is None:
            return value
        try:
            return table.get(int(value), f"#{value}")
        except (TypeError, ValueError):
            return value

    def revision_key(self, entity: str, key: str) -> str:
        return translate_key(entity, key, lambda v: self.of("student_id", v), lambda v: self.of("parent_id", v))

    def revision_value(self, entity: str, text: str | None):
        if text is None:
            return None
        value = json.loads(text)
        if not isinstance(value, dict):
            return value
        value = {k: v for k, v in value.items() if k != "school_id"}
        if entity in ("students", "parents", "schools"):
            value.pop("id", None)
        return {k: self.of(k, v) for k, v in sorted(value.items()) if v is not None}

    def message_id(self, text: str) -> str:
        text = re.sub(r"\.p(\d+)\.", lambda m: f".p[{self.of('parent_id', m[1])}].", text)
        text = re.sub(r"^<pupil\.([^.]+)\.u(\d+)\.", lambda m: f"<pupil.{m[1]}.u[{self.of('student_id', m[2])}].", text)
        return re.sub(r"^<feedback\.s(\d+)\.", lambda m: f"<feedback.s[{self.of('submission_id', m[1])}].", text)

    def state(self, kind: str | None, text: str) -> dict:
        """A journal's or register's cell state with its student ids as natural keys."""
        found = {}
        for key, value in json.loads(text).items():
            parts = key.split("/")
            if kind == "journal" and not key.startswith("@") and "#" not in key and len(parts) == 6:
                key = "/".join(parts[:-1] + [str(self.of("student_id", parts[-1]))])
            elif kind == "journal" and "!" in key:                 # a remark: <lesson>!<student>
                lesson, _, pupil = key.rpartition("!")
                key = f"{lesson}!{self.of('student_id', pupil)}"
            elif kind == "attendance" and key.startswith("note:"):   # note:<class>/<student or 0>
                key = key if parts[-1] == "0" else f"{parts[0]}/{self.of('student_id', parts[1])}"
            elif kind == "attendance" and not key.startswith("@") and len(parts) == 2:
                key = f"{self.of('student_id', parts[0])}/{parts[1]}"
            found[key] = value
        return found


def _findings(text: str) -> list:
    try:
        found = json.loads(text or "[]")
    except json.JSONDecodeError:
        return [text]
    return sorted([f.get("file", ""), f.get("sheet", ""), f.get("cell", ""), f.get("code", ""),
                   f.get("severity", "")] for f in found)


def normalise(table: str, row: dict, keys: Keys, *, volatile: bool = True) -> dict:
    drop = {"school_id"} | (VOLATILE.get(table, set()) if volatile else set()) \
        | ({"id"} if table in ID_TABLES else set())
    if volatile and table == "mail_ledger" and row.get("kind") == "feedback":
        drop = drop | {"message_id", "digest"}
    out = {}
    for column, value in row.items():
        if column in drop or value is None:
            continue
        if table == "submissions" and column == "findings" and volatile:
            value = _findings(value)
        elif table == "revisions" and column == "key":
            value = keys.revision_key(row["entity"], value)
        elif table == "revisions" and column in ("old_value", "new_value"):
            value = keys.revision_value(row["entity"], value)
        elif table == "mail_ledger" and column == "message_id":
            value = keys.message_id(value)
        elif table == "issued_templates" and column == "state":
            value = keys.state(row["kind"], value)
        elif table == "submission_states" and column == "state":
            value = keys.state(keys.template_kind.get(row["template_id"]), value)
        else:
            value = keys.of(column, value)
        out[column] = value
    return out


def dump(conn: Connection, school_id: int, *, volatile: bool = True) -> dict[str, list[str]]:
    """Table → the school's normalised rows as sorted compact JSON lines (every table of the
    schema this store has)."""
    present = set(inspect(conn).get_table_names())
    rows = {t.name: school_rows(conn, t, school_id) for t in s.metadata.sorted_tables if t.name in present}
    keys = Keys(rows)
    return {t: sorted(json.dumps(normalise(t, r, keys, volatile=volatile), ensure_ascii=False, sort_keys=True,
                                 default=str) for r in found) for t, found in sorted(rows.items())}


def digests(dumped: dict[str, list[str]]) -> dict[str, str]:
    """Table → sha256 of its normalised rows (sorted, one a line)."""
    return {t: hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest() for t, lines in dumped.items()}


def compare(base: dict[str, list[str]], tree: dict[str, list[str]], *, new_tables_ok: bool = False
            ) -> tuple[bool, str]:
    """Equal table by table; with ``new_tables_ok`` a table only ``tree`` has (a migration the
    base does not know) is listed but does not count as a difference. (equal, report lines)."""
    lines, same = [], True
    for table in sorted(set(base) | set(tree)):
        if table not in base or table not in tree:
            same = same and new_tables_ok and table not in base
            lines.append(f"{table}: only in {'tree' if table not in base else 'base'} "
                         f"({len(tree.get(table, base.get(table, [])))} rows)")
            continue
        left, right = Counter(base[table]), Counter(tree[table])
        only_base, only_tree = list((left - right).elements()), list((right - left).elements())
        if not only_base and not only_tree:
            lines.append(f"{table}: equal ({len(base[table])} rows)")
            continue
        same = False
        lines.append(f"{table}: DIFFERENT ({len(base[table])} rows in base, {len(tree[table])} in tree; "
                     f"{len(only_base)} only in base, {len(only_tree)} only in tree)")
        lines += [f"  - {r}" for r in only_base[:SHOWN]] + [f"  + {r}" for r in only_tree[:SHOWN]]
    return same, "\n".join(lines)
