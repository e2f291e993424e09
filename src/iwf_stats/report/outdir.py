"""Output folders the tool may write: a folder the user names is the user's.

`iwf-stats build` and `iwf-stats charts` write only into a folder that does not exist yet, is
empty, or holds the tool's own marker file and nothing the tool did not write there. Anything
else is refused before any work is done, with a message saying why, so that a mistyped
`--out` can never delete a user's documents, the checkout or the data. Temporary folders are
unique to one run and carry a marker naming their run; they are removed only by the run that
made them, or by a later run when the marker shows that the run which made them has died.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import OutputRefused as OutputRefused

#: The marker file in every output folder the tool owns: {"tool": "iwf-stats", "kind": ...}.
MARKER = ".iwf-stats-output.json"
#: The marker in a temporary folder: which output it was for, and the process that made it.
STAGING_MARKER = ".iwf-stats-staging.json"
STAGING_PREFIX = ".iwf-stats-tmp-"


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_output(out: str | Path, kind: str, protected: Iterable[Path] = (),
                 roots: Iterable[Path] = ()) -> Path:
    """The absolute output folder, if the tool may write there; else `OutputRefused`.

    Refused: an empty path; the working folder, the home folder, the root or any folder that
    contains one of them; any `protected` folder (the data, the notebooks, the code), anything
    inside one, or anything that contains one; any of `roots` (the checkout) or a folder that
    contains one (a new folder inside the checkout is fine); an existing path that is not a
    folder (a file, a device, a symlink); a folder holding files the tool did not write.
    """
    if str(out).strip() == "":
        raise OutputRefused("the output folder is an empty path (an unset variable?); name a folder")
    path = Path(os.path.abspath(out))
    home = Path.home().absolute()
    for p, what in ((Path.cwd(), "the working folder"), (home, "your home folder"), (Path("/"), "/")):
        if _inside(p, path):
            raise OutputRefused(f"{path} is {what} or contains it; name a new or empty folder")
    for p in protected:
        p = Path(os.path.abspath(p))
        if _inside(path, p) or _inside(p, path):
            raise OutputRefused(f"{path} is, is inside, or contains {p}, which the tool reads; "
                                "name a folder elsewhere, such as output/site")
    for p in roots:
        p = Path(os.path.abspath(p))
        if _inside(p, path):
            raise OutputRefused(f"{path} is or contains the checkout {p}; name a folder such as output/site")
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return path
    if stat.S_ISLNK(st.st_mode):
        raise OutputRefused(f"{path} is a symbolic link; name a real folder (links are never followed)")
    if not stat.S_ISDIR(st.st_mode):
        raise OutputRefused(f"{path} exists and is not a folder; it is left as it is")
    if not any(path.iterdir()):
        return path
    if read_marker(path) != kind:
        raise OutputRefused(f"{path} holds files that iwf-stats did not write (it has no {MARKER} of a "
                            f"{kind} output); name a new or empty folder")
    return path


def read_marker(folder: Path) -> str | None:
    """The kind of output a folder's marker declares, or None (no marker, a link, unreadable)."""
    marker = folder / MARKER
    try:
        if not stat.S_ISREG(os.lstat(marker).st_mode):
            return None
        doc = json.loads(read_small(marker))
    except (OSError, ValueError):
        return None
    if isinstance(doc, dict) and doc.get("tool") == "iwf-stats" and isinstance(doc.get("kind"), str):
        return str(doc["kind"])
    return None


def write_marker(folder: Path, kind: str) -> None:
    (folder / MARKER).write_text(json.dumps({"tool": "iwf-stats", "kind": kind}) + "\n", encoding="utf-8")


def read_small(path: Path, limit: int = 1 << 20) -> bytes:
    """A small regular file's bytes, never following a link and never blocking on a FIFO."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(limit)
    finally:
        os.close(fd)


def unknown_entries(folder: Path, known: set[str]) -> list[str]:
    """Entries under `folder` (relative, '/'-separated) that are not in `known` and are not the
    tool's marker or state: what the user put there, or a link in place of a file."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        rel_dir = os.path.relpath(dirpath, folder)
        for name in [*filenames, *[d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]]:
            rel = name if rel_dir == "." else f"{rel_dir}/{name}"
            full = os.path.join(dirpath, name)
            if os.path.islink(full) or rel not in known:
                found.append(rel)
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
    return sorted(found)


def make_staging(out: Path) -> Path:
    """A fresh temporary folder beside `out`, unique to this run and marked as this run's."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out.parent))
    (staging / STAGING_MARKER).write_text(json.dumps({"out": str(out), "pid": os.getpid()}) + "\n",
                                          encoding="utf-8")
    return staging


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_dead_staging(out: Path) -> None:
    """Remove temporary folders that a killed run for this same `out` left behind. A folder is
    removed only if its marker names `out` and a process that no longer runs; a user's folder
    that merely looks alike, or a run still going, is never touched."""
    if not out.parent.is_dir():
        return
    for p in out.parent.iterdir():
        if not p.name.startswith(STAGING_PREFIX) or p.is_symlink() or not p.is_dir():
            continue
        try:
            doc = json.loads(read_small(p / STAGING_MARKER))
        except (OSError, ValueError):
            continue
        if isinstance(doc, dict) and doc.get("out") == str(out) and isinstance(doc.get("pid"), int) \
                and not _alive(doc["pid"]):
            if doc.get("swapped") and not out.exists() and (p / "site").is_dir():
                os.replace(p / "site", out)  # killed between a fallback swap's two renames: restore
            shutil.rmtree(p, ignore_errors=True)


def publishable(folder: Path) -> None:
    """Files 0644 and folders 0755, so a web server can serve the site (mkdtemp makes 0700)."""
    os.chmod(folder, 0o755)
    for dirpath, dirnames, filenames in os.walk(folder):
        for d in dirnames:
            os.chmod(os.path.join(dirpath, d), 0o755, follow_symlinks=False)
        for f in filenames:
            full = os.path.join(dirpath, f)
            if not os.path.islink(full):
                os.chmod(full, 0o644)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders in one atomic step (Linux renameat2); False where unsupported."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_in(staging: Path, out: Path) -> None:
    """Put the finished staging folder in place of `out`. Where the system allows, the two are
    exchanged atomically, so a reader never finds no site; otherwise two renames, with the
    old site kept until the new one is in (and restored by the next run if killed between)."""
    (staging / STAGING_MARKER).unlink(missing_ok=True)
    if not out.exists():
        os.replace(staging, out)
        return
    if _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # now holds the previous site
        return
    old = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out.parent))
    (old / STAGING_MARKER).write_text(json.dumps({"out": str(out), "pid": os.getpid(), "swapped": True}),
                                      encoding="utf-8")
    os.replace(out, old / "site")
    os.replace(staging, out)
    shutil.rmtree(old, ignore_errors=True)
