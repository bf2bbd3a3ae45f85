"""One library call per ``zhurnal docs`` command: the workspace opened read-only (documents never
change the store), the facts gathered, the document written."""

from __future__ import annotations

from pathlib import Path

from zhurnal.batch.workspace import open_workspace
from zhurnal.docs.bundle import write_bundle
from zhurnal.docs.doctor import Health, examine
from zhurnal.docs.facts import Facts, gather
from zhurnal.docs.guides import write_guides
from zhurnal.docs.model import Made
from zhurnal.docs.regulation import write_regulation
from zhurnal.docs.site import write_site

FOLDER = "docs"        # outbox/docs/ by default


def _facts(workspace: Path) -> Facts:
    return gather(open_workspace(workspace, read_only=True, need_key=False))


def out_folder(workspace: Path, given: Path | None) -> Path:
    """``given``, else the workspace's ``outbox/docs/``."""
    return given if given is not None else workspace / "outbox" / FOLDER


def regulation(workspace: Path, folder: Path | None = None) -> Made:
    """``zhurnal docs regulation``: the regulation's ``.docx`` and PDF."""
    return write_regulation(_facts(workspace), out_folder(workspace, folder))


def doctor(workspace: Path, bundle: Path | None = None) -> Health:
    """``zhurnal doctor``: the health; with ``bundle`` also the support zip written there."""
    return write_bundle(workspace, bundle) if bundle is not None else examine(workspace)


def site(workspace: Path, folder: Path) -> Made:
    """``zhurnal docs site DIR``: the static site into ``folder``."""
    return write_site(_facts(workspace), folder)


def guides(workspace: Path, folder: Path | None = None) -> Made:
    """``zhurnal docs guides``: the four guides (PDF)."""
    return write_guides(_facts(workspace), out_folder(workspace, folder))
