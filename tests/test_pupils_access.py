"""Pupils' own access (issue 28, point 6): from ``[diary] pupils_from_grade`` on, each pupil
with an address of their own (the roster's «Электронная почта ученика») gets their own letter
with only their own diary, locked with their own password (printed on their own slip), and the
ledger keys them as recipients of their own."""

from __future__ import annotations

import email
import io
import re
import subprocess
from email.policy import default

import pikepdf
import pytest
from conftest import WEEK, findings_of, status_of
from sqlalchemy import update

from zhurnal.core.sections import DiarySettings
from zhurnal.publish import ledger
from zhurnal.publish.run import publish_week
from zhurnal.publish.slips import parent_slips
from zhurnal.school.credentials import derive_password, derive_pupil_password, read_access_key
from zhurnal.store import schema as s

PASSWORD = re.compile(r"[2-9a-z]{5} [2-9a-z]{5} [2-9a-z]{5}")    # as a slip prints it


def _text(path, password: str = "") -> str:
    args = ["pdftotext", "-layout", *(["-upw", password] if password else []), str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def _mails(ws, kind: str) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(p.read_bytes(), policy=default)
            for p in sorted((ws.settings.outbox / WEEK.label / "mail").glob(f"{kind}.*.eml"))]


def _slip_password(text: str, name: str) -> str:
    """The password after the last slip naming ``name`` (a pupil's own slip comes after every
    parent's, whose «Дети» line names the pupil too)."""
    return PASSWORD.search(text, text.rfind(name)).group(0).replace(" ", "")


