"""The bundled dataset (``seeds/``): it loads, every figure cites a source, and
the figures are those the sources publish.

The expected values below are copied from the sources (the articles' figures
as listed in the project's fact sheet, and the USGS MCS 2025 world table),
never from the YAML, so that a slip in the data fails here.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

import analysis
import graph
from analysis.scenario import SCENARIO_KEYS
from graph.lookup import expand_commodities, resolve_commodity, resolve_node

SEEDS = graph.bundled_path()
DATASET_SCHEMA_LINE = "# yaml-language-server: $schema=../docs/chokegraph.schema.json"
SCENARIO_SCHEMA_LINE = "# yaml-language-server: $schema=../../docs/scenario.schema.json"

ARTICLES = ("economic-daily-2025", "qin-shuo-2024", "lu-yi-2026", "shu-biquan-2025", "xiao-li-2026")

#: Every bundled scenario, the replays of the export controls among them.
SCENARIOS = tuple(sorted(p.stem for p in (SEEDS / "scenarios").glob("*.yaml")))


@pytest.fixture(scope="module")
def G():
    return graph.load()


def supplies(G, u: str, v: str, commodity: str) -> dict:
    assert G.has_edge(u, v, key=commodity), f"no {commodity} edge {u} -> {v}"
    return G.edges[u, v, commodity]


# --- loading and provenance -------------------------------------------------------


def test_bundled_dataset_loads(G):
    kinds = {kind: 0 for kind in ("country", "mineral", "refiner", "component", "industry")}
    for _, kind in G.nodes(data="kind"):
        kinds[kind] += 1
    assert all(count > 0 for count in kinds.values()), kinds
    assert G.graph["hash"] and G.graph["sources"]


def test_every_dataset_file_names_the_schema():
    files = sorted(SEEDS.glob("*.yaml"))
    assert len(files) >= 9
    for path in files:
        assert path.read_text(encoding="utf-8").splitlines()[0] == DATASET_SCHEMA_LINE, path
    for path in sorted((SEEDS / "scenarios").glob("*.yaml")):
        assert path.read_text(encoding="utf-8").splitlines()[0] == SCENARIO_SCHEMA_LINE, path


def test_the_source_articles_are_listed_with_title_author_and_date(G):
    for sid in ARTICLES:
        entry = G.graph["sources"][sid]
        assert entry["title"] and entry["author"] and entry["published"], sid
    usgs = G.graph["sources"]["usgs-mcs-2025"]
    assert "10.5066/P13XCP3R" in usgs["url"]


def test_every_edge_cites_a_known_source_and_says_how_sure_it_is(G):
    sources = G.graph["sources"]
    for u, v, key, data in G.edges(keys=True, data=True):
        where = f"{u} -> {v} ({key}) at {data['where']}"
        assert data["source"] in sources, where
        assert data["confidence"] in ("reported", "estimate", "recalled"), where
        if data["confidence"] == "estimate":
            assert data["note"], f"an estimate needs a note saying how it was made: {where}"


def test_every_node_source_is_known_and_estimates_are_explained(G):
    sources = G.graph["sources"]
    for n, data in G.nodes(data=True):
        if data["source"] is not None:
            assert data["source"] in sources, n
        if data["confidence"] == "estimate":
            assert data["note"], n


# Annual output values (USD), from well-known publications recalled by title and
# year (sources.yaml says what each gives): (node, value, source).
INDUSTRY_VALUES = [
    ("jp-automotive", 4.0e11, "jama-motor-industry-2024"),  # ~60 trillion yen at 150/USD
    ("jp-batteries", 7.0e9, "meti-production-statistics-2024"),  # ~1 trillion yen
    ("jp-semiconductors", 4.6e10, "wsts-2024"),  # Japan region market, USD 46 bn
    ("jp-machine-tools-robots", 1.6e10, "jmtba-orders-2024"),  # (1.5 + 0.9) trillion yen
    ("jp-defence", 5.3e10, "mod-defense-of-japan-2024"),  # 7.9 trillion yen budget
    ("jp-electronics", 2.1e10, "jeita-production-2024"),  # ~3.2 trillion yen
    ("us-apple-devices", 2.949e11, "apple-10k-2024"),  # products net sales FY2024
    ("us-tesla-drive-motors", 4.0e9, "tesla-10k-2024"),  # ~45,000 Model S/X x ~USD 90,000
    ("kr-samsung-chips", 8.1e10, "samsung-results-2024"),  # ~111 trillion won
    ("us-intel-chips", 5.31e10, "intel-10k-2024"),  # revenue 2024
]


@pytest.mark.parametrize(("node", "value", "source"), INDUSTRY_VALUES)
def test_industry_values_cite_a_publication(G, node, value, source):
    data = G.nodes[node]
    assert data["value"] == pytest.approx(value)
    assert data["source"] == source and data["confidence"] == "recalled"
    # The note names the publication and gives the range, since `value` has none.
    assert source in data["note"] and "range USD" in data["note"]


def test_every_industry_has_a_value_and_no_other_node_does(G):
    industries = {n for n, kind in G.nodes(data="kind") if kind == "industry"}
    assert industries == {node for node, _, _ in INDUSTRY_VALUES}
    for n, data in G.nodes(data=True):
        assert (data["value"] is not None) == (n in industries), n


# --- names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "gallium",
        "germanium",
        "graphite",
        "rare-earths",
        "heavy-rare-earths",
        "industrial-diamond",
        "lithium",
        "cobalt",
        "nickel",
    ],
)
def test_named_commodities_resolve(G, name):
    resolved = resolve_commodity(G, name)
    assert resolved in G.graph["commodities"] or resolved in G.graph["groups"]


def test_groups(G):
    groups = G.graph["groups"]
    assert groups["rare-earths"] == ["heavy-rare-earths", "light-rare-earths", "rare-earth-ore"]
    assert groups["graphite"] == ["natural-graphite", "spherical-graphite"]
    assert not set(groups) & set(G.graph["commodities"])
    assert expand_commodities(G, ["graphite"]) == {"natural-graphite", "spherical-graphite"}


WORLD_MINERALS = (
    "gallium",
    "germanium",
    "natural-graphite",
    "rare-earth-ore",
    "industrial-diamond",
    "lithium",
    "cobalt",
    "nickel",
    "manganese",
    "tungsten",
    "vanadium",
    "palladium",
    "silicon",
    "antimony",
    "bismuth",
    "indium",
    "tellurium",
    "molybdenum",
    "copper",
    "refined-copper",
)


@pytest.mark.parametrize("mineral", WORLD_MINERALS)
def test_world_supply_nodes(G, mineral):
    node = G.nodes[mineral]
    assert node["kind"] == "mineral" and node["country"] is None
    # The mine stages of lithium and cobalt output `mined-*`, so that the names
    # `lithium` and `cobalt` can be groups of both stages (as `graphite` is).
    assert node["commodity"] == MINED.get(mineral, mineral)


MINED = {"lithium": "mined-lithium", "cobalt": "mined-cobalt"}


def test_lithium_and_cobalt_name_both_stages(G):
    groups = G.graph["groups"]
    assert groups["lithium"] == ["lithium-chemicals", "mined-lithium"]
    assert groups["cobalt"] == ["mined-cobalt", "refined-cobalt"]
    assert resolve_commodity(G, "cobalt") == "cobalt"
    assert expand_commodities(G, ["lithium"]) == {"mined-lithium", "lithium-chemicals"}


def test_countries_are_iso3_with_english_names(G):
    names = {"chn": "China", "jpn": "Japan", "usa": "United States", "kor": "South Korea"}
    for cid, name in names.items():
        assert G.nodes[cid]["kind"] == "country" and G.nodes[cid]["name"] == name
    for n, kind in G.nodes(data="kind"):
        if kind == "country":
            assert len(n) == 3 and n.isalpha() and n.islower(), n
    assert resolve_node(G, "China", kind="country") == "chn"


# --- the articles' figures --------------------------------------------------------

# (supplier, consumer, commodity, share, range, source), from the fact sheet.
ARTICLE_SHARES = [
    # China produces about 68% of the world's germanium; Project Blue 59.2% (2023).
    ("chn", "germanium", "germanium", 0.68, (0.59, 0.68), "shu-biquan-2025"),
    # Japan's gallium: 42% from China (2025); 40% in shu-biquan-2025; ~75% (2020, METI).
    ("chn-gallium-refining", "jp-compound-semis", "gallium", 0.42, (0.40, 0.75), "lu-yi-2026"),
    # High-purity, military-grade gallium: 67% from China.
    ("chn-gallium-refining", "jp-defence", "gallium", 0.67, None, "lu-yi-2026"),
    # Japan's rare earths: over 70% from China (2026); 58% in 2024 (shu-biquan-2025);
    # 79.6% in the first half of 2024 (Japanese customs via Metalnomist).
    (
        "chn-lree-refining",
        "jp-ndfeb-magnets",
        "light-rare-earths",
        0.70,
        (0.58, 0.796),
        "xiao-li-2026",
    ),
    # Heavy rare earths close to 100% from China today (0.90, an estimate, with Lynas's
    # first small volumes at 0.10); 1 - 0.30 once Lynas meets Sojitz's 30% target.
    (
        "chn-hree-refining",
        "jp-ndfeb-magnets",
        "heavy-rare-earths",
        1 - 0.10,
        (1 - 0.30, 1.0),
        "xiao-li-2026",
    ),
    ("lynas", "jp-ndfeb-magnets", "heavy-rare-earths", 0.10, (0.0, 0.30), "lu-yi-2026"),
    # China's refining shares, 2022: rare earths 90%, graphite 100%, lithium 65%, cobalt 74%.
    # Rare earths: IEA 92% (2023); heavy rare earths 99.9% (Visual Capitalist).
    (
        "chn-lree-refining",
        "light-rare-earths",
        "light-rare-earths",
        0.90,
        (0.90, 0.92),
        "shu-biquan-2025",
    ),
    (
        "chn-hree-refining",
        "heavy-rare-earths",
        "heavy-rare-earths",
        0.90,
        (0.90, 0.999),
        "shu-biquan-2025",
    ),
    (
        "chn-graphite-processing",
        "spherical-graphite",
        "spherical-graphite",
        1.0,
        None,
        "shu-biquan-2025",
    ),
    (
        "chn-lithium-refining",
        "lithium-chemicals",
        "lithium-chemicals",
        0.65,
        None,
        "shu-biquan-2025",
    ),
    ("chn-cobalt-refining", "refined-cobalt", "refined-cobalt", 0.74, None, "shu-biquan-2025"),
    # Over 95% of Japan's industrial diamond comes from China.
    ("chn-synthetic-diamond", "jp-diamond-tools", "industrial-diamond", 0.95, None, "lu-yi-2026"),
    # Japan: 35% of Apple's high-end sensors and camera modules.
    ("jp-camera-modules", "us-apple-devices", "camera-modules", 0.35, None, "lu-yi-2026"),
    # Tesla buys 20% of its high-performance magnets in Japan.
    ("jp-ndfeb-magnets", "us-tesla-drive-motors", "ndfeb-magnets", 0.20, None, "lu-yi-2026"),
    # Japan has 48% of the world semiconductor-materials market (shu-biquan-2025);
    # lu-yi-2026's 70% is the top of the range.
    *[
        ("jp-semiconductor-materials", buyer, "semiconductor-materials", 0.48, (0.48, 0.70),
         "shu-biquan-2025")
        for buyer in (
            "kr-samsung-chips", "us-intel-chips", "jp-semiconductors", "jp-camera-modules",
        )
    ],
]  # fmt: skip

# Figures read in public sources (secondary reports of trade data).
PUBLIC_SHARES = [
    # Japan's germanium metal and products from China: 70-85% (2020, METI via Sputnik Japan).
    (
        "chn-germanium-refining",
        "jp-germanium-products",
        "germanium",
        0.70,
        # Over all forms: 0.70 x 6 t of metal / (6 + 12 t of dioxide, 75% Canadian) = 0.23.
        (0.23, 0.85),
        "sputnik-japan-2023",
    ),
    # About 90% of Japan's graphite imports from China (2023, Yomiuri).
    (
        "chn-graphite-processing",
        "jp-battery-anode",
        "spherical-graphite",
        0.90,
        (0.90, 1.0),
        "yomiuri-graphite-2024",
    ),
    # Lithium oxide and hydroxide, 2024: 32,354 of 37,640 t from China = 0.8596;
    # with carbonate, (32,354 + 1,908) of (37,640 + 11,520) t = 0.697.
    (
        "chn-lithium-refining",
        "jp-batteries",
        "lithium-chemicals",
        0.86,
        (0.70, 0.86),
        "metalnomist-lithium-2025",
    ),
    # China's 2024 anode shipments were 84.4% synthetic: 1 - 0.844 = 0.156 natural.
    (
        "jp-battery-anode",
        "jp-batteries",
        "battery-anode-material",
        0.156,
        None,
        "metalnomist-anode-2025",
    ),
]


# Estimates computed from published figures: the arithmetic is redone here from the
# figures as the sources give them, never read from the YAML.
ESTIMATED_SHARES = [
    # Japan's cobalt: "relies mostly" on China (shu-biquan-2025) -> 0.5; at most China's
    # 74% of world cobalt refining.
    ("chn-cobalt-refining", "jp-batteries", "refined-cobalt", 0.5, (0.5, 0.74), "qin-shuo-2024"),
    ("refined-cobalt", "jp-batteries", "refined-cobalt", 1 - 0.5, None, "qin-shuo-2024"),
    # Tesla's non-Japanese 80%, split as the world NdFeB market outside Japan (China 84%,
    # Japan 15%, Fuji Keizai 2021): 0.80 x 84 / 85; range 0.80 x 0.84 to 0.80.
    (
        "chn-ndfeb-magnets",
        "us-tesla-drive-motors",
        "ndfeb-magnets",
        round(0.80 * 84 / 85, 2),
        (round(0.80 * 0.84, 2), 0.80),
        "fuji-keizai-ndfeb-2021",
    ),
    # Apple: the world NdFeB market's split (Fuji Keizai 2021); China's top, a Chinese
    # maker's "more than 90%" (2020).
    ("chn-ndfeb-magnets", "us-apple-devices", "ndfeb-magnets", 0.84, (0.84, 0.90),
     "fuji-keizai-ndfeb-2021"),
    ("jp-ndfeb-magnets", "us-apple-devices", "ndfeb-magnets", 0.15, None,
     "fuji-keizai-ndfeb-2021"),
    # Synthetic anode: 84.4% of anode material (EV Tank) x China's 74% of the anode chain
    # (Benchmark); top: Benchmark's 85% by the end of the decade.
    (
        "chn-synthetic-graphite-anode",
        "jp-batteries",
        "battery-anode-material",
        round(0.844 * 0.74, 2),
        (round(0.844 * 0.74, 2), round(0.844 * 0.85, 2)),
        "benchmark-anode-2024",
    ),
    # China: over 90% of world synthetic-diamond capacity; Japan: over 95% from China.
    ("chn-synthetic-diamond", "synthetic-diamond", "industrial-diamond", 0.90, None, "lu-yi-2026"),
    ("synthetic-diamond", "jp-diamond-tools", "industrial-diamond", 1 - 0.95, None, "lu-yi-2026"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("u", "v", "commodity", "share", "rng", "source"),
    ARTICLE_SHARES + PUBLIC_SHARES + ESTIMATED_SHARES,
)
def test_published_shares(G, u, v, commodity, share, rng, source):
    edge = supplies(G, u, v, commodity)
    assert edge["share"] == pytest.approx(share, abs=1e-9)
    assert edge["source"] == source
    if rng is None:
        assert edge["range"] is None
    else:
        assert edge["range"] == pytest.approx(rng, abs=1e-9)


def test_range_ends_computed_from_the_published_tonnages(G):
    # Lithium: hydroxide 32,354 of 37,640 t; with carbonate (1,908 of 11,520 t from China).
    lithium = supplies(G, "chn-lithium-refining", "jp-batteries", "lithium-chemicals")
    low, high = lithium["range"]
    assert high == round(32_354 / 37_640, 2)
    assert low == round((32_354 + 1_908) / (37_640 + 11_520), 2)
    # Germanium: 70% of about 6 t of metal, none of about 12 t of dioxide (75% Canadian).
    germanium = supplies(G, "chn-germanium-refining", "jp-germanium-products", "germanium")
    assert germanium["range"][0] == pytest.approx(round(0.70 * 6 / (6 + 12), 2))
    # Rare earths: 79.6% of 9,898 t in the first half of 2024 is the top of Japan's range.
    ree = supplies(G, "chn-lree-refining", "jp-ndfeb-magnets", "light-rare-earths")
    assert ree["range"][1] == pytest.approx(0.796) and "9,898 t" in ree["note"]


def test_commentary_and_targets_are_marked_as_estimates(G):
    # Lu-yi-2026's Apple 35% and Tesla 20% are unconfirmed commentary; Lynas's 30% is
    # Sojitz's target, not a reported flow; semiconductor materials use the 48% market
    # share as each buyer's share from Japan.
    for u, v, c, cited in (
        ("jp-camera-modules", "us-apple-devices", "camera-modules", "could not be checked"),
        ("jp-ndfeb-magnets", "us-tesla-drive-motors", "ndfeb-magnets", "no other source"),
        ("lynas", "jp-ndfeb-magnets", "heavy-rare-earths", "nippon-sojitz-2025"),
        ("jp-semiconductor-materials", "kr-samsung-chips", "semiconductor-materials", "70%"),
    ):
        edge = supplies(G, u, v, c)
        assert edge["confidence"] == "estimate", (u, v)
        assert cited in edge["note"], (u, v)
    # The 380 t of gallium imports: kept in the note with the trade data against it.
    gallium = supplies(G, "chn-gallium-refining", "jp-compound-semis", "gallium")
    assert "380 t" in gallium["note"] and "4,007 kg" in gallium["note"]
    # The U.S. germanium reserve: kept in the node note, with why it cannot be checked.
    assert "3,870 t" in G.nodes["germanium"]["note"]
    assert "cannot be checked" in G.nodes["germanium"]["note"]


def test_all_japanese_made_edges_say_they_are_estimates(G):
    for u, v, data in G.edges(data=True):
        japanese = G.nodes[u].get("country") == G.nodes[v].get("country") == "jpn"
        if japanese and data["share"] == 1.0:
            assert data["confidence"] == "estimate", (u, v)
            assert "Estimate" in data["note"], (u, v)


def test_the_economic_daily_article_is_dated_december_2024(G):
    # It calls 23 July 2023 "last July" and cites January-November 2024 data.
    entry = G.graph["sources"]["economic-daily-2025"]
    assert entry["year"] == 2024 and "December 2024" in entry["published"]


def test_every_source_entry_is_cited():
    # Each entry of sources.yaml is named by some `source:` field, or by id in a note
    # or a scenario's sources; none sits unused.
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.yaml")))
    text += "\n".join(p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("scenarios/*.yaml")))
    ids = [e["id"] for e in yaml.safe_load((SEEDS / "sources.yaml").read_text())["sources"]]
    body = text.replace("\n", " ")
    for sid in ids:
        # The entry's own "id: X" line is one mention; a citation is a second one.
        assert body.count(sid) >= 2, f"source {sid} is listed but never cited"


def test_no_source_named_only_in_a_note():
    # The reports the audit found named only inside notes have entries of their own.
    G = graph.load()
    for sid in (
        "wsj-jogmec-2025",
        "metalnomist-rare-earths-2024",
        "mynavi-graphite-2023",
        "nhk-fuji-graphite-2023",
        "mofcom-most-2023-catalogue",
        "mofcom-2024-33",
        "mofcom-2025-55",
        "mofcom-2025-58",
        "mofcom-2025-18",
        "fuji-keizai-ndfeb-2021",
        "nippon-sojitz-2025",
    ):
        assert sid in G.graph["sources"], sid


def test_japans_rare_earth_stockpile_is_42_days(G):
    # Japan's national rare-earth stockpile lasts 42 days (lu-yi-2026).
    inputs = G.nodes["jp-ndfeb-magnets"]["inputs"]
    assert inputs["light-rare-earths"]["stockpile_days"] == 42
    assert inputs["heavy-rare-earths"]["stockpile_days"] == 42


def test_ev_share_of_japanese_car_output(G):
    # EVs: 1.7% of Japan's new-car sales in 2022, under 2% in late 2023.
    assert G.nodes["jp-automotive"]["inputs"]["lithium-ion-batteries"]["dependence"] == 0.02


def test_named_alternatives_exist_where_the_articles_put_them(G):
    assert G.nodes["umicore-gallium"]["country"] == "bel"
    assert G.nodes["lynas"]["country"] == "aus"
    assert G.nodes["fr-jp-ree-recycling"]["country"] == "fra"
    assert G.nodes["minamitorishima-mud"]["country"] == "jpn"
    # No output yet: the mud supplies only a spare (share 0); the recycling plant in
    # France, whose capacity no source gives, supplies nothing, not even a spare.
    assert [d["share"] for _, _, d in G.out_edges("minamitorishima-mud", data=True)] == [0]
    assert G.out_degree("fr-jp-ree-recycling") == 0
    # The Central Asian deposits need Chinese processing: China controls them.
    for deposit, country in (("kaz-ree-deposits", "kaz"), ("uzb-ree-deposits", "uzb")):
        assert G.nodes[deposit]["country"] == country
        assert G.has_edge("chn", deposit, key="controls")


# --- the USGS shares --------------------------------------------------------------

# Country shares of world output, 2024 estimates, in percent with one decimal, as
# computed in the public-facts sheet (value / USGS "World total (rounded)"); the
# producers the dataset leaves out (see the next test) are left out here too.
USGS_PERCENT = {
    "gallium": {"chn": 98.7, "rus": 0.8},
    "rare-earth-ore": {
        "chn": 69.2, "usa": 11.5, "mmr": 7.9, "aus": 3.3, "nga": 3.3, "tha": 3.3, "ind": 0.7,
    },
    "natural-graphite": {
        "chn": 79.4, "mdg": 5.6, "moz": 4.7, "bra": 4.2, "ind": 1.7, "tza": 1.6, "can": 1.2,
        "rus": 1.2,
    },
    "lithium": {
        "aus": 36.7, "chl": 20.4, "chn": 17.1, "zwe": 9.2, "arg": 7.5, "bra": 4.2, "can": 1.8,
        "nam": 1.1, "prt": 0.2,
    },
    "cobalt": {
        "cod": 75.9, "idn": 9.7, "rus": 3.0, "can": 1.6, "phl": 1.3, "aus": 1.2, "cub": 1.2,
        "png": 1.0, "tur": 0.9, "mdg": 0.9, "ncl": 0.5, "usa": 0.1,
    },
    "nickel": {
        "idn": 59.5, "phl": 8.9, "rus": 5.7, "can": 5.1, "chn": 3.2, "aus": 3.0, "ncl": 3.0,
        "bra": 2.1, "usa": 0.2,
    },
    "manganese": {
        "zaf": 37.0, "gab": 23.0, "aus": 14.0, "gha": 4.1, "ind": 4.0, "chn": 3.9, "bra": 3.0,
        "mys": 2.0, "civ": 1.8,
    },
    "industrial-diamond": {
        "rus": 39.0, "bwa": 19.5, "cod": 17.1, "zaf": 9.8, "zwe": 9.8, "ago": 2.4,
    },
    "tungsten": {
        "chn": 82.7, "vnm": 4.2, "rus": 2.5, "prk": 2.1, "bol": 2.0, "rwa": 1.5, "aus": 1.2,
        "aut": 1.0, "esp": 0.9, "prt": 0.6,
    },
    "vanadium": {"chn": 70.0, "rus": 20.0, "zaf": 8.0},
    "palladium": {"rus": 39.5, "zaf": 37.9, "can": 7.9, "zwe": 7.9, "usa": 4.2},
    "silicon": {
        "chn": 84.8, "bra": 4.1, "nor": 2.6, "fra": 2.0, "deu": 1.3, "rus": 1.1, "aus": 0.9,
        "can": 0.7, "isl": 0.4, "zaf": 0.2, "kaz": 0.2, "esp": 0.1,
    },
    # The metals of China's 2024-2025 export controls that the USGS tables cover.
    "antimony": {"chn": 60.0, "tjk": 17.0, "rus": 13.0, "mmr": 4.5, "bol": 3.7},
    "bismuth": {
        "chn": 81.3, "lao": 6.9, "kor": 6.3, "jpn": 3.1, "kaz": 1.1, "bol": 0.4, "bgr": 0.3,
    },
    "indium": {
        "chn": 70.4, "kor": 16.7, "jpn": 5.6, "can": 3.2, "fra": 1.9, "bel": 0.9, "rus": 0.9,
        "uzb": 0.1,
    },
    "tellurium": {
        "chn": 76.5, "jpn": 7.1, "rus": 7.1, "swe": 4.7, "can": 2.8, "uzb": 1.3, "zaf": 0.4,
    },
    "molybdenum": {
        "chn": 42.3, "per": 15.8, "chl": 14.6, "usa": 12.7, "mex": 6.5, "arm": 3.1, "kaz": 1.5,
        "mng": 1.2, "irn": 1.2, "rus": 0.7,
    },
    "copper": {
        "chl": 23.0, "cod": 14.3, "per": 11.3, "chn": 7.8, "idn": 4.8, "usa": 4.8, "rus": 4.0,
        "aus": 3.5, "kaz": 3.2, "mex": 3.0, "zmb": 3.0, "can": 2.0, "pol": 1.8, "ind": 0.1,
    },
    "refined-copper": {
        "chn": 44.4, "cod": 9.3, "chl": 7.0, "jpn": 5.9, "rus": 3.6, "usa": 3.3, "deu": 2.3,
        "kor": 2.3, "pol": 2.2, "ind": 1.9, "kaz": 1.7, "aus": 1.7, "per": 1.4, "idn": 1.3,
        "mex": 1.3, "can": 1.2, "zmb": 0.6,
    },
}  # fmt: skip


def country_shares(G, mineral: str) -> dict[str, dict]:
    return {
        u: data
        for u, _, data in G.in_edges(mineral, data=True)
        if data["kind"] == "supplies" and G.nodes[u]["kind"] == "country"
    }


@pytest.mark.parametrize("mineral", sorted(USGS_PERCENT))
def test_usgs_shares_match_the_published_table(G, mineral):
    edges = country_shares(G, mineral)
    expected = USGS_PERCENT[mineral]
    # Every producer of the table is modelled, and no other (no invented rest of world).
    assert set(edges) == set(expected)
    for country, data in edges.items():
        assert abs(100 * data["share"] - expected[country]) <= 0.1 + 1e-9, country
        assert data["source"] == "usgs-mcs-2025" and data["year"] == 2024
        assert data["confidence"] == "reported"
    assert sum(d["share"] for d in edges.values()) <= 1 + 1e-9


def test_producers_left_out_because_the_shares_would_exceed_one(G):
    # Gallium: 750 + 6 + 3 (Japan) + 3 (Korea) = 762 t > 760 t.
    assert set(country_shares(G, "gallium")) == {"chn", "rus"}
    # Rare earths: the twelve listed producers add up to 392,850 t > 390,000 t; the
    # five smallest (4,950 t) are left out, and the mineral's note names them.
    left_out = {"rus": "2,500", "mdg": "2,000", "vnm": "300", "mys": "130", "bra": "20"}
    assert not set(left_out) & set(country_shares(G, "rare-earth-ore"))
    note = G.nodes["rare-earth-ore"]["note"]
    assert all(tonnes + " t" in note for tonnes in left_out.values())
    # Graphite: the eight modelled producers reach 1,594,800 of 1,600,000 t; the ten
    # smallest (35,870 t) would take the sum to 1,630,670 t.
    graphite = set(country_shares(G, "natural-graphite"))
    assert not {"kor", "prk", "nor", "vnm", "aut", "deu"} & graphite
    assert "35,870 t" in G.nodes["natural-graphite"]["note"]
    # Vanadium: 70 + 20 + 8 + 5 (Brazil) = 103% of the world total.
    assert "bra" not in country_shares(G, "vanadium")
    # Antimony: the five largest make 98,200 of 100,000 t; Australia's 2,000 t would
    # pass the total, so it and the nine smaller (5,760 t in all) are left out.
    assert not {"aus", "tur", "mex", "irn", "vnm"} & set(country_shares(G, "antimony"))
    assert "5,760 t" in G.nodes["antimony"]["note"]
    # Tellurium: 981 t listed against a rounded 980 t: Bulgaria's 1 t is left out.
    assert "bgr" not in country_shares(G, "tellurium")
    # Molybdenum: 258,700 t kept; Uzbekistan and four smaller (4,900 t) left out.
    assert not {"uzb", "can", "aus", "prk", "kor"} & set(country_shares(G, "molybdenum"))
    assert "4,900 t" in G.nodes["molybdenum"]["note"]


def test_no_country_controls_a_world_supply_node(G):
    # No source says a country controls another's mine output.
    for mineral in WORLD_MINERALS:
        for u, _, data in G.in_edges(mineral, data=True):
            if data["kind"] == "controls":
                pytest.fail(f"controls edge {u} -> {mineral}")


# The real USGS file, when the project's shared data folder is beside the repository.
USGS_FILE = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "usgs-mcs-2025"
    / "MCS2025_World_Data.csv"
)
USGS_TABLES = {
    "gallium": ("Gallium", {"primary production"}),
    "rare-earth-ore": ("Rare earths", {"mine production, rare-earth-oxide equivalent"}),
    "natural-graphite": ("Graphite", {"mine production"}),
    "lithium": ("Lithium", {"mine production, lithium content"}),
    "cobalt": (
        "Cobalt",
        {"mine production, estimated", "mine production, cobalt content, estimated"},
    ),
    "nickel": ("Nickel", {"mine production, nickel content"}),
    "manganese": ("Manganese", {"mine production, manganese content"}),
    "industrial-diamond": ("Diamond (industrial)", {"mine production, industrial diamond"}),
    "tungsten": ("Tungsten", {"mine production, tungsten content"}),
    "vanadium": ("Vanadium", {"mine production, vanadium content"}),
    "palladium": ("Platinum-Group metals", {"mine production, palladium content"}),
    "silicon": ("Silicon", {"plant production, silicon metal"}),
    "antimony": ("Antimony", {"mine production, antimony content"}),
    "bismuth": ("Bismuth", {"refinery production"}),
    "indium": ("Indium", {"refinery production"}),
    "tellurium": ("Tellurium", {"refinery production, tellurium content"}),
    "molybdenum": ("Molybdenum", {"mine production, molybdenum content"}),
    "copper": ("Copper", {"mine production, recoverable copper content"}),
    "refined-copper": ("Copper", {"refinery production, copper"}),
}
USGS_COUNTRY_IDS = {
    "China": "chn", "Russia": "rus", "United States": "usa", "Burma": "mmr",
    "Australia": "aus", "Nigeria": "nga", "Thailand": "tha", "India": "ind",
    "Madagascar": "mdg", "Mozambique": "moz", "Brazil": "bra", "Tanzania": "tza",
    "Canada": "can", "Chile": "chl", "Zimbabwe": "zwe", "Argentina": "arg",
    "Namibia": "nam", "Congo (Kinshasa)": "cod", "Indonesia": "idn", "Philippines": "phl",
    "Cuba": "cub", "Papua New Guinea": "png", "New Caledonia": "ncl", "South Africa": "zaf",
    "Gabon": "gab", "Ghana": "gha", "Malaysia": "mys", "Botswana": "bwa", "Angola": "ago",
    "Vietnam": "vnm", "Korea, North": "prk", "Bolivia": "bol", "Rwanda": "rwa",
    "Austria": "aut", "Norway": "nor", "France": "fra", "Germany": "deu",
    "Turkey": "tur", "Portugal": "prt", "Spain": "esp", "Iceland": "isl",
    "C\u00f4te d\u2019Ivoire": "civ", "Kazakhstan": "kaz", "Tajikistan": "tjk", "Laos": "lao",
    "Bulgaria": "bgr", "Japan": "jpn", "Korea, Republic of": "kor", "Belgium": "bel",
    "Uzbekistan": "uzb", "Sweden": "swe", "Peru": "per", "Mexico": "mex", "Armenia": "arm",
    "Mongolia": "mng", "Iran": "irn", "Zambia": "zmb", "Poland": "pol",
}  # fmt: skip


@pytest.mark.skipif(not USGS_FILE.is_file(), reason=f"USGS MCS 2025 file not found at {USGS_FILE}")
def test_usgs_shares_match_the_usgs_file(G):
    values: dict[tuple[str, str], float] = {}
    totals: dict[str, float] = {}
    with USGS_FILE.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            commodity = row["COMMODITY"].strip()
            kind = " ".join(row["TYPE"].split()).lower()
            country = " ".join(row["COUNTRY"].replace("\u00a0", " ").split())
            figure = row["PROD_EST_ 2024"].replace(",", "").strip()
            for mineral, (name, types) in USGS_TABLES.items():
                if commodity != name or kind not in types or not figure:
                    continue
                # The antimony table's total carries a footnote number ("... (rounded) 10").
                if country.startswith("World total (rounded)"):
                    totals[mineral] = float(figure)
                elif country in USGS_COUNTRY_IDS:
                    values[mineral, USGS_COUNTRY_IDS[country]] = float(figure)
    for mineral in USGS_TABLES:
        for country, data in country_shares(G, mineral).items():
            exact = values[mineral, country] / totals[mineral]
            # Shares are written to four decimals.
            assert data["share"] == pytest.approx(exact, abs=0.00005 + 1e-12), (mineral, country)


# --- scenarios --------------------------------------------------------------------


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_scenario_files_parse(G, scenario_id):
    path = SEEDS / "scenarios" / f"{scenario_id}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    # ``samples:`` is how a run is sampled (DESIGN 3c), not part of a scenario's story.
    assert set(data) == set(SCENARIO_KEYS) - {"samples"}
    assert data["id"] == scenario_id
    assert data["name"] and len(data["description"]) > 200
    assert data["sources"] and all(s in G.graph["sources"] for s in data["sources"])
    assert data["restrictions"] and data["remove"] == []
    for restriction in data["restrictions"]:
        assert resolve_node(G, restriction["by"], kind="country") == "chn"
        for name in restriction["commodities"]:
            resolve_commodity(G, name)
        assert 0 < restriction["severity"] <= 1
    scenario = analysis.load_scenario(scenario_id)
    assert scenario.id == scenario_id


def test_scenario_severities_come_from_the_sources():
    def restriction(scenario_id):
        path = SEEDS / "scenarios" / f"{scenario_id}.yaml"
        (only,) = yaml.safe_load(path.read_text(encoding="utf-8"))["restrictions"]
        return only

    # China's germanium exports fell 78.2% y/y in August-December 2023; licences to all.
    assert restriction("2023-gallium-germanium")["severity"] == 0.782
    assert restriction("2023-gallium-germanium").get("to") is None
    # Graphite exports to Japan fell 42% in the first month under licences.
    assert restriction("2025-graphite")["severity"] == 0.42
    # The civil-use channel stays open: below a full ban.
    assert restriction("2026-dual-use-japan")["severity"] < 1
    assert restriction("2026-dual-use-japan")["to"] == ["jpn"]
    assert restriction("2010-rare-earths-japan")["to"] == ["jpn"]


@pytest.fixture(scope="module")
def outcomes(G):
    C = analysis.compile_graph(G)
    return {
        sid: analysis.run_scenario(G, analysis.load_scenario(sid), compiled=C).impacts.set_index(
            "node"
        )
        for sid in SCENARIOS
    }


#: What the alternatives add per day of ramp to the magnet makers' heavy rare earths:
#: Lynas's spare 0.20 over 365 days, motor recycling's 0.05 over 1826.
HREE_RAMP = 0.20 / 365 + 0.05 / 1826


def _first_short_day(gap_on_day, stock: float) -> int:
    """The first day a stock of ``stock`` days no longer covers the day's gap."""
    day, left = 0, stock
    while left >= gap_on_day(day):
        left -= gap_on_day(day)
        day += 1
    return day


