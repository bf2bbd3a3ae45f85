"""What the grid kinds (journal, attendance, period marks) share when they are read back."""

from __future__ import annotations

from dataclasses import dataclass

from zhurnal.core.findings import Finding, finding
from zhurnal.school.snapshot import School, Section
from zhurnal.templates.grid import GridRead, read_grid
from zhurnal.templates.spec import cell_ref
from zhurnal.validate.normalize import clean_text, is_blank

FIRST_INPUT_COL = 2   # columns A (hidden ids) and B (names, notes) hold no input
from zhurnal.core.workbook import Submission
from zhurnal.templates.metadata import sections


@dataclass
class SheetRef:
    """One grid sheet of a submission with the group it was issued for."""

    name: str
    grid: GridRead
    section: Section | None
    class_code: str


def grid_sheets(item: Submission, school: School, found: list[Finding]) -> list[SheetRef]:
    """The issued sheets found in the workbook; a missing sheet or a vanished group is a finding."""
    result = []
    for info in sections(item.meta).get("sheets", []):
        name = info.get("sheet", "")
        grid = read_grid(item.cells, name)
        if grid is None:
            found.append(finding("sheet-missing", sheet=name))
            continue
        found += outside_the_grid(grid)
        class_code = info.get("class_code", "")
        if class_code not in school.classes:
            found.append(finding("unknown-class", sheet=name, cell="B1", value=class_code))
            continue
        section = None
        if "subject" in info:
            section = Section(class_code, info["subject"], info.get("subgroup", ""))
            if section not in school.load:
                found.append(finding("unknown-load", sheet=name, cell="B1", value=section.subject,
                                     cls=class_code, subject=section.subject,
                                     subgroup_text=f", подгруппа {section.subgroup}" if section.subgroup else ""))
                continue
        result.append(SheetRef(name, grid, section, class_code))
    return result


def outside_the_grid(grid: GridRead) -> list[Finding]:
    """A value typed right of the last lesson column, or below the last row of the grid, is
    read by nothing: say so at its cell instead of dropping it silently."""
    rows = grid.cells.sheets.get(grid.sheet, [])
    last_col = max(grid.columns.values(), default=1)
    last_row = max([*grid.students.values(), *grid.markers.values()], default=0)
    found = []
    for r, line in enumerate(rows):
        start = FIRST_INPUT_COL if r > last_row else last_col + 1
        for c in range(start, len(line)):
            if not is_blank(line[c]):
                found.append(finding("value-outside-template", sheet=grid.sheet, cell=cell_ref(r, c),
                                     value=clean_text(line[c])))
    return found


def student_problem(school: School, student_id: int, class_code: str, section: Section | None) -> str | None:
    """Why a student row may not carry data in this sheet, as a finding code (None if it may)."""
    student = school.students.get(student_id)
    # a pupil who left keeps their row in sheets issued while they were enrolled
    if student is None or not (student["active"] or student["left_on"]) or student["class_code"] != class_code:
        return "unknown-student"
    if section and section.subgroup and \
            school.members.get(student_id, {}).get(section.subject) != section.subgroup:
        return "mark-student-not-in-group"
    return None
