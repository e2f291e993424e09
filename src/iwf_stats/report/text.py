"""Text from the data, made safe for the medium that carries it.

Every string that comes from data/ (a quote, a title, a note, a publisher's name) is text,
never markup: escaped for Markdown in the notebooks, for HTML on the site, for the terminal
in the command line's tables. Charts need nothing here: the house style turns mathtext off.
"""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>:$])")


def md(text: object) -> str:
    """A string shown literally in Markdown: HTML is escaped (so no tag, script or image can
    form) and every Markdown punctuation mark is backslash-escaped (so no link, image,
    emphasis or heading can form).

    >>> md("[x](javascript:alert(1)) <script>")
    '\\\\[x\\\\]\\\\(javascript\\\\:alert\\\\(1\\\\)\\\\) &lt;script&gt;'
    """
    import html  # here, not at the top: the command-line checks never need it

    return _MD_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=False))


def code(text: object) -> str:
    """A string shown as inline code in Markdown (ids): backticks cannot close it early."""
    import html

    return "<code>" + html.escape(str(text)) + "</code>"


_TERMINAL = dict.fromkeys([*range(0x20), 0x7F, *range(0x80, 0xA0), 0x2028, 0x2029], "\N{REPLACEMENT CHARACTER}")
del _TERMINAL[0x0A]


def terminal(text: object) -> str:
    """A string safe to print on a terminal: control characters (escape sequences that could
    hide rows or rewrite the screen) are replaced by U+FFFD."""
    return str(text).translate(_TERMINAL)