def test_2010_replay_worked_by_hand(outcomes):
    hit = outcomes["2010-rare-earths-japan"]
    # China's 70% of the magnet makers' light rare earths is cut in full, less the
    # mud's spare of 0.013 in the long run; dependence 1: 0.687. Heavy rare earths:
    # 0.90 cut, less Lynas's 0.20 and recycling's 0.05, times dependence 0.5: 0.325.
    assert hit.loc["jp-ndfeb-magnets", "shortfall"] == pytest.approx(0.70 - 0.013)
    # 42 days of stock: the heavy-rare-earth gap, 0.90 less the ramps, runs it out
    # first (day 47); the light one, 0.70 less the mud's slow ramp, on day 60.
    heavy = _first_short_day(lambda t: 0.90 - HREE_RAMP * t, 42)
    light = _first_short_day(lambda t: 0.70 - 0.013 * t / 3650, 42)
    assert (heavy, light) == (47, 60)
    assert hit.loc["jp-ndfeb-magnets", "days_to_impact"] == heavy
    # Tesla buys 20% of its magnets in Japan: 0.20 * 0.687.
    assert hit.loc["us-tesla-drive-motors", "shortfall"] == pytest.approx(0.20 * 0.687)
    # Apple: 35% of camera modules from Japan; half the modules need magnets:
    # 0.35 * 0.5 * 0.687, above its 15% of magnets bought in Japan (0.15 * 0.687).
    assert hit.loc["us-apple-devices", "shortfall"] == pytest.approx(0.35 * 0.5 * 0.687)


