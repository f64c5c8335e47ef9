"""Resolve the names people type to the ids of a dataset."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from graph.errors import UnknownNameError

if TYPE_CHECKING:
    import networkx as nx


def did_you_mean(name: Any, candidates: Iterable[str], *, n: int = 3) -> str:
    """Return `` (did you mean 'x'?)`` for the closest candidates, or ``""``.

    The closest by spelling come first (difflib); then, for a name of three
    letters or more, the candidates that start with it, then those that
    contain it, shortest first: an imported dataset's long ids
    (``antimony-mine-production-antimony-content``) are found by a word.

    Examples
    --------
    >>> did_you_mean("galium", ["gallium", "tin"])
    " (did you mean 'gallium'?)"
    >>> did_you_mean("antimony", ["antimony-mine-production-antimony-content", "tin"])
    " (did you mean 'antimony-mine-production-antimony-content'?)"
    """
    if not isinstance(name, str):
        return ""
    pool = list(dict.fromkeys(candidates))
    close = difflib.get_close_matches(name, pool, n=n, cutoff=0.6)
    if len(name) >= 3:
        wanted = name.lower()
        starts = sorted(
            (c for c in pool if c.lower().startswith(wanted)), key=lambda c: (len(c), c)
        )
        within = sorted((c for c in pool if wanted in c.lower()), key=lambda c: (len(c), c))
        for c in [*starts, *within]:
            if len(close) >= n:
                break
            if c not in close and c != name:
                close.append(c)
    return " (did you mean " + " or ".join(repr(c) for c in close) + "?)" if close else ""


def name_key(text: Any) -> str:
    """How names are compared: NFC-normalised, stripped, in lower case.

    ``"Rhône"`` typed with a combining accent (NFD) matches ``"Rhône"`` written
    with the precomposed letter (NFC).

    Examples
    --------
    >>> name_key("Rho\u0302ne ") == name_key("Rh\u00f4ne")
    True
    """
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", str(text)).strip().lower())


def _ambiguous(name: str, kind: str | None, ids: list[str]) -> UnknownNameError:
    what = f"{kind} nodes" if kind else "nodes"
    return UnknownNameError(
        f"{name!r} is the name of {len(ids)} {what} ({', '.join(ids)}): give one of these ids"
    )


def resolve_node(G: nx.MultiDiGraph, name: str, *, kind: str | None = None) -> str:
    """Return the id of the node called ``name`` (its id or display name, any case).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph from ``graph.load``.
    name : str
        What the user typed.
    kind : str, optional
        Only accept nodes of this kind (e.g. ``"country"``).

    Raises
    ------
    UnknownNameError
        When nothing matches, with the closest names as a suggestion, or
        when the name is the display name of several nodes (listing their ids).

    Examples
    --------
    >>> import graph
    >>> G = graph.load()
    >>> resolve_node(G, "China", kind="country")
    'chn'
    """
    wanted = name_key(name)
    if wanted in G and (kind is None or G.nodes[wanted].get("kind") == kind):
        return wanted
    nodes = [(n, d) for n, d in G.nodes(data=True) if kind is None or d.get("kind") == kind]
    matches = sorted(n for n, d in nodes if name_key(d.get("name") or n) == wanted)
    if len(matches) > 1:
        raise _ambiguous(name, kind, matches)
    if matches:
        return matches[0]
    what = f"{kind} " if kind else "node "
    names = [n for n, _ in nodes] + [str(d.get("name") or n).lower() for n, d in nodes]
    raise UnknownNameError(f"unknown {what}{name!r}{did_you_mean(wanted, names)}")


def resolve_commodity(G: nx.MultiDiGraph, name: str) -> str:
    """Return the commodity, group or ``"all"`` that ``name`` stands for.

    A commodity matches by name, and also by the id or display name of a node
    that outputs it (``"Primary gallium (world supply)"`` means ``gallium``).

    Examples
    --------
    >>> import graph
    >>> G = graph.load()
    >>> resolve_commodity(G, "Gallium")
    'gallium'
    """
    wanted = name_key(name)
    commodities = set(G.graph.get("commodities", ()))
    groups = set(G.graph.get("groups", {}))
    if wanted == "all" or wanted in commodities or wanted in groups:
        return wanted
    if wanted in G and G.nodes[wanted].get("commodity"):
        return G.nodes[wanted]["commodity"]
    found = {
        d["commodity"]: n
        for n, d in sorted(G.nodes(data=True))
        if d.get("commodity") and name_key(d.get("name") or "") == wanted
    }
    if len(found) > 1:
        made = ", ".join(f"{n} makes {c}" for c, n in sorted(found.items()))
        raise UnknownNameError(
            f"{name!r} is the name of nodes making different commodities ({made}): "
            "give the commodity's id"
        )
    if found:
        return next(iter(found))
    names = sorted(commodities | groups | {"all"})
    raise UnknownNameError(f"unknown commodity or group {name!r}{did_you_mean(wanted, names)}")


def expand_commodities(G: nx.MultiDiGraph, names: list[str] | tuple[str, ...]) -> frozenset[str]:
    """Expand group names (and ``all``) to the set of commodities they stand for.

    Examples
    --------
    >>> import graph
    >>> G = graph.load()
    >>> "heavy-rare-earths" in expand_commodities(G, ["rare-earths"])
    True
    """
    groups = G.graph.get("groups", {})
    out: set[str] = set()
    for name in names:
        if name == "all":
            return frozenset(G.graph.get("commodities", ()))
        out.update(groups.get(name, [name]))
    return frozenset(out)
