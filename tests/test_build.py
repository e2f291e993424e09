"""`iwf-stats build`: executed notebooks, an incremental and atomic site, deterministic output."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from iwf_stats.report.build import BuildError, build
from iwf_stats.report.outdir import STAGING_PREFIX

from conftest import DATA, REPO

NOTEBOOKS = REPO / "notebooks"


def tree_hashes(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A private data folder and a first full build of the site from it."""
    root = tmp_path_factory.mktemp("build")
    data = root / "data"
    shutil.copytree(DATA, data)
    out = root / "site"
    result = build(out, data)
    assert set(result.ran) == {"claims", "charts", "notebook:01-data-and-sources", "notebook:02-trends",
                               "notebook:03-article-claims", "notebook:04-beyond-the-article", "site"}
    return data, out


def test_site_has_every_page(workspace: tuple[Path, Path]) -> None:
    from iwf_stats import load
    from iwf_stats.charts import chart_names

    data, out = workspace
    names = chart_names(load(data))
    assert len(names) >= 16  # the seven charts of the article and nine of the breakdowns
    for rel in ["index.html", "claims.html", "sources.html", "claims.json", "style.css",
                "charts/manifest.json", "data/datapackage.json", "notebooks/02-trends.html",
                "notebooks/04-beyond-the-article.html", "draft.html", *(f"pages/{name}.html" for name in names)]:
        assert (out / rel).stat().st_size > 0, rel
    # the drafter's page: what it finds in the seed article's quoted sentences
    assert (out / "draft.html").read_text(encoding="utf-8").count('<article class="claim') >= 10


def _local_links(page: Path) -> list[str]:
    import html
    import re

    text = page.read_text(encoding="utf-8")
    links = [html.unescape(u) for u in re.findall(r'(?:href|src)="([^"]+)"', text)]
    links += [html.unescape(u).split()[0] for u in re.findall(r'srcset="([^"]+)"', text)]
    return [u for u in links if not u.startswith(("https://", "data:", "#"))]


def test_every_link_in_every_page_resolves_to_a_file_of_the_site(workspace: tuple[Path, Path]) -> None:
    _, out = workspace
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        for link in _local_links(page):
            target = (page.parent / link.split("#")[0]).resolve()
            assert target.is_file() and out.resolve() in target.parents, (page.name, link)


def test_every_chart_has_a_page_with_every_file_the_build_made(workspace: tuple[Path, Path]) -> None:
    import html
    import re

    from iwf_stats.report.site import CREDIT, LICENCE

    _, out = workspace
    index = (out / "index.html").read_text(encoding="utf-8")
    for meta_path in sorted((out / "charts").glob("*.json")):
        if meta_path.name == "manifest.json":
            continue
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        name = meta["name"]
        page = (out / "pages" / f"{name}.html").read_text(encoding="utf-8")
        downloads = re.findall(r'<a href="\.\./charts/([^"]+)" download>', page)
        assert downloads == [*meta["images"], f"{name}.csv", f"{name}.json", f"{name}.txt"]
        assert {"png", "svg", "pdf"} <= {f.rsplit(".", 1)[1] for f in meta["images"]}
        assert f'alt="{html.escape(meta["alt"])}"' in page
        publishers = {s["publisher"] for s in meta["sources"]}
        cite = re.search(r"<h2>Cite</h2>\n<p>(.*?)</p>", page, re.S)
        assert cite and all(html.escape(p) in cite.group(1) for p in publishers)
        assert f"Chart: {CREDIT} ({LICENCE})" in cite.group(1)
        assert f"&lt;img src=&quot;{name}.png&quot;" in page  # the embed snippet, shown escaped
        assert f'<a href="pages/{name}.html"><img src="charts/{name}.png"' in index  # the thumbnail links to it