def test_2023_gallium_reaches_japan_through_the_world_market(outcomes):
    hit = outcomes["2023-gallium-germanium"]
    # World gallium keeps 1 - 0.9868 * 0.782 = 0.2283; Japan's Chinese 42% keeps 0.218:
    # lost 0.42 * 0.782 + 0.58 * 0.7716776 = 0.776013; Umicore's spare of 0.10 rests
    # on that world gallium, so it adds 0.10 * 0.2283224: 0.776013 - 0.022832 = 0.753181.
    lost = 0.42 * 0.782 + 0.58 * (0.9868 * 0.782)
    assert lost == pytest.approx(0.776013, abs=1e-6)
    extra = 0.10 * (1 - 0.9868 * 0.782)
    assert hit.loc["jp-compound-semis", "shortfall"] == pytest.approx(lost - extra, abs=1e-9)
    # On day 0 Umicore has not ramped up: the peak is the loss itself.
    assert hit.loc["jp-compound-semis", "peak_shortfall"] == pytest.approx(lost, abs=1e-9)
    # Umicore refines world primary gallium: 0.9868 * 0.782.
    assert hit.loc["umicore-gallium", "shortfall"] == pytest.approx(0.7716776, abs=1e-9)


def test_2025_graphite_is_held_to_natural_graphite_anodes(outcomes):
    hit = outcomes["2025-graphite"]
    assert hit.loc["jp-battery-anode", "shortfall"] == pytest.approx(0.42)
    # Natural graphite is 15.6% of the anode supply: 0.156 * 0.42.
    assert hit.loc["jp-batteries", "shortfall"] == pytest.approx(0.06552)


