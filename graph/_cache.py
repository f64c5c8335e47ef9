"""A cache of the bundled dataset's graph, so that the command line starts fast.

Parsing and checking the bundled YAML takes longer than the rest of a
``chokegraph what-if`` together, and needs pydantic and PyYAML besides. So
the first load of the bundled dataset writes the built graph, as JSON, to
``$XDG_CACHE_HOME/chokegraph`` (``~/.cache/chokegraph`` by default), and later
loads read it back when nothing it depends on has changed.

The file is JSON, never pickle, so a planted file cannot run code. It
starts with a key: a hash of everything the graph depends on, the data files
(names and bytes), the folder they are in (it appears in every ``where``),
the code of the ``graph`` package, chokegraph's, networkx's and Python's
versions. A change to any of them changes the key, so a stale graph is never
read. The second line is the sha256 of the body, checked on every read, so a
damaged or truncated file is detected. The folder is created private (0700)
and the file 0600, whatever the umask; a cache file or folder that is not
the user's own or that others may write is not read, since its content could
be anyone's. Any mismatch means a fresh load (and a new cache file); a cache
that cannot be written or read is ignored. Set ``CHOKEGRAPH_NO_CACHE=1`` to
do without it.

Only plain values are stored (text, numbers, true/false, null, lists, tuples
and mappings with text keys), tagged so that a tuple comes back a tuple; a
file holding anything else is not read.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph.errors import ChokegraphError
from graph.files import read_regular
from graph.lazy import LazyGraph

if TYPE_CHECKING:
    import networkx as nx

FORMAT = 2  # bump when the layout of the cache changes


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
    # networkx's version from its metadata: importing it would cost more than
    # the rest of a cached what-if.
    from importlib.metadata import version as installed

    h = hashlib.sha256()
    for part in (str(FORMAT), str(root), data_hash, version, installed("networkx"), sys.version):
        h.update(part.encode("utf-8") + b"\0")
    h.update(_code_fingerprint())
    return h.hexdigest()


def cache_path() -> Path:
    """The cache file. It holds one graph: two installs used in turn replace each other's."""
    return cache_folder() / "bundled.json"


class _Bad(ValueError):
    """The cache file holds something a graph written here never holds."""


def _encode(value: Any) -> Any:
    """A plain value as JSON, tagged: lists, tuples and mappings are one-key objects."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, list):
        return {"l": [_encode(v) for v in value]}
    if isinstance(value, tuple):
        return {"t": [_encode(v) for v in value]}
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {"d": {k: _encode(v) for k, v in value.items()}}
    raise _Bad(f"cannot cache a {type(value).__name__}")


def _decode(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, dict) and len(value) == 1:
        [(tag, inner)] = value.items()
        if tag in ("l", "t") and isinstance(inner, list):
            items = [_decode(v) for v in inner]
            return items if tag == "l" else tuple(items)
        if tag == "d" and isinstance(inner, dict):
            return {k: _decode(v) for k, v in inner.items()}
    raise _Bad("not a value this cache writes")


def _to_json(G: nx.MultiDiGraph) -> bytes:
    body = {
        "graph": _encode(dict(G.graph)),
        "nodes": [[n, _encode(d)] for n, d in G.nodes(data=True)],
        "edges": [[u, v, k, _encode(d)] for u, v, k, d in G.edges(keys=True, data=True)],
    }
    return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _from_json(body: bytes) -> LazyGraph:
    data = json.loads(body)
    graph_attrs = _decode(data["graph"])
    if not isinstance(graph_attrs, dict):
        raise _Bad("graph attributes")
    node: dict = {}
    for n, d in data["nodes"]:
        attrs = _decode(d)
        if not isinstance(n, str) or not isinstance(attrs, dict):
            raise _Bad("node")
        node[n] = attrs
    succ: dict = {}
    for u, v, k, d in data["edges"]:
        attrs = _decode(d)
        if not all(isinstance(x, str) for x in (u, v, k)) or not isinstance(attrs, dict):
            raise _Bad("edge")
        if u not in node or v not in node:
            raise _Bad("edge to an unknown node")
        succ.setdefault(u, {}).setdefault(v, {})[k] = attrs
    return LazyGraph(node, succ, graph_attrs)


def _private(st: os.stat_result) -> bool:
    """Whether a cache file or folder is the user's own and nobody else may write it."""
    own = not hasattr(os, "getuid") or st.st_uid == os.getuid()
    return own and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def read(key: str) -> LazyGraph | None:
    """The cached graph if it was written under ``key`` and is intact, else None.

    It comes as a ``graph.lazy.LazyGraph``: networkx is imported only if
    something asks for more than a what-if reads (``to_networkx()``).
    """
    path = cache_path()
    try:
        if not (_private(os.stat(path.parent)) and _private(os.lstat(path))):
            return None
        raw = read_regular(path)
    except (OSError, ChokegraphError):
        return None
    # The key comes first, on a line of its own, so that a stale file is
    # recognised without reading the rest; then the hash of the body.
    stored, _, rest = raw.partition(b"\n")
    digest, _, body = rest.partition(b"\n")
    if stored != key.encode("ascii") or digest != hashlib.sha256(body).hexdigest().encode():
        return None
    try:
        return _from_json(body)
    except (ValueError, TypeError, KeyError, RecursionError):  # damaged: build afresh
        return None


def write(key: str, G: nx.MultiDiGraph) -> None:
    """Cache ``G`` under ``key``, atomically and privately; never fail."""
    import tempfile

    path = cache_path()
    try:
        body = _to_json(G)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)  # mkdir's mode is cut by the umask
        digest = hashlib.sha256(body).hexdigest().encode()
        fd, tmp = tempfile.mkstemp(prefix=".bundled.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:  # mkstemp makes it 0600
                fh.write(key.encode("ascii") + b"\n" + digest + b"\n" + body)
            os.replace(tmp, path)
        finally:
            Path(tmp).unlink(missing_ok=True)
    except (OSError, _Bad, ValueError):
        pass  # a read-only home or a full disk: the cache is only a shortcut
