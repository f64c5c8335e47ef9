"""Sensitivity drivers (DESIGN section 3c), worked by hand on a small graph."""

from __future__ import annotations

import pytest
from helpers import dataset

from analysis import Restriction
from analysis.scenario import Scenario
from analysis.whatif import run_uncertain

# fab's shortfall = dependence * severity * share (one input, its only supplier cut).
SMALL = """
nodes:
  - {id: chn, kind: country}
  - {id: jpn, kind: country}
  - {id: cn-ga, kind: refiner, country: chn, commodity: gallium}
  - id: fab
    kind: industry
    country: jpn
    inputs:
      gallium: {dependence: 0.8, dependence_range: [0.7, 1.0], stockpile_days: 10,
                stockpile_days_range: [0, 30]}
edges:
  - {from: cn-ga, to: fab, share: 0.4, range: [0.3, 0.5]}
"""


def test_drivers_worked_by_hand():
    G = dataset(SMALL)
    r = Restriction("chn", ["gallium"], severity=0.9, severity_range=(0.8, 1.0))
    res = run_uncertain(G, Scenario(restrictions=(r,)), sensitivity=True)
    (fab,) = res.records
    # point: 0.8 * 0.9 * 0.4 = 0.288
    assert fab["shortfall"] == pytest.approx(0.288, abs=1e-12)
    drivers = fab["drivers"]
    # share 0.3 / 0.5:      0.8 * 0.9 * 0.3 = 0.216, 0.8 * 0.9 * 0.5 = 0.360 (swing 0.144)
    # dependence 0.7 / 1.0: 0.7 * 0.36 = 0.252,  1.0 * 0.36 = 0.360          (swing 0.108)
    # severity 0.8 / 1.0:   0.8 * 0.8 * 0.4 = 0.256, 0.8 * 1.0 * 0.4 = 0.320 (swing 0.064)
    # stockpile days change only the timeline, not the steady shortfall: no driver.
    assert [d["param"] for d in drivers] == [
        "cn-ga->fab.share",
        "fab.gallium.dependence",
        "restrictions[0].severity",
    ]
    expected = [(0.3, 0.5, 0.216, 0.36), (0.7, 1.0, 0.252, 0.36), (0.8, 1.0, 0.256, 0.32)]
    for d, (low, high, s_low, s_high) in zip(drivers, expected, strict=True):
        assert (d["low"], d["high"]) == (low, high)
        assert d["shortfall_low"] == pytest.approx(s_low, abs=1e-12)
        assert d["shortfall_high"] == pytest.approx(s_high, abs=1e-12)
    assert "What moves it most" in [s.text for s in res.people_sections()]


def test_ties_break_by_name_and_at_most_five():
    # Six suppliers of one input, each share 0.1 with range [0.05, 0.15], all cut:
    # every share moves fab's shortfall by exactly 0.1; the five first names win.
    nodes = "\n".join(
        f"  - {{id: s{i}, kind: refiner, country: chn, commodity: ga}}" for i in range(6)
    )
    edges = "\n".join(
        f"  - {{from: s{i}, to: fab, share: 0.125, range: [0.0625, 0.1875]}}" for i in range(6)
    )
    text = (
        "nodes:\n  - {id: chn, kind: country}\n  - {id: jpn, kind: country}\n"
        f"{nodes}\n  - {{id: fab, kind: industry, country: jpn}}\nedges:\n{edges}\n"
    )
    G = dataset(text)
    res = run_uncertain(G, Scenario(restrictions=(Restriction("chn", ("ga",)),)), sensitivity=True)
    (fab,) = res.records
    # Low 0.75 - 0.0625 = 0.6875, high 0.75 + 0.0625 = 0.8125 (binary fractions: exact).
    assert [d["param"] for d in fab["drivers"]] == [f"s{i}->fab.share" for i in range(5)]
    assert {d["shortfall_low"] for d in fab["drivers"]} == {0.6875}
    assert {d["shortfall_high"] for d in fab["drivers"]} == {0.8125}


def test_tornado_plot_draws_one_bar_per_driver():
    G = dataset(SMALL)
    r = Restriction("chn", ["gallium"], severity=0.9, severity_range=(0.8, 1.0))
    res = run_uncertain(G, Scenario(restrictions=(r,)), sensitivity=True)
    _fig, ax = res.plot("sensitivity")
    bars = ax.patches
    assert len(bars) == 3
    # Bottom to top: severity (25.6-32.0), dependence (25.2-36.0), share (21.6-36.0).
    assert [round(b.get_x(), 6) for b in bars] == [25.6, 25.2, 21.6]
    assert [round(b.get_width(), 6) for b in bars] == [6.4, 10.8, 14.4]
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "cn-ga->fab.share"
