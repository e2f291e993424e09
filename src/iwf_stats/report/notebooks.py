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
    from .kernels import KernelFactory

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


def kernel_factory(env: dict[str, str], cwd: Path) -> KernelFactory | None:
    """A factory of the project's kernels (`kernels`), started now so that it imports while
    the build does other work; None where kernels cannot be forked (they then start as usual)."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    from .kernels import KernelFactory, available, interpreter

    if not available():
        return None
    try:
        argv = KernelSpecManager().get_kernel_spec(kernel_name()).argv
    except NoSuchKernel:
        return None
    prefix = interpreter(argv)
    if not prefix:
        return None
    try:
        return KernelFactory(prefix, env, str(cwd))
    except OSError:  # no process could be started: the kernels will say why, if they cannot either
        return None


def execute(path: Path, env: dict[str, str], factory: KernelFactory | None = None) -> Any:
    """Run every cell; return the executed notebook. Talks to the kernel over local IPC
    sockets, not TCP, so a build opens no network port at all. With a `factory`, the kernel
    is forked from it where it may be (`kernels`), else started as a new process."""
    import nbformat
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

    nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    original = copy.deepcopy(nb)
    # Each kernel gets its own folder for its IPC sockets, so kernels run side by side.
    sockets = tempfile.mkdtemp(prefix="iwf-stats-kernel-")
    km = AsyncKernelManager(kernel_name=kernel_name(), transport="ipc", ip=os.path.join(sockets, "k"))
    if factory is not None:
        from .kernels import use_factory

        use_factory(km, factory)
    client = NotebookClient(nb, km=km, timeout=CELL_TIMEOUT_S, record_timing=False,
                            resources={"metadata": {"path": str(path.parent)}})
    started: list[int] = []  # the cells sent to the kernel, by index
    client.on_cell_execute = lambda cell, cell_index: started.append(cell_index)
    try:
        client.execute(env=env)
    except (CellExecutionError, CellTimeoutError) as e:
        raise _failure(path.name, nb, original, e) from None
    except DeadKernelError:
        cell = started[-1] if started else None
        src = original.cells[cell].source if cell is not None else ""
        raise NotebookError(path.name, None if cell is None else cell + 1, src,
                            "the kernel stopped (it exited or was killed)") from None
    finally:
        if km.has_kernel:  # nbclient leaves a kernel it did not start itself running
            from jupyter_core.utils import run_sync

            run_sync(km.shutdown_kernel)(now=True)
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


_CONVERT = threading.RLock()


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
#: The attributes each tag may have, as nh3 takes them ("*": every tag); `_kept_value` decides
#: on their values.
_ATTRIBUTES_BY_TAG = {"*": _ATTRIBUTES, "a": frozenset({"href"}), "img": frozenset({"src"})}


def _kept_value(tag: str, name: str, value: str) -> str | None:
    """An attribute's value as kept, or None where the attribute is dropped."""
    if name == "src":  # only the notebook's own inline images: nothing is fetched
        allowed = tag == "img" and value.startswith("data:image/png;base64,")
    elif name == "href":  # links to the publishers' https pages and within the page
        allowed = tag == "a" and (value.startswith("https://") or value.startswith("#"))
    else:
        allowed = name in _ATTRIBUTES and not name.startswith("on")
    return value if allowed else None


def clean_html(element: Any) -> str:
    """nbconvert's sanitiser step, done by nh3 (the Rust sanitiser ammonia, which bleach's
    maintainers name as its successor) with this project's allowlist: every script (with its
    text), event handler, frame, form, style sheet link, comment and remote image is removed;
    pandas tables, chart images and links to the publishers' pages survive, and a style keeps
    only `text-align` and `width`. bleach, which did this before, read the text a character at
    a time in Python: 0.21–0.24 s for the four notebooks' 120 outputs, against nh3's 0.011 s.
    Unlike bleach, nh3 drops a `<style>` element's text with the element: pandas' table
    styles no longer show as text above each table."""
    import nh3

    text = element.decode() if isinstance(element, bytes) else str(element)
    return nh3.clean(text, tags=_TAGS, attributes=_ATTRIBUTES_BY_TAG, attribute_filter=_kept_value,
                     url_schemes={"https", "data"}, strip_comments=True, link_rel=None,
                     filter_style_properties={"text-align", "width"})


