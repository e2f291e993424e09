"""The static site: plain HTML pages that open from disk, with no server and no network.

Every page links only to files inside the site and to the sources' own addresses. The
overview leads with what the check found (`findings`); each chart has a page of its own with
every file the build made of it, a citation line and an embed snippet; every page ends with
the licence, the credit and the site's date (`dated`: never the clock).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..claims import CheckReport, ClaimResult, Ledger
from ..dataset import Dataset
from ..loading import dataset_files
from ..summary import and_list
from .dated import Dated
from .findings import Findings, findings

if TYPE_CHECKING:
    from ..draft import Statement

SITE_TITLE = "iwf-stats: the IWF's published figures, checked"
#: Who made the charts and the site, as a citation should name it.
CREDIT = "iwf-stats"
#: The licence of the data compilation and of the charts (README, "Licence").
LICENCE = "CC BY 4.0"
#: Folder of the chart pages; the chart files themselves are in charts/ (another build step).
PAGES = "pages"
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
figure a img { display: block; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--rule); }
.verdict-supported { color: #006d4f; font-weight: bold; }
.verdict-contradicted { color: #b03a00; font-weight: bold; }
.verdict-unverifiable { color: var(--grey); font-weight: bold; }
.badge { display: inline-block; padding: .05rem .45rem; border-radius: .7rem; color: #fff; font-size: .8rem;
         font-weight: bold; white-space: nowrap; }
.badge-supported { background: #00664a; } .badge-contradicted { background: #b03a00; }
.badge-unverifiable { background: #595959; }
.findings { border-left: 4px solid var(--blue); padding: .1rem 0 .1rem .9rem; margin: .6rem 0 1rem; }
.findings p { margin: .35rem 0; } .findings .lede { font-size: 1.15rem; font-weight: bold; }
.findings .contradiction { font-size: 1.05rem; }
mark { background: #fde9c8; color: var(--ink); padding: 0 .1rem; }
.claims-table th[scope=row] { font-weight: normal; }
.claims-table .title { font-weight: bold; display: block; }
.claims-table blockquote { font-size: .85rem; color: var(--grey); }
.claims-table .how { font-size: .8rem; color: var(--grey); margin: .2rem 0 0; overflow-wrap: anywhere; }
@media (max-width: 640px) {
  .claims-table thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  .claims-table tr { display: block; border-top: 2px solid var(--rule); padding: .4rem 0; }
  .claims-table th, .claims-table td { display: block; border: 0; padding: .1rem 0; }
  .claims-table td[data-label]::before { content: attr(data-label) ": "; color: var(--grey); }
}
caption { text-align: left; }
@media (max-width: 640px) {
  h1 { font-size: 1.25rem; } h2 { font-size: 1.1rem; margin-top: 1.2rem; }
  .findings .lede { font-size: 1.05rem; } .findings .contradiction { font-size: 1rem; }
}
footer { margin-top: 3rem; padding-top: .6rem; border-top: 1px solid var(--rule); font-size: .85rem;
         color: var(--grey); } footer p { margin: .2rem 0; }
.downloads { columns: 2 14rem; padding-left: 1.2rem; } .downloads li { break-inside: avoid; }
.chart-full img { width: auto; max-width: 100%; height: auto; border: 1px solid var(--rule); }
pre.snippet { white-space: pre-wrap; overflow-wrap: anywhere; }
blockquote { margin: .3rem 0; padding-left: .8rem; border-left: 3px solid var(--rule); }
.claim { border-top: 1px solid var(--rule); padding: .6rem 0 .4rem; }
.claim h2 { font-size: 1rem; margin: 0; } .claim p { margin: .2rem 0; }
.claim dl { display: grid; grid-template-columns: 6rem 1fr; gap: .2rem .8rem; margin: .4rem 0; font-size: .95rem; }
.sources { list-style: none; padding: 0; } .sources li { border-top: 1px solid var(--rule); padding: .5rem 0; }
.url { overflow-wrap: anywhere; font-size: .9rem; }
.claim dt { color: var(--grey); } .claim dd { margin: 0; overflow-wrap: anywhere; }
.jp-Cell, .cell { margin: 1rem 0; }
.jp-InputArea pre, .input_area pre, pre { background: #f6f6f6; padding: .6rem; font-size: .85rem;
  white-space: pre-wrap; overflow-wrap: anywhere; }
.jp-OutputArea img, .output img { max-width: 100%; height: auto; }
table.dataframe { display: block; overflow-x: auto; max-width: 100%; font-size: .8rem; border: 0; }
"""