def test_footer_dates_the_site_by_its_latest_source(workspace: tuple[Path, Path]) -> None:
    from iwf_stats import load

    data, out = workspace
    ds = load(data)
    latest = max(s.date_published for s in ds.sources.values() if s.date_published)
    for page in sorted(out.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert f'<time datetime="{latest.isoformat()}">Dated {latest.day} {latest:%B %Y}, ' in text, page


def test_every_notebook_executed_without_errors(workspace: tuple[Path, Path]) -> None:
    _, out = workspace
    for path in sorted((out / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code), path.name
        assert not [o for c in code for o in c.outputs if o.output_type == "error"], path.name


def test_claims_notebook_agrees_with_check_json(workspace: tuple[Path, Path]) -> None:
    data, out = workspace
    nb = nbformat.read(out / "notebooks" / "03-article-claims.ipynb", as_version=4)
    printed = [o.text for c in nb.cells if c.cell_type == "code" for o in c.outputs
               if o.output_type == "stream" and o.text.startswith("{")]
    from_notebook = json.loads(printed[-1])
    cli = subprocess.run([sys.executable, "-m", "iwf_stats", "check", "--json", str(data)],
                         capture_output=True, text=True, check=True)
    from_cli = {c["id"]: c["verdict"] for c in json.loads(cli.stdout)["claims"]}
    assert from_notebook == from_cli
    assert json.loads((out / "claims.json").read_text())["claims"] == json.loads(cli.stdout)["claims"]


def test_images_carry_alt_text_from_the_charts(workspace: tuple[Path, Path]) -> None:
    from html.parser import HTMLParser

    _, out = workspace
    imgs: list[dict[str, str | None]] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "img":
                imgs.append(dict(attrs))

    Parser().feed((out / "index.html").read_text(encoding="utf-8"))
    assert len(imgs) == len(list((out / "charts").glob("*@2x.png")))
    for img in imgs:
        name = Path(str(img["src"])).stem
        assert img["alt"] == json.loads((out / "charts" / f"{name}.json").read_text())["alt"]


def test_every_figure_a_notebook_draws_reaches_its_page_with_alt_text(workspace: tuple[Path, Path]) -> None:
    """Notebook 4 drew its own figures with plt.show(), which shows nothing on the build's Agg
    backend: its page had no charts at all. Each drawn figure (`iwf_stats.chart` or
    `charts.show`) must be an image of the page, described by its alt text."""
    import re

    _, out = workspace
    for nb_path in sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb")):
        code = "".join("".join(c["source"]) for c in json.loads(nb_path.read_text())["cells"]
                       if c["cell_type"] == "code")
        drawn = len(re.findall(r"\bshow\(fig\b", code))
        page = (out / "notebooks" / f"{nb_path.stem}.html").read_text(encoding="utf-8")
        alts = re.findall(r'<img [^>]*alt="([^"]*)"', page)
        assert len(re.findall(r"<img ", page)) == len(alts), nb_path.name
        assert len(alts) >= drawn, nb_path.name
        for alt in alts:
            assert len(alt) > 40 and "No description" not in alt, (nb_path.name, alt)
        if nb_path.name.startswith("04-"):
            assert drawn > 0, "notebook 4 draws its own figures"


def test_second_build_skips_every_step(workspace: tuple[Path, Path]) -> None:
    data, out = workspace
    before = tree_hashes(out)
    result = build(out, data)
    assert result.up_to_date and result.ran == []
    assert tree_hashes(out) == before


def test_changing_the_ledger_rebuilds_only_what_reads_it(workspace: tuple[Path, Path]) -> None:
    data, out = workspace
    ledger = data / "claims.toml"
    original = ledger.read_text(encoding="utf-8")
    ledger.write_text(original.replace("(words.py).", "(see words.py).", 1), encoding="utf-8")
    try:
        first_nb = (out / "notebooks" / "01-data-and-sources.html").stat().st_ino
        result = build(out, data)
        assert sorted(result.ran) == ["charts", "claims", "notebook:02-trends", "notebook:03-article-claims", "site"]
        assert sorted(result.skipped) == ["notebook:01-data-and-sources", "notebook:04-beyond-the-article"]
        # the reused notebook page is the previous file, linked, not re-rendered
        assert (out / "notebooks" / "01-data-and-sources.html").stat().st_ino == first_nb
    finally:
        ledger.write_text(original, encoding="utf-8")
        build(out, data)  # leave the shared site as the shipped data builds it


def test_failing_notebook_leaves_the_site_untouched(workspace: tuple[Path, Path], tmp_path: Path) -> None:
    data, out = workspace
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, notebooks)
    nb = nbformat.read(notebooks / "02-trends.ipynb", as_version=4)
    nb.cells[3].source += "\nraise ValueError('injected for the test')"
    nbformat.write(nb, notebooks / "02-trends.ipynb")
    before = tree_hashes(out)
    with pytest.raises(BuildError) as info:
        build(out, data, notebooks_dir=notebooks)
    assert str(info.value).startswith("notebook 02-trends.ipynb: cell 4 (first, last = webpages.index.min()")
    assert str(info.value).endswith("failed: ValueError: injected for the test")
    assert tree_hashes(out) == before
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(STAGING_PREFIX)] == []