@pytest.mark.slow
def test_each_pupil_gets_only_their_own_diary_with_their_own_password(week_ws, tmp_path):
    """GIVEN every pupil with an address of their own and encrypted diaries WHEN the week is
    published with pupils' access off THEN the letters are the families' only; WHEN it is on
    from a grade THEN each pupil of that grade and above gets one letter, to their own address,
    holding one PDF that opens with the password on their own slip (not with their parent's),
    whose text names them and no other pupil; younger pupils get nothing; publishing again
    mails nobody twice."""
    ws = week_ws
    with ws.engine.begin() as conn:
        for st in ws.rows(s.students):
            conn.execute(update(s.students).where(s.students.c.id == st["id"]).values(email=f"pupil{st['id']}@school17.ru"))
    students = {st["id"]: st for st in ws.rows(s.students)}
    grades = {c["code"]: c["grade"] for c in ws.rows(s.classes)}
    from_grade = sorted(set(grades.values()))[len(set(grades.values())) // 2]     # some classes in, some out
    encrypt = DiarySettings(encrypt=True)

    ws.settings = ws.settings.model_copy(update={"diary": encrypt})
    report = publish_week(ws.ctx(), WEEK)
    families = len(_mails(ws, "diary"))
    assert families == report.mails > 0
    assert _mails(ws, "pupil") == [] and report.pupil_mails == 0     # off: nothing changes

    ws.settings = ws.settings.model_copy(update={"diary": DiarySettings(encrypt=True, pupils_from_grade=from_grade)})
    report = publish_week(ws.ctx(), WEEK)
    assert len(_mails(ws, "diary")) == families                        # the parents' letters as before
    expected = {st["email"]: st for st in students.values()
                if grades[st["class_code"]] >= from_grade and st["active"]}
    letters = _mails(ws, "pupil")
    assert {m["To"].addresses[0].addr_spec for m in letters} == set(expected)
    assert report.pupil_mails == len(letters) == len(expected) > 0
    slips = {code: _text(parent_slips(ws.ctx(), code)[0]) for code in grades}
    assert all("Ученик" not in text for code, text in slips.items() if grades[code] < from_grade)
    parents = {link["student_id"]: link for link in _guardians(ws)}
    key = read_access_key(ws.path)
    for number, message in enumerate(letters):
        pupil = expected[message["To"].addresses[0].addr_spec]
        own = _slip_password(slips[pupil["class_code"]], pupil["full_name"])
        attachments = list(message.iter_attachments())
        assert len(attachments) == 1
        data = attachments[0].get_content()
        with pikepdf.open(io.BytesIO(data), password=own) as pdf:
            assert pdf.encryption.bits == 256
        parent = parents.get(pupil["id"])
        if parent is not None:      # the pupil's parent's own password does not open it
            with pytest.raises(pikepdf.PasswordError):
                pikepdf.open(io.BytesIO(data), password=derive_password(
                    key, ws.settings.school.code, parent["id"], 0, _person(parent["full_name"], parent["email"])))
        if number < 3:              # the text: this pupil's name and no other pupil's
            plain = tmp_path / f"{number}.pdf"
            plain.write_bytes(data)
            text = " ".join(_text(plain, own).split())
            assert pupil["full_name"] in text
            assert [st["full_name"] for st in students.values()
                    if st["id"] != pupil["id"] and st["full_name"] in text] == []
    # the slip's password is the pupil's derivation (its own kind), not a parent's with the same id
    sample = next(iter(expected.values()))
    assert _slip_password(slips[sample["class_code"]], sample["full_name"]) == derive_pupil_password(
        key, ws.settings.school.code, sample["id"], _person(sample["full_name"], sample["email"]))

    # the ledger keys each pupil as a recipient: once sent, publishing again mails nobody twice
    with ws.engine.begin() as conn:
        rows = ledger.pending(conn, 1, "pupil", WEEK.label)
        assert sorted(r["student_id"] for r in rows) == sorted(st["id"] for st in expected.values())
        assert all(r["parent_id"] is None for r in rows)
        for row in rows:
            ledger.mark(conn, row["message_id"], "sent")
    again = publish_week(ws.ctx(), WEEK)
    assert again.pupil_mails == 0
    with ws.engine.connect() as conn:
        assert ledger.pending(conn, 1, "pupil", WEEK.label) == []


def _person(name: str, address: str | None) -> str:
    from zhurnal.school.credentials import person_of
    return person_of(name, address)


def _guardians(ws) -> list[dict]:
    with ws.engine.connect() as conn:
        return [dict(r) for r in conn.exec_driver_sql(
            "SELECT p.id, p.full_name, p.email, g.student_id FROM guardianships g JOIN parents p ON p.id = g.parent_id "
            "WHERE g.receives_diary AND p.email <> ''").mappings()]


def test_the_pupils_own_address_is_read_from_the_roster_and_checked(loaded):
    """GIVEN a roster whose pupils' sheet has «Электронная почта ученика» WHEN one pupil's is not
    an address THEN the roster is rejected with ``invalid-email`` at that cell; WHEN it is one
    THEN the store keeps it as a parent's address is kept (lower case, the domain in ASCII)."""
    spec = loaded.roster_spec("7А").sheet("Ученики")
    column = chr(ord("A") + [f.key for f in spec.fields].index("email"))
    data = loaded.prefilled_roster("7А")
    data["Ученики"][0]["email"] = "ученик@почта"
    loaded.drop_roster("7А", data)
    report = loaded.ingest()
    assert status_of(report) == {"roster_7А.xlsx": "rejected"}
    assert ("Ученики", f"{column}2", "invalid-email") in findings_of(report)
    data["Ученики"][0]["email"] = "Petrov.Ivan@Почта.рф"
    loaded.drop_roster("7А", data, name="roster_7А_2.xlsx")
    assert status_of(loaded.ingest()) == {"roster_7А_2.xlsx": "accepted"}
    stored = {st["full_name"]: st["email"] for st in loaded.rows(s.students) if st["class_code"] == "7А"}
    assert stored[data["Ученики"][0]["full_name"]] == "petrov.ivan@xn--80a1acny.xn--p1ai"   # as a parent's: lower case, ASCII domain
    assert sum(1 for address in stored.values() if address) == 1


def test_a_pupils_address_shared_with_another_pupil_or_a_parent_is_refused(loaded):
    """GIVEN the 7А roster WHEN a pupil's own address is another pupil's (in other letter case)
    or a parent's of the roster THEN the roster is rejected with ``pupil-email-shared`` /
    ``pupil-email-is-parents`` at that pupil's cell (their diary would reach someone else) and
    nothing of it is stored."""
    spec = loaded.roster_spec("7А").sheet("Ученики")
    column = chr(ord("A") + [f.key for f in spec.fields].index("email"))
    data = loaded.prefilled_roster("7А")
    parent = next(p["email"] for p in data["Родители"] if p.get("email"))
    data["Ученики"][0]["email"] = "pupil1@example.ru"
    data["Ученики"][1]["email"] = "PUPIL1@example.ru"
    data["Ученики"][2]["email"] = parent
    loaded.drop_roster("7А", data)
    report = loaded.ingest()
    assert status_of(report) == {"roster_7А.xlsx": "rejected"}
    found = findings_of(report)
    assert ("Ученики", f"{column}3", "pupil-email-shared") in found
    assert ("Ученики", f"{column}4", "pupil-email-is-parents") in found
    assert not any(st["email"] for st in loaded.rows(s.students))


def test_a_pupils_message_id_follows_the_pupil_when_a_store_is_copied():
    """GIVEN a pupil's own letter in the ledger (``pupil.<week>.u<pupil>.…``) WHEN ``db copy``
    shifts the students' ids THEN its Message-ID names the pupil's new id (so a rerun of publish
    after the copy does not mail the pupil again), a parent's keeps the parents' shift; the
    comparison names the pupil by class and name."""
    from zhurnal.store.compare import Keys
    from zhurnal.store.copy import _Ids, _message_id
    ids = _Ids()
    ids.shift = {"students": 100, "parents": 7}
    assert _message_id(ids, "<pupil.2026-W48.u12.0123456789abcdef@school17.zhurnal>") == \
        "<pupil.2026-W48.u112.0123456789abcdef@school17.zhurnal>"
    assert _message_id(ids, "<diary.2026-W48.p12.0123456789abcdef@school17.zhurnal>") == \
        "<diary.2026-W48.p19.0123456789abcdef@school17.zhurnal>"
    keys = Keys({"students": [{"id": 12, "class_code": "7А", "full_name": "Иванов Иван"}]})
    assert keys.message_id("<pupil.2026-W48.u12.0123@s.zhurnal>") == "<pupil.2026-W48.u[7А/Иванов Иван].0123@s.zhurnal>"
