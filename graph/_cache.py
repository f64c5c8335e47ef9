"""A cache of the bundled dataset's graph, so that the command line starts fast.

Parsing and checking the bundled YAML takes longer than the rest of a
``chokegraph what-if`` together, and needs pydantic and PyYAML besides. So
the first load of the bundled dataset writes the built graph, pickled, to
``$XDG_CACHE_HOME/chokegraph`` (``~/.cache/chokegraph`` by default), and later
loads read it back when nothing it depends on has changed.

The file starts with a key: a hash of everything the graph depends on, the
data files (names and bytes), the folder they are in (it appears in every
``where``), the code of the ``graph`` package, chokegraph's, networkx's and
Python's versions. A change to any of them changes the key, so a stale graph
is never read; a cache that cannot be written or read is ignored. Set
``CHOKEGRAPH_NO_CACHE=1`` to do without it.

The file is read with ``pickle``: it lives in the user's own cache folder,
and whoever can write there can already run code as the user.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.errors import ChokegraphError
from graph.files import write_atomic

if TYPE_CHECKING:
    import networkx as nx

FORMAT = 1  # bump when the layout of the cache changes


def cache_folder() -> Path:
    """Return the folder of chokegraph's cache (it may not exist yet).

    Examples
    --------
    >>> cache_folder().name
    'chokegraph'
    """
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "chokegraph"


def enabled() -> bool:
    """Whether the cache is in use (``CHOKEGRAPH_NO_CACHE`` unset or empty or 0)."""
    return os.environ.get("CHOKEGRAPH_NO_CACHE", "") in ("", "0")


def _code_fingerprint() -> bytes:
    """The bytes of the ``graph`` package's modules: what builds the graph."""
    h = hashlib.sha256()
    for module in sorted(Path(__file__).resolve().parent.glob("*.py")):
        h.update(module.name.encode() + b"\0" + module.read_bytes())
    return h.digest()


def cache_key(root: Path, data_hash: str, version: str) -> str:
    """What the graph of the dataset in ``root`` depends on, as one hash."""
    import networkx as nx

    h = hashlib.sha256()
    for part in (str(FORMAT), str(root), data_hash, version, nx.__version__, sys.version):
        h.update(part.encode("utf-8") + b"\0")
    h.update(_code_fingerprint())
    return h.hexdigest()


def cache_path() -> Path:
    """The cache file. It holds one graph: two installs used in turn replace each other's."""
    return cache_folder() / "bundled.pickle"


def read(key: str) -> nx.MultiDiGraph | None:
    """The cached graph if it was written under ``key``, else None."""
    try:
        raw = cache_path().read_bytes()
    except OSError:
        return None
    # The key comes first, on a line of its own, so that a stale file is
    # recognised without unpickling it.
    stored, _, body = raw.partition(b"\n")
    if stored != key.encode("ascii"):
        return None
    try:
        G: Any = pickle.loads(body)
    except Exception:  # a truncated or damaged file: build the graph afresh
        return None
    import networkx as nx

    return G if isinstance(G, nx.MultiDiGraph) else None


def write(key: str, G: nx.MultiDiGraph) -> None:
    """Cache ``G`` under ``key``, atomically; never fail."""
    path = cache_path()
    try:
        body = pickle.dumps(G, protocol=pickle.HIGHEST_PROTOCOL)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, key.encode("ascii") + b"\n" + body)
    except (OSError, ChokegraphError, pickle.PicklingError):
        pass  # a read-only home or a full disk: the cache is only a shortcut
