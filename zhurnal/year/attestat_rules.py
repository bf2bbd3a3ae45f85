"""The attestat's rules as data: which subjects an attestat of grade 9 or 11 lists and how each
is formed, the federal defaults in a small table the school's ``[attestat]`` settings override.

Sources (docs/DESIGN.md «The attestat» cites them in full):

- Порядок заполнения, учёта и выдачи аттестатов об основном общем и среднем общем образовании
  и их дубликатов (приказ Минпросвещения России от 05.10.2020 № 546): the final mark of grade 9
  for русский язык, математика and the two subjects taken by choice is the arithmetic mean of
  the year and exam marks, a whole number by the rules of mathematical rounding; other
  subjects take the year mark; grade 11 averages the semester and year marks of grades 10–11;
  the attestat lists the subjects of the curriculum studied at the level, so a subject whose
  study ended before grade 9 (Музыка, ИЗО) goes on it with its year mark of its last grade.
- письмо Минпросвещения России от 19.02.2020 № ВБ-334/04 «О заполнении аттестата об основном
  общем образовании»: the attestat carries «Математика», its mark formed from the courses
  «Алгебра» and «Геометрия» (and, in the curriculum of ФОП ООО, приказ № 370 of 18.05.2023,
  «Вероятность и статистика», a course of the subject «Математика»).
- the federal curriculum of ФОП ООО (приказ № 370, in its 2024 wording): Музыка in grades 5–8,
  Изобразительное искусство in grades 5–7; Труд (технология) runs to grade 9.

A subject not in the table stands on the attestat for itself, under its own name.
"""

from __future__ import annotations

from dataclasses import dataclass

from zhurnal.core.sections import AttestatSettings

MATH_COURSES_9 = ("Алгебра", "Геометрия", "Вероятность и статистика")
MATH_COURSES_11 = ("Алгебра и начала математического анализа", "Алгебра", "Геометрия", "Вероятность и статистика")
# attestat grade → attestat subject → the course subjects forming it
DEFAULT_COURSES: dict[int, dict[str, tuple[str, ...]]] = {
    9: {"Математика": MATH_COURSES_9},
    11: {"Математика": MATH_COURSES_11},
}
# a basic-level subject → the last grade the federal curriculum teaches it in (below 9 only)
DEFAULT_LAST_GRADE_9: dict[str, int] = {"Музыка": 8, "Изобразительное искусство": 7}
FIRST_BASIC_GRADE = 5


@dataclass(frozen=True)
class AttestatRules:
    """The rules of one attestat grade (9 or 11)."""

    grade: int
    courses: dict[str, tuple[str, ...]]     # attestat subject → its course subjects (two or more, or a rename)
    last_grade: dict[str, int]              # grade 9: subject → the last grade it is taught in (< 9: prior marks)
    combine: str = "year_then_exam"         # grade 9: [attestat] combine_9
    honours_exam_min: int = 3               # grade 9: the lowest ОГЭ/ГВЭ mark of a ГИА passed

    def subject_of(self, course: str) -> str:
        """The attestat subject ``course`` counts towards (itself when it is in no entry)."""
        return next((name for name, courses in self.courses.items() if course in courses), course)

    def finished_early(self) -> dict[str, int]:
        """Subjects finished before the attestat's grade → their last grade (grade 9 only)."""
        return {s: g for s, g in self.last_grade.items() if g < self.grade} if self.grade == 9 else {}


def attestat_rules(grade: int, settings: AttestatSettings | None = None) -> AttestatRules:
    """The rules of the attestat of ``grade`` (9 or 11): the federal defaults with the school's
    ``[attestat]`` entries over them (an entry replaces the default of its subject; an empty
    course list removes it)."""
    settings = settings or AttestatSettings()
    courses = dict(DEFAULT_COURSES.get(grade, {}))
    for name, listed in (settings.courses_9 if grade == 9 else settings.courses_11 if grade == 11 else {}).items():
        if listed:
            courses[name] = tuple(listed)
        else:
            courses.pop(name, None)
    last = {**DEFAULT_LAST_GRADE_9, **settings.last_grade_9} if grade == 9 else {}
    return AttestatRules(grade, courses, last, settings.combine_9, settings.honours_exam_min_9)
