"""Which addresses the online check may fetch: https on one of the publisher's own hosts.

The check fetches pages named in data files and follows redirects that the publisher's
server chooses, so every address is parsed (with `urllib.parse`, the same parser the
HTTP client's own checks agree with) and refused unless it is plainly on the publisher's
site. Tricks that make one host look like another are refused outright rather than
interpreted: user-info (`https://iwf.org.uk@elsewhere/`), backslashes (which browsers
read as slashes), ports other than https's own, and hosts that only end like a domain
(`eviliwf.org.uk`).

    >>> allowed_address("https://www.iwf.org.uk/news", ("iwf.org.uk",))
    >>> allowed_address("https://iwf.org.uk.example.com/", ("iwf.org.uk",))
    "host 'iwf.org.uk.example.com' is not one of the publisher's (iwf.org.uk)"
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import urljoin, urlsplit

_HOST = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}")


def host_of(url: str) -> str | None:
    """The lower-cased host of an address, or None if it has none."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host or None


def allowed_address(url: str, domains: Sequence[str]) -> str | None:
    """None if `url` may be fetched for a publisher with these `domains`; else why not."""
    if "\\" in url:
        return "the address contains a backslash"
    if any(c.isspace() or ord(c) < 0x20 for c in url):
        return "the address contains whitespace or a control character"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        return f"the address cannot be parsed: {e}"
    if parts.scheme != "https":
        return f"only https addresses are fetched, not {parts.scheme or 'a relative address'}"
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        return "the address carries user-info (name@host)"
    if port not in (None, 443):
        return f"only the https port is fetched, not {port}"
    host = parts.hostname or ""
    if not _HOST.fullmatch(host):
        return f"{host!r} is not a plain domain name"
    if not any(host == d or host.endswith("." + d) for d in domains):
        return f"host {host!r} is not one of the publisher's ({', '.join(domains) or 'none known'})"
    return None


def redirect_target(current: str, location: str) -> str:
    """The absolute address a `Location` header points to, resolved against `current`."""
    return urljoin(current, location.strip())
