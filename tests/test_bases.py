"""Which base a handed-in copy is merged against (zhurnal.merge.bases), on its own.

The store is an in-memory SQLite database made from the schema. Every expected base below was
worked out by hand from the rule in the module's text: a copy descends from an accepted copy of
the same template when it still holds at least half of what that copy set (changed from the
issue); it is merged against the one it holds most of, the latest accepted on a tie; a copy
saved before an accepted one cannot continue it; otherwise the issue is the base.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text

from zhurnal.merge import bases
from zhurnal.merge.bases import Merger, RecordedPlan, choose_base, forget_issue, issued_state, last_change
from zhurnal.merge.sync import Changes

T = "tmpl-7a"
DAY = dt.datetime(2026, 11, 27)
ISSUED = {"@lesson:1": True, "a": "5"}
# three copies of one teacher's journal, each saved later than the one it continues
A = {**ISSUED, "b": "4", "c": "3"}                          # sets b, c
B = {**A, "d": "5", "e": "2"}                               # continues A: sets b, c, d, e
C = {**B, "c": "4", "f": "5"}                               # continues B, corrects c
SAVED = {"A": DAY.replace(hour=10), "B": DAY.replace(hour=11), "C": DAY.replace(hour=12)}
COPIES = {"A": A, "B": B, "C": C}

# order handed in → the base each copy gets, in that order (by hand; "I" is the issue):
#   shares: B holds all of A (1.0); C holds b of A's b, c (0.5) and b, d, e of B's b, c, d, e
#   (0.75); a copy never continues one saved after it.
EXPECTED = {
    ("A", "B", "C"): ["I", "A", "B"],
    ("A", "C", "B"): ["I", "A", "A"],     # C holds half of A (the threshold itself); B skips C (saved later)
    ("B", "A", "C"): ["I", "I", "B"],     # A skips B; C: B's 0.75 beats A's 0.5
    ("B", "C", "A"): ["I", "B", "I"],
    ("C", "A", "B"): ["I", "I", "A"],
    ("C", "B", "A"): ["I", "I", "I"],
}


@pytest.fixture
def conn():
    engine = create_engine("sqlite://")
    bases.s.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO schools (id, code, name) VALUES (1, 'a', 'A'), (2, 'b', 'B')"))
        yield connection
    engine.dispose()


def issue(conn, state=ISSUED, template=T, school=1) -> None:
    bases.record_issue(conn, school, {"template_id": template, "kind": "journal", "week": "2026-W48"}, state, DAY)


_ids = itertools.count(1)


def accept(conn, state, saved_at, template=T, school=1, *, name="j.xlsx", author="Алексеева Н. В.",
           received_at=None, record=True) -> int:
    """A submission row and (``record``) its state, as RecordedPlan.apply records it."""
    sid = next(_ids)
    conn.execute(text(
        "INSERT INTO submissions (id, school_id, sha256, original_name, kind, template_id, author, received_at,"
        " saved_at, status, findings) VALUES (:id, :school, :sha, :name, 'journal', :t, :author, :rec, :saved,"
        " 'accepted', '[]')"), dict(id=sid, school=school, sha=f"sha{sid}", name=name, t=template, author=author,
                                    rec=received_at or DAY, saved=saved_at))
    if record:
        bases.record_state(conn, school, sid, template, state)
    return sid


@pytest.mark.parametrize("order", list(itertools.permutations("ABC")))
def test_copies_handed_in_in_every_order_get_the_base_worked_out_by_hand(conn, order):
    issue(conn)
    got = []
    for name in order:
        base = choose_base(conn, 1, T, COPIES[name], saved_at=SAVED[name])
        got.append(next((n for n, c in COPIES.items() if c == base), "I" if base == ISSUED else "?"))
        accept(conn, COPIES[name], SAVED[name])
    assert got == EXPECTED[order]


@pytest.mark.parametrize(("first", "second", "expected"), [("X", "Y", "Y"), ("Y", "X", "X")])
def test_on_a_tie_the_latest_accepted_copy_is_the_base(conn, first, second, expected):
    """Two parallel copies, X setting b and Y setting c; a third holds both (share 1.0 of each):
    it is merged against the one accepted last, whichever order they came in."""
    issue(conn)
    parallel = {"X": {**ISSUED, "b": "4"}, "Y": {**ISSUED, "c": "3"}}
    accept(conn, parallel[first], DAY.replace(hour=10))
    accept(conn, parallel[second], DAY.replace(hour=10))
    assert choose_base(conn, 1, T, {**ISSUED, "b": "4", "c": "3"}, saved_at=DAY.replace(hour=11)) == parallel[expected]


@pytest.mark.parametrize(("held", "expected_base"), [
    (2, "earlier"),      # 2 of 4 set cells: exactly half descends
    (1, "issue"),        # 1 of 4: a parallel copy
])
def test_half_of_what_a_copy_set_is_the_threshold_of_descent(conn, held, expected_base):
    issue(conn)
    earlier = {**ISSUED, "b": "4", "c": "3", "d": "5", "e": "2"}
    accept(conn, earlier, DAY.replace(hour=10))
    mine = {**ISSUED, **dict(list({"b": "4", "c": "3", "d": "5"}.items())[:held])}
    assert choose_base(conn, 1, T, mine, saved_at=DAY.replace(hour=11)) == (earlier if expected_base == "earlier"
                                                                              else ISSUED)


def test_a_cleared_cell_counts_as_set_and_markers_count_as_nothing(conn):
    """``a`` cleared (None: an empty cell, left out of the stored state) is something the earlier
    copy set; the ``@`` marker of a lesson the issue lacked is not."""
    issue(conn)
    earlier = {"@lesson:1": True, "@lesson:2": True, "b": "4"}            # a cleared, b set, a new lesson
    accept(conn, earlier, DAY.replace(hour=10))
    assert choose_base(conn, 1, T, {"@lesson:1": True, "b": "4"}, saved_at=DAY.replace(hour=11)) == earlier  # 2/2
    only_markers = {"@lesson:1": True, "@lesson:2": True, "a": "5"}
    assert bases._descends(only_markers, earlier, ISSUED) == 0.0                                # 0 of a, b
    assert bases._descends({}, ISSUED, ISSUED) == 0.0                                          # nothing set


def test_a_changed_issued_value_counts_as_set(conn):
    """The issue held a = 5; the earlier copy changed it to 4: that is what it set."""
    issue(conn)
    earlier = {**ISSUED, "a": "4"}
    accept(conn, earlier, DAY.replace(hour=10))
    assert choose_base(conn, 1, T, {**ISSUED, "a": "4", "b": "3"}, saved_at=DAY.replace(hour=11)) == earlier
    assert choose_base(conn, 1, T, ISSUED, saved_at=DAY.replace(hour=11)) == ISSUED


def test_a_copy_saved_at_the_same_second_may_continue_but_not_one_saved_earlier(conn):
    issue(conn)
    accept(conn, A, SAVED["A"])
    assert choose_base(conn, 1, T, B, saved_at=SAVED["A"]) == A
    assert choose_base(conn, 1, T, B, saved_at=SAVED["A"] - dt.timedelta(seconds=1)) == ISSUED
    assert choose_base(conn, 1, T, B) == A                              # the copy's saved time unknown


@pytest.mark.parametrize("other_first", [False, True])
def test_the_saved_time_compared_is_that_copys_own(conn, other_first):
    """X (saved 12:00) is accepted, and before or after it a copy of another template saved at
    9:00: a copy saved at 10:00 still cannot continue X."""
    issue(conn)
    if other_first:
        accept(conn, {"z": "1"}, DAY.replace(hour=9), template="other")
    accept(conn, A, SAVED["C"])
    if not other_first:
        accept(conn, {"z": "1"}, DAY.replace(hour=9), template="other")
    assert choose_base(conn, 1, T, B, saved_at=SAVED["A"]) == ISSUED


def test_an_accepted_copy_without_a_saved_time_is_a_candidate(conn):
    issue(conn)
    accept(conn, A, None)
    assert choose_base(conn, 1, T, B, saved_at=SAVED["B"]) == A


def test_only_the_same_template_and_school_are_candidates(conn):
    issue(conn)
    issue(conn, template="other")
    accept(conn, A, SAVED["A"], template="other")
    accept(conn, A, SAVED["A"], template="zzz")                 # sorts after T
    accept(conn, A, SAVED["A"], school=2)
    assert choose_base(conn, 1, T, B, saved_at=SAVED["B"]) == ISSUED
    assert issued_state(conn, 2, T) is None and choose_base(conn, 2, T, B) is None


def test_accepted_states_are_those_of_one_school_newest_first(conn):
    accept(conn, A, SAVED["A"], school=1)
    accept(conn, B, SAVED["B"], school=2)
    accept(conn, C, SAVED["C"], school=1)
    assert bases._accepted(conn, 1, T) == [(C, SAVED["C"]), (A, SAVED["A"])]
    assert bases._accepted(conn, 2, T) == [(B, SAVED["B"])]


def test_a_template_issued_before_bases_has_none_and_a_forgotten_issue_is_gone(conn):
    assert choose_base(conn, 1, T, A) is None
    issue(conn)
    issue(conn, template="kept")
    issue(conn, template="zz-kept")                                     # sorts after T
    issue(conn, template="theirs", school=2)
    assert issued_state(conn, 1, T) == ISSUED and issued_state(conn, 1, "theirs") is None
    forget_issue(conn, 2, T)                                            # another school's: nothing
    forget_issue(conn, 1, "theirs")
    assert issued_state(conn, 1, T) == issued_state(conn, 2, "theirs") == ISSUED
    forget_issue(conn, 1, T)
    assert issued_state(conn, 1, T) is None
    assert issued_state(conn, 1, "kept") == issued_state(conn, 1, "zz-kept") == issued_state(conn, 2, "theirs") == ISSUED


def test_a_state_is_stored_without_empty_cells_with_dates_as_text_and_keys_sorted(conn):
    bases.record_issue(conn, 1, {"template_id": T, "kind": "period", "period": "Q2", "author": "Б"},
                       {"ж": "пять", "a": None, "d": dt.date(2026, 11, 27)}, DAY)
    row = conn.execute(text("SELECT kind, author, label, state FROM issued_templates")).one()
    assert tuple(row) == ("period", "Б", "Q2", '{"d": "2026-11-27", "ж": "пять"}')


def test_last_change_names_the_newest_revision_of_that_school_entity_and_key_only(conn):
    old = accept(conn, A, None, name="old.xlsx", author="Первый", received_at=DAY.replace(hour=9))
    new = accept(conn, A, None, name="new.xlsx", author="Второй", received_at=DAY.replace(hour=10))
    other = accept(conn, A, None, name="other.xlsx", author="Третий", received_at=DAY.replace(hour=11))
    # in the order written: each later one differs from the asked (school 1, mark, k) in one part
    for sid, school, entity, key in [(old, 1, "mark", "k"), (other, 2, "mark", "k"), (new, 1, "mark", "k"),
                                     (other, 1, "mark", "k2"), (other, 1, "mark", "j"), (other, 1, "absence", "k")]:
        conn.execute(text("INSERT INTO revisions (school_id, submission_id, entity, key) VALUES (:s, :sid, :e, :k)"),
                     dict(s=school, sid=sid, e=entity, k=key))
    assert last_change(conn, 1, "mark", "k") == {"original_name": "new.xlsx", "author": "Второй",
                                                 "received_at": DAY.replace(hour=10)}
    assert last_change(conn, 2, "mark", "k")["original_name"] == "other.xlsx"
    assert last_change(conn, 1, "lesson", "k") is None


def test_a_revision_whose_submission_is_unknown_is_never_put_on_another_file(conn):
    accept(conn, A, None, name="first.xlsx")
    second = accept(conn, A, None, name="second.xlsx")
    for sid in (second, 0):                                  # the newest names submission 0: none
        conn.execute(text("INSERT INTO revisions (school_id, submission_id, entity, key) VALUES (1, :sid, 'mark', 'k')"),
                     {"sid": sid})
    assert last_change(conn, 1, "mark", "k")["original_name"] == "second.xlsx"


@pytest.mark.parametrize(("base", "mine", "theirs", "kept", "conflict"), [
    (None, "4", "5", "4", False),                 # no base recorded: the copy decides
    ({"k": "3"}, "4", "4", "4", False),           # both agree
    ({"k": "3"}, "3", "5", "5", False),           # the teacher left it: a later change stays
    ({"k": "3"}, "4", "3", "4", False),           # only the teacher changed it
    ({"k": "3"}, None, "3", None, False),         # the teacher cleared it
    ({"k": "3"}, "4", "5", "5", True),            # both changed it differently
    ({}, "4", "5", "5", True),                    # both filled an empty cell differently
])
def test_three_way_decisions(conn, base, mine, theirs, kept, conflict):
    merger = Merger(conn, 1, base)
    assert merger.value("k", mine, theirs, sheet="Журнал", cell="D7", entity="mark") == kept
    assert [f.where() for f in merger.findings] == ([("Журнал", "D7", "merge-conflict")] if conflict else [])


def test_a_conflict_names_the_stored_value_and_who_set_it(conn):
    sid = accept(conn, A, None, name="алгебра 7А.xlsx", author="Алексеева Н. В.", received_at=dt.datetime(2026, 11, 26, 9, 5))
    conn.execute(text("INSERT INTO revisions (school_id, submission_id, entity, key) VALUES (1, :sid, 'mark', 'rk')"),
                 {"sid": sid})
    merger = Merger(conn, 1, {"k": "3"})
    assert merger.value("k", True, "", sheet="S", cell="A1", entity="mark", revision_key="rk") == ""
    [found] = merger.findings
    assert found.value == "да"
    assert "«пусто» (из книги «алгебра 7А.xlsx», Алексеева Н. В., 26.11.2026 09:05)" in found.message
    merger.value("k", False, None, sheet="S", cell="A2", entity="mark")          # no revision under "k"
    assert merger.findings[1].value == "нет"
    assert "«пусто» (из книги «—», —, —)" in merger.findings[1].message
    merger.value("k", 4, 5, sheet="S", cell="A3", entity="mark")
    assert merger.findings[2].value == "4" and "«5»" in merger.findings[2].message


@dataclass(kw_only=True)
class _Plan(RecordedPlan):
    wrote: int = 0

    def write(self, conn, school_id, submission_id) -> Changes:
        self.wrote += 1
        return Changes(inserted=3)


@pytest.mark.parametrize(("template_id", "recorded"), [(T, 1), ("", 0)])
def test_a_plan_records_its_state_only_with_a_template(conn, template_id, recorded):
    sid = accept(conn, A, None, record=False)
    plan = _Plan(template_id=template_id, state={"b": "4"})
    changes = plan.apply(conn, 1, sid)
    assert plan.wrote == 1 and changes == Changes(inserted=3)
    rows = conn.execute(text("SELECT template_id, state FROM submission_states")).all()
    assert [tuple(r) for r in rows] == ([(T, '{"b": "4"}')] if recorded else [])


def test_the_base_class_plan_has_no_write():
    with pytest.raises(NotImplementedError):
        RecordedPlan().write(None, 1, 1)
