"""Import a multi-regional input-output system (pymrio) as a region-sector graph.

pymrio reads EXIOBASE, WIOD, EORA, OECD ICIO and GLORIA tables into one
shape: the flows ``Z`` between region-sectors (rows supply, columns use) and
final demand ``Y``. ``import_mrio`` turns such a system into a dataset:

- one country node per region, and one ``industry`` node per region and
  sector (``reg1-food``), located in its region, whose output commodity is
  its sector (``food``) and whose ``value`` is its gross output
  ``x = Z 1 + Y 1`` (in the table's unit, e.g. million EUR);
- for each consumer v and product c, one supplies edge per region r that
  sells it c, with share ``Z[(r, c), v] / sum_r Z[(r, c), v]``: the share of
  v's use of c that comes from r;
- the input's ``dependence``: by default v's cost share of c, the technical
  coefficients summed over regions, ``sum_r A[(r, c), v]`` with
  ``A = Z / x``. Then the first-order loss of v when one supplier u goes
  (``dependence * share``) is exactly its technical coefficient ``A[u, v]``.
  With ``dependence="critical:T"`` an input whose cost share is above T
  counts as fully needed (1); the others keep their cost share.

Self-supply (a sector using its own output, the diagonal of ``Z``) cannot be
a self-loop, which the data format forbids, yet must not fall into the
unmodelled rest (which never fails): it is kept as an explicit input through
a node ``<id>-own`` (kind ``component``, in the same region), supplied by the
sector and supplying it back with the diagonal's share.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.errors import ChokegraphError
from graph.importers.common import Imported, Skipped

__all__ = ["import_mrio", "load_system", "parse_dependence", "system_tables"]

_INSTALL = 'pip install "chokegraph[mrio]"'


def _pymrio():
    try:
        import pymrio
    except ImportError as exc:
        raise ChokegraphError(
            f"importing an MRIO system needs pymrio, which is not installed: {_INSTALL}"
        ) from exc
    return pymrio


def load_system(path: str | os.PathLike | None = None, *, test_system: bool = False) -> Any:
    """A pymrio system: its bundled test system, or one saved in a folder (``IOSystem.save``).

    Raises
    ------
    ChokegraphError
        Without pymrio (naming the extra), or when the folder holds no system.
    """
    pymrio = _pymrio()
    if test_system:
        if path is not None:
            raise ChokegraphError("give a PATH or --test-system, not both")
        return pymrio.load_test()
    if path is None:
        raise ChokegraphError("give the folder of a pymrio system, or --test-system")
    folder = Path(path)
    if not folder.exists():
        raise ChokegraphError(f"no such folder or file: {folder}")
    _check_regular(folder)
    try:
        return pymrio.load_all(folder)
    except Exception as exc:  # pymrio raises many kinds; all mean "not a saved system"
        raise ChokegraphError(
            f"{folder}: not a pymrio system (a folder written by IOSystem.save_all, with "
            f"Z and Y): {exc}"
        ) from exc


def _check_regular(folder: Path) -> None:
    """Refuse a saved system holding a pipe or a device, which pymrio would read for ever."""
    from graph.files import regular_input

    if not folder.is_dir():
        regular_input(folder)  # a zip archive of a system
        return
    for file in sorted(folder.rglob("*")):
        if not file.is_dir():
            regular_input(file)


def parse_dependence(text: str) -> float | None:
    """``cost-share`` -> None; ``critical:T`` -> T (0 <= T <= 1).

    Examples
    --------
    >>> parse_dependence("cost-share"), parse_dependence("critical:0.05")
    (None, 0.05)
    """
    if text in ("cost-share", "cost_share"):
        return None
    found = re.fullmatch(r"critical:([0-9.eE+-]+)", text.strip())
    if found:
        try:
            threshold = float(found.group(1))
        except ValueError:
            threshold = -1.0
        if 0 <= threshold <= 1:
            return threshold
    raise ChokegraphError(
        f"--dependence {text!r}: give cost-share (the default) or critical:THRESHOLD "
        "with a cost share between 0 and 1 (critical:0.05)"
    )


def system_tables(io: Any) -> tuple[Any, Any]:
    """The flows Z (numpy) and gross output x of a pymrio system, with Z's index.

    ``x = Z 1 + Y 1`` (``pymrio.calc_x``), computed here so that no Leontief
    inverse is needed.
    """
    if io.Z is None or io.Y is None:
        if getattr(io, "A", None) is not None and getattr(io, "x", None) is not None:
            io.calc_system()  # a system saved as coefficients: flows from A and x
        else:
            raise ChokegraphError("the MRIO system has no flows Z and final demand Y")
    Z = io.Z.to_numpy(dtype=float)
    x = Z.sum(axis=1) + io.Y.to_numpy(dtype=float).sum(axis=1)
    return Z, x, io.Z.index


def _slug(text: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "x"


def import_mrio(
    path: str | os.PathLike | None = None,
    *,
    test_system: bool = False,
    dependence: str = "cost-share",
    min_coefficient: float = 0.0,
    system: Any = None,
) -> Imported:
    """A pymrio system as a chokegraph dataset (one industry node per region and sector).

    Parameters
    ----------
    path : path, optional
        A folder holding a saved pymrio system.
    test_system : bool
        Use pymrio's bundled test system (6 regions x 8 sectors).
    dependence : str
        ``cost-share`` (default) or ``critical:THRESHOLD``.
    min_coefficient : float
        Keep only flows whose technical coefficient ``A[u, v]`` is at least
        this (default 0: every flow). A dropped flow stays in the consumer's
        use (its share is not given to the others): it becomes unmodelled
        supply, which the model takes as unaffected. For EXIOBASE-sized
        systems, whose ~10^8 flows no graph in memory holds.
    system : pymrio.IOSystem, optional
        A system already in memory (instead of ``path``).

    Returns
    -------
    Imported

    Examples
    --------
    >>> imported = import_mrio(test_system=True)  # doctest: +SKIP
    >>> len(imported.nodes("industry"))  # doctest: +SKIP
    48
    """
    threshold = parse_dependence(dependence)
    if not 0 <= min_coefficient < 1:
        raise ChokegraphError(f"--min-coefficient {min_coefficient:g}: give a number in [0, 1)")
    io = system if system is not None else load_system(path, test_system=test_system)
    Z, x, index = system_tables(io)
    regions, sectors, ids = _region_sectors(index)
    flows = _Flows.of(Z, x, sectors, threshold, min_coefficient)
    edges, own = _mrio_edges(ids, flows)
    nodes = [
        {"id": r, "kind": "country", "name": str(name)}
        for r, name in dict(zip(regions, [r for r, _ in index], strict=True)).items()
    ]
    nodes += [
        {"id": f"{ids[j]}-own", "kind": "component", "country": regions[j],
         "commodity": sectors[j], "name": f"{ids[j]}: own use of its output"}
        for j in own
    ]  # fmt: skip
    nodes += _industry_nodes(index, regions, sectors, ids, x, flows)
    skipped = [
        Skipped("Z", 0, "zero", f"{ids[j]}: gross output 0 (no inputs kept)") for j in flows.dead()
    ]
    how = "cost shares" if threshold is None else f"critical above a cost share of {threshold:g}"
    info = [f"value: gross output in {_unit(io)}", f"dependence: {how}"]
    if min_coefficient > 0:
        info.append(
            f"flows with a technical coefficient below {min_coefficient:g} left unmodelled: "
            f"{flows.dropped():,}"
        )
    return Imported(
        data={"sources": [], "nodes": nodes, "edges": edges},
        skipped=skipped,
        description=f"MRIO system {getattr(io, 'name', '') or ''} ({len(ids)} region-sectors)",
        info=info,
        skipped_label="region-sectors left out",
    )


def _region_sectors(index: Any) -> tuple[list[str], list[str], list[str]]:
    """The region and sector slugs of each row of Z, and its node id ``region-sector``."""
    regions = [_slug(r) for r, _ in index]
    sectors = [_slug(s) for _, s in index]
    ids = [f"{r}-{s}" for r, s in zip(regions, sectors, strict=True)]
    if len(set(ids)) != len(ids):
        raise ChokegraphError("region-sector names collide once made ids; rename them first")
    return regions, sectors, ids


@dataclass(frozen=True)
class _Flows:
    """What the dataset is made of: each region-sector's use of each product, and the flows kept.

    ``use[c, v]`` is v's use of product c from all regions, ``dep[c, v]`` the
    dependence on it (its cost share, or 1 above the critical threshold),
    ``keep[u, v]`` whether the flow u -> v becomes an edge.
    """

    Zp: Any  # the flows, negative ones as 0
    live: Any  # gross output > 0
    products: Any
    product_of: Any
    use: Any
    dep: Any
    keep: Any

    @classmethod
    def of(cls, Z: Any, x: Any, sectors: list[str], threshold: float | None, minimum: float):
        import numpy as np

        products, product_of = np.unique(np.array(sectors), return_inverse=True)
        n = len(sectors)
        live = x > 0
        safe_x = np.where(live, x, 1.0)
        onehot = np.zeros((len(products), n))
        onehot[product_of, np.arange(n)] = 1.0
        Zp = np.where(Z > 0, Z, 0.0)
        use = onehot @ Zp
        cost = use / safe_x
        dep = cost if threshold is None else np.where(cost > threshold, 1.0, cost)
        keep = (Zp > 0) & live[None, :] & (Zp / safe_x[None, :] >= minimum)
        return cls(Zp, live, products, product_of, use, dep, keep)

    def dead(self) -> list[int]:
        """The region-sectors with no gross output."""
        import numpy as np

        return np.flatnonzero(~self.live).tolist()

    def dropped(self) -> int:
        """How many flows ``min_coefficient`` left unmodelled."""
        return int(((self.Zp > 0) & self.live[None, :]).sum() - self.keep.sum())


def _mrio_edges(ids: list[str], flows: _Flows) -> tuple[list[dict], list[int]]:
    """The supplies edges (own use through a ``-own`` node), and the sectors that use their own."""
    import numpy as np

    rows, cols = np.nonzero(flows.keep.T)  # grouped by consumer
    v_idx, u_idx = rows, cols
    shares = flows.Zp[u_idx, v_idx] / flows.use[flows.product_of[u_idx], v_idx]
    edges = [
        {"from": ids[u] if u != v else f"{ids[v]}-own", "to": ids[v], "share": float(s)}
        for u, v, s in zip(u_idx.tolist(), v_idx.tolist(), shares.tolist(), strict=True)
    ]
    own = sorted(set(u_idx[u_idx == v_idx].tolist()))
    edges += [{"from": ids[j], "to": f"{ids[j]}-own", "share": 1.0} for j in own]
    return edges, own


def _industry_nodes(
    index: Any, regions: list[str], sectors: list[str], ids: list[str], x: Any, flows: _Flows
) -> list[dict]:
    """One industry node per region-sector: its gross output, and its inputs by product."""
    import numpy as np

    nodes = []
    for j in range(len(ids)):
        node = {
            "id": ids[j],
            "kind": "industry",
            "name": f"{index[j][0]} {index[j][1]}",
            "country": regions[j],
            "commodity": sectors[j],
            "value": float(max(x[j], 0.0)),
        }
        used = np.flatnonzero(flows.use[:, j] > 0) if flows.live[j] else []
        inputs = {
            str(flows.products[c]): {"dependence": min(float(flows.dep[c, j]), 1.0)} for c in used
        }
        if inputs:
            node["inputs"] = inputs
        nodes.append(node)
    return nodes


def _unit(io: Any) -> str:
    unit = getattr(io, "unit", None)
    try:
        values = sorted({str(u) for u in unit.to_numpy().ravel()}) if unit is not None else []
    except AttributeError:
        values = [str(unit)]
    return ", ".join(values) or "the table's unit"
