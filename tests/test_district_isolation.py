"""Schools isolated by construction in a district store (migrations 0014, 0016): keys per school,
so one school's role can neither probe, collide with nor block another's rows, a run lock no
other school's role can take, and no table-wide UPDATE or DELETE (deletes go through a function
that keeps to the caller's school), so no school can lock a table every school writes. Built at revision 0011 with rows, then upgraded, so the migration
of an existing district store is what is tested."""

from __future__ import annotations

import datetime as dt
import re

import psycopg
import pytest
from conftest import s
from sqlalchemy import create_engine, insert, inspect, select, text

from zhurnal.store.delete import delete_rows, school_tables
from zhurnal.store.engine import head_revision, upgrade_store
from zhurnal.store.migrations import upgrade
from zhurnal.store.roles import grant_school
from zhurnal.store.run_locks import held

DAY = dt.date(2026, 11, 23)


def _fill(engine, schools: dict[int, str]) -> dict[int, int]:
    """Schools with one pupil, one lesson, an absence and a journal entry each (as the district);
    school id → its pupil's id."""
    pupils = {}
    with engine.begin() as conn:
        for school_id, code in schools.items():
            conn.execute(insert(s.schools).values(id=school_id, code=code, name=code))
            pupil = conn.execute(insert(s.students).values(school_id=school_id, class_code="5А", full_name=f"Ученик {code}",
                                                           active=True)).inserted_primary_key[0]
            lesson = conn.execute(insert(s.lessons).values(school_id=school_id, class_code="5А", subject="Алгебра",
                                                           subgroup="", date=DAY, lesson_no=1)).inserted_primary_key[0]
            conn.execute(insert(s.absences).values(school_id=school_id, student_id=pupil, date=DAY, lessons=1))
            conn.execute(insert(s.journal_entries).values(school_id=school_id, lesson_id=lesson, student_id=pupil,
                                                          marks="5"))
            pupils[school_id] = pupil
    return pupils


@pytest.fixture(scope="module")
def district(postgres):
    """A district store at 0011 holding schools 17 and 99, upgraded to the newest revision by
    ``db upgrade``'s function, a login role per school; (database, pupil ids, role names)."""
    database = postgres.create()
    postgres.admin("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'district') THEN "
                   "CREATE ROLE district LOGIN CREATEROLE; END IF; END $$")
    postgres.admin(f'ALTER DATABASE "{database}" OWNER TO district')
    postgres.admin("ALTER SCHEMA public OWNER TO district", database=database)
    engine = create_engine(postgres.url(database, user="district"))
    upgrade(engine, "0011")
    pupils = _fill(engine, {17: "school17", 99: "school99"})
    assert upgrade_store(engine) == ("0011", head_revision())
    roles = {sid: f"s{sid}_{database[-6:]}" for sid in pupils}
    for sid, role in roles.items():
        grant_school(engine, f"school{sid}", role)
    yield database, pupils, roles, engine
    engine.dispose()


def test_the_migration_puts_the_school_first_in_every_key_and_keeps_the_rows(district):
    """GIVEN a district store with rows at 0011 WHEN upgraded THEN every table's primary key
    starts with school_id, every foreign key to an id is (school_id, id), and the rows are all there."""
    _, pupils, _, engine = district
    found = inspect(engine)
    assert found.get_pk_constraint("absences")["constrained_columns"] == ["school_id", "student_id", "date"]
    assert found.get_pk_constraint("students")["constrained_columns"] == ["school_id", "id"]
    assert found.get_pk_constraint("mail_ledger")["constrained_columns"] == ["school_id", "message_id"]
    for table in s.metadata.sorted_tables:
        if table is s.schools:
            continue
        assert found.get_pk_constraint(table.name)["constrained_columns"][0] == "school_id", table.name
        for fk in found.get_foreign_keys(table.name):
            assert fk["constrained_columns"][0] == "school_id" and fk["referred_columns"][0] in ("school_id", "id"), \
                (table.name, fk)
            assert fk["referred_table"] == "schools" or fk["referred_columns"][0] == "school_id", (table.name, fk)
    with engine.connect() as conn:
        assert sorted(conn.execute(select(s.absences.c.school_id, s.absences.c.student_id)).all()) == \
            sorted(pupils.items())
        assert conn.execute(text("SELECT count(*) FROM journal_entries")).scalar() == 2


