"""The interactive diagram: one offline HTML page, checked as text and in a headless browser."""

from __future__ import annotations

import html
import json
import re

import pytest
from browser import chromium, requested_urls, skip_reason
from helpers import run_cli

import analysis
import graph
from analysis.drawing import style as S
from analysis.drawing.interactive import interactive
from analysis.drawing.layout import diagram_layout
from analysis.drawing.selection import select_subgraph
from graph.errors import ChokegraphError

EVIL = "<script>window.pwned = 1</script>"
EVIL_IMG = '<img src="x.png" onerror="window.pwned = 2">'


def small():
    """chn -> gallium -> refiner -> industry, with hostile names; chn cuts gallium."""
    G = graph.from_dict(
        {
            "nodes": [
                {"id": "chn", "kind": "country", "name": "China"},
                {"id": "jpn", "kind": "country", "name": "Japan"},
                {"id": "ga", "kind": "mineral", "name": EVIL},
                {"id": "ref", "kind": "refiner", "name": EVIL_IMG, "country": "jpn"},
                {"id": "ind", "kind": "industry", "name": "Chips & <b>boards</b>"},
            ],
            "edges": [
                {"from": "chn", "to": "ga", "share": 0.6, "source": "src-a"},
                {"from": "jpn", "to": "ga", "share": 0.4, "source": "src-a"},
                {"from": "ga", "to": "ref", "share": 1.0},
                {"from": "ref", "to": "ind", "share": 1.0},
            ],
            "sources": [{"id": "src-a", "title": "A </script> title", "year": 2024}],
        }
    )
    return G, analysis.what_if(G, [analysis.Restriction("chn", ["ga"])])


