"""A web page's text as a reader sees it, by inscriptis (a maintained HTML-to-text library).

Why inscriptis: it lays the text out as a browser would (blocks on their own lines, inline
elements such as `<b>291,270</b>` kept inside their sentence, scripts and styles left out)
and renders a table row by row with a cell separator we choose. The dataset quotes a table
row as its cells joined by " | ", so the separator is " | " and a quoted row can be found
on the live page as it is. It does not rewrite the text into Markdown (as html2text does,
escaping "1." and "*") nor drop parts of the page it judges to be boilerplate (as
trafilatura does), either of which could hide a quote that is there.

    >>> page_text(b"<p>on <b>291,270</b> webpages</p><table><tr><td>Netherlands</td><td>83,037</td></tr></table>", None)
    'on 291,270 webpages\\n\\nNetherlands | 83,037'
"""

from __future__ import annotations

import codecs

from inscriptis import get_text
from inscriptis.css_profiles import CSS_PROFILES
from inscriptis.html_engine import Inscriptis
from inscriptis.model.config import ParserConfig
from lxml.etree import LxmlError
from lxml.html import document_fromstring

#: How table cells are joined, as in the dataset's quotes of table rows.
TABLE_CELL_SEPARATOR = " | "

_CONFIG = ParserConfig(css=CSS_PROFILES["strict"], table_cell_separator=TABLE_CELL_SEPARATOR)


class PageTextError(Exception):
    """The body could not be read as HTML."""


def page_text(body: bytes, charset: str | None) -> str:
    """The text of an HTML page; `charset` is the one the server declared, if any.

    Without a declared charset the body is read as UTF-8 if it is valid UTF-8, and
    otherwise left to lxml, which honours the page's own `<meta charset>`.
    """
    try:
        html = _decode(body, charset)
        if html is not None:
            text: str = get_text(html, _CONFIG)
        else:
            text = Inscriptis(document_fromstring(body), _CONFIG).get_text()
    except (LxmlError, ValueError) as e:
        raise PageTextError(f"the page could not be read as HTML: {e}") from e
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def _decode(body: bytes, charset: str | None) -> str | None:
    if charset:
        try:
            codecs.lookup(charset)
        except LookupError:
            charset = None
        else:
            return body.decode(charset, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        return None
