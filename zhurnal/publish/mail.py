"""Building the messages zhurnal sends: RFC 5322, UTF-8, Russian text, PDFs or workbooks attached."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import re
from collections.abc import Sequence
from datetime import tzinfo
from email.generator import BytesGenerator
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr
from io import BytesIO
from pathlib import Path

from zhurnal.core.atomic import write_bytes
from zhurnal.core.settings import MailSettings
from zhurnal.text import mail as words
from zhurnal.text.mail import fill
from zhurnal.text.numbers import counted, plural

XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def message_id(kind: str, key: str, digest: str, school_code: str) -> str:
    """A Message-ID that is the same for the same content, so a rerun cannot mail it twice."""
    safe = re.sub(r"[^A-Za-z0-9.-]", "-", key)
    return f"<{kind}.{safe}.{digest[:16]}@{school_code}.zhurnal>"


# The classic header encoder keeps the spaces inside RFC 2047 encoded words when it folds a long
# Cyrillic subject; the modern one (email.policy.SMTP) drops them between folded words.
CRLF = compat32.clone(linesep="\r\n")
_LINES = re.compile(rb".{1,76}", re.DOTALL)      # a base64 text's lines (it holds no line breaks)


def check_address(address: str) -> None:
    """Raise ValueError for an address a plain SMTP server cannot take (see :func:`_address`)."""
    _address("", address)


def _address(name: str, address: str) -> str:
    """``Name <address>`` for a header; a Cyrillic domain in its ASCII (IDNA) form. An address
    with Cyrillic before «@» (stored before the roster checked for it) raises ValueError."""
    local, _, domain = address.rpartition("@")
    if not local.isascii():
        raise ValueError(f"address {address!r} cannot be sent without SMTPUTF8")
    return formataddr((str(Header(name, "utf-8")), f"{local}@{domain.encode('idna').decode('ascii')}"))


def build_message(settings: MailSettings, *, to_name: str, to_address: str, subject: str, body: str,
                  attachments: list[tuple[str, bytes, tuple[str, str]]], msg_id: str,
                  zone: tzinfo = dt.timezone.utc, reply_to: Sequence[tuple[str, str]] = ()) -> MIMEMultipart:
    """One message with its attachments ``(file name, bytes, (maintype, subtype))``, dated now
    in the school's ``zone`` (``Date: Wed, 02 Dec 2026 14:05:00 +0300``); ``reply_to``: the
    people ``(name, address)`` a reply goes to (RFC 5322 §3.6.2: without it a reply would go
    to the robot in From). An unusable reply address raises ValueError like the recipient's."""
    message = MIMEMultipart(policy=CRLF)
    # a boundary no part can hold ("_" is not in base64's alphabet, and every part is base64):
    # the generator would otherwise search the whole flattened message for a free one
    message.set_boundary("=_zhurnal_" + hashlib.sha256(msg_id.encode()).hexdigest()[:32])
    message["From"] = _address(settings.sender_name, settings.sender_address)
    message["To"] = _address(to_name, to_address)
    if reply_to:
        message["Reply-To"] = ", ".join(_address(name, address) for name, address in reply_to)
    message["Subject"] = Header(subject, "utf-8")
    message["Date"] = format_datetime(dt.datetime.now(zone).replace(microsecond=0))
    message["Message-ID"] = msg_id
    message["Auto-Submitted"] = "auto-generated"
    message.attach(MIMEText(body, "plain", "utf-8"))
    for name, data, (_, subtype) in attachments:   # PDFs and workbooks: all application/*
        part = _attachment(data, subtype)
        part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name))
        message.attach(part)
    return message


def eml_name(msg_id: str) -> str:
    """The file name of a message in ``outbox/<week>/mail/``."""
    return re.sub(r"[<>@/\\]", "_", msg_id).strip("_") + ".eml"


@functools.lru_cache(maxsize=4096)
def _folded(name: str, value: str) -> bytes:
    """``CRLF.fold_binary`` of a header given as text, kept: most headers of a week's messages
    repeat (the sender, the parts' types), and folding builds a Header for each."""
    return CRLF.fold_binary(name, value)


class _Generator(BytesGenerator):
    """The stock generator, but an attachment made by :func:`_attachment` has its body written
    as kept there, and headers given as text are folded once per value (most of a week's
    publishing time went to splitting, re-encoding and writing each 76-character line of the
    attachments, and to folding the same headers again). The bytes are the same."""

    def _write_headers(self, msg) -> None:
        for name, value in msg.raw_items():
            self._fp.write(_folded(name, value) if isinstance(value, str) and self.policy is CRLF
                           else self.policy.fold_binary(name, value))
        self.write(self._NL)

    def _handle_application(self, msg) -> None:
        kept = getattr(msg, "_crlf_body", None)
        if kept is not None and kept[0] is msg._payload and self._NL == "\r\n":
            self._fp.write(kept[1])
        else:
            self._handle_text(msg)


