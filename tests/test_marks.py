"""What a teacher types into a journal cell, read: a literal table of inputs and the cell or
finding code each must give (zhurnal.school.marks.read_cell, mark_values)."""

from __future__ import annotations

import datetime as dt

import pytest

from zhurnal.school.marks import BadMark, Cell, allowed_values, mark_values, read_cell, suggested_mark, suggested_pass


@pytest.mark.parametrize("raw, marks, presence", [
    (None, "", ""), ("", "", ""), ("   ", "", ""),
    ("5", "5", ""), (5, "5", ""), (5.0, "5", ""), ("5.0", "5", ""), ("5,00", "5", ""), (" 4 ", "4", ""),
    ("1", "1", ""), (1, "1", ""),
    ("4+", "4+", ""), ("5-", "5-", ""), (-4, "4-", ""), (-4.0, "4-", ""), (-1, "1-", ""),
    ("5/4", "5/4", ""), ("5 / 4", "5/4", ""), ("5+/4-", "5+/4-", ""),
    ("н", "", "н"), ("Н", "", "н"), ("h", "", "н"), ("H", "", "н"), ("n", "", "н"), ("нб", "", "н"), ("НБ", "", "н"),
    ("оп", "", "оп"), ("op", "", "оп"), ("ОП", "", "оп"),
    ("оп 5", "5", "оп"), ("оп5", "5", "оп"), ("5 оп", "5", "оп"), ("5оп", "5", "оп"), ("op 4/3", "4/3", "оп"), ("OP", "", "оп"),
    ("оп\t\n4", "4", "оп"),
])
def test_what_is_typed_is_read(raw, marks, presence):
    assert read_cell(raw) == Cell(marks=marks, presence=presence)


@pytest.mark.parametrize("raw, marks, presence", [
    ("зач", "зач", ""), ("ЗАЧ", "зач", ""), ("незач", "незач", ""), ("Незач", "незач", ""),
    ("н", "", "н"), ("оп зач", "зач", "оп"), ("незач оп", "незач", "оп"), ("зач/незач", "зач/незач", ""),
])
def test_pass_fail_subjects(raw, marks, presence):
    assert read_cell(raw, scale="pass") == Cell(marks=marks, presence=presence)


@pytest.mark.parametrize("raw, code, kwargs", [
    ("6", "mark-out-of-scale", {}), ("0", "mark-out-of-scale", {}), (6, "mark-out-of-scale", {}),
    ("10", "mark-out-of-scale", {}), ("зач", "mark-out-of-scale", {}), ("5", "mark-out-of-scale", {"scale": "pass"}),
    ("отл", "mark-invalid", {}), ("5++", "mark-invalid", {}), ("+5", "mark-invalid", {}), ("h5x", "mark-invalid", {}),
    ("н 5", "mark-with-absence", {}), ("5н", "mark-with-absence", {}), ("нб4", "mark-with-absence", {}),
    ("5/", "mark-double-malformed", {}), ("/4", "mark-double-malformed", {}), ("5/4/3", "mark-double-malformed", {}),
    ("4+", "mark-modifier-not-allowed", {"allow_plus_minus": False}),
    (-4, "mark-modifier-not-allowed", {"allow_plus_minus": False}),
    ("5/4-", "mark-modifier-not-allowed", {"allow_plus_minus": False}),
    (4.5, "mark-converted-to-number", {}), (-3.5, "mark-converted-to-number", {}),
    (dt.date(2026, 5, 4), "mark-converted-to-date", {}), (dt.datetime(2026, 4, 5), "mark-converted-to-date", {}),
])
def test_what_cannot_be_read_has_its_code(raw, code, kwargs):
    with pytest.raises(BadMark) as caught:
        read_cell(raw, **kwargs)
    assert caught.value.code == code and str(caught.value) == code


def test_a_bad_mark_is_raised_every_time_not_cached_away():
    for _ in range(2):
        with pytest.raises(BadMark):
            read_cell("7")


def test_latin_lookalikes_only_as_whole_codes():
    assert read_cell("op") == Cell(presence="оп")
    with pytest.raises(BadMark) as caught:
        read_cell("ох")           # not a code even with Latin letters made Cyrillic
    assert caught.value.code == "mark-invalid"


def test_cell_helpers():
    import dataclasses
    with pytest.raises(dataclasses.FrozenInstanceError):
        Cell().marks = "5"                      # a read cell is a value (cached by _read_text)
    assert {Cell("5"): 1}[Cell(marks="5")] == 1
    assert Cell().empty and not Cell(marks="5").empty and not Cell(presence="н").empty
    assert Cell(marks="5/4", presence="оп").shown() == "оп 5/4"
    assert Cell(marks="4").shown() == "4" and Cell(presence="н").shown() == "н" and Cell().shown() == ""


def test_allowed_values_in_words():
    assert allowed_values("pass") == "зач, незач, н, оп"
    assert allowed_values("5") == "1–5 (можно 4+, 5-), две отметки через дробь (5/4), н, оп"
    assert allowed_values("5", allow_plus_minus=False) == "1–5, две отметки через дробь (5/4), н, оп"


@pytest.mark.parametrize("marks, step, values", [
    ("", 0.0, []), ("5", 0.0, [5.0]), ("5/4", 0.0, [5.0, 4.0]), ("4+", 0.0, [4.0]), ("4+", 0.25, [4.25]),
    ("5-", 0.25, [4.75]), ("зач", 0.0, []), ("незач/3", 0.0, [3.0]), ("4-/3+", 0.5, [3.5, 3.5]),
])
def test_mark_values(marks, step, values):
    assert mark_values(marks, step) == values


def test_mark_values_count_a_modifier_as_nothing_unless_told():
    assert mark_values("4+/5-") == [4.0, 5.0]


@pytest.mark.parametrize("passed, failed, min_marks, result", [
    (0, 0, 0, "н/а"), (0, 0, 1, "н/а"), (1, 0, 0, "зач"), (0, 1, 0, "незач"), (1, 0, 2, "н/а"),
    (1, 1, 2, "зач"), (2, 1, 3, "зач"), (1, 2, 3, "незач"), (3, 0, 1, "зач"), (0, 3, 1, "незач"),
    (2, 2, 5, "н/а"), (2, 3, 5, "незач"), (3, 2, 5, "зач"), (2, 0, 1, "зач"),
])
def test_a_pass_fail_period_result_by_hand(passed, failed, min_marks, result):
    """«зач» when at least half of the marks are «зач»; н/а with fewer than ``min_marks`` or none."""
    assert suggested_pass(passed, failed, min_marks) == result


@pytest.mark.parametrize("average, count, result", [
    (None, 5, "н/а"), (4.8, 2, "н/а"), (4.8, 3, "5"), (4.5, 3, "5"), (4.49, 3, "4"),
    (3.5, 3, "4"), (3.49, 3, "3"), (2.5, 3, "3"), (2.49, 3, "2"), (1.0, 3, "2"),
    # shown to hundredths as people see it: 4.495 is «4,50» (so «5»), 4.4949 is «4,49»
    (4.495, 3, "5"), (4.4951, 3, "5"), (4.4949, 3, "4"), (3.4950000001, 3, "4"),
])
def test_a_suggested_period_mark_by_hand(average, count, result):
    assert suggested_mark(average, count, (4.5, 3.5, 2.5), 3) == result
