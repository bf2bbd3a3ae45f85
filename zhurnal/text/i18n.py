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
import re
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
    import click.core  # noqa: E401
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.termui  # noqa: E401
    import click.types
    import click.utils
    return [click.core, click.decorators, click.exceptions, click.formatting, click.parser,
            click.termui, click.types, click.utils]


METAVAR_WORD = re.compile(r"\b[A-Z][A-Z_]*[A-Z]\b")   # OPTIONS, COMMAND, FILE (not %Y, not x)


def _metavar(text: str | None) -> str | None:
    """«[OPTIONS]» → «[ПАРАМЕТРЫ]»: each upper-case Latin word of a metavar or usage piece
    through click's catalog (the word unchanged when the catalog lacks it: URL)."""
    return METAVAR_WORD.sub(lambda m: _click.gettext(m.group()), text) if text else text


class _TypeName:
    """A click type's ``name`` («integer», «directory»), read through click's catalog: click
    puts it into error messages («'abc' is not a valid integer») and, upper-cased, into
    metavars. A data descriptor, so it also wins over the name ``Path`` sets per instance."""

    def __init__(self, default: str | None) -> None:
        self.default = default

    def __get__(self, obj, owner=None):
        name = obj.__dict__.get("name", self.default) if obj is not None else self.default
        return _click.gettext(name) if isinstance(name, str) and name else name

    def __set__(self, obj, value) -> None:
        obj.__dict__["name"] = value


_installed = False


def _install_click_words() -> None:
    """Once: click's type names, metavars and usage pieces go through click's catalog. Outside
    :func:`speaking` the catalog is the null one, so click reads exactly as before."""
    global _installed
    if _installed:
        return
    import click.core  # noqa: E401
    import click.types

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for cls in {click.types.ParamType, *subclasses(click.types.ParamType)}:
        default = cls.__dict__.get("name")
        if default is None or isinstance(default, str):
            cls.name = _TypeName(default)

    make_metavar = click.core.Parameter.make_metavar
    click.core.Parameter.make_metavar = lambda self, *a, **k: _metavar(make_metavar(self, *a, **k))
    for cls in (click.core.Command, click.core.Group):
        pieces = cls.__dict__["collect_usage_pieces"]
        cls.collect_usage_pieces = (lambda original: lambda self, ctx: [_metavar(p) for p in original(self, ctx)])(pieces)
    _installed = True


@contextmanager
def speaking(locale: str) -> Iterator[None]:
    """Within the block, our texts and click's speak ``locale``; restored afterwards.

    click binds ``gettext.gettext`` as ``_`` in each of its modules, and the global gettext
    picks the language from the environment only, so its names are rebound here for the
    block instead of changing the process's ``LANGUAGE``.
    """
    global _current, _click
    _install_click_words()
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
