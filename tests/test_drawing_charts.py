"""The result charts: a what-if's timeline, the exposure heatmap, the chokepoint bars."""

from __future__ import annotations

import matplotlib
import pytest
from helpers import dataset, run_cli

import analysis
from analysis.drawing import charts, selection
from analysis.drawing import style as S

# Tests draw to files only, never to a window (pyplot is imported after this).
matplotlib.use("Agg")


pytestmark = pytest.mark.usefixtures("close_figures")  # tests/conftest.py


def test_timeline_draws_the_most_affected_industries(dual_use):
    _, ax = dual_use.plot("timeline")
    industries = [r for r in dual_use.records if r["kind"] == "industry"][:8]
    lines = [line for line in ax.lines if len(line.get_xdata()) > 2]
    assert len(lines) == len(industries) == 8
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    first = industries[0]
    assert legend[0].startswith("Automotive and electric vehicles (jpn)")
    assert f"{100 * first['shortfall']:.1f}%" in legend[0]
    # One marker per industry hit within the horizon, at its day of impact.
    markers = [line for line in ax.lines if len(line.get_xdata()) == 1]
    hit = [r for r in industries if r["days_to_impact"] is not None]
    assert sorted(m.get_xdata()[0] for m in markers) == sorted(r["days_to_impact"] for r in hit)


def test_timeline_legend_says_what_the_table_says(dual_use):
    _, ax = dual_use.plot("timeline")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    auto = next(r for r in dual_use.records if r["node"] == "jp-automotive")
    # Hit by a small blip on day 0, it reaches its peak only later: the legend says so,
    # in the dates of the scenario's day0, as the table does.
    assert auto["days_to_impact"] == 0 and auto["days_to_peak"] > 0
    peak_on = dual_use.scenario.date(auto["days_to_peak"])
    # The data's alternatives (Lynas's spare) bring the long run below the peak,
    # so the legend gives the long run too.
    assert auto["shortfall"] < auto["peak_shortfall"] - 0.0005
    assert legend[0] == (
        f"Automotive and electric vehicles (jpn): {100 * auto['peak_shortfall']:.1f}% peak on "
        f"{peak_on} (first hit {dual_use.scenario.date(0)}), "
        f"{100 * auto['shortfall']:.1f}% in the long run, {auto['lost_days']:.1f} days lost"
    )
    # The axis gives each tick's date under its day number.
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert ticks[0] == f"0\n{dual_use.scenario.day0.isoformat()}"


def _one_input(text: str = ""):
    return dataset(
        """
        nodes:
          - {id: xx, kind: country}
          - {id: yy, kind: country}
          - {id: ore, kind: mineral, country: xx}
          - {id: plant, kind: industry, country: yy, stockpile_days: 10}
        edges:
          - {from: ore, to: plant, share: 0.3}
        """
        + text
    )


def test_timeline_shades_each_window():
    res = analysis.what_if(
        _one_input(), [analysis.Restriction("xx", ["ore"], start_day=5, end_day=60)]
    )
    _, ax = charts.plot_timeline(res)
    (span,) = ax.patches
    # The shaded span runs from day 5 to day 60, with a dashed line at each end.
    assert (span.get_x(), span.get_x() + span.get_width()) == (5, 60)
    dashed = sorted(
        line.get_xdata()[0]
        for line in ax.lines
        if line.get_linestyle() == "--"
        and len(line.get_xdata()) == 2
        and line.get_xdata()[0] == line.get_xdata()[1]
    )
    assert dashed == [5, 60]
    assert " restricted from day 5 until day 60" in [t.get_text() for t in ax.texts]
    # Stock for days 5..37 (33 * 0.3 = 9.9); day 38 short 0.2, days 39..59 short
    # 0.3; the long run counts the restriction as if it stayed (0.3).
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [
        f"plant (yy): 30.0% peak on day 39 (first hit day 38), {0.2 + 21 * 0.3:.1f} days lost"
    ]


def test_timeline_without_end_or_start_marks_no_window():
    res = analysis.what_if(_one_input(), [analysis.Restriction("xx", ["ore"])])
    _, ax = charts.plot_timeline(res)
    assert len(ax.patches) == 0 and not any("restricted" in t.get_text() for t in ax.texts)


def test_timeline_falls_back_to_any_kind():
    G = dataset(
        """
        nodes:
          - {id: chn, kind: country}
          - {id: m, kind: mineral}
          - {id: r, kind: refiner, stockpile_days: 10}
        edges:
          - {from: chn, to: m, share: 1}
          - {from: m, to: r, share: 0.3}
        """
    )
    res = analysis.what_if(G, [analysis.Restriction("chn", ["m"])])
    _, ax = charts.plot_timeline(res)
    lines = [line for line in ax.lines if len(line.get_xdata()) > 2]
    assert len(lines) == 2  # m and r: no industry is hit
    # r: a gap of 0.3 a day, 10 days of stock: days 0..32 covered, hit on day 33.
    markers = sorted(line.get_xdata()[0] for line in ax.lines if len(line.get_xdata()) == 1)
    assert markers == [0, 33]


