"""Parents' passwords and the access key (zhurnal.school.credentials) against an oracle of its own.

``independent()`` below derives a password from the rule as the module's text states it, with
hashlib and hmac directly (no zhurnal code); the literal vectors were printed once by it and
written here, so a change of the rule in the product fails the literals, and a change of any
input's part in the derivation fails the comparison over many inputs.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import os

import pytest
from sqlalchemy import create_engine, text

from zhurnal.school import credentials as c

KEY = b"0123456789abcdef0123456789abcdef"
NOON = dt.datetime(2026, 11, 27, 12, 0)
ALPHABET_31 = "23456789abcdefghjkmnpqrstuvwxyz"          # typed from the rule: no 0, 1, i, l, o


def independent(key: bytes, school: str, parent: int, version: int, person: str) -> str:
    """HMAC-SHA256 of "parent:<school>:<id>:<version>:<person>", a big-endian number, 15 base-31
    digits least significant first."""
    number = int.from_bytes(hmac.new(key, f"parent:{school}:{parent}:{version}:{person}".encode(),
                                     hashlib.sha256).digest(), "big")
    out = ""
    for _ in range(15):
        out += ALPHABET_31[number % 31]
        number //= 31
    return out


# (school, parent id, version, person) → the password, printed once by independent()
KNOWN = [
    ("school17", 7, 0, "иванова анна петровна\nanna@mail.ru", "nhdhrpnn75yzry8"),
    ("school17", 7, 1, "иванова анна петровна\nanna@mail.ru", "ubf2cybzffsq4dr"),
    ("school18", 7, 0, "иванова анна петровна\nanna@mail.ru", "jsmkc9qzw9v2f9s"),
    ("school17", 8, 0, "иванова анна петровна\nanna@mail.ru", "2k229vk5kyx6wmp"),
    ("school17", 7, 0, "", "8w4enf2danjqcwn"),
]


@pytest.mark.parametrize(("school", "parent", "version", "person", "expected"), KNOWN)
def test_known_answers_from_the_independent_derivation(school, parent, version, person, expected):
    assert independent(KEY, school, parent, version, person) == expected     # the oracle itself
    assert c.derive_password(KEY, school, parent, version, person) == expected


def test_every_part_of_the_input_changes_the_password_as_the_rule_says():
    for key in (KEY, b"another key of thirty-two bytes!", b"k" * 16):
        for school in ("school17", "school171", "7"):
            for parent in (1, 7, 70, 123456):
                for version in (0, 1, 2, 10):
                    for person in ("", "петров пётр\np@x.ru", "a\n"):
                        assert c.derive_password(key, school, parent, version, person) == \
                            independent(key, school, parent, version, person)


def test_all_31_characters_can_appear_and_no_other():
    seen = set()
    for parent in range(200):
        seen |= set(c.derive_password(KEY, "school17", parent, 0, ""))
    assert seen == set(ALPHABET_31) and c.ALPHABET == ALPHABET_31


@pytest.mark.parametrize(("name", "email", "person"), [
    ("Иванова  Анна\tПетровна ", " ANNA@Mail.RU ", "иванова анна петровна\nanna@mail.ru"),
    ("ИВАНОВА анна", None, "иванова анна\n"),
    ("Ёлкин Пётр", "", "ёлкин пётр\n"),
])
def test_the_person_is_the_folded_name_and_the_lower_case_address(name, email, person):
    assert c.person_of(name, email) == person


def test_a_slip_shows_three_groups_of_five():
    assert c.shown("abcdefghjkmnpqr") == "abcde fghjk mnpqr"
    assert c.shown("abcdefg") == "abcde fg"


def write_key(tmp_path, body: str, mode: int = 0o600):
    path = tmp_path / c.ACCESS_KEY_FILE
    path.write_text(body, encoding="utf-8")
    os.chmod(path, mode)
    return path


@pytest.mark.parametrize("mode", [0o600, 0o400, 0o700])
def test_a_key_its_owner_alone_can_read_is_read(tmp_path, mode):
    write_key(tmp_path, "# a comment\n\n  0123456789abcdef  \nsecond line ignored\n", mode)
    assert c.read_access_key(tmp_path) == b"0123456789abcdef"


def test_an_indented_comment_is_a_comment_not_the_key(tmp_path):
    write_key(tmp_path, "   # zhurnal: the key parents' passwords are derived from\n0123456789abcdef\n")
    assert c.read_access_key(tmp_path) == b"0123456789abcdef"


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o601, 0o610, 0o620, 0o602, 0o660])
def test_a_key_others_could_read_or_write_is_refused(tmp_path, mode):
    write_key(tmp_path, "0123456789abcdef\n", mode)
    with pytest.raises(c.AccessKeyError) as raised:
        c.read_access_key(tmp_path)
    assert raised.value.exit_code == 2 and f"{mode:04o}" in str(raised.value)


def test_only_the_first_line_is_the_key(tmp_path):
    write_key(tmp_path, "0123456789abcdef\nx\n")
    assert c.read_access_key(tmp_path) == b"0123456789abcdef"


@pytest.mark.parametrize("body", ["0123456789abcde\n", "0123456789abcde\n0123456789abcdef0123\n",
                                  "# only a comment\n", "", "\n\n"])
def test_a_short_or_empty_key_is_damaged(tmp_path, body):
    write_key(tmp_path, body)
    with pytest.raises(c.AccessKeyError, match="damaged"):
        c.read_access_key(tmp_path)


def test_a_missing_key_is_a_configuration_error(tmp_path):
    with pytest.raises(c.AccessKeyError, match="missing") as raised:
        c.read_access_key(tmp_path)
    assert raised.value.exit_code == 2
    (tmp_path / c.ACCESS_KEY_FILE).mkdir()                 # a folder in its place is no key either
    with pytest.raises(c.AccessKeyError, match="missing"):
        c.read_access_key(tmp_path)


def test_a_new_key_is_256_random_bits_its_owner_alone_reads_and_never_replaced(tmp_path):
    old = os.umask(0)                                        # the mode must not depend on the umask
    try:
        path = c.create_access_key(tmp_path)
    finally:
        os.umask(old)
    assert path == tmp_path / c.ACCESS_KEY_FILE
    assert path.stat().st_mode & 0o777 == 0o600
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# ") and len(lines) == 2
    assert len(base64.urlsafe_b64decode(lines[1] + "=")) == 32
    assert c.read_access_key(tmp_path) == lines[1].encode()
    assert c.create_access_key(tmp_path) is None
    assert path.read_text(encoding="utf-8").splitlines()[1] == lines[1]


def test_two_new_keys_differ(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    c.create_access_key(tmp_path / "a")
    c.create_access_key(tmp_path / "b")
    assert c.read_access_key(tmp_path / "a") != c.read_access_key(tmp_path / "b")


@pytest.fixture
def conn():
    engine = create_engine("sqlite://")
    c.s.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO schools (id, code, name) VALUES (1, 'school17', 'A'), (2, 'school18', 'B')"))
        connection.execute(text(
            "INSERT INTO parents (id, school_id, full_name, email) VALUES (7, 1, 'Иванова Анна Петровна', 'anna@mail.ru'),"
            " (8, 1, 'Петров Пётр', NULL), (9, 2, 'Сидорова Ольга', 'o@x.ru')"))
        yield connection
    engine.dispose()


def versions(conn) -> list[tuple]:
    return [tuple(r) for r in conn.execute(text(
        "SELECT school_id, parent_id, version, updated_at FROM parent_access ORDER BY 1, 2"))]


def test_a_reset_bumps_that_parents_version_in_that_school_only(conn):
    assert c.password_versions(conn, 1) == {}
    assert c.reset_password(conn, 1, 7, NOON + dt.timedelta(minutes=0)) == 1
    assert c.reset_password(conn, 1, 7, NOON + dt.timedelta(minutes=1)) == 2
    assert c.reset_password(conn, 2, 9, NOON + dt.timedelta(minutes=2)) == 1
    assert c.reset_password(conn, 1, 8, NOON + dt.timedelta(minutes=3)) == 1
    assert c.reset_password(conn, 1, 7, NOON + dt.timedelta(minutes=4)) == 3
    assert c.reset_password(conn, 1, 8, NOON + dt.timedelta(minutes=5)) == 2            # 7 left as it is
    assert versions(conn) == [(1, 7, 3, "2026-11-27 12:04:00.000000"), (1, 8, 2, "2026-11-27 12:05:00.000000"),
                              (2, 9, 1, "2026-11-27 12:02:00.000000")]
    assert c.password_versions(conn, 1) == {7: 3, 8: 2}
    assert c.password_versions(conn, 2) == {9: 1}


def test_a_schools_passwords_use_its_own_versions_and_people(conn, tmp_path):
    write_key(tmp_path, KEY.decode() + "\n")
    c.reset_password(conn, 1, 7, NOON + dt.timedelta(minutes=0))
    c.reset_password(conn, 1, 7, NOON + dt.timedelta(minutes=1))
    c.reset_password(conn, 2, 9, NOON + dt.timedelta(minutes=2))
    passwords = c.Passwords(conn, tmp_path, "school17", 1)
    assert passwords(7) == independent(KEY, "school17", 7, 2, "иванова анна петровна\nanna@mail.ru")
    assert passwords(8) == independent(KEY, "school17", 8, 0, "петров пётр\n")
    assert passwords(9) == independent(KEY, "school17", 9, 0, "")           # not a parent of this school
    other = c.Passwords(conn, tmp_path, "school18", 2)
    assert other(9) == independent(KEY, "school18", 9, 1, "сидорова ольга\no@x.ru")
    assert other(7) == independent(KEY, "school18", 7, 0, "")