def _as(postgres, database: str, role: str):
    return psycopg.connect(host="127.0.0.1", port=postgres.port, user=role, dbname=database, autocommit=True)


def _error(conn, sql: str, *args) -> str:
    """The server's message (and detail) for ``sql``, ids and constraint names blurred."""
    try:
        conn.execute(sql, args)
    except psycopg.Error as exc:
        said = f"{exc.diag.message_primary} {exc.diag.message_detail or ''}"
        return f"{exc.diag.sqlstate} " + re.sub(r"\d+", "N", said)
    raise AssertionError(f"ran: {sql} {args}")


def test_another_schools_pupil_cannot_be_probed_nor_collided_with(district, postgres):
    """GIVEN school 99's role WHEN it inserts an absence, a journal entry or a mark naming school
    17's pupil THEN it fails with the very error an id that exists nowhere gives (the pupil's
    existence is not revealed), a row of its own school with 17's ids is no collision, and school
    17's role writes that pupil's next absence and mark as before."""
    database, pupils, roles, _ = district
    theirs, nowhere = pupils[17], 10_000_000
    with _as(postgres, database, roles[99]) as conn:
        for sql in ("INSERT INTO absences (school_id, student_id, date, lessons) "
                    "VALUES ((SELECT id FROM schools), %s, '2026-11-24', 1)",
                    "INSERT INTO period_marks (school_id, student_id, subject, period, mark) "
                    "VALUES ((SELECT id FROM schools), %s, 'Алгебра', '1', '5')"):
            existing, missing = _error(conn, sql, theirs), _error(conn, sql, nowhere)
            assert existing == missing and existing.startswith("23503"), (existing, missing)   # foreign_key_violation
        # naming school 17 itself is refused by row-level security before any key is looked at
        refused = _error(conn, "INSERT INTO absences (school_id, student_id, date, lessons) VALUES (17, %s, "
                         "'2026-11-24', 1)", theirs)
        assert refused == _error(conn, "INSERT INTO absences (school_id, student_id, date, lessons) VALUES "
                                 "(17, %s, '2026-11-24', 1)", nowhere)
        assert refused.startswith("42501"), refused
        # a pupil of its own with the very id of 17's pupil (and a lesson id of 17's) collides with nothing
        conn.execute("INSERT INTO students (school_id, id, class_code, full_name, active) "
                     "VALUES (99, %s, '5А', 'Тёзка', true)", (theirs,))
        conn.execute("INSERT INTO absences (school_id, student_id, date, lessons) VALUES (99, %s, '2026-11-25', 2)",
                     (theirs,))
        assert conn.execute("SELECT count(*) FROM absences WHERE student_id = %s", (theirs,)).fetchone() == (1,)
    with _as(postgres, database, roles[17]) as conn:
        conn.execute("INSERT INTO absences (school_id, student_id, date, lessons) VALUES (17, %s, '2026-11-25', 3)",
                     (theirs,))
        conn.execute("INSERT INTO period_marks (school_id, student_id, subject, period, mark) "
                     "VALUES (17, %s, 'Алгебра', '1', '4')", (theirs,))
        assert conn.execute("SELECT date, lessons FROM absences WHERE student_id = %s ORDER BY date",
                            (theirs,)).fetchall() == [(DAY, 1), (dt.date(2026, 11, 25), 3)]
        assert conn.execute("SELECT full_name FROM students").fetchall() == [("Ученик school17",)]
        # the setup's fields of its own school row, as the setup's ingest writes them; not its code
        assert conn.execute("UPDATE schools SET name = 'МБОУ СОШ № 17', year_label = '2026/2027'").rowcount == 1
        assert _error(conn, "UPDATE schools SET code = 'school99'").startswith("42501")


