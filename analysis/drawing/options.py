"""What a dependency diagram shows and how it is laid out, as one typed value.

``plot_graph``, ``plot_scenario``, ``draw``, ``draw_file`` and
``select_subgraph`` all take a ``DiagramOptions`` (or its fields as keywords),
so the list of diagram options is written here once and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

LABEL_WIDTH = 24  # characters per label line before wrapping


@dataclass(frozen=True)
class DiagramOptions:
    """The choices behind a dependency diagram (or a graph file cut from the graph).

    Attributes
    ----------
    focus : str, optional
        Show only what lies within ``depth`` steps upstream and downstream of
        this node (id or display name, any case).
    depth : int
        Steps from ``focus`` (default 2).
    kinds : tuple of str, optional
        Show only nodes of these kinds (an empty list means every kind).
    method : {"barycenter", "dot"}
        Where the order within each column comes from (``"dot"`` needs Graphviz).
    label_width : int
        Characters per label line before wrapping.
    colour : {"point", "p50", "p95"}
        What a scenario's node colours show: the steady shortfall at the
        values (default), or its median or 95th percentile over the samples
        of a sampled result (``run_uncertain(..., samples=N)``).

    Examples
    --------
    >>> opts = DiagramOptions(focus="gallium", depth=1, kinds=["mineral"])
    >>> opts.kinds
    ('mineral',)
    >>> DiagramOptions.of(opts, depth=3).depth
    3
    """

    focus: str | None = None
    depth: int = 2
    kinds: tuple[str, ...] | None = None
    method: str = "barycenter"
    label_width: int = LABEL_WIDTH
    colour: str = "point"

    def __post_init__(self) -> None:
        # A list from a caller or click's empty tuple: store a hashable tuple, or None.
        kinds = tuple(self.kinds) if self.kinds else None
        object.__setattr__(self, "kinds", kinds)

    @classmethod
    def of(cls, options: DiagramOptions | None = None, **changes: Any) -> DiagramOptions:
        """``options`` (default: all defaults) with ``changes`` applied.

        The plotting functions accept the fields as keywords too; this is
        where those keywords become one value. An unknown keyword is an error
        that names the known ones.

        Examples
        --------
        >>> DiagramOptions.of(None, focus="gallium").focus
        'gallium'
        """
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(changes) - known)
        if unknown:
            names = ", ".join(sorted(known))
            raise TypeError(f"unknown diagram option {unknown[0]!r}; the options are: {names}")
        base = options if options is not None else cls()
        return replace(base, **changes) if changes else base
