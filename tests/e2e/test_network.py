"""The network diagram of the Live training page in a real browser: drawn, live while playing,
a connection's weight and a unit's formula on hover, a weight typed on a click, a unit added
with "+"; screenshots light and dark, laptop and projector."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.helpers import assert_no_app_errors, save_screenshot, wait_for_app_idle
from ui.text.network import edge_label


def open_training(page: Page, query: str = "") -> None:
    page.goto(f"/training{'?' + query if query else ''}")
    wait_for_app_idle(page)
    expect(canvas(page)).to_be_visible()


def holder(page: Page) -> Locator:
    """The diagram's holder (replaced by every diagram frame: query it afresh each time)."""
    return page.locator('[data-testid="tr-network"]')


def canvas(page: Page) -> Locator:
    return page.locator('[data-testid="tr-network-canvas"]')


def tip(page: Page) -> Locator:
    return page.locator('[data-testid="tr-network-tip"]')


def button(page: Page, key: str) -> Locator:
    return page.locator(f".st-key-{key}").get_by_role("button")


def show_diagram(page: Page) -> None:
    """Scroll the diagram to the middle of the window (a fresh query: no stale handle)."""
    page.evaluate(
        """() => document.querySelector('[data-testid="tr-network"]')
                   .scrollIntoView({block: 'center'})"""
    )


def scene(page: Page) -> dict:
    """The scene the canvas shows now (what network.js keeps for the diagram)."""
    return page.evaluate("() => window.xentNet.diagrams.net.scene")


def point_on_edge(page: Page, k: int, i: int, j: int, t: float = 0.5) -> tuple[float, float]:
    """Window coordinates of the point a fraction ``t`` along connection (k, i, j)."""
    return tuple(
        page.evaluate(
            """([k, i, j, t]) => {
                const s = window.xentNet.diagrams.net, sc = s.scene, v = s.view;
                const box = s.canvas.getBoundingClientRect();
                const x1 = sc.columns[k] + sc.tile, y1 = sc.rows[k][i] + sc.tile / 2;
                const x2 = sc.columns[k + 1], y2 = sc.rows[k + 1][j] + sc.tile / 2;
                return [box.left + v.ox + (x1 + t * (x2 - x1)) * v.k,
                        box.top + v.oy + (y1 + t * (y2 - y1)) * v.k];
            }""",
            [k, i, j, t],
        )
    )


def centre_of_unit(page: Page, layer: int, j: int) -> tuple[float, float]:
    """Window coordinates of the centre of unit ``j`` of layer ``layer``."""
    return tuple(
        page.evaluate(
            """([k, j]) => {
                const s = window.xentNet.diagrams.net, sc = s.scene, v = s.view;
                const box = s.canvas.getBoundingClientRect();
                return [box.left + v.ox + (sc.columns[k] + sc.tile / 2) * v.k,
                        box.top + v.oy + (sc.rows[k][j] + sc.tile / 2) * v.k];
            }""",
            [layer, j],
        )
    )


def weight_index(sc: dict, k: int, i: int, j: int) -> int:
    """Where weights[k][i, j] sits in the scene's flat list of weights."""
    sizes = sc["sizes"]
    return sum(sizes[m] * sizes[m + 1] for m in range(k)) + i * sizes[k + 1] + j


def label_of(sc: dict, edge: str) -> str:
    k, i, j = (int(v) for v in edge.split("."))
    return edge_label(sc["names"][k][i], sc["names"][k + 1][j], sc["w"][weight_index(sc, k, i, j)])


def strongest_last_edge(sc: dict) -> tuple[int, int, int]:
    """The connection into the outputs with the largest |w| (few lines cross it)."""
    k = len(sc["sizes"]) - 2
    pairs = [(i, j) for i in range(sc["sizes"][k]) for j in range(sc["sizes"][k + 1])]
    i, j = max(pairs, key=lambda p: abs(sc["w"][weight_index(sc, k, *p)]))
    return k, i, j


def canvas_ink(page: Page) -> int:
    """How many canvas pixels differ from the background (a drawn diagram has thousands)."""
    return page.evaluate(
        """() => {
            const c = window.xentNet.diagrams.net.canvas, ctx = c.getContext('2d');
            const d = ctx.getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let p = 0; p < d.length; p += 4) {
                const off = Math.abs(d[p] - d[0]) + Math.abs(d[p + 1] - d[1])
                    + Math.abs(d[p + 2] - d[2]);
                if (off > 30) n++;
            }
            return n;
        }"""
    )


