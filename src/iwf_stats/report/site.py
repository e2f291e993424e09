"""The static site: plain HTML pages that open from disk, with no server and no network.

Every page links only to files inside the site and to the sources' own addresses.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from ..claims import CheckReport
from ..dataset import Dataset
from ..loading import dataset_files
from ..summary import and_list

if TYPE_CHECKING:
    from ..draft import Statement

SITE_TITLE = "iwf-stats: the IWF's published figures, checked"
#: Every page forbids scripts, frames, forms and anything loaded from outside the site: a
#: second line of defence behind the escaping, should data text ever slip through as markup.
CSP = ("default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
       "base-uri 'none'; form-action 'none'")

CSS = """
:root { --ink: #222; --grey: #6b6b6b; --rule: #e3e3e3; --blue: #0072B2; --red: #D55E00; }
* { box-sizing: border-box; }
body { font: 16px/1.5 "DejaVu Sans", system-ui, sans-serif; color: var(--ink); margin: 0 auto;
       max-width: 980px; padding: 1rem; }
h1 { font-size: 1.6rem; margin: .5rem 0; } h2 { font-size: 1.25rem; margin-top: 2rem; }
nav a { margin-right: 1rem; }
a { color: var(--blue); }
.lede { font-size: 1.1rem; }
.muted { color: var(--grey); font-size: .9rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 1.5rem; }
figure { margin: 0; } figure img { width: 100%; height: auto; border: 1px solid var(--rule); }
figcaption { font-size: .85rem; color: var(--grey); }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--rule); }
.table-wrap { overflow-x: auto; }
.verdict-supported { color: #006d4f; font-weight: bold; }
.verdict-contradicted { color: var(--red); font-weight: bold; }
.verdict-unverifiable { color: var(--grey); font-weight: bold; }
blockquote { margin: .3rem 0; padding-left: .8rem; border-left: 3px solid var(--rule); }
.claim { border-top: 1px solid var(--rule); padding: .6rem 0 .4rem; }
.claim h2 { font-size: 1rem; margin: 0; } .claim p { margin: .2rem 0; }
.claim dl { display: grid; grid-template-columns: 6rem 1fr; gap: .2rem .8rem; margin: .4rem 0; font-size: .95rem; }
.sources { list-style: none; padding: 0; } .sources li { border-top: 1px solid var(--rule); padding: .5rem 0; }
.url { overflow-wrap: anywhere; font-size: .9rem; }
.claim dt { color: var(--grey); } .claim dd { margin: 0; overflow-wrap: anywhere; }
.jp-Cell, .cell { margin: 1rem 0; }
.jp-InputArea pre, .input_area pre, pre { background: #f6f6f6; padding: .6rem; overflow-x: auto; font-size: .85rem; }
.jp-OutputArea img, .output img { max-width: 100%; height: auto; }
table.dataframe { display: block; overflow-x: auto; max-width: 100%; font-size: .8rem; border: 0; }
"""


def page(title: str, body: str, depth: int = 0, extra_css: str = "") -> str:
    """A whole page around `body`; `depth` is how many folders below the site root it sits."""
    up = "../" * depth
    nav = (f'<nav><a href="{up}index.html">Overview</a><a href="{up}claims.html">Claims</a>'
           f'<a href="{up}sources.html">Sources</a></nav>')
    style = f"<style>{extra_css}</style>" if extra_css else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<link rel=\"stylesheet\" href=\"{up}style.css\">\n{style}\n"
        f"</head>\n<body>\n{nav}\n{body}\n</body>\n</html>\n"
    )


def _verdict(v: str) -> str:
    return f'<span class="verdict-{escape(v)}">{escape(v)}</span>'


def index(ds: Dataset, report: CheckReport, charts_dir: Path, notebooks: Sequence[str]) -> str:
    from ..charts import chart_names

    names = chart_names(ds)
    order = {name: i for i, name in enumerate(names)}
    s = report.summary()
    figures = []
    for name in names:
        meta_path = charts_dir / f"{name}.json"
        if not meta_path.exists():
            continue
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        links = " · ".join(f'<a href="charts/{escape(f)}">{escape(f.rsplit(".", 1)[-1].upper())}</a>'
                           for f in [f"{name}.csv", f"{name}.svg", f"{name}.pdf", f"{name}.json",
                                     f"{name}.txt"] if (charts_dir / f).exists())
        figures.append((order.get(name, len(order)), (
            f'<figure id="{escape(name)}">\n<img src="charts/{escape(name)}.png" '
            f'srcset="charts/{escape(name)}@2x.png 2x" width="640" height="480" '
            f'alt="{escape(meta["alt"])}">\n<figcaption>{escape(meta["title"])}. Data and files: '
            f"{links}</figcaption>\n</figure>")))
    charts_html = "\n".join(f for _, f in sorted(figures))
    titles = sorted({ds.sources[r.document].title for r in report.results
                     if ds.sources[r.document].kind == "newspaper_article"})
    articles = (("the newspaper article " if len(titles) == 1 else "the newspaper articles ")
                + and_list([f"“{escape(t)}”" for t in titles])) if titles else "the documents in the ledger"
    nb_links = "\n".join(f'<li><a href="notebooks/{escape(n)}.html">{escape(n)}</a> '
                         f'(<a href="notebooks/{escape(n)}.ipynb">executed notebook</a>)</li>'
                         for n in notebooks)
    body = f"""<h1>{escape(SITE_TITLE)}</h1>
<p class="lede">Figures the Internet Watch Foundation (IWF) published on online child sexual abuse
imagery, each tied to its source and the exact words it was published in, and the claims of
{articles} reproduced from them.</p>
<p><a href="claims.html">{s['claims']} claims checked</a>: {s['supported']} supported,
{s['contradicted']} contradicted, {s['unverifiable']} unverifiable.
The dataset holds {len(ds.observations)} published figures from {len(ds.sources)} sources
(<a href="sources.html">list with addresses</a>); for {len(ds.conflicts)} series-years the sources
publish different values, all kept.</p>
<h2>Charts</h2>
<div class="charts">
{charts_html}
</div>
<h2>Notebooks</h2>
<ul>
{nb_links}
</ul>
<h2>Data</h2>
<p>The CSV files and their <a href="data/datapackage.json">Data Package descriptor</a>:
{", ".join(f'<a href="data/{escape(n)}">{escape(n)}</a>' for n in dataset_files(ds.root) if n.endswith(".csv"))},
and the claims ledger <a href="data/claims.toml">claims.toml</a>.</p>
<p class="muted">Aggregate statistics only. Built by iwf-stats from the files in data/.</p>"""
    return page(SITE_TITLE, body)


def claims(ds: Dataset, report: CheckReport) -> str:
    """One card per claim: who said it, the exact words, the figure stated and computed, how,
    and the verdict. Cards rather than a table, so the arithmetic is readable on a phone."""
    cards = []
    for r in report.results:
        doc = ds.sources[r.document]
        expected = "" if r.reproduces else f" (expected {escape(r.expected)})"
        cards.append(
            f'<article class="claim" id="{escape(r.id)}">\n'
            f'<h2>{_verdict(r.verdict)}{expected} <code>{escape(r.id)}</code></h2>\n'
            f'<p class="muted">{escape(doc.title)}</p>\n'
            f"<blockquote>{escape(r.quote)}</blockquote>\n"
            f"<dl><dt>Stated</dt><dd>{escape(r.stated)}</dd>"
            f"<dt>Computed</dt><dd>{escape(r.computed)}</dd>"
            f"<dt>How</dt><dd>{escape(r.explanation)}</dd></dl>\n</article>")
    s = report.summary()
    body = (f"<h1>The claims, reproduced</h1>\n<p>{s['claims']} claims: {s['supported']} supported, "
            f"{s['contradicted']} contradicted, {s['unverifiable']} unverifiable. Machine-readable: "
            f"<a href=\"claims.json\">claims.json</a>.</p>\n" + "\n".join(cards))
    return page("Claims — iwf-stats", body)


def sources(ds: Dataset) -> str:
    """One entry per source, grouped by publisher: title, kind, date, address, id."""
    items = []
    for s in sorted(ds.sources.values(), key=lambda s: (ds.publishers[s.publisher_id].name, s.source_id)):
        pub = ds.publishers[s.publisher_id]
        link = f'<a href="{escape(s.url)}">{escape(s.url)}</a>' if s.url else "address not preserved"
        note = f"<br><span class=\"muted\">{escape(s.note)}</span>" if s.note else ""
        items.append(
            f'<li id="{escape(s.source_id)}"><strong>{escape(s.title)}</strong><br>'
            f"{escape(pub.name)} · {escape(s.kind.replace('_', ' '))} · "
            f"{escape(str(s.date_published or 'date unknown'))} · <code>{escape(s.source_id)}</code><br>"
            f'<span class="url">{link}</span>{note}</li>')
    body = ("<h1>Sources</h1>\n<p>Every document a figure or claim comes from, with its address on "
            "the publisher's own site.</p>\n<ul class=\"sources\">\n" + "\n".join(items) + "\n</ul>")
    return page("Sources — iwf-stats", body)


def notebook_page(name: str, fragment: str, pygments_css: str) -> str:
    return page(f"{name} — iwf-stats", f"<h1 class=\"muted\">{escape(name)}</h1>\n{fragment}",
                depth=1, extra_css=pygments_css)


def draft_page(ds: Dataset, statements: Sequence[Statement]) -> str:
    """What `iwf-stats draft` found in an article: one card per statement, with the sentence,
    the figure as written, what the data gives, the verdict and the arithmetic. Every string
    is escaped (the article's text is untrusted input); the one link is to each figure's source."""
    counts = {v: sum(s.verdict == v for s in statements) for v in ("supported", "contradicted", "unverifiable")}
    cards = []
    for s in statements:
        source = s.match.get("source") if isinstance(s.match, dict) else None
        link = ""
        if isinstance(source, str) and source in ds.sources and ds.sources[source].url:
            url = ds.sources[source].url or ""
            link = (f'<dt>Source</dt><dd><a href="{escape(url)}">{escape(ds.sources[source].title)}</a></dd>')
        cards.append(
            f'<article class="claim">\n<h2>{_verdict(s.verdict)} <code>{escape(s.kind)}</code></h2>\n'
            f"<blockquote>{escape(s.quote)}</blockquote>\n"
            f"<dl><dt>Stated</dt><dd>{escape(s.stated)}</dd>"
            f"<dt>Computed</dt><dd>{escape(s.computed)}</dd>"
            f"<dt>How</dt><dd>{escape(s.explanation)}</dd>{link}</dl>\n</article>")
    body = ("<h1>What the drafter found in the article</h1>\n"
            f"<p>{len(statements)} checkable statements: {counts['supported']} supported, "
            f"{counts['contradicted']} contradicted, {counts['unverifiable']} unverifiable. "
            "Found by <code>iwf-stats draft</code>; the reviewed claims are on the "
            '<a href="claims.html">claims page</a>.</p>\n' + "\n".join(cards))
    return page("Drafted statements — iwf-stats", body)
