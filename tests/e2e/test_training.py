"""The Live training page in a real browser: it loads, Play trains and redraws, Pause stops."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.helpers import assert_no_app_errors, save_screenshot, wait_for_app_idle
from tests.e2e.layout_checks import CELLS, THEMES, Cell, tab_bar_problems, tab_bars


def open_training(page: Page, query: str = "") -> None:
    """Go to the page and wait until its script has finished and the boundary is drawn."""
    page.goto(f"/training{'?' + query if query else ''}")
    wait_for_app_idle(page)
    expect(boundary(page)).to_be_visible()


def boundary(page: Page) -> Locator:
    """The decision-boundary picture (an inline JPEG)."""
    return page.locator('img[data-testid="tr-boundary"]')


def button(page: Page, key: str) -> Locator:
    """The button with widget key ``key``."""
    return page.locator(f".st-key-{key}").get_by_role("button")


def number(page: Page, test_id: str) -> Locator:
    """A number of the live block: tr-epoch, tr-train-loss, tr-test-loss, tr-train-acc, ..."""
    return page.locator(f'[data-testid="{test_id}"]')


def counter(page: Page) -> Locator:
    """The epoch counter above the boundary picture."""
    return number(page, "tr-epoch")


def epoch(page: Page) -> int:
    return int(counter(page).inner_text().replace(",", ""))


def wait_for_epoch_at_least(page: Page, n: int) -> None:
    page.wait_for_function(
        """(n) => {
            const e = document.querySelector('[data-testid="tr-epoch"]');
            return e && parseInt(e.innerText.replace(/,/g, '')) >= n;
        }""",
        arg=n,
        timeout=30_000,
    )


def screenshot(page: Page, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main area, so grow the window first."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": max(900, height + 40)})
    page.screenshot(path=str(path), full_page=True)


def test_the_page_loads_every_part_without_errors(page: Page, screenshot_dir: Path):
    """Controls, the four live numbers, boundary, units, loss curve and formulas all render."""
    open_training(page)
    assert_no_app_errors(page)
    expect(counter(page)).to_have_text("0")
    for test_id in ("tr-train-loss", "tr-test-loss", "tr-train-acc", "tr-test-acc"):
        expect(number(page, test_id)).to_be_visible()
    expect(page.locator('img[data-testid="tr-units"]')).to_be_visible()
    expect(page.get_by_test_id("stPlotlyChart")).to_be_visible()
    expect(page.get_by_text("mean cross-entropy").first).to_be_visible()
    for key in ("tr_play", "tr_step", "tr_reset", "tr_preset"):
        expect(button(page, key)).to_be_enabled()
    expect(boundary(page)).to_have_count(1)
    expect(boundary(page)).to_have_attribute("alt", "decision boundary at epoch 0")
    screenshot(page, screenshot_dir / "training.png")


def test_play_advances_the_epoch_and_redraws_the_boundary_and_pause_stops_it(
    page: Page, screenshot_dir: Path
):
    """Play: the counter climbs and the picture changes; Pause: both stay still."""
    open_training(page)
    first_picture = boundary(page).get_attribute("src")
    button(page, "tr_play").click()
    expect(button(page, "tr_play")).to_have_accessible_name("Pause")
    wait_for_epoch_at_least(page, 5)
    page.wait_for_function(
        """(src) => {
            const img = document.querySelector('img[data-testid="tr-boundary"]');
            return img && img.getAttribute('src') !== src;
        }""",
        arg=first_picture,
    )
    wait_for_epoch_at_least(page, epoch(page) + 3)  # still moving
    screenshot(page, screenshot_dir / "training-playing.png")
    assert_no_app_errors(page)

    button(page, "tr_play").click()
    expect(button(page, "tr_play")).to_have_accessible_name("Play")
    wait_for_app_idle(page)  # the loop has ended: nothing redraws any more
    stopped_at, picture = epoch(page), boundary(page).get_attribute("src")
    assert stopped_at >= 8
    page.wait_for_timeout(700)  # nothing may change during this time
    assert epoch(page) == stopped_at
    assert boundary(page).get_attribute("src") == picture


SEEN_EPOCHS = """() => {
  window.__epochs = new Set();
  const tick = () => {
    const e = document.querySelector('[data-testid="tr-epoch"]');
    if (e) window.__epochs.add(parseInt(e.innerText.replace(/,/g, '')));
    if (window.__sampling !== false) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""


def test_playing_frames_are_drawn_one_by_one_into_the_same_block(page: Page):
    """A playing message carries two frames (ui/model/training_loop.FRAMES_PER_MESSAGE): the
    browser draws both, odd and even epochs, into the block already there (not a new one);
    after Pause the block shows the paused run's epoch and stays."""
    open_training(page)
    button(page, "tr_play").click()
    wait_for_epoch_at_least(page, 3)
    page.evaluate("document.querySelector('[data-testid=\"tr-live\"]').__xentTag = 1")
    page.evaluate(SEEN_EPOCHS)
    wait_for_epoch_at_least(page, epoch(page) + 40)
    page.evaluate("window.__sampling = false")
    assert page.evaluate("document.querySelector('[data-testid=\"tr-live\"]').__xentTag") == 1
    seen = page.evaluate("Array.from(window.__epochs)")
    odd, even = [e for e in seen if e % 2], [e for e in seen if not e % 2]
    assert len(odd) >= 5 and len(even) >= 5, sorted(seen)
    assert_no_app_errors(page)

    button(page, "tr_play").click()
    expect(button(page, "tr_play")).to_have_accessible_name("Play")
    wait_for_app_idle(page)
    stopped_at = epoch(page)
    block = page.locator('[data-testid="tr-live"]')
    expect(block).to_have_attribute("data-epoch", str(stopped_at))
    page.wait_for_timeout(500)
    assert epoch(page) == stopped_at


# For one second while playing: the frames drawn (epoch counters seen at animation frames)
# and the passes of the page script (ui/widgets/page.js), each of which starts by looking
# for formulas to fit.
PASSES_WHILE_PLAYING = """() => new Promise((resolve) => {
  const find = Document.prototype.querySelectorAll;
  let passes = 0;
  document.querySelectorAll = function (selector) {
    if (selector === ".katex-display") passes += 1;
    return find.call(this, selector);
  };
  const epochs = new Set();
  const start = performance.now();
  const tick = (now) => {
    const e = document.querySelector('[data-testid="tr-epoch"]');
    if (e) epochs.add(e.innerText);
    if (now - start < 1000) requestAnimationFrame(tick);
    else {
      delete document.querySelectorAll;
      resolve({passes, frames: epochs.size});
    }
  };
  requestAnimationFrame(tick);
})"""


def test_the_page_script_sits_out_the_playing_frames(page: Page):
    """The frames change the live block ~60 times a second and each message swaps a script:
    the page script (fitting formulas and metrics, naming charts) has nothing to do for them.
    It runs for the few other changes (the units, the diagram, the curve: ~6 a second); it ran
    after every frame, ~60 a second, with a forced layout each (CDP profile, 2026-12-07)."""
    open_training(page)
    button(page, "tr_play").click()
    wait_for_epoch_at_least(page, 30)
    got = page.evaluate(PASSES_WHILE_PLAYING)
    button(page, "tr_play").click()
    assert got["frames"] >= 20, got  # it did play
    assert got["passes"] <= 12, got
    assert_no_app_errors(page)


def test_playing_frames_come_on_the_runs_own_socket_not_streamlits(page: Page):
    """While playing, the loop's ~30 messages a second arrive on the run's websocket
    (ui/widgets/frame_socket.py), each with two frames; Streamlit's own socket carries only
    the curve and the units, a few a second: each message there made the tab re-render the
    page (14 of 30 rendered a second with the CPU slowed 4 times, CDP trace, 2026-12-07)."""
    received: dict[str, int] = {}
    sockets: list[str] = []

    def opened(ws) -> None:
        sockets.append(ws.url)
        received.setdefault(ws.url, 0)

        def count(_payload) -> None:
            if counting:
                received[ws.url] += 1

        ws.on("framereceived", count)

    counting = False
    page.on("websocket", opened)
    open_training(page)
    button(page, "tr_play").click()
    wait_for_epoch_at_least(page, 40)
    counting = True
    page.wait_for_timeout(2000)
    counting = False
    button(page, "tr_play").click()
    frames = [u for u in sockets if "/_xent/frames?run=" in u]
    stream = [u for u in sockets if u.endswith("/_stcore/stream")]
    assert len(frames) == 1 and len(stream) == 1, sockets
    assert received[frames[0]] >= 40, received  # 30 a second, paced by the server
    assert received[stream[0]] <= 12, received  # was ~60 in 2 s
    assert_no_app_errors(page)


def test_a_tab_whose_frame_socket_never_connects_still_plays(page: Page):
    """A proxy that passes Streamlit's websocket but not the frames' (here the browser's own
    socket to /_xent/frames is held open and never reaches the server): after a second the
    loop sends its frames as elements again and the counter runs on."""
    page.route_web_socket("**/_xent/frames*", lambda ws: None)  # open, no server behind
    open_training(page)
    button(page, "tr_play").click()
    wait_for_epoch_at_least(page, 200)
    button(page, "tr_play").click()
    expect(button(page, "tr_play")).to_have_accessible_name("Play")
    assert_no_app_errors(page)


def test_the_units_labels_keep_their_size_on_a_phone(browser: Browser, base_url: str):
    """At 390 px the units come four to a row (354 px), shown as drawn: eight to a row
    (714 px) were shrunk to the phone's 358 px column, their 11 px labels to 5.5 px."""
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        open_training(page)
        units = page.locator('img[data-testid="tr-units-phone"]')
        units.scroll_into_view_if_needed()
        expect(units).to_be_visible()
        expect(page.locator('img[data-testid="tr-units"]')).to_be_hidden()
        shown = units.evaluate("(img) => [img.naturalWidth, img.getBoundingClientRect().width]")
        assert shown[0] == 354 and shown[1] >= 353, shown
        assert_no_app_errors(page)
    finally:
        context.close()


# Messages of two frames (one epoch each) into a bare live block of run "r", one due every
# 1/30 s as the server's loop paces them (ui.model.training.Pace), each late by 0 to `late` ms
# (the server's and the tab's hiccups); at every animation frame, whether the block's epoch
# changed. Resolves, after `seconds`, with the animation frames, the draws and the epochs
# shown, and how long each shown epoch waited in the player (ms), over all but the first 0.5 s.
PLAYER_AT_60 = """([seconds, late]) => new Promise((resolve) => {
  const html = (e) => "<div data-testid='tr-live' data-run='r'><b data-testid='tr-epoch'>"
    + e + "</b></div>";
  document.body.innerHTML = html(0);
  let seed = 7;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const arrived = {};
  const start = performance.now();
  let k = 0;
  const send = () => {
    k += 1;
    const now = performance.now();
    arrived[2 * k - 1] = arrived[2 * k] = now;
    window.xentLive.play("r", [html(2 * k - 1), html(2 * k)]);
    if (now - start < seconds * 1000) {
      setTimeout(send, start + (k + 1) * 1000 / 30 + random() * late - performance.now());
    }
  };
  send();
  let frames = 0, draws = 0, last = "0";
  const shown = [], waits = [];
  const tick = (t) => {
    const epoch = document.querySelector('[data-testid="tr-epoch"]').textContent;
    if (t - start > 500) {
      frames += 1;
      if (epoch !== last) {
        draws += 1;
        shown.push(+epoch);
        waits.push(t - arrived[+epoch]);
      }
    }
    last = epoch;
    if (t - start < seconds * 1000) requestAnimationFrame(tick);
    else resolve({frames, draws, shown, waits});
  };
  requestAnimationFrame(tick);
})"""


def test_frames_coming_at_60_a_second_with_jitter_are_drawn_at_every_animation_frame(
    page: Page,
):
    """The server sends 60 frames a second, two a message, each message up to 20 ms late:
    the player draws a new frame at (nearly) every animation frame and drops (nearly) none
    (a late message no longer stretches the spacing, which made it skip animation frames
    with frames waiting, then drop them at the queue's cap)."""
    from ui.widgets.training_live import PLAYER

    page.set_content("<body></body>")
    page.add_script_tag(content=PLAYER)
    got = page.evaluate(PLAYER_AT_60, [4, 20])
    frames, draws, shown = got["frames"], got["draws"], got["shown"]
    skipped = sum(b - a - 1 for a, b in zip(shown, shown[1:], strict=False))
    # The spacing from the last interval alone: 93 % drawn, 15 of ~200 frames dropped.
    assert draws >= 0.97 * frames, (frames, draws)
    assert skipped <= 0.02 * len(shown), shown
    # No more waiting than the queue's cap allows: two messages' frames, ~67 ms.
    waits = sorted(got["waits"])
    assert waits[len(waits) // 2] <= 75, waits


def test_step_trains_one_epoch_and_reset_returns_to_epoch_0(page: Page):
    """Step twice: epoch 2 and a lower loss; Reset: epoch 0 and the first loss again."""
    open_training(page)
    first_loss = number(page, "tr-train-loss").inner_text()
    for n in (1, 2):
        button(page, "tr_step").click()
        expect(counter(page)).to_have_text(str(n))
    assert float(number(page, "tr-train-loss").inner_text()) < float(first_loss)
    button(page, "tr_reset").click()
    expect(counter(page)).to_have_text("0")
    expect(number(page, "tr-train-loss")).to_have_text(first_loss)


def slider(page: Page, key: str) -> Locator:
    """The thumb of the slider with widget key ``key``."""
    return page.locator(f".st-key-{key}").get_by_role("slider")


def test_settings_stay_usable_while_training_plays(page: Page):
    """While playing: more noise restarts at epoch 0 with a note; a new learning rate does not."""
    open_training(page)
    button(page, "tr_play").click()
    wait_for_epoch_at_least(page, 5)

    slider(page, "tr_noise").focus()
    slider(page, "tr_noise").press("ArrowRight")
    expect(page.get_by_text("Changed the noise: training restarted at epoch 0")).to_be_visible()
    expect(button(page, "tr_play")).to_have_accessible_name("Pause")
    wait_for_epoch_at_least(page, 3)  # playing again, on the new data

    page.get_by_role("tab", name="Training").click()
    before = epoch(page)
    slider(page, "tr_lr").focus()
    slider(page, "tr_lr").press("ArrowRight")
    expect(slider(page, "tr_lr")).to_have_attribute("aria-valuetext", "0.1")
    wait_for_epoch_at_least(page, before + 5)  # the counter went on: no restart
    expect(page.get_by_text("restarted at epoch 0")).to_have_count(0)
    button(page, "tr_play").click()
    expect(button(page, "tr_play")).to_have_accessible_name("Play")
    assert_no_app_errors(page)


def wait_until_still(page: Page, target: Locator, still_ms: int = 400) -> None:
    """Wait until ``target``'s box has not moved for ``still_ms`` (in a tablet-sized window
    the page script folds the sidebar away after the first drawing, and it slides)."""
    page.wait_for_function(
        """([el, still]) => {
            const r = el.getBoundingClientRect();
            const now = performance.now(), box = [r.left, r.right, r.top, r.bottom].join();
            if (el.__xentBox !== box) { el.__xentBox = box; el.__xentSince = now; }
            return now - el.__xentSince >= still;
        }""",
        arg=[target.element_handle(), still_ms],
        polling=100,
    )


# The browser matrix's windows (projector at 1280 px, laptop at 1024, tablet, phone) and a
# 1280 x 720 laptop without projector mode.
TAB_WINDOWS = (Cell("desktop", 1280, 720), *CELLS)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("cell", TAB_WINDOWS, ids=[c.name for c in TAB_WINDOWS])
def test_every_settings_tab_is_whole_inside_the_tab_bar(
    browser: Browser, base_url: str, screenshot_dir: Path, cell: Cell, theme: str
):
    """Data, Network and Training each lie inside the tab bar's box, which does not scroll: at
    1024 px (sidebar open) the bar used to scroll and its last tab read "T›"."""
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": cell.width, "height": cell.height},
        color_scheme=theme,
    )
    page = context.new_page()
    try:
        open_training(page, cell.query.lstrip("?"))
        settings = page.locator(".st-key-tr_settings")
        expect(settings.get_by_role("tab")).to_have_count(3)
        tablist = settings.get_by_role("tablist")
        tablist.scroll_into_view_if_needed()
        wait_until_still(page, tablist)
        tablist.screenshot(path=str(screenshot_dir / f"training-tabs-{cell.name}-{theme}.png"))
        bars = tab_bars(page, ".st-key-tr_settings")
        assert [[t["label"] for t in bar["tabs"]] for bar in bars] == [
            ["Data", "Network", "Training"]
        ]
        (bar,) = bars
        last = bar["tabs"][-1]["box"]
        assert last["right"] <= bar["box"]["right"] + 0.5, (last, bar["box"])
        assert bar["scrollWidth"] <= bar["clientWidth"], bar
        problems = tab_bar_problems(bars)
        assert not problems, "\n".join(problems)
        settings.get_by_role("tab", name="Training").click()  # still reachable and working
        expect(slider(page, "tr_lr")).to_be_visible()
    finally:
        context.close()


# --- calibration, export, your own data --------------------------------------------------------


def section(page: Page, key: str) -> Locator:
    """An expander of the page by its key (tr_calibration_open, tr_export_open)."""
    return page.locator(f".st-key-{key}")


def open_section(page: Page, key: str) -> Locator:
    """Click the expander open; its content is computed by the rerun that follows."""
    section(page, key).locator("summary").click()
    wait_for_app_idle(page)
    return section(page, key)


def test_calibration_shows_reliability_before_and_after_scaling_and_follows_training(
    page: Page, screenshot_dir: Path
):
    """Open: two reliability diagrams, the τ chart, four figures; after Play and Pause, new ones."""
    open_training(page, "tr_data=gaussian&tr_noise=0.6&tr_units1=32&tr_units2=32&tr_lr=0.1")
    calibration = open_section(page, "tr_calibration_open")
    expect(calibration.get_by_test_id("stPlotlyChart")).to_have_count(3)
    expect(calibration.get_by_test_id("stMetric")).to_have_count(4)
    expect(calibration.get_by_text("At epoch 0,", exact=False)).to_be_visible()
    expect(calibration.get_by_text("As trained (τ = 1)", exact=False)).to_be_visible()

    button(page, "tr_play").click()
    wait_for_epoch_at_least(page, 20)
    button(page, "tr_play").click()
    expect(button(page, "tr_play")).to_have_accessible_name("Play")
    wait_for_app_idle(page)
    shown = epoch(page)
    expect(calibration.get_by_text(f"At epoch {shown:,},", exact=False)).to_be_visible()
    expect(calibration.get_by_text("Scaled by τ* =", exact=False)).to_be_visible()
    assert_no_app_errors(page)
    calibration.scroll_into_view_if_needed()
    save_screenshot(page, screenshot_dir / "training-calibration.png")


def test_export_downloads_the_network_and_the_data_and_links_the_settings(
    page: Page, screenshot_dir: Path
):
    """The .npz loads in numpy with W0…; the CSV has x1,x2,label,split; the link has the query;
    while playing the network download waits for Pause."""
    open_training(page, "tr_data=xor&tr_layers=1&tr_units1=6")
    export = open_section(page, "tr_export_open")
    with page.expect_download() as info:
        export.locator(".st-key-tr_download_npz").get_by_role("button").click()
    download = info.value
    assert download.suggested_filename == "xent-xor-2-6-2-epoch-0.npz"
    net = np.load(download.path())
    assert net["W0"].shape == (2, 6) and list(net["sizes"]) == [2, 6, 2]
    with page.expect_download() as info:
        export.locator(".st-key-tr_download_csv").get_by_role("button").click()
    lines = Path(info.value.path()).read_text().splitlines()
    assert lines[0] == "x1,x2,label,split" and len(lines) == 301
    link = export.get_by_test_id("stCode").filter(has_text="tr_data=").inner_text()
    assert link.strip().endswith("/training?tr_data=xor&tr_layers=1&tr_units1=6")
    assert link.startswith("http")
    save_screenshot(page, screenshot_dir / "training-export.png")

    button(page, "tr_play").click()
    wait_for_epoch_at_least(page, 3)
    expect(export.locator(".st-key-tr_download_npz").get_by_role("button")).to_be_disabled()
    button(page, "tr_play").click()
    wait_for_app_idle(page)
    expect(export.locator(".st-key-tr_download_npz").get_by_role("button")).to_be_enabled()
    assert_no_app_errors(page)


def csv_file(name: str, text: str) -> dict:
    return {"name": name, "mimeType": "text/csv", "buffer": text.encode()}


def test_an_uploaded_csv_is_trained_on_and_a_malformed_one_is_named_by_line_and_column(
    page: Page, screenshot_dir: Path
):
    """A bad cell: an error naming line 4, column x2; a good file: its points train live."""
    open_training_upload = "/training?tr_data=upload&tr_layers=1&tr_units1=12"
    page.goto(open_training_upload)
    wait_for_app_idle(page)
    expect(page.get_by_text("upload a CSV of labelled points", exact=False)).to_be_visible()
    chooser = page.locator(".st-key-tr_upload input[type=file]")
    chooser.set_input_files(csv_file("broken.csv", "x1,x2,label\n1,2,a\n3,4,b\n5,oops,a\n"))
    expect(page.get_by_text("Line 4, column “x2”: “oops” is not a number")).to_be_visible()

    rng = np.random.default_rng(0)
    rows = [
        f"{cx + rng.normal(0, 8):.3f},{cy + rng.normal(0, 8):.3f},{name}"
        for name, cx, cy in (("cat", 20, 30), ("dog", 60, 35), ("emu", 40, 70))
        for _ in range(60)
    ]
    chooser.set_input_files(csv_file("animals.csv", "x1,x2,label\n" + "\n".join(rows)))
    expect(page.get_by_text("Training on animals.csv: 180 points, 3 classes")).to_be_visible()
    expect(boundary(page)).to_be_visible()
    expect(page.get_by_text("network [2, 12, 3]", exact=False)).to_be_visible()
    button(page, "tr_play").click()
    wait_for_epoch_at_least(page, 10)
    button(page, "tr_play").click()
    expect(button(page, "tr_play")).to_have_accessible_name("Play")
    wait_for_app_idle(page)
    assert float(number(page, "tr-train-acc").inner_text().rstrip("%")) > 80
    assert_no_app_errors(page)
    save_screenshot(page, screenshot_dir / "training-upload.png")


def test_in_dark_mode_the_boundary_and_the_units_sit_on_the_dark_page(
    browser: Browser, base_url: str, screenshot_dir: Path
):
    """prefers-color-scheme: dark. The boundary picture's margins (axes) and its unsure field
    and the units strip's gaps are the page's dark background, not white boxes."""
    context = browser.new_context(
        base_url=base_url, color_scheme="dark", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    try:
        open_training(page)
        picture = np.asarray(
            Image.open(io.BytesIO(page.locator('[data-testid="tr-picture"]').screenshot()))
        )[..., :3].astype(int)
        h, w = picture.shape[:2]
        assert picture[h - 3, 3].sum() < 150  # the corner below the x axis: the margin
        assert np.median(picture[:, :, :].sum(axis=2)) < 450  # mostly dark, not pale
        units = page.locator('img[data-testid="tr-units"]')
        units.scroll_into_view_if_needed()
        strip = np.asarray(Image.open(io.BytesIO(units.screenshot())))[..., :3].astype(int)
        assert strip[2, 2].sum() < 150  # above the first tile, beside its label
        save_screenshot(page, screenshot_dir / "training-dark.png")
        assert_no_app_errors(page)
    finally:
        context.close()
