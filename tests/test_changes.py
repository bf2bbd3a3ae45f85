"""The lines of a correction letter (zhurnal.publish.changes), each written out by hand.

The documents are literal dicts in the shape the diary and report-card templates render
(``days`` → ``lessons`` with ``no``, ``subject``, ``marks``, ``presence``; ``subjects`` with a
period ``mark``); every expected line is typed here, in the order a parent reads them.
"""

from __future__ import annotations

from zhurnal.publish.changes import mark_changes, own_digest


def diary(sid: int, name: str, *days: tuple[str, list[tuple[int, str, list[str], str]]]) -> dict:
    return {"student_id": sid, "student": name,
            "days": [{"date": date, "lessons": [{"no": no, "subject": subject, "marks": marks, "presence": presence}
                                                for no, subject, marks, presence in lessons]}
                     for date, lessons in days]}


def card(sid: int, name: str, marks: dict[str, str | None]) -> dict:
    return {"student_id": sid, "student": name, "subjects": [{"subject": s, "mark": m} for s, m in marks.items()]}


IVANOV = "Иванов Иван"


def test_marks_corrected_removed_and_added_in_one_lesson():
    before = diary(7, IVANOV, ("24.11.2026", [(2, "Алгебра", ["4", "3", "3"], "")]))
    after = diary(7, IVANOV, ("24.11.2026", [(2, "Алгебра", ["5"], "")]))
    assert mark_changes([before], [after]) == [
        "Иванов Иван, Алгебра, 24.11: отметка 4 исправлена на 5",
        "Иванов Иван, Алгебра, 24.11: отметка 3 удалена",
        "Иванов Иван, Алгебра, 24.11: отметка 3 удалена",
    ]
    assert mark_changes([after], [before]) == [
        "Иванов Иван, Алгебра, 24.11: отметка 5 исправлена на 4",
        "Иванов Иван, Алгебра, 24.11: добавлена отметка 3",
        "Иванов Иван, Алгебра, 24.11: добавлена отметка 3",
    ]


def test_presence_notes_are_words_and_come_before_the_marks():
    before = diary(7, IVANOV, ("24.11.2026", [(1, "Физика", ["4"], "н"), (2, "Химия", [], "оп")]))
    after = diary(7, IVANOV, ("24.11.2026", [(1, "Физика", ["4"], "оп"), (2, "Химия", ["2"], "x")]))
    assert mark_changes([before], [after]) == [
        "Иванов Иван, Физика, 24.11: снята отметка «отсутствие»",
        "Иванов Иван, Физика, 24.11: отмечено опоздание",
        "Иванов Иван, Химия, 24.11: снята отметка «опоздание»",   # "x" is no presence of ours
        "Иванов Иван, Химия, 24.11: добавлена отметка 2",
    ]


def test_lessons_are_read_in_calendar_order_across_months_and_by_lesson_number():
    before = diary(7, IVANOV, ("30.11.2026", [(10, "Алгебра", [], ""), (9, "Алгебра", [], "")]),
                   ("01.12.2026", [(1, "Биология", [], ""), (1, "Английский язык", [], "")]))
    after = diary(7, IVANOV, ("30.11.2026", [(10, "Алгебра", ["5"], ""), (9, "Алгебра", ["4"], "")]),
                  ("01.12.2026", [(1, "Биология", ["3"], ""), (1, "Английский язык", ["2"], "")]))
    assert mark_changes([before], [after]) == [
        "Иванов Иван, Алгебра, 30.11: добавлена отметка 4",          # lesson 9 before lesson 10
        "Иванов Иван, Алгебра, 30.11: добавлена отметка 5",
        "Иванов Иван, Английский язык, 01.12: добавлена отметка 2",  # same lesson: by subject
        "Иванов Иван, Биология, 01.12: добавлена отметка 3",
    ]