def test_2026_controls_reach_samsung_and_intel_through_japan(outcomes):
    hit = outcomes["2026-dual-use-japan"]
    # Magnets: light rare earths 0.70 * 0.9 = 0.63 lost, less the mud's 0.013: 0.617.
    # Heavy: 0.90 * 0.9 = 0.81 lost less the ramps runs the 42 days out on day 52,
    # before the light gap (42 / 0.63 = 66.7, day 66).
    assert hit.loc["jp-ndfeb-magnets", "shortfall"] == pytest.approx(0.63 - 0.013)
    assert _first_short_day(lambda t: 0.81 - HREE_RAMP * t, 42) == 52
    assert hit.loc["jp-ndfeb-magnets", "days_to_impact"] == 52
    # Diamond: 0.95 * 0.9 = 0.855; a third of materials output needs it: 0.2565; Samsung
    # buys 48% of its materials from Japan (its world market share): 0.48 * 0.2565.
    assert hit.loc["kr-samsung-chips", "shortfall"] == pytest.approx(0.12312)
    assert hit.loc["us-intel-chips", "shortfall"] == pytest.approx(0.12312)


#: Replays that reach no Japanese industry, as their descriptions say: the data has
#: no consumer of antimony, and no US user of what the US ban covers.
NO_JAPANESE_INDUSTRY = {"2024-antimony", "2024-us-ban"}


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_every_scenario_hits_a_japanese_industry(G, outcomes, scenario_id):
    hit = outcomes[scenario_id]
    industries = hit[(hit["kind"] == "industry") & (hit["country"] == "jpn")]
    assert (len(industries) >= 1) == (scenario_id not in NO_JAPANESE_INDUSTRY)


