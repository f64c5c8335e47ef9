"""The result charts, drawn with matplotlib: a timeline, the exposure heatmap, chokepoints.

Each plot function takes the result object whose data it draws, ``ax=``
(draw into an existing Axes) and returns ``(fig, ax)``. Colours and labels
come from ``analysis.drawing.style``; matplotlib is imported inside the
functions.

Examples
--------
>>> import graph, analysis
>>> from analysis.drawing import charts
>>> res = analysis.what_if(graph.load(), [analysis.Restriction("china", ["gallium"])])
>>> fig, ax = charts.plot_timeline(res, top=3)
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import networkx as nx

from analysis.drawing import style as S
from analysis.drawing.figures import fig_ax, heat_cmap
from analysis.drawing.selection import NothingToDraw
from analysis.output import format_usd

if TYPE_CHECKING:
    from analysis.chokepoints import Chokepoints
    from analysis.exposure import Exposure
    from analysis.whatif import WhatIf


# ---------------------------------------------------------------- timeline


def _timeline_nodes(
    result: WhatIf, top: int, focus: str | None = None, depth: int = 2
) -> tuple[list[dict], str]:
    """The ``top`` industries hit hardest (any kind of node when no industry is hit).

    With a ``focus``: the focus node first, then the nodes hit hardest within
    ``depth`` steps of it, of any kind.
    """
    if focus is not None:
        from analysis.drawing.selection import subgraph_around
        from graph.lookup import resolve_node

        focus_id = resolve_node(result.G, focus)
        near = set(subgraph_around(result.G, focus_id, depth))
        first = [r for r in result.records if r["node"] == focus_id]
        rest = [r for r in result.records if r["node"] in near and r["node"] != focus_id]
        name = result.G.nodes[focus_id].get("name") or focus_id
        return (first + rest)[:top], f"nodes around {name}"
    chosen = [r for r in result.records if r["kind"] == "industry"][:top]
    if chosen:
        return chosen, "industries"
    return list(result.records[:top]), "nodes"


def _drawn(what: str, n: int) -> str:
    """``Shortfall of the 3 most affected industries over time``, in the right number."""
    if n == 0:
        return "Nothing is hit"
    if n == 1:  # "industries" -> "industry", "nodes around X" -> "node around X"
        one = what.replace("industries", "industry").replace("nodes", "node", 1)
        return f"Shortfall of the most affected {one} over time (marker: first day hit)"
    return f"Shortfall of the {n} most affected {what} over time (marker: first day hit)"


def _timeline_note(what: str, n: int, shown: tuple[int, int, int], fs: float) -> str:
    """The line (or lines) under a timeline's title: what is drawn, and where it stops."""
    right, last, horizon = shown
    return S.wrap_to_width(
        _drawn(what, n)
        + (f"; no change from day {last} to the horizon, day {horizon}" if right < horizon else ""),
        9.2,
        fs,
    )


def _legend_columns(result: WhatIf, chosen: list[dict]) -> int:
    """Two legend columns under the plot where the labels are short enough, else one."""
    longest = max(
        (len(S.short_label(result.G, r["node"])) + len(_timeline_label(result, r)) for r in chosen),
        default=0,
    )
    return 2 if longest <= 80 else 1


def _timeline_size(
    result: WhatIf, chosen: list[dict], fs: float, note_lines: int = 1
) -> tuple[tuple, dict]:
    """Figure size and margins: the legend goes under the plot, in one or two columns."""
    rows = math.ceil(len(chosen) / _legend_columns(result, chosen))
    dated = result.scenario.day0 is not None  # a second line under each tick: the date
    legend_in = 0.75 + 0.2 * dated + rows * fs * 1.7 / 72
    plot_in = 4.2
    title_lines = S.wrap_to_width(result.title(), 8.6, fs + 3).count("\n") + note_lines
    top_in = 0.4 + title_lines * (fs + 3) * 1.25 / 72
    fig_h = top_in + plot_in + legend_in
    margins = {"left": 0.08, "right": 0.95, "top": 1 - top_in / fig_h, "bottom": legend_in / fig_h}
    return (10, fig_h), margins


