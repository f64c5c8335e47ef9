"""The grouped bars of scenarios side by side."""

from __future__ import annotations

import matplotlib
import pytest
from helpers import TWO_SUPPLIERS, dataset

from analysis.compare import compare_scenarios
from analysis.drawing import style as S
from analysis.drawing.comparison import plot_scenario_comparison
from analysis.scenario import Restriction, Scenario

matplotlib.use("Agg")


pytestmark = pytest.mark.usefixtures("close_figures")  # tests/conftest.py


def test_one_bar_per_node_and_scenario():
    result = compare_scenarios(
        dataset(TWO_SUPPLIERS),
        [
            Scenario(restrictions=(Restriction("chn", ["m"]),), id="chn-ban"),
            Scenario(restrictions=(Restriction("aus", ["m"]),), id="aus-ban"),
        ],
    )
    _, ax = plot_scenario_comparison(result)
    bars = ax.patches
    assert len(bars) == 4  # m and x, under two scenarios
    # First scenario's bars come first: 60% for m and x; then aus's: 40%.
    assert [round(b.get_width(), 6) for b in bars] == [0.6, 0.6, 0.4, 0.4]
    colours = {matplotlib.colors.to_hex(b.get_facecolor()) for b in bars}
    assert colours == {S.LINE_COLOURS[0].lower(), S.LINE_COLOURS[1].lower()}
    assert [t.get_text() for t in ax.get_yticklabels()] == ["m", "Widgets"]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0].startswith("chn-ban: ") and legend[1].startswith("aus-ban: ")


def test_top_limits_the_nodes():
    result = compare_scenarios(
        dataset(TWO_SUPPLIERS),
        [
            Scenario(restrictions=(Restriction("chn", ["m"]),), id="a"),
            Scenario(restrictions=(Restriction("aus", ["m"]),), id="b"),
        ],
    )
    _, ax = plot_scenario_comparison(result, top=1)
    assert len(ax.patches) == 2