def to_html_fragment(nb: Any) -> str:
    """The notebook's cells as HTML, sanitised (nbconvert's `sanitize_html`, with the
    allowlist above): no scripts and nothing loaded from elsewhere, whatever the data says.

    The inline images' base64 text is set aside while the page is made: the sanitiser and
    nbconvert's HTML parser read every character of it one at a time in Python (a chart is
    100,000 of them), for text that can hold nothing but letters, digits, `+`, `/` and `=`.
    Each image's text is replaced by a placeholder of letters and digits and put back in the
    finished page; only text made of those characters alone is set aside (anything else is
    sanitised as it is). The exporter, whose templates take half a second to compile, is
    made once per process (conversions take turns)."""
    with _CONVERT:
        bare, payloads = _images_set_aside(nb)
        html = str(_exporter().from_notebook_node(bare)[0])
        if any(html.count(token) != 1 for token in payloads):  # the data made a placeholder's text
            html = str(_exporter().from_notebook_node(nb)[0])
            payloads = {}
    for token, payload in payloads.items():
        html = html.replace(token, payload)
    return accessible(html)


_EXPORTERS: list[Any] = []
#: An inline image in an HTML output, and the base64 text a PNG output holds.
_INLINE_IMAGE = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]{64,})")
_BASE64 = re.compile(r"[A-Za-z0-9+/=\n]{64,}")
#: An image tag with no alt attribute. Read in the sanitised page, where every `<` and `>`
#: outside a tag is written as an entity, inside attribute values too (nh3 escapes them
#: there from 0.3.7 on, which pyproject.toml requires): a literal `<img` starts a tag, and
#: the tag ends at the first `>`.
_IMAGE_WITHOUT_ALT = re.compile(r'<img(?=[\s/>])(?![^>]*\salt=)')


def _exporter() -> Any:
    if not _EXPORTERS:
        exporter = _page_exporter()(template_name="basic")
        exporter.exclude_input_prompt = True
        exporter.exclude_output_prompt = True
        exporter.sanitize_html = True
        exporter.register_filter("clean_html", clean_html)
        _EXPORTERS.append(exporter)
    return _EXPORTERS[0]


def _page_exporter() -> Any:
    """nbconvert's HTML exporter without its last step. That step parses the finished page with
    BeautifulSoup, gives an image without alt text a placeholder, makes JupyterLab's `jp-`
    cells focusable, and writes the page out again: 0.65–0.8 s of CPU for the four notebooks'
    pages, to change nothing here (every chart the notebooks show has its alt text, `accessible` gives any other
    image the same placeholder, and the basic template has no `jp-` cells). The rest is
    nbconvert's own `from_notebook_node` (7.17), step for step."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class PageExporter(HTMLExporter):
        def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None,  # type: ignore[override]
                               **kw: Any) -> tuple[str, dict[str, Any]]:
            untyped: Any = self  # nbconvert's filters and resources are not annotated
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            untyped.register_filter("highlight_code", self.filters.get(
                "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))  # type: ignore[no-untyped-call]
            resources = untyped._init_resources(resources)
            untyped.register_filter("filter_data_type", WidgetsDataTypeFilter(  # type: ignore[no-untyped-call]
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return str(html), resources

    return PageExporter


def _images_set_aside(nb: Any) -> tuple[Any, dict[str, str]]:
    """A copy of `nb` whose images' base64 text is replaced by placeholders, and the texts by
    placeholder. A placeholder is `iwfimage`, 16 random hexadecimal digits, a number and `x`;
    the caller converts the notebook as it is if any placeholder does not occur exactly once in
    the page (text the data spelled so, however encoded)."""
    import secrets

    prefix = f"iwfimage{secrets.token_hex(8)}"
    payloads: dict[str, str] = {}

    def aside(payload: str) -> str:
        token = f"{prefix}{len(payloads)}x"
        payloads[token] = payload
        return token

    bare = copy.deepcopy(nb)
    for cell in bare.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if isinstance(data.get("text/html"), str):
                data["text/html"] = _INLINE_IMAGE.sub(lambda m: "data:image/png;base64," + aside(m[1]),
                                                      data["text/html"])
            png = data.get("image/png")
            if isinstance(png, str) and _BASE64.fullmatch(png):
                data["image/png"] = aside(png)
    return bare, payloads


def accessible(fragment: str) -> str:
    """What the accessibility check (axe-core) asks of the sanitised HTML: an image has alt
    text (nbconvert's placeholder where the output gave none), an empty header cell (the
    corner of a pandas table) is a plain cell, and a table wide enough to scroll can be
    reached with the keyboard."""
    fragment = _IMAGE_WITHOUT_ALT.sub('<img alt="No description has been provided for this image"', fragment)
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
