"""The timeline of a sampled result: each line's p5-p95 band, shaded around it."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
from helpers import TWO_SHARES, dataset, run_cli
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgb

import analysis
from analysis.scenario import Restriction, Scenario
from analysis.whatif import run_uncertain

# Tests draw to files only, never to a window (pyplot is imported after this).
matplotlib.use("Agg")

pytestmark = pytest.mark.usefixtures("close_figures")  # tests/conftest.py

# In TWO_SHARES nothing holds stock, so in every sample a node's shortfall is 0 before
# the start day and, from it on, the share that sample drew: its steady shortfall.
START, HORIZON = 10, 40


def two_shares(**sampling):
    scenario = Scenario(
        restrictions=(Restriction("chn", ("gallium",), start_day=START),), horizon=HORIZON
    )
    return run_uncertain(dataset(TWO_SHARES), scenario, **sampling)


def band_and_lines(ax):
    bands = [c for c in ax.collections if isinstance(c, PolyCollection)]
    lines = [line for line in ax.lines if len(line.get_xdata()) > 2]
    return bands, lines


def test_each_line_has_its_p5_p95_band_around_it():
    res = two_shares(samples=40, seed=3)
    _, ax = res.plot("timeline")
    bands, lines = band_and_lines(ax)
    assert len(bands) == len(lines) == 2
    days = np.arange(HORIZON + 1)
    for band, line in zip(bands, lines, strict=True):
        node = {"Fabs (jpn)": "fab", "Labs (jpn)": "lab"}[line.get_label().split(":")[0]]
        # Worked out apart from the plot: each sample's day-by-day shortfall from its
        # steady shortfall (see TWO_SHARES), then numpy's percentiles over the samples.
        per_sample = np.where(days >= START, res.samples(node)[:, None], 0.0)
        low, high = np.percentile(per_sample, (5, 95), axis=0)
        assert low[START] < high[START]  # a band, not a line
        # Same colour as its line, light.
        *rgb, alpha = band.get_facecolor()[0]
        assert tuple(rgb) == pytest.approx(to_rgb(line.get_color()))
        assert 0 < alpha <= 0.3
        xy = band.get_paths()[0].vertices
        for x, y in xy:
            # A step after each day: at day d the edge goes from day d-1's value to day d's.
            near = [min(max(round(float(x)) - k, 0), HORIZON) for k in (0, 1)]
            assert low[near].min() - 1e-12 <= y <= high[near].max() + 1e-12, (node, x, y)
        # And the band fills the whole of p5-p95 once the restriction starts.
        after = xy[:, 0] > START
        assert xy[after, 1].max() == pytest.approx(high[-1], abs=1e-12)
        assert xy[after, 1].min() == pytest.approx(low[-1], abs=1e-12)
        assert xy[xy[:, 0] < START, 1].max() == 0.0


def test_the_legend_says_what_is_shaded():
    _, ax = two_shares(samples=40, seed=3).plot("timeline")
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert len(legend) == 3
    assert legend[-1].startswith("shaded: p5-p95 of each line over 40 samples")


def test_no_band_without_samples_or_when_asked_for_none():
    _, ax = analysis.what_if(
        dataset(TWO_SHARES), [Restriction("chn", ["gallium"], start_day=START)], horizon=HORIZON
    ).plot("timeline")
    assert band_and_lines(ax)[0] == []
    assert len(ax.get_legend().get_texts()) == 2
    _, ax = two_shares(samples=10).plot("timeline", band=False)
    assert band_and_lines(ax)[0] == []


def test_the_samples_are_drawn_again_as_the_bands_drew_them():
    res = two_shares(samples=25, seed=7, distribution="triangular")
    per_sample = res.sample_timelines(["lab", "fab"])
    assert per_sample.shape == (25, HORIZON + 1, 2)
    assert np.array_equal(per_sample[:, -1, 0], res.samples("lab"))
    assert np.array_equal(per_sample[:, -1, 1], res.samples("fab"))
    assert not per_sample[:, :START].any()


def test_a_result_without_samples_has_no_sample_timelines():
    res = analysis.what_if(dataset(TWO_SHARES), [Restriction("chn", ["gallium"])])
    with pytest.raises(ValueError, match="no samples"):
        res.sample_timelines(["fab"])


def test_cli_render_timeline_with_samples_shades_the_bands(tmp_path):
    out = tmp_path / "t.svg"
    args = ["render", "china", "gallium", "--to", "japan", "--timeline", "--samples", "20"]
    code, _, err = run_cli([*args, "--seed", "2", "-o", str(out)])
    assert code == 0, err
    again = tmp_path / "again.svg"
    code, _, err = run_cli([*args, "--seed", "2", "-o", str(again)])
    assert code == 0, err
    assert again.read_bytes() == out.read_bytes()  # the same seed, the same picture
    plain = tmp_path / "plain.svg"
    code, _, err = run_cli([*args[:-2], "-o", str(plain)])
    assert code == 0, err
    assert plain.read_bytes() != out.read_bytes()


# A stock and a ramping alternative, every kind of range: the days of each sample move.
STOCK_AND_RAMP = """
nodes:
  - {id: chn, kind: country}
  - {id: jpn, kind: country}
  - {id: cn-ga, kind: refiner, country: chn, commodity: gallium}
  - {id: jp-ga, kind: refiner, country: jpn, commodity: gallium}
  - {id: fab, kind: component, country: jpn,
     inputs: {gallium: {stockpile_days: 5, stockpile_days_range: [0, 20],
                        dependence_range: [0.5, 1.0]}}}
  - {id: car, kind: industry, country: jpn}
edges:
  - {from: cn-ga, to: fab, share: 0.6, range: [0.4, 0.8]}
  - {from: jp-ga, to: fab, share: 0.3, spare: 0.2, spare_range: [0.0, 0.4], ramp_days: 30}
  - {from: fab, to: car, share: 0.5}
"""


def test_the_sample_timelines_are_one_engine_run_per_sample():
    from analysis import uncertainty
    from analysis.engine import run

    G = dataset(STOCK_AND_RAMP)
    cut = Restriction("chn", ("gallium",), start_day=3, severity=0.8, severity_range=(0.5, 1.0))
    res = run_uncertain(G, Scenario(restrictions=(cut,), horizon=90), samples=12, seed=5)
    nodes = ["car", "chn", "fab"]  # chn: never short
    per_sample = res.sample_timelines(nodes)
    C, s = res.compiled, res.scenario
    ps = uncertainty.params(C, s)
    assert {p.field for p in ps} == {"share", "spare", "dependence", "stockpile_days", "severity"}
    for k in range(12):
        one = run(*uncertainty.apply(C, s, ps, uncertainty.draw(ps, 5, k, "uniform")))
        expected = np.zeros((91, 3))
        for j, node in enumerate(nodes):
            i = C.index[node]
            if i in one.affected:
                expected[:, j] = 1.0 - one.timeline[:, int(np.searchsorted(one.affected, i))]
        assert np.array_equal(per_sample[k], expected), k
    assert per_sample[:, :3].max() == 0.0 and per_sample[:, -1, 1].max() == 0.0
    assert per_sample[:, 3:, 2].std(axis=0).max() > 0.0  # the samples differ