def _draw_timeline_lines(ax: Any, result: WhatIf, chosen: list[dict], days: Any) -> None:
    """One step line per node, with a marker and a dotted stem at its day of impact."""
    frame = result.timeline
    for i, r in enumerate(chosen):
        colour = S.LINE_COLOURS[i % len(S.LINE_COLOURS)]
        series = frame[r["node"]].to_numpy()
        label = f"{S.short_label(result.G, r['node'])}: {_timeline_label(result, r)}"
        first = r["days_to_impact"]
        # Colour and dash both differ, so that the lines survive greyscale printing.
        ls = S.LINE_STYLES[i % len(S.LINE_STYLES)]
        # One value per day: a step, not a ramp between days.
        ax.plot(
            days, series, color=colour, lw=1.8, ls=ls, label=label, zorder=3, drawstyle="steps-post"
        )
        if first is not None:
            y = float(series[first])
            ax.plot([first, first], [0, y], color=colour, lw=0.9, ls=":", zorder=2)
            ax.plot(
                first,
                y,
                marker=S.MARKERS[i % len(S.MARKERS)],
                color=colour,
                markersize=7,
                markeredgecolor="white",
                markeredgewidth=0.7,
                zorder=4,
                ls="none",
                clip_on=False,
            )


def _on(result: WhatIf, day: int) -> str:
    """``day 60``, or the date of that day when the scenario gives ``day0``."""
    date = result.scenario.date(day)
    return f"day {day}" if date is None else date


def _timeline_label(result: WhatIf, r: dict) -> str:
    """What the table says of one impact: peak and its day, first day hit, long run, days lost.

    For example ``63.0% peak on day 67 (first hit day 0), 188.7 days lost``.
    """

    on = functools.partial(_on, result)

    peak, at_peak, first = r["peak_shortfall"], r["days_to_peak"], r["days_to_impact"]
    if at_peak is None:
        text = "not hit within the horizon"
    else:
        text = f"{100 * peak:.1f}% peak on {on(at_peak)}"
        if first is not None and first != at_peak:
            text += f" (first hit {on(first)})"
    if abs(r["shortfall"] - peak) >= 0.0005:  # differs at the precision shown
        text += f", {100 * r['shortfall']:.1f}% in the long run"
    return text + f", {r['lost_days']:.1f} days lost"


def _windows(result: WhatIf) -> list[tuple[int, int | None]]:
    """The distinct ``(start_day, end_day)`` of the restrictions, earliest first."""
    spans = {(r.start_day, r.end_day) for r in result.scenario.restrictions}
    return sorted(spans, key=lambda w: (w[0], math.inf if w[1] is None else w[1]))


def _mark_windows(ax: Any, result: WhatIf, fs: float) -> None:
    """Each restriction's window: shaded, with dashed lines at its start and end, labelled.

    A restriction in force from day 0 to the end of the horizon covers the
    whole plot and is not marked.
    """

    on = functools.partial(_on, result)

    windows = _windows(result)
    for k, (start, end) in enumerate(windows):
        if start == 0 and end is None:
            continue
        right = end if end is not None else ax.get_xlim()[1]
        ax.axvspan(start, right, color="#999999", alpha=0.10, lw=0, zorder=0.5)
        for day in (start, end):
            if day is not None and day > 0:
                ax.axvline(day, color="#999999", lw=0.8, ls="--", zorder=1)
        text = f"restricted from {on(start)}"
        if end is not None:
            text += f" until {on(end)}"
        ax.text(
            start,
            0.99 - 0.05 * k,  # one line per window, so that overlapping labels stay apart
            f" {text}",
            transform=ax.get_xaxis_transform(),
            fontsize=fs - 1,
            color=S.NOTE_COLOUR,
            va="top",
            ha="left",
        )


def _days_shown(result: WhatIf, chosen: list[dict], days: Any) -> tuple[int, int, int]:
    """``(right, last, horizon)``: the last day drawn, the last day anything changes, the horizon.

    Zoom in on the days where something happens: a flat tail to the horizon
    says nothing, and squeezes the steps into the left edge.
    """
    import numpy as np

    frame = result.timeline
    horizon = int(days[-1]) if len(days) else 1
    changes = [
        int(days[np.flatnonzero(np.abs(np.diff(frame[r["node"]].to_numpy())) > 1e-12)[-1] + 1])
        for r in chosen
        if (np.abs(np.diff(frame[r["node"]].to_numpy())) > 1e-12).any()
    ]
    bounds = [d for w in _windows(result) for d in w if d is not None]
    last = max([*changes, *bounds, 0])
    right = horizon
    if last * 1.5 + 10 < horizon:
        right = max(30, math.ceil(last * 1.5 / 10.0) * 10)
    return right, last, horizon


