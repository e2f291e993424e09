"""Fetching the sources' pages politely and safely, with httpx.

Politely: every request names the project in its User-Agent, and no publisher's server
gets more than `MAX_PER_HOST` requests from us at a time. Safely: redirects are followed
by hand, one hop at a time, and only to addresses `allowed_address` accepts for the
page's own publisher, so a moved page may lead elsewhere on the publisher's site but
never off it; each request has a timeout and each page a deadline and a size limit, so
one slow or huge page cannot stall the run; only HTML is read. Every failure a network
can produce (DNS, TLS, refused connection, timeout, a broken answer) becomes the page's
`reason`, never an exception, so a run always reports on every source.

The HTTP transport is a parameter: the tests route the publishers' https addresses to a
server on 127.0.0.1, while the addresses, and the checks on them, stay the real ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import httpx

from .addresses import allowed_address, host_of, redirect_target

#: Most requests in flight to one host at a time.
MAX_PER_HOST = 2
#: Most requests in flight altogether.
MAX_CONCURRENT = 8
#: Seconds to wait for a connection, for each read and for each write.
TIMEOUT_SECONDS = 20.0
#: Seconds for a whole page, redirects included, however slowly the server trickles bytes.
PAGE_DEADLINE_SECONDS = 60.0
#: Largest page read, in bytes after decompression (5 MiB; the largest source page is far smaller).
MAX_PAGE_BYTES = 5 * 1024 * 1024
#: Redirects followed before giving up.
MAX_REDIRECTS = 5
#: Content types read as HTML.
HTML_TYPES = ("text/html", "application/xhtml+xml")

Outcome = Literal["reached", "unreachable", "refused"]


def user_agent() -> str:
    from .. import __version__

    return f"iwf-stats/{__version__} (iwf-stats: checks that the figures it quotes are still published)"


@dataclass(frozen=True)
class FetchSettings:
    """The limits of one run; the defaults are the documented constants above."""

    timeout: float = TIMEOUT_SECONDS
    deadline: float = PAGE_DEADLINE_SECONDS
    max_bytes: int = MAX_PAGE_BYTES
    per_host: int = MAX_PER_HOST
    concurrent: int = MAX_CONCURRENT
    max_redirects: int = MAX_REDIRECTS
    #: None for the network; tests pass a transport that maps hosts to a local server.
    transport: httpx.AsyncBaseTransport | None = field(default=None, compare=False)


@dataclass(frozen=True)
class PageRequest:
    key: str
    url: str
    domains: tuple[str, ...]


@dataclass(frozen=True)
class Fetched:
    """What became of one address: the page's body if reached, else why not."""

    outcome: Outcome
    reason: str = ""
    redirects: tuple[str, ...] = ()  # each address redirected to, in order
    body: bytes = b""
    charset: str | None = None


class _Stop(Exception):
    def __init__(self, outcome: Outcome, reason: str) -> None:
        super().__init__(reason)
        self.outcome, self.reason = outcome, reason


def fetch_all(requests: Sequence[PageRequest], settings: FetchSettings,
              progress: Callable[[PageRequest, Fetched], None] | None = None) -> dict[str, Fetched]:
    """Fetch every request's page, `settings.per_host` at a time per host; keyed by `key`."""
    return asyncio.run(_fetch_all(requests, settings, progress))


async def _fetch_all(requests: Sequence[PageRequest], settings: FetchSettings,
                     progress: Callable[[PageRequest, Fetched], None] | None) -> dict[str, Fetched]:
    per_host: dict[str, asyncio.Semaphore] = {}
    overall = asyncio.Semaphore(settings.concurrent)
    results: dict[str, Fetched] = {}
    async with httpx.AsyncClient(
        transport=settings.transport,
        timeout=httpx.Timeout(settings.timeout),
        follow_redirects=False,
        headers={"User-Agent": user_agent(), "Accept": "text/html,application/xhtml+xml;q=0.9"},
        limits=httpx.Limits(max_connections=settings.concurrent),
        # Proxy settings from the environment would bypass an injected transport.
        trust_env=settings.transport is None,
    ) as client:

        async def one(req: PageRequest) -> None:
            result = await _fetch(client, req, settings, per_host, overall)
            results[req.key] = result
            if progress is not None:
                progress(req, result)

        await asyncio.gather(*(one(r) for r in requests))
    return results


async def _fetch(client: httpx.AsyncClient, req: PageRequest, settings: FetchSettings,
                 per_host: dict[str, asyncio.Semaphore], overall: asyncio.Semaphore) -> Fetched:
    redirects: list[str] = []
    why = allowed_address(req.url, req.domains)
    if why is not None:
        return Fetched("refused", f"{req.url} is not fetched: {why}")
    try:
        async with asyncio.timeout(settings.deadline):
            url = req.url
            for _ in range(settings.max_redirects + 1):
                limit = per_host.setdefault(host_of(url) or "", asyncio.Semaphore(settings.per_host))
                async with limit, overall:
                    answer = await _get(client, url, req, settings)
                if isinstance(answer, _Page):
                    return Fetched("reached", "", tuple(redirects), answer.body, answer.charset)
                redirects.append(answer)
                url = answer
            raise _Stop("unreachable", f"more than {settings.max_redirects} redirects")
    except _Stop as stop:
        return Fetched(stop.outcome, stop.reason, tuple(redirects))
    except TimeoutError:
        return Fetched("unreachable", f"no complete answer within {settings.deadline:g} s", tuple(redirects))
    except httpx.TimeoutException:
        return Fetched("unreachable", f"timed out (no answer for {settings.timeout:g} s)", tuple(redirects))
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError) as e:
        return Fetched("unreachable", _describe(e), tuple(redirects))


@dataclass(frozen=True)
class _Page:
    body: bytes
    charset: str | None


async def _get(client: httpx.AsyncClient, url: str, req: PageRequest, settings: FetchSettings) -> str | _Page:
    """GET one address: the page, or the next address to follow; `_Stop` if neither."""
    async with client.stream("GET", url) as resp:
        if resp.is_redirect:
            target = redirect_target(url, resp.headers["location"])
            why = allowed_address(target, req.domains)
            if why is not None:
                raise _Stop("refused", f"redirected to {target}, which is not followed: {why}")
            return target
        if not resp.is_success:
            raise _Stop("unreachable", f"HTTP {resp.status_code} {resp.reason_phrase}".rstrip())
        ctype = resp.headers.get("content-type", "")
        mime = ctype.split(";", 1)[0].strip().lower()
        if mime not in HTML_TYPES:
            raise _Stop("unreachable", f"not an HTML page (content type {ctype or 'not given'!r})")
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > settings.max_bytes:
            raise _Stop("unreachable", f"larger than the {_size(settings.max_bytes)} limit "
                                       f"({_size(int(declared))} declared)")
        body = bytearray()
        async for chunk in resp.aiter_bytes():
            body += chunk
            if len(body) > settings.max_bytes:
                raise _Stop("unreachable", f"larger than the {_size(settings.max_bytes)} limit")
        return _Page(bytes(body), resp.charset_encoding)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MiB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KiB"


def _describe(e: Exception) -> str:
    kinds: dict[type[Exception], str] = {
        httpx.ConnectError: "cannot connect",
        httpx.RemoteProtocolError: "broken answer",
    }
    kind = kinds.get(type(e), type(e).__name__)
    detail = str(e) or type(e).__name__
    return f"{kind}: {detail}"