# --- the curation guide -------------------------------------------------------------


def test_the_example_in_the_curation_guide_loads():
    guide = Path(__file__).resolve().parents[1] / "docs" / "data.md"
    text = guide.read_text(encoding="utf-8")
    start = text.index("```yaml\nsources:") + len("```yaml\n")
    block = text[start : text.index("```", start)]
    G = graph.from_dict(yaml.safe_load(block), path=str(guide))
    # 0.42 of Japan's gallium from China, 0.58 from world supply: a full shares sum.
    shares = [d["share"] for _, _, d in G.in_edges("jp-compound-semis", data=True)]
    assert sum(shares) == pytest.approx(1.0)
    assert G.edges["chn", "kaz-ree-deposits", "controls"]["share"] == 1.0


def test_the_json_schema_takes_share_zero_only_with_a_spare():
    # The bundled alternatives (umicore-gallium, jp-motor-recycling,
    # minamitorishima-mud) have share 0 and a spare; without the spare, share 0
    # is an error for the loader and for the schema alike.
    jsonschema = pytest.importorskip("jsonschema")
    from graph.schema import json_schema

    validator = jsonschema.Draft202012Validator(json_schema())
    ok = {"edges": [{"from": "a", "to": "b", "share": 0, "spare": 0.1}]}
    assert not list(validator.iter_errors(ok))
    for bad in (
        {"from": "a", "to": "b", "share": 0},
        {"from": "a", "to": "b", "share": 0, "spare": 0},
    ):
        assert list(validator.iter_errors({"edges": [bad]})), bad


