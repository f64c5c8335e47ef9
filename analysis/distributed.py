"""Scale-out on Dask (``--scheduler ADDRESS|local``, DESIGN section 3c).

``dask_mapper`` returns a mapper for ``analysis.uncertainty``: the compiled
graph and the scenario are scattered to the workers once, and the chunks of
samples or sensitivity runs are mapped over them. Every chunk draws from its
samples' own streams, so the answers are the same, byte for byte, as in
process. Dask is an optional extra: ``pip install "chokegraph[dask]"``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

from graph.errors import ScenarioError

EXTRA = 'pip install "chokegraph[dask]"'
CONNECT_TIMEOUT = "5s"  # a scheduler that does not answer by then is an error


def _distributed():
    try:
        import distributed
    except ImportError:
        raise ScenarioError(f"--scheduler needs Dask: {EXTRA}") from None
    return distributed


@contextlib.contextmanager
def client(address: str) -> Iterator:
    """A Dask client on ``address`` (``local``: a LocalCluster sized to the machine).

    Raises
    ------
    ScenarioError
        When Dask is missing, or the scheduler does not answer within 5 s.
    """
    distributed = _distributed()
    if address == "local":
        workers = max(1, os.cpu_count() or 1)
        with (
            distributed.LocalCluster(
                n_workers=workers, threads_per_worker=1, dashboard_address=None, processes=True
            ) as cluster,
            distributed.Client(cluster) as c,
        ):
            yield c
        return
    try:
        c = distributed.Client(address, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ScenarioError(
            f"cannot reach the Dask scheduler at {address!r} ({exc}); "
            "give tcp://HOST:PORT of a running scheduler, or --scheduler local"
        ) from None
    try:
        yield c
    finally:
        c.close()


def dask_mapper(c):
    """A mapper (see ``analysis.uncertainty.Mapper``) that runs the chunks on client ``c``."""

    def mapper(task, shared, parts, progress=None):
        distributed = _distributed()
        if not parts:
            return []
        # The compiled graph goes once. A fresh key each time (hash=False): scattering
        # the same data again under its old key, while the first is being released,
        # can wait for ever.
        scattered = c.scatter(shared, broadcast=True, hash=False)
        futures = c.map(task, [scattered] * len(parts), parts, pure=False)
        position = {f.key: i for i, f in enumerate(futures)}
        out = [None] * len(parts)
        for future in distributed.as_completed(futures):
            i = position[future.key]
            out[i] = future.result()
            if progress is not None:
                progress(len(parts[i]))
        return out

    return mapper
