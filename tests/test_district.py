"""A district on PostgreSQL: a school's store copied in (ids kept or remapped, verified), schools'
roles that cannot see each other's rows, and the same outputs on both stores."""

from __future__ import annotations

import os
import subprocess

import psycopg
import pytest
from click.testing import CliRunner
from conftest import SATURDAY, WEEK, Workspace, journal_sheets, point_store, s
from sqlalchemy import create_engine, func, insert, select, text

from zhurnal.batch.history import HistoryFilter, history
from zhurnal.cli import main
from zhurnal.store.compare import compare, dump


def _dump(engine, code: str, *, volatile: bool) -> dict[str, list[str]]:
    with engine.connect() as conn:
        school_id = conn.execute(select(s.schools.c.id).where(s.schools.c.code == code)).scalar_one()
        return dump(conn, school_id, volatile=volatile)


def _cli(path, *args, env: dict | None = None):
    return CliRunner().invoke(main, ["-w", str(path), *args], env=env)


def test_db_copy_moves_a_school_into_a_district_store_remapping_taken_ids(week_ws, postgres, tmp_path):
    """GIVEN a school's SQLite store with a week ingested, and a PostgreSQL store that already
    holds another school with a student WHEN ``db copy --to`` runs THEN every table's rows arrive
    (equal after natural-key normalisation, nothing dropped but ids), student ids are remapped
    everywhere (history finds a student's trail by the new id), the store's sequences move past
    the copied ids, and a second copy is refused (exit 2) without writing."""
    url = postgres.url(postgres.create())
    assert _cli(tmp_path / "other", "init", str(tmp_path / "other"), "--code", "other",
                env={"ZHURNAL_STORE_URL": url}).exit_code == 0
    target = create_engine(url)
    with target.begin() as conn:
        other = conn.execute(select(s.schools.c.id).where(s.schools.c.code == "other")).scalar_one()
        conn.execute(insert(s.students).values(id=1, school_id=other, class_code="1А", full_name="Чужой Ученик",
                                               active=True))
    result = _cli(week_ws.path, "db", "copy", "--to", url)
    assert result.exit_code == 0, result.output
    assert "students" in result.output and "lessons" not in result.output.split("\n")[1], result.output

    assert _dump(target, "school17", volatile=False) == _dump(week_ws.engine, "school17", volatile=False)
    with week_ws.engine.connect() as conn:
        source_student = conn.execute(select(s.absences.c.student_id)).scalars().first()
        name = conn.execute(select(s.students.c.full_name).where(s.students.c.id == source_student)).scalar_one()
    with target.connect() as conn:
        copied = conn.execute(select(s.schools.c.id).where(s.schools.c.code == "school17")).scalar_one()
        new_student = conn.execute(select(s.students.c.id).where(s.students.c.school_id == copied,
                                                                 s.students.c.full_name == name)).scalar_one()
    assert new_student != source_student
    moved = Workspace.__new__(Workspace)
    moved.settings, moved.engine = week_ws.settings, target
    trail = lambda ws, sid: [(r["entity"], r.get("date"), r["new"]) for r in history(ws.ctx(), HistoryFilter(student_id=sid))]
    assert trail(moved, new_student) == trail(week_ws, source_student) != []
    with target.begin() as conn:                    # a new row after the copy takes a free id
        conn.execute(insert(s.students).values(school_id=copied, class_code="1А", full_name="Новенький", active=True))

    again = _cli(week_ws.path, "db", "copy", "--to", url)
    assert again.exit_code == 2 and "school17" in again.output, again.output
    with target.connect() as conn:
        assert conn.execute(select(func.count()).select_from(s.schools)).scalar() == 2
    target.dispose()


