"""What the command line says to people, in their language: gettext catalogs compiled with Babel.

Message ids are English (the fallback); ``zhurnal/locale/<lang>/LC_MESSAGES/`` holds two
domains: ``zhurnal`` (our texts) and ``click`` (click's own texts: «Usage:», «Error: …», the
``--help`` option), both compiled to ``.mo`` and shipped in the package. The language is the
workspace's ``[school] locale`` when the workspace has a ``zhurnal.toml``, else ``LANG``'s
language, else Russian. ``--json`` keys and logs are never translated.

Catalogs: ``pybabel extract -F babel.cfg -o zhurnal/locale/zhurnal.pot zhurnal`` then
``pybabel update -D zhurnal -i zhurnal/locale/zhurnal.pot -d zhurnal/locale`` and
``pybabel compile -D zhurnal -d zhurnal/locale`` (and ``-D click`` for click's catalog).
"""

from __future__ import annotations

import gettext
import inspect
import os
import tomllib
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

LOCALE_DIR = Path(__file__).parents[1] / "locale"
DEFAULT = "ru"
KNOWN = ("ru", "en")

_current: gettext.NullTranslations = gettext.NullTranslations()
_click: gettext.NullTranslations = gettext.NullTranslations()


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated later, where it is shown."""
    return message


def _(message: str) -> str:
    """``message`` in the current language (English when the catalog lacks it)."""
    return _current.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The plural form for ``n`` by the current language's rules (Russian has three)."""
    return _current.ngettext(singular, plural, n)


def choose_locale(workspace: Path | None, environ: dict[str, str] | None = None) -> str:
    """``[school] locale`` of ``workspace/zhurnal.toml`` if readable, else ``LANG``'s language
    when it is one we have, else Russian; never raises (a broken toml is reported later)."""
    env = os.environ if environ is None else environ
    toml = workspace / "zhurnal.toml" if workspace else None
    if toml and toml.is_file():
        try:
            chosen = tomllib.loads(toml.read_text(encoding="utf-8")).get("school", {}).get("locale")
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            chosen = None
        if chosen in KNOWN:
            return chosen
    lang = (env.get("LANG") or "").split(".")[0].split("_")[0].lower()
    return lang if lang in KNOWN else DEFAULT


def catalog(locale: str, domain: str = "zhurnal") -> gettext.NullTranslations:
    """The compiled catalog of ``domain`` for ``locale``; English (no translation) if none."""
    return gettext.translation(domain, LOCALE_DIR, languages=[locale], fallback=True)


def _click_modules() -> list:
    import click.core, click.decorators, click.exceptions, click.formatting, click.parser  # noqa: E401
    import click.termui, click.types, click.utils  # noqa: E401
    return [click.core, click.decorators, click.exceptions, click.formatting, click.parser,
            click.termui, click.types, click.utils]


@contextmanager
def speaking(locale: str) -> Iterator[None]:
    """Within the block, our texts and click's speak ``locale``; restored afterwards.

    click binds ``gettext.gettext`` as ``_`` in each of its modules, and the global gettext
    picks the language from the environment only, so its names are rebound here for the
    block instead of changing the process's ``LANGUAGE``.
    """
    global _current, _click
    saved = (_current, _click)
    _current, _click = catalog(locale), catalog(locale, "click")
    patched = []
    for module in _click_modules():
        for name, value in (("_", _click.gettext), ("ngettext", _click.ngettext)):
            if hasattr(module, name):
                patched.append((module, name, getattr(module, name)))
                setattr(module, name, value)
    try:
        yield
    finally:
        for module, name, value in patched:
            setattr(module, name, value)
        _current, _click = saved


def translate(text: str) -> str:
    """``text`` through our catalog, else click's (its ``--help`` option), else unchanged."""
    text = inspect.cleandoc(text)          # click keeps a docstring as written
    found = _current.gettext(text)
    return found if found != text else _click.gettext(text)


@contextmanager
def translated(*items) -> Iterator[None]:
    """Within the block, the ``help`` of each click command or parameter is translated."""
    saved = [(item, item.help) for item in items if getattr(item, "help", None)]
    for item, text in saved:
        item.help = translate(text)
    try:
        yield
    finally:
        for item, text in saved:
            item.help = text


def extract_click_help(fileobj, keywords, comment_tags, options):
    """Babel extractor: the ``_()``/``N_()`` calls of a module plus the docstrings of its click
    commands (click shows a command's docstring as its help), as ``pybabel extract`` wants them."""
    import ast

    from babel.messages.extract import extract_python

    yield from extract_python(fileobj, keywords, comment_tags, options)
    fileobj.seek(0)
    tree = ast.parse(fileobj.read().decode(options.get("encoding", "utf-8")))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(
                isinstance(d, ast.Call) and isinstance(d.func, ast.Attribute)
                and d.func.attr in ("command", "group") for d in node.decorator_list):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield node.lineno, None, inspect.cleandoc(doc), []
