"""A local stand-in for the publishers' web servers, and small datasets that quote it.

`Site` is an HTTP server on 127.0.0.1 (http.server in a thread) that answers by Host
header and path, records every request and how many were in flight per host at once.
`ToLoopback` is an httpx transport that sends each request, whatever its https address,
to that server, keeping the Host header: the online check still sees (and vets) the real
publisher addresses; only the wire is local.
"""

from __future__ import annotations

import csv
import shutil
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

from conftest import DATA

HTML = {"Content-Type": "text/html; charset=utf-8"}


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: dict(HTML))
    delay: float = 0.0  # seconds before answering
    declare_length: bool = True  # False: no Content-Length, the body ends when the connection closes


def page(*paragraphs: str) -> bytes:
    """An HTML page with navigation, a script and the given paragraphs."""
    body = "".join(f"<p>{p}</p>\n" for p in paragraphs)
    return (f"<!doctype html><html><head><title>IWF</title><script>var n = 1;</script></head>"
            f"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>\n{body}"
            f"<footer>Internet Watch Foundation</footer></body></html>").encode()


class Site:
    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], Reply] = {}
        self.requests: list[tuple[str, str, str]] = []  # host, path, user agent
        self.in_flight: Counter[str] = Counter()
        self.peak: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.closing = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                host = (self.headers.get("Host") or "").split(":")[0]
                with site.lock:
                    site.requests.append((host, self.path, self.headers.get("User-Agent") or ""))
                    site.in_flight[host] += 1
                    site.peak[host] = max(site.peak[host], site.in_flight[host])
                try:
                    reply = site.routes.get((host, self.path)) \
                        or Reply(404, b"not found", {"Content-Type": "text/plain"})
                    if reply.delay:
                        site.closing.wait(reply.delay)
                    self.send_response(reply.status)
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    if reply.declare_length:
                        self.send_header("Content-Length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                finally:
                    with site.lock:
                        site.in_flight[host] -= 1

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client that gave up (timeout, size limit) is expected here

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()

    def hosts_asked(self) -> set[str]:
        return {h for h, _, _ in self.requests}


class ToLoopback(httpx.AsyncBaseTransport):
    """Send every request to 127.0.0.1:`port` over plain http, keeping its Host header."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self.port)
        local = httpx.Request(request.method, url, headers=request.headers, stream=request.stream,
                              extensions=request.extensions)
        return await self.inner.handle_async_request(local)

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass(frozen=True)
class Src:
    """A test source: its id, address and the quote one observation takes from it."""

    source_id: str
    url: str
    quote: str
    as_written: str


def _write(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def make_data(root: Path, sources: list[Src], texts: dict[str, str] | None = None) -> Path:
    """A small valid data folder: the IWF as publisher, one observation quoted from each source,
    a claim made by an article without an address, and `texts` as data/sources/<id>.txt (a
    source given no text gets one holding just its quote, as the loader requires)."""
    import hashlib

    data = root / "data"
    (data / "sources").mkdir(parents=True)
    shutil.copy(DATA / "datapackage.json", data)
    _write(data / "publishers.csv", ["publisher_id", "name", "publisher_type", "domains", "attribution"], [
        {"publisher_id": "iwf", "name": "Internet Watch Foundation", "publisher_type": "charity",
         "domains": "iwf.org.uk", "attribution": "IWF"},
        {"publisher_id": "unknown_newspaper", "name": "A newspaper", "publisher_type": "press",
         "domains": "", "attribution": "A newspaper"},
    ])
    stated = sources[0].as_written
    article_quote = f"It acted on {stated} webpages."
    all_texts = {s.source_id: saved_text(s.url, s.quote) for s in sources}
    all_texts.update(texts or {})
    all_texts["article"] = saved_text("", article_quote)
    for sid, text in all_texts.items():
        (data / "sources" / f"{sid}.txt").write_text(text, encoding="utf-8")

    def sha(sid: str) -> str:
        return hashlib.sha256((data / "sources" / f"{sid}.txt").read_bytes()).hexdigest()

    rows = [{"source_id": s.source_id, "publisher_id": "iwf", "kind": "primary_report", "title": s.source_id,
             "url": s.url, "date_published": "", "note": "", "text_sha256": sha(s.source_id)} for s in sources]
    rows.append({"source_id": "article", "publisher_id": "unknown_newspaper", "kind": "newspaper_article",
                 "title": "An article", "url": "", "date_published": "", "note": "", "text_sha256": sha("article")})
    _write(data / "sources.csv", ["source_id", "publisher_id", "kind", "title", "url", "date_published", "note",
                                  "text_sha256"], rows)
    _write(data / "series.csv", ["series_id", "title", "publisher_id", "unit", "counts", "wordings", "newsgroups",
                                 "dimension", "share_of", "within", "definition"], [
        {"series_id": "pages", "title": "Pages", "publisher_id": "iwf", "unit": "count", "counts": "webpages",
         "wordings": "webpages", "newsgroups": "excluded", "dimension": "", "share_of": "", "within": "",
         "definition": "Webpages acted on."}])
    _write(data / "observations.csv",
           ["series_id", "year", "category", "value", "as_written", "rounding", "source_id", "wording", "quote",
            "note"],
           [{"series_id": "pages", "year": "2024", "category": "", "value": s.as_written.replace(",", ""),
             "as_written": s.as_written, "rounding": "exact", "source_id": s.source_id, "wording": "webpages",
             "quote": s.quote, "note": ""} for s in sources])
    _write(data / "facts.csv", ["fact_id", "topic", "value", "unit", "bound", "as_written", "source_id", "quote",
                                "note"], [])
    for name in ("breaks", "gaps", "totals"):
        shutil.copy(DATA / f"{name}.csv", data)
        header = (data / f"{name}.csv").read_text(encoding="utf-8").split("\n", 1)[0]
        (data / f"{name}.csv").write_text(header + "\n", encoding="utf-8")
    (data / "claims.toml").write_text(
        f'[[claim]]\nid = "article_pages"\ndocument = "article"\nquote = "{article_quote}"\n'
        f'stated = "{stated}"\nkind = "value"\nseries = "pages"\nyear = 2024\nrounding = "exact"\n'
        f'rule = "The figure as printed."\nexpected = "supported"\n', encoding="utf-8")
    return data


def saved_text(url: str, *passages: str) -> str:
    return f"address: {url}\ntaken: 2025-02-01 from a stored copy of the page\n" + "".join(
        f"---\n{p}\n" for p in passages)


def tree(folder: Path) -> Iterator[tuple[str, bytes]]:
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            yield str(p.relative_to(folder)), p.read_bytes()
