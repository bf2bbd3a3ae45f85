"""``zhurnal backup``: snapshot, encrypt, write to every destination, verify, prune.

The store snapshot is taken first (it never waits for an ingest run), then ``archive/``,
``zhurnal.toml`` and the keyring are gathered. Each file is encrypted once; each destination
receives its own copy, read back and verified before the copy is marked verified and older
copies there are pruned. A destination that fails is reported and the others still get
their copy.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select

from zhurnal import __version__
from zhurnal.backup import ledger
from zhurnal.backup.crypto import encrypt_file, gzip_file, load_identity, recipients, sha256_file
from zhurnal.backup.destinations import (
    SNAPSHOTS,
    copy_file,
    known_objects,
    object_path,
    repoint,
    resolve_destination,
    school_root,
)
from zhurnal.backup.errors import BackupError
from zhurnal.backup.manifest import Entry, Manifest, write_verified
from zhurnal.backup.retention import prune
from zhurnal.backup.snapshot import check_sqlite, snapshot_store
from zhurnal.backup.verify import Problem, verify_snapshot
from zhurnal.core.keyring import KEYRING_FILE
from zhurnal.core.settings import SETTINGS_FILE, Settings
from zhurnal.school.credentials import ACCESS_KEY_FILE, access_key_path
from zhurnal.store.schema import schools


@dataclass
class CopyResult:
    destination: str
    ok: bool
    new_objects: int = 0
    reused_objects: int = 0
    repaired_objects: int = 0        # found rotten at this destination and written again
    bytes_written: int = 0
    removed: list[str] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)


@dataclass
class BackupResult:
    id: str
    created: str
    verification: str                  # "full" (decrypted with the private key) or "checksums"
    files: int
    plain_bytes: int
    counts: dict[str, int]
    copies: list[CopyResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return bool(self.copies) and all(c.ok for c in self.copies)

    def as_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok}


@dataclass
class _Plain:
    """A file gathered for the backup: where its plaintext is and where it belongs."""

    role: str
    name: str
    source: Path
    size: int
    sha256: str
    payload: Path | None = None     # what is encrypted, when not ``source`` itself (compressed)
    compressed: str = ""


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)


def _school_id(engine: Engine, code: str) -> int | None:
    with engine.connect() as conn:
        return conn.execute(select(schools.c.id).where(schools.c.code == code)).scalar()


def _archive_files(archive: Path) -> list[_Plain]:
    found = []
    if not archive.is_dir():
        return found
    for path in sorted(archive.rglob("*")):
        if not path.is_file() or path.name.startswith(".") or path.name.endswith(".partial"):
            continue
        size, digest = sha256_file(path)
        found.append(_Plain("archive", "archive/" + path.relative_to(archive).as_posix(), path, size, digest))
    return found


def _keyring_text(settings: Settings) -> str:
    return "".join(secret.decode() + "\n" for secret in settings.keyring)


class _Encrypted:
    """Ciphertexts made once per run and shared by every destination."""

    def __init__(self, tmp: Path, to) -> None:
        self.tmp, self.to, self.made = tmp, to, {}

    def get(self, item: _Plain) -> tuple[Path, int, str]:
        if item.sha256 not in self.made:
            target = self.tmp / "enc" / f"{item.sha256}.age"
            size, digest = encrypt_file(item.payload or item.source, target, self.to)
            self.made[item.sha256] = (target, size, digest)
        return self.made[item.sha256]


def _whole(target: Path, stored_sha256: str) -> bool:
    """Whether the object already at a destination still has the hash its manifests recorded.

    Every reused object is read again at every backup (not a sample): on the demo workspace (129
    objects, 2.8 MB encrypted) that is 22 ms per destination of a 1.05 s backup (warm cache); a
    1000-pupil school's year (≈35 such weeks at 3.3× the pupils, ~320 MB) is ~2.5 s from a warm
    disk and ~11 s from a USB stick reading 30 MB/s, once a week, against a rotten object that
    every later backup would otherwise lean on (and fail its check on) until someone looked."""
    try:
        return target.stat().st_size > 0 and sha256_file(target)[1] == stored_sha256
    except OSError:
        return False


def _write_copy(root: Path, manifest: Manifest, plain: list[_Plain], enc: _Encrypted,
                result: CopyResult) -> Path:
    """Write one snapshot to a destination's school folder; return the snapshot folder."""
    folder = root / SNAPSHOTS / manifest.id
    folder.mkdir(parents=True, exist_ok=False)
    known = known_objects(root)
    repaired: dict[str, tuple[int, str]] = {}
    for item in plain:
        if item.role == "archive":
            path = object_path(item.sha256)
            target = root / path
            if path in known and target.is_file():
                if _whole(target, known[path]):
                    result.reused_objects += 1
                    manifest.files.append(Entry(path, item.role, item.name, item.size, item.sha256,
                                                target.stat().st_size, known[path], item.compressed))
                    continue
                result.repaired_objects += 1
            else:
                result.new_objects += 1
        else:
            packed = ".gz" if item.compressed else ""
            path = f"{SNAPSHOTS}/{manifest.id}/{Path(item.name).name.lstrip('.')}{packed}.age"
            target = root / path
        source, size, digest = enc.get(item)
        copy_file(source, target)
        if path in known:
            repaired[path] = (size, digest)
        result.bytes_written += size
        manifest.files.append(Entry(path, item.role, item.name, item.size, item.sha256, size, digest,
                                    item.compressed))
    manifest.write(folder)
    if repaired:
        repoint(root, repaired, but=folder)
    return folder