def test_school_99_cannot_take_or_block_school_17s_run_lock(district, postgres):
    """GIVEN school 99's role trying every way at school 17's run lock — the row lock on 17's row,
    locking the lock table, the advisory key zhurnal used before — WHEN school 17 starts a run
    THEN it gets its lock at once; and while 17 holds it, a second run of 17 does not."""
    database, _, roles, _ = district
    seventeen = create_engine(postgres.url(database, user=roles[17]))
    with _as(postgres, database, roles[99]) as conn:
        conn.autocommit = False
        assert conn.execute("SELECT school_id FROM zhurnal_run_locks WHERE school_id = 17 FOR UPDATE").fetchall() == []
        assert conn.execute("SELECT school_id FROM zhurnal_run_locks FOR UPDATE").fetchall() == [(99,)]
        conn.execute("SELECT pg_advisory_lock(31336, 17)")            # 0x7A68: the old key, now meaningless
        for table in ("zhurnal_run_locks", "schools"):
            for mode in ("ACCESS EXCLUSIVE", "EXCLUSIVE", "SHARE"):
                conn.execute("SAVEPOINT p")
                assert _error(conn, f"LOCK TABLE {table} IN {mode} MODE").startswith("42501"), (table, mode)
                conn.execute("ROLLBACK TO SAVEPOINT p")
        for statement in ("INSERT INTO zhurnal_run_locks (school_id) VALUES (17)", "DELETE FROM zhurnal_run_locks",
                          "UPDATE zhurnal_run_locks SET school_id = 17", "DELETE FROM schools",
                          "INSERT INTO schools (id, code, name) VALUES (99, 'school17', 'x')"):
            conn.execute("SAVEPOINT p")
            assert _error(conn, statement).startswith("42501"), statement
            conn.execute("ROLLBACK TO SAVEPOINT p")
        with held(seventeen, 17, wait=False) as got:                 # 99 still holds all of the above
            assert got
            with held(seventeen, 17, wait=False) as again:
                assert not again
        conn.rollback()
    seventeen.dispose()


def _refused(conn, statements) -> dict[str, str]:
    """Each statement (in a transaction) → the SQLSTATE it failed with, or "ran"."""
    found = {}
    for statement in statements:
        conn.execute("SAVEPOINT p")
        try:
            conn.execute(statement)
            found[statement] = "ran"
        except psycopg.Error as exc:
            found[statement] = exc.diag.sqlstate
        conn.execute("ROLLBACK TO SAVEPOINT p")
    return found


def test_school_99_can_lock_no_table_every_school_writes(district, postgres):
    """GIVEN school 99's role WHEN it tries ``LOCK TABLE`` on every school table in ACCESS
    EXCLUSIVE and SHARE mode (PostgreSQL grants those to table-wide UPDATE, DELETE or TRUNCATE),
    or a table-wide DELETE, TRUNCATE or an update of a key THEN each is refused for lack of the
    right (42501), while updating a value of its own row still works."""
    database, pupils, roles, _ = district
    tables = school_tables()
    assert {"absences", "journal_entries", "period_marks", "students", "lessons"} <= set(tables)
    with _as(postgres, database, roles[99]) as conn:
        conn.autocommit = False
        locks = [f'LOCK TABLE "{t}" IN {mode} MODE' for t in tables for mode in ("ACCESS EXCLUSIVE", "SHARE")]
        writes = ["DELETE FROM absences", "TRUNCATE absences", "DELETE FROM journal_entries",
                  "UPDATE absences SET student_id = student_id", "UPDATE absences SET school_id = 17",
                  "UPDATE journal_entries SET lesson_id = lesson_id"]
        found = _refused(conn, locks + writes)
        assert found == dict.fromkeys(locks + writes, "42501"), {k: v for k, v in found.items() if v != "42501"}
        assert conn.execute("UPDATE absences SET lessons = lessons WHERE student_id = %s",
                            (pupils[99],)).rowcount >= 1
        conn.rollback()


