"""What people read: Russian numbers and counted words, and the lines of a correction letter."""

from __future__ import annotations

from zhurnal.publish.changes import mark_changes
from zhurnal.text.numbers import counted, format_decimal


def test_russian_decimals_round_half_up_and_plural_forms():
    assert [format_decimal(v) for v in (4.546, 4.545, 4, None)] == ["4,55", "4,55", "4,00", "—"]
    assert format_decimal(1234.5, 1) == "1\u00a0234,5"
    words = ("ошибка", "ошибки", "ошибок")
    assert [counted(n, *words) for n in (1, 3, 5, 11, 21, 22)] == \
        ["1 ошибка", "3 ошибки", "5 ошибок", "11 ошибок", "21 ошибка", "22 ошибки"]


def _diary(marks: list[str], presence: str = "") -> dict:
    return {"student_id": 7, "student": "Иванов Иван", "days": [{"date": "24.11.2026", "lessons": [
        {"no": 2, "subject": "Алгебра", "marks": marks, "presence": presence}]}]}


def test_a_correction_names_each_changed_mark_by_subject_and_date():
    assert mark_changes([_diary(["4", "4"])], [_diary(["4", "5"])]) == \
        ["Иванов Иван, Алгебра, 24.11: отметка 4 исправлена на 5"]
    assert mark_changes([_diary(["3"])], [_diary([])]) == ["Иванов Иван, Алгебра, 24.11: отметка 3 удалена"]
    assert mark_changes([_diary([])], [_diary(["5"], "оп")]) == \
        ["Иванов Иван, Алгебра, 24.11: отмечено опоздание", "Иванов Иван, Алгебра, 24.11: добавлена отметка 5"]
    assert mark_changes([_diary(["5"])], [_diary(["5"])]) == []