def test_school_roles_cannot_read_each_others_rows(week_ws, postgres, tmp_path):
    """GIVEN a district store owned by a district role (not a superuser), school17 copied in
    and school «a» made there, and a role granted to each WHEN school a's role reads, even with
    its own WHERE, or writes school17's rows THEN it sees nothing and may write nothing; school17's
    role sees its students, and its workspace's commands run as it."""
    database = postgres.create()
    postgres.admin("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'district') THEN "
                   "CREATE ROLE district LOGIN CREATEROLE; END IF; END $$")
    postgres.admin(f'ALTER DATABASE "{database}" OWNER TO district')
    postgres.admin("ALTER SCHEMA public OWNER TO district", database=database)
    district = postgres.url(database, user="district")
    assert _cli(week_ws.path, "db", "copy", "--to", district).exit_code == 0
    env = {"ZHURNAL_STORE_URL": district}
    assert _cli(tmp_path / "a", "init", str(tmp_path / "a"), "--code", "a", env=env).exit_code == 0
    suffix = database[-6:]
    for code, role in (("a", f"school_a_{suffix}"), ("school17", f"school17_{suffix}")):
        granted = _cli(tmp_path / "a", "db", "grant", "--school", code, "--role", role, env=env)
        assert granted.exit_code == 0, granted.output
    with week_ws.engine.connect() as conn:
        students = conn.execute(select(func.count()).select_from(s.students)).scalar()

    def as_role(role: str):
        return psycopg.connect(host="127.0.0.1", port=postgres.port, user=role, dbname=database, autocommit=True)

    with as_role(f"school_a_{suffix}") as conn:
        assert conn.execute("SELECT count(*) FROM students").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM students WHERE school_id = "
                            "(SELECT id FROM schools WHERE code = 'school17')").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM revisions").fetchone() == (0,)
        assert conn.execute("SELECT code FROM schools").fetchall() == [("a",)]
        assert conn.execute("SELECT count(*) FROM zhurnal_school_roles").fetchone() == (1,)
        assert conn.execute("UPDATE students SET full_name = 'x'").rowcount == 0
        school17 = conn.execute("SELECT min(school_id) FROM lessons").fetchone()[0]
        assert school17 is None
        for sql in ("INSERT INTO students (school_id, class_code, full_name, active) "
                    "SELECT id, '1А', 'x', true FROM schools",           # only its own school is visible…
                    "INSERT INTO students (school_id, class_code, full_name, active) VALUES (1, '1А', 'x', true)",
                    f"SET ROLE school17_{suffix}", "SET row_security = off; SELECT count(*) FROM students",
                    "ALTER TABLE students DISABLE ROW LEVEL SECURITY", "INSERT INTO zhurnal_school_roles VALUES ('y', 1)"):
            try:
                conn.execute(sql)
            except psycopg.Error:
                continue
            if sql.startswith("INSERT INTO students (school_id, class_code, full_name, active) SELECT"):
                continue                                  # its own school: allowed
            raise AssertionError(f"school a's role could run: {sql}")
    with as_role(f"school17_{suffix}") as conn:
        assert conn.execute("SELECT count(*) FROM students").fetchone() == (students,)
        assert conn.execute("SELECT count(*) FROM students s JOIN schools c ON c.id = s.school_id "
                            "WHERE c.code = 'a'").fetchone() == (0,)
    status = _cli(week_ws.path, "status", env={"ZHURNAL_STORE_URL": postgres.url(database, user=f"school17_{suffix}")})
    assert status.exit_code == 0, status.output
    # the week goes on as school17's role, which may not DELETE (nor lock a table): a corrected
    # journal that clears a mark deletes its row through zhurnal_delete
    point_store(week_ws.path, postgres.url(database, user=f"school17_{suffix}"))
    as17 = Workspace(week_ws.path)
    path = sorted((k[1], p) for k, p in as17.week_templates().items() if k[0] == "journal")[0][1]
    sheet, student, key = _a_mark(path)
    owner = create_engine(district)

    def marks() -> int:
        with owner.connect() as conn:
            return conn.execute(select(func.count()).select_from(s.journal_entries).where(
                s.journal_entries.c.student_id == student)).scalar()

    with as17.engine.connect() as conn:
        assert not conn.execute(text("SELECT has_table_privilege('journal_entries', 'DELETE')")).scalar()
    before = marks()
    as17.drop_grid(path, {sheet: {(student, key): None}}, name="поправка.xlsx")
    report = as17.ingest(now=SATURDAY)
    assert [(f.name, f.status) for f in report.files] == [("поправка.xlsx", "accepted")]
    assert marks() == before - 1
    with owner.connect() as conn:
        cleared = conn.execute(select(s.revisions.c.key, s.revisions.c.new_value).where(
            s.revisions.c.entity == "journal_entries").order_by(s.revisions.c.id.desc())).first()
    assert cleared.key.endswith(f"/{student}") and cleared.new_value is None
    as17.engine.dispose()
    owner.dispose()


