"""Averages and suggested period marks against hand-computed cases."""

from __future__ import annotations

import pytest

from zhurnal.marks import mark_values, suggested_mark, weighted_average

DEFAULT = (4.5, 3.5, 2.5)
STRICT = (4.65, 3.65, 2.65)


def test_weights():
    average, count = weighted_average([("5", 2), ("3", 1)])
    assert round(average, 2) == 4.33 and count == 2          # (5·2 + 3·1) / 3
    average, count = weighted_average([("4", 5), ("5", 3), ("5", 1)])
    assert round(average, 2) == 4.44 and count == 3          # 40 / 9


def test_double_marks_count_twice():
    average, count = weighted_average([("5/4", 1), ("3", 1)])
    assert average == 4.0 and count == 3                     # (5 + 4 + 3) / 3
    average, count = weighted_average([("5/3", 2), ("4", 1)])
    assert average == pytest.approx((5 * 2 + 3 * 2 + 4) / 5) and count == 3


def test_plus_minus_ignored_by_default_or_counted_when_configured():
    assert weighted_average([("4+", 1), ("5-", 1)])[0] == 4.5
    assert weighted_average([("4+", 1), ("5-", 1), ("4+", 1)], modifier_step=0.25)[0] == pytest.approx((4.25 + 4.75 + 4.25) / 3)
    assert mark_values("зач/5") == [5.0]


@pytest.mark.parametrize("average,default,strict", [
    (4.6, "5", "4"), (4.65, "5", "5"), (4.5, "5", "4"), (4.49, "4", "4"), (3.6, "4", "3"),
    (2.6, "3", "2"), (2.4, "2", "2"), (40 / 9, "4", "4"), (13 / 3, "4", "4")])
def test_thresholds_are_one_setting_apart(average, default, strict):
    assert suggested_mark(average, 5, DEFAULT, 3) == default
    assert suggested_mark(average, 5, STRICT, 3) == strict


def test_too_few_marks_suggest_not_assessed():
    assert suggested_mark(5.0, 2, DEFAULT, 3) == "н/а"
    assert suggested_mark(5.0, 3, DEFAULT, 3) == "5"
    assert suggested_mark(None, 0, DEFAULT, 0) == "н/а"
