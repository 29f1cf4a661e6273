"""Classroom mode in a real browser: hidden controls, projector mode, the "Copy link to this
view" button (clipboard, and its two fallbacks) and the classroom-link builder."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, expect

import xent_core as xc
from tests.e2e.helpers import (
    assert_no_app_errors,
    metric_value,
    save_screenshot,
    sidebar_nav_links,
    wait_for_app_idle,
)
from ui.model import classroom
from ui.text.numbers import short

# Runs before any page script: keeps the real clipboard for the test to read, then takes
# navigator.clipboard away, as on a plain-http classroom server (not a secure context).
NO_CLIPBOARD_API = """
window.__clipboard = navigator.clipboard;
Object.defineProperty(Navigator.prototype, "clipboard", { get: () => undefined });
"""
NO_EXEC_COMMAND = "document.execCommand = () => false;"


def open_view(page: Page, path: str) -> None:
    """Go to ``path`` (with its query) and wait until the app is idle."""
    page.goto(path)
    wait_for_app_idle(page)


def by_key(page: Page, key: str) -> Locator:
    """The element Streamlit draws for widget or container key ``key``."""
    return page.locator(f".st-key-{key}")


def sidebar(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar")


def copy_button(page: Page, test_id: str = "xent-copy-link") -> Locator:
    return page.get_by_test_id(test_id)


def allow_clipboard(page: Page, base_url: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url)


def clipboard(page: Page, reader: str = "navigator.clipboard") -> str:
    return page.evaluate(f"() => {reader}.readText()")


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def open_builder(page: Page) -> Locator:
    """Open the sidebar's "Classroom link" expander; return it."""
    builder = by_key(page, "cls_builder")
    builder.get_by_text("Classroom link", exact=True).click()
    expect(builder.get_by_text("Hide these controls")).to_be_visible()
    return builder


def pick(page: Page, key: str, option: str) -> None:
    """Choose ``option`` in the multiselect ``key``; its list stays open between picks, and a
    rerun that lands meanwhile closes it, so open it again if need be."""
    choice = page.get_by_role("option", name=option, exact=True)
    for _ in range(3):
        try:
            if not choice.is_visible():
                by_key(page, key).locator("input").click()
            choice.click(timeout=5_000)
            break
        except PlaywrightError:
            continue
    wait_for_app_idle(page)
    expect(by_key(page, key).get_by_text(option, exact=True)).to_be_visible()


def test_hidden_controls_are_not_visible_while_the_figures_and_numbers_are(page: Page) -> None:
    """``?hide=z,start``: z's slider and w₀, b₀ are gone; the rest, both charts and the
    numbers at the link's z are there, and they stay hidden after a section reruns."""
    open_view(page, "/versus?vs_z=-2&hide=z,start")
    for key in ("vs_z", "vs_w0", "vs_b0"):
        expect(by_key(page, key)).to_be_hidden()
    for key in ("vs_lr", "vs_steps", "vs_curves", "vs_race"):
        expect(by_key(page, key)).to_be_visible()
    expect(metric_value(page, "p = σ(z)")).to_have_text(short(xc.sigmoid([-2.0])[0]))
    steps = by_key(page, "vs_steps").get_by_role("slider")
    steps.focus()
    steps.press("ArrowLeft")  # reruns the race's fragment only
    expect(page).to_have_url(re.compile(r"vs_steps="))
    wait_for_app_idle(page)
    expect(by_key(page, "vs_w0")).to_be_hidden()
    expect(by_key(page, "vs_z")).to_be_hidden()
    assert query_of(page.url)["hide"] == ["z,start"]
    assert_no_app_errors(page)


def test_hiding_controls_in_an_expander_hides_the_expander(page: Page) -> None:
    """Categorical ``?hide=weights``: the class-weights expander is gone, the table is not."""
    open_view(page, "/categorical?hide=weights")
    expect(page.get_by_test_id("stExpander").filter(has_text="Class weights")).to_have_count(1)
    expect(page.get_by_test_id("stExpander").filter(has_text="Class weights")).to_be_hidden()
    expect(page.get_by_test_id("stExpander").filter(has_text="Classes: rename")).to_be_visible()
    expect(by_key(page, "cat_table")).to_be_visible()
    assert_no_app_errors(page)