def footer(dated: Dated | None) -> str:
    """Licence, credit and date, on every page (a page made outside a build has no date)."""
    return (f'<footer>\n<p>Charts and data compilation: {escape(CREDIT)}, licensed {escape(LICENCE)}: credit '
            f"“{escape(CREDIT)}” and each figure's publisher, named under every chart. Code: MIT. "
            "Every quote remains its publisher's.</p>\n"
            "<p>Aggregate statistics only, each tied to its publisher's page. "
            + (f'<time datetime="{escape(dated.iso)}">{escape(dated.sentence)}</time>' if dated else "")
            + "</p>\n</footer>")


def page(title: str, body: str, dated: Dated | None = None, depth: int = 0, extra_css: str = "") -> str:
    """A whole page around `body`; `depth` is how many folders below the site root it sits."""
    up = "../" * depth
    nav = (f'<header><nav aria-label="Site"><a href="{up}index.html">Overview</a>'
           f'<a href="{up}claims.html">Claims</a><a href="{up}draft.html">Check an article</a>'
           f'<a href="{up}sources.html">Sources</a></nav></header>')
    style = f"<style>{extra_css}</style>" if extra_css else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<link rel=\"stylesheet\" href=\"{up}style.css\">\n{style}\n"
        f"</head>\n<body>\n{nav}\n<main>\n{body}\n</main>\n{footer(dated)}\n</body>\n</html>\n"
    )


def _badge(v: str) -> str:
    return f'<span class="badge badge-{escape(v)}">{escape(v)}</span>'


def _marked(quote: str, stated: str) -> str:
    """The quote, escaped, with the stated phrase highlighted where it first occurs."""
    before, found, after = quote.partition(stated)
    if not found:
        return escape(quote)
    return f"{escape(before)}<mark>{escape(found)}</mark>{escape(after)}"


def findings_html(f: Findings) -> str:
    """The overview's lead: the findings in plain words, every piece of data escaped."""
    if not f.claims:
        return ""
    parts = [f'<p class="lede">{escape(f.headline())}</p>']
    for c in f.contradicted:
        parts.append('<p class="contradiction">' + c.render(
            escape, lambda text, sid: f'<a href="sources.html#{escape(sid)}">{text}</a>' if sid else text,
            _badge("contradicted")) + "</p>")
    for sentence in (f.holding(), f.unchecked()):
        if sentence:
            parts.append(f"<p>{escape(sentence)}</p>")
    return '<div class="findings">\n' + "\n".join(parts) + "\n</div>"


def claims_table(results: Sequence[ClaimResult], caption: str) -> str:
    """The article's claims as a table: the claim in words with its quote and arithmetic, the
    figure stated and the figure computed, and the verdict. On a phone each row is a card."""
    rows = []
    for r in results:
        rows.append(
            f'<tr id="claim-{escape(r.id)}"><th scope="row"><a class="title" href="claims.html#{escape(r.id)}">'
            f"{escape(r.title)}</a><blockquote>{_marked(r.quote, r.stated)}</blockquote>"
            f'<p class="how">{escape(r.explanation)}</p></th>'
            f'<td data-label="Stated">{escape(r.stated)}</td>'
            f'<td data-label="Computed">{escape(r.computed)}</td>'
            f'<td data-label="Verdict">{_badge(r.verdict)}</td></tr>')
    return ('<div class="table-wrap"><table class="claims-table">\n'
            f"<caption class=\"muted\">{escape(caption)}</caption>\n"
            '<thead><tr><th scope="col">Claim, its words and the arithmetic</th><th scope="col">Stated</th>'
            '<th scope="col">Computed</th><th scope="col">Verdict</th></tr></thead>\n<tbody>\n'
            + "\n".join(rows) + "\n</tbody></table></div>")