def test_exposure_heatmap(G):
    result = analysis.exposure(G, "japan")
    _, ax = result.plot()
    image = ax.images[0]
    matrix = result.matrix.loc[:, (result.matrix > S.AFFECTED).any(axis=0)]
    assert image.get_array().shape == matrix.shape
    cells = [t.get_text() for t in ax.texts]
    assert len(cells) == int((matrix > S.AFFECTED).to_numpy().sum())
    assert all(c.endswith("%") for c in cells)
    assert ax.get_xticklabels()[0].get_text() == "China"  # the biggest total first


def test_chokepoint_bars(G):
    result = analysis.chokepoints(G)
    _, ax = charts.plot_chokepoints(result, top=5)
    bars = ax.patches
    assert len(bars) == 5
    widths = [b.get_width() for b in bars]
    assert widths == sorted(widths, reverse=True)
    assert widths[0] == pytest.approx(result.table["score"].iloc[0])


def test_heatmap_keeps_small_exposures_quiet(G):
    _, ax = analysis.exposure(G, "japan").plot()
    image = ax.images[0]
    # 0 is white, and so is an unexposed cell (masked); 1 is the darkest red.
    assert matplotlib.colors.to_hex(image.cmap(image.norm(0.0))) == "#ffffff"
    assert matplotlib.colors.to_hex(image.cmap.get_bad()) == "#ffffff"
    assert matplotlib.colors.to_hex(image.cmap(image.norm(1.0))) == "#800026"
    # 5% lies 0.45 of the way from white to #ffffcc: blue 255 - 0.45 * 51 = 232.
    assert S.heat_colour(0.05) == "#ffffe8"
    assert S.heat_colour(0.0) == "#ffffff"


def test_timeline_with_focus_draws_the_focus_and_its_neighbours(G):
    res = analysis.what_if(G, [analysis.Restriction("china", ["gallium"])])
    _, ax = charts.plot_timeline(res, focus="jp-electronics", depth=1)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    near = set(selection.subgraph_around(G, "jp-electronics", 1))
    hit = [r["node"] for r in res.records if r["node"] in near]
    assert len(labels) == len(hit) >= 2
    assert labels[0].startswith("Electronics (jpn)")  # the focus first
    assert "around Electronics (Japan)" in ax.get_legend().get_title().get_text()


def test_cli_render_charts(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for args, name in [
        (["--exposure", "japan"], "heat.png"),
        (["--chokepoints", "--top", "5"], "ranking.svg"),
        (["--compare", "2023-gallium-germanium", "--compare", "2025-graphite"], "both.pdf"),
        (["china", "gallium", "--focus", "jp-electronics", "--timeline"], "tl.png"),
    ]:
        code, _, err = run_cli(["render", *args, "-o", name])
        assert code == 0, err
        assert err.strip().splitlines()[-1] == f"wrote {name}"
        assert (tmp_path / name).stat().st_size > 1000


@pytest.mark.parametrize(
    "args, message",
    [
        (["--exposure", "japan", "--chokepoints"], "give one of --exposure and --chokepoints"),
        (["--chokepoints", "--timeline"], "give one of --chokepoints and --timeline"),
        (["china", "gallium", "--exposure", "japan"], "takes no scenario, --focus or --kind"),
        (["--compare", "2025-graphite"], "--compare needs two or more scenarios"),
        (["--exposure", "japan", "-o", "heat.html"], "a heatmap is a picture"),
        (["--chokepoints", "-o", "r.graphml"], "a ranking is a picture"),
        (["--top", "3"], "--top goes with --chokepoints or --compare"),
        (["--chokepoints", "--top", "-1"], "must be 0 or more"),
        (["--exposure", "atlantis"], "atlantis"),
    ],
)
def test_cli_render_chart_bad_input(args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if "-o" not in args:
        args = [*args, "-o", "out.png"]
    code, _, err = run_cli(["render", *args])
    assert code == 2, err
    assert message in err
    assert list(tmp_path.iterdir()) == []


def test_the_note_under_a_timeline_counts_in_the_right_number():
    from analysis.drawing.timeline import _drawn

    assert _drawn("industries", 3).startswith("Shortfall of the 3 most affected industries")
    assert _drawn("industries", 1).startswith("Shortfall of the most affected industry ")
    assert _drawn("nodes around Gallium", 1).startswith(
        "Shortfall of the most affected node around"
    )
    assert _drawn("nodes", 0) == "Nothing is hit"
