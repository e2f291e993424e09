"""Attributes of matplotlib's modules, classes and objects set for the length of a block, and
put back as they were: the one way the speed-ups (`speed`, `layoutcache`, `glyphcache`,
`vectorcache`) and `replay` change matplotlib, so that nothing they change outlives the
block, even one that fails."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

Change = tuple[Any, str, Any]  # owner, attribute name, value for the block


@contextmanager
def patched(*changes: Change) -> Iterator[None]:
    """Each (owner, name, value) set for the block. Afterwards an attribute the owner had of
    its own is put back, and one it only inherited (from its class, or a base class) is
    removed again, so that the inherited one shows through as before."""
    before = [(owner, name, name in vars(owner), vars(owner).get(name)) for owner, name, _ in changes]
    for owner, name, value in changes:
        setattr(owner, name, value)
    try:
        yield
    finally:
        for owner, name, own, value in reversed(before):
            if own:
                setattr(owner, name, value)
            else:
                delattr(owner, name)