def chart_meta(ds: Dataset, charts_dir: Path) -> list[dict[str, Any]]:
    """The charts the build made, in catalogue order, each as its JSON description."""
    from ..charts import chart_names

    out = []
    for name in chart_names(ds):
        meta_path = charts_dir / f"{name}.json"
        if meta_path.exists():
            out.append(json.loads(meta_path.read_text(encoding="utf-8")))
    return out


def index(ds: Dataset, ledger: Ledger, report: CheckReport, charts_dir: Path, notebooks: Sequence[str],
          dated: Dated) -> str:
    s = report.summary()
    figures = []
    for meta in chart_meta(ds, charts_dir):
        name = meta["name"]
        links = " · ".join(f'<a href="charts/{escape(f)}">{escape(f.rsplit(".", 1)[-1].upper())}</a>'
                           for f in [f"{name}.csv", f"{name}.svg", f"{name}.pdf", f"{name}.json",
                                     f"{name}.txt"] if (charts_dir / f).exists())
        figures.append(
            f'<figure id="{escape(name)}">\n<a href="{PAGES}/{escape(name)}.html">'
            f'<img src="charts/{escape(name)}.png" srcset="charts/{escape(name)}@2x.png 2x" '
            f'{_size_attrs(charts_dir / f"{name}.png")} alt="{escape(meta["alt"])}"></a>\n'
            f'<figcaption><a href="{PAGES}/{escape(name)}.html">{escape(meta["title"])}</a>: '
            f"page with every size, citation and embed code. Data and files: {links}</figcaption>\n</figure>")
    charts_html = "\n".join(figures)
    found = findings(ds, ledger, report)
    titles = list(found.articles)
    plain = (("the newspaper article " if len(titles) == 1 else "the newspaper articles ")
             + and_list([f"“{t}”" for t in titles])) if titles else "the documents in the ledger"
    articles = escape(plain)
    nb_links = "\n".join(f'<li><a href="notebooks/{escape(n)}.html">{escape(n)}</a> '
                         f'(<a href="notebooks/{escape(n)}.ipynb">executed notebook</a>)</li>'
                         for n in notebooks)
    table = ""
    if found.claims:
        table = ("<h2>The article's claims</h2>\n"
                 + claims_table(found.claims, f"The {len(found.claims)} claims of {plain}: "
                                "contradicted first, then those that cannot be checked, then those that hold."))
    body = f"""<h1>{escape(SITE_TITLE)}</h1>
<h2>What the check found</h2>
{findings_html(found)}
{table}
<h2>The whole check</h2>
<p class="lede">Figures the Internet Watch Foundation (IWF) published on online child sexual abuse
imagery, each tied to its source and the exact words it was published in, and the claims of
{articles} reproduced from them.</p>
<p><a href="claims.html">{s['claims']} claims checked</a> (the article's, and those of the IWF's own
publications): {s['supported']} supported, {s['contradicted']} contradicted, {s['unverifiable']} unverifiable.
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
and the claims ledger <a href="data/claims.toml">claims.toml</a>.</p>"""
    return page(SITE_TITLE, body, dated)


def _size_attrs(png: Path) -> str:
    """width and height of a PNG, read from its header, so the page does not jump as it loads."""
    size = png_size(png)
    return f'width="{size[0]}" height="{size[1]}"' if size else ""


