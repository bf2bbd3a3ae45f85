"""Roster freshness: a class whose roster was not confirmed for more than a week is listed by
``status`` and on the deputy's control sheet; handing the roster in unchanged confirms it."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from conftest import WEEK, s, status_of
from sqlalchemy import update

from zhurnal.batch.status import workspace_status
from zhurnal.publish.summaries import write_summary
from zhurnal.publish.summary_data import week_summary
from zhurnal.report.status import status_text
from zhurnal.school.roster_freshness import stale_rosters
from zhurnal.school.snapshot import load_school
from zhurnal.text.i18n import speaking

CONFIRMED = dt.datetime(2026, 11, 20, 10, 0)     # every roster of the fixture, set by the test
SATURDAY = dt.datetime(2026, 11, 28, 12, 0)      # 8 days on


def _confirmed_at(ws, when: dt.datetime) -> list[str]:
    """Every class's roster confirmed at ``when`` (the fixture's rosters came in at the real
    clock's time); the classes, as the setup holds them."""
    with ws.engine.begin() as conn:
        conn.execute(update(s.roster_confirmations).values(received_at=when))
        return [code for (code,) in conn.exec_driver_sql("SELECT code FROM classes")]


def _confirmations(ws, class_code: str) -> list[dt.datetime]:
    return sorted(r["received_at"] for r in ws.rows(s.roster_confirmations) if r["class_code"] == class_code)


def _listed_in_control(ws, tmp_path) -> dict[str, tuple]:
    """Class → (class teacher, confirmed, days ago) as the week's control sheet lists them,
    read back with openpyxl."""
    ctx = ws.ctx()
    with ctx.engine.connect() as conn:
        data = week_summary(conn, load_school(conn, ctx.school_id), ctx.settings, WEEK)
    book = openpyxl.load_workbook(write_summary(tmp_path / "summary.xlsx", data, ctx.settings, with_week=True))
    rows = [r for r in book["Ведение журнала"].iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if (r[0] or "").startswith("Списки классов не подтверждены"))
    assert rows[start][0] == "Списки классов не подтверждены больше 7 дн."
    assert list(rows[start + 1][:4]) == ["Класс", "Классный руководитель", "Подтверждён", "Дней назад"]
    listed = {}
    for row in rows[start + 2:]:
        if not row[0]:
            break
        listed[row[0]] = tuple(row[1:4])
    return listed


@pytest.mark.both_stores
def test_a_roster_older_than_a_week_is_listed_and_handing_it_in_unchanged_clears_it(loaded, tmp_path):
    """GIVEN every roster confirmed on 20.11 WHEN asked on 27.11 (7 days) THEN none is stale;
    on 28.11 (8 days) every class is, in ``status`` and on the week's control sheet, with its
    class teacher and the date; WHEN 5А's class teacher hands the roster in unchanged THEN it is
    accepted, changes nothing, and 5А is no longer listed."""
    classes = _confirmed_at(loaded, CONFIRMED)
    teachers = {r["code"]: r["class_teacher"] for r in loaded.rows(s.classes)}
    assert stale_rosters(loaded.ctx(dt.datetime(2026, 11, 27, 23, 0))) == []
    stale = stale_rosters(loaded.ctx(SATURDAY))
    assert sorted(r.class_code for r in stale) == sorted(classes)
    assert {(r.class_teacher, r.confirmed_at, r.age_days) for r in stale} == \
        {(teachers[r.class_code], CONFIRMED, 8) for r in stale}
    with speaking("ru"):
        text = status_text(workspace_status(loaded.ctx(SATURDAY)))
    assert "Списки классов, не подтверждённые больше 7 дней" in text
    assert f"  5А ({teachers['5А']}): подтверждён 20.11.2026, 8 дней назад" in text.splitlines()
    assert _listed_in_control(loaded, tmp_path)["5А"] == (teachers["5А"], "20.11.2026", 9)   # at Sunday's end

    revisions = len(loaded.rows(s.revisions))
    loaded.drop_roster("5А", loaded.prefilled_roster("5А"))
    report = loaded.ingest(now=SATURDAY)
    assert status_of(report) == {"roster_5А.xlsx": "accepted"} and report.files[0].changes == 0
    assert len(loaded.rows(s.revisions)) == revisions
    assert _confirmations(loaded, "5А") == [CONFIRMED, SATURDAY]
    assert sorted(r.class_code for r in stale_rosters(loaded.ctx(SATURDAY))) == sorted(set(classes) - {"5А"})
    json = workspace_status(loaded.ctx(SATURDAY)).as_dict()["stale_rosters"]
    assert "5А" not in {r["class_code"] for r in json} and len(json) == len(classes) - 1
    with speaking("ru"):
        assert "  5А (" not in status_text(workspace_status(loaded.ctx(SATURDAY)))
    listed = _listed_in_control(loaded, tmp_path)
    assert "5А" not in listed and set(listed) == set(classes) - {"5А"}
    # a week later 5А is due again
    assert "5А" in {r.class_code for r in stale_rosters(loaded.ctx(SATURDAY + dt.timedelta(days=8)))}


