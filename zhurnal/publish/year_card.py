"""The year report card («табель успеваемости за учебный год»): what a family gets at the year
close, one page per pupil (``templates/year_card.typ``).

Every pupil enrolled on the last day of their grade's last term in a class with marks gets one:
per subject the term marks as stored, the year mark (confirmed, else computed by ``[marks]
year_rule``), the exam where there is one («ОГЭ 4», «ЕГЭ 78»: ЕГЭ points are no mark) and, in
grades 9 and 11, the attestat's final marks with how each was formed
(:func:`zhurnal.year.ledger.class_attestat`, «Математика» from Алгебра and Геометрия, a subject
finished in grade 7 from that year). The rows are the summary ledger's
(:func:`zhurnal.year.ledger.summary_ledger`), so the card and the archive's ledger agree.
"""

from __future__ import annotations

from sqlalchemy import Connection

from zhurnal.core.settings import Settings
from zhurnal.school.snapshot import School
from zhurnal.store import queries as q
from zhurnal.year.ledger import class_attestat, exam_results, summary_ledger

ATTESTAT_GRADES = (9, 11)


def year_cards(conn: Connection, school: School, settings: Settings, year_title: str) -> dict[int, dict]:
    """Pupil id → the card (JSON-ready): {school, class, student, student_id, year, class_teacher,
    periods: [term names], subjects: [{subject, marks: [term marks, «» where none], year, exam}],
    attestat: [{subject, source, final}]} (``attestat`` empty but in grades 9 and 11; a mark not
    set is «—»). ``year_title``: «2026/2027 учебный год»."""
    school_id = school.school_id
    school_name = q.school_row(conn, school_id)["name"]
    exams = exam_results(conn, school_id)
    marks = settings.marks
    cards: dict[int, dict] = {}
    for class_code, cls in school.classes.items():
        terms = school.calendar.grade_terms(cls["grade"])
        if not cls["has_marks"] or not terms:
            continue
        enrolled = {st["id"] for st in school.class_students(class_code, terms[-1]["end"])}
        rows: dict[int, list[dict]] = {}
        for row in summary_ledger(conn, school_id, class_code, year_rule=marks.year_rule,
                                  attestat_settings=settings.attestat):
            form, result = exams.get((row.student_id, row.subject), ("", ""))
            rows.setdefault(row.student_id, []).append({
                "subject": row.subject, "marks": [row.periods.get(t["code"]) or "—" for t in terms],
                "year": row.year or "—", "exam": f"{form} {result}" if form else ""})
        attestat = {}
        if cls["grade"] in ATTESTAT_GRADES:
            attestat = {p.student_id: [{"subject": r.subject, "source": r.source, "final": r.final or "—"}
                                       for r in p.rows]
                        for p in class_attestat(conn, school_id, class_code, year_rule=marks.year_rule,
                                                attestat_settings=settings.attestat)}
        for sid in sorted(enrolled, key=lambda sid: school.students[sid]["full_name"]):
            cards[sid] = {"school": school_name, "class": class_code, "student": school.students[sid]["full_name"],
                          "student_id": sid, "year": year_title, "class_teacher": cls["class_teacher"] or "",
                          "periods": [t["name"] for t in terms], "subjects": rows.get(sid, []),
                          "attestat": attestat.get(sid, [])}
    return cards