def test_cli_build_reports_a_failing_claim_and_keeps_the_site(workspace: tuple[Path, Path], tmp_path: Path) -> None:
    data, out = workspace
    bad = tmp_path / "data"
    shutil.copytree(data, bad)
    ledger = bad / "claims.toml"
    ledger.write_text(ledger.read_text().replace('expected = "contradicted"', 'expected = "supported"'))
    before = tree_hashes(out)
    run = subprocess.run([sys.executable, "-m", "iwf_stats", "build", "--out", str(out), str(bad)],
                         capture_output=True, text=True)
    assert run.returncode == 1
    assert "claims no longer reproduce as recorded: article_iicsa_cost" in run.stderr
    assert "Traceback" not in run.stderr
    assert tree_hashes(out) == before


def test_two_clean_builds_are_identical(workspace: tuple[Path, Path], tmp_path: Path) -> None:
    data, out = workspace
    again = tmp_path / "again"
    build(again, data)
    assert tree_hashes(again) == tree_hashes(out)


def test_site_data_holds_exactly_the_datasets_files(workspace: tuple[Path, Path]) -> None:
    from iwf_stats.loading import dataset_files

    data, out = workspace
    published = sorted(str(p.relative_to(out / "data")) for p in (out / "data").rglob("*") if p.is_file())
    assert published == sorted(dataset_files(data))
    assert all((out / "data" / rel).read_bytes() == (data / rel).read_bytes() for rel in published)


def test_site_files_are_readable_by_a_web_server(workspace: tuple[Path, Path]) -> None:
    _, out = workspace
    for p in [out, *out.rglob("*")]:
        assert (p.stat().st_mode & 0o777) == (0o755 if p.is_dir() else 0o644), p


def test_a_deleted_or_edited_output_reruns_the_step_that_made_it(workspace: tuple[Path, Path],
                                                                  tmp_path: Path) -> None:
    data, out = workspace
    site = tmp_path / "site"
    shutil.copytree(out, site)
    (site / "claims.html").unlink()
    assert build(site, data).ran == ["site"]
    (site / "charts" / "hosting.png").write_bytes(b"edited")
    result = build(site, data)
    assert "charts" in result.ran and "notebook:01-data-and-sources" in result.skipped
    assert tree_hashes(site) == tree_hashes(out)


def test_a_file_the_user_added_to_the_site_stops_the_build(workspace: tuple[Path, Path], tmp_path: Path) -> None:
    from iwf_stats.report.outdir import OutputRefused

    data, out = workspace
    site = tmp_path / "site"
    shutil.copytree(out, site)
    (site / "notes.txt").write_text("mine")
    (site / "charts" / "evil.csv").symlink_to("/etc/hostname")
    with pytest.raises(OutputRefused, match=r"notes\.txt"):
        build(site, data, force=True)
    assert (site / "notes.txt").read_text() == "mine"
    assert (site / "charts" / "evil.csv").is_symlink()


def test_adding_and_removing_a_notebook_updates_the_index(workspace: tuple[Path, Path], tmp_path: Path) -> None:
    data, out = workspace
    notebooks = tmp_path / "notebooks"
    shutil.copytree(NOTEBOOKS, notebooks)
    extra = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    extra.metadata["kernelspec"] = nbformat.read(NOTEBOOKS / "01-data-and-sources.ipynb",
                                                 as_version=4).metadata["kernelspec"]
    nbformat.write(extra, notebooks / "09-extra.ipynb")
    site = tmp_path / "site"
    shutil.copytree(out, site)
    result = build(site, data, notebooks_dir=notebooks)
    assert set(result.ran) == {"notebook:09-extra", "site"}
    assert 'href="notebooks/09-extra.html"' in (site / "index.html").read_text()
    (notebooks / "09-extra.ipynb").unlink()
    assert build(site, data, notebooks_dir=notebooks).ran == ["site"]
    assert "09-extra" not in (site / "index.html").read_text()
    assert not (site / "notebooks" / "09-extra.html").exists()