def _timeline_axes(ax: Any, result: WhatIf, chosen: list[dict], right: int, fs: float) -> None:
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    ax.set_xlim(0, right)
    # A line can peak above its long run (alternatives ramping up) or below it (a window).
    highest = max((max(r["shortfall"], r["peak_shortfall"]) for r in chosen), default=0.0)
    ax.set_ylim(0, min(1.0, highest * 1.12) if highest > 0 else 1.0)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    if result.scenario.day0 is not None:
        # The day number and its date under each tick.
        ax.xaxis.set_major_formatter(
            FuncFormatter(lambda x, _: f"{x:g}\n{result.scenario.date(round(x))}")
        )
        ax.set_xlabel(f"day (day 0 = {result.scenario.day0.isoformat()})", fontsize=fs, labelpad=6)
    else:
        ax.set_xlabel("day", fontsize=fs)
    ax.set_ylabel("shortfall", fontsize=fs)
    ax.tick_params(labelsize=fs)
    ax.grid(True, color="#e6e6e6", lw=0.6, zorder=0)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _timeline_text(
    ax: Any, result: WhatIf, chosen: list[dict], what: str, note: str, fs: float
) -> None:
    """Title, the note under it, and the legend (or a note that nothing is hit)."""
    # One blank title line (a larger font) per line of the note under it.
    ax.set_title(
        f"{S.wrap_to_width(result.title(), 8.6, fs + 3)}" + "\n" * (note.count("\n") + 1),
        fontsize=fs + 3,
        weight="bold",
        loc="left",
    )
    ax.text(
        0,
        1.01,
        note,
        transform=ax.transAxes,
        fontsize=fs,
        color=S.NOTE_COLOUR,
        va="bottom",
    )
    if chosen:
        ax.legend(
            loc="upper left",
            bbox_to_anchor=(-0.02, -0.14 if result.scenario.day0 is not None else -0.1),
            ncol=_legend_columns(result, chosen),
            fontsize=fs - 0.5,
            frameon=False,
            title=f"{what}: peak shortfall and its day, long run where different, days lost",
            title_fontsize=fs,
            alignment="left",
        )
    else:
        ax.text(
            0.5,
            0.5,
            "nothing is affected",
            transform=ax.transAxes,
            ha="center",
            fontsize=fs + 2,
            color=S.NOTE_COLOUR,
        )


def plot_timeline(
    result: WhatIf,
    *,
    top: int = 8,
    focus: str | None = None,
    depth: int = 2,
    ax: Any = None,
) -> tuple[Any, Any]:
    """Shortfall over the days of the most affected industries, with days to impact marked.

    The ``top`` industries first in the impacts (by long-run shortfall, then
    peak) are drawn (any kind of node when no industry is hit). With a
    ``focus`` node, its line comes first, then those of the nodes hit
    hardest within ``depth`` steps upstream and downstream of it (any
    kind). A marker on
    each line, with a dotted stem down to the axis, shows its first day hit;
    the legend gives what the table gives: the peak and the day it is
    reached, the long run where it differs, the days lost. Each restriction's
    window is shaded and labelled; with the scenario's ``day0`` the axis
    shows dates too.

    Examples
    --------
    >>> import graph, analysis
    >>> res = analysis.what_if(graph.load(), [analysis.Restriction("china", ["gallium"])])
    >>> fig, ax = plot_timeline(res, top=3)
    """
    fs = 9
    chosen, what = _timeline_nodes(result, top, focus, depth)
    days = result.timeline.index.to_numpy()
    shown = _days_shown(result, chosen, days)
    note = _timeline_note(what, len(chosen), shown, fs)
    size, margins = _timeline_size(result, chosen, fs, note.count("\n") + 1)
    fig, ax = fig_ax(ax, size, margins=margins)
    _draw_timeline_lines(ax, result, chosen, days)
    _timeline_axes(ax, result, chosen, shown[0], fs)
    _mark_windows(ax, result, fs)  # after the axes: a window without an end runs to their edge
    _timeline_text(ax, result, chosen, what, note, fs)
    return fig, ax


# ---------------------------------------------------------------- exposure heatmap


