"""Kernels forked from a factory (`report.kernels`): the same outputs as new kernels, and the
usual start wherever a fork would not be the same kernel."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from iwf_stats.report import kernels
from iwf_stats.report.kernels import KernelFactory, interpreter
from iwf_stats.report.notebooks import NotebookError, execute, kernel_factory, preload

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"

pytestmark = pytest.mark.skipif(not kernels.available(), reason="kernels are forked only where pidfd exists")


@pytest.fixture(scope="module")
def env() -> dict[str, str]:
    preload()
    return {**os.environ, "IWF_STATS_DATA": str(REPO / "data"), "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg",
            "SOURCE_DATE_EPOCH": "0"}


def _outputs(nb: nbformat.NotebookNode) -> list[object]:
    return [(c.get("execution_count"), c.get("outputs")) for c in nb.cells if c.cell_type == "code"]


def _notebook(folder: Path, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src, id=f"cell-{i}") for i, src in enumerate(cells)]
    path = folder / "probe.ipynb"
    nbformat.write(nb, path)
    return path


def _factory(env: dict[str, str], cwd: Path, **kw: object) -> KernelFactory:
    made = kernel_factory(env, cwd) if not kw else KernelFactory(_interpreter(), env, str(cwd), **kw)  # type: ignore[arg-type]
    assert made is not None, "the project's kernel (make installs it) runs ipykernel's launcher"
    return made


def _interpreter() -> list[str]:
    from jupyter_client.kernelspec import KernelSpecManager

    from iwf_stats.report.notebooks import kernel_name

    prefix = interpreter(KernelSpecManager().get_kernel_spec(kernel_name()).argv)
    assert prefix is not None
    return prefix


def test_every_notebook_gives_the_same_outputs_in_a_forked_kernel(env: dict[str, str]) -> None:
    paths = sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))
    with _factory(env, NOTEBOOKS) as factory:
        forked = {p.name: execute(p, env, factory) for p in paths}
        assert factory.forked == len(paths)
    for p in paths:
        assert _outputs(forked[p.name]) == _outputs(execute(p, env)), p.name


def test_a_forked_kernel_sees_a_fresh_kernel_state(env: dict[str, str], tmp_path: Path) -> None:
    """The hash seed of the factory's environment, pandas' kernel defaults (pandas was
    imported by the factory, not in a kernel), and a cwd and environment of its own."""
    probe = _notebook(tmp_path, "import os, pandas\nprint(hash('iwf-stats'), pandas.get_option('display.max_columns'))",
                      "print(os.getcwd() == os.environ['PWD_PROBE'], os.getsid(0) == os.getpid())")
    env = {**env, "PWD_PROBE": str(tmp_path)}
    with _factory(env, REPO) as factory:  # the factory runs elsewhere: the kernel moves to the notebook's folder
        nb = execute(probe, env, factory)
        assert factory.forked == 1
    seeded = subprocess.run([sys.executable, "-c", "print(hash('iwf-stats'))"], env={**env, "PYTHONHASHSEED": "0"},
                            capture_output=True, text=True, check=True).stdout.split()[0]
    first, second = (c.outputs[0]["text"].split() for c in nb.cells)
    assert first == [seeded, "20"]
    assert second == ["True", "True"]  # in its folder, leading its own session


@pytest.mark.parametrize("unset", ["MPLBACKEND", "PYTHONHASHSEED"])
def test_a_kernel_that_would_choose_at_start_up_is_not_forked(env: dict[str, str], tmp_path: Path,
                                                              unset: str) -> None:
    """Unset, ipykernel picks the inline backend at start-up, and a new process its own hash
    seed: a kernel forked after matplotlib's import, or sharing the factory's seed, would not."""
    probe = _notebook(tmp_path, "import matplotlib\nprint(matplotlib.get_backend())")
    lacking = {k: v for k, v in env.items() if k != unset}
    with _factory(lacking, tmp_path) as factory:
        nb = execute(probe, lacking, factory)
        assert factory.forked == 0
    if unset == "MPLBACKEND":
        assert "inline" in nb.cells[0].outputs[0]["text"]


def test_a_kernel_with_another_environment_starts_as_a_new_process(env: dict[str, str], tmp_path: Path) -> None:
    probe = _notebook(tmp_path, "import os\nprint(os.environ['PYTHONHASHSEED'])")
    with _factory(env, tmp_path) as factory:
        nb = execute(probe, {**env, "PYTHONHASHSEED": "1"}, factory)
        assert factory.forked == 0
    assert nb.cells[0].outputs[0]["text"] == "1\n"


def test_a_factory_that_cannot_start_leaves_the_kernels_to_start_as_usual(env: dict[str, str],
                                                                          tmp_path: Path) -> None:
    probe = _notebook(tmp_path, "print(6 * 7)")
    with _factory(env, tmp_path, preload=("iwf_stats_no_such_module",)) as factory:
        nb = execute(probe, env, factory)
        assert factory.forked == 0
    assert nb.cells[0].outputs[0]["text"] == "42\n"


def test_a_forked_kernel_that_dies_fails_its_notebook_and_nothing_is_left_running(env: dict[str, str],
                                                                                   tmp_path: Path) -> None:
    pid_file = tmp_path / "kernel.pid"
    probe = _notebook(tmp_path, f"import os\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))", "os._exit(3)",
                      "print('never')")
    with _factory(env, tmp_path) as factory:
        with pytest.raises(NotebookError, match=r"probe.ipynb: cell 2 \(os._exit\(3\)\) failed: the kernel stopped"):
            execute(probe, env, factory)
        assert factory.forked == 1
        factory_pid = factory._proc.pid
    assert factory._proc.returncode is not None
    for pid in (factory_pid, int(pid_file.read_text())):
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_a_new_kernel_that_dies_fails_its_notebook_at_once(env: dict[str, str], tmp_path: Path) -> None:
    """It used to hang the build: the blocking client waited for output the dead kernel
    would never send, and nbclient's check that the kernel lives never ran."""
    probe = _notebook(tmp_path, "import os", "os._exit(3)")
    with pytest.raises(NotebookError, match=r"cell 2 .* the kernel stopped"):
        execute(probe, env)


