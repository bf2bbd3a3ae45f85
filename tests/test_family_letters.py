"""The families' letters (issue 28): a reply reaches a person (``Reply-To``), the letter says
what happened in the week, and an encrypted diary's letter says where its password is."""

from __future__ import annotations

import email
import re
import subprocess
from email.policy import default
from pathlib import Path

from conftest import WEEK

from zhurnal.core.sections import DiarySettings, MailSettings
from zhurnal.publish.run import publish_week
from zhurnal.publish.slips import parent_slips
from zhurnal.store import schema as s


def letters(ws) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(path.read_bytes(), policy=default)
            for path in sorted((ws.settings.outbox / WEEK.label / "mail").glob("diary.*.eml"))]


def children_classes(ws) -> dict[str, set[str]]:
    """Parent e-mail → the classes of the children whose diary they get (plain SQL)."""
    found: dict[str, set[str]] = {}
    with ws.engine.connect() as conn:
        for address, code in conn.exec_driver_sql(
                "SELECT p.email, s.class_code FROM guardianships g JOIN parents p ON p.id = g.parent_id "
                "JOIN students s ON s.id = g.student_id WHERE g.receives_diary AND p.email <> ''"):
            found.setdefault(address, set()).add(code)
    return found


def test_a_reply_to_a_diary_letter_goes_to_the_class_teacher_or_the_classs_own_address(week_ws):
    """GIVEN class teachers with addresses in the setup, and one class with its own school
    address in ``[mail] reply_to`` WHEN the week is published THEN every letter's Reply-To holds
    exactly the addresses of its children's classes (the class's own where set), and the text
    says a reply reaches the class teacher instead of «отвечать не нужно»."""
    ws = week_ws
    teacher_of = {r["code"]: r["class_teacher"] for r in ws.rows(s.classes)}
    address_of = {r["full_name"]: r["email"] for r in ws.rows(s.teachers)}
    own_class = sorted(teacher_of)[0]
    ws.settings = ws.settings.model_copy(update={"mail": MailSettings(reply_to={own_class: "klass@school17.ru"})})
    publish_week(ws.ctx(), WEEK)
    classes = children_classes(ws)
    sent = letters(ws)
    assert len(sent) == len(classes)
    seen_own = 0
    for message in sent:
        codes = classes[message["To"].addresses[0].addr_spec]
        expected = {"klass@school17.ru" if code == own_class else address_of[teacher_of[code]] for code in codes}
        assert {a.addr_spec for a in message["Reply-To"].addresses} == expected, message["To"]
        assert message["From"].addresses[0].addr_spec not in expected
        body = message.get_body(("plain",)).get_content()
        assert "отвечать на него не нужно" not in body
        assert "На это письмо можно ответить: ответ получ" in body
        assert all(teacher_of[code] in body for code in codes)
        seen_own += own_class in codes
    assert seen_own


def test_without_any_address_the_letter_says_a_reply_reaches_nobody(week_ws):
    ws = week_ws
    with ws.engine.begin() as conn:
        conn.execute(s.teachers.update().values(email=None))
    publish_week(ws.ctx(), WEEK)
    message = letters(ws)[0]
    assert message["Reply-To"] is None
    body = message.get_body(("plain",)).get_content()
    assert "ответ на него никто не прочтёт" in body and "напишите классному руководителю: " in body


def _slips_text(path: Path) -> str:
    return re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                                              text=True).stdout)


def test_the_slips_list_names_the_parents_whose_password_changed(loaded):
    """GIVEN a class's slips printed once WHEN a parent's address changes in the roster THEN the
    next slips list that parent first, as «новый пароль», and the slips after that list nobody."""
    ws = loaded
    code = sorted(ws.school().classes)[1]
    first, count = parent_slips(ws.ctx(), code)
    assert count and "Новые пароли" not in _slips_text(first)
    with ws.engine.connect() as conn:
        parent_id, name = conn.exec_driver_sql(
            "SELECT p.id, p.full_name FROM parents p JOIN guardianships g ON g.parent_id = p.id JOIN students s "
            f"ON s.id = g.student_id WHERE s.class_code = '{code}' AND g.receives_diary AND p.email <> '' "
            "ORDER BY p.id LIMIT 1").one()
    with ws.engine.begin() as conn:
        conn.exec_driver_sql(f"UPDATE parents SET email = 'new.address@mail.ru' WHERE id = {parent_id}")
    text = _slips_text(parent_slips(ws.ctx(), code)[0])
    listed = re.search(r"Новые пароли \((\d+)\)\..*?Выдайте им новые листки: (.*?)\.", text)
    assert listed and listed.group(1) == "1" and listed.group(2).strip() == name
    assert text.count("новый пароль") == 1
    assert name in text[text.index("Новые пароли"):text.index("Новые пароли") + 400]
    assert "Новые пароли" not in _slips_text(parent_slips(ws.ctx(), code)[0])