def _exposed_matrix(result: Exposure) -> Any:
    """The exposure matrix without unexposing countries, the most exposed rows and columns first."""
    matrix = result.matrix
    matrix = matrix.loc[:, (matrix > S.AFFECTED).any(axis=0)]
    if matrix.shape[1]:
        matrix = matrix.loc[
            matrix.sum(axis=1).sort_values(ascending=False, kind="stable").index,
            matrix.sum(axis=0).sort_values(ascending=False, kind="stable").index,
        ]
    return matrix


def _heatmap_size(rows: list[str], cols: list[str], fs: float) -> tuple[float, float]:
    """Cells of a fixed size (wide enough for "100%"); constrained layout fits the rest."""
    n_rows, n_cols = max(1, len(rows)), max(1, len(cols))
    label_in = max((len(r) for r in rows), default=10) * fs * 0.55 / 72
    col_label_in = max((len(c) for c in cols), default=6) * fs * 0.55 / 72 * 0.72
    fig_w = max(6.0, label_in + n_cols * 0.42 + 1.4)
    fig_h = 1.0 + n_rows * 0.3 + col_label_in
    return fig_w, fig_h


def _draw_cells(ax: Any, values: Any, fs: float) -> Any:
    """The coloured cells and their percentages; returns the image (for the colour bar)."""
    import numpy as np

    # White at 0 and for unexposed cells: only large exposures catch the eye.
    cmap = heat_cmap().with_extremes(bad="white")
    shown = np.ma.masked_less_equal(values, S.AFFECTED)
    image = ax.imshow(shown, cmap=cmap, vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    for i in range(values.shape[0]):
        for j in range(values.shape[1]):
            v = values[i, j]
            if v > S.AFFECTED:
                fill = S.heat_colour(v)
                ax.text(
                    j,
                    i,
                    S.percent(v),
                    ha="center",
                    va="center",
                    fontsize=fs - 0.5,
                    color=S.text_colour(fill),
                )
    return image


def _heatmap_axes(ax: Any, rows: list[str], cols: list[str], fs: float) -> None:
    """Row and column names, white lines between the cells, no frame."""
    import numpy as np

    ax.set_xticks(
        range(len(cols)), cols, rotation=45, ha="right", rotation_mode="anchor", fontsize=fs
    )
    ax.set_yticks(range(len(rows)), rows, fontsize=fs)
    ax.set_xticks(np.arange(-0.5, len(cols)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(rows)), minor=True)
    ax.grid(which="minor", color="#ececec", lw=1.0)
    ax.tick_params(which="minor", length=0)
    ax.tick_params(which="major", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)


def plot_exposure(result: Exposure, *, ax: Any = None) -> tuple[Any, Any]:
    """The exposure matrix as a heatmap: industries down, countries across, shortfall in %.

    Only countries whose ban hits something are shown, the most damaging
    first; empty cells are unexposed pairs.

    Examples
    --------
    >>> import graph, analysis
    >>> fig, ax = plot_exposure(analysis.exposure(graph.load(), "japan"))
    """
    from matplotlib.ticker import PercentFormatter

    fs = 8
    G = getattr(result, "G", None)
    matrix = _exposed_matrix(result)
    rows = [S.short_label(G, n, 40) for n in matrix.index]
    cols = [
        str((G.nodes[c].get("name") if G is not None and c in G else None) or c)
        for c in matrix.columns
    ]
    fig, ax = fig_ax(ax, _heatmap_size(rows, cols, fs), layout="constrained")
    title = result.title() if hasattr(result, "title") else "Exposure"
    ax.set_title(S.wrap_to_width(title, 7.0, fs + 2), fontsize=fs + 2, weight="bold", loc="left")
    if not matrix.size:
        ax.set_axis_off()
        ax.text(
            0.5,
            0.5,
            "no other country's ban reaches these industries",
            transform=ax.transAxes,
            ha="center",
            fontsize=fs + 1,
            color=S.NOTE_COLOUR,
        )
        return fig, ax
    image = _draw_cells(ax, matrix.to_numpy(dtype=float), fs)
    _heatmap_axes(ax, rows, cols, fs)
    bar = fig.colorbar(image, ax=ax, fraction=0.05, pad=0.02, format=PercentFormatter(1.0))
    bar.ax.tick_params(labelsize=fs)
    bar.set_label("shortfall under a full export ban", fontsize=fs)
    return fig, ax


# ---------------------------------------------------------------- chokepoints


def _bar_notes(G: nx.MultiDiGraph | None, table: Any) -> list[str]:
    """Beside each bar: the industries hit and the worst-hit one."""
    notes = []
    for row in table.itertuples(index=False):
        note = f"{row.industries_hit} industries"
        if isinstance(row.worst_node, str) and row.worst_node:
            worst = S.short_label(G, row.worst_node, 60)
            note += f"; worst hit: {worst}, {S.percent(float(row.worst_shortfall))}"
        notes.append(note)
    return notes


def _bars_size(labels: list[str], notes: list[str], n: int, fs: float) -> tuple[tuple, dict]:
    """Three bands in inches: labels | bars | notes beside the axes."""
    char_in = fs * 0.55 / 72
    label_in = max((len(line) for t in labels for line in t.split("\n")), default=10)
    label_in = label_in * char_in + 0.25
    note_in = max((len(t) for t in notes), default=10) * (fs - 0.5) * 0.55 / 72 + 0.2
    bars_in = 3.6
    rows_in = sum(0.2 + 0.13 * t.count("\n") for t in labels) + 0.2 * max(0, 3 - n)
    fig_w = label_in + bars_in + note_in + 0.2
    fig_h = rows_in + 1.25
    margins = {
        "left": label_in / fig_w,
        "right": (label_in + bars_in) / fig_w,
        "top": 1 - 0.6 / fig_h,
        "bottom": 0.6 / fig_h,
    }
    return (fig_w, fig_h), margins


def _draw_bars(
    ax: Any,
    scores: Any,
    kinds: list[str],
    labels: list[str],
    notes: list[str],
    fmt: Callable[[float], str],
    fs: float,
) -> None:
    """The bars, coloured by kind, each with its score at its end and its note to the right."""
    n = len(scores)
    colours = [S.KIND_COLOURS.get(k, S.KIND_COLOURS[S.OTHER_KIND]) for k in kinds]
    ys = list(range(n))
    ax.barh(ys, scores, color=colours, edgecolor=S.BOX_EDGE, linewidth=0.6, height=0.72)
    ax.set_yticks(ys, labels, fontsize=fs)
    ax.set_ylim(n - 0.5, -0.5)
    highest = float(scores.max()) if n else 1.0
    # The legend sits at the lower right; leave it room when the last bars are long.
    tail = float(scores[-3:].max()) if n else 0.0
    room = 1.18 if tail <= 0.6 * highest else 1.7
    ax.set_xlim(0, highest * room if highest > 0 else 1.0)
    for y, (score, note) in enumerate(zip(scores, notes, strict=True)):
        ax.text(
            score + highest * 0.015,
            y,
            fmt(float(score)),
            va="center",
            fontsize=fs - 0.5,
            color="#303030",
        )
        ax.text(
            1.02,
            y,
            note,
            va="center",
            fontsize=fs - 0.5,
            color=S.NOTE_COLOUR,
            transform=ax.get_yaxis_transform(),
        )


def _bars_axes(ax: Any, weighted: bool, n: int, kinds: list[str], fs: float) -> None:
    """The score axis (dollars when weighted), the title and the legend of kinds."""
    from matplotlib.patches import Patch

    if weighted:
        from matplotlib.ticker import FuncFormatter

        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_usd(v)))
        what = "value at risk when the node is removed (value x shortfall, summed)"
    else:
        what = "industry-equivalents lost when the node is removed (shortfalls, summed)"
    ax.set_xlabel(what, fontsize=fs)
    ax.tick_params(labelsize=fs)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(True, axis="x", color="#e6e6e6", lw=0.6)
    ax.set_axisbelow(True)
    ax.set_title(
        f"Top {n} chokepoints: the damage of removing each node",
        fontsize=fs + 3,
        weight="bold",
        loc="left",
    )
    present = list(dict.fromkeys(kinds))
    if present:
        ax.legend(
            handles=[
                Patch(
                    facecolor=S.KIND_COLOURS.get(k, S.KIND_COLOURS[S.OTHER_KIND]),
                    edgecolor=S.BOX_EDGE,
                    label=k,
                )
                for k in present
            ],
            loc="lower right",
            fontsize=fs,
            frameon=False,
        )