def test_a_relative_data_folder_means_the_same_folder_everywhere(workspace: tuple[Path, Path],
                                                                 tmp_path: Path) -> None:
    data, _ = workspace
    shutil.copytree(data, tmp_path / "mydata")
    run = subprocess.run([sys.executable, "-m", "iwf_stats", "build", "--force", "--out", "site", "mydata"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    nb = nbformat.read(tmp_path / "site" / "notebooks" / "01-data-and-sources.ipynb", as_version=4)
    assert not [o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]


def test_source_date_epoch_dates_every_page_and_nothing_else(workspace: tuple[Path, Path], tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    data, out = workspace
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 00:00 UTC
    dated = tmp_path / "dated"
    build(dated, data)
    mine, theirs = tree_hashes(dated), tree_hashes(out)
    assert mine.keys() == theirs.keys()
    changed = {rel for rel in mine if mine[rel] != theirs[rel]}
    pages = {str(p.relative_to(out)) for p in out.rglob("*.html")}
    assert changed == pages | {".build-state.json"}
    for rel in pages:
        assert '<time datetime="2026-01-01">Built 1 January 2026.</time>' in (dated / rel).read_text(), rel
    # a second build with the same SOURCE_DATE_EPOCH is a no-op; a different one reruns the pages
    assert build(dated, data).up_to_date


# --- the report in a real browser ---

def _browser() -> str:
    import os

    from browser import find_chromium

    exe = find_chromium()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("CI=true but no Chromium: .ci/run should have installed Debian's chromium")
        pytest.skip("no headless browser: install Debian's chromium (apt-get install chromium) to run this test")
    return exe


def _axe() -> str:
    """The text of axe.min.js, installed from the npm registry by .ci/run."""
    import os

    from browser import AXE_INSTALL, AXE_PATH

    if not AXE_PATH.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"CI=true but no axe-core at {AXE_PATH}: .ci/run should have run `{AXE_INSTALL}`")
        pytest.skip(f"no axe-core: run `{AXE_INSTALL}` (from the repository) to check accessibility")
    return AXE_PATH.read_text(encoding="utf-8")


def _violations(report: object) -> list[str]:
    return [f"{v['id']} ({v['impact']}): {v['help']}: {[n['target'] for n in v['nodes'][:5]]}"
            for v in getattr(report, "violations", [])]


def test_report_opens_in_a_real_browser(workspace: tuple[Path, Path], tmp_path: Path) -> None:
    from browser import Chromium

    _, out = workspace
    exe = _browser()
    axe = _axe()
    chromium = Chromium(exe)
    all_pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert {"index.html", "claims.html", "sources.html", "notebooks/02-trends.html",
            "pages/webpages_actioned.html"} <= set(all_pages)
    try:
        pages = {}
        for page in all_pages:
            pages[page] = chromium.open((out / page).as_uri(), screenshot=tmp_path / f"{Path(page).stem}.png",
                                        axe=axe)
        # the overview at phone width too: the table turns into cards there
        pages["index.html@phone"] = chromium.open((out / "index.html").as_uri(), axe=axe, viewport=(390, 844))
    finally:
        chromium.close()
    for page, report in pages.items():
        assert report.failed == [], page
        assert report.errors == [], page
        assert all(u.startswith(("file://", "data:")) for u in report.requested), page
        assert _violations(report) == [], page
        for img in report.images:
            assert img["alt"] and img["alt"].strip(), (page, img["src"])
            assert img["width"] > 0, (page, img["src"])
    index = pages["index.html"]
    assert len(index.images) == len(list((out / "charts").glob("*@2x.png")))
    assert (tmp_path / "index.png").stat().st_size > 10_000


def test_the_accessibility_check_catches_violations(tmp_path: Path) -> None:
    """axe runs in a page whose CSP forbids scripts, and finds what is wrong with it."""
    from browser import Chromium
    from iwf_stats.report.site import CSP

    (tmp_path / "bad.html").write_text(
        f'<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<title>t</title></head><body><main><h1>t</h1><img src="data:image/png;base64,iVBORw0KGgo=">'
        '<p style="color:#aaa;background:#fff">faint</p></main></body></html>')
    chromium = Chromium(_browser())
    try:
        report = chromium.open((tmp_path / "bad.html").as_uri(), axe=_axe())
    finally:
        chromium.close()
    assert {"image-alt", "color-contrast", "html-has-lang"} <= {v["id"] for v in report.violations}


def test_the_browser_check_catches_a_missing_image(tmp_path: Path) -> None:
    from browser import Chromium

    (tmp_path / "index.html").write_text('<img src="missing.png" alt="a chart">')
    chromium = Chromium(_browser())
    try:
        report = chromium.open((tmp_path / "index.html").as_uri())
    finally:
        chromium.close()
    assert report.failed and report.images[0]["width"] == 0
