"""Forking worker processes that share the parent's memory.

A forked child shares its parent's memory pages until one of them writes to a page. The
cyclic garbage collector writes to every object it examines, so a child's collections copy
the pages of everything it inherited (the imported modules, the data, the font caches), and
examine again and again objects that live as long as the child does. Freezing the
collector's view of the heap just before forking (`gc.freeze`, as the Python documentation
advises for a fork without exec) leaves the inherited objects out of every collection in the
child; the parent, which goes on working, thaws them again once the children exist, unless
they were frozen before (a kernel forked from the build's kernel factory, or a program that
froze its heap itself, keeps them frozen).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Within the block (in which the children are forked), the heap is frozen."""
    already = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        yield
    finally:
        if not already:
            gc.unfreeze()