def test_children_by_name_and_diaries_added_or_no_longer_sent():
    old = [diary(3, "Яковлева Яна", ("24.11.2026", [(1, "Физика", ["4"], "")])),
           diary(1, "Антонов Антон", ("24.11.2026", [(1, "Физика", ["5"], "")])),
           {"title": "a class page with no student_id"}]
    new = [diary(3, "Яковлева Яна", ("24.11.2026", [(1, "Физика", ["3"], "")])),
           diary(2, "Борисова Вера", ("24.11.2026", [(1, "Физика", [], "")])),
           {"title": "another page with no student_id"}]
    assert mark_changes(old, new) == [
        "Антонов Антон: дневник больше не отправляется",
        "Борисова Вера: дневник добавлен",
        "Яковлева Яна, Физика, 24.11: отметка 4 исправлена на 3",
    ]


def test_a_renamed_child_is_named_as_now():
    before = diary(5, "Петрова Анна", ("24.11.2026", [(1, "Физика", ["4"], "")]))
    after = diary(5, "Сидорова Анна", ("24.11.2026", [(1, "Физика", ["5"], "")]))
    assert mark_changes([before], [after]) == ["Сидорова Анна, Физика, 24.11: отметка 4 исправлена на 5"]


def test_a_report_cards_period_marks_have_no_date():
    before = card(7, IVANOV, {"Алгебра": "4", "Физика": None, "Химия": "—", "Биология": "5"})
    after = card(7, IVANOV, {"Алгебра": "5", "Физика": "3", "Химия": "4", "Биология": "—"})
    assert mark_changes([before], [after]) == [
        "Иванов Иван, Алгебра: отметка 4 исправлена на 5",
        "Иванов Иван, Биология: отметка 5 удалена",
        "Иванов Иван, Физика: добавлена отметка 3",
        "Иванов Иван, Химия: добавлена отметка 4",
    ]


def test_nothing_changed_says_nothing():
    same = diary(7, IVANOV, ("24.11.2026", [(2, "Алгебра", ["4", "5"], "н")]))
    reordered = diary(7, IVANOV, ("24.11.2026", [(2, "Алгебра", ["5", "4"], "н")]))
    assert mark_changes([same], [reordered]) == [] and mark_changes([], []) == []


def test_the_own_digest_leaves_out_only_the_class_averages():
    def doc(own: str, klass: str, klass_w: str) -> dict:
        return {"student_id": 7, "averages": [{"subject": "Алгебра", "average": own, "class_average": klass,
                                               "class_average_weighted": klass_w}]}
    assert own_digest([doc("4,50", "4,10", "4,12")]) == own_digest([doc("4,50", "4,11", "4,13")])
    assert own_digest([doc("4,50", "4,10", "4,12")]) != own_digest([doc("4,55", "4,10", "4,12")])
    assert own_digest([{"student_id": 7}]) != own_digest([{"student_id": 8}])
    assert own_digest([{"student_id": 7}]) == own_digest([{"student_id": 7}])


def test_days_come_before_subjects_and_lesson_numbers_before_subjects():
    before = diary(7, IVANOV, ("25.11.2026", [(1, "Алгебра", [], "")]),
                   ("24.11.2026", [(10, "Алгебра", [], ""), (9, "Химия", [], "")]))
    after = diary(7, IVANOV, ("25.11.2026", [(1, "Алгебра", ["5"], "")]),
                  ("24.11.2026", [(10, "Алгебра", ["4"], ""), (9, "Химия", ["3"], "")]))
    assert mark_changes([before], [after]) == [
        "Иванов Иван, Химия, 24.11: добавлена отметка 3",            # lesson 9, whatever its subject
        "Иванов Иван, Алгебра, 24.11: добавлена отметка 4",
        "Иванов Иван, Алгебра, 25.11: добавлена отметка 5",          # the 25th after the 24th
    ]


def test_september_comes_before_october():
    before = diary(7, IVANOV, ("01.10.2026", [(1, "Алгебра", [], "")]), ("30.09.2026", [(1, "Алгебра", [], "")]))
    after = diary(7, IVANOV, ("01.10.2026", [(1, "Алгебра", ["5"], "")]), ("30.09.2026", [(1, "Алгебра", ["4"], "")]))
    assert mark_changes([before], [after]) == ["Иванов Иван, Алгебра, 30.09: добавлена отметка 4",
                                               "Иванов Иван, Алгебра, 01.10: добавлена отметка 5"]
