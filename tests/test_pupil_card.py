"""A pupil's card: the roster's private contact fields (address, phone, note), stored and
prefilled, never in a diary, a letter or a summary, printed on the year archive's pupils' list
only when the school says so; and the store migration that brings them (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import subprocess

import openpyxl
import pytest
from conftest import SATURDAY, WEEK, findings_of, s, status_of
from sqlalchemy import create_engine, inspect, select, text

from zhurnal.store.engine import head_revision
from zhurnal.store.migrations import upgrade

ADDRESS = "ул. Потаённая, д. 13, кв. 7"
PHONE_TYPED, PHONE = "8 (912) 345-67-89", "+79123456789"
NOTE = "Звонить бабушке Зинаиде"


def _card_columns(path) -> dict[str, str]:
    """Header → column letter of the issued roster's «Ученики» sheet (read with openpyxl)."""
    sheet = openpyxl.load_workbook(path)["Ученики"]
    return {cell.value: cell.column_letter for cell in sheet[1] if cell.value}


@pytest.mark.both_stores
def test_the_card_is_stored_prefilled_and_its_phone_checked(loaded):
    """GIVEN 5А's roster with a pupil's address, phone (typed with brackets) and note, and a bad
    phone for another WHEN handed in THEN rejected at the bad phone's cell; corrected THEN stored
    as typed (the phone as +7…) and prefilled in the next roster."""
    data = loaded.prefilled_roster("5А")
    first, second = data["Ученики"][0], data["Ученики"][1]
    first.update(address=ADDRESS, phone=PHONE_TYPED, note=NOTE)
    second["phone"] = "12-34"
    path = loaded.drop_roster("5А", data)
    columns = _card_columns(path)
    assert {"Адрес проживания", "Телефон ученика", "Примечание"} <= set(columns)
    report = loaded.ingest()
    assert findings_of(report) == {("Ученики", f"{columns['Телефон ученика']}3", "invalid-phone")}
    second["phone"] = None
    loaded.drop_roster("5А", data)
    assert status_of(loaded.ingest()) == {"roster_5А.xlsx": "accepted"}
    with loaded.engine.connect() as conn:
        stored = conn.execute(text("SELECT address, phone, note FROM students WHERE id = :id"),
                              {"id": first["id"]}).one()
    assert tuple(stored) == (ADDRESS, PHONE, NOTE)
    again = openpyxl.load_workbook(loaded.roster_template("5А"))["Ученики"]
    row = next(r for r in again.iter_rows(min_row=2) if r[0].value == first["id"])
    by_header = {again.cell(1, c.column).value: c.value for c in row}
    assert (by_header["Адрес проживания"], by_header["Телефон ученика"], by_header["Примечание"]) == \
        (ADDRESS, PHONE, NOTE)


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_the_card_never_reaches_a_diary_a_letter_or_a_summary(week_ws, tmp_path):
    """GIVEN every 5А pupil's card filled with a planted address, phone and note WHEN the week is
    published THEN no diary or print bundle (pdftotext), no letter (every text part and file name,
    by the email parser), no summary cell (openpyxl) and no ledger row holds any of them; the year
    archive's pupils' list prints them only with ``[roster] contacts_in_archive = true``."""
    from conftest import Workspace

    from zhurnal.closing.pupils import write_pupil_lists
    from zhurnal.publish.run import publish_week

    data = week_ws.prefilled_roster("5А")
    for number, pupil in enumerate(data["Ученики"]):
        pupil.update(address=f"{ADDRESS}, №{number}", phone=PHONE_TYPED, note=NOTE)
    week_ws.drop_roster("5А", data)
    assert status_of(week_ws.ingest(now=SATURDAY)) == {"roster_5А.xlsx": "accepted"}
    report = publish_week(week_ws.ctx(SATURDAY), WEEK)
    out = week_ws.settings.outbox / WEEK.label
    planted = ("Потаённая", PHONE, "345-67-89", "Зинаид")    # (a bare «912» is in hex digests)
    pdfs = sorted(out.rglob("*.pdf"))
    names = {p["full_name"] for p in data["Ученики"]}
    assert any(name in _pdf_text(p) for p in pdfs for name in names)    # 5А's diaries are among them
    for pdf in pdfs:
        body = _pdf_text(pdf)
        assert not any(word in body for word in planted), pdf
    letters = sorted(out.rglob("*.eml"))
    assert letters
    for path in letters:
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        shown = [str(message["Subject"])] + [part.get_filename() or "" for part in message.walk()] + \
            [part.get_content() for part in message.walk() if part.get_content_type().startswith("text/")]
        assert not any(word in "\n".join(shown) for word in planted), path
    for summary in report.summaries:
        book = openpyxl.load_workbook(summary)
        cells = " ".join(str(c) for sheet in book for row in sheet.iter_rows(values_only=True) for c in row if c)
        assert not any(word in cells for word in planted), summary
    with week_ws.engine.connect() as conn:
        ledger = " ".join(str(v) for row in conn.execute(text("SELECT * FROM mail_ledger")) for v in row)
    assert not any(word in ledger for word in planted)

    ctx = week_ws.ctx(SATURDAY)
    with ctx.engine.connect() as conn:
        [private] = [p for p in write_pupil_lists(conn, ctx, tmp_path / "off", "0" * 64) if "5А" in p.name]
    listed = _pdf_text(private)
    assert all(name.split()[0] in listed for name in names) and "Потаённая" not in listed and "Зинаид" not in listed
    toml = week_ws.path / "zhurnal.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("contacts_in_archive = false", "contacts_in_archive = true"),
                    encoding="utf-8")
    wanted = Workspace(week_ws.path)
    ctx = wanted.ctx(SATURDAY)
    with ctx.engine.connect() as conn:
        [shown] = [p for p in write_pupil_lists(conn, ctx, tmp_path / "on", "0" * 64) if "5А" in p.name]
    listed = _pdf_text(shown)
    assert "Потаённая" in listed and "Зинаид" in listed and PHONE in listed
    wanted.engine.dispose()


