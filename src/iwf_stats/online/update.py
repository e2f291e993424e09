"""`--update`: refresh the saved passages from the live pages, and write them atomically.

Only a page on which every quote still holds is used: a page that lost a quote is a
finding for a person to judge (a revised figure is recorded as a correction, not
overwritten). From such a page only the paragraphs that hold the dataset's quotes are
kept, never the whole page: the project quotes its sources, it does not republish them.
A saved passage still on the page is kept exactly as saved, so an unchanged page gives
an unchanged file.

Files are written beside their targets under temporary names and renamed over them only
once every one is written; the folder is opened without following symbolic links, and a
target that is a link is refused rather than written through. `sources.csv`'s
`text_sha256` column, where the data has one, gets each new file's SHA-256.
"""

from __future__ import annotations

import contextlib
import csv
import difflib
import hashlib
import io
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .check import SourceCheck
from .passages import SOURCES_DIR, SourceText, normalise, occurs, quote_parts

#: The sources.csv column holding each source text's SHA-256.
SHA_COLUMN = "text_sha256"
#: Longest passage saved whole; a longer "paragraph" (a page laid out as one block) is cut
#: to the sentences around the quote, so a page is never saved whole.
MAX_PASSAGE_CHARS = 2000
#: How far before and after a quote to look for its sentence's ends, when cutting.
_CONTEXT = 300

_BLANKS = re.compile(r"[ \t\u00a0]+")


@dataclass(frozen=True)
class Change:
    """One file to write: its name inside the data folder, old and new text."""

    name: str  # "sources/<id>.txt" or "sources.csv"
    old: str | None
    new: str

    def diff(self) -> str:
        return "".join(difflib.unified_diff(
            (self.old or "").splitlines(keepends=True), self.new.splitlines(keepends=True),
            fromfile=f"a/{self.name}" if self.old is not None else "/dev/null", tofile=f"b/{self.name}"))


def refreshed(check: SourceCheck, saved: SourceText | None, today: date) -> SourceText | None:
    """The source text to save from a checked page, or None to leave the saved one as it is.

    None too when the page may not be used: not reached, or a quote no longer on it.
    """
    if check.page is None or check.url is None or any(not q.present for q in check.quotes):
        return None
    paragraphs = [p for p in (_BLANKS.sub(" ", line).strip() for line in check.page.splitlines()) if p]
    finder = _Paragraphs(paragraphs)
    kept: list[str] = []
    for passage in saved.passages if saved else ():
        if occurs(passage, check.page):
            kept.append(passage)
        elif (found := finder.enclosing_closest(passage)) is not None:
            kept.append(found)
    for q in check.quotes:
        for part in quote_parts(q.quote.text):
            if not any(part in normalise(p) for p in kept) and (found := finder.enclosing(part)) is not None:
                kept.append(found)
    parts = [part for q in check.quotes for part in quote_parts(q.quote.text)]
    quoted = [p for p in dict.fromkeys(kept) if any(part in normalise(p) for part in parts)]
    quoted = [p for p in quoted if not any(p != o and normalise(p) in normalise(o) for o in quoted)]
    quoted.sort(key=finder.position)
    if saved is not None and tuple(quoted) == saved.passages:
        return None
    if not quoted:
        return None
    taken = f"{today.isoformat()} from the live page"
    if check.redirects:
        taken += f" at {check.redirects[-1]}"
    return SourceText((("address", check.url), ("taken", taken)), tuple(quoted))


class _Paragraphs:
    """The page's paragraphs, and where a normalised text falls among them."""

    def __init__(self, paragraphs: list[str]) -> None:
        self.paragraphs = paragraphs
        self.starts: list[int] = []
        pieces, at = [], 0
        for p in paragraphs:
            n = normalise(p)
            self.starts.append(at)
            pieces.append(n)
            at += len(n) + 1
        self.text = " ".join(pieces)

    def position(self, passage: str) -> int:
        at = self.text.find(normalise(passage))
        return at if at >= 0 else len(self.text)

    def enclosing(self, part: str) -> str | None:
        """The paragraphs that hold the first occurrence of `part`, joined by newlines."""
        at = self.text.find(normalise(part))
        if at < 0:
            return None
        end = at + len(normalise(part)) - 1
        first = max(i for i, s in enumerate(self.starts) if s <= at)
        last = max(i for i, s in enumerate(self.starts) if s <= end)
        passage = "\n".join(self.paragraphs[first:last + 1])
        return passage if len(passage) <= MAX_PASSAGE_CHARS else _sentences_around(part, passage)

    def enclosing_closest(self, passage: str) -> str | None:
        from .closest import closest_passage

        found = closest_passage(passage, self.text)
        return None if found is None else self.enclosing(found.text)


