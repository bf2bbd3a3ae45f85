"""A private PostgreSQL cluster for the tests: a temporary data folder, loopback only, a free port.

Debian's server binaries (``apt-get install postgresql``; ``.ci/run`` installs them) are used
directly: ``initdb`` makes the cluster, ``pg_ctl`` starts and stops it. The server refuses to
run as root, so under root the cluster belongs to the ``postgres`` user and is run through
``runuser``. Each test gets its own database, cloned from a template database where a session
fixture prepared one (``CREATE DATABASE … TEMPLATE …``: a file copy, much faster than
building the school again).
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

SUPERUSER = "zhurnal_test"


def _bin_dir() -> Path | None:
    for found in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(found) / "initdb").exists():
            return Path(found)
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Unavailable(Exception):
    """No PostgreSQL server binaries here, or the cluster would not start."""


class Postgres:
    """One running cluster; ``url(db)`` for SQLAlchemy, ``create(db, template=)`` for a database."""

    def __init__(self) -> None:
        self.bin = _bin_dir()
        if self.bin is None:
            raise Unavailable("PostgreSQL server binaries not found (apt-get install postgresql)")
        # its own folder under /tmp: pytest's temporary folders are private to this user, and
        # under root the server runs as another one, which must reach its data folder
        self.folder = Path(tempfile.mkdtemp(prefix="zhurnal-pg-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        self._start()

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, capture_output=True, text=True, check=check, timeout=120)

    def _start(self) -> None:
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        try:
            self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                      "--locale=C.UTF-8", "--no-sync")
            self.resume()
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, FileNotFoundError) as exc:
            log = self.folder / "server.log"
            detail = getattr(exc, "stderr", "") or ""
            if log.exists():
                detail += log.read_text(errors="replace")[-2000:]
            raise Unavailable(f"PostgreSQL did not start: {exc}\n{detail}") from exc

    def resume(self) -> None:
        """Start the server (again, on the same data and port)."""
        options = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.folder / "server.log"),
                  "-w", "-t", "60", "start")

    def pause(self) -> None:
        """Stop the server, keeping its data (a server gone: ``resume`` brings it back)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def url(self, database: str, user: str = SUPERUSER, password: str | None = None) -> str:
        who = f"{user}:{password}" if password else user
        return f"postgresql+psycopg://{who}@127.0.0.1:{self.port}/{database}"

    def admin(self, sql: str, database: str = "postgres") -> None:
        """Run ``sql`` as the superuser (outside a transaction: CREATE DATABASE needs that)."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=database,
                             autocommit=True) as conn:
            conn.execute(sql)

    def create(self, template: str | None = None) -> str:
        """A new empty database (or a copy of ``template``); its name."""
        name = f"t_{uuid.uuid4().hex[:12]}"
        self.admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name
