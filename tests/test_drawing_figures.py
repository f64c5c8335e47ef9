"""The figure-or-axes helper every plot shares."""

from __future__ import annotations

import matplotlib
import pytest

from analysis.drawing.figures import fig_ax

matplotlib.use("Agg")


pytestmark = pytest.mark.usefixtures("close_figures")  # tests/conftest.py


def test_a_new_figure_has_the_size_asked_for():
    fig, ax = fig_ax(None, (4.0, 3.0))
    assert tuple(fig.get_size_inches()) == (4.0, 3.0)
    assert fig.axes == [ax]


def test_a_new_figure_places_its_axes():
    _, ax = fig_ax(None, (4.0, 2.0), rect=(0.1, 0.2, 0.5, 0.6))
    assert tuple(round(v, 9) for v in ax.get_position().bounds) == (0.1, 0.2, 0.5, 0.6)
    _, ax = fig_ax(None, (4.0, 2.0), margins={"left": 0.25, "right": 0.75})
    assert round(ax.get_position().x0, 9) == 0.25 and round(ax.get_position().x1, 9) == 0.75


def test_a_given_axes_is_used_as_it_is():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 5))
    assert fig_ax(ax, (1.0, 1.0)) == (fig, ax)
    assert tuple(fig.get_size_inches()) == (5.0, 5.0)