def png_size(png: Path) -> tuple[int, int] | None:
    try:
        with open(png, "rb") as f:
            head = f.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def claims(ds: Dataset, report: CheckReport, dated: Dated) -> str:
    """One card per claim: who said it, the exact words, the figure stated and computed, how,
    and the verdict. Cards rather than a table, so the arithmetic is readable on a phone."""
    cards = []
    for r in report.results:
        doc = ds.sources[r.document]
        expected = "" if r.reproduces else f" (expected {escape(r.expected)})"
        cards.append(
            f'<article class="claim" id="{escape(r.id)}">\n'
            f'<h2>{escape(r.title)} {_badge(r.verdict)}{expected}</h2>\n'
            f'<p class="muted">{escape(doc.title)} · <code>{escape(r.id)}</code></p>\n'
            f"<blockquote>{_marked(r.quote, r.stated)}</blockquote>\n"
            f"<dl><dt>Stated</dt><dd>{escape(r.stated)}</dd>"
            f"<dt>Computed</dt><dd>{escape(r.computed)}</dd>"
            f"<dt>How</dt><dd>{escape(r.explanation)}</dd></dl>\n</article>")
    s = report.summary()
    body = (f"<h1>The claims, reproduced</h1>\n<p>{s['claims']} claims: {s['supported']} supported, "
            f"{s['contradicted']} contradicted, {s['unverifiable']} unverifiable. Machine-readable: "
            f"<a href=\"claims.json\">claims.json</a>.</p>\n" + "\n".join(cards))
    return page("Claims — iwf-stats", body, dated)


def sources(ds: Dataset, dated: Dated) -> str:
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
    return page("Sources — iwf-stats", body, dated)


def chart_files(meta: dict[str, Any], charts_dir: Path) -> list[tuple[str, str]]:
    """(file name, label) for every file the build made of one chart: each image its JSON lists
    (so new sizes and themes appear without a change here), then the data, the description
    and the alt text. Only plain file names that exist in charts/ are listed."""
    name = str(meta["name"])
    out = []
    for item in meta.get("images", []):
        file = str(item.get("file") or item.get("path") or "") if isinstance(item, dict) else str(item)
        if file and Path(file).name == file and (charts_dir / file).is_file():
            out.append((file, _image_label(name, file, item if isinstance(item, dict) else {})))
    for file, label in ((f"{name}.csv", "CSV: the numbers plotted, with source ids"),
                        (f"{name}.json", "JSON: title, sources and file list"),
                        (f"{name}.txt", "TXT: the alt text")):
        if (charts_dir / file).is_file():
            out.append((file, label))
    return out


def _image_label(name: str, file: str, item: dict[str, Any]) -> str:
    """'webpages_actioned@2x.png' → 'PNG 2×'; 'x-social-dark.png' → 'PNG social dark'; a JSON
    entry that names its size, theme or scale is labelled with those."""
    stem, _, ext = file.rpartition(".")
    variant = stem[len(name):] if stem.startswith(name) else stem
    if item:
        words = [str(item[k]) for k in ("size", "theme") if item.get(k)]
        scale = item.get("scale")
        variant = " ".join(words) + (f" {scale}×" if scale and scale != 1 else "")
    else:
        variant = variant.replace("@", " ").replace("-", " ").replace("_", " ").strip()
        variant = " ".join(w[:-1] + "×" if w[:-1].isdigit() and w.endswith("x") else w for w in variant.split())
    return f"{ext.upper()} {variant}".strip()


def _human_size(n: int) -> str:
    return f"{n:,} bytes" if n < 10_000 else f"{n / 1000:,.0f} kB"


def embed_snippet(meta: dict[str, Any], charts_dir: Path) -> str:
    """The HTML a newsroom pastes to show the chart: the image, its alt text and a caption
    with the source, credit and licence (the image files beside it)."""
    name = str(meta["name"])
    srcset = f' srcset="{escape(name)}@2x.png 2x"' if (charts_dir / f"{name}@2x.png").is_file() else ""
    size = _size_attrs(charts_dir / f"{name}.png")
    return (f'<figure>\n  <img src="{escape(name)}.png"{srcset} {size}\n'
            f'       alt="{escape(str(meta["alt"]))}">\n'
            f"  <figcaption>{escape(str(meta['title']))}. {escape(citation(meta))}</figcaption>\n</figure>")