def test_an_unknown_name_is_named_in_a_note(page: Page) -> None:
    open_view(page, "/softmax?hide=logits,sliders")
    expect(page.get_by_test_id("stAlert").filter(has_text="sliders")).to_be_visible()
    expect(by_key(page, "z_0")).to_be_hidden()
    expect(by_key(page, "tau")).to_be_visible()


def chart_height(page: Page, key: str) -> float:
    box = by_key(page, key).bounding_box()
    assert box is not None, f"{key} is not on screen"
    return box["height"]


def tick_font_px(page: Page, key: str) -> float:
    """The font size of the chart's first x-axis tick label (plotly writes it inline)."""
    tick = by_key(page, key).locator(".xaxislayer-above text").first
    return float(tick.evaluate("t => parseFloat(t.style.fontSize)"))


def root_font_px(page: Page) -> float:
    return page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")


def test_projector_mode_has_no_sidebar_and_bigger_text_and_figures(
    page: Page, screenshot_dir: Path
) -> None:
    """``?projector=1``: no sidebar, no header, no sidebar toggle; the root font and the
    curves chart grow, the chart's fonts with them."""
    open_view(page, "/versus")
    expect(sidebar(page)).to_be_visible()
    normal_height = chart_height(page, "vs_curves")
    normal_font = root_font_px(page)
    normal_width = by_key(page, "vs_curves").bounding_box()["width"]
    normal_tick = tick_font_px(page, "vs_curves")

    open_view(page, "/versus?projector=1&hide=start,rate")
    expect(by_key(page, "vs_curves").locator(".main-svg").first).to_be_visible()
    expect(sidebar(page)).to_be_hidden()
    expect(page.get_by_test_id("stHeader")).to_be_hidden()
    expect(page.get_by_test_id("stExpandSidebarButton")).to_have_count(0)
    assert root_font_px(page) == classroom.ROOT_FONT_PX > normal_font
    assert chart_height(page, "vs_curves") > 1.25 * normal_height
    assert by_key(page, "vs_curves").bounding_box()["width"] > normal_width  # full width
    # Streamlit's plotly theme sizes the ticks in rem, so they grow with the root font
    assert tick_font_px(page, "vs_curves") >= 1.3 * normal_tick
    assert_no_app_errors(page)
    save_screenshot(page, screenshot_dir / "classroom-projector.png")


def test_projector_mode_enlarges_the_training_pictures(page: Page, screenshot_dir: Path) -> None:
    """Training, settings hidden on a projector: the boundary picture fills its wider column."""
    page.goto("/training?projector=1&hide=settings,preset")
    picture = page.locator('img[data-testid="tr-boundary"]')
    expect(picture).to_be_visible()
    wait_for_app_idle(page)
    expect(by_key(page, "tr_settings")).to_be_hidden()
    expect(by_key(page, "tr_play")).to_be_visible()
    assert picture.bounding_box()["width"] > 450
    save_screenshot(page, screenshot_dir / "classroom-projector-training.png")


def test_the_copy_button_puts_the_current_address_on_the_clipboard(
    page: Page, base_url: str
) -> None:
    """After a setting changed the address, the button copies exactly ``page.url``."""
    allow_clipboard(page, base_url)
    open_view(page, "/versus?hide=rate")
    z = by_key(page, "vs_z").get_by_role("slider")
    z.focus()
    z.press("ArrowRight")
    wait_for_app_idle(page)
    expect(page).to_have_url(re.compile(r"vs_z=-3\.9"))
    copy_button(page).click()
    expect(page.get_by_test_id("xent-copy-link-status")).to_have_text("Link copied")
    assert clipboard(page) == page.url
    assert query_of(page.url)["hide"] == ["rate"]


def test_without_the_clipboard_api_the_link_is_copied_all_the_same(
    page: Page, base_url: str
) -> None:
    """No navigator.clipboard (plain http): the hidden-textarea copy puts the link there."""
    allow_clipboard(page, base_url)
    page.add_init_script(NO_CLIPBOARD_API)
    open_view(page, "/smoothing?ls_tau=2")
    assert page.evaluate("() => navigator.clipboard === undefined")
    copy_button(page).click()
    expect(page.get_by_test_id("xent-copy-link-status")).to_have_text("Link copied")
    assert clipboard(page, "window.__clipboard") == page.url


