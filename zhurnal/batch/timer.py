"""``zhurnal schedule``: a systemd service and timer (and a crontab line) that start the
scheduled ``zhurnal run`` of a workspace every 15 minutes.

The service runs as the workspace's owner (the workspace is owner-only), with ``--no-wait``: a
start that finds the previous run still at work ends at once instead of queueing behind it. Exit
1 (something rejected, a class held) is the school's business, not the service's failure
(``SuccessExitStatus=1``); 2 and 3 mark the unit failed. Secrets (``ZHURNAL_SMTP_PASSWORD``, …)
come from an optional environment file readable by root only.
"""

from __future__ import annotations

import getpass
import pwd
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from zhurnal.core.settings import Settings

UNIT = "zhurnal"


def executable() -> str:
    """The ``zhurnal`` command of this installation (its virtual environment's, if any)."""
    beside = Path(sys.executable).with_name("zhurnal")
    return str(beside) if beside.exists() else shutil.which("zhurnal") or f"{sys.executable} -m zhurnal.cli"


@dataclass
class Units:
    service: str
    timer: str
    cron: str
    ok = True
    exit_code = 0

    def as_dict(self) -> dict:
        return {"service": self.service, "timer": self.timer, "cron": self.cron}


def _owner(folder: Path) -> str:
    """The workspace's owner: the service runs as them (``zhurnal schedule`` is often run as root)."""
    try:
        return pwd.getpwuid(folder.stat().st_uid).pw_name
    except (KeyError, OSError):
        return getpass.getuser()


def units(settings: Settings, command: str | None = None, user: str | None = None) -> Units:
    """The three texts for the workspace of ``settings``."""
    folder = str(settings.workspace)
    run = f"{command or executable()} --workspace {shlex.quote(folder)} run --no-wait"
    service = f"""\
[Unit]
Description=zhurnal: scheduled run of {settings.school.code} ({folder})
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
User={user or _owner(settings.workspace)}
WorkingDirectory={folder}
# secrets (ZHURNAL_SMTP_PASSWORD, ZHURNAL_IMAP_PASSWORD, ZHURNAL_STORE_URL, …), mode 0600
EnvironmentFile=-/etc/zhurnal/{settings.school.code}.env
ExecStart={run}
# 1: the run finished with something rejected or held: the school's business, not a failure
SuccessExitStatus=1
Nice=10
"""
    timer = f"""\
[Unit]
Description=zhurnal: scheduled run of {settings.school.code} every 15 minutes

[Timer]
OnCalendar=*:0/15
Persistent=true
RandomizedDelaySec=60
Unit={UNIT}.service

[Install]
WantedBy=timers.target
"""
    cron = f"*/15 * * * * {run} >> {shlex.quote(folder + '/run.log')} 2>&1\n"
    return Units(service, timer, cron)
