"""Class rosters: prefilled templates, edits merged with revisions, each rule at its cell,
and the feedback workbook a class teacher gets back."""

from __future__ import annotations

import openpyxl
import pytest
import python_calamine
from conftest import findings_of, s, status_of

from zhurnal.ingest.feedback import SHEET


def students_of(ws, class_code, active=True):
    return {r["full_name"]: r for r in ws.rows(s.students)
            if r["class_code"] == class_code and r["active"] is active}


@pytest.mark.both_stores
def test_rosters_hold_exactly_what_was_typed(loaded, school):
    for code, roster in school.rosters.items():
        stored = students_of(loaded, code)
        assert {n: (r["birth_date"], r["sex"]) for n, r in stored.items()} == {
            st["full_name"]: (st["birth_date"], st["sex"]) for st in roster["Ученики"]}
    # subgroups as the class teacher split them
    roster = school.rosters["7А"]["Ученики"]
    ids = {r["full_name"]: r["id"] for r in loaded.rows(s.students)}
    members = {(m["student_id"], m["subject"]): m["subgroup"] for m in loaded.rows(s.subgroup_members)}
    for st in roster:
        for key, value in st.items():
            if key.startswith("subgroup:"):
                assert members[(ids[st["full_name"]], key.split(":", 1)[1])] == value
    # parents: a parent of children in two classes is one person with two links
    parents = loaded.rows(s.parents)
    emails = [p["email"] for p in parents if p["email"]]
    assert len(emails) == len(set(emails))
    links = loaded.rows(s.guardianships)
    typed_links = {(p["email"], p["student"]) for r in school.rosters.values() for p in r["Родители"] if p["email"]}
    by_id = {p["id"]: p["email"] for p in parents}
    names = {r["id"]: r["full_name"] for r in loaded.rows(s.students)}
    assert {(by_id[l["parent_id"]], names[l["student_id"]]) for l in links if by_id[l["parent_id"]]} == typed_links


@pytest.mark.both_stores
def test_roster_template_is_prefilled_and_an_edit_is_a_revision(loaded):
    data = loaded.prefilled_roster("5А")
    students = data["Ученики"]
    assert all(st["id"] for st in students)
    leaving = students.pop(0)["full_name"]
    renamed = students[0]
    old_name = renamed["full_name"]
    renamed["full_name"] = old_name.replace(old_name.split()[1], "Пелагея", 1)
    data["Родители"] = [p for p in data["Родители"] if p["student"] != leaving]
    for parent in data["Родители"]:
        if parent["student"] == old_name:
            parent["student"] = renamed["full_name"]
    students.append({"full_name": "Новикова Дарья Сергеевна", "birth_date": "12.03.2015", "sex": "ж"})
    before = len(loaded.rows(s.revisions))
    loaded.drop_roster("5А", data)
    assert status_of(loaded.ingest()) == {"roster_5А.xlsx": "accepted"}
    now = students_of(loaded, "5А")
    assert renamed["full_name"] in now and old_name not in now
    assert now[renamed["full_name"]]["id"] == renamed["id"]        # same person, same id
    assert leaving in students_of(loaded, "5А", active=False)     # left, never deleted
    assert "Новикова Дарья Сергеевна" in now
    changes = {(r["entity"], r["key"]) for r in loaded.rows(s.revisions)[before:]}
    assert ("students", str(renamed["id"])) in changes
    assert ("students", str(now["Новикова Дарья Сергеевна"]["id"])) in changes