def plot_chokepoints(result: Chokepoints, *, top: int = 15, ax: Any = None) -> tuple[Any, Any]:
    """The highest-scoring chokepoints as horizontal bars, with who they hit.

    Each bar is a node's removal score (value at risk, or industry-equivalents
    lost when some industry has no value), coloured by kind; the note beside
    it gives the number of industries hit and the worst-hit one.

    Examples
    --------
    >>> import graph, analysis
    >>> fig, ax = plot_chokepoints(analysis.chokepoints(graph.load()), top=5)
    """
    fs = 8
    G = getattr(result, "G", None)
    table = result.table.head(top)
    n = len(table)
    if not n:
        why = (
            f"top={top} keeps no bar: give 1 or more (--top)"
            if len(result.table)
            else ("the dataset has no node to rank")
        )
        raise NothingToDraw(f"nothing to draw: {why}")
    weighted = bool(getattr(result, "weighted", False))
    fmt = getattr(result, "format_score", lambda s: f"{s:.3f}")
    labels = [
        S.node_label(G, node, width=40) if G is not None and node in G else node
        for node in table["node"]
    ]
    notes = _bar_notes(G, table)
    size, margins = _bars_size(labels, notes, n, fs)
    fig, ax = fig_ax(ax, size, margins=margins)
    kinds = list(table["kind"])
    _draw_bars(ax, table["score"].astype(float).to_numpy(), kinds, labels, notes, fmt, fs)
    _bars_axes(ax, weighted, n, kinds, fs)
    return fig, ax