@pytest.mark.both_stores
def test_migration_0012_keeps_pupils_and_adds_cards_confirmations_and_extracurricular(request, tmp_path,
                                                                                       store_backend):
    """GIVEN a store at 0011 holding a pupil and the roster that brought them WHEN upgraded THEN
    the pupil is kept, with an empty card, the class's roster counts as confirmed when that roster
    came, and the roster confirmations and the extracurricular tables take rows."""
    if store_backend == "postgresql":
        server = request.getfixturevalue("postgres")
        url = server.url(server.create())
    else:
        url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    engine = create_engine(url)
    upgrade(engine, "0011")
    assert {"address", "phone", "note"}.isdisjoint(c["name"] for c in inspect(engine).get_columns("students"))
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO schools (id, code, name) VALUES (1, 's17', 'Школа')"))
        conn.execute(text("INSERT INTO students (school_id, id, class_code, full_name, active) "
                          "VALUES (1, 7, '5А', 'Иванов Иван Иванович', :yes)"), {"yes": True})
        conn.execute(text("INSERT INTO submissions (school_id, id, sha256, original_name, received_at, status, "
                          "findings) VALUES (1, 3, 'x', 'r.xlsx', :at, 'accepted', '[]')"),
                     {"at": dt.datetime(2026, 11, 20, 10, 0)})
        conn.execute(text("INSERT INTO revisions (school_id, submission_id, entity, key, new_value) "
                          "VALUES (1, 3, 'students', '7', '{}')"))
        conn.execute(text("UPDATE submissions SET kind = 'roster'"))
    upgrade(engine)
    with engine.connect() as conn:     # the roster accepted before the upgrade confirms 5А
        C = s.roster_confirmations
        assert [tuple(r) for r in conn.execute(select(C.c.class_code, C.c.received_at, C.c.submission_id))] == \
            [("5А", dt.datetime(2026, 11, 20, 10, 0), 3)]
    tables = set(inspect(engine).get_table_names())
    assert {"roster_confirmations", "extra_groups", "extra_members", "extra_sessions", "extra_absences"} <= tables
    with engine.begin() as conn:
        assert tuple(conn.execute(text("SELECT full_name, address, phone, note FROM students")).one()) == \
            ("Иванов Иван Иванович", None, None, None)
        conn.execute(text("UPDATE students SET address = :a, phone = :p WHERE id = 7"), {"a": ADDRESS, "p": PHONE})
        conn.execute(text("INSERT INTO roster_confirmations (school_id, class_code, received_at, submission_id) "
                          "VALUES (1, '5А', :at, 3)"), {"at": dt.datetime(2026, 11, 27, 10, 0)})
        conn.execute(text("INSERT INTO extra_groups (school_id, name, teacher, planned_hours) "
                          "VALUES (1, 'Шахматы', 'Петрова', 34)"))
        conn.execute(text("INSERT INTO extra_members (school_id, group_name, student_id) VALUES (1, 'Шахматы', 7)"))
        conn.execute(text("INSERT INTO extra_sessions (school_id, group_name, date, topic, hours) "
                          "VALUES (1, 'Шахматы', :d, 'Ходы', 1.5)"), {"d": dt.date(2026, 11, 9)})
        conn.execute(text("INSERT INTO extra_absences (school_id, group_name, date, student_id) "
                          "VALUES (1, 'Шахматы', :d, 7)"), {"d": dt.date(2026, 11, 9)})
        assert conn.execute(text("SELECT address, phone FROM students")).one() == (ADDRESS, PHONE)
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == head_revision()
    engine.dispose()
