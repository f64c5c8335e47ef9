"""Lazy package attributes (PEP 562), so that importing a package stays cheap.

``import analysis.cli`` runs ``analysis/__init__.py`` first; if that imported
every module, a command line that needs only a what-if would pay for scipy,
pydantic and friends before doing anything. Instead a package lists what it
exports and from which module, and each is imported on first use.

Several packages export a function with the name of its own module
(``graph.load`` the function lives in ``graph/load.py``). Importing such a
module makes Python bind it as an attribute of the package, which would hide
the function; the package's module class keeps the function in its place, as
an eager ``from graph.load import load`` in ``__init__.py`` would.

Public: both ``graph`` and ``analysis`` build their package namespaces with
``attach``.

Examples
--------
>>> import graph
>>> callable(graph.load), "load" in dir(graph)
(True, True)
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any


class _Package(ModuleType):
    """A package whose exported names win over its submodules of the same name."""

    def __setattr__(self, name: str, value: Any) -> None:
        exports = self.__dict__.get("_EXPORTS", {})
        if isinstance(value, ModuleType) and exports.get(name) == value.__name__:
            value = getattr(value, name)
        super().__setattr__(name, value)


def attach(package: str, exports: Mapping[str, str]) -> tuple[Callable, Callable]:
    """Make ``package`` import each exported name from its module on first use.

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    exports : mapping
        Exported name -> the module that defines it.

    Returns
    -------
    (__getattr__, __dir__)
        To assign in the package's namespace.
    """
    module = sys.modules[package]
    module._EXPORTS = dict(exports)
    module.__class__ = _Package

    def __getattr__(name: str) -> Any:
        if name in exports:
            value = getattr(importlib.import_module(exports[name]), name)
            setattr(module, name, value)
            return value
        if not name.startswith("_"):
            try:
                # A submodule (``graph.errors``): eager imports used to make these
                # attributes as a side effect, and code relies on it.
                return importlib.import_module(f"{package}.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{package}.{name}":
                    raise
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(module.__dict__) | set(exports))

    return __getattr__, __dir__
