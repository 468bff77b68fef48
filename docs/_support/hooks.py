"""MkDocs hooks of the goldendome documentation (mkdocs.yml ``hooks:``): the setting the executed tutorials run in.

- Every command the tutorials run is the installed ``goldendome`` of the Python that builds the docs (its ``bin``
  folder first on PATH), printing plain text 120 columns wide (no colour, no progress bars).
- A page with executed blocks runs in its own results folder, ``SITE/results/PAGE`` (``site/results/tutorials/
  sbi-north-korea`` for ``tutorials/sbi-north-korea.md``): its commands write there, its Python reads relative paths
  from there, and the built site carries the files (a study's ``report.html``, its Parquet tables) beside the page.
  The folder is made anew by each build (MkDocs empties the site folder first), so nothing stale is shown.
- The notebook's kernel gets the site's results folder through ``GOLDENDOME_DOCS_RESULTS``; pages that read a file
  of the repository (the README's opening) find it through ``GOLDENDOME_DOCS_ROOT``.
- mkdocs-jupyter's HTML template loads MathJax and Mermaid from a CDN (nbconvert's defaults); the notebook uses
  neither, and the site must work with no network, so those two loaders are removed from the notebook's page.
  tests/test_docs.py checks that no page loads anything from the network.
"""

import logging
import os
import re
import sys
import time
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.goldendome")

COLUMNS = "120"
"""Width of the printed tables (rich wraps to it); code blocks scroll sideways beyond the page's width."""

_cwd = Path.cwd()
_started: dict[str, float] = {}

_SCRIPT = re.compile(r"<script\b[^>]*>(?:(?!</script>).)*?</script>", re.DOTALL | re.IGNORECASE)
_CDN_LIBRARY = re.compile(r"https?://cdnjs\.cloudflare\.com/ajax/libs/(?:mathjax|mermaid)", re.IGNORECASE)
_ROLE = re.compile(r":(?:py:)?(?:func|class|meth|mod|attr|data|exc|obj):(?=<code>)")
"""Sphinx roles in docstrings (":func:`run_trial`"), which mkdocstrings prints as they are: the code span stays."""
_MATHJAX_CONFIG = re.compile(r"<!-- MathJax configuration -->.*?<!-- End of mathjax configuration -->", re.DOTALL)


def without_cdn_loaders(html: str) -> str:
    """A notebook page less nbconvert's MathJax and Mermaid loaders (scripts that fetch them from cdnjs) and the
    MathJax configuration that only they use."""
    html = _SCRIPT.sub(lambda m: "" if _CDN_LIBRARY.search(m.group(0)) else m.group(0), html)
    return _MATHJAX_CONFIG.sub("", html)


def results_root(config) -> Path:
    return Path(config["site_dir"]) / "results"


def on_config(config):
    bin_dir = str(Path(sys.executable).parent)
    os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
    os.environ["COLUMNS"] = COLUMNS
    os.environ["NO_COLOR"] = "1"
    os.environ["TERM"] = "dumb"
    os.environ["GOLDENDOME_DOCS_RESULTS"] = str(results_root(config))
    os.environ["GOLDENDOME_DOCS_ROOT"] = str(Path(config["config_file_path"]).parent)
    support = str(Path(__file__).parent)
    if support not in sys.path:
        sys.path.insert(0, support)
    return config


def _executes(markdown: str) -> bool:
    return 'exec="' in markdown


def on_page_markdown(markdown, page, config, files):
    _started[page.file.src_uri] = time.perf_counter()
    if _executes(markdown):
        folder = results_root(config) / Path(page.file.src_uri).with_suffix("")
        folder.mkdir(parents=True, exist_ok=True)
        os.chdir(folder)
    return markdown


def on_page_content(html, page, config, files):
    os.chdir(_cwd)
    html = _ROLE.sub("", html)
    if page.file.src_uri.endswith(".ipynb"):
        html = without_cdn_loaders(html)
    log.info("%s: rendered in %.1f s", page.file.src_uri, time.perf_counter() - _started.pop(page.file.src_uri))
    return html
