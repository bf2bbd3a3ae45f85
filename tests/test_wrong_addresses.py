"""A refused address (a 5xx) is a roster row to mend (issue 24.2): the next publish mails that
family nothing, prints their child's diary in the class's bundle, and names the address on the
bundle's cover (the class teacher's) and in a sheet of the deputy's summary; once the roster
changes the address, the family is mailed again."""

from __future__ import annotations

import subprocess

import openpyxl
from conftest import WEEK, mailed_children
from sqlalchemy import text, update
from test_send import Mailbox, smtp  # noqa: F401 — smtp is a fixture
from test_send_once import _use

from zhurnal.publish.run import publish_week
from zhurnal.publish.send import send_outbox
from zhurnal.store.schema import parents

SHEET = "Неверные адреса"


def _sole_receiver(ws) -> str:
    """An address of a parent who alone receives their children's diaries (so a refusal puts
    those diaries on paper rather than in another parent's mail)."""
    with ws.engine.connect() as conn:
        return conn.execute(text(
            "SELECT lower(p.email) FROM parents p JOIN guardianships g ON g.parent_id = p.id "
            "WHERE g.receives_diary AND p.email <> '' GROUP BY p.id, p.email HAVING NOT EXISTS ("
            " SELECT 1 FROM guardianships g2 JOIN parents p2 ON p2.id = g2.parent_id"
            " WHERE g2.student_id IN (SELECT student_id FROM guardianships WHERE parent_id = p.id)"
            " AND g2.parent_id <> p.id AND g2.receives_diary AND p2.email <> '') ORDER BY p.email LIMIT 1")).scalar()


def _who(ws, address: str) -> tuple[int, str, str, list[str]]:
    """The parent with ``address``: id, full name, their children's class, the children's names."""
    with ws.engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT p.id, p.full_name, s.class_code, s.full_name FROM parents p "
            "JOIN guardianships g ON g.parent_id = p.id JOIN students s ON s.id = g.student_id "
            "WHERE lower(p.email) = :a AND g.receives_diary ORDER BY s.full_name"), {"a": address}).all()
    classes = sorted({r[2] for r in rows})
    assert len(classes) == 1, rows
    return rows[0][0], rows[0][1], classes[0], [r[3] for r in rows]


def _summary_rows(ws) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(ws.settings.outbox / WEEK.label / "summaries" / f"Сводка_{WEEK.label}.xlsx")
    return {name: [tuple(c for c in row) for row in book[name].iter_rows(min_row=4, values_only=True)]
            for name in book.sheetnames}


def _cover(ws, class_code: str) -> str:
    pdf = ws.settings.outbox / WEEK.label / "print" / f"Печать_{class_code}.pdf"
    return subprocess.run(["pdftotext", "-l", "1", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_a_refused_address_goes_to_paper_and_is_named_until_the_roster_mends_it(week_ws, smtp):
    address = _sole_receiver(week_ws)
    assert address in mailed_children(week_ws)
    parent_id, parent, class_code, children = _who(week_ws, address)
    mailbox = Mailbox(refuse={address})
    _use(week_ws, smtp(mailbox))
    publish_week(week_ws.ctx(), WEEK)
    [(refused_id, _)] = send_outbox(week_ws.ctx(), sleep=lambda _: None).refused.items()
    assert SHEET not in _summary_rows(week_ws)          # nothing refused when this summary was made

    again = publish_week(week_ws.ctx(), WEEK)           # the next publish: the deputy's next summary
    assert any(address in line and class_code in line for line in again.failed), again.failed
    wrong = _summary_rows(week_ws)[SHEET]
    assert [row[:3] for row in wrong] == [(class_code, parent, address)] and "550" in wrong[0][3]
    assert wrong[0][4] == WEEK.label
    cover = " ".join(_cover(week_ws, class_code).split())
    assert "Неверные адреса родителей (1)" in cover and f"{parent} — «{address}»" in cover
    inside = cover.split("получат родители по почте")[0]         # the table of the diaries in the bundle
    assert children and all(child in inside for child in children)         # their diaries are printed
    with week_ws.engine.connect() as conn:
        mine = dict(conn.execute(text("SELECT message_id, status FROM mail_ledger WHERE parent_id = :p"),
                                 {"p": parent_id}).all())
    assert mine == {refused_id: "refused"}              # no new message, the refusal kept
    rcpts = mailbox.rcpts
    assert send_outbox(week_ws.ctx(), sleep=lambda _: None).refused == {}
    assert mailbox.rcpts == rcpts                        # the server was not asked again

    with week_ws.engine.begin() as conn:      # the class teacher mends the address in the roster
        conn.execute(update(parents).where(parents.c.id == parent_id).values(email="new.address@example.ru"))
    mended = publish_week(week_ws.ctx(), WEEK)
    assert not [line for line in mended.failed if address in line]
    assert SHEET not in _summary_rows(week_ws)
    assert "Неверные адреса" not in _cover(week_ws, class_code) if (
        week_ws.settings.outbox / WEEK.label / "print" / f"Печать_{class_code}.pdf").exists() else True
    third = send_outbox(week_ws.ctx(), sleep=lambda _: None)
    assert third.ok and [m["To"].addresses[0].addr_spec for m in mailbox.by_recipient()["new.address@example.ru"]] \
        == ["new.address@example.ru"]