def citation(meta: dict[str, Any]) -> str:
    """'Source: IWF, UK Parliament. Chart: iwf-stats (CC BY 4.0).'"""
    publishers = list(dict.fromkeys(str(s["publisher"]) for s in meta.get("sources", [])))
    source = f"Source{'s' if len(publishers) > 1 else ''}: {and_list(publishers)}. " if publishers else ""
    return f"{source}Chart: {CREDIT} ({LICENCE})."


def chart_page(meta: dict[str, Any], charts_dir: Path, dated: Dated) -> str:
    """One chart, full size, with every file the build made of it, how to cite it and how to
    embed it."""
    name = str(meta["name"])
    up = "../charts/"
    srcset = f' srcset="{up}{escape(name)}@2x.png 2x"' if (charts_dir / f"{name}@2x.png").is_file() else ""
    downloads = "\n".join(
        f'<li><a href="{up}{escape(f)}" download>{escape(label)}</a> '
        f'<span class="muted">{escape(f)}, {escape(_size_label(charts_dir / f))}</span></li>'
        for f, label in chart_files(meta, charts_dir))
    sources = "\n".join(
        f'<li>{escape(str(s["publisher"]))}: '
        + (f'<a href="{escape(str(s["url"]))}">{escape(str(s["title"]))}</a>' if s.get("url")
           else escape(str(s["title"])))
        + (f' ({escape(str(s["date_published"]))})' if s.get("date_published") else "")
        + f' · <a href="../sources.html#{escape(str(s["id"]))}">in the source list</a></li>'
        for s in meta.get("sources", []))
    note = f'<p class="muted">{escape(str(meta["note"]))}</p>' if meta.get("note") else ""
    body = f"""<h1>{escape(str(meta["title"]))}</h1>
<figure class="chart-full">
<img src="{up}{escape(name)}.png"{srcset} {_size_attrs(charts_dir / f"{name}.png")} alt="{escape(str(meta["alt"]))}">
<figcaption>{escape(citation(meta))}</figcaption>
</figure>
{note}
<h2>Description (alt text)</h2>
<p>{escape(str(meta["alt"]))}</p>
<h2>Download</h2>
<ul class="downloads">
{downloads}
</ul>
<h2>Cite</h2>
<p>{escape(str(meta["title"]))}. {escape(citation(meta))} Cite each source too:</p>
<ul>
{sources}
</ul>
<h2>Embed</h2>
<p>Copy the image files beside your page (or change <code>src</code> to where you serve them) and paste:</p>
<pre class="snippet"><code>{escape(embed_snippet(meta, charts_dir))}</code></pre>"""
    return page(f"{meta['title']} — iwf-stats", body, dated, depth=1)


def _size_label(path: Path) -> str:
    dims = png_size(path) if path.suffix == ".png" else None
    size = _human_size(path.stat().st_size)
    return f"{dims[0]}×{dims[1]} px, {size}" if dims else size


def notebook_page(name: str, fragment: str, pygments_css: str, dated: Dated) -> str:
    return page(f"{name} — iwf-stats", f"<h1 class=\"muted\">{escape(name)}</h1>\n{fragment}",
                dated, depth=1, extra_css=pygments_css)


def draft_page(ds: Dataset, statements: Sequence[Statement], dated: Dated | None = None) -> str:
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
            f'<article class="claim">\n<h2>{_badge(s.verdict)} <code>{escape(s.kind)}</code></h2>\n'
            f"<blockquote>{escape(s.quote)}</blockquote>\n"
            f"<dl><dt>Stated</dt><dd>{escape(s.stated)}</dd>"
            f"<dt>Computed</dt><dd>{escape(s.computed)}</dd>"
            f"<dt>How</dt><dd>{escape(s.explanation)}</dd>{link}</dl>\n</article>")
    body = ("<h1>What the drafter found in the article</h1>\n"
            f"<p>{len(statements)} checkable statements: {counts['supported']} supported, "
            f"{counts['contradicted']} contradicted, {counts['unverifiable']} unverifiable. "
            "Found by <code>iwf-stats draft</code>; the reviewed claims are on the "
            '<a href="claims.html">claims page</a>.</p>\n' + "\n".join(cards))
    return page("Drafted statements — iwf-stats", body, dated)