def test_the_diagram_draws_every_unit_and_connection_of_the_network(
    page: Page, screenshot_dir: Path
):
    """2-8-4-2: 56 connections, 16 unit pictures, inked; the holder says so to screen readers."""
    open_training(page)
    expect(holder(page)).to_have_attribute("data-sizes", "2-8-4-2")
    expect(holder(page)).to_have_attribute("data-connections", "56")
    expect(holder(page)).to_have_attribute("role", "group")
    expect(holder(page)).to_have_attribute("aria-label", re.compile("^Network 2-8-4-2: 56 conn"))
    expect(page.get_by_role("button", name="Add a unit to hidden layer 1")).to_be_visible()
    sc = scene(page)
    assert len(sc["w"]) == 56 and sum(sc["sizes"]) == 16
    page.wait_for_function("() => window.xentNet.diagrams.net.img !== null")  # the pictures
    assert canvas_ink(page) > 5000
    assert_no_app_errors(page)
    show_diagram(page)
    save_screenshot(page, screenshot_dir / "training-network.png")


def test_the_diagram_changes_while_training_plays(page: Page):
    """Play: the weights the canvas shows change frame after frame; Pause: they stop."""
    open_training(page)
    first = scene(page)["w"]
    button(page, "tr_play").click()
    expect(button(page, "tr_play")).to_have_accessible_name("Pause")
    page.wait_for_function(
        "(w) => JSON.stringify(window.xentNet.diagrams.net.scene.w) !== JSON.stringify(w)",
        arg=first,
    )
    second = scene(page)["w"]
    page.wait_for_function(
        "(w) => JSON.stringify(window.xentNet.diagrams.net.scene.w) !== JSON.stringify(w)",
        arg=second,
    )
    button(page, "tr_play").click()
    expect(button(page, "tr_play")).to_have_accessible_name("Play")
    wait_for_app_idle(page)
    paused = scene(page)["w"]
    page.wait_for_timeout(600)
    assert scene(page)["w"] == paused
    assert_no_app_errors(page)


def test_play_moves_nothing_under_the_pointer(page: Page):
    """The first playing message lands in a slot that held nothing: it must not push the page
    under it down (by a gap, 16 px), or the diagram slides from under a pointer hovering it."""
    open_training(page)
    show_diagram(page)
    top = """() => window.xentNet.diagrams.net.canvas.getBoundingClientRect().top
                   - document.querySelector('h1').getBoundingClientRect().top"""
    before = page.evaluate(top)
    button(page, "tr_play").click()
    page.wait_for_function(
        """() => {
            const e = document.querySelector('[data-testid="tr-epoch"]');
            return e && parseInt(e.innerText.replace(/,/g, '')) >= 30;
        }"""
    )
    after = page.evaluate(top)
    button(page, "tr_play").click()
    assert after == pytest.approx(before, abs=0.5)


def test_hovering_a_connection_shows_its_weight_now_even_while_playing(
    page: Page, screenshot_dir: Path
):
    """The tip names the connection and its weight; while playing it follows the weight."""
    open_training(page)
    show_diagram(page)
    sc = scene(page)
    k, i, j = strongest_last_edge(sc)
    page.mouse.move(*point_on_edge(page, k, i, j, 0.5))
    expect(tip(page)).to_be_visible()
    edge = tip(page).get_attribute("data-edge")
    assert edge is not None
    expect(tip(page).get_by_test_id("tr-network-tip-text")).to_have_text(
        label_of(sc, edge) + "\n(click to type a new weight)"
    )
    page.screenshot(path=str(screenshot_dir / "training-network-hover.png"))  # the window

    shown = tip(page).inner_text()
    button(page, "tr_play").click()
    show_diagram(page)
    page.mouse.move(*point_on_edge(page, k, i, j, 0.5))
    page.wait_for_function(
        """(before) => {
            const t = document.querySelector('[data-testid="tr-network-tip"]');
            return t && t.style.display !== 'none' && t.innerText !== before;
        }""",
        arg=shown,
    )
    # One reading of both (a frame may land between two calls): the tip shows this frame's w.
    text, edge, live = page.evaluate(
        """() => {
            const t = document.querySelector('[data-testid="tr-network-tip"]');
            return [t.innerText, t.dataset.edge, window.xentNet.diagrams.net.scene];
        }"""
    )
    assert text.startswith(label_of(live, edge))
    button(page, "tr_play").click()
    expect(button(page, "tr_play")).to_have_accessible_name("Play")


