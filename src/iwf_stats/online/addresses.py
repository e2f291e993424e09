"""Which addresses the online check may fetch: https on one of the publisher's own hosts.

The check fetches pages named in data files and follows redirects that the publisher's
server chooses, so every address, the first and each redirect's, goes through the same
parser as the data's own addresses (`records.url_host`, built on `urllib.parse`): https
only, no user-info (`https://iwf.org.uk@elsewhere/`), no backslashes (which browsers read
as slashes), no port, no draft copies. Then its host must be one of the publisher's
domains or below one: a host that only ends like a domain (`eviliwf.org.uk`) is refused.

    >>> allowed_address("https://www.iwf.org.uk/news", ("iwf.org.uk",))
    >>> allowed_address("https://iwf.org.uk.example.com/", ("iwf.org.uk",))
    "host 'iwf.org.uk.example.com' is not one of the publisher's (iwf.org.uk)"
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urljoin, urlsplit

from ..records import url_host


def host_of(url: str) -> str | None:
    """The lower-cased host of an address, or None if it has none."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host or None


def allowed_address(url: str, domains: Sequence[str]) -> str | None:
    """None if `url` may be fetched for a publisher with these `domains`; else why not."""
    try:
        host = url_host(url)
    except ValueError as e:
        return f"the address {e}"
    if not any(host == d or host.endswith("." + d) for d in domains):
        return f"host {host!r} is not one of the publisher's ({', '.join(domains) or 'none known'})"
    return None


def redirect_target(current: str, location: str) -> str:
    """The absolute address a `Location` header points to, resolved against `current`."""
    return urljoin(current, location.strip())
