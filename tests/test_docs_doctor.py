"""``zhurnal doctor`` and its support bundle (issue 29, point 3): the health in people's words, and a
zip for support with no personal data and no secret."""

from __future__ import annotations

import json
import zipfile

from click.testing import CliRunner
from conftest import settled
from sqlalchemy import text

from zhurnal.cli import main


def _bundle_text(path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def test_the_bundle_holds_no_personal_data_and_no_secret(week_ws, tmp_path, monkeypatch):
    """GIVEN the week's workspace (pupils, parents with addresses and phones, teachers, accepted
    journals, and a rejected file named after a pupil), a deputy's address and the director's name in zhurnal.toml, and SMTP, IMAP
    and backup secrets in the environment WHEN ``zhurnal doctor --bundle`` writes the zip THEN no
    file of it holds a pupil's, a parent's or a teacher's name, e-mail or phone (read from the store
    with SQL), nor a secret, nor the signing key; AND it holds the schema revision, the finding
    counts by code of the rejected journals and the settings' numbers."""
    toml = week_ws.path / "zhurnal.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('deputy_address = ""', 'deputy_address = "o.petrova@mail.example"')
                    .replace('director = ""', 'director = "Петрова Ольга Ивановна"'), encoding="utf-8")
    secrets = {"ZHURNAL_SMTP_USER": "journal-sender-7", "ZHURNAL_SMTP_PASSWORD": "Sm7p-pa55word",
               "ZHURNAL_IMAP_PASSWORD": "1map-pa55word", "ZHURNAL_BACKUP_IDENTITY": "AGE-SECRET-KEY-1QQQTESTSECRET"}
    for name, value in secrets.items():
        monkeypatch.setenv(name, value)
    with week_ws.engine.connect() as conn:
        pupils = conn.execute(text("SELECT full_name FROM students")).scalars().all()
    # a rejected file named after a pupil: its findings name the file, the bundle must not
    broken = week_ws.settings.inbox / f"{pupils[0]}.xlsx"
    broken.write_bytes(b"not a workbook")
    settled(broken)
    assert not week_ws.ingest().ok
    with week_ws.engine.connect() as conn:
        parents = conn.execute(text("SELECT full_name, email, phone FROM parents")).all()
        teachers = conn.execute(text("SELECT full_name, email FROM teachers")).all()
        revision = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        findings = conn.execute(text("SELECT findings FROM submissions")).scalars().all()
    personal = set(pupils) | {v for row in [*parents, *teachers] for v in row if v}
    personal |= {name.split()[0] for name in pupils}          # a surname alone is personal too
    assert len(pupils) > 100 and any(p.email for p in parents) and any(p.phone for p in parents)
    keyring = [line for line in (week_ws.path / ".zhurnal-secret").read_text().splitlines() if not line.startswith("#")]

    target = tmp_path / "поддержка.zip"
    result = CliRunner().invoke(main, ["-w", str(week_ws.path), "doctor", "--bundle", str(target)])
    assert result.exit_code in (0, 1), result.output
    files = _bundle_text(target)
    assert set(files) == {"README.txt", "versions.json", "settings.json", "health.json", "runs.json", "findings.json"}
    everything = "\n".join(files.values())
    leaked = sorted(word for word in personal if word in everything)
    assert leaked == []
    for secret in [*secrets.values(), *keyring, "o.petrova@mail.example", "Петрова Ольга Ивановна"]:
        assert secret not in everything
    assert "@" not in files["settings.json"]

    assert json.loads(files["health.json"])["schema_revision"] == revision
    counted: dict[str, int] = {}
    for raw in findings:
        for finding in json.loads(raw or "[]"):
            counted[finding["code"]] = counted.get(finding["code"], 0) + 1
    assert counted and json.loads(files["findings.json"]) == counted
    settings = json.loads(files["settings.json"])
    assert settings["journal"]["edit_window_days"] == 14 and settings["mail"]["deputy_address"] == "***"
    assert settings["docs"]["director"] == "***"


def test_doctor_says_what_is_wrong(week_ws, tmp_path):
    """GIVEN the week's workspace with a half-written file left in outbox/ and a journal waiting in
    inbox/ for two hours, and no backup WHEN ``zhurnal doctor --json`` runs THEN its checks name the
    stuck files and the missing backup, the store is healthy at the schema's revision, and the exit
    code is 0 (warnings only); AND a workspace whose zhurnal.toml is broken is a problem (exit 1)
    said in one line, not a traceback."""
    import os
    import time
    (week_ws.path / "outbox" / "x.pdf.123.partial").write_bytes(b"half")
    waiting = week_ws.path / "inbox" / "journal.xlsx"
    waiting.write_bytes(b"PK")
    old = time.time() - 7200
    os.utime(waiting, (old, old))
    result = CliRunner().invoke(main, ["-w", str(week_ws.path), "doctor", "--json"])
    assert result.exit_code == 0, result.output
    checks = {c["area"]: c for c in json.loads(result.output)["checks"]}
    assert checks["stuck"]["level"] == "warning"
    assert checks["stuck"]["figures"]["inbox_waiting"] == 1 and checks["stuck"]["figures"]["partial_files"] == 1
    assert checks["backup"]["level"] == "warning" and checks["store"]["level"] == "ok"
    assert checks["store"]["figures"]["integrity"] == "ok"

    (week_ws.path / "zhurnal.toml").write_text("[school\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["-w", str(week_ws.path), "doctor"])
    assert result.exit_code == 1 and "Настройки не читаются" in result.output
    assert "Traceback" not in result.output