def test_hovering_a_unit_shows_its_formula_with_the_numbers_and_its_picture_large(page: Page):
    open_training(page)
    show_diagram(page)
    page.mouse.move(*centre_of_unit(page, 1, 1))
    expect(tip(page)).to_be_visible()
    expect(tip(page)).to_have_attribute("data-unit", "1.1")
    text = tip(page).get_by_test_id("tr-network-tip-text").inner_text()
    sc = scene(page)
    assert text == sc["formulas"][1][1]
    assert text.startswith("h₂ = tanh(") and "·x₁" in text and "·x₂" in text
    zoom = tip(page).locator("canvas")
    expect(zoom).to_be_visible()
    assert zoom.bounding_box()["width"] == pytest.approx(sc["zoom"], abs=1)


def test_clicking_a_connection_lets_the_student_type_a_weight_and_the_loss_answers(page: Page):
    """Click, type 2.5, Enter: that weight in the network, the loss changed, a note says so."""
    open_training(page)
    show_diagram(page)
    loss_before = page.locator('[data-testid="tr-train-loss"]').inner_text()
    sc = scene(page)
    k, i, j = strongest_last_edge(sc)
    page.mouse.click(*point_on_edge(page, k, i, j, 0.5))
    editor = page.locator('[data-testid="tr-network-editor"]')
    expect(editor).to_be_visible()
    edge = tip(page).get_attribute("data-edge")
    field = page.get_by_test_id("tr-network-edit-input")
    field.fill("2.5")
    field.press("Enter")
    expect(page.get_by_text("Set the weight to 2.500", exact=False)).to_be_visible()
    wait_for_app_idle(page)
    k, i, j = (int(v) for v in edge.split("."))
    page.wait_for_function(
        "(n) => window.xentNet.diagrams.net.scene.w[n] === 2.5",
        arg=weight_index(scene(page), k, i, j),
    )
    expect(page.locator('[data-testid="tr-train-loss"]')).not_to_have_text(loss_before)
    assert_no_app_errors(page)


def test_plus_adds_a_unit_keeping_the_epoch_and_the_link_follows(page: Page):
    open_training(page)
    button(page, "tr_step").click()
    expect(page.locator('[data-testid="tr-epoch"]')).to_have_text("1")
    show_diagram(page)
    page.get_by_test_id("tr-network-add-1").click()
    expect(holder(page)).to_have_attribute("data-sizes", "2-9-4-2")
    expect(page.locator('[data-testid="tr-epoch"]')).to_have_text("1")
    page.wait_for_url("**tr_units1=9**")
    page.get_by_test_id("tr-network-remove-2").click()
    expect(holder(page)).to_have_attribute("data-sizes", "2-9-3-2")
    assert_no_app_errors(page)


@pytest.mark.parametrize(
    ("scheme", "size", "query", "name"),
    [
        ("dark", (1400, 1000), "", "training-network-dark.png"),
        ("light", (1280, 720), "projector=1", "training-network-projector.png"),
        ("dark", (1280, 720), "projector=1", "training-network-projector-dark.png"),
    ],
)
def test_the_diagram_reads_in_dark_mode_and_on_a_projector(
    browser: Browser, base_url: str, screenshot_dir: Path, scheme, size, query, name
):
    """Dark: the scene takes the dark colours; projector: the diagram fills the column."""
    context = browser.new_context(
        base_url=base_url,
        color_scheme=scheme,
        viewport={"width": size[0], "height": size[1]},
    )
    page = context.new_page()
    try:
        open_training(page, query)
        sc = scene(page)
        assert sc["colors"]["bg"] == ("#0e1117" if scheme == "dark" else "#ffffff")
        page.wait_for_function("() => window.xentNet.diagrams.net.img !== null")
        assert canvas_ink(page) > 5000
        if query:
            main = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
            assert canvas(page).bounding_box()["width"] > 0.9 * main["width"] - 80
        save_screenshot(page, screenshot_dir / name)
        show_diagram(page)
        page.mouse.move(*centre_of_unit(page, 1, 0))
        expect(tip(page)).to_be_visible()
        page.screenshot(path=str(screenshot_dir / name.replace(".png", "-hover.png")))
        assert_no_app_errors(page)
    finally:
        context.close()