# --- alternatives, quantities, bands (the second edition's fields) ------------------


def test_lynas_reaches_the_sojitz_target_at_full_ramp(G):
    # Sojitz's target: Lynas covers about 30% of Japan's heavy rare earths
    # (lu-yi-2026, nippon-sojitz-2025); the first volumes were small (xiao-li-2026).
    lynas = supplies(G, "lynas", "jp-ndfeb-magnets", "heavy-rare-earths")
    assert lynas["share"] + lynas["spare"] == pytest.approx(0.30)
    assert lynas["spare_range"] == pytest.approx((0.0, 0.30 - lynas["share"]))
    assert lynas["ramp_days"] == 365 and lynas["confidence"] == "estimate"
    china = supplies(G, "chn-hree-refining", "jp-ndfeb-magnets", "heavy-rare-earths")
    # At full ramp a complete Chinese cut leaves 1 - 0.30 short, as with the target met.
    assert china["share"] - lynas["spare"] == pytest.approx(1 - 0.30)


def test_umicore_can_add_a_tenth_of_japans_gallium_within_its_capacity(G):
    edge = supplies(G, "umicore-gallium", "jp-compound-semis", "gallium")
    assert edge["share"] == 0 and edge["confidence"] == "estimate"
    # Japan's gallium: 4,007 kg a month from China (July 2025) x 12 is 42% of it.
    japan_t = 4_007 * 12 / 1000 / 0.42
    assert round(japan_t) == 114 and "about 115 t" in edge["note"]
    # Umicore: about a tenth of China's 1,000 t of capacity (USGS 2024, lu-yi-2026).
    umicore_t = 1_000 / 10
    # Even the top of the band stays within what Umicore makes.
    assert edge["spare_range"][1] * japan_t <= umicore_t
    assert edge["spare"] == 0.10 and edge["ramp_days"] == 180
    # Its raw gallium is the world market's, 98.7% Chinese: a ban on everyone hits it.
    assert supplies(G, "gallium", "umicore-gallium", "gallium")["share"] == 1.0


