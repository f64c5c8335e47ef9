"""Load a dataset: find its files, read and merge them, validate, build the graph.

A dataset is one YAML file, or a folder. In a folder every ``*.yaml`` and
``*.yml`` file is read, recursively and in sorted order of relative path;
folders named ``scenarios`` and hidden files and folders are skipped. A
folder that holds ``nodes.csv`` or ``nodes.parquet`` at its top level is the
tabular form (see ``graph.tables``); its tables come first, then any YAML
files in it. All files merge into one graph.

An empty YAML file (or one of only comments) is an empty dataset, not an
error; a folder with no data files at all is an error. Only regular files
are read (links are followed), each at most ``graph.files.max_read_bytes()``
(64 MB; ``CHOKEGRAPH_MAX_FILE_MB`` raises it): a data file that is a pipe, a
device or a folder, too large, or whose name is not UTF-8, is an error.

The graph records where it came from in ``G.graph``: ``path`` (as given,
or the bundled folder), ``hash`` (sha256 over the sorted relative file names
and their bytes), ``version`` (of chokegraph) and ``loaded_at`` (ISO 8601,
UTC).

Each step lives in its own module: ``graph.yaml_records`` reads a YAML
file's records and ``graph.tables`` a folder of tables, into one row
container; ``graph.validate`` checks it and ``graph.build`` makes the graph.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph._paths import bundled_path
from graph.errors import ChokegraphError, DataError
from graph.files import not_regular, read_regular, shown_name
from graph.memory import no_cyclic_gc

# Reading and checking need pydantic and PyYAML; they are imported where they
# are used, so that a graph read from the cache (graph._cache) needs neither.
if TYPE_CHECKING:
    import networkx as nx

    from graph.records import Dataset

YAML_SUFFIXES = (".yaml", ".yml")
TABLE_SUFFIXES = (".csv", ".parquet")
#: From this many edges on, a lazy load of tables freezes the heap (``gc.freeze``).
FREEZE_FROM = 100_000


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("chokegraph")
    except Exception:  # not installed: a source tree on sys.path
        return "0+unknown"


def dataset_files(path: str | os.PathLike) -> tuple[list[Path], Path | None]:
    """Return the YAML files of a dataset, and its tables folder (or None).

    Parameters
    ----------
    path : str or path-like
        A YAML file or a folder.

    Raises
    ------
    ChokegraphError
        When the path does not exist or holds no data files.

    Examples
    --------
    >>> import graph
    >>> files, tables = dataset_files(graph.bundled_path())
    >>> all(f.suffix in (".yaml", ".yml") for f in files), tables
    (True, None)
    """
    root = Path(path)
    _check_name(root, root)
    if not root.exists():
        raise ChokegraphError(f"{shown_name(path)} does not exist")
    what = not_regular(root.stat().st_mode)
    if what is not None and what != "a folder":
        raise ChokegraphError(f"cannot read {shown_name(path)}: it is {what}, not a regular file")
    if root.is_file():
        if root.suffix.lower() in TABLE_SUFFIXES:
            raise ChokegraphError(
                f"{path} is a table: give the folder that holds nodes{root.suffix} "
                f"and edges{root.suffix}"
            )
        return [root], None
    files = []

    def unreadable(exc: OSError) -> None:
        raise ChokegraphError(f"cannot read {exc.filename}: {exc.strerror or exc}") from exc

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        dirnames[:] = [d for d in dirnames if d != "scenarios" and not d.startswith(".")]
        for name in filenames:
            if name.lower().endswith(YAML_SUFFIXES) and not name.startswith("."):
                files.append(Path(dirpath) / name)
                _check_name(files[-1], root)
    files.sort(key=lambda f: f.relative_to(root).as_posix())
    # exists(), not is_file(): a nodes table that is a pipe or a device is an error, not ignored.
    tables = root if any((root / f"nodes{s}").exists() for s in TABLE_SUFFIXES) else None
    if not files and tables is None:
        raise ChokegraphError(
            f"{path} holds no dataset files: expected *.yaml or *.yml files, "
            "or nodes.csv and edges.csv (or .parquet)"
        )
    return files, tables


def _check_name(path: Path, root: Path) -> None:
    """Refuse a file name that is not UTF-8: it could not be shown in any message."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise ChokegraphError(
            f"cannot read {shown_name(path)}: its name is not UTF-8 text; rename it"
        ) from None


