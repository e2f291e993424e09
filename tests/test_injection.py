"""Data is text everywhere it is rendered: markup, script, mathtext and `javascript:` links put
into every free-text field of the data come out as text on every page of the site, the
notebooks included. Each page is loaded in headless Chromium, which must run no script, open
no dialog and request nothing from outside the site."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from iwf_stats.report.build import build

from conftest import DATA, edit, read_rows, write_rows

PAYLOAD = ('<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
           '[link](javascript:window.__pwned=3) ![i](https://evil.example/p.png) '
           '<iframe src="https://evil.example/"></iframe> **$x^2$** <a href="javascript:alert(1)">a</a>')
SHORT = '<img src=x onerror=alert(1)>$x$'  # fields with a length limit
PROBE = "typeof window.__pwned === 'undefined' ? 'clean' : String(window.__pwned)"


def _poison(data: Path) -> None:
    edit(data, "publishers", {"publisher_id": "iwf"}, name=f"Internet Watch Foundation {PAYLOAD}",
         attribution=f"IWF {SHORT}")
    for source_id in ("iwf_ar_2022", "iwf_adir_2024_hosting", "seed_article"):
        header, rows = read_rows(data / "sources.csv")
        for row in rows:
            if row["source_id"] == source_id:
                row["title"] = f"{row['title']} {PAYLOAD}"
                row["note"] = PAYLOAD
        write_rows(data / "sources.csv", header, rows)
    header, rows = read_rows(data / "series.csv")
    for row in rows:
        row["title"] = f"{row['title']} {SHORT}"[:120]
        row["definition"] = f"{row['definition']} {PAYLOAD}"
    write_rows(data / "series.csv", header, rows)
    header, rows = read_rows(data / "observations.csv")
    for row in rows:
        row["note"] = PAYLOAD
        if row["category"] == "Bulgaria":
            row["category"] = f"Bulgaria {SHORT}"
    write_rows(data / "observations.csv", header, rows)
    header, rows = read_rows(data / "facts.csv")
    for row in rows:
        row["note"] = PAYLOAD
    write_rows(data / "facts.csv", header, rows)
    ledger = data / "claims.toml"
    text = ledger.read_text(encoding="utf-8")
    escaped = PAYLOAD.replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace('\nnote = "', f'\nnote = "{escaped} ')
    text = text.replace('\nrule = "', f'\nrule = "{escaped} ')
    short = SHORT.replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace('\ntitle = "', f'\ntitle = "{short} ')  # claim titles head the overview's table
    bulgaria = f"Bulgaria {SHORT}".replace('"', '\\"')
    text = text.replace('category = "Bulgaria"', f'category = "{bulgaria}"')
    ledger.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def poisoned_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("poisoned")
    data = root / "data"
    shutil.copytree(DATA, data)
    _poison(data)
    out = root / "site"
    build(out, data)
    return out


class _Markup(HTMLParser):
    """Collects what would run or load: script and frame tags, event handlers, javascript:
    links and images from anywhere but the page itself."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "iframe", "object", "embed", "form"):
            self.found.append(tag)
        for name, value in attrs:
            value = (value or "").strip().lower()
            if name.startswith("on") or value.startswith("javascript:") or \
                    (name == "src" and value.startswith(("http:", "https:", "//"))):
                self.found.append(f"{tag} {name}={value[:40]}")


def test_the_payload_reaches_every_page_as_text(poisoned_site: Path) -> None:
    pages = sorted(poisoned_site.rglob("*.html"))
    assert len(pages) >= 6
    for page in pages:
        parser = _Markup()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.found == [], page
    for page in ["claims.html", "sources.html", "notebooks/03-article-claims.html"]:
        assert "window.__pwned=1" in (poisoned_site / page).read_text(encoding="utf-8"), page  # as text
    index = (poisoned_site / "index.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;$x$ What the abuse inquiry cost" in index  # a claim title, as text


def test_the_markup_check_can_fail(tmp_path: Path) -> None:
    parser = _Markup()
    parser.feed('<p>ok</p><img src="https://evil.example/x.png"><a href="javascript:alert(1)">x</a><script></script>')
    assert len(parser.found) == 3


def test_no_page_runs_a_script_or_loads_from_outside(poisoned_site: Path, tmp_path: Path) -> None:
    from browser import Chromium
    from test_build import _browser

    chromium = Chromium(_browser())
    try:
        reports = {p.relative_to(poisoned_site).as_posix(): chromium.open(p.as_uri(), probe=PROBE)
                   for p in sorted(poisoned_site.rglob("*.html"))}
    finally:
        chromium.close()
    site = poisoned_site.as_uri()
    for page, report in reports.items():
        assert report.probe == "clean", page
        assert report.dialogs == [], page
        outside = [u for u in report.requested if not (u.startswith(site + "/") or u.startswith("data:"))]
        assert outside == [], page


def test_mathtext_in_data_is_drawn_literally() -> None:
    import io

    import matplotlib
    from matplotlib.figure import Figure

    from iwf_stats.charts.style import RC

    def draw() -> None:
        fig = Figure()
        fig.text(0, 0, r"Invalid math from a title: $\frac{$")
        fig.savefig(io.BytesIO(), format="png")

    with pytest.raises(ValueError), matplotlib.rc_context({"text.parse_math": True}):
        draw()  # what a title with "$" did before: an error naming no file or line
    with matplotlib.rc_context(RC):  # type: ignore[arg-type]
        draw()  # the house style reads it as plain text
