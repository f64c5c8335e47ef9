"""Pausing Python's cyclic garbage collector around bulk work.

Public: loading (``graph``) and compiling and answering (``analysis``) both
pause it.

Examples
--------
>>> import gc
>>> with no_cyclic_gc():
...     gc.isenabled()
False
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for the duration of the block.

    Loading, compiling and answering create millions of small containers and
    no reference cycles. With a big graph in memory, the collector would scan
    the whole heap again and again meanwhile (at a million edges, a single
    full pass takes about a second); reference counting still frees
    everything as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
