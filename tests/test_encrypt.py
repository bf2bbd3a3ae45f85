"""A parent's PDF locked with their password (zhurnal.publish.encrypt): nothing of it, the
document information and the XMP metadata included, is readable without the password.

The PDF is made here with pikepdf (a title, an author and an XMP packet naming a pupil); the
locked file's bytes are searched as they are and with every stream inflated, so a stream left
unencrypted is found whether or not it was compressed.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import re
import types
import zlib

import pikepdf
import pytest
from sqlalchemy import create_engine, text

from zhurnal.publish.encrypt import encrypt_pdf, parent_pdf_lock
from zhurnal.store import schema as s

PUPIL = "Кузнецова Дарья"
XMP_MARK = "diary-of-kuznetsova-7a"
PASSWORD = "nhdhrpnn75yzry8"


def plain_pdf() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    content = pikepdf.Stream(pdf, b"BT /F1 12 Tf 72 720 Td (diary-body-text) Tj ET")
    pdf.pages[0].Contents = pdf.make_indirect(content)
    with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
        meta["dc:title"] = XMP_MARK
        meta["pdf:PDFVersion"] = "1.3"               # not the locked file's version: must stay as written
    pdf.docinfo["/Title"] = f"Дневник: {PUPIL}"
    pdf.docinfo["/Author"] = "Школа 17"
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def readable(data: bytes) -> bytes:
    """The file's bytes, every hex string decoded and every stream that inflates, one after another."""
    parts = [data] + [bytes.fromhex(h.group(1).decode()) for h in re.finditer(rb"<([0-9a-fA-F]{8,})>", data)]
    for stream in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            parts.append(zlib.decompress(stream.group(1)))
        except zlib.error:
            pass
    return b"\n".join(parts)


def test_the_plain_pdf_shows_what_the_locked_one_must_hide():
    """The search below would find the metadata if it were there (the test's own check)."""
    seen = readable(plain_pdf())
    assert XMP_MARK.encode() in seen and PUPIL.encode("utf-16-be") in seen and b"diary-body-text" in seen


def test_nothing_is_readable_without_the_password():
    locked = encrypt_pdf(plain_pdf(), PASSWORD)
    seen = readable(locked)
    for secret in (XMP_MARK.encode(), PUPIL.encode("utf-16-be"), PUPIL.encode(), b"diary-body-text",
                   "Школа".encode("utf-16-be")):
        assert secret not in seen
    for wrong in ("", "nhdhrpnn75yzry9", PASSWORD.upper()):
        with pytest.raises(pikepdf.PasswordError):
            pikepdf.open(io.BytesIO(locked), password=wrong)


def test_the_password_opens_everything_unchanged_with_aes_256():
    source = plain_pdf()
    with pikepdf.open(io.BytesIO(source)) as original:
        xmp = original.Root.Metadata.read_bytes()
    with pikepdf.open(io.BytesIO(encrypt_pdf(source, PASSWORD)), password=PASSWORD) as pdf:
        assert pdf.is_encrypted and pdf.user_password_matched and not pdf.owner_password_matched
        assert (pdf.encryption.R, pdf.encryption.bits, pdf.encryption.stream_method) == (6, 256, pikepdf.models.EncryptionMethod.aesv3)
        assert str(pdf.docinfo["/Title"]) == f"Дневник: {PUPIL}"
        assert pdf.Root.Metadata.read_bytes() == xmp                 # the metadata as Typst wrote it
        assert b"diary-body-text" in pdf.pages[0].Contents.read_bytes()
        assert pdf.allow.print_highres and pdf.allow.extract and pdf.allow.accessibility


def test_two_lockings_differ_by_their_random_owner_password():
    source = plain_pdf()
    assert encrypt_pdf(source, PASSWORD) != encrypt_pdf(source, PASSWORD)


def independent(key: bytes, school: str, parent: int, person: str) -> str:
    alphabet, out = "23456789abcdefghjkmnpqrstuvwxyz", ""
    number = int.from_bytes(hmac.new(key, f"parent:{school}:{parent}:0:{person}".encode(), hashlib.sha256).digest(), "big")
    for _ in range(15):
        number, digit = divmod(number, 31)
        out += alphabet[digit]
    return out


@pytest.fixture
def store(tmp_path):
    (tmp_path / ".zhurnal-access-key").write_text("0123456789abcdef0123\n")
    (tmp_path / ".zhurnal-access-key").chmod(0o600)
    engine = create_engine("sqlite://")
    s.metadata.create_all(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO schools (id, code, name) VALUES (1, 'school17', 'A')"))
        conn.execute(text("INSERT INTO parents (id, school_id, full_name, email) VALUES (7, 1, 'Кузнецова Ирина', 'i@x.ru')"))
        yield conn
    engine.dispose()


def settings(tmp_path, encrypt: bool):
    return types.SimpleNamespace(diary=types.SimpleNamespace(encrypt=encrypt), workspace=tmp_path,
                                 school=types.SimpleNamespace(code="school17"))


def test_the_lock_uses_each_parents_own_password(store, tmp_path):
    lock = parent_pdf_lock(store, settings(tmp_path, True), 1)
    locked = lock(7, plain_pdf())
    own = independent(b"0123456789abcdef0123", "school17", 7, "кузнецова ирина\ni@x.ru")
    with pikepdf.open(io.BytesIO(locked), password=own) as pdf:
        assert pdf.is_encrypted
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(io.BytesIO(locked), password=independent(b"0123456789abcdef0123", "school17", 8, ""))


def test_encryption_off_hands_the_pdf_over_unchanged_and_needs_no_key(store, tmp_path):
    (tmp_path / ".zhurnal-access-key").unlink()
    source = plain_pdf()
    assert parent_pdf_lock(store, settings(tmp_path, False), 1)(7, source) is source
