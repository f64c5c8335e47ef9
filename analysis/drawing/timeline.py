"""The timeline: the shortfall of the most affected nodes over the days, drawn with matplotlib.

One step line per node with its first day hit marked, each restriction's
window shaded; with a sampled result (``samples=N``), the p5-p95 band of each
line's shortfall over the samples as a shaded area around it. matplotlib is
imported inside the functions.

Examples
--------
>>> import graph, analysis
>>> from analysis.drawing import timeline
>>> res = analysis.what_if(graph.load(), [analysis.Restriction("china", ["gallium"])])
>>> fig, ax = timeline.plot_timeline(res, top=3)
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any

from analysis.drawing import style as S
from analysis.drawing.figures import fig_ax

BAND_ALPHA = 0.18  # the p5-p95 band: light enough that overlapping bands and lines still read

if TYPE_CHECKING:
    from analysis.whatif import WhatIf


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
    entries = len(chosen) + (getattr(result, "sampling", None) is not None and bool(chosen))
    rows = math.ceil(entries / _legend_columns(result, chosen))
    dated = result.scenario.day0 is not None  # a second line under each tick: the date
    legend_in = 0.75 + 0.2 * dated + rows * fs * 1.7 / 72
    plot_in = 4.2
    title_lines = S.wrap_to_width(result.title(), 8.6, fs + 3).count("\n") + note_lines
    top_in = 0.4 + title_lines * (fs + 3) * 1.25 / 72
    fig_h = top_in + plot_in + legend_in
    margins = {"left": 0.08, "right": 0.95, "top": 1 - top_in / fig_h, "bottom": legend_in / fig_h}
    return (10, fig_h), margins


Bands = dict  # node id -> (p5, p95): its shortfall on each day over the samples


def sample_bands(result: WhatIf, nodes: list[str]) -> Bands:
    """The p5 and p95 of each node's shortfall on each day over a sampled result's samples.

    numpy's linear percentile over ``result.sample_timelines(nodes)``, as the
    bands of DESIGN section 3c; empty when the result was not sampled.

    Examples
    --------
    >>> import graph, analysis
    >>> sample_bands(analysis.remove(graph.load(), ["chn"]), ["jp-automotive"])
    {}
    """
    import numpy as np

    from analysis.uncertainty import PERCENTILES

    if getattr(result, "sampling", None) is None or not nodes:
        return {}
    per_sample = result.sample_timelines(nodes)
    low, high = np.percentile(per_sample, (PERCENTILES[0], PERCENTILES[-1]), axis=0)
    return {node: (low[:, j], high[:, j]) for j, node in enumerate(nodes)}


def _band_entry(result: WhatIf) -> Any:
    """The legend entry that says what the shaded bands are."""
    from matplotlib.patches import Patch

    n = result.sampling["samples"]
    return Patch(
        facecolor=S.NOTE_COLOUR,
        alpha=BAND_ALPHA,
        label=f"shaded: p5-p95 of each line over {n} samples (every range drawn independently)",
    )


def _draw_timeline_lines(
    ax: Any, result: WhatIf, chosen: list[dict], days: Any, bands: Bands
) -> None:
    """One step line per node, with a marker and a dotted stem at its day of impact.

    With ``bands``, each line's p5-p95 band is shaded around it in its colour.
    """
    frame = result.timeline
    for i, r in enumerate(chosen):
        colour = S.LINE_COLOURS[i % len(S.LINE_COLOURS)]
        series = frame[r["node"]].to_numpy()
        if r["node"] in bands:
            low, high = bands[r["node"]]
            ax.fill_between(
                days, low, high, step="post", color=colour, alpha=BAND_ALPHA, lw=0, zorder=2.5
            )
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


def _days_shown(
    result: WhatIf, chosen: list[dict], days: Any, bands: Bands | None = None
) -> tuple[int, int, int]:
    """``(right, last, horizon)``: the last day drawn, the last day anything changes, the horizon.

    Zoom in on the days where something happens: a flat tail to the horizon
    says nothing, and squeezes the steps into the left edge. A band's edges
    count as lines.
    """
    import numpy as np

    frame = result.timeline
    horizon = int(days[-1]) if len(days) else 1
    series = [frame[r["node"]].to_numpy() for r in chosen]
    series += [edge for pair in (bands or {}).values() for edge in pair]
    changes = [
        int(days[np.flatnonzero(np.abs(np.diff(line)) > 1e-12)[-1] + 1])
        for line in series
        if (np.abs(np.diff(line)) > 1e-12).any()
    ]
    bounds = [d for w in _windows(result) for d in w if d is not None]
    last = max([*changes, *bounds, 0])
    right = horizon
    if last * 1.5 + 10 < horizon:
        right = max(30, math.ceil(last * 1.5 / 10.0) * 10)
    return right, last, horizon


def _timeline_axes(
    ax: Any, result: WhatIf, chosen: list[dict], right: int, fs: float, bands: Bands
) -> None:
    from matplotlib.ticker import FuncFormatter, PercentFormatter

    ax.set_xlim(0, right)
    # A line can peak above its long run (alternatives ramping up) or below it (a window).
    highest = max((max(r["shortfall"], r["peak_shortfall"]) for r in chosen), default=0.0)
    highest = max([highest, *(float(high.max()) for _, high in bands.values())])
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
    ax: Any, result: WhatIf, chosen: list[dict], what: str, note: str, fs: float, bands: Bands
) -> None:
    """Title, the note under it, and the legend (or a note that nothing is hit).

    With ``bands``, the legend's last entry says what the shading is.
    """
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
        handles, _ = ax.get_legend_handles_labels()
        ax.legend(
            handles=[*handles, _band_entry(result)] if bands else handles,
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
    band: bool = True,
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
    shows dates too. A result run with samples (``run_uncertain(...,
    samples=N)``) also shades, with ``band``, the p5-p95 band of each line's
    shortfall over the samples around it, in its colour (``sample_bands``).

    Examples
    --------
    >>> import graph, analysis
    >>> res = analysis.what_if(graph.load(), [analysis.Restriction("china", ["gallium"])])
    >>> fig, ax = plot_timeline(res, top=3)
    """
    fs = 9
    chosen, what = _timeline_nodes(result, top, focus, depth)
    bands = sample_bands(result, [r["node"] for r in chosen]) if band else {}
    days = result.timeline.index.to_numpy()
    shown = _days_shown(result, chosen, days, bands)
    note = _timeline_note(what, len(chosen), shown, fs)
    size, margins = _timeline_size(result, chosen, fs, note.count("\n") + 1)
    fig, ax = fig_ax(ax, size, margins=margins)
    _draw_timeline_lines(ax, result, chosen, days, bands)
    _timeline_axes(ax, result, chosen, shown[0], fs, bands)
    _mark_windows(ax, result, fs)  # after the axes: a window without an end runs to their edge
    _timeline_text(ax, result, chosen, what, note, fs, bands)
    return fig, ax