def details_json(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="details">(.*?)</script>', page, re.S)
    assert found
    return json.loads(found.group(1))


# ---------------------------------------------------------------- the page as text


def test_page_draws_every_node_and_edge_once():
    G, res = small()
    page = interactive(G, result=res)
    assert (page.nodes, page.edges) == (5, 4)
    assert len(re.findall(r'<g class="node[^"]*" data-id=', page.html)) == 5
    assert len(re.findall(r'<path class="edge', page.html)) == 4


def test_names_are_escaped_everywhere():
    G, res = small()
    page = interactive(G, result=res).html
    # The only script elements are the page's own two; the data cannot close them.
    assert page.count("<script") == 2
    assert page.count("</script>") == 2
    assert "<img" not in page and "<b>" not in page
    # The label, as text, line by line.
    for line in S.node_label(G, "ga").split("\n"):
        assert f">{html.escape(line)}</tspan>" in page
    data = details_json(page)
    assert data["nodes"]["ga"]["title"] == EVIL  # the JSON gives the name back exactly
    assert data["nodes"]["ind"]["title"] == "Chips & <b>boards</b>"


def test_page_needs_nothing_from_outside():
    G, res = small()
    page = interactive(G, result=res).html
    tags = re.findall(r"<[a-zA-Z][^>]*>", page)
    assert len(tags) > 20
    assert not [t for t in tags if re.search(r"\b(src|href)\s*=", t, re.I)]
    assert "@import" not in page and "url(" not in page
    # The only URL is the SVG namespace, a name and not a request.
    assert set(re.findall(r"https?://[^\s\"'<>]+", page)) == {"http://www.w3.org/2000/svg"}
    assert "default-src 'none'" in page  # and the browser is told to refuse any request


def test_colours_and_cut_edges_are_the_pictures():
    G, res = small()
    page = interactive(G, result=res).html
    # chn -> ga is cut: dashed, in the cut colour; the other edges are not.
    cut = re.findall(r'<path class="edge cut"[^>]*>', page)
    assert len(cut) == 1
    assert 'data-from="chn"' in cut[0] and f'stroke="{S.CUT_COLOUR}"' in cut[0]
    assert "stroke-dasharray" in cut[0]
    plain = re.findall(r'<path class="edge"[^>]*>', page)
    assert len(plain) == 3 and not any("stroke-dasharray" in p for p in plain)
    # ga loses chn's 60%: the fill of a 60% shortfall, as in the PNG.
    node = re.search(r'<g class="node" data-id="ga"><rect [^>]*fill="(#[0-9a-f]{6})"', page)
    assert node and node.group(1) == S.shortfall_colour(0.6)
    assert S.shortfall_colour(0.6) != S.UNAFFECTED
    jpn = re.search(r'<g class="node" data-id="jpn"><rect [^>]*fill="(#[0-9a-f]{6})"', page)
    assert jpn and jpn.group(1) == S.UNAFFECTED


def test_positions_are_the_layouts():
    G, res = small()
    page = interactive(G, result=res).html
    lay = diagram_layout(G)
    # Columns left to right: chn, jpn (0), ga (1), ref (2), ind (3); x grows by the same pitch.
    xs = {}
    for n in lay.pos:
        rect = re.search(rf'data-id="{n}"><rect x="([-\d.]+)" y="[-\d.]+" width="([\d.]+)"', page)
        xs[n] = float(rect.group(1)) + float(rect.group(2)) / 2
    pitch = xs["ga"] - xs["chn"]
    assert pitch > 0
    for n, (x, _) in lay.pos.items():
        assert xs[n] == pytest.approx(x * pitch, abs=0.2)


def test_hover_details_of_a_node_and_an_edge():
    G, res = small()
    data = details_json(interactive(G, result=res).html)
    ref = dict(data["nodes"]["ref"]["rows"])
    assert ref["kind"] == "refiner"
    assert ref["country"] == "Japan (jpn)"
    assert ref["shortfall"] == "60%"  # all of its input is gallium, 60% of it cut
    assert ref["days to impact"] == str(res.impacts.set_index("node").loc["ref", "days_to_impact"])
    assert ref["via"] == "chn → ga → ref"
    jpn = dict(data["nodes"]["jpn"]["rows"])
    assert jpn["shortfall"] == "unaffected" and "via" not in jpn
    ga = dict(data["nodes"]["ga"]["rows"])
    assert ga["sources"] == "src-a — A </script> title"
    edge = next(e for e in data["edges"] if e["title"].startswith("China"))
    rows = dict(edge["rows"])
    assert rows["commodity"] == "ga" and rows["share"] == "60%"
    assert rows["cut"] == "the restriction keeps 0% of it"
    assert rows["source"] == "src-a — A </script> title"


def test_plain_graph_is_coloured_by_kind():
    G, _ = small()
    page = interactive(G).html
    found = re.search(r'data-id="chn"><rect [^>]*fill="(#[0-9a-f]{6})"', page)
    assert found.group(1) == S.KIND_COLOURS["country"]
    assert "shortfall" not in json.dumps(details_json(page))


def test_save_writes_html_only(tmp_path):
    G, res = small()
    page = interactive(G, result=res)
    out = page.save(tmp_path / "d.html")
    assert out.read_text(encoding="utf-8") == page.html
    with pytest.raises(ChokegraphError, match=r"\.html"):
        page.save(tmp_path / "d.png")


def test_jupyter_shows_it_inline_in_an_iframe():
    G, res = small()
    page = interactive(G, result=res)
    shown = page._repr_html_()
    assert shown.startswith("<iframe srcdoc=")
    assert "<script" not in shown  # the whole page is inside the attribute, escaped
    assert html.unescape(re.search(r'srcdoc="(.*?)"', shown, re.S).group(1)) == page.html


def test_bundled_focus_view_matches_the_selection():
    G = graph.load()
    res = analysis.what_if(G, [analysis.Restriction("china", ["gallium"])])
    page = interactive(G, result=res, focus="gallium", depth=1)
    assert page.nodes == len(select_subgraph(G, focus="gallium", depth=1, result=res))


def test_cli_writes_the_page(tmp_path):
    out = tmp_path / "gallium.html"
    code, _, err = run_cli(
        ["render", "--scenario", "2023-gallium-germanium", "--focus", "gallium", "-o", str(out)]
    )
    assert code == 0, err
    assert err.strip() == f"wrote {out}"
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_cli_refuses_a_timeline_as_a_page(tmp_path):
    code, _, err = run_cli(
        ["render", "china", "gallium", "--timeline", "-o", str(tmp_path / "t.html")]
    )
    assert code == 2
    assert "a timeline is a picture" in err
    assert not (tmp_path / "t.html").exists()


# ---------------------------------------------------------------- in a real browser

browser = pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason()))


