"""Building the messages zhurnal sends: RFC 5322, UTF-8, Russian text, PDFs or workbooks attached."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import re
from datetime import tzinfo
from io import BytesIO
from email.generator import BytesGenerator
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr
from pathlib import Path

from zhurnal.core.atomic import write_bytes
from zhurnal.text.numbers import counted, plural
from zhurnal.core.settings import MailSettings

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
                  zone: tzinfo = dt.timezone.utc) -> MIMEMultipart:
    """One message with its attachments ``(file name, bytes, (maintype, subtype))``, dated now
    in the school's ``zone`` (``Date: Wed, 02 Dec 2026 14:05:00 +0300``)."""
    message = MIMEMultipart(policy=CRLF)
    # a boundary no part can hold ("_" is not in base64's alphabet, and every part is base64):
    # the generator would otherwise search the whole flattened message for a free one
    message.set_boundary("=_zhurnal_" + hashlib.sha256(msg_id.encode()).hexdigest()[:32])
    message["From"] = _address(settings.sender_name, settings.sender_address)
    message["To"] = _address(to_name, to_address)
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


def _contacts(teachers: list[tuple[str, str, str]]) -> str:
    """«классному руководителю Петровой …» → who to write to: ``(class, name, email)`` each."""
    def one(name: str, address: str) -> str:
        return f"{name} ({address})" if address else name
    if len(teachers) == 1:
        _, name, address = teachers[0]
        return f"классному руководителю: {one(name, address)}"
    return "классным руководителям: " + "; ".join(f"{code} — {one(name, address)}" for code, name, address in teachers)


def diary_body(parent: str, children: list[str], title: str, school: str, kind: str = "diary",
               correction: bool = False, changes: list[str] | None = None,
               teachers: list[tuple[str, str, str]] = ()) -> str:
    """The text of a parent's message, in the singular or plural by the number of children;
    ``teachers`` are the children's class teachers ``(class, name, email)``. A ``correction`` of
    what was delivered before lists ``changes`` (an empty list: marks unchanged, other records;
    None: nothing to compare with, the earlier message predates kept data)."""
    many = len(children) > 1
    names = ", ".join(children[:-1]) + f" и {children[-1]}" if many else children[0]
    if kind == "diary":
        what = (f"{'электронные дневники' if many else 'электронный дневник'} за {title}: {names}.\n"
                f"В {'них' if many else 'нём'} отметки, домашние задания, темы уроков, пропуски и средние баллы.")
        document, documents = "дневник", "дневники"
    else:
        what = (f"{'табели' if many else 'табель'} успеваемости за {title}: {names}.\n"
                f"В {'них' if many else 'нём'} отметки за период, средние баллы и пропуски.")
        document, documents = "табель", "табели"
    paragraph = ""
    if correction:
        listed = "".join(f"— {line}\n" for line in changes) if changes else \
            "— отметки за неделю прежние; изменились другие записи (средние баллы, темы, задания или пропуски)\n"
        replaces = (f"Это исправленные {documents}: они заменяют {documents} за {title}, отправленные вам ранее."
                    if many else
                    f"Это исправленный {document}: он заменяет {document} за {title}, отправленный вам ранее.")
        paragraph = f"\n{replaces}" + (f" Что изменилось:\n{listed}" if changes is not None else "\n")
    ask = f"напишите {_contacts(list(teachers))}" if teachers else "сообщите классному руководителю"
    return (f"Здравствуйте, {parent}!\n\n"
            f"Во вложении — {what}\n{paragraph}\n"
            f"Это письмо отправлено автоматически, отвечать на него не нужно. Если вы заметили ошибку, "
            f"{ask}.\n\n{school}\n")


def feedback_body(teacher: str, file_name: str, errors: int) -> str:
    return (f"Здравствуйте, {teacher}!\n\n"
            f"Книга «{file_name}» не принята: {plural(errors, 'найдена', 'найдены', 'найдено')} "
            f"{counted(errors, 'ошибка', 'ошибки', 'ошибок')}. Во вложении ваша книга, в которой "
            f"ошибочные ячейки выделены цветом и снабжены примечаниями, а первый лист «Ошибки» содержит их список "
            f"со ссылками.\n\nИсправьте ячейки и сдайте книгу снова.\n")
