"""The page for the school's site (issue 29, point 2): ``zhurnal docs site DIR`` writes plain HTML
and CSS with no script, in Russian, whose every link resolves to a file of the site, and which
names no pupil, parent or member of staff; its files are 0644, public by purpose. (Screenshots
in headless Chromium at 390 and 1280 pixels were looked at by hand: see the issue's note.)"""

from __future__ import annotations

import stat
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from click.testing import CliRunner
from sqlalchemy import text
from test_russian_text import latin_words

from zhurnal.cli import main


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()
        self.tags: list[str] = []
        self.alts: list[str | None] = []
        self.lang: str | None = None
        self.words: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        self.tags.append(tag)
        self.links += [v for k, v in attrs if k in ("href", "src") and v is not None]
        if "id" in found:
            self.ids.add(found["id"])
        if tag == "html":
            self.lang = found.get("lang")
        if tag == "img":
            self.alts.append(found.get("alt"))

    def handle_data(self, data):
        self.words.append(data)


def _pages(site: Path) -> dict[str, _Page]:
    pages = {}
    for path in sorted(site.glob("*.html")):
        page = _Page()
        page.feed(path.read_text(encoding="utf-8"))
        pages[path.name] = page
    return pages


def test_every_link_resolves_and_no_person_is_named(loaded, tmp_path):
    """GIVEN the small school's setup and rosters WHEN the site is written THEN every page is
    lang="ru" with one h1, has no script, every img has alt text, every href and src is a file of
    the site (or an id on its page), the calendar and bells come from the setup (SQL), and no
    pupil's, parent's or teacher's name, e-mail or phone is on any page or in the PDF."""
    site = tmp_path / "сайт"
    result = CliRunner().invoke(main, ["-w", str(loaded.path), "docs", "site", str(site)])
    assert result.exit_code == 0, result.output
    pages = _pages(site)
    assert set(pages) == {"index.html", "polozhenie.html", "roditelyam.html", "kontakty.html", "kalendar.html",
                          "zvonki.html"}
    broken = []
    for name, page in pages.items():
        assert page.lang == "ru" and page.tags.count("h1") == 1 and "script" not in page.tags, name
        assert all(alt and alt.strip() for alt in page.alts), name
        for link in page.links:
            parts = urlsplit(link)
            assert not parts.scheme and not parts.netloc, (name, link)     # nothing outside the site
            if parts.path:
                if not (site / unquote(parts.path)).is_file():
                    broken.append((name, link))
            elif parts.fragment not in page.ids:
                broken.append((name, link))
    assert broken == []
    assert {"style.css", "polozhenie.pdf", "dnevnik-primer.png"} <= {p.name for p in site.iterdir()}
    # public by purpose, to be copied to the web server as they are: readable by all, under the
    # owner-only umask the command line runs with
    assert {p.name: oct(stat.S_IMODE(p.stat().st_mode)) for p in site.iterdir()} == \
        {p.name: oct(0o644) for p in site.iterdir()}

    with loaded.engine.connect() as conn:
        bells = conn.execute(text("SELECT lesson_no, start, \"end\" FROM bells ORDER BY lesson_no")).all()
        holidays = conn.execute(text("SELECT name FROM holidays")).scalars().all()
        people = set(conn.execute(text("SELECT full_name FROM students")).scalars())
        for row in conn.execute(text("SELECT full_name, email, phone FROM parents")):
            people |= {v for v in row if v}
        for row in conn.execute(text("SELECT full_name, email FROM teachers")):
            people |= {v for v in row if v}
    said = {name: " ".join(" ".join(page.words).split()) for name, page in pages.items()}
    for no, start, end in bells:
        assert f"{no} {start} {end}" in said["zvonki.html"]
    assert holidays and all(h in said["kalendar.html"] for h in holidays)
    pdf = subprocess.run(["pdftotext", str(site / "polozhenie.pdf"), "-"], capture_output=True, text=True,
                         check=True).stdout
    everything = "\n".join([*said.values(), pdf])
    assert sorted(p for p in people if p in everything) == []
    assert "Порядок и сроки заполнения" in said["polozhenie.html"] and "Порядок и сроки заполнения" in pdf
    assert {name: latin_words(words) for name, words in said.items() if latin_words(words)} == {}