def test_an_encrypted_diarys_letter_says_where_the_password_is(week_ws):
    ws = week_ws
    ws.settings = ws.settings.model_copy(update={"diary": DiarySettings(encrypt=True)})
    publish_week(ws.ctx(), WEEK)
    for message in letters(ws)[:5]:
        body = message.get_body(("plain",)).get_content()
        assert "защищ" in body and "паролем" in body
        assert "листке" in body and "классного руководителя новый листок" in body
        # counts in the clear, never the marks
        assert "— отметки:" not in body and re.search(r"за неделю \d+ отмет", body), body


# ---- what happened in the week ---------------------------------------------------------------

DOC = {"student": "Иванов Иван", "class": "5А", "absences": [{"date": "24.11", "lessons": 2, "reason": "болезнь"}],
       "notes": {"class": "Родительское собрание в четверг в 18:00", "pupil": "Иван забыл форму"},
       "days": [{"date": "23.11.2026", "lessons": [
           {"subject": "Математика", "marks": ["5", "4"], "remark": {"text": "Отличный ответ у доски",
                                                                      "author": "Петрова А. И."}},
           {"subject": "Русский язык", "marks": []}]},
                {"date": "24.11.2026", "lessons": [{"subject": "Математика", "marks": ["3"]}]}]}


def test_the_open_summary_lists_marks_by_subject_absences_remarks_and_notes():
    from zhurnal.publish.letter_summary import letter_summary
    text = letter_summary([DOC], locked=False)
    assert text.splitlines() == [
        "От классного руководителя (5А): Родительское собрание в четверг в 18:00", "",
        "Иванов Иван за неделю:",
        "— отметки: Математика 5, 4, 3",
        "— пропуски: 24.11 — 2 урока (болезнь)",
        "— 23.11, Математика: «Отличный ответ у доски» (Петрова А. И.)",
        "— от классного руководителя: Иван забыл форму"]


def test_the_locked_summary_gives_counts_and_the_class_note_only():
    from zhurnal.publish.letter_summary import letter_summary
    text = letter_summary([DOC, {**DOC, "student": "Иванова Мария", "absences": []}], locked=True)
    assert text.count("Родительское собрание") == 1          # one class, one note
    assert "Иванов Иван: за неделю 3 отметки, 2 пропущенных урока, 1 запись учителя" in text
    assert "Иванова Мария: за неделю 3 отметки, 0 пропущенных уроков, 1 запись учителя" in text
    assert not re.search(r"[1-5]\s*,|Отличный|форму|болезнь", text)


MARK = re.compile(r"^(?:[1-5][+-]?|зач|незач)$")


def summary_marks(body: str, pupil: str) -> list[str] | None:
    """The marks the letter's summary lists for ``pupil`` (None: no line for the pupil)."""
    at = body.find(f"{pupil} за неделю:")
    if at < 0:
        return None
    line = body[at:].splitlines()[1]
    if not line.startswith("— отметки: "):
        return []
    return [token for token in re.split(r"[\s,;]+", line.removeprefix("— отметки: ")) if MARK.match(token)]


def test_each_letter_summarises_exactly_the_marks_typed_for_its_children(week_ws):
    from test_publish import typed_week
    ws = week_ws
    publish_week(ws.ctx(), WEEK)
    typed = typed_week(ws)
    ids = {st["full_name"]: sid for sid, st in ws.school().students.items()}
    checked = 0
    for message in letters(ws):
        body = message.get_body(("plain",)).get_content()
        for part in message.iter_attachments():
            name = next(n for n in ids if n.replace(" ", "_") in part.get_filename())
            listed = summary_marks(body, name)
            assert listed is not None, (name, body)
            assert sorted(listed) == sorted(typed[ids[name]]["marks"].elements()), (name, body)
            checked += bool(listed)
    assert checked > 10