def test_each_roster_rule_at_its_cell_and_the_feedback_workbook(loaded, school):
    data = loaded.prefilled_roster("7А")
    students, parents = data["Ученики"], data["Родители"]
    other = school.rosters["6А"]["Ученики"][0]
    students.append({"full_name": other["full_name"], "birth_date": other["birth_date"], "sex": other["sex"]})
    students.append({"full_name": "Петров", "sex": "м"})
    twin = dict(students[0], id=None, birth_date="02.02.2013")
    students.append(twin)
    students[1]["subgroup:Английский язык"] = "3"
    parents[0]["email"] = "мама@почта"
    parents[1]["phone"] = "12-34"
    parents.append({"full_name": "Орлова Анна Игоревна", "student": "Никто Никтович Никтов"})
    parents.append({"full_name": "Орлов Игорь Петрович", "student": None})
    parents.append({"full_name": "Власова Ольга Ивановна", "student": students[0]["full_name"]})
    loaded.drop_roster("7А", data)
    report = loaded.ingest()
    assert status_of(report) == {"roster_7А.xlsx": "rejected"}
    found = findings_of(report)
    n, p = len(students), len(parents)
    arrived = chr(ord("A") + [f.key for f in loaded.roster_spec("7А").sheet("Ученики").fields].index("arrived_on"))
    sg_col = "E" if loaded.roster_spec("7А").sheet("Ученики").fields[4].key == "subgroup:Английский язык" else "F"
    expected = {
        ("Ученики", f"B{n - 1}", "student-in-two-classes"),
        ("Ученики", f"B{n}", "student-name-incomplete"),
        ("Ученики", f"{sg_col}3", "subgroup-not-in-class"),
        ("Родители", "E2", "invalid-email"),
        ("Родители", "F3", "invalid-phone"),
        ("Родители", f"D{p - 1}", "unknown-student"),
        ("Родители", f"D{p}", "parent-without-student"),
        # two new pupils of a class that has pupils, without their arrival date (a warning)
        *(("Ученики", f"{arrived}{row}", "arrival-date-missing") for row in (n, n + 1)),
        # the twin shares the first student's name: every parent row naming it is ambiguous now
        # (the appended Власова, row p + 1, and the first student's own parents)
        *(("Родители", f"D{i + 2}", "ambiguous-student") for i, parent in enumerate(parents)
          if parent["student"] == students[0]["full_name"]),
    }
    assert ("Родители", f"D{p + 1}", "ambiguous-student") in expected
    assert found == expected, (found - expected, expected - found)

    feedback = loaded.path / report.files[0].feedback
    assert feedback.parent.name == school.class_teachers["7А"]
    book = openpyxl.load_workbook(feedback)
    assert book.sheetnames[0] == SHEET
    for sheet, cell, code in expected:
        comment = book[sheet][cell].comment
        assert comment is not None and comment.text.startswith("• "), (sheet, cell, code)
    listed = {(r[8], r[9], r[10]) for r in book[SHEET].iter_rows(min_row=4, values_only=True)}
    assert expected <= listed
    link = next(c for c in book[SHEET]["J"][3:] if c.value == "E2")
    assert link.hyperlink.location == "'Родители'!E2"
    first = python_calamine.CalamineWorkbook.from_path(str(feedback)).get_sheet_by_name(SHEET).to_python()
    assert any("E2" in row for row in first)
    # a rejected roster changes nothing
    assert "Петров" not in students_of(loaded, "7А")


@pytest.mark.both_stores
def test_student_in_two_classes_by_hidden_id(loaded):
    """A row copied from another class's roster (with its hidden id) is caught."""
    other = loaded.prefilled_roster("6А")["Ученики"][0]
    data = loaded.prefilled_roster("7А")
    data["Ученики"].append(other)
    loaded.drop_roster("7А", data)
    found = findings_of(loaded.ingest())
    assert found == {("Ученики", f"B{len(data['Ученики']) + 1}", "student-in-two-classes")}, found


def test_no_roster_template_is_issued_for_a_class_not_in_setup(ws, school):
    """A roster can only be issued for a known class: asking for one of a class the setup does
    not list fails at issue time (no roster is ingested here)."""
    import pytest
    ws.drop_setup(school.setup)
    assert ws.ingest().ok
    with pytest.raises(LookupError):
        ws.roster_template("12Я")