def _attachment(data: bytes, subtype: str) -> MIMENonMultipart:
    """``MIMEApplication(data, subtype)`` with the stock base64 encoder, built without its
    round trip of the bytes through surrogate-escaped text; the body as the generator writes it
    (CRLF lines) is kept on the part beside the payload it was made from."""
    part = MIMENonMultipart("application", subtype, policy=CRLF)
    # base64.encodebytes' lines (what email.encoders.encode_base64 uses: 76 characters, each
    # ended), cut by one regular expression instead of a Python loop over 57-byte pieces
    lines = _LINES.findall(base64.b64encode(data))
    body = b"\r\n".join(lines) + b"\r\n" if lines else b""
    payload = body.replace(b"\r\n", b"\n").decode("ascii")
    part.set_payload(payload)
    part["Content-Transfer-Encoding"] = "base64"
    part._crlf_body = (payload, body)
    return part


def eml_bytes(message: MIMEMultipart) -> bytes:
    """The message as an .eml file holds it (CRLF line endings), as ``as_bytes(policy=CRLF)``."""
    out = BytesIO()
    _Generator(out, mangle_from_=False, policy=CRLF).flatten(message)
    return out.getvalue()


def write_eml(message: MIMEMultipart, folder: Path) -> Path:
    """Save as ``<folder>/<message id>.eml`` (atomically, so a half-written file is never sent)."""
    folder.mkdir(parents=True, exist_ok=True)
    return write_bytes(folder / eml_name(message["Message-ID"]), eml_bytes(message))


def _who(teachers: list[tuple[str, str, str]], template_one, template_many) -> str:
    """The class teachers ``(class, name, address)`` as a letter names them: «Петрова А. И.
    (petrova@…)» for one class, «5А — …; 7Б — …» for several; a teacher without an address by name."""
    def one(code: str, name: str, address: str) -> str:
        if not address:
            return f"{code} — {name}" if len(teachers) > 1 else name
        if len(teachers) > 1:
            return fill(words.CLASS_TEACHER_AT, code=code, name=name, address=address)
        return fill(words.TEACHER_AT, name=name, address=address)
    return fill(template_one if len(teachers) == 1 else template_many,
                who="; ".join(one(*teacher) for teacher in teachers))


def diary_body(parent: str, children: list[str], title: str, school: str, kind: str = "diary",
               correction: bool = False, changes: list[str] | None = None,
               teachers: list[tuple[str, str, str]] = (), *, locked: bool = False, summary: str = "") -> str:
    """The text of a parent's message, in the singular or plural by the number of children.

    ``teachers`` are the children's class teachers ``(class, name, reply address)``: those with
    an address are named as who reads a reply (the message's Reply-To, :func:`build_message`);
    with none, the letter says a reply reaches nobody. A ``correction`` of what was delivered
    before lists ``changes`` (an empty list: marks unchanged, other records; None: nothing to
    compare with, the earlier message predates kept data). ``locked``: the attachments open
    with the parent's password (a line says where it is). ``summary``: what happened, ready
    text (:mod:`zhurnal.publish.letter_summary`). Texts: :mod:`zhurnal.text.mail`."""
    many = len(children) > 1
    key = (kind if kind in ("diary", "year") else "report", many)
    names = fill(words.NAMES_AND, first=", ".join(children[:-1]), last=children[-1]) if many else children[0]
    paragraph = ""
    if correction:
        listed = "".join(f"— {line}\n" for line in (changes or [words.FAMILY_MARKS_SAME]))
        replaces = fill(words.FAMILY_REPLACES[key], title=title)
        paragraph = f"\n{replaces}" + (words.FAMILY_CHANGED + listed if changes is not None else "\n")
    readers = [t for t in teachers if t[2]]
    if readers:
        answer = _who(readers, words.REPLY_ONE, words.REPLY_MANY)
    else:
        ask = _who(list(teachers), words.ASK_TEACHER, words.ASK_TEACHERS) if teachers else words.ASK_NOBODY
        answer = fill(words.REPLY_NOBODY, ask=ask)
    password = f"\n{words.PASSWORD[many]}{words.PASSWORD_WHERE}" if locked else ""
    return fill(words.FAMILY_BODY, parent=parent, what=fill(words.FAMILY_WHAT[key], title=title, names=names),
                summary=f"\n{summary.rstrip()}\n" if summary.strip() else "", paragraph=paragraph,
                password=password, answer=answer, school=school)


def feedback_body(teacher: str, file_name: str, errors: int) -> str:
    """The letter returning a rejected workbook to its teacher (:mod:`zhurnal.text.mail`)."""
    return fill(words.FEEDBACK_BODY, teacher=teacher, file=file_name, found=plural(errors, *words.FEEDBACK_FOUND),
                errors=counted(errors, *words.FEEDBACK_ERRORS))
