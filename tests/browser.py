"""A headless Chromium driven over the DevTools protocol on a pipe (no port, no network).

Enough of the protocol to open a page from disk, record every resource that failed to load,
read the images' alt text and sizes, take a screenshot, and run the axe-core accessibility
engine on the page. axe is injected with Runtime.evaluate, which the pages' Content-Security-
Policy (no scripts) does not govern: the page itself still runs no script of its own.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--remote-debugging-pipe"]
IMAGES_JS = ("JSON.stringify(Array.from(document.images).map(i => "
             "({src: i.getAttribute('src'), alt: i.getAttribute('alt'), width: i.naturalWidth})))")


#: Where `.ci/run` installs axe-core from the npm registry (pinned in .ci/node/package.json).
AXE_PATH = Path(__file__).resolve().parents[1] / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
AXE_INSTALL = "npm ci --prefix .ci/node"
#: Every rule axe runs by default (WCAG 2.x A and AA, and its best practices); the result
#: reduced to what a failing test should print. `preload: false`: axe would otherwise fetch
#: the style sheets itself, which the pages' CSP rightly refuses (and it reads the applied
#: styles from the page anyway).
AXE_RUN_JS = """axe.run(document, {resultTypes: ['violations'], preload: false})
.then(r => JSON.stringify(r.violations.map(v => ({
  id: v.id, impact: v.impact, help: v.help,
  nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary}))}))))"""


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


@dataclass
class PageReport:
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    images: list[dict[str, Any]] = field(default_factory=list)
    requested: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    probe: Any = None
    #: axe-core's violations, when the page was opened with `axe=`: id, impact, help, nodes.
    violations: list[dict[str, Any]] = field(default_factory=list)


class Chromium:
    def __init__(self, executable: str, width: int = 1000, height: int = 1400) -> None:
        self.profile = tempfile.mkdtemp(prefix="iwf-stats-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def wire_fds() -> None:  # the browser reads commands on fd 3 and answers on fd 4
            read_end, write_end = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        self.proc = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={self.profile}", f"--window-size={width},{height}",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=wire_fds, pass_fds=(3, 4, to_browser_r, from_browser_w))
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None,
             timeout: float = 30) -> dict[str, Any]:
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_browser, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = self._read()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return dict(reply.get("result", {}))
            self.events.append(reply)
        raise TimeoutError(method)

    def wait_for(self, method: str, timeout: float = 30) -> dict[str, Any]:
        for e in self.events:
            if e.get("method") == method:
                return e
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            e = self._read()
            self.events.append(e)
            if e.get("method") == method:
                return e
        raise TimeoutError(method)

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("the browser closed its pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return dict(json.loads(raw))

    def open(self, url: str, screenshot: Path | None = None, probe: str | None = None,
             axe: str | None = None, viewport: tuple[int, int] | None = None) -> PageReport:
        """Load `url`; record failed and requested resources, errors, dialogs (dismissed at
        once), images, and the value of the JavaScript expression `probe` after loading. With
        `axe` (the text of axe.min.js) also run the accessibility engine; with `viewport`
        (width, height) emulate that screen (a phone: 390×844) first."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Network", "Page", "Runtime", "Log"):
            self.send(f"{domain}.enable", session=session)
        if viewport is not None:
            self.send("Emulation.setDeviceMetricsOverride",
                      {"width": viewport[0], "height": viewport[1], "deviceScaleFactor": 1,
                       "mobile": viewport[0] < 600}, session=session)
        self.events.clear()
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_for("Page.loadEventFired")
        images = json.loads(self.send("Runtime.evaluate", {"expression": IMAGES_JS, "returnByValue": True},
                                      session=session)["result"]["value"])
        report = PageReport(images=images)
        if probe is not None:
            report.probe = self.send("Runtime.evaluate", {"expression": probe, "returnByValue": True},
                                     session=session)["result"].get("value")
        if axe is not None:
            self.send("Runtime.evaluate", {"expression": axe}, session=session)
            found = self.send("Runtime.evaluate", {"expression": AXE_RUN_JS, "awaitPromise": True,
                                                    "returnByValue": True}, session=session, timeout=120)
            if "exceptionDetails" in found:
                raise RuntimeError(f"axe.run failed: {found['exceptionDetails']}")
            report.violations = json.loads(found["result"]["value"])
        for e in self.events:
            p = e.get("params", {})
            if e.get("method") == "Network.requestWillBeSent":
                report.requested.append(p["request"]["url"])
            elif e.get("method") == "Network.loadingFailed":
                report.failed.append(f"{p.get('errorText')} ({p.get('requestId')})")
            elif e.get("method") == "Page.javascriptDialogOpening":
                report.dialogs.append(str(p.get("message")))
            elif e.get("method") == "Runtime.exceptionThrown":
                report.errors.append(str(p.get("exceptionDetails", {}).get("text")))
            elif e.get("method") == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                report.errors.append(str(p["entry"].get("text")))
        if screenshot is not None:
            shot = self.send("Page.captureScreenshot", {"format": "png"}, session=session)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
        return report

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.send("Browser.close", timeout=5)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        os.close(self._to_browser)
        os.close(self._from_browser)
        shutil.rmtree(self.profile, ignore_errors=True)
