"""Map one function over many items with a pool of processes that share read-only data.

Also the progress bar of a long ranking (``Progress``).

The chokepoint ranking runs a thousand propagations over the same compiled
graph. Sending that graph to each worker would cost more than the work on a
large network, so the data is put in a module global just before the pool
starts: forked workers inherit it, copy-on-write, and only the items and the
small results cross between processes.

Forking is used on Linux only (elsewhere it is unavailable or unsafe with
some system libraries); on other platforms the work runs in this process.

Examples
--------
>>> list(map_shared(pow, 2, [1, 2, 3], processes=1))
[2, 4, 8]
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

#: What the workers share, set in the parent just before they are forked.
_shared: Any = None
#: Chunks per worker: enough for an even finish, few enough to keep overhead low.
CHUNKS_PER_WORKER = 8
PROGRESS_DELAY = 1.0  # seconds of silent work before a progress bar appears


def available_cpus() -> int:
    """The number of CPUs this process may run on.

    Examples
    --------
    >>> available_cpus() >= 1
    True
    """
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether worker processes can be forked safely here (Linux)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _run_chunk(task: tuple[Callable, Sequence]) -> list:
    func, items = task
    return [func(_shared, item) for item in items]


def map_shared(
    func: Callable[[Any, Any], Any],
    shared: Any,
    items: Sequence,
    *,
    processes: int | None = None,
) -> Iterator:
    """Yield ``func(shared, item)`` for each item, in order, using several processes.

    Parameters
    ----------
    func : callable
        A module-level function (workers find it by name).
    shared : object
        Read-only data for every call, e.g. a compiled graph. Workers inherit
        it when forked; it is never pickled.
    items : sequence
        One call per item; items and results are pickled.
    processes : int, optional
        Worker processes (default: every available CPU). With 1, or where
        processes cannot be forked, everything runs in this process.

    Examples
    --------
    >>> def add(shared, item):
    ...     return shared + item
    >>> list(map_shared(add, 10, [1, 2], processes=1))
    [11, 12]
    """
    global _shared
    workers = min(available_cpus() if processes is None else processes, len(items))
    if workers <= 1 or not can_fork():
        for item in items:
            yield func(shared, item)
        return
    size = max(1, -(-len(items) // (workers * CHUNKS_PER_WORKER)))
    chunks = [(func, items[i : i + size]) for i in range(0, len(items), size)]
    _shared = shared
    try:
        # Set until the pool is done: a worker that dies is replaced by a new fork.
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for results in pool.imap(_run_chunk, chunks):
                yield from results
    finally:
        _shared = None


class Progress:
    """A rich progress bar on stderr that appears only once the work has taken a second.

    Examples
    --------
    >>> with Progress(3, "Working", enabled=False) as bar:
    ...     bar.advance()
    """

    def __init__(self, total: int, description: str, enabled: bool):
        import sys

        self.total = total
        self.description = description
        self.enabled = enabled and total > 1 and sys.stderr.isatty()
        self.started = time.monotonic()
        self.done = 0
        self.bar: Any = None
        self.task: Any = None
        self.drawn = 0.0  # when the bar was last redrawn

    def advance(self) -> None:
        if not self.enabled:
            return
        self.done += 1
        now = time.monotonic()
        if self.bar is None:
            if now - self.started < PROGRESS_DELAY:
                return
            from rich.console import Console
            from rich.progress import Progress

            # No refresh thread: worker processes may be forked while the bar
            # shows. It is redrawn here instead, ten times a second at most.
            self.bar = Progress(console=Console(stderr=True), transient=True, auto_refresh=False)
            self.bar.start()
            self.task = self.bar.add_task(self.description, total=self.total)
        if now - self.drawn >= 0.1 or self.done == self.total:
            self.bar.update(self.task, completed=self.done, refresh=True)
            self.drawn = now

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