def load(path: str | os.PathLike | None = None, *, lazy: bool = False) -> nx.MultiDiGraph:
    """Load a dataset (the bundled one by default) as a validated graph.

    Parameters
    ----------
    path : str or path-like, optional
        A YAML file, a folder of YAML files, or a folder of tables. Default:
        ``graph.bundled_path()``.
    lazy : bool
        Allow a ``graph.lazy.LazyGraph`` in place of the ``MultiDiGraph``
        where that saves time: the bundled dataset read from its cache (no
        networkx import), and a dataset of tables, whose edges then stay
        columns that ``analysis.compiled.compile_graph`` reads directly
        (``graph.lazy.TableGraph``). The same rules are checked, with the
        same messages. The command line asks for it; the graph answers
        everything a ``MultiDiGraph`` does, building one on first need. A
        lazy load of tables of ``FREEZE_FROM`` edges or more also calls
        ``gc.freeze()``: it is meant for a process that keeps its one
        dataset to the end.

    Returns
    -------
    networkx.MultiDiGraph
        With the attributes described in the ``graph`` package docstring.

    Raises
    ------
    DataError
        Listing every problem of the dataset, each located by file, line and column.
    ChokegraphError
        When the path does not exist or holds no data files.

    Examples
    --------
    >>> import graph
    >>> G = graph.load()
    >>> G.graph["hash"] == graph.load().graph["hash"]
    True
    """
    root = bundled_path() if path is None else Path(path)
    files, tables_folder = dataset_files(root)
    cache_key = None
    if path is None and tables_folder is None:
        from graph import _cache

        if _cache.enabled():
            cache_key = _cache.cache_key(root, _hash(_read_all(root, files)), _version())
            cached = _cache.read(cache_key)
            if cached is not None:
                cached.graph["loaded_at"] = _now()
                return cached if lazy else cached.to_networkx()
    with no_cyclic_gc():
        # A dataset of tables, asked for lazily: its edges stay columns (no networkx).
        G, hashed = _load_files(root, files, tables_folder, lazy=lazy and tables_folder is not None)
    G.graph.update(path=str(root), hash=_hash(hashed), version=_version(), loaded_at=_now())
    if cache_key is not None:
        _cache.write(cache_key, G)
    if lazy and tables_folder is not None and G.number_of_edges() >= FREEZE_FROM:
        # The loaded rows and nodes live as long as the command: moved out of
        # the collector's sight, its full passes (during the answer and its
        # output) no longer walk millions of objects that cannot be garbage.
        import gc

        gc.freeze()
    return G


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _read_all(root: Path, files: list[Path]) -> list[tuple[str, bytes]]:
    """Every file's name (relative to ``root``) and bytes, as hashed into ``G.graph["hash"]``."""
    out = []
    for f in files:
        rel = f.name if f == root else f.relative_to(root).as_posix()
        out.append((rel, read_regular(f)))
    return out


def _load_files(
    root: Path, files: list[Path], tables_folder: Path | None, *, lazy: bool = False
) -> tuple[nx.MultiDiGraph, list[tuple[str, bytes]]]:
    from graph.records import Dataset
    from graph.yaml_records import read_yaml

    shown = str(root)
    ds = Dataset()
    hashed: list[tuple[str, bytes]] = []
    if tables_folder is not None:
        from graph.tables import read_tables

        hashed.extend(read_tables(tables_folder, ds, shown=shown))
    for f in files:
        rel = f.name if f == root else f.relative_to(root).as_posix()
        display = shown if f == root else str(Path(shown) / rel)
        raw = read_regular(f, shown=display)
        hashed.append((rel, raw))
        read_yaml(raw, display, ds)
    return _finish(ds, lazy=lazy), hashed


def from_dict(data: Mapping[str, Any], *, path: str = "<memory>") -> nx.MultiDiGraph:
    """Validate and build a graph from one in-memory dataset mapping.

    ``data`` has the shape of a YAML file (keys sources, groups, nodes,
    edges). Problems name ``path`` with line and column 0, since there is no
    file; ``G.graph["hash"]`` is the sha256 of the data as canonical JSON.

    Examples
    --------
    >>> import graph
    >>> G = graph.from_dict({
    ...     "nodes": [{"id": "chn", "kind": "country"}, {"id": "gallium", "kind": "mineral"}],
    ...     "edges": [{"from": "chn", "to": "gallium", "share": 0.98}],
    ... })
    >>> G.edges["chn", "gallium", "gallium"]["share"]
    0.98
    """
    from graph.records import Dataset
    from graph.yaml_records import add_document

    data = _plain(data)
    ds = Dataset()
    with no_cyclic_gc():
        add_document(ds, data, path, None)
        G = _finish(ds)
    canonical = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    G.graph.update(
        path=path,
        hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        version=_version(),
        loaded_at=_now(),
    )
    return G


def _plain(obj: Any) -> Any:
    """Tuples to lists and mappings to dicts, as YAML would give them."""
    if isinstance(obj, Mapping):
        return {k: _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    return obj


#: The messages of the rules across files that a reference to a missing record
#: gives (graph/validate.py): knock-on errors when a file could not be read.
_KNOCK_ON = (" names no node", " is not in sources", "is not a commodity of the dataset")


def _unread(ds: Dataset) -> bool:
    """Whether a file of ``ds`` could not be read at all (not UTF-8, not YAML, not a table).

    Such a file adds one problem and no rows.
    """
    read = {
        getattr(locator, "path", None)
        for columns in (ds.sources, ds.groups, ds.nodes, ds.edges)
        for locator in columns.locators
    }
    return any(p.path not in read for p in ds.problems)


def _finish(ds: Dataset, *, lazy: bool = False) -> nx.MultiDiGraph:
    from graph.build import build, build_lazy
    from graph.validate import check

    unread = _unread(ds)
    problems, resolved = check(ds)
    if unread:
        # The root cause first: with a file unread, every reference to one of
        # its rows ("from 'x' names no node") is a knock-on error, left out
        # until the file can be read; every other problem is still reported.
        problems = [p for p in problems if not any(k in p.message for k in _KNOCK_ON)]
    if problems:
        raise DataError(problems)
    return (build_lazy if lazy else build)(ds, resolved)


def _hash(files: list[tuple[str, bytes]]) -> str:
    h = hashlib.sha256()
    for name, raw in sorted(files):
        h.update(name.encode("utf-8") + b"\0" + str(len(raw)).encode() + b"\0")
        h.update(raw)
    return h.hexdigest()
