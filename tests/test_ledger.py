"""The mail ledger on its own: which rows count as delivered, waiting or set aside.

The store is an in-memory SQLite database made from the schema; every expected value is a
literal, and rows are written and read back with plain SQL, not through the ledger."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import create_engine, text

from zhurnal.publish import ledger
from zhurnal.store import schema as s


@pytest.fixture
def conn():
    engine = create_engine("sqlite://")
    s.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO schools (id, code, name) VALUES (1, 'a', 'A'), (2, 'b', 'B')"))
        yield connection
    engine.dispose()


def put(conn, message_id: str, status: str, *, school: int = 1, parent: int | None = 7, week: str = "2026-W48",
        kind: str = "diary", digest: str | None = None, at: dt.datetime = dt.datetime(2026, 11, 28, 14, 0),
        content: str | None = None, attempts: int = 0) -> None:
    conn.execute(text(
        "INSERT INTO mail_ledger (school_id, message_id, kind, recipient, week, parent_id, digest, status, attempts,"
        " updated_at, content) VALUES (:school, :id, :kind, 'p@x.ru', :week, :parent, :digest, :status, :attempts,"
        " :at, :content)"), dict(school=school, id=message_id, kind=kind, week=week, parent=parent,
                                digest=digest or f"d-{message_id}", status=status, attempts=attempts, at=at,
                                content=content))


def row(conn, message_id: str) -> dict:
    return dict(conn.execute(text("SELECT status, attempts, response, content FROM mail_ledger WHERE message_id = :m"),
                             {"m": message_id}).mappings().one())


@pytest.mark.parametrize("status", ["queued", "refused", "failed", "superseded"])
def test_only_a_message_the_server_accepted_counts_as_delivered(conn, status):
    """A queued, refused, failed or superseded mail never reached the parent: a later publish
    must build it again (dropping ``status == "sent"`` would make it count as delivered)."""
    put(conn, "<m1>", status, digest="abc")
    assert ledger.last_delivered(conn, 1, 7, "2026-W48") is None
    assert ledger.last_sent_digest(conn, 1, 7, "2026-W48") is None


def test_the_last_delivered_is_the_newest_sent_row_of_that_parent_week_and_kind(conn):
    base = dt.datetime(2026, 11, 28, 14, 0)
    put(conn, "<old>", "sent", digest="old", at=base)
    put(conn, "<new>", "sent", digest="new", at=base + dt.timedelta(microseconds=5),
        content=json.dumps([{"name": "Иванов"}], ensure_ascii=False))
    put(conn, "<newer-queued>", "queued", digest="queued", at=base + dt.timedelta(hours=1))
    put(conn, "<other-parent>", "sent", parent=8, digest="p8", at=base + dt.timedelta(hours=2))
    put(conn, "<other-week>", "sent", week="2026-W49", digest="w49", at=base + dt.timedelta(hours=2))
    put(conn, "<other-kind>", "sent", kind="report", digest="rep", at=base + dt.timedelta(hours=2))
    put(conn, "<other-school>", "sent", school=2, digest="s2", at=base + dt.timedelta(hours=2))
    assert ledger.last_delivered(conn, 1, 7, "2026-W48") == {
        "message_id": "<new>", "digest": "new", "content": [{"name": "Иванов"}]}
    assert ledger.last_sent_digest(conn, 1, 7, "2026-W48") == "new"
    assert ledger.last_sent_digest(conn, 1, 8, "2026-W48") == "p8"
    assert ledger.last_sent_digest(conn, 1, 7, "2026-W49") == "w49"
    assert ledger.last_sent_digest(conn, 1, 7, "2026-W48", kind="report") == "rep"
    assert ledger.last_sent_digest(conn, 2, 7, "2026-W48") == "s2"
    assert ledger.last_sent_digest(conn, 1, 9, "2026-W48") is None


def test_a_row_without_content_gives_none_content(conn):
    put(conn, "<m>", "sent", digest="x")
    assert ledger.last_delivered(conn, 1, 7, "2026-W48") == {"message_id": "<m>", "digest": "x", "content": None}


def test_queue_writes_a_waiting_row_once(conn):
    ledger.queue(conn, 1, "<q>", kind="diary", recipient="p@x.ru", week="2026-W48", parent_id=7, digest="dg",
                 content=[{"б": 1, "a": "ё"}])
    found = dict(conn.execute(text("SELECT * FROM mail_ledger")).mappings().one())
    assert {k: found[k] for k in ("school_id", "message_id", "kind", "recipient", "week", "parent_id", "digest",
                                   "status", "attempts", "response")} == {
        "school_id": 1, "message_id": "<q>", "kind": "diary", "recipient": "p@x.ru", "week": "2026-W48",
        "parent_id": 7, "digest": "dg", "status": "queued", "attempts": 0, "response": None}
    assert found["content"] == '[{"a": "ё", "б": 1}]'     # sorted keys, Cyrillic kept as it is
    assert found["updated_at"] is not None
    ledger.mark(conn, "<q>", "sent", "250")
    ledger.queue(conn, 1, "<q>", kind="diary", recipient="other@x.ru", digest="changed")
    assert row(conn, "<q>")["status"] == "sent"
    assert conn.execute(text("SELECT COUNT(*), MAX(recipient), MAX(digest) FROM mail_ledger")).one() == (1, "p@x.ru", "dg")


def test_queue_without_content_stores_null(conn):
    ledger.queue(conn, 1, "<q>", kind="summary", recipient="d@x.ru")
    assert row(conn, "<q>") == {"status": "queued", "attempts": 0, "response": None, "content": None}


def test_a_superseded_message_queued_again_waits_again(conn):
    put(conn, "<s>", "superseded", attempts=2)
    ledger.queue(conn, 1, "<s>", kind="diary", recipient="p@x.ru")
    assert row(conn, "<s>")["status"] == "queued"
    assert row(conn, "<s>")["attempts"] == 2
    assert conn.execute(text("SELECT COUNT(*) FROM mail_ledger")).scalar() == 1


def test_mark_counts_attempts_and_keeps_500_characters_of_the_answer(conn):
    put(conn, "<m>", "queued")
    ledger.mark(conn, "<m>", "refused", "5" * 600)
    assert row(conn, "<m>")["attempts"] == 1 and row(conn, "<m>")["response"] == "5" * 500
    ledger.mark(conn, "<m>", "sent")
    assert row(conn, "<m>") == {"status": "sent", "attempts": 2, "response": "", "content": None}


def test_status_and_row_of(conn):
    put(conn, "<z>", "sent")          # written first, and sorting after the one asked for
    put(conn, "<m>", "failed")
    put(conn, "<a>", "queued")
    assert ledger.row_of(conn, "<m>")["message_id"] == "<m>"
    assert ledger.status_of(conn, "<m>") == "failed"
    assert ledger.status_of(conn, "<none>") is None
    assert ledger.row_of(conn, "<m>")["status"] == "failed"
    assert ledger.row_of(conn, "<none>") is None


def test_only_waiting_messages_are_superseded(conn):
    for status in ("queued", "refused", "failed", "sent", "superseded"):
        put(conn, f"<{status}>", status)
        ledger.supersede(conn, f"<{status}>")
    statuses = dict(conn.execute(text("SELECT message_id, status FROM mail_ledger")).all())
    assert statuses == {"<queued>": "superseded", "<refused>": "superseded", "<failed>": "superseded",
                        "<sent>": "sent", "<superseded>": "superseded"}


def test_pending_is_what_send_still_delivers_for_that_kind_and_week(conn):
    for status in ("queued", "refused", "failed", "sent", "superseded"):
        put(conn, f"<{status}>", status)
    put(conn, "<w49>", "queued", week="2026-W49")
    put(conn, "<report>", "queued", kind="report")
    put(conn, "<school2>", "queued", school=2)
    put(conn, "<no-parent>", "queued", parent=None)
    found = ledger.pending(conn, 1, "diary", "2026-W48")
    assert sorted(found, key=lambda r: r["message_id"]) == [
        {"message_id": "<failed>", "parent_id": 7, "student_id": None, "recipient": "p@x.ru"},
        {"message_id": "<no-parent>", "parent_id": None, "student_id": None, "recipient": "p@x.ru"},
        {"message_id": "<queued>", "parent_id": 7, "student_id": None, "recipient": "p@x.ru"},
        {"message_id": "<refused>", "parent_id": 7, "student_id": None, "recipient": "p@x.ru"}]


def test_by_file_name_names_the_outbox_file_of_each_school_message(conn):
    put(conn, "<diary.2026-W48.p7.abc@school17>", "sent")
    put(conn, "<summary.2026-W48@school17>", "queued")
    put(conn, "<elsewhere@b>", "queued", school=2)
    assert ledger.by_file_name(conn, 1) == {
        "diary.2026-W48.p7.abc_school17.eml": {"message_id": "<diary.2026-W48.p7.abc@school17>", "status": "sent",
                                               "refused_to": None},
        "summary.2026-W48_school17.eml": {"message_id": "<summary.2026-W48@school17>", "status": "queued",
                                          "refused_to": None}}


def test_each_call_keeps_to_its_own_rows_among_neighbours_on_every_side(conn):
    """Rows of a lower and a higher school, parent, week, kind and Message-ID around the one asked
    for: a query that compared with < or >= instead of = would take a neighbour."""
    conn.execute(text("INSERT INTO schools (id, code, name) VALUES (3, 'c', 'C')"))
    keys = [(school, parent, week, kind) for school in (1, 2, 3) for parent in (6, 7, 8)
            for week in ("2026-W47", "2026-W48", "2026-W49") for kind in ("diary", "feedback", "report")]
    for school, parent, week, kind in keys:
        put(conn, f"<{school}.{parent}.{week}.{kind}>", "sent", school=school, parent=parent, week=week, kind=kind)
    middle = "<2.7.2026-W48.feedback>"
    assert ledger.last_sent_digest(conn, 2, 7, "2026-W48", kind="feedback") == f"d-{middle}"
    assert ledger.status_of(conn, middle) == "sent" and ledger.row_of(conn, middle)["message_id"] == middle
    assert sorted(ledger.by_file_name(conn, 2)) == sorted(
        f"2.{p}.{w}.{k}.eml" for s_, p, w, k in keys if s_ == 2)
    conn.execute(text("UPDATE mail_ledger SET status = 'queued'"))
    assert sorted(r["message_id"] for r in ledger.pending(conn, 2, "feedback", "2026-W48")) == [
        "<2.6.2026-W48.feedback>", middle, "<2.8.2026-W48.feedback>"]
    ledger.mark(conn, "<2.7.2026-W49.diary>", "refused", "550")
    for message_id in ("<2.7.2026-W48.diary>", middle, "<2.7.2026-W48.report>"):
        ledger.supersede(conn, message_id)
    ledger.queue(conn, 2, middle, kind="feedback", recipient="x")       # only the middle one waits again
    changed = dict(conn.execute(text("SELECT message_id, status || '/' || attempts FROM mail_ledger "
                                     "WHERE status != 'queued' OR attempts != 0")).all())
    assert changed == {"<2.7.2026-W49.diary>": "refused/1", "<2.7.2026-W48.diary>": "superseded/0",
                       "<2.7.2026-W48.report>": "superseded/0"}


def test_queue_many_writes_new_rows_once_wakes_superseded_and_keeps_the_rest(conn):
    put(conn, "<sent>", "sent", digest="kept")
    put(conn, "<gone>", "superseded", attempts=1)
    put(conn, "<failed>", "failed", attempts=3)
    ledger.queue_many(conn, 1, [
        {"message_id": "<new>", "kind": "diary", "recipient": "a@x.ru", "week": "2026-W48", "parent_id": 5,
         "digest": "n", "content": [{"я": 1}]},
        {"message_id": "<new>", "kind": "diary", "recipient": "second@x.ru"},          # given twice: the first
        {"message_id": "<sent>", "kind": "diary", "recipient": "b@x.ru", "digest": "changed"},
        {"message_id": "<gone>", "kind": "diary", "recipient": "c@x.ru"},
        {"message_id": "<failed>", "kind": "diary", "recipient": "d@x.ru"},
        {"message_id": "<bare>", "kind": "summary", "recipient": "e@x.ru"}])
    rows = {r["message_id"]: dict(r) for r in conn.execute(text(
        "SELECT message_id, school_id, kind, recipient, week, parent_id, digest, status, attempts, content "
        "FROM mail_ledger")).mappings()}
    assert rows == {
        "<new>": {"message_id": "<new>", "school_id": 1, "kind": "diary", "recipient": "a@x.ru", "week": "2026-W48",
                  "parent_id": 5, "digest": "n", "status": "queued", "attempts": 0, "content": '[{"я": 1}]'},
        "<sent>": {"message_id": "<sent>", "school_id": 1, "kind": "diary", "recipient": "p@x.ru", "week": "2026-W48",
                   "parent_id": 7, "digest": "kept", "status": "sent", "attempts": 0, "content": None},
        "<gone>": {"message_id": "<gone>", "school_id": 1, "kind": "diary", "recipient": "p@x.ru", "week": "2026-W48",
                   "parent_id": 7, "digest": "d-<gone>", "status": "queued", "attempts": 1, "content": None},
        "<failed>": {"message_id": "<failed>", "school_id": 1, "kind": "diary", "recipient": "p@x.ru",
                     "week": "2026-W48", "parent_id": 7, "digest": "d-<failed>", "status": "failed", "attempts": 3,
                     "content": None},
        "<bare>": {"message_id": "<bare>", "school_id": 1, "kind": "summary", "recipient": "e@x.ru", "week": None,
                   "parent_id": None, "digest": None, "status": "queued", "attempts": 0, "content": None}}
    # the superseded row waits again from now: its time moved past the one it was written with
    assert conn.execute(text("SELECT updated_at FROM mail_ledger WHERE message_id = '<gone>'")).scalar() > \
        "2026-11-28 14:00:00"
    ledger.queue_many(conn, 1, [])
    assert conn.execute(text("SELECT COUNT(*) FROM mail_ledger")).scalar() == 5


def test_statuses_of_more_ids_than_one_query_takes(conn):
    """1,201 ids (three chunks of at most 500): every known one is found, unknown ones are left out."""
    for n in range(0, 1201, 2):
        put(conn, f"<m{n}>", ("sent", "queued", "failed")[n % 3])
    asked = [f"<m{n}>" for n in range(1201)] + ["<m0>"]
    assert ledger.statuses(conn, asked) == {f"<m{n}>": ("sent", "queued", "failed")[n % 3] for n in range(0, 1201, 2)}
    assert ledger.statuses(conn, []) == {}


def test_delivered_by_parent_and_sent_ids_keep_to_the_school_week_and_kind(conn):
    base = dt.datetime(2026, 11, 28, 14, 0)
    put(conn, "<p7-old>", "sent", digest="old", at=base)
    put(conn, "<p7-new>", "sent", digest="new", at=base + dt.timedelta(seconds=1), content='[{"a": 1}]')
    put(conn, "<p7-queued>", "queued", at=base + dt.timedelta(hours=1))
    put(conn, "<p8>", "sent", parent=8, digest="p8", at=base - dt.timedelta(hours=1))
    put(conn, "<p9-failed>", "failed", parent=9)
    put(conn, "<p9>", "sent", parent=9, digest="p9")
    put(conn, "<p7-superseded>", "superseded", at=base + dt.timedelta(hours=2))
    put(conn, "<other-week>", "sent", week="2026-W49", parent=6)
    put(conn, "<other-kind>", "sent", kind="report", parent=6)
    put(conn, "<other-school>", "sent", school=2, parent=6)
    assert ledger.delivered_by_parent(conn, 1, "2026-W48") == {
        7: {"message_id": "<p7-new>", "digest": "new", "content": [{"a": 1}]},
        8: {"message_id": "<p8>", "digest": "p8", "content": None},
        9: {"message_id": "<p9>", "digest": "p9", "content": None}}
    assert ledger.delivered_by_parent(conn, 1, "2026-W48", parent_id=8) == {
        8: {"message_id": "<p8>", "digest": "p8", "content": None}}
    assert ledger.delivered_by_parent(conn, 1, "2026-W48", "report") == {
        6: {"message_id": "<other-kind>", "digest": "d-<other-kind>", "content": None}}
    # the neighbours on the other side: a higher school and a later week, asked for
    assert ledger.delivered_by_parent(conn, 2, "2026-W48") == {
        6: {"message_id": "<other-school>", "digest": "d-<other-school>", "content": None}}
    assert ledger.delivered_by_parent(conn, 1, "2026-W49") == {
        6: {"message_id": "<other-week>", "digest": "d-<other-week>", "content": None}}
    assert ledger.sent_ids(conn, 1, "diary", "2026-W48") == {"<p7-old>", "<p7-new>", "<p8>", "<p9>"}
    assert ledger.sent_ids(conn, 1, "diary", "2026-W49") == {"<other-week>"}
    assert ledger.sent_ids(conn, 2, "diary", "2026-W48") == {"<other-school>"}
    assert ledger.sent_ids(conn, 1, "report", "2026-W48") == {"<other-kind>"}


def test_mark_keeps_the_refused_address_and_another_outcome_clears_it(conn):
    put(conn, "<m>", "queued")
    ledger.mark(conn, "<m>", "refused", "550 no", refused_to="p@x.ru")
    assert conn.execute(text("SELECT refused_to FROM mail_ledger")).scalar() == "p@x.ru"
    ledger.mark(conn, "<m>", "sent", "250")
    assert conn.execute(text("SELECT refused_to FROM mail_ledger")).scalar() is None


def test_addresses_are_compared_without_case_order_or_repeats():
    assert ledger.addresses(["B@x.ru", " a@x.ru", "b@X.RU"]) == "a@x.ru, b@x.ru"


def test_refused_addresses_names_the_school_s_refusals_oldest_first(conn):
    base = dt.datetime(2026, 11, 28, 14, 0)
    put(conn, "<late>", "refused", at=base + dt.timedelta(hours=1))
    put(conn, "<early>", "refused", at=base, parent=8, week="2026-W47", kind="feedback")
    put(conn, "<sent>", "sent")
    put(conn, "<uncertain>", "uncertain")
    put(conn, "<other-school>", "refused", school=2)
    conn.execute(text("UPDATE mail_ledger SET refused_to = 'old@x.ru', response = '550 no' WHERE message_id = '<late>'"))
    assert ledger.refused_addresses(conn, 1) == [
        {"message_id": "<early>", "kind": "feedback", "week": "2026-W47", "parent_id": 8, "address": "p@x.ru",
         "response": None},
        {"message_id": "<late>", "kind": "diary", "week": "2026-W48", "parent_id": 7, "address": "old@x.ru",
         "response": "550 no"}]


def test_by_file_name_gives_the_refused_address(conn):
    put(conn, "<m@s>", "refused")
    conn.execute(text("UPDATE mail_ledger SET refused_to = 'p@x.ru'"))
    assert ledger.by_file_name(conn, 1) == {"m_s.eml": {"message_id": "<m@s>", "status": "refused",
                                                        "refused_to": "p@x.ru"}}
