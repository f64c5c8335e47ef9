"""Fuzz targets of ``benchmarks.fuzz_loader`` for hostile names, JSON cells and imports.

- ``names``: a node name drawn from hostile text (rich markup such as
  ``[/]`` and ``[link=...]``, control characters, lone surrogates, NFC and
  NFD forms, bidi marks, formula prefixes ``=+-@``), written into a YAML file
  and into a CSV table. A name that loads must come out as well-formed XML in
  GraphML and GEXF, and must be found again by its NFC and its NFD form.
- ``cells``: the ``inputs`` JSON cell of a node table, drawn from JSON-like
  text (deep nesting, repeated keys, escapes, huge numbers).
- ``import``: mutated USGS world-data and BACI trade tables through
  ``import_usgs``/``import_trade``; an import that succeeds must give YAML
  that loads (or fails with a ``ChokegraphError``).

Each target returns the call to time; ``Fuzzer.run_one`` counts outcomes.
"""

from __future__ import annotations

import unicodedata

from hypothesis import strategies as st

USGS_SEED = (
    b"COMMODITY,COUNTRY,TYPE,UNIT_MEAS,PROD_2023,PROD_EST_2024,PROD_NOTES\n"
    b"Gallium,China,Primary production,metric tons,750,750,\n"
    b"Gallium,Japan,Primary production,metric tons,3,3,\n"
    b'Gallium,"Korea, Republic of",Primary production,metric tons,2,W,\n'
    b"Gallium,World total (rounded),Primary production,metric tons,760,760,\n"
    b'Germanium,China,Refinery production,kilograms,"100,000","110,000",est.\n'
    b'Germanium,World total (rounded),Refinery production,kilograms,"140,000","150,000",\n'
)
BACI_SEED = (
    b"t,i,j,k,v,q\n"
    b"2023,156,392,811292,300,1.5\n"
    b"2023,56,392,811292,100,0.5\n"
    b"2023,842,392,811292,100,0.4\n"
    b"2023,156,410,811292,50,0.2\n"
)
IMPORT_SEEDS = [USGS_SEED, BACI_SEED]

#: Pieces of hostile display text.
NAME_PIECES = [
    "[/]",
    "[primary]",
    "[link=https://example.com]x[/link]",
    "[bold red]",
    "\\[",
    '=HYPERLINK("x")',
    "+1",
    "-2",
    "@SUM(A1)",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\x9b",
    "\ud800",
    "\udfff",
    "\ufffe",
    "\u202e",
    "\u200b",
    "\u2028",
    "e\u0301",
    "\u00e9",
    "\uac00",
    "\u1100\u1161",
    "<",
    "&amp;",
    "]]>",
    '"',
    "'",
    "\t",
    "\n",
    "\r",
    "%s",
    "{0}",
    "China",
]
NAMES = st.lists(st.sampled_from(NAME_PIECES) | st.text(max_size=4), min_size=1, max_size=5).map(
    "".join
)

#: JSON-like text for an ``inputs`` cell.
CELLS = st.one_of(
    st.integers(1, 300_000).map(lambda n: "[" * n + "]" * n),
    st.integers(1, 300_000).map(lambda n: '{"a":' * n + "1" + "}" * n),
    st.integers(1, 50_000).map(lambda n: "[" * n),
    st.sampled_from(
        [
            '{"gallium": {"dependence": 0.5}, "gallium": {"dependence": 0.9}}',
            '{"gallium": {"dependence": 0.5, "dependence": 0.9}}',
            '{"gallium": {"dependence": 1e999}}',
            '{"gallium": {"dependence": NaN}}',
            '{"gallium": {"dependence": -0.0}}',
            '{"gallium": {"stockpile_days": 1e308}}',
            '{"ga\\u0000llium": {}}',
            '{"\\ud800": {}}',
            '{"gallium": null}',
            "[]",
            '"text"',
            "",
        ]
    ),
    st.recursive(
        st.none() | st.booleans() | st.floats() | st.text(max_size=6),
        lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=6), c, max_size=3),
        max_leaves=8,
    ).map(lambda v: __import__("json").dumps(v)),
)