def test_the_minamitorishima_mud_spare_is_its_target_over_japans_imports(G):
    edge = supplies(G, "minamitorishima-mud", "jp-ndfeb-magnets", "light-rare-earths")
    # 350 t of mud a day at 2 kg a tonne (70 kg from a 35 t lift) for a year, over
    # Japan's rare-earth imports, 9,898 t in the first half of 2024, x 2.
    per_tonne = 70 / 35
    tonnes_a_year = 350 * per_tonne / 1000 * 365
    assert tonnes_a_year == pytest.approx(255.5)
    assert edge["spare"] == round(tonnes_a_year / (9_898 * 2), 3)
    # Commercial from 2027, at least 10 years to scale.
    assert edge["share"] == 0 and edge["ramp_days"] == 10 * 365
    assert "10 times" in edge["note"]


def test_motor_recycling_ramps_past_2030_and_notes_its_cost(G):
    edge = supplies(G, "jp-motor-recycling", "jp-ndfeb-magnets", "heavy-rare-earths")
    assert edge["share"] == 0 and edge["confidence"] == "estimate"
    # Full five years after a cut: from 2026, past "about 2030" (xiao-li-2026).
    assert edge["ramp_days"] == round(5 * 365.25)
    assert "230%" in edge["note"]


# Japan's import tonnages (the sources' figures), and the edges that carry them.
def test_quantities_of_japans_imports(G):
    ree_china_h1 = round(9_898 * 0.796)  # 79.6% of 9,898 t, first half of 2024
    assert ree_china_h1 == 7_879
    assert (
        supplies(G, "chn-lree-refining", "jp-ndfeb-magnets", "light-rare-earths")["quantity"]
        == 2 * ree_china_h1 - 0
    )  # annualised: x 2
    assert supplies(G, "light-rare-earths", "jp-ndfeb-magnets", "light-rare-earths")[
        "quantity"
    ] == 2 * (9_898 - ree_china_h1)
    # Lithium, 2024: hydroxide 37,640 t (China 32,354), carbonate 11,520 t (China 1,908).
    china_li = 32_354 + 1_908
    assert (
        supplies(G, "chn-lithium-refining", "jp-batteries", "lithium-chemicals")["quantity"]
        == china_li
    )
    assert (
        supplies(G, "lithium-chemicals", "jp-batteries", "lithium-chemicals")["quantity"]
        == 37_640 + 11_520 - china_li
    )
    # Gallium: 4,007 kg in July 2025, x 12.
    assert supplies(G, "chn-gallium-refining", "jp-compound-semis", "gallium")["quantity"] == round(
        4_007 * 12 / 1000
    )


