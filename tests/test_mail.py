"""The .eml writer is the standard library's generator made faster: its bytes must stay the
stock generator's, byte for byte, whatever the attachment sizes and header texts."""

from __future__ import annotations

import random
from email.generator import BytesGenerator
from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from io import BytesIO

import pytest

from zhurnal.core.settings import MailSettings
from zhurnal.publish.mail import CRLF, XLSX, build_message, eml_bytes

PDF = ("application", "pdf")


def stock(message) -> bytes:
    out = BytesIO()
    BytesGenerator(out, mangle_from_=False, policy=CRLF).flatten(message)
    return out.getvalue()


def by_hand(message, settings, sizes, rng_state):
    """The same message made with the standard library's own classes and encoders only."""
    rng = random.Random()
    rng.setstate(rng_state)
    expected = MIMEMultipart(policy=CRLF)
    expected.set_boundary(message.get_boundary())
    for name in ("From", "To"):
        expected[name] = message[name]
    expected["Subject"] = Header(str(message["Subject"]), "utf-8")
    for name in ("Date", "Message-ID", "Auto-Submitted"):
        expected[name] = message[name]
    body, *attached = message.get_payload()
    expected.attach(MIMEText(body.get_payload(decode=True).decode("utf-8"), "plain", "utf-8"))
    for n, (size, part) in enumerate(zip(sizes, attached, strict=True)):
        data = rng.randbytes(size)
        assert part.get_payload(decode=True) == data
        same = MIMEApplication(data, "pdf" if n % 2 else XLSX[1], policy=CRLF)
        same.add_header("Content-Disposition", "attachment", filename=("utf-8", "", part.get_filename()))
        expected.attach(same)
    return expected


@pytest.mark.parametrize("sizes", [[0], [1], [56, 57, 58], [76, 77], [1000, 123457], [4096, 3, 99999]])
def test_eml_bytes_are_the_stock_generators(sizes):
    rng = random.Random(sum(sizes))
    settings = MailSettings(sender_name="Электронный журнал школы № 17 имени очень длинного названия")
    for round_ in range(2):
        rng_state = rng.getstate()      # the second round folds the same headers again (from the kept folds)
        message = build_message(
            settings, to_name="Константинопольская-Длиннофамильная Елизавета Александровна",
            to_address=f"parent{round_}@пример.рф",
            subject="Исправленные дневники за неделю 23.11–29.11.2026: " + ", ".join(["Иванов Пётр"] * 6),
            body="Здравствуйте!\n" * 40 + "\r\nстрока с CR\rи LF\n",
            attachments=[(f"Дневник_{'Оченьдлинноеимя' * 5}_{n}.pdf", rng.randbytes(size), PDF if n % 2 else XLSX)
                         for n, size in enumerate(sizes)],
            msg_id=f"<diary.2026-W48.p{round_}.abc@school.zhurnal>")
        written = eml_bytes(message)
        assert written == stock(message)
        assert written == stock(by_hand(message, settings, sizes, rng_state))
        assert b"\r\n" in written and b"\n" not in written.replace(b"\r\n", b"")