def test_a_delete_through_the_function_keeps_to_the_callers_school(district, postgres):
    """GIVEN an absence of school 17's pupil and one of school 99's on a day WHEN school 99's role
    deletes by key through ``zhurnal_delete`` THEN 17's row stays and the answer is the one a key
    that exists nowhere gets (0 rows, no error); its own row goes (1); the store's helper does
    the same through SQLAlchemy; a table outside a school's (the role map, the run locks,
    ``schools``) is refused, and a role that is no school's may not call it at all."""
    database, pupils, roles, engine = district
    day = "2026-11-26"
    with engine.begin() as conn:
        for school_id, pupil in pupils.items():
            conn.execute(insert(s.absences).values(school_id=school_id, student_id=pupil, date=dt.date(2026, 11, 26),
                                                   lessons=2))
    call = "SELECT zhurnal_delete('absences', %s::jsonb)"
    with _as(postgres, database, roles[99]) as conn:
        theirs = conn.execute(call, (f'[{{"student_id": {pupils[17]}, "date": "{day}"}}]',)).fetchone()
        nowhere = conn.execute(call, (f'[{{"student_id": 10000000, "date": "{day}"}}]',)).fetchone()
        assert theirs == nowhere == (0,)
        # naming school 17 in the key changes nothing: the school is the caller's, not the key's
        assert conn.execute(call, (f'[{{"school_id": 17, "student_id": {pupils[17]}, "date": "{day}"}}]',)
                            ).fetchone() == (0,)
        assert conn.execute(call, (f'[{{"student_id": {pupils[99]}, "date": "{day}"}}]',)).fetchone() == (1,)
        conn.autocommit = False
        found = _refused(conn, [f"SELECT zhurnal_delete('{t}', '[{{\"role\": \"x\", \"school_id\": 17, "
                                f"\"id\": 17}}]')" for t in ("zhurnal_school_roles", "zhurnal_run_locks", "schools")])
        assert set(found.values()) == {"42501"}, found
        conn.rollback()
    as_99 = create_engine(postgres.url(database, user=roles[99]))
    A = s.absences
    with as_99.begin() as conn:      # the helper: keys picked under row-level security, one call
        conn.execute(insert(A).values(school_id=99, student_id=pupils[99], date=dt.date(2026, 11, 26), lessons=3))
        assert delete_rows(conn, A, A.c.date == dt.date(2026, 11, 26)) == 1
        assert delete_rows(conn, A, A.c.school_id == 17) == 0          # row-level security: none seen
    as_99.dispose()
    with engine.connect() as conn:
        assert conn.execute(select(A.c.school_id).where(A.c.date == dt.date(2026, 11, 26))).scalars().all() == [17]
    postgres.admin("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'nobody_here') THEN "
                   "CREATE ROLE nobody_here LOGIN; END IF; END $$")
    postgres.admin("GRANT SELECT ON absences TO nobody_here", database=database)
    with _as(postgres, database, "nobody_here") as conn:
        assert _error(conn, call, f'[{{"student_id": {pupils[17]}, "date": "{day}"}}]').startswith("42501")