def _a_mark(path) -> tuple[str, int, str]:
    """(sheet, pupil id, column key) of the first mark typed in an issued journal."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    for sheet, info in journal_sheets(path).items():
        columns = {cell.value: cell.column for cell in book[sheet][2]}
        rows = {cell.value: cell.row for cell in book[sheet]["A"] if isinstance(cell.value, int)}
        for student in info["students"]:
            for key in info["keys"]:
                if str(book[sheet].cell(rows[student], columns[key]).value or "").isdigit():
                    return sheet, student, key
    raise AssertionError("no mark in the journal")


@pytest.mark.slow
def test_the_demo_gives_equal_stores_on_sqlite_and_postgresql(postgres, tmp_path, monkeypatch):
    """GIVEN the demo's whole story (setup, rosters with a correction, three weeks with late,
    careless and corrected journals, the last week published) WHEN it runs on SQLite and on
    PostgreSQL THEN both stores are equal table by table (ids by natural keys)."""
    from zhurnal.demo.run import run_demo

    run_demo(tmp_path / "lite", students=50, echo=lambda _: None)
    monkeypatch.setenv("ZHURNAL_STORE_URL", postgres.url(postgres.create()))
    run_demo(tmp_path / "pg", students=50, echo=lambda _: None)
    stores = [create_engine(f"sqlite:///{tmp_path / 'lite' / 'master.sqlite'}"),
              create_engine(os.environ["ZHURNAL_STORE_URL"])]
    lite, pg = (_dump(engine, "school17", volatile=True) for engine in stores)
    same, report = compare(lite, pg)
    assert same, report
    assert len(lite["journal_entries"]) > 1000 and lite["mail_ledger"]
    for engine in stores:
        engine.dispose()


def _diaries(path) -> dict[str, str]:
    found = {}
    for pdf in sorted((path / "outbox" / WEEK.label / "diaries").rglob("*.pdf")):
        found[str(pdf.relative_to(path))] = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                                                           text=True, check=True).stdout
    return found


@pytest.mark.slow
def test_a_copied_store_ingests_and_publishes_as_the_original(week_ws, postgres, tmp_path):
    """GIVEN a school's SQLite store copied by ``db copy`` into PostgreSQL WHEN the same
    corrected journal is ingested and the week published in the original and in the copy
    THEN the stores are equal table by table and the diaries are the same files with the same text."""
    import shutil

    from zhurnal.publish.run import publish_week

    url = postgres.url(postgres.create())
    assert _cli(week_ws.path, "db", "copy", "--to", url).exit_code == 0
    shutil.copytree(week_ws.path, tmp_path / "copy", ignore=shutil.ignore_patterns("master.sqlite*"))
    point_store(tmp_path / "copy", url)
    copied = Workspace(tmp_path / "copy")
    for ws in (week_ws, copied):
        teacher, path = sorted((k[1], p) for k, p in ws.week_templates().items() if k[0] == "journal")[0]
        sheet, info = next(iter(journal_sheets(path).items()))
        ws.drop_grid(path, {sheet: {(info["students"][0], info["keys"][0]): "2"}}, name="поправка.xlsx")
        assert ws.ingest(now=SATURDAY).ok
        publish_week(ws.ctx(now=SATURDAY), WEEK)
    same, report = compare(_dump(week_ws.engine, "school17", volatile=True), _dump(copied.engine, "school17", volatile=True))
    assert same, report
    original, moved = _diaries(week_ws.path), _diaries(copied.path)
    assert original and original == moved
    copied.engine.dispose()
