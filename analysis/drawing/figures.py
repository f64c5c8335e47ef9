"""The matplotlib plumbing every plot shares: pyplot on demand, one figure-or-axes helper.

matplotlib is imported inside these functions, never at module level, so
that importing the drawing package (and ``chokegraph what-if``) stays fast.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analysis.drawing.style import HEAT_STOPS, SHORTFALL_STOPS


def pyplot() -> Any:
    """``matplotlib.pyplot``, imported on first use."""
    import matplotlib.pyplot as plt

    return plt


def shortfall_cmap() -> Any:
    """The colour map of shortfall (0 to 1), from the stops in ``style.SHORTFALL_STOPS``."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("shortfall", SHORTFALL_STOPS)


def heat_cmap() -> Any:
    """The colour map of the exposure heatmap (white at 0), from ``style.HEAT_STOPS``."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("exposure", HEAT_STOPS)


def fig_ax(
    ax: Any,
    figsize: tuple[float, float],
    *,
    rect: tuple[float, float, float, float] | None = None,
    margins: Mapping[str, float] | None = None,
    layout: str | None = None,
) -> tuple[Any, Any]:
    """The figure and Axes to draw into: ``ax`` and its figure, or a new figure of ``figsize``.

    A new figure gets one Axes, placed at ``rect`` (figure fractions) when
    given, else filling it within ``margins`` (``subplots_adjust`` keywords),
    with the matplotlib ``layout`` engine when given. A given ``ax`` is used
    as it is: its caller has chosen its size.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig, ax = fig_ax(None, (4, 3))
    >>> fig_ax(ax, (8, 8)) == (fig, ax)
    True
    """
    if ax is not None:
        return ax.figure, ax
    plt = pyplot()
    if rect is not None:
        fig = plt.figure(figsize=figsize)
        return fig, fig.add_axes(rect)
    fig, ax = plt.subplots(figsize=figsize, layout=layout)
    if margins:
        fig.subplots_adjust(**margins)
    return fig, ax
