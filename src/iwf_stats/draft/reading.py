"""Reading an article: its text from a plain-text or HTML file, cut into sentences.

HTML goes through inscriptis, the HTML-to-text library the online source check uses, imported
only when a file is HTML, so reading a plain-text article costs nothing extra. Sentences keep
their exact wording, typos included, because a drafted claim must quote the article exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError, Problem, shown_path

_HTML = re.compile(r"<\s*(html|body|p|div|article|!doctype)\b", re.IGNORECASE)
# A sentence ends at . ! ? (and a closing quote or bracket) followed by space and a capital,
# a digit, a quote or an opening bracket; a blank line (a headline, a caption) ends one too.
# "U.K.-based" and "£2.8m" do not end one: the full stop is not followed by a space. A list
# item (a line starting with a bullet) is a sentence of its own.
_END = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+(?=[A-Z0-9\"“‘'(£$€])|\n\s*\n"
                  r"|\n\s*(?=[•*▪◦‣·-]\s)|(?<=[.!?:])\s+(?=[•▪◦‣·]\s)")
_BULLET = re.compile(r"^[•*▪◦‣·-]\s+")
_TITLES = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Sir|St|No|Rt|Hon|vs)\.$")


@dataclass(frozen=True)
class Sentence:
    text: str
    index: int  # position in the article, from 0


def read_article(path: Path) -> str:
    """The article's text; HTML is reduced to its visible text, one block per line.

    Raises `DataError` naming the file when it cannot be read as UTF-8 text."""
    shown = shown_path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise DataError([Problem(shown, 1, "(file)", f"cannot read: {e.strerror or e}")]) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise DataError([Problem(shown, line, "(file)", "not UTF-8 text")]) from None
    if path.suffix.lower() in (".html", ".htm") or _HTML.search(text[:2000]):
        return html_text(text)
    return text


def html_text(html: str) -> str:
    """The visible text of an HTML page, laid out by inscriptis as `online.pagetext` does for
    the sources (blocks on their own lines, table cells joined by " | "), with the page's
    navigation, header, footer, forms and asides dropped first: their menus and dates are not
    the article's statements."""
    from inscriptis.css_profiles import CSS_PROFILES
    from inscriptis.html_engine import Inscriptis
    from inscriptis.model.config import ParserConfig
    from lxml.etree import LxmlError
    from lxml.html import document_fromstring

    try:
        tree = document_fromstring(html)
    except (LxmlError, ValueError):
        return html
    for element in tree.xpath("//nav|//header|//footer|//form|//aside"):
        element.drop_tree()
    config = ParserConfig(css=CSS_PROFILES["strict"], table_cell_separator=" | ")
    text: str = Inscriptis(tree, config).get_text()
    return "\n".join(line.rstrip() for line in text.strip().splitlines())


def sentences(text: str) -> list[Sentence]:
    """The text cut into sentences, each with whitespace runs inside it made single spaces."""
    out: list[str] = []
    pending = ""
    pos = 0
    for m in [*_END.finditer(text), None]:
        end = m.start() if m else len(text)
        piece = text[pos:end] + (text[end:m.end()].rstrip() if m else "")
        pos = m.end() if m else len(text)
        piece = pending + piece
        if m and _TITLES.search(piece.rstrip()) and "\n" not in text[end:pos]:
            pending = piece + " "
            continue
        pending = ""
        cleaned = _BULLET.sub("", " ".join(piece.split()))
        if cleaned:
            out.append(cleaned)
    return [Sentence(s, i) for i, s in enumerate(out)]
