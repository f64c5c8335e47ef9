"""Import of bilateral trade tables (BACI, UN Comtrade): shares by hand, chunked reading."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers import run_cli

from graph.errors import ChokegraphError
from graph.importers.trade import detect_layout, import_trade, read_country_codes

# BACI: t, i (exporter), j (importer), k (HS6), v (thousand USD), q (tonnes).
BACI = """\
t,i,j,k,v,q
2023,156,392,811292,200.0,1.0
2023,56,392,811292,100,0.5
2023,156,392,250410,50,2.0
2023,842,392,811292,100,
2023,156,842,811292,80,1
2023,124,842,811292,20,1
2023,999,842,811292,100,1
2023,156,392,811292,100,0.5
2023,490,392,10121,30,1
2023,392,156,10121,10,1
"""
# Japan (392), HS 811292: China 200 + 100 (two rows, read in different chunks),
#   Belgium 100, United States (BACI code 842) 100 -> total 500:
#   chn 300/500 = 0.6, bel 100/500 = 0.2, usa 100/500 = 0.2.
# United States (842), HS 811292: China 80, Canada 20, unknown code 999: 100 -> total 200:
#   chn 80/200 = 0.4, can 20/200 = 0.1; the unknown 0.5 stays unattributed.
# China (156), HS 010121 (written 10121, a lost leading zero): Japan 10 -> 1.0.
# Japan, HS 010121: Taiwan (490, "Other Asia, nes") 30 -> 1.0.


@pytest.fixture
def baci_file(tmp_path) -> Path:
    path = tmp_path / "BACI_HS92_Y2023_V202501.csv"
    path.write_text(BACI, encoding="utf-8")
    return path


def shares(imported) -> dict[tuple[str, str], float]:
    return {(e["from"], e["to"]): e["share"] for e in imported.data["edges"]}


def test_baci_shares_by_hand(baci_file):
    imported = import_trade(baci_file, products=["811292"], by="value")
    got = shares(imported)
    assert got == pytest.approx(
        {
            ("chn", "jpn-imports-811292"): 0.6,
            ("bel", "jpn-imports-811292"): 0.2,
            ("usa", "jpn-imports-811292"): 0.2,
            ("chn", "usa-imports-811292"): 0.4,
            ("can", "usa-imports-811292"): 0.1,
        }
    )
    nodes = {n["id"]: n for n in imported.data["nodes"]}
    node = nodes["jpn-imports-811292"]
    assert node["kind"] == "mineral"
    assert node["country"] == "jpn"
    assert node["commodity"] == "hs-811292"
    assert node["name"] == "Japan imports of HS 811292"
    assert node["year"] == 2023
    assert "500 thousand USD" in node["note"]
    assert {n for n, d in nodes.items() if d["kind"] == "country"} == {
        "bel",
        "can",
        "chn",
        "jpn",
        "usa",
    }
    (source,) = imported.data["sources"]
    assert source["id"] == "baci"
    assert "BACI_HS92_Y2023_V202501.csv" in source["title"]
    for edge in imported.data["edges"]:
        assert (edge["source"], edge["year"], edge["confidence"]) == ("baci", 2023, "reported")
    # The unknown exporter is listed, with the value it leaves unattributed.
    (unknown,) = imported.skipped
    assert unknown.reason == "unknown-code"
    assert "exporter 999" in unknown.detail and "100 thousand USD" in unknown.detail
    assert "unknown-code: 1" in imported.summary()


def test_shares_sum_to_one_per_importer_and_product(baci_file):
    imported = import_trade(baci_file, products=["811292", "010121"], by="value")
    sums: dict[str, float] = {}
    for edge in imported.data["edges"]:
        sums[edge["to"]] = sums.get(edge["to"], 0.0) + edge["share"]
    assert sums == pytest.approx(
        {
            "jpn-imports-811292": 1.0,
            "usa-imports-811292": 0.5,  # half the value comes from the unknown code 999
            "chn-imports-010121": 1.0,
            "jpn-imports-010121": 1.0,
        }
    )
    assert shares(imported)["twn", "jpn-imports-010121"] == 1.0


@pytest.mark.parametrize("chunksize", [1, 2, 3, 1000])
def test_chunked_reading_gives_the_same_result(baci_file, chunksize):
    whole = import_trade(baci_file, products=["811292", "10121"], chunksize=1_000_000)
    chunked = import_trade(baci_file, products=["811292", "10121"], chunksize=chunksize)
    assert chunked.data == whole.data
    assert "rows read: 10" in chunked.summary()


def test_chunks_are_really_used(baci_file, monkeypatch):
    import pandas as pd

    sizes = []
    real = pd.read_csv

    def spy(*args, **kwargs):
        sizes.append(kwargs.get("chunksize"))
        return real(*args, **kwargs)

    monkeypatch.setattr(pd, "read_csv", spy)
    import_trade(baci_file, products=["811292"], chunksize=3)
    assert sizes == [3]


def test_country_codes_file_new_and_old_layouts(baci_file, tmp_path):
    new = tmp_path / "country_codes_V202501.csv"
    new.write_text(
        "country_code,country_name,country_iso2,country_iso3\n"
        "56,Belgium,BE,BEL\n124,Canada,CA,CAN\n156,China,CN,CHN\n392,Japan,JP,JPN\n"
        '490,"Other Asia, nes",,S19\n842,USA,US,USA\n999,Nowhere,,N/A\n',
        encoding="utf-8",
    )
    old = tmp_path / "country_codes_V202201.csv"
    old.write_text(
        "country_code,country_name_abbreviation,country_name_full,iso_2digit_alpha,iso_3digit_alpha\n"
        "56,Belgium,Belgium,BE,BEL\n124,Canada,Canada,CA,CAN\n156,China,China,CN,CHN\n"
        '392,Japan,Japan,JP,JPN\n490,"Other Asia, nes","Other Asia, not elsewhere specified",,\n'
        "842,USA,United States of America,US,USA\n",
        encoding="latin-1",
    )
    assert read_country_codes(new)["490"] == "twn"
    assert read_country_codes(new)["999"] is None
    assert read_country_codes(old) == {
        "56": "bel",
        "124": "can",
        "156": "chn",
        "392": "jpn",
        "490": "twn",
        "842": "usa",
    }
    without = shares(import_trade(baci_file, products=["811292"]))
    for codes in (new, old):
        assert shares(import_trade(baci_file, products=["811292"], codes=codes)) == without


def test_year_choice(tmp_path):
    path = tmp_path / "two_years.csv"
    path.write_text(
        "t,i,j,k,v,q\n2022,156,392,811292,10,1\n2023,156,392,811292,30,1\n2023,56,392,811292,10,1\n"
    )
    with pytest.raises(ChokegraphError, match=r"several years \(2022, 2023\).*--year"):
        import_trade(path, products=["811292"])
    got = shares(import_trade(path, products=["811292"], year=2023, by="value"))
    # 2023: China 30, Belgium 10 -> 0.75 and 0.25.
    assert got == pytest.approx(
        {("chn", "jpn-imports-811292"): 0.75, ("bel", "jpn-imports-811292"): 0.25}
    )
    with pytest.raises(ChokegraphError, match="no baci import rows for product 811292 in 2021"):
        import_trade(path, products=["811292"], year=2021)


def test_bad_products_and_files(baci_file, tmp_path):
    with pytest.raises(ChokegraphError, match="not an HS6 product code: 81129x"):
        import_trade(baci_file, products=["81129x"])
    with pytest.raises(ChokegraphError, match="not an HS6 product code: 8112920"):
        import_trade(baci_file, products=["8112920"])
    with pytest.raises(ChokegraphError, match="no such file"):
        import_trade(tmp_path / "missing.csv", products=["811292"])
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b,c\n1,2,3\n")
    with pytest.raises(ChokegraphError, match=r"not a BACI .* or Comtrade"):
        import_trade(odd, products=["811292"])


# UN Comtrade bulk layout: imports (M) as reported by the importer (the reporter).
COMTRADE = """\
typeCode,freqCode,refYear,period,reporterCode,reporterISO,reporterDesc,flowCode,partnerCode,partnerISO,partnerDesc,partner2Code,cmdCode,customsCode,motCode,primaryValue
C,A,2023,2023,392,JPN,Japan,M,0,W00,World,0,811292,C00,0,1000
C,A,2023,2023,392,JPN,Japan,M,156,CHN,China,0,811292,C00,0,750
C,A,2023,2023,392,JPN,Japan,M,156,CHN,China,0,811292,C00,1000,700
C,A,2023,2023,392,JPN,Japan,M,156,CHN,China,0,811292,C01,0,50
C,A,2023,2023,392,JPN,Japan,M,56,BEL,Belgium,0,811292,C00,0,250
C,A,2023,2023,392,JPN,Japan,X,156,CHN,China,0,811292,C00,0,999
C,A,2023,2023,392,JPN,Japan,M,156,CHN,China,0,250410,C00,0,5
C,A,2023,2023,156,CHN,China,M,392,JPN,Japan,0,811292,C00,0,40
C,A,2023,2023,156,CHN,China,M,490,S19,"Other Asia, nes",0,811292,C00,0,10
C,A,2023,2023,156,CHN,China,M,899,_X,"Areas, nes",0,811292,C00,0,
"""
# Japan imports 811292: China 750 (the motCode 1000 and customsCode C01 rows are
#   breakdowns of it, the World row the total), Belgium 250 -> 0.75 and 0.25;
#   Japan's export row (X) is not an import.
# China imports 811292: Japan 40, Taiwan (S19) 10 -> 0.8 and 0.2; "Areas, nes" has no value.


@pytest.fixture
def comtrade_file(tmp_path) -> Path:
    path = tmp_path / "comtrade_811292_2023.csv"
    path.write_text(COMTRADE, encoding="utf-8")
    return path


def test_comtrade_shares_by_hand(comtrade_file):
    assert detect_layout(comtrade_file) == "comtrade"
    imported = import_trade(comtrade_file, products=["811292"])
    assert shares(imported) == pytest.approx(
        {
            ("chn", "jpn-imports-811292"): 0.75,
            ("bel", "jpn-imports-811292"): 0.25,
            ("jpn", "chn-imports-811292"): 0.8,
            ("twn", "chn-imports-811292"): 0.2,
        }
    )
    assert imported.data["sources"][0]["id"] == "comtrade"
    assert "comtrade_811292_2023.csv" in imported.data["sources"][0]["title"]
    summary = imported.summary()
    assert "partner World rows left out: 1" in summary
    assert "breakdown rows left out (mode, procedure, second partner): 2" in summary
    assert "rows without a value: 1" in summary


def test_comtrade_numeric_codes_and_period(tmp_path):
    path = tmp_path / "comtrade_codes.csv"
    path.write_text(
        "period,reporterCode,flowCode,partnerCode,cmdCode,primaryValue\n"
        "202301,392,M,156,811292,30\n"
        "202302,392,M,156,811292,30\n"
        "202301,392,M,842,811292,20\n"
        "202301,392,M,0,811292,80\n"
    )
    # Monthly rows of one year add up: China 60, United States (M49 842) 20 -> 0.75, 0.25.
    got = shares(import_trade(path, products=["811292"], layout="comtrade"))
    assert got == pytest.approx(
        {("chn", "jpn-imports-811292"): 0.75, ("usa", "jpn-imports-811292"): 0.25}
    )


def test_comtrade_chunked(comtrade_file):
    whole = import_trade(comtrade_file, products=["811292"])
    assert import_trade(comtrade_file, products=["811292"], chunksize=2).data == whole.data


def test_imported_trade_loads_as_a_dataset(baci_file):
    import graph

    G = graph.from_dict(import_trade(baci_file, products=["811292", "010121"], by="value").data)
    assert G.nodes["jpn-imports-811292"]["country"] == "jpn"
    assert G.edges["chn", "jpn-imports-811292", "hs-811292"]["share"] == pytest.approx(0.6)


def test_cli_trade(baci_file, tmp_path):
    code, out, err = run_cli(["import", "trade", str(baci_file), "--product", "811292"])
    assert code == 0, err
    data = yaml.safe_load(out)
    assert {e["to"] for e in data["edges"]} == {"jpn-imports-811292", "usa-imports-811292"}
    assert "unknown-code" in err
    folder = tmp_path / "trade"
    code, out, err = run_cli(
        [
            "import",
            "trade",
            str(baci_file),
            "--product",
            "811292",
            "--year",
            "2023",
            "--layout",
            "baci",
            "--by",
            "value",
            "-o",
            f"{folder}/",
        ]
    )
    assert code == 0, err
    import graph

    G = graph.load(folder)
    assert G.edges["bel", "jpn-imports-811292", "hs-811292"]["share"] == pytest.approx(0.2)


def test_cli_trade_errors(baci_file):
    code, _, err = run_cli(["import", "trade", str(baci_file)])
    assert code == 2 and "--product" in err
    code, _, err = run_cli(
        ["import", "trade", str(baci_file), "--product", "811292", "--year", "1999"]
    )
    assert code == 2 and err.startswith("error:") and "Traceback" not in err


def test_baci_shares_by_quantity_by_hand(baci_file):
    # Japan, HS 811292, tonnes: China 1.0 + 0.5, Belgium 0.5; the United States
    # row has no quantity (left out, listed) -> total 2.0: chn 0.75, bel 0.25.
    # United States: China 1, Canada 1, unknown 999: 1 -> chn 1/3, can 1/3.
    imported = import_trade(baci_file, products=["811292"])  # auto: BACI has q
    assert shares(imported) == pytest.approx(
        {
            ("chn", "jpn-imports-811292"): 0.75,
            ("bel", "jpn-imports-811292"): 0.25,
            ("chn", "usa-imports-811292"): 1 / 3,
            ("can", "usa-imports-811292"): 1 / 3,
        }
    )
    quantity = {(e["from"], e["to"]): e["quantity"] for e in imported.data["edges"]}
    assert quantity["chn", "jpn-imports-811292"] == pytest.approx(1.5)
    (lost,) = [s for s in imported.skipped if s.reason == "no-quantity"]
    assert "usa -> jpn, HS 811292: 100 thousand USD" in lost.detail
    assert "by quantity" in imported.summary()
    assert "2 tonnes" in next(
        n["note"] for n in imported.data["nodes"] if n["id"] == "jpn-imports-811292"
    )
    assert imported.data == import_trade(baci_file, products=["811292"], by="quantity").data
    by_value = import_trade(baci_file, products=["811292"], by="value")
    assert all("quantity" not in e for e in by_value.data["edges"])


def test_by_quantity_needs_a_quantity_column(comtrade_file):
    with pytest.raises(ChokegraphError, match=r"no quantity column.*--by value"):
        import_trade(comtrade_file, products=["811292"], by="quantity")
    assert "by value" in import_trade(comtrade_file, products=["811292"]).summary()
    code, _, err = run_cli(
        ["import", "trade", str(comtrade_file), "--product", "811292", "--by", "quantity"]
    )
    assert code == 2 and err.startswith("error:")