def test_when_no_way_of_copying_works_the_link_is_shown_selected(page: Page) -> None:
    """Both ways fail: the link appears in a text field, selected, with a Ctrl+C hint."""
    page.add_init_script(NO_CLIPBOARD_API + NO_EXEC_COMMAND)
    open_view(page, "/gradcheck?gc_h=1e-3")
    copy_button(page).click()
    field = page.get_by_test_id("xent-copy-link-field")
    expect(field).to_be_visible()
    expect(field).to_have_value(page.url)
    expect(page.get_by_test_id("xent-copy-link-status")).to_contain_text("Ctrl+C")
    selected = page.evaluate(
        "() => window.getSelection().toString() || document.activeElement.value"
    )
    assert selected == page.url


def test_the_classroom_link_builder_copies_a_link_that_hides_what_was_chosen(
    page: Page, base_url: str, screenshot_dir: Path
) -> None:
    """Pick z and start, switch projector on, copy: the link, opened, hides them, no sidebar."""
    allow_clipboard(page, base_url)
    open_view(page, "/versus?vs_z=-1")
    builder = open_builder(page)
    by_key(page, "cls_projector").get_by_text("Projector").click()
    expect(builder.get_by_text("projector=1", exact=True)).to_be_visible()  # rerun done
    for name in ("z", "start"):
        pick(page, "cls_hide_versus", name)
    page.keyboard.press("Escape")
    expect(builder.get_by_text("hide=z,start&projector=1")).to_be_visible()
    copy_button(page, "xent-copy-classroom").click()
    expect(page.get_by_test_id("xent-copy-classroom-status")).to_have_text("Classroom link copied")
    page.set_viewport_size({"width": 1400, "height": 1400})  # the whole sidebar in the shot
    expect(page.get_by_role("listbox")).to_have_count(0)
    sidebar(page).screenshot(path=str(screenshot_dir / "classroom-sidebar.png"))
    link = clipboard(page)
    assert query_of(link) == {"vs_z": ["-1"], "hide": ["z,start"], "projector": ["1"]}
    assert "hide" not in query_of(page.url)  # building a link does not change this view

    open_view(page, link)
    for key in ("vs_z", "vs_w0", "vs_b0"):
        expect(by_key(page, key)).to_be_hidden()
    expect(by_key(page, "vs_curves")).to_be_visible()
    expect(sidebar(page)).to_be_hidden()
    expect(metric_value(page, "p = σ(z)")).to_have_text(short(xc.sigmoid([-1.0])[0]))
    assert_no_app_errors(page)


@pytest.mark.parametrize("start", ["/?projector=1", "/?projector=1&hide=links"])
def test_projector_mode_follows_a_page_link(page: Page, start: str) -> None:
    """From the overview on a projector, a page link opens its page still on the projector
    (the overview's own hide does not follow)."""
    open_view(page, start)
    if "hide=links" in start:
        expect(by_key(page, "ov_links")).to_be_hidden()
        page.goto("/?projector=1")  # its links are hidden: use the plain projector overview
        wait_for_app_idle(page)
    page.get_by_test_id("stPageLink").filter(has_text="Softmax").click()
    expect(page).to_have_url(re.compile(r"/softmax"))
    wait_for_app_idle(page)
    assert query_of(page.url) == {"projector": ["1"]}
    expect(sidebar(page)).to_be_hidden()
    assert root_font_px(page) == classroom.ROOT_FONT_PX


def test_the_menu_leaves_a_pages_hide_behind(page: Page) -> None:
    """``hide`` names one page's controls: after the menu, the next page shows all of its."""
    open_view(page, "/softmax?hide=logits,temperature")
    expect(by_key(page, "tau")).to_be_hidden()
    sidebar_nav_links(page).filter(has_text="Label smoothing").click()
    expect(page).to_have_url(re.compile(r"/smoothing"))
    wait_for_app_idle(page)
    assert "hide" not in query_of(page.url)
    expect(by_key(page, "ls_tau")).to_be_visible()
    expect(page.get_by_test_id("stAlert").filter(has_text="hide=")).to_have_count(0)
