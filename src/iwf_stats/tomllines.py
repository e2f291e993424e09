"""Line numbers for the `[[table]]` arrays of the TOML files people edit (claims, charts).

`tomllib` returns plain values without positions; errors must still point at the
`key = value` line to fix, so the positions are recovered from the text itself.
"""

from __future__ import annotations

import re


class TableLines:
    """Where each `[[name]]` table starts in the text, and where each of its keys is written."""

    def __init__(self, text: str, name: str) -> None:
        # TOML ends lines only at "\n" (str.splitlines would also split at U+2028 and others).
        self.lines = text.split("\n")
        header = re.compile(rf"\s*\[\[\s*{re.escape(name)}\s*\]\]")
        self.starts = [n for n, x in enumerate(self.lines, 1) if header.match(x)]

    def start(self, i: int) -> int:
        """The line of the i-th table's header (1 if the text has fewer headers)."""
        return self.starts[i] if i < len(self.starts) else 1

    def key_line(self, i: int, key: str) -> int:
        """The line where the i-th table sets `key`, else the table's header line."""
        start = self.start(i)
        end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.lines) + 1
        pattern = re.compile(rf"\s*{re.escape(key)}\s*[=.]")
        for n in range(start, end):
            if pattern.match(self.lines[n - 1]):
                return n
        return start


def too_deep(text: str, limit: int) -> int:
    """The line where brackets or braces (outside strings) first nest past `limit`, else 0.
    Checked before parsing, because a deeply nested document makes the parser recurse."""
    depth, line, quote, escaped_at = 0, 1, "", -1
    for m in re.finditer(r"[\n\\\"'\[\]{}]", text):  # only the characters that matter
        ch = m.group()
        if ch == "\n":
            line += 1
        if quote:
            if m.start() == escaped_at:
                pass  # the character after a backslash
            elif ch == "\\" and quote == '"':
                escaped_at = m.end()
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
            if depth > limit:
                return line
        elif ch in "]}":
            depth -= 1
    return 0
