"""Every example in a docstring runs and prints what it says.

The examples are the first thing a newcomer copies; a stale one is a bug.
"""

import doctest
import importlib
import pkgutil

import pytest

import analysis
import graph


def _modules():
    names = ["chokegraph"]
    for package in (graph, analysis):
        names.append(package.__name__)
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            names.append(info.name)
    return sorted(names)


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples in {name} failed"