def test_kernels_are_forked_only_for_this_interpreter_running_the_launcher() -> None:
    me = sys.executable
    assert interpreter([me, "-m", "ipykernel_launcher", "-f", "{connection_file}"]) == [me]
    assert interpreter([me, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "{connection_file}"]) == \
        [me, "-Xfrozen_modules=off"]
    assert interpreter(["/usr/bin/python3-other", "-m", "ipykernel_launcher", "-f", "{connection_file}"]) is None
    assert interpreter([me, "-m", "other_launcher", "-f", "{connection_file}"]) is None
    assert interpreter([me, "-m", "ipykernel_launcher", "-f", "{connection_file}", "--debug"]) is None
    assert interpreter([me, "kernel.py"]) is None
    assert interpreter([]) is None


# Notebook pages: inline images set aside while the page is sanitised -----------------------

def _with_outputs(*outputs: dict[str, object]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x", id="c")
    cell.outputs = [nbformat.v4.new_output("display_data", data=o) for o in outputs]
    nb.cells = [cell]
    return nb


def test_images_set_aside_come_back_whole_and_the_rest_is_still_sanitised() -> None:
    import base64

    from iwf_stats.report.notebooks import _EXPORTERS, to_html_fragment

    png = base64.b64encode(bytes(range(256)) * 4).decode()
    html = (f'<p>iwfimage0x stays text</p><img src="data:image/png;base64,{png}" alt="a chart">'
            '<script>alert(1)</script><img src="https://elsewhere.example/x.png">')
    page = to_html_fragment(_with_outputs({"text/html": html}, {"image/png": png, "text/plain": "fig"}))
    assert page.count(png) == 2
    assert "iwfimage0x stays text" in page
    assert "<script" not in page and "elsewhere.example" not in page
    # The same page as the exporter makes of the notebook as it is, images and all.
    plain = _EXPORTERS[0].from_notebook_node(_with_outputs({"text/html": html},
                                                           {"image/png": png, "text/plain": "fig"}))[0]
    from iwf_stats.report.notebooks import accessible

    assert page == accessible(str(plain))


def test_an_image_whose_text_is_not_base64_is_sanitised_as_it_is() -> None:
    from iwf_stats.report.notebooks import to_html_fragment

    sneaky = 'data:image/png;base64,' + "A" * 80 + '" onerror="alert(1)'
    page = to_html_fragment(_with_outputs({"text/html": f'<img src="{sneaky}" alt="x">'}))
    assert "onerror" not in page


def test_the_sanitiser_keeps_tables_and_text_and_drops_what_runs_or_styles() -> None:
    from iwf_stats.report.notebooks import clean_html

    out = clean_html('<style>.dataframe { color: red }</style><table border="1" class="dataframe">'
                     '<tr style="text-align: right; background: url(https://e.example/x)"><td>1</td></tr></table>'
                     '<script>alert(1)</script><a href="javascript:alert(1)">j</a><a href="https://www.iwf.org.uk/">iwf</a>'
                     '<img src="https://e.example/x.png" alt="remote"><!-- note -->&lt;b&gt;')
    assert ".dataframe {" not in out and "alert" not in out and "e.example" not in out and "note" not in out
    assert '<tr style="text-align:right"><td>1</td></tr>' in out
    assert '<a href="https://www.iwf.org.uk/">iwf</a>' in out and "<a>j</a>" in out
    assert out.endswith("&lt;b&gt;")  # escaped text stays text
    for attack in ('<img src="data:image/png;base64,AAAA" alt="a" onerror="alert(1)">',
                   '<p onclick="alert(1)">p</p>', '<img src="data:image/svg+xml;base64,AAAA" alt="a">',
                   '<a href="data:text/html;base64,AAAA">d</a>', '<a href="//e.example/">r</a>',
                   '<a href="page.html">rel</a>', '<svg><script>alert(1)</script></svg>'):
        cleaned = clean_html(attack)
        assert "alert" not in cleaned and "e.example" not in cleaned and "svg" not in cleaned, attack
        assert "data:text" not in cleaned and 'href="page.html"' not in cleaned, attack


def test_markup_inside_an_attribute_stays_inside_it() -> None:
    """`accessible` reads the sanitised page: an `<img` in an attribute value is text there, so
    no alt attribute is put into it (which would end the value early and let what follows
    be read as attributes)."""
    from iwf_stats.report.notebooks import accessible, clean_html

    for html in ('<span title="<img onmouseover=alert(1) x">t</span>', '<img title="a>b" alt="real" src="x.png">'):
        cleaned = clean_html(html)
        assert accessible(cleaned) == cleaned, html


def test_an_image_without_alt_text_gets_a_placeholder() -> None:
    from iwf_stats.report.notebooks import accessible

    page = accessible('<img src="data:image/png;base64,AAAA"><img alt="a chart" src="data:image/png;base64,BBBB">')
    assert page == ('<img alt="No description has been provided for this image" src="data:image/png;base64,AAAA">'
                    '<img alt="a chart" src="data:image/png;base64,BBBB">')


def test_the_page_exporter_is_nbconverts_without_its_last_pass() -> None:
    """`_page_exporter` follows nbconvert's own HTML exporter step for step, leaving out only
    the BeautifulSoup pass at its end: on a notebook whose images have alt text, that pass
    over this exporter's page gives nbconvert's page exactly."""
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    from iwf_stats.report.notebooks import _exporter, clean_html

    nb = nbformat.v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    code = nbformat.v4.new_code_cell("x = 1\nprint(x)", id="c")
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n"),
                    nbformat.v4.new_output("display_data", data={"text/markdown": "**bold** [iwf](https://www.iwf.org.uk/)"}),
                    nbformat.v4.new_output("display_data",
                                           data={"text/html": '<img src="data:image/png;base64,AAAA" alt="a">'})]
    nb.cells = [nbformat.v4.new_markdown_cell("# Title\n\nSome *text*.", id="m"), code]
    theirs = HTMLExporter(template_name="basic")
    theirs.exclude_input_prompt = theirs.exclude_output_prompt = theirs.sanitize_html = True
    theirs.register_filter("clean_html", clean_html)
    ours = str(_exporter().from_notebook_node(nb)[0])
    assert str(BeautifulSoup(ours, features="html.parser")) == str(theirs.from_notebook_node(nb)[0])
    assert "Some <em>text</em>" in ours and '<span class="n">x</span>' in ours


def test_a_factory_that_never_answers_is_not_waited_on_for_ever(env: dict[str, str], tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A factory stuck in its imports: after the time allowed, the kernel starts as usual,
    and the stuck factory is ended with the build."""
    monkeypatch.setattr(kernels, "READY_TIMEOUT_S", 0.5)
    (tmp_path / "stuck_import_probe.py").write_text("import time\ntime.sleep(60)\n")
    env = {**env, "PYTHONPATH": str(tmp_path)}
    probe = _notebook(tmp_path, "print('started as usual')")
    with _factory(env, tmp_path, preload=("stuck_import_probe",)) as factory:
        nb = execute(probe, env, factory)
        assert factory.forked == 0
    assert factory._proc.returncode is not None
    assert nb.cells[0].outputs[0]["text"] == "started as usual\n"