def _sentences_around(part: str, text: str) -> str:
    """The sentence(s) of `text` that hold `part`, as written (at most `_CONTEXT` either side)."""
    pattern = "".join(
        r"\s+" if c == " " else "['‘’]" if c == "'" else '["“”]' if c == '"' else re.escape(c)
        for c in normalise(part))
    m = re.search(pattern, text)
    if m is None:  # cannot happen for a part found in the same text; keep the part itself
        return part
    before = text[max(0, m.start() - _CONTEXT):m.start()]
    cut = max(before.rfind(". "), before.rfind("\n"))
    start = m.start() - len(before) + cut + 1 if cut >= 0 else m.start()
    after = text[m.end():m.end() + _CONTEXT]
    ends = [i for i in (after.find(". "), after.find("\n")) if i >= 0]
    end = m.end() + min(ends) + 1 if ends else m.end()
    return text[start:end].strip()


def changes(data_dir: Path, checks: Iterable[SourceCheck], saved: Mapping[str, SourceText],
            today: date) -> list[Change]:
    """Every file `--update` would write: the refreshed source texts, then sources.csv."""
    texts: dict[str, str] = {}
    out: list[Change] = []
    for check in checks:
        new = refreshed(check, saved.get(check.source_id), today)
        if new is None:
            continue
        name = f"{SOURCES_DIR}/{check.source_id}.txt"
        old = saved[check.source_id].render() if check.source_id in saved else None
        text = new.render()
        if text != old:
            out.append(Change(name, _current(data_dir / name, old), text))
            texts[check.source_id] = text
    csv_change = _sources_csv_change(data_dir / "sources.csv", texts)
    if csv_change is not None:
        out.append(csv_change)
    return out


def still_failing(failed: Iterable[SourceCheck], written: Iterable[Change]) -> list[SourceCheck]:
    """The failed checks less those `--update` has just fixed: a source whose only finding was
    a changed saved passage, and whose saved text was rewritten from the page."""
    names = {c.name for c in written}
    return [c for c in failed
            if not (c.status == "changed" and all(q.present for q in c.quotes)
                    and f"{SOURCES_DIR}/{c.source_id}.txt" in names)]


def _current(path: Path, fallback: str | None) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (FileNotFoundError, UnicodeDecodeError):
        return fallback


def _sources_csv_change(path: Path, texts: Mapping[str, str]) -> Change | None:
    """sources.csv with each rewritten source's `text_sha256`, if the table has that column."""
    if not texts:
        return None
    raw = path.read_bytes()
    old = raw.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(old, newline="")))
    if not rows or SHA_COLUMN not in rows[0] or "source_id" not in rows[0]:
        return None
    sha, sid = rows[0].index(SHA_COLUMN), rows[0].index("source_id")
    for row in rows[1:]:
        if len(row) > max(sha, sid) and row[sid] in texts:
            row[sha] = hashlib.sha256(texts[row[sid]].encode("utf-8")).hexdigest()
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n" if "\r\n" in old else "\n").writerows(rows)
    new = ("\ufeff" if raw.startswith(b"\xef\xbb\xbf") else "") + buf.getvalue()
    return None if new == old else Change("sources.csv", old, new)


def write_changes(data_dir: Path, to_write: list[Change]) -> None:
    """Write every change: all to temporary files first, then each renamed over its target.

    Nothing is written through a symbolic link: the data folder's `sources/` is opened
    with O_NOFOLLOW, files are created with O_EXCL | O_NOFOLLOW, and a target that is a
    link raises `OSError`. A failure before the renames leaves every target untouched.
    """
    flags = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW
    root = os.open(data_dir, os.O_RDONLY | os.O_DIRECTORY)  # the folder the user named, as named
    dirs = {"": root}
    staged: list[tuple[int, str, str]] = []
    try:
        for change in to_write:
            folder, _, name = change.name.rpartition("/")
            if folder not in dirs:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(folder, 0o755, dir_fd=root)
                dirs[folder] = os.open(folder, flags, dir_fd=root)
            dfd = dirs[folder]
            if _is_link(name, dfd):
                raise OSError(f"refusing to write through a symbolic link: {data_dir / change.name}")
            tmp = f".{name}.{os.getpid()}.tmp"
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644, dir_fd=dfd)
            staged.append((dfd, tmp, name))
            with os.fdopen(fd, "wb") as f:
                f.write(change.new.encode("utf-8"))
                f.flush()
                os.fsync(f.fileno())
        for dfd, tmp, name in staged:
            os.replace(tmp, name, src_dir_fd=dfd, dst_dir_fd=dfd)
        staged = []
        for dfd in dirs.values():
            os.fsync(dfd)
    finally:
        for dfd, tmp, _ in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp, dir_fd=dfd)
        for dfd in dirs.values():
            os.close(dfd)


def _is_link(name: str, dir_fd: int) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode)
    except FileNotFoundError:
        return False