def plot_sensitivity(result: WhatIf, *, node: str | None = None, ax: Any = None) -> tuple[Any, Any]:
    """A tornado plot: how far each driver moves one node's shortfall (DESIGN section 3c).

    One bar per driver, from the shortfall with the number at its low end to
    that at its high end, largest swing on top, and the point shortfall as a
    line. ``node`` defaults to the most affected industry with drivers (else
    the most affected node with drivers). Needs a result run with
    ``sensitivity=True``.

    Examples
    --------
    >>> import graph
    >>> from analysis.scenario import load_scenario
    >>> from analysis.whatif import run_uncertain
    >>> res = run_uncertain(graph.load(), load_scenario("2026-dual-use-japan"), sensitivity=True)
    >>> fig, ax = plot_sensitivity(res)
    """
    if result.sensitivity is None:
        raise ValueError("this result has no drivers: run it with sensitivity=True")
    with_drivers = [r for r in result.records if r.get("drivers")]
    if node is not None:
        with_drivers = [r for r in with_drivers if r["node"] == node]
    industries = [r for r in with_drivers if r["kind"] == "industry"]
    chosen = (industries or with_drivers)[:1]
    fs = 10
    if not chosen:
        fig, ax = fig_ax(ax, figsize=(8, 2))
        ax.text(0.5, 0.5, "No uncertain number moves this shortfall", ha="center", va="center")
        ax.set_axis_off()
        return fig, ax
    record = chosen[0]
    drivers = list(reversed(record["drivers"]))  # largest on top
    fig, ax = fig_ax(ax, figsize=(9, 1.2 + 0.55 * len(drivers)))
    for y, d in enumerate(drivers):
        low, high = 100 * d["shortfall_low"], 100 * d["shortfall_high"]
        ax.barh(y, high - low, left=low, color=S.LINE_COLOURS[0], height=0.6)
        ax.text(low, y, f"{d['low']:g} ", ha="right", va="center", fontsize=fs - 1)
        ax.text(high, y, f" {d['high']:g}", ha="left", va="center", fontsize=fs - 1)
    point = 100 * record["shortfall"]
    ax.axvline(point, color="black", lw=1.0, ls="--", label="at the values")
    ends = [100 * d[k] for d in drivers for k in ("shortfall_low", "shortfall_high")] + [point]
    pad = max(0.5, 0.2 * (max(ends) - min(ends)))  # room for the range labels at the bar ends
    ax.set_xlim(max(0.0, min(ends) - pad), min(100.0, max(ends) + pad))
    ax.set_yticks(range(len(drivers)), [d["param"] for d in drivers], fontsize=fs - 1)
    ax.set_xlabel("long-run shortfall (%), with the number at its low and high end")
    ax.set_title(f"What moves {S.short_label(result.G, record['node'])} most", fontsize=fs + 1)
    ax.legend(loc="lower right", fontsize=fs - 1)
    if ax.figure is fig and len(fig.axes) == 1:
        fig.tight_layout()
    return fig, ax
