"""Import of the USGS MCS world-data CSV: quirks, shares worked out by hand, summaries.

The small file below copies the layout of ``MCS2025_World_Data.csv`` and each
of its quirks: byte-order mark, ``PROD_EST_ 2024`` with a space, trailing and
non-breaking spaces, ``Gemanium``, withheld figures, numbers with commas,
world-total and other-countries rows, several types per commodity, a row
filed under a variant type, a country listed twice, a footnote mark after
the world total, and two world totals in one table.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
import yaml
from helpers import run_cli

from graph.errors import ChokegraphError, UnknownNameError
from graph.importers.usgs import import_usgs, mineral_id, slugify

HEADER = (
    "SOURCE,COMMODITY,COUNTRY,TYPE,UNIT_MEAS,PROD_2023,PROD_EST_ 2024,PROD_NOTES,"
    "CAP_2023,CAP_EST_ 2024,CAP_NOTES,RESERVES_2024,RESERVE_NOTES\n"
)

GA = "Primary production"
GE = "Primary and secondary refinery production"
CU_MINE = "Mine production, recoverable copper content"
CU_REF = "Refinery production, copper"
HE = "Production, helium gas content"
CO = "Mine production, cobalt content, estimated"
SB = "Mine production, antimony content"
FESI = "Plant production, Ferosilicon, silicon content "  # typo and trailing space
TI = "Mine production, ilmentite, titanium dioxide (TiO2) content"
KT = "thousand metric tons"
INCLUDED = "Included in World total"

# (COMMODITY, COUNTRY, TYPE, UNIT_MEAS, PROD_2023, PROD_EST_ 2024, PROD_NOTES), as in the file.
RECORDS = [
    ("Gallium ", "United States", GA, "kilograms", "", "", ""),
    ("Gallium ", "China", GA, "kilograms", "621,000", "750,000", "Estimated from an article. "),
    ("Gallium ", "Japan", GA, "kilograms", "3000", "3000", ""),
    ("Gallium ", "Korea, Republic of", GA, "kilograms", "3000", "3000", ""),
    ("Gallium ", "Russia\u00a0", GA, "kilograms", "6000", "6000", ""),
    ("Gallium ", "Other Countries", GA, "kilograms", "", "", "Germany and others."),
    ("Gallium ", "World total (rounded)", GA, "kilograms", "633000", "760000", ""),
    ("Gemanium", "China", GE, "kilograms", "", "", ""),
    ("Gemanium", "Russia ", GE, "kilograms", "", "", ""),
    ("Gemanium", "World total (rounded)", GE, "kilograms", "", "", ""),
    ("Copper ", "Chile", CU_MINE, KT, "5000", "5300", ""),
    ("Copper ", "Congo (Kinshasa)", CU_MINE, KT, "2900", "3300", ""),
    ("Copper ", "Burma", CU_MINE, KT, "W", "W", ""),
    ("Copper ", "Turkey", CU_MINE, KT, "400", "400", "estimated 2023"),
    ("Copper ", "Atlantis", CU_MINE, KT, "100", "100", ""),
    ("Copper ", "Other Countries", CU_MINE, KT, "1000", "1000", ""),
    ("Copper ", "World total (rounded)", CU_MINE, KT, "9,400", "12,000", ""),
    ("Copper ", "China", CU_REF, KT, "12000", "12000", ""),
    ("Copper ", "Japan", CU_REF, KT, "1490", "1600", ""),
    ("Copper ", "Germany", CU_REF, KT, INCLUDED, INCLUDED, ""),
    ("Copper ", "Peru", CU_REF, KT, "0", "0", ""),
    ("Copper ", "World total (rounded)", CU_REF, KT, "27000", "27000", ""),
    ("Boron ", "Turkey", "Boron all types", KT, "2000", "2000", ""),
    ("Boron ", "Chile", "Boron all types", KT, "400", "400", ""),
    ("Helium", "United States (extracted from natural gas)", HE, "million m3", "64", "68", ""),
    ("Helium", "United States (from Cliffside Field)", HE, "million m3", "18", "13", ""),
    ("Helium", "Qatar", HE, "million m3", "66", "64", ""),
    ("Helium", "World total (rounded)", HE, "million m3", "176", "180", ""),
    ("Cobalt", "United States", "Mine production, estimated", "metric tons", "500", "300", ""),
    ("Cobalt", "Congo (Kinshasa)", CO, "metric tons", "175000", "220000", ""),
    ("Cobalt", "World total (rounded)", CO, "metric tons", "238000", "290000", ""),
    ("Antimony", "China", SB, "metric tons", "62300", "60000", ""),
    ("Antimony", "World total (rounded) 10", SB, "metric tons", "106000", "100000", ""),
    ("Silicon", "Norway", FESI, KT, "176", "180", ""),
    ("Silicon", "World total (rounded)", FESI, KT, "5190", "5100", ""),
    ("Titanium Mineral Concentrates", "Norway", TI, "metric tons", "360", "360", ""),
    (
        "Titanium Mineral Concentrates",
        "World total (ilmenite, rounded)",
        TI,
        "t",
        "8840",
        "9000",
        "",
    ),
    (
        "Titanium Mineral Concentrates",
        "World total (ilmenite and rutile, rounded)",
        TI,
        "t",
        "9430",
        "9400",
        "",
    ),
]


def csv_text() -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for commodity, country, kind, unit, p23, p24, note in RECORDS:
        writer.writerow(
            ["MCS2025", commodity, country, kind, unit, p23, p24, note, "", "", "", "", ""]
        )
    return HEADER + buf.getvalue()


def line_of(commodity: str, country: str) -> int:
    """The line of the first row of this commodity and country (the header is line 1)."""
    for number, record in enumerate(RECORDS, start=2):
        if record[0].startswith(commodity) and record[1].startswith(country):
            return number
    raise AssertionError((commodity, country))


@pytest.fixture
def usgs_file(tmp_path) -> Path:
    path = tmp_path / "MCS2025_World_Data.csv"
    path.write_bytes(("\ufeff" + csv_text()).encode("utf-8"))
    return path


def edges_of(imported) -> dict[tuple[str, str], float]:
    return {(e["from"], e["to"]): e["share"] for e in imported.data["edges"]}


def test_shares_by_hand_2024(usgs_file):
    imported = import_usgs(usgs_file, year=2024)
    shares = edges_of(imported)
    # Gallium 2024: countries 750,000 + 3,000 + 3,000 + 6,000 = 762,000 exceed the
    # rounded world total 760,000, so the sum is the denominator.
    assert shares["chn", "gallium"] == pytest.approx(750_000 / 762_000)
    assert shares["jpn", "gallium"] == pytest.approx(3_000 / 762_000)
    assert shares["kor", "gallium"] == pytest.approx(3_000 / 762_000)
    assert shares["rus", "gallium"] == pytest.approx(6_000 / 762_000)
    assert sum(s for (_, to), s in shares.items() if to == "gallium") == pytest.approx(1.0)
    # Copper mine 2024: rows 5,300 + 3,300 + 400 + 100 (Atlantis) + 1,000 (other)
    # = 10,100 < world 12,000, so the world total is the denominator.
    mine = "copper-mine-production-recoverable-copper-content"
    assert shares["chl", mine] == pytest.approx(5_300 / 12_000)  # 0.44167
    assert shares["cod", mine] == pytest.approx(3_300 / 12_000)  # 0.275
    assert shares["tur", mine] == pytest.approx(400 / 12_000)
    # Copper refinery 2024: 12,000 / 27,000 and 1,600 / 27,000.
    refinery = "copper-refinery-production-copper"
    assert shares["chn", refinery] == pytest.approx(12_000 / 27_000)  # 0.4444
    assert shares["jpn", refinery] == pytest.approx(1_600 / 27_000)
    # Helium: the two United States rows are summed: (68 + 13) / 180 = 0.45.
    helium = "helium-production-helium-gas-content"
    assert shares["usa", helium] == pytest.approx(0.45)
    assert shares["qat", helium] == pytest.approx(64 / 180)
    # Cobalt: the United States row sits under a variant type; same table.
    assert shares["usa", "cobalt"] == pytest.approx(300 / 290_000)
    assert shares["cod", "cobalt"] == pytest.approx(220_000 / 290_000)
    # Antimony: "World total (rounded) 10" (a footnote mark) is the world total.
    assert shares["chn", "antimony-mine-production-antimony-content"] == pytest.approx(0.6)
    # Ferrosilicon (typo and trailing space in the type): 180 / 5,100.
    assert shares["nor", "silicon-plant-production-ferrosilicon-silicon-content"] == pytest.approx(
        180 / 5_100
    )
    # Titanium: the plain ilmenite total (9,000), not the ilmenite + rutile one.
    ilmenite = (
        "titanium-mineral-concentrates-mine-production-ilmenite-titanium-dioxide-tio2-content"
    )
    assert shares["nor", ilmenite] == pytest.approx(360 / 9_000)
    assert len(shares) == 4 + 3 + 2 + 2 + 2 + 1 + 1 + 1


def test_shares_by_hand_2023(usgs_file):
    shares = edges_of(import_usgs(usgs_file, year=2023))
    # Gallium 2023: 621,000 + 3,000 + 3,000 + 6,000 = 633,000 = the world total.
    assert shares["chn", "gallium"] == pytest.approx(621_000 / 633_000)
    # Copper mine 2023: 5,000 + 2,900 + 400 + 100 + 1,000 = 9,400 = world total 9,400.
    mine = "copper-mine-production-recoverable-copper-content"
    assert shares["chl", mine] == pytest.approx(5_000 / 9_400)
    # Helium 2023: (64 + 18) / 176.
    assert shares["usa", "helium-production-helium-gas-content"] == pytest.approx(82 / 176)


def test_nodes_source_and_provenance(usgs_file):
    imported = import_usgs(usgs_file)
    (source,) = imported.data["sources"]
    assert source["id"] == "usgs-mcs-2025"
    assert source["url"] == "https://doi.org/10.5066/P13XCP3R"
    assert source["author"] == "U.S. Geological Survey"
    assert source["title"] == (
        "Mineral Commodity Summaries 2025: world production, capacity and reserves (data release)"
    )
    nodes = {n["id"]: n for n in imported.data["nodes"]}
    assert nodes["kor"] == {"id": "kor", "kind": "country", "name": "South Korea"}
    assert nodes["cod"]["kind"] == "country"
    assert "atlantis" not in nodes
    assert nodes["gallium"]["kind"] == "mineral"
    assert "760,000" in nodes["gallium"]["note"]
    # The cobalt table is named after its world-total row, not the stray US row.
    assert nodes["cobalt"]["name"] == "Cobalt: mine production, cobalt content, estimated"
    # Germanium has no figure at all: no node, and its rows are listed instead.
    assert "germanium" not in nodes
    for edge in imported.data["edges"]:
        assert edge["source"] == "usgs-mcs-2025"
        assert edge["year"] == 2024
        assert edge["confidence"] == "reported"
        assert 0 < edge["share"] <= 1
    edges = {(e["from"], e["to"]): e for e in imported.data["edges"]}
    assert edges["chn", "gallium"]["note"] == "USGS: Estimated from an article."
    # "estimated 2023" is about the other year's figure: not carried onto 2024.
    assert "note" not in edges["tur", "copper-mine-production-recoverable-copper-content"]
    assert "sum of" in edges["usa", "helium-production-helium-gas-content"]["note"]


def test_unusable_rows_are_listed_with_line_and_reason(usgs_file):
    imported = import_usgs(usgs_file)
    skipped = {(s.line, s.reason) for s in imported.skipped}
    expected = {
        (line_of("Gallium", "United States"), "no-value"),
        (line_of("Gallium", "Other Countries"), "no-value"),
        (line_of("Gemanium", "China"), "no-value"),
        (line_of("Gemanium", "Russia"), "no-value"),
        (line_of("Gemanium", "World total"), "no-value"),
        (line_of("Copper", "Burma"), "no-value"),  # W
        (line_of("Copper", "Germany"), "no-value"),  # "Included in World total"
        (line_of("Copper", "Atlantis"), "unknown-country"),
        (line_of("Copper", "Peru"), "zero"),
        (line_of("Boron", "Turkey"), "no-world-total"),
        (line_of("Boron", "Chile"), "no-world-total"),
        (line_of("Titanium", "World total (ilmenite and"), "extra-world-total"),
    }
    assert skipped == expected
    assert all(s.path == "MCS2025_World_Data.csv" for s in imported.skipped)

    summary = imported.summary(examples=2)
    assert "unusable rows: 12" in summary
    assert "no-value: 7" in summary
    assert "unknown-country: 1" in summary
    assert "no-world-total: 2" in summary
    assert "zero: 1" in summary
    assert "extra-world-total: 1" in summary
    assert f"MCS2025_World_Data.csv:{line_of('Copper', 'Atlantis')}: unknown-country" in summary
    assert "... and 5 more" in summary  # 7 no-value rows, 2 shown
    assert "germanium" in summary  # a table without any usable row is named


def test_commodity_filter(usgs_file):
    imported = import_usgs(usgs_file, commodities=["gallium", "Copper"])
    minerals = {n["id"] for n in imported.nodes("mineral")}
    assert minerals == {
        "gallium",
        "copper-mine-production-recoverable-copper-content",
        "copper-refinery-production-copper",
    }
    assert {s.reason for s in imported.skipped} == {"no-value", "unknown-country", "zero"}
    with pytest.raises(UnknownNameError, match="did you mean 'gallium'"):
        import_usgs(usgs_file, commodities=["galium"])


def test_bad_inputs(tmp_path, usgs_file):
    with pytest.raises(ChokegraphError, match="no such file"):
        import_usgs(tmp_path / "missing.csv")
    with pytest.raises(ChokegraphError, match=r"no production column for 2022.*2023, 2024"):
        import_usgs(usgs_file, year=2022)
    other = tmp_path / "other.csv"
    other.write_text("a,b\n1,2\n")
    with pytest.raises(ChokegraphError, match="not a USGS MCS world-data table"):
        import_usgs(other)


def test_windows_1252_file(tmp_path):
    # MCS 2026 ships as Windows-1252; "Côte d'Ivoire" must still resolve.
    path = tmp_path / "cp1252.csv"
    text = (
        "COMMODITY,COUNTRY,TYPE,PROD_2024\n"
        'Manganese,C\u00f4te d\u2019Ivoire,"Mine production, manganese content",100\n'
        'Manganese,World total (rounded),"Mine production, manganese content",1000\n'
    )
    path.write_bytes(text.encode("cp1252"))
    assert edges_of(import_usgs(path))["civ", "manganese"] == pytest.approx(0.1)


@pytest.mark.parametrize(
    ("commodity", "kind", "expected"),
    [
        ("Gallium ", "Primary production", "gallium"),
        ("Gemanium", "Primary and secondary refinery production", "germanium"),
        ("Graphite", "Mine production", "natural-graphite"),
        ("Rare earths", "Mine production, rare-earth-oxide equivalent", "rare-earth-ore"),
        ("Diamond (industrial)", "Mine production, industrial diamond", "industrial-diamond"),
        ("Lithium ", "Mine production, lithium content", "lithium"),
        ("Cobalt", "Mine production, cobalt content, estimated", "cobalt"),
        ("Cobalt", "Mine production, estimated", "cobalt"),
        ("Nickel", "Mine production, nickel content", "nickel"),
        ("Manganese", "Mine production, manganese content", "manganese"),
        ("Tungsten ", "Mine production, tungsten content", "tungsten"),
        ("Vanadium", "Mine production, vanadium content", "vanadium"),
        ("Platinum-Group metals", "Mine production, Palladium content", "palladium"),
        ("Silicon", "Plant production, silicon metal", "silicon"),
        (
            "Bauxite",
            "Mine production, bauxite, dry tons",
            "bauxite-mine-production-bauxite-dry-tons",
        ),
        ("Clays", "Mine poduction, Kaolin", "clays-mine-production-kaolin"),
    ],
)
def test_mineral_ids(commodity, kind, expected):
    assert mineral_id(commodity, kind) == expected


def test_slugify():
    assert slugify("Platinum-Group metals") == "platinum-group-metals"
    assert slugify("  Pumice & Pumicite ") == "pumice-pumicite"


def test_imported_dataset_loads(usgs_file, tmp_path):
    graph = pytest.importorskip("graph")
    if not hasattr(graph, "from_dict"):
        pytest.skip("graph.from_dict is not available yet")
    G = graph.from_dict(import_usgs(usgs_file).data)
    assert G.nodes["gallium"]["kind"] == "mineral"
    assert G.edges["chn", "gallium", "gallium"]["share"] == pytest.approx(750_000 / 762_000)


def test_cli_yaml_to_stdout(usgs_file):
    code, out, err = run_cli(["import", "usgs", str(usgs_file), "--commodity", "gallium"])
    assert code == 0, err
    data = yaml.safe_load(out)
    assert {n["id"] for n in data["nodes"]} == {"chn", "jpn", "kor", "rus", "gallium"}
    assert "unusable rows: 2" in err
    assert "&" not in out and "*" not in out  # no YAML anchors or aliases


def test_cli_writes_yaml_file_atomically(usgs_file, tmp_path):
    out_file = tmp_path / "usgs.yaml"
    code, out, err = run_cli(
        ["import", "usgs", str(usgs_file), "-o", str(out_file), "--year", "2023"]
    )
    assert code == 0, err
    assert out == ""
    data = yaml.safe_load(out_file.read_text(encoding="utf-8"))
    shares = {(e["from"], e["to"]): e["share"] for e in data["edges"]}
    assert shares["chn", "gallium"] == pytest.approx(621_000 / 633_000)
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_cli_writes_tables_to_a_folder(usgs_file, tmp_path):
    folder = tmp_path / "tables"
    code, _, err = run_cli(["import", "usgs", str(usgs_file), "-o", f"{folder}/"])
    assert code == 0, err
    assert (folder / "nodes.csv").is_file() and (folder / "edges.csv").is_file()
    import graph

    if hasattr(graph, "load"):
        G = graph.load(folder)
        assert G.edges["chn", "gallium", "gallium"]["share"] == pytest.approx(750_000 / 762_000)


def test_cli_bad_year_and_missing_file(usgs_file, tmp_path):
    code, _, err = run_cli(["import", "usgs", str(usgs_file), "--year", "2020"])
    assert code == 2 and err.startswith("error:")
    code, _, err = run_cli(["import", "usgs", str(tmp_path / "nope.csv")])
    assert code == 2 and "no such file" in err and "Traceback" not in err


def test_cli_refuses_an_ambiguous_output(usgs_file, tmp_path):
    code, _, err = run_cli(["import", "usgs", str(usgs_file), "-o", str(tmp_path / "out.csv")])
    assert code == 2 and "give a .yaml file, or a folder" in err
    assert not (tmp_path / "out.csv").exists()
    missing = tmp_path / "no" / "such" / "folder"
    code, _, err = run_cli(["import", "usgs", str(usgs_file), "-o", f"{missing}/"])
    assert code == 2 and "does not exist" in err


# --- the real file ----------------------------------------------------------------------

USGS_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "usgs-mcs-2025"
REAL_FILE = USGS_DIR / "MCS2025_World_Data.csv"
needs_real_file = pytest.mark.skipif(
    not REAL_FILE.is_file(), reason=f"USGS MCS 2025 world data not found at {REAL_FILE}"
)


@pytest.fixture(scope="module")
def real_import():
    return import_usgs(REAL_FILE, year=2024)


@needs_real_file
def test_real_file_shares_match_the_published_figures(real_import):
    shares = edges_of(real_import)
    # Figures of the MCS 2025 world table (2024 estimates). Gallium: China 750,000 kg of a
    # rounded world total of 760,000 (98.7%); countries sum to 762,000, so 750/762 = 98.4%.
    assert shares["chn", "gallium"] == pytest.approx(750_000 / 762_000)
    assert abs(shares["chn", "gallium"] - 0.987) < 0.005
    # Cobalt: DR Congo 220,000 t of 290,000 t (75.9%); listed rows sum to 288,200 < 290,000.
    assert shares["cod", "cobalt"] == pytest.approx(220_000 / 290_000)
    # Nickel: Indonesia 2,200,000 t of 3,700,000 t (59.5%).
    assert shares["idn", "nickel"] == pytest.approx(2_200_000 / 3_700_000)
    # Lithium: Australia 88,000 t of 240,000 t (36.7%); the US figure is withheld.
    assert shares["aus", "lithium"] == pytest.approx(88_000 / 240_000)
    # Rare earths: China 270,000 t of 390,000 t (69.2%); listed rows add to 393,950.
    assert shares["chn", "rare-earth-ore"] == pytest.approx(270_000 / 393_950)
    # Natural graphite: China 1,270,000 t of 1,600,000 t (79.4%), within 2 pp after
    # normalising (the listed rows add up to more than the rounded total).
    assert abs(shares["chn", "natural-graphite"] - 0.794) < 0.02
    # Palladium: Russia 75,000 kg of 190,000 kg (39.5%).
    assert shares["rus", "palladium"] == pytest.approx(75_000 / 190_000)
    # Silicon metal: China 3,900 of 4,600 thousand t (84.8%).
    assert shares["chn", "silicon"] == pytest.approx(3_900 / 4_600)
    # Industrial diamond: Russia 16 of 41 million carats (39.0%).
    assert shares["rus", "industrial-diamond"] == pytest.approx(16 / 41)


@needs_real_file
def test_real_file_shares_never_sum_above_one(real_import):
    totals: dict[str, float] = {}
    for edge in real_import.data["edges"]:
        totals[edge["to"]] = totals.get(edge["to"], 0.0) + edge["share"]
    assert max(totals.values()) <= 1 + 1e-9
    for mineral in ("gallium", "natural-graphite", "rare-earth-ore", "cobalt", "lithium"):
        assert mineral in totals


@needs_real_file
def test_real_file_unusable_rows_are_accounted_for(real_import):
    reasons = {s.reason for s in real_import.skipped}
    assert reasons <= {"no-value", "no-world-total", "extra-world-total", "unknown-country"}
    # Germanium: every figure is withheld in MCS 2025.
    germanium = [s for s in real_import.skipped if s.detail.startswith("Germanium /")]
    assert len(germanium) == 8
    assert all(s.reason == "no-value" for s in germanium)
    # Every data row is an edge, part of one, a denominator, or listed as unusable.
    used_lines = len(real_import.skipped)
    assert used_lines < 1250


@needs_real_file
def test_real_file_loads_as_a_dataset(real_import):
    import graph

    if not hasattr(graph, "from_dict"):
        pytest.skip("graph.from_dict is not available yet")
    G = graph.from_dict(real_import.data)
    assert G.nodes["chn"]["name"] == "China"
    assert G.nodes["gallium"]["kind"] == "mineral"


@needs_real_file
def test_bundled_dataset_agrees_with_usgs(real_import):
    """Every country -> mineral share of the bundled dataset that USGS also gives
    agrees within 1 percentage point, or the bundled edge says why in a note."""
    import graph

    if not hasattr(graph, "load"):
        pytest.skip("graph.load is not available yet")
    if not any(graph.bundled_path().glob("*.yaml")):
        pytest.skip("the bundled dataset has no YAML files yet")
    G = graph.load()
    usgs = edges_of(real_import)
    compared, disagreements = 0, []
    for u, v, data in G.edges(data=True):
        if data.get("kind") != "supplies" or G.nodes[u].get("kind") != "country":
            continue
        if (u, v) not in usgs:
            continue
        compared += 1
        if abs(data["share"] - usgs[u, v]) > 0.01 + 1e-12 and not data.get("note"):
            disagreements.append(f"{u} -> {v}: bundled {data['share']:.4f}, USGS {usgs[u, v]:.4f}")
    if compared == 0:
        pytest.skip("the bundled dataset has no country -> mineral edge that USGS also gives")
    assert not disagreements, "\n".join(disagreements)
