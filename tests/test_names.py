"""Names and addresses made safe where they enter (issue 26, point 3): file names cut in bytes
with a stable hash and free of format controls; names NFC without Cf (a warning at the cell),
no longer than their field allows; addresses that a mail program reads as exactly themselves."""

from __future__ import annotations

import email
import unicodedata
from email.policy import default
from pathlib import Path

import pytest
from conftest import WEEK, findings_of, mailed_children, s, status_of

from zhurnal.core.filenames import MAX_NAME_BYTES, safe_name
from zhurnal.publish.run import publish_week
from zhurnal.validate.normalize import BadValue, to_email

LONG = "Ы" + "ы" * 119 + " " + "Щ" + "щ" * 129 + " " + "Ж" + "ж" * 129      # 380 letters
RLO = "\u202e"


def _has_format_controls(text: str) -> bool:
    return any(unicodedata.category(c) == "Cf" for c in text)


def test_a_long_name_is_cut_in_bytes_with_a_stable_hash():
    cut = safe_name(LONG)
    assert len(cut.encode()) <= MAX_NAME_BYTES and cut.startswith("Ыыы") and cut[-9] == "~"
    assert safe_name(LONG) == cut                                     # the same name, the same file
    assert safe_name(LONG[:-1] + "а") != cut                          # same beginning, another file
    assert safe_name("Иванов Иван") == "Иванов Иван"                  # a short name is left as it is
    assert len(safe_name("й" * 200, 50).encode()) <= 50               # never half a letter
    assert safe_name("Петров" + RLO + "fdp.exe") == "Петровfdp.exe"
    assert safe_name("Е\u0308лкин") == "Ёлкин"                        # NFC: one letter, not two


@pytest.mark.parametrize(("typed", "code"), [
    ("director(x@evil.example)", "email-invalid"),   # SMTP would send to bare «director»
    ('a"@b.ru', "email-invalid"),                    # a quote that swallows what follows
    ('"ab"@b.ru', "email-invalid"),                  # a quoted local part
    ("Мама <mama@mail.ru>", "invalid-email"),
    ("a..b@mail.ru", "email-invalid"),
    ("мама@mail.ru", "email-not-ascii"),
    ("director@[192.0.2.1]", "email-invalid"),       # a domain literal: no school's parent has one
])
def test_an_address_read_otherwise_by_a_mail_program_is_refused(typed, code):
    with pytest.raises(BadValue) as caught:
        to_email(typed)
    assert caught.value.code == code


def test_an_address_of_254_characters_is_the_longest():
    """RFC 5321 §4.5.3.1.3: a path is at most 256 characters with its angle brackets."""
    domain = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 48]) + ".ru"     # 243 characters
    assert len(to_email("x" * 10 + "@" + domain)) == 254
    with pytest.raises(BadValue) as caught:
        to_email("x" * 11 + "@" + domain)
    assert caught.value.code == "email-invalid"


def test_good_addresses_are_kept_as_sent():
    assert to_email("Ivanova.A@Mail.RU") == "ivanova.a@mail.ru"
    assert to_email("mailto:petrov+school@yandex.ru") == "petrov+school@yandex.ru"
    assert to_email("a@почта.рф") == "a@xn--80a1acny.xn--p1ai"


def test_bad_addresses_are_findings_at_their_cells(loaded):
    data = loaded.prefilled_roster("7А")
    parents = data["Родители"]
    parents[0]["email"] = "director(x@evil.example)"
    parents[1]["email"] = 'a"@b.ru'
    loaded.drop_roster("7А", data)
    report = loaded.ingest()
    assert status_of(report) == {"roster_7А.xlsx": "rejected"}
    assert {("Родители", "E2", "email-invalid"), ("Родители", "E3", "email-invalid")} <= findings_of(report)


def test_a_name_of_380_letters_and_one_with_a_bidi_override_publish(week_ws):
    """GIVEN a roster that renames one pupil to 380 letters and gives another a right-to-left
    override WHEN it is ingested and the week published THEN the override is dropped with a
    warning at its cell, and every diary and attachment name fits and holds no format control."""
    data = week_ws.prefilled_roster("7А")
    students = data["Ученики"]
    mailed = {name for names in mailed_children(week_ws).values() for name in names}
    first, second = [i for i, row in enumerate(students) if row["full_name"] in mailed][:2]
    disguised = students[second]["full_name"] + RLO + "fdp.exe"
    renamed = {students[first]["full_name"]: LONG, students[second]["full_name"]: disguised}
    for row in students:
        row["full_name"] = renamed.get(row["full_name"], row["full_name"])
    for row in data["Родители"]:                                      # their parents name them anew
        row["student"] = renamed.get(row["student"], row["student"])
    week_ws.drop_roster("7А", data)
    report = week_ws.ingest()
    assert status_of(report) == {"roster_7А.xlsx": "accepted"}, findings_of(report)
    assert ("Ученики", f"B{second + 2}", "format-control-removed") in findings_of(report)
    names = {r["full_name"] for r in week_ws.rows(s.students)}
    assert LONG in names and disguised.replace(RLO, "") in names and not any(RLO in n for n in names)

    published = publish_week(week_ws.ctx(), WEEK)
    assert published.ok, published.failed
    out = Path(published.outbox)
    diaries = [p.name for p in (out / "diaries").rglob("*.pdf")]
    assert any(n.startswith("Ыыы") for n in diaries) and any("fdp.exe" in n for n in diaries)
    attached = [part.get_filename() for path in (out / "mail").glob("diary.*.eml")
                for part in email.message_from_bytes(path.read_bytes(), policy=default).iter_attachments()]
    assert any("Ыыы" in a for a in attached) and any("fdp.exe" in a for a in attached)
    for name in diaries + attached + [p.name for p in out.rglob("*")]:
        assert len(name.encode()) <= 255 - 40 and not _has_format_controls(name), name