@pytest.fixture(scope="module")
def driver():
    with chromium() as d:
        yield d


def view(driver):
    return driver.execute_script(
        "return document.getElementById('diagram').getAttribute('viewBox')"
    )


def load(driver, path):
    driver.get_log("performance")  # drop what earlier pages logged
    driver.get(path.as_uri())
    driver.find_element("id", "diagram")


@browser
def test_browser_shows_every_node_and_asks_for_nothing(driver, tmp_path):
    G = graph.load()
    res = analysis.what_if(G, [analysis.Restriction("china", ["gallium"])])
    out = interactive(G, result=res).save(tmp_path / "all.html")
    load(driver, out)
    assert len(driver.find_elements("css selector", "#diagram .node")) == len(G)
    assert len(driver.find_elements("css selector", "#diagram .edge")) == G.number_of_edges()
    urls = requested_urls(driver)
    assert urls == [out.as_uri()], f"the page asked for more than itself: {urls}"
    assert driver.get_screenshot_as_file(str(tmp_path / "all.png"))


@browser
def test_browser_runs_no_name_as_code(driver, tmp_path):
    G, res = small()
    out = interactive(G, result=res).save(tmp_path / "evil.html")
    load(driver, out)
    assert driver.execute_script("return window.pwned === undefined")
    label = driver.execute_script(
        "return Array.from(document.querySelectorAll('.node[data-id=ga] tspan'))"
        ".map(t => t.textContent).join('\\n')"
    )
    assert label == S.node_label(G, "ga")
    assert requested_urls(driver) == [out.as_uri()]  # the <img> in a name fetched nothing
    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert severe == [], severe


@browser
def test_browser_search_highlights_the_node(driver, tmp_path):
    G = graph.load()
    res = analysis.what_if(G, [analysis.Restriction("china", ["gallium"])])
    out = interactive(G, result=res, focus="gallium", depth=2).save(tmp_path / "ga.html")
    load(driver, out)
    box = driver.find_element("id", "search")
    box.send_keys("primary GALLIUM")
    matched = driver.find_elements("css selector", "#diagram .node.match")
    assert [m.get_attribute("data-id") for m in matched] == ["gallium"]
    assert driver.find_element("id", "found").text == "1 node found"
    # The others are dimmed; the match is outlined.
    dim = driver.execute_script(
        "return getComputedStyle(document.querySelector('.node:not(.match)')).opacity"
    )
    assert float(dim) == pytest.approx(0.25)
    stroke = driver.execute_script(
        "return getComputedStyle(document.querySelector('.node.match rect')).strokeWidth"
    )
    assert stroke == "4px"
    box.clear()
    driver.execute_script("chokegraphFind('')")
    assert driver.find_elements("css selector", "#diagram .node.match") == []


@browser
def test_browser_hover_zoom_and_pan(driver, tmp_path):
    from selenium.webdriver.common.action_chains import ActionChains

    G, res = small()
    out = interactive(G, result=res).save(tmp_path / "small.html")
    load(driver, out)
    tip = driver.find_element("id", "tip")
    assert not tip.is_displayed()
    ActionChains(driver).move_to_element(
        driver.find_element("css selector", '.node[data-id="ref"] rect')
    ).perform()
    assert tip.is_displayed()
    assert "chn → ga → ref" in tip.text
    assert EVIL_IMG in tip.text  # the name, as text
    before = view(driver)
    driver.find_element("id", "zoom-in").click()
    zoomed = view(driver)
    w0, w1 = float(before.split()[2]), float(zoomed.split()[2])
    assert w1 == pytest.approx(w0 / 1.4, rel=1e-3)
    svg = driver.find_element("id", "diagram")
    ActionChains(driver).move_to_element(svg).click_and_hold().move_by_offset(
        80, 0
    ).release().perform()
    panned = view(driver)
    assert float(panned.split()[0]) < float(zoomed.split()[0])  # dragged right: the view moves left
    driver.find_element("id", "reset").click()
    assert view(driver) == before
