"""Executing a notebook on the project's kernel and rendering it as a self-contained page."""

from __future__ import annotations

import copy
import os
import re
import shutil
import sys
import tempfile
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .dated import Dated

#: The kernel the notebooks declare; `make` installs it into the project's environment.
KERNEL_NAME = "iwf-stats"
#: Longest a single cell may run before the build gives up on it.
CELL_TIMEOUT_S = 300


class NotebookError(Exception):
    """A notebook failed: names the notebook, the cell and the error."""

    def __init__(self, notebook: str, cell: int | None, source: str, error: str) -> None:
        self.notebook, self.cell, self.error = notebook, cell, error
        where = f"cell {cell}" if cell is not None else "before any cell ran"
        first = source.strip().splitlines()[0][:80] if source.strip() else ""
        super().__init__(f"{notebook}: {where}{f' ({first})' if first else ''} failed: {error}")


def preload() -> None:
    """Import the Jupyter machinery once, in the calling thread: importing it from several
    threads at once trips over half-initialised modules.

    nbformat imports jsonschema, which imports `rfc3987_syntax` when it is installed (JupyterLab,
    in the development pins, brings it) and that builds a parser for IRIs at import: 2.3 s of
    every build on this machine, for a format no notebook schema uses. jsonschema treats the
    module as optional, so the build runs as it does without it (as `make report` installs it)."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import jupyter_client.manager  # noqa: F401
    import nbclient  # noqa: F401
    import nbformat  # noqa: F401


def kernel_name() -> str:
    """The project's kernel if Jupyter can find it, else this interpreter's own kernel."""
    from jupyter_client.kernelspec import KernelSpecManager

    specs = KernelSpecManager().find_kernel_specs()
    if KERNEL_NAME in specs:
        spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
        if Path(spec.argv[0]).resolve() == Path(sys.executable).resolve():
            return KERNEL_NAME
    return "python3"


def execute(path: Path, env: dict[str, str]) -> Any:
    """Run every cell; return the executed notebook. Talks to the kernel over local IPC
    sockets, not TCP, so a build opens no network port at all."""
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    original = copy.deepcopy(nb)
    # Each kernel gets its own folder for its IPC sockets, so kernels run side by side.
    sockets = tempfile.mkdtemp(prefix="iwf-stats-kernel-")
    km = KernelManager(kernel_name=kernel_name(), transport="ipc", ip=os.path.join(sockets, "k"))
    client = NotebookClient(nb, km=km, timeout=CELL_TIMEOUT_S, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute(env=env)
    except (CellExecutionError, CellTimeoutError) as e:
        raise _failure(path.name, nb, original, e) from None
    finally:
        if km.has_kernel:  # nbclient leaves a kernel it did not start itself running
            km.shutdown_kernel(now=True)
        shutil.rmtree(sockets, ignore_errors=True)
    return nb


def _failure(name: str, nb: Any, original: Any, e: Exception) -> NotebookError:
    for i, cell in enumerate(nb.cells, start=1):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                return NotebookError(name, i, cell.source, f"{out['ename']}: {out['evalue']}")
    if "timed out" in str(e).lower() or e.__class__.__name__ == "CellTimeoutError":
        running = next((i for i, c in enumerate(nb.cells, 1)
                        if c.cell_type == "code" and c.get("execution_count") is None), None)
        src = original.cells[running - 1].source if running else ""
        return NotebookError(name, running, src, f"timed out after {CELL_TIMEOUT_S} s")
    return NotebookError(name, None, "", str(e).strip().splitlines()[-1])


_CONVERT = threading.Lock()


def write_outputs(nb: Any, folder: Path, stem: str, dated: Dated) -> None:
    """The executed notebook and its page. Conversions take turns: nbconvert is imported on
    first use, and two threads importing it at once can see a half-initialised module."""
    import nbformat

    from .site import notebook_page

    with _CONVERT:
        html = notebook_page(stem, to_html_fragment(nb), pygments_css(), dated)
    nbformat.write(nb, folder / f"{stem}.ipynb")  # type: ignore[no-untyped-call]
    (folder / f"{stem}.html").write_text(html, encoding="utf-8")


#: What the notebook pages may contain after sanitising: text structure, tables, code
#: highlighting and inline images, nothing that runs or loads from elsewhere.
_TAGS = frozenset({"a", "abbr", "b", "blockquote", "br", "code", "dd", "div", "dl", "dt", "em", "h1", "h2",
                   "h3", "h4", "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "span", "strong", "sub",
                   "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "caption"})
_ATTRIBUTES = frozenset({"class", "id", "title", "colspan", "rowspan", "border", "style", "width", "height",
                         "alt"})


def _allowed_attribute(tag: str, name: str, value: str) -> bool:
    if name == "src":  # only the notebook's own inline images: nothing is fetched
        return tag == "img" and value.startswith("data:image/png;base64,")
    if name == "href":  # links to the publishers' https pages and within the page
        return tag == "a" and (value.startswith("https://") or value.startswith("#"))
    return name in _ATTRIBUTES and not name.startswith("on")


def clean_html(element: Any) -> str:
    """nbconvert's sanitiser with this project's allowlist: bleach removes every script,
    event handler, frame, form, style sheet link and remote image; pandas tables and chart
    images survive."""
    import bleach  # type: ignore[import-untyped]
    from bleach.css_sanitizer import CSSSanitizer  # type: ignore[import-untyped]

    text = element.decode() if isinstance(element, bytes) else str(element)
    return str(bleach.clean(text, tags=_TAGS, attributes=_allowed_attribute,
                            protocols={"https", "data"}, strip=True, strip_comments=True,
                            css_sanitizer=CSSSanitizer(allowed_css_properties=("text-align", "width"))))


def to_html_fragment(nb: Any) -> str:
    """The notebook's cells as HTML, sanitised (nbconvert's `sanitize_html`, with the
    allowlist above): no scripts and nothing loaded from elsewhere, whatever the data says."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="basic")  # type: ignore[no-untyped-call]
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.sanitize_html = True
    exporter.register_filter("clean_html", clean_html)  # type: ignore[no-untyped-call]
    body, _ = exporter.from_notebook_node(nb)
    return accessible(str(body))


def accessible(fragment: str) -> str:
    """What the accessibility check (axe-core) asks of the sanitised HTML: an empty header
    cell (the corner of a pandas table) is a plain cell, and a table wide enough to scroll
    can be reached with the keyboard."""
    fragment = fragment.replace("<th></th>", "<td></td>")
    return re.sub(r'<table( border="1")? class="dataframe">', r'<table\1 class="dataframe" tabindex="0">', fragment)


def pygments_css() -> str:
    from pygments.formatters import HtmlFormatter  # type: ignore[import-untyped]

    # Pygments' default colours for operator words (`in`, `not`) and a few others fall short
    # of 4.5:1 on the code background; these darker shades pass.
    return str(HtmlFormatter(style="default").get_style_defs(".highlight")) + _CODE_CONTRAST


_CODE_CONTRAST = """
.highlight .ow, .highlight .nd { color: #7a1fa8 }
.highlight .c, .highlight .c1, .highlight .cm, .highlight .ch, .highlight .cs { color: #2f6a6a }
.highlight .mi, .highlight .mf, .highlight .m, .highlight .il { color: #595959 }
.highlight .nc, .highlight .nn, .highlight .nf { color: #0000cc }
.highlight .si, .highlight .se { color: #8a4a2a }
"""
