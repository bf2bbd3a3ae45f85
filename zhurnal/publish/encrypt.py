"""The step that locks a parent's PDFs with that parent's own password (``[diary] encrypt``).

AES-256 (PDF 2.0 security handler, R=6) via pikepdf/qpdf: every string and stream, the
document's metadata included, is encrypted, so nothing of the diary is readable without the
password. The owner password is random and thrown away: nobody needs to change the file.
Print bundles and the copies in ``outbox/<week>/diaries/`` stay as they are.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable

import pikepdf
from sqlalchemy import Connection

from zhurnal.core.settings import Settings
from zhurnal.school.credentials import Passwords, PupilPasswords


def encrypt_pdf(pdf: bytes, password: str) -> bytes:
    """``pdf`` that opens only with ``password`` (printing and copying allowed once opened)."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        doc.save(out, fix_metadata_version=False,    # Typst's metadata is fine; rewriting it costs ~7 ms a file
                 encryption=pikepdf.Encryption(user=password, owner=secrets.token_urlsafe(24),
                                               R=6, aes=True, metadata=True))
    return out.getvalue()


def parent_pdf_lock(conn: Connection, settings: Settings, school_id: int) -> Callable[[int, bytes], bytes]:
    """``lock(parent_id, pdf)``: the PDF as it goes into that parent's mail (unchanged when
    encryption is off). Raises :class:`~zhurnal.school.credentials.AccessKeyError` without the key."""
    if not settings.diary.encrypt:
        return lambda _parent, pdf: pdf
    passwords = Passwords(conn, settings.workspace, settings.school.code, school_id)
    return lambda parent, pdf: encrypt_pdf(pdf, passwords(parent))


def pupil_pdf_lock(conn: Connection, settings: Settings, school_id: int | None) -> Callable[[int, bytes], bytes]:
    """``lock(student_id, pdf)``: the pupil's own copy locked with the pupil's own password
    (:class:`~zhurnal.school.credentials.PupilPasswords`), unchanged when encryption is off."""
    if not settings.diary.encrypt:
        return lambda _pupil, pdf: pdf
    passwords = PupilPasswords(conn, settings.workspace, settings.school.code, school_id)
    return lambda pupil, pdf: encrypt_pdf(pdf, passwords(pupil))