def test_the_migration_takes_table_wide_rights_from_roles_granted_before_it(postgres):
    """GIVEN a district store at 0014 with rows and a school role holding table-wide UPDATE and
    DELETE (as ``db grant`` gave before 0016) WHEN upgraded THEN the role may no longer lock
    ``absences``, deletes its own rows through the function, and every row is still there."""
    database = postgres.create()
    postgres.admin("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'district') THEN "
                   "CREATE ROLE district LOGIN CREATEROLE; END IF; END $$")
    postgres.admin(f'ALTER DATABASE "{database}" OWNER TO district')
    postgres.admin("ALTER SCHEMA public OWNER TO district", database=database)
    engine = create_engine(postgres.url(database, user="district"))
    upgrade(engine, "0014")
    pupils = _fill(engine, {17: "school17", 99: "school99"})
    role = f"old99_{database[-6:]}"
    grant_school(engine, "school99", role)
    with engine.begin() as conn:        # the rights of a role granted before 0016
        conn.execute(text("DROP FUNCTION zhurnal_delete(regclass, jsonb)"))
        names = ", ".join(f'"{t}"' for t in school_tables())
        conn.execute(text(f'GRANT SELECT, INSERT, UPDATE, DELETE ON {names} TO "{role}"'))
    with _as(postgres, database, role) as conn:
        conn.autocommit = False
        assert _refused(conn, ["LOCK TABLE absences IN ACCESS EXCLUSIVE MODE"]) == {
            "LOCK TABLE absences IN ACCESS EXCLUSIVE MODE": "ran"}      # the hole this closes
        conn.rollback()
    assert upgrade_store(engine) == ("0014", head_revision())
    with _as(postgres, database, role) as conn:
        conn.autocommit = False
        assert set(_refused(conn, ["LOCK TABLE absences IN ACCESS EXCLUSIVE MODE", "DELETE FROM absences",
                                   "LOCK TABLE journal_entries IN SHARE MODE"]).values()) == {"42501"}
        conn.rollback()
    with engine.connect() as conn:
        assert sorted(conn.execute(select(s.absences.c.school_id, s.absences.c.student_id)).all()) == \
            sorted(pupils.items())
        assert conn.execute(text("SELECT count(*) FROM journal_entries")).scalar() == 2
    with _as(postgres, database, role) as conn:
        assert conn.execute("SELECT zhurnal_delete('journal_entries', "
                            "(SELECT jsonb_agg(jsonb_build_object('lesson_id', lesson_id, 'student_id', student_id)) "
                            "FROM journal_entries))").fetchone() == (1,)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT school_id FROM journal_entries")).scalars().all() == [17]
    engine.dispose()


def test_a_sqlite_store_with_rows_upgrades_through_0014_unchanged(tmp_path):
    """GIVEN a SQLite store at 0011 with a school's rows WHEN upgraded THEN it reaches the newest
    revision with its keys as they were (one school per store: nothing to isolate) and its rows."""
    engine = create_engine(f"sqlite:///{tmp_path / 'master.sqlite'}")
    upgrade(engine, "0011")
    pupils = _fill(engine, {17: "school17"})
    present = inspect(engine).get_table_names()
    before = {name: inspect(engine).get_pk_constraint(name)["constrained_columns"] for name in present}
    assert upgrade_store(engine) == ("0011", head_revision())
    found = inspect(engine)
    assert {name: found.get_pk_constraint(name)["constrained_columns"] for name in present} == before
    assert before["students"] == ["id"] and "zhurnal_run_locks" not in found.get_table_names()
    with engine.connect() as conn:
        assert conn.execute(select(s.absences.c.student_id)).scalars().all() == [pupils[17]]
    engine.dispose()


def test_two_machines_running_school_17_take_turns_and_school_99_does_not_block_it(district, postgres, tmp_path):
    """GIVEN two workspaces of school 17 (two machines) and one of school 99, each with its own
    school's role WHEN 17's first run holds the run lock THEN 17's second run is refused at once
    (``--no-wait``: :class:`WorkspaceBusy`), while 99's run goes on; once the first ends, the
    second gets it."""
    from conftest import make_workspace, point_store

    from zhurnal.core.settings import load_settings
    from zhurnal.ingest.lock import WorkspaceBusy, run_lock
    from zhurnal.school.context import open_context
    from zhurnal.store import open_store

    database, _, roles, _ = district
    contexts = {}
    for name, school in (("first", 17), ("second", 17), ("other", 99)):
        make_workspace(tmp_path / name, code=f"school{school}")
        point_store(tmp_path / name, postgres.url(database, user=roles[school]))
        settings = load_settings(tmp_path / name)
        contexts[name] = open_context(settings, open_store(settings.store_url), read_only=True)
    assert (contexts["first"].school_id, contexts["other"].school_id) == (17, 99)
    with run_lock(contexts["other"], wait=False), run_lock(contexts["first"], wait=False):
        with pytest.raises(WorkspaceBusy):
            with run_lock(contexts["second"], wait=False):
                pass
    with run_lock(contexts["second"], wait=False):
        pass
    for ctx in contexts.values():
        ctx.engine.dispose()
