"""``district.toml``: the queue's store, each school's workspace on shared storage, the timings.

Example::

    queue_url = "postgresql+psycopg://district@db.region/zhurnal"   # else $ZHURNAL_DISTRICT_URL
    purge_hours = 168          # finished jobs are deleted this long after they finished
    heartbeat_seconds = 10     # a worker's heartbeat into the queue
    stalled_seconds = 60       # a job whose worker's heartbeat is older is retried elsewhere
    retry_every_seconds = 15   # how often workers look for stalled jobs
    concurrency = 1            # jobs at once per worker process (a publish already uses every core)
    render_per_class = false   # diaries rendered one job per class: worth it only when fewer schools
                               # than worker slots are in flight (each class job reads its school's week)

    [schools]
    school17 = "/srv/zhurnal/school17"     # the workspace every worker reaches (NFS, CephFS, …)

Each workspace keeps its own ``zhurnal.toml`` (its store URL with the school's own role, its
mail servers): a worker runs a school's job with the school's settings, so the school's role and
its row-level security hold for the job too.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from zhurnal.core.errors import UsageError
from zhurnal.text.i18n import N_

ENV_URL = "ZHURNAL_DISTRICT_URL"
ENV_FILE = "ZHURNAL_DISTRICT"


class DistrictUnset(UsageError):
    def __init__(self, what: str) -> None:
        super().__init__(N_("the district file does not say {what}"), what=what)


class DistrictFileBroken(UsageError):
    def __init__(self, path: Path, error: str) -> None:
        super().__init__(N_("the district file {path} cannot be read: {error}"), path=str(path), error=error)


class DistrictNotPostgres(UsageError):
    def __init__(self, url: str) -> None:
        super().__init__(N_("the district's queue_url must be a PostgreSQL store (postgresql+psycopg://…), "
                            "not {url}: a region's queue lives in PostgreSQL"), url=url)


class QueueNotInstalled(UsageError):
    def __init__(self) -> None:
        super().__init__(N_("the district's queue needs zhurnal's PostgreSQL part: "
                            "pip install 'zhurnal[postgresql]'"))


class DistrictFileMissing(UsageError):
    def __init__(self, path: Path) -> None:
        super().__init__(N_("no district file at {path}"), path=str(path))


@dataclass(frozen=True)
class District:
    queue_url: str                                         # SQLAlchemy form, postgresql+psycopg://…
    schools: dict[str, Path] = field(default_factory=dict)  # code → workspace folder
    purge_hours: float = 168.0
    heartbeat_seconds: float = 10.0
    stalled_seconds: float = 60.0
    retry_every_seconds: int = 15
    concurrency: int = 1
    render_per_class: bool = False


def district_file(given: str | None) -> Path:
    """The district file: ``given``, else $ZHURNAL_DISTRICT, else ./district.toml."""
    return Path(given or os.environ.get(ENV_FILE) or "district.toml").resolve()


def load_district(path: Path) -> District:
    """The district's settings; :class:`DistrictFileMissing`, :class:`DistrictFileBroken`,
    :class:`DistrictUnset`, :class:`DistrictNotPostgres` (exit 2)."""
    if not path.is_file():
        raise DistrictFileMissing(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DistrictFileBroken(path, str(exc)) from exc
    url = os.environ.get(ENV_URL) or data.get("queue_url")
    if not url:
        raise DistrictUnset("queue_url")
    if not isinstance(url, str) or not url.startswith(("postgresql:", "postgresql+")):
        raise DistrictNotPostgres(str(url).split("@")[-1])        # never a password on the screen
    schools = {code: (path.parent / folder).resolve() for code, folder in data.get("schools", {}).items()}
    try:
        return _district(url, schools, data)
    except (TypeError, ValueError) as exc:
        raise DistrictFileBroken(path, str(exc)) from exc


def _district(url: str, schools: dict[str, Path], data: dict) -> District:
    return District(queue_url=url, schools=schools,
                    purge_hours=float(data.get("purge_hours", 168)),
                    heartbeat_seconds=float(data.get("heartbeat_seconds", 10)),
                    stalled_seconds=float(data.get("stalled_seconds", 60)),
                    retry_every_seconds=int(data.get("retry_every_seconds", 15)),
                    concurrency=int(data.get("concurrency", 1)),
                    render_per_class=bool(data.get("render_per_class", False)))