def test_every_usgs_world_edge_carries_its_tonnes(G):
    # Every country -> world mineral share from the USGS table has the tonnes it rests on.
    for u, v, d in G.edges(data=True):
        if (
            d["kind"] == "supplies"
            and G.nodes[u]["kind"] == "country"
            and (d["source"] == "usgs-mcs-2025")
        ):
            assert d["quantity"] is not None and d["quantity"] > 0, (u, v)


USGS_TONNES_PER_UNIT = {
    "kilograms": 0.001,
    "metric tons": 1.0,
    "thousand metric tons": 1_000.0,
    "million carats": 0.2,  # 0.2 g a carat
}


@pytest.mark.skipif(not USGS_FILE.is_file(), reason=f"USGS MCS 2025 file not found at {USGS_FILE}")
def test_usgs_quantities_match_the_usgs_file(G):
    tonnes: dict[tuple[str, str], float] = {}
    with USGS_FILE.open(encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            kind = " ".join(row["TYPE"].split()).lower()
            country = " ".join(row["COUNTRY"].replace("\u00a0", " ").split())
            figure = row["PROD_EST_ 2024"].replace(",", "").strip()
            for mineral, (name, types) in USGS_TABLES.items():
                same = row["COMMODITY"].strip() == name and kind in types
                if same and figure and country in USGS_COUNTRY_IDS:
                    unit = USGS_TONNES_PER_UNIT[row["UNIT_MEAS"].strip().lower()]
                    tonnes[mineral, USGS_COUNTRY_IDS[country]] = float(figure) * unit
    for mineral in USGS_TABLES:
        for country, data in country_shares(G, mineral).items():
            assert data["quantity"] == pytest.approx(tonnes[mineral, country]), (mineral, country)


def test_bands_on_dependences_are_our_own_rule(G):
    # No source gives a dependence: every band is half to one and a half times the
    # estimate (at most 1), and the node's note says so.
    seen = 0
    for n, data in G.nodes(data=True):
        for c, inp in (data.get("inputs") or {}).items():
            if inp.get("dependence_range") is None:
                assert inp.get("dependence", 1.0) == 1.0, (n, c)
                continue
            d = inp["dependence"]
            assert inp["dependence_range"] == pytest.approx((d / 2, min(1, 1.5 * d)))
            assert "Dependence bands" in data["note"], n
            seen += 1
    # the 20 dependences below 1 of seeds/japan-industry.yaml
    assert seen == 20


def test_the_stock_band_stops_at_the_reported_42_days(G):
    # 42 days (lu-yi-2026); the 180 days are a target line, not a stock.
    for c in ("light-rare-earths", "heavy-rare-earths"):
        inp = G.nodes["jp-ndfeb-magnets"]["inputs"][c]
        assert inp["stockpile_days"] == 42 and inp["stockpile_days_range"] == (0, 42)
    assert "target line" in G.nodes["jp-ndfeb-magnets"]["note"]


# --- the replays against China's export-control timeline ---------------------------

#: Each replay's day0, start and end (ISO dates; None: in force), from the
#: timeline of PUBLIC_FACTS section 16 (effective dates) and the 2010 estimate.
TIMELINE = {
    # 2010 hold: "late September" to "late October/November" (estimated days).
    "2010-rare-earths-japan": ("2010-09-21", "2010-09-21", "2010-11-21"),
    # No. 23 of 2023: effective 2023-08-01.
    "2023-gallium-germanium": ("2023-08-01", "2023-08-01", None),
    # Graphite announcement: effective 2023-12-01.
    "2023-natural-graphite": ("2023-12-01", "2023-12-01", None),
    "2025-graphite": ("2023-12-01", "2023-12-01", None),
    # No. 33 of 2024: effective 2024-09-15.
    "2024-antimony": ("2024-09-15", "2024-09-15", None),
    # No. 46 of 2024: 2024-12-03; clause 2 suspended 2025-11-09.
    "2024-us-ban": ("2024-12-03", "2024-12-03", "2025-11-09"),
    # Tungsten, tellurium, bismuth, molybdenum, indium: 2025-02-04.
    "2025-tungsten-and-four-metals": ("2025-02-04", "2025-02-04", None),
    # No. 18 of 2025: 2025-04-04, not suspended.
    "2025-heavy-rare-earths": ("2025-04-04", "2025-04-04", None),
    # Nos. 55-62 of 2025: effective 2025-11-08; No. 70 suspends them on 2025-11-07
    # until 2026-11-10.
    "2025-october-package": ("2025-11-08", "2025-11-08", None),
    "2025-october-package-suspended": ("2025-11-07", "2026-11-10", None),
    # No. 1 of 2026: 2026-01-06.
    "2026-dual-use-japan": ("2026-01-06", "2026-01-06", None),
    "2026-heavy-rare-earths-alternatives": ("2026-01-06", "2026-01-06", None),
}


def test_every_scenario_is_on_the_timeline():
    assert set(TIMELINE) == set(SCENARIOS)


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_scenario_dates_are_the_timelines(scenario_id):
    from analysis.listing import scenario_dates

    scenario = analysis.load_scenario(scenario_id)
    day0, start, end = TIMELINE[scenario_id]
    assert scenario.day0.isoformat() == day0
    assert scenario_dates(scenario) == (start, end)


PUBLIC_FACTS = Path(__file__).resolve().parents[2] / "shared" / "PUBLIC_FACTS.md"


@pytest.mark.skipif(not PUBLIC_FACTS.is_file(), reason=f"public-facts sheet not at {PUBLIC_FACTS}")
def test_timeline_dates_are_in_the_public_facts_timeline():
    text = PUBLIC_FACTS.read_text(encoding="utf-8")
    section = text.split("## 16. China export-control timeline", 1)[1].split("\n## ", 1)[0]
    for scenario_id, dates in TIMELINE.items():
        if scenario_id == "2010-rare-earths-japan":
            assert "late Sep 2010" in section
            continue
        for date in filter(None, dates):
            assert date in section, (scenario_id, date)


@pytest.mark.skipif(not USGS_FILE.is_file(), reason=f"USGS MCS 2025 file not found at {USGS_FILE}")
def test_a_usgs_import_compares_with_lithium_and_cobalt(G):
    # The mine nodes output mined-lithium / mined-cobalt (so that `lithium` and
    # `cobalt` name both stages); the importer gives its nodes the same
    # commodities, so every curated lithium and cobalt share is compared:
    # 9 lithium producers and 12 cobalt producers (seeds/battery-metals.yaml).
    from analysis.compare import compare_shares
    from graph.importers.usgs import import_usgs

    imported = graph.from_dict(import_usgs(USGS_FILE).data)
    rows = compare_shares(G, imported).rows
    assert sum(r["commodity"] == "mined-lithium" for r in rows) == 9
    assert sum(r["commodity"] == "mined-cobalt" for r in rows) == 12