def test_the_same_roster_file_again_confirms_a_day_on_and_an_old_one_never(loaded):
    """GIVEN 5А's roster accepted twice (file A, then file B) WHEN B's very bytes are handed in
    again within a day THEN nothing is recorded (a rerun changes nothing); two days on they
    confirm the roster again; A's bytes (no longer the class's roster) confirm nothing."""
    _confirmed_at(loaded, CONFIRMED)
    first = loaded.drop_roster("5А", loaded.prefilled_roster("5А"), name="a.xlsx").read_bytes()
    assert status_of(loaded.ingest(now=SATURDAY)) == {"a.xlsx": "accepted"}
    second = loaded.drop_roster("5А", loaded.prefilled_roster("5А"), name="b.xlsx").read_bytes()
    later = SATURDAY + dt.timedelta(hours=1)
    assert status_of(loaded.ingest(now=later)) == {"b.xlsx": "accepted"}
    (loaded.settings.inbox / "b again.xlsx").write_bytes(second)
    assert status_of(loaded.ingest(now=later + dt.timedelta(hours=20))) == {"b again.xlsx": "duplicate"}
    assert _confirmations(loaded, "5А") == [CONFIRMED, SATURDAY, later]
    (loaded.settings.inbox / "a again.xlsx").write_bytes(first)
    monday = dt.datetime(2026, 11, 30, 9, 0)
    assert status_of(loaded.ingest(now=monday)) == {"a again.xlsx": "duplicate"}
    assert _confirmations(loaded, "5А") == [CONFIRMED, SATURDAY, later]
    (loaded.settings.inbox / "b once more.xlsx").write_bytes(second)
    assert status_of(loaded.ingest(now=monday)) == {"b once more.xlsx": "duplicate"}
    assert _confirmations(loaded, "5А") == [CONFIRMED, SATURDAY, later, monday]


def test_a_class_never_confirmed_and_a_rejected_roster_and_the_setting(loaded):
    """A class whose roster never came is listed as never confirmed; a rejected roster confirms
    nothing; ``[roster] confirm_every_days`` moves the line."""
    _confirmed_at(loaded, CONFIRMED)
    with loaded.engine.begin() as conn:
        conn.execute(s.roster_confirmations.delete().where(s.roster_confirmations.c.class_code == "7А"))
    data = loaded.prefilled_roster("7А")
    data["Родители"][0]["email"] = "мама@почта"
    loaded.drop_roster("7А", data)
    assert status_of(loaded.ingest(now=SATURDAY)) == {"roster_7А.xlsx": "rejected"}
    never = {r.class_code: r for r in stale_rosters(loaded.ctx(dt.datetime(2026, 11, 21, 9, 0)))}
    assert list(never) == ["7А"] and (never["7А"].confirmed_at, never["7А"].age_days) == (None, None)
    with speaking("ru"):
        assert "ни разу не подтверждён" in status_text(workspace_status(loaded.ctx(SATURDAY)))
    toml = loaded.path / "zhurnal.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("confirm_every_days = 7", "confirm_every_days = 10"),
                    encoding="utf-8")
    from conftest import Workspace
    ten = Workspace(loaded.path)
    assert ten.settings.roster.confirm_every_days == 10
    assert [r.class_code for r in stale_rosters(ten.ctx(SATURDAY))] == ["7А"]             # 8 days: fresh
    assert "5А" in {r.class_code for r in stale_rosters(ten.ctx(dt.datetime(2026, 12, 1, 9, 0)))}   # 11 days
    ten.engine.dispose()