def test_on_a_touch_screen_a_tap_shows_a_units_formula_and_a_connections_weight(
    browser: Browser, base_url: str
):
    """No hover on a tablet: a tap on a unit shows its formula, a tap on a line its weight."""
    context = browser.new_context(
        base_url=base_url, has_touch=True, viewport={"width": 1024, "height": 900}
    )
    page = context.new_page()
    try:
        open_training(page)
        show_diagram(page)
        page.touchscreen.tap(*centre_of_unit(page, 2, 0))
        expect(tip(page)).to_have_attribute("data-unit", "2.0")
        assert tip(page).inner_text().startswith("h²₁ = tanh(")
        sc = scene(page)
        page.touchscreen.tap(*point_on_edge(page, *strongest_last_edge(sc), 0.5))
        expect(tip(page)).to_have_attribute("data-edge", re.compile(r"^\d+\.\d+\.\d+$"))
        assert "w = " in tip(page).inner_text()
        expect(page.locator('[data-testid="tr-network-editor"]')).to_be_visible()
    finally:
        context.close()


def overlapping(a: dict, b: dict) -> bool:
    """True when the boxes (left, top, right, bottom) share more than half a pixel each way."""
    return (
        a["left"] < b["right"] - 0.5
        and b["left"] < a["right"] - 0.5
        and a["top"] < b["bottom"] - 0.5
        and b["top"] < a["bottom"] - 0.5
    )


@pytest.mark.parametrize(
    ("size", "query"),
    [((390, 844), ""), ((360, 740), "tr_layers=4&tr_units3=6&tr_units4=6"), ((1024, 768), "")],
)
def test_the_diagrams_words_are_readable_on_a_phone(browser: Browser, base_url: str, size, query):
    """Captions, input and class names at least 11 px, whole inside the canvas, clear of one
    another, of the layers' buttons and of the units: scaled with the drawing they were 5.6 px
    on a phone ("hidden 1 · 8")."""
    context = browser.new_context(base_url=base_url, viewport={"width": size[0], "height": size[1]})
    page = context.new_page()
    try:
        open_training(page, query)
        show_diagram(page)
        found = page.evaluate(
            """() => {
                const s = window.xentNet.diagrams.net, sc = s.scene, v = s.view;
                const canvas = s.canvas.getBoundingClientRect();
                const buttons = [...s.layerButtons.children].map((b) => {
                    const r = b.getBoundingClientRect();
                    return {left: r.left - canvas.left, right: r.right - canvas.left,
                            top: r.top - canvas.top, bottom: r.bottom - canvas.top};
                });
                const tiles = sc.rows.flatMap((rows, k) => rows.map((y) => ({
                    left: v.ox + sc.columns[k] * v.k, right: v.ox + (sc.columns[k] + sc.tile) * v.k,
                    top: v.oy + y * v.k, bottom: v.oy + (y + sc.tile) * v.k})));
                return {labels: s.labels, buttons, tiles, width: canvas.width,
                        height: canvas.height, captions: sc.captions};
            }"""
        )
        labels = found["labels"]
        shown = " ".join(label["text"] for label in labels)
        for caption in found["captions"]:  # every caption's words are drawn (maybe in 2 lines)
            assert all(word in shown for word in caption.split()), (caption, shown)
        small = [(label["text"], label["px"]) for label in labels if label["px"] < 11]
        assert not small, small
        outside = [
            label["text"]
            for label in labels
            if label["left"] < 0
            or label["right"] > found["width"]
            or label["top"] < 0
            or label["bottom"] > found["height"]
        ]
        assert not outside, outside
        for n, label in enumerate(labels):
            for other in labels[n + 1 :] + found["buttons"] + found["tiles"]:
                assert not overlapping(label, other), (label, other)
        for button in found["buttons"]:
            for tile in found["tiles"]:
                assert not overlapping(button, tile), (button, tile)
    finally:
        context.close()
