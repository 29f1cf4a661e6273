"""What one frame of the network diagram costs: on the server and in the browser.

    python3 bench/network_cost.py [--frames 60] [--no-browser]

Server: the diagram frame the Live training page sends while playing (ui.widgets.training_live:
``layer_grids`` at the page's resolution, ``network_scene``, ``network_html``), timed per
frame with BLAS on one thread, as a playing session runs it (median wall µs and CPU µs).
Browser: headless chromium draws those frames with ui/widgets/network.js
(``xentNet.draw``: parse the scene, draw every line and picture on the canvas, then a pixel
read so the drawing has happened), median ms per frame. Networks: 2-8-4-2 (the page's
default on a 2-class dataset), 2-8-4-3 and 4 × 32 (2-32-32-32-32-3), each trained a few
epochs between frames so every frame differs.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import xent_core  # noqa: E402
from ui.figures.network import network_html, network_scene  # noqa: E402
from ui.model.network import layer_grids  # noqa: E402
from ui.widgets.training_live import grid_resolution  # noqa: E402

NETWORKS = {"2-8-4-2": [2, 8, 4, 2], "2-8-4-3": [2, 8, 4, 3], "4x32": [2, 32, 32, 32, 32, 3]}
INPUTS = ("x1", "x2")


def frame_html(net: xent_core.MLP) -> str:
    grids = layer_grids(net, INPUTS, resolution=grid_resolution(net.sizes))
    scene = network_scene(
        net.weights, net.biases, inputs=INPUTS, activation=net.activation, layer_grids=grids
    )
    return network_html(scene)


def nets_over_training(sizes: list[int], frames: int) -> list[xent_core.MLP]:
    """Copies of one network after 0, 1, 2, … epochs on blobs (each frame differs)."""
    X, y = xent_core.make_dataset("blobs", n=200, noise=0.5, seed=0, n_classes=sizes[-1])
    net, rng = xent_core.MLP(sizes, seed=0), np.random.default_rng(0)
    out = []
    for _ in range(frames):
        net.train_epoch(X, y, lr=0.03, batch_size=10, rng=rng)
        copy = xent_core.MLP(sizes, seed=0)
        copy.weights = [W.copy() for W in net.weights]
        copy.biases = [b.copy() for b in net.biases]
        out.append(copy)
    return out


def server(nets: list[xent_core.MLP]) -> tuple[float, float, int]:
    """Median wall and CPU µs per frame, and the bytes of one frame."""
    frame_html(nets[0])  # warm up (imports, caches)
    wall, cpu = [], []
    for net in nets:
        w0, c0 = time.perf_counter(), time.thread_time()
        html = frame_html(net)
        wall.append(time.perf_counter() - w0)
        cpu.append(time.thread_time() - c0)
    return statistics.median(wall) * 1e6, statistics.median(cpu) * 1e6, len(html.encode())


DRAW = """async (bodies) => {
    const host = document.getElementById('host');
    const times = [];
    for (let round = 0; round < 3; round++) {
        for (const body of bodies) {
            host.innerHTML = body;  // as st.html does: the holder, then its script run
            const old = host.querySelector('script');
            const script = document.createElement('script');
            script.textContent = old.textContent;
            const t0 = performance.now();
            old.replaceWith(script);  // runs xentNet.draw(...) now
            const c = window.xentNet.diagrams.net.canvas;
            c.getContext('2d').getImageData(0, 0, 1, 1);  // the drawing is done
            times.push(performance.now() - t0);
            await new Promise((r) => requestAnimationFrame(r));
        }
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
}"""


def browser(bodies_by_net: dict[str, list[str]]) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    from serving.browser import CHROMIUM, CHROMIUM_ARGS

    script = (ROOT / "ui" / "widgets" / "network.js").read_text()
    out = {}
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        page.set_content(
            f"<html><body><script>{script}</script><div id='host' style='width:1000px'></div>"
            "</body></html>"
        )
        for name, bodies in bodies_by_net.items():
            out[name] = page.evaluate(DRAW, bodies)
        chromium.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    threadpool_limits(1)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    bodies = {}
    for name, sizes in NETWORKS.items():
        nets = nets_over_training(sizes, args.frames)
        wall, cpu, size = server(nets)
        print(
            f"server  {name:8s} {sum(W.size for W in nets[0].weights):5d} weights: "
            f"median {wall:8.0f} µs wall, {cpu:8.0f} µs CPU per frame, {size / 1000:6.1f} KB"
        )
        bodies[name] = [frame_html(net) for net in nets[:20]]
    if not args.no_browser:
        for name, ms in browser(bodies).items():
            print(f"browser {name:8s} median {ms:6.2f} ms per frame (draw, canvas ready)")


if __name__ == "__main__":
    main()