def make_backup(settings: Settings, engine: Engine, *, now: dt.datetime | None = None,
                identity: str | None = None) -> BackupResult:
    """Back the workspace up to every ``[backup] destinations`` folder and verify each copy.

    Raises BackupError when nothing can be backed up as configured (no destination, no
    recipient, an unreadable private key, a store that fails its integrity check); a
    destination that cannot be written is a failed copy in the result.
    """
    started = _utcnow()
    clock = dt.datetime.now()
    now = now or started
    config = settings.backup
    if not config.destinations:
        raise BackupError("в zhurnal.toml не задан [backup] destinations: папки для копий "
                          "(флешка, сетевая папка), лучше две и больше")
    to = recipients(config.recipients)
    identities = load_identity(identity, config.identity_env)
    snapshot_id = now.strftime("%Y%m%dT%H%M%SZ")
    with tempfile.TemporaryDirectory(dir=settings.workspace, prefix=".backup-") as tmp_name:
        tmp = Path(tmp_name)
        os.chmod(tmp, 0o700)
        store = tmp / "store.sqlite"
        snapshot_store(engine, _school_id(engine, settings.school.code), store)
        answer, counts, revision = check_sqlite(store)
        if answer != "ok":
            raise BackupError(f"снимок хранилища не прошёл проверку целостности: {answer}")
        gzip_file(store, tmp / "store.sqlite.gz")
        plain = [_Plain("store", "master.sqlite", store, *sha256_file(store), tmp / "store.sqlite.gz", "gzip")]
        toml = settings.workspace / SETTINGS_FILE
        plain.append(_Plain("settings", SETTINGS_FILE, toml, *sha256_file(toml)))
        warnings = []
        if settings.keyring:
            ring = tmp / "keyring"
            ring.write_text(_keyring_text(settings), encoding="utf-8")
            plain.append(_Plain("keyring", KEYRING_FILE, ring, *sha256_file(ring)))
        else:
            warnings.append("keyring-missing")
        access_key = access_key_path(settings.workspace)
        if access_key.is_file():   # without it every parent's password would change after a restore
            plain.append(_Plain("access-key", ACCESS_KEY_FILE, access_key, *sha256_file(access_key)))
        plain += _archive_files(settings.archive)
        result = BackupResult(id=snapshot_id, created=now.isoformat(), files=len(plain),
                              verification="full" if identities else "checksums",
                              plain_bytes=sum(p.size for p in plain), counts=counts, warnings=warnings)
        enc = _Encrypted(tmp, to)
        rows = []
        for configured in config.destinations:
            manifest = Manifest(id=snapshot_id, created=now.isoformat(), school=settings.school.code,
                                zhurnal_version=__version__, schema_revision=revision,
                                store_dialect=engine.dialect.name, recipients=list(config.recipients),
                                counts=counts)
            copy, row = _one_destination(settings, configured, manifest, plain, enc, identities, now)
            result.copies.append(copy)
            rows.append(row)
    ledger.record(settings.workspace, rows, [(r["destination"], i) for r in rows for i in r.pop("removed")])
    result.seconds = round((dt.datetime.now() - clock).total_seconds(), 2)
    return result


def _one_destination(settings: Settings, configured: str, manifest: Manifest, plain, enc, identities,
                     now: dt.datetime) -> tuple[CopyResult, dict]:
    destination = resolve_destination(settings.workspace, configured)
    result = CopyResult(destination=str(destination), ok=False)
    row = {"id": manifest.id, "created": manifest.created, "destination": str(destination),
           "configured": configured, "verified_at": None, "mode": None, "problem": None, "removed": []}
    if not destination.is_dir():
        result.problems.append(Problem(str(destination), manifest.id, "", "missing").as_dict())
        row["problem"] = "missing"
        return result, row
    root = school_root(destination, settings.school.code)
    try:
        folder = _write_copy(root, manifest, plain, enc, result)
        _, problems = verify_snapshot(str(destination), root, folder, identities)
    except OSError as exc:
        result.problems.append(Problem(str(destination), manifest.id, "", f"unwritable: {exc.strerror}").as_dict())
        row["problem"] = "unwritable"
        return result, row
    if problems:
        result.problems += [p.as_dict() for p in problems]
        row["problem"] = problems[0].problem
        return result, row
    mode = "full" if identities else "checksums"
    write_verified(folder, {"verified_at": now.isoformat(), "mode": mode})
    result.ok = True
    row.update(verified_at=now.isoformat(), mode=mode)
    if not settings.keyring:  # older copies may hold the only keyring left: keep them all
        return result, row
    result.removed = prune(root, settings.backup.keep_daily, settings.backup.keep_weekly)
    row["removed"] = result.removed
    return result, row


def backup_when_due(settings: Settings, engine: Engine, *, now: dt.datetime | None = None) -> BackupResult | None:
    """A backup if one is due and backups are configured (the end of ``zhurnal run``); else None."""
    from zhurnal.backup.health import backup_health
    config = settings.backup
    if not (config.destinations and config.recipients) or not backup_health(settings, now).due:
        return None
    return make_backup(settings, engine, now=now)