def _yaml_text(name: str) -> str:
    """A YAML double-quoted scalar holding ``name`` (escapes for what YAML cannot hold raw)."""
    out = []
    for ch in name:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF or code >= 0xFFFE:
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def names_call(fuzzer, data: st.DataObject):
    """Load a dataset with a hostile name; check what a loaded name must survive."""
    import csv
    import io

    name = data.draw(NAMES, label="name")
    form = data.draw(st.sampled_from(["yaml", "csv"]), label="form")
    folder = fuzzer.tmp / "names"
    if folder.exists():
        for p in folder.iterdir():
            p.unlink()
    folder.mkdir(exist_ok=True)
    if form == "yaml":
        (folder / "d.yaml").write_text(
            "nodes:\n"
            f"  - {{id: x, kind: country, name: {_yaml_text(name)}}}\n"
            "  - {id: gallium, kind: mineral}\n"
            "edges:\n  - {from: x, to: gallium, share: 0.5}\n",
            encoding="utf-8",
            errors="surrogatepass",
        )
    else:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerows(
            [["id", "kind", "name"], ["x", "country", name], ["gallium", "mineral", ""]]
        )
        (folder / "nodes.csv").write_bytes(buf.getvalue().encode("utf-8", "surrogatepass"))
        (folder / "edges.csv").write_text("from,to,share\nx,gallium,0.5\n", encoding="utf-8")

    def call() -> None:
        G = fuzzer.load(folder)
        _check_xml(G)
        _check_lookup(G, name)

    return call, name.encode("utf-8", "surrogatepass")


class NotWellFormed(AssertionError):
    """A loaded dataset gave a GraphML or GEXF file that is not well-formed XML."""


def _check_xml(G) -> None:
    import io
    import xml.dom.minidom

    import networkx as nx

    from analysis.drawing.graphfiles import flat_graph

    F = flat_graph(G)
    for writer in (nx.write_graphml, nx.write_gexf):
        buf = io.BytesIO()
        writer(F, buf)
        try:
            xml.dom.minidom.parseString(buf.getvalue())
        except Exception as exc:
            raise NotWellFormed(f"{writer.__name__}: {exc}") from exc


def _check_lookup(G, name: str) -> None:
    from graph.errors import ChokegraphError
    from graph.lookup import resolve_node

    shown = G.nodes["x"].get("name") or "x"
    for form in ("NFC", "NFD"):
        typed = unicodedata.normalize(form, shown)
        try:
            found = resolve_node(G, typed)
        except ChokegraphError:
            if not typed.strip():
                continue  # a blank name is not typed
            raise AssertionError(f"name {shown!r} not found as {form} {typed!r}") from None
        if found not in ("x", "gallium"):
            raise AssertionError(f"name {shown!r} as {form} found {found!r}")


def cells_call(fuzzer, data: st.DataObject):
    """A node table whose ``inputs`` cell is hostile JSON text."""
    import csv
    import io

    cell = data.draw(CELLS, label="cell")
    folder = fuzzer.tmp / "cells"
    folder.mkdir(exist_ok=True)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerows(
        [
            ["id", "kind", "inputs"],
            ["chn", "country", ""],
            ["gallium", "mineral", ""],
            ["semis", "industry", cell],
        ]
    )
    content = buf.getvalue().encode("utf-8", "surrogatepass")
    (folder / "nodes.csv").write_bytes(content)
    (folder / "edges.csv").write_text(
        "from,to,share\nchn,gallium,0.9\ngallium,semis,0.5\n", encoding="utf-8"
    )
    return (lambda: fuzzer.load(folder)), content


def import_call(fuzzer, which: int, content: bytes):
    """Import a mutated USGS (``which`` even) or BACI table, then load what it gives."""
    from graph.importers.trade import import_trade
    from graph.importers.usgs import import_usgs

    path = fuzzer.tmp / ("world.csv" if which % 2 == 0 else "baci.csv")
    path.write_bytes(content)
    out = fuzzer.tmp / "imported.yaml"

    def call() -> None:
        if which % 2 == 0:
            imported = import_usgs(path, year=2024)
        else:
            imported = import_trade(path, products=["811292"])
        imported.summary()
        out.write_text(imported.to_yaml(), encoding="utf-8")
        fuzzer.load(out)

    return call
