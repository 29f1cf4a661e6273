"""What one playing frame of the Live training page costs the server, and where it goes.

    python3 bench/frame_cost.py                          # parts + one server, ~1 min
    python3 bench/frame_cost.py --app-dir /tmp/base      # + another copy, interleaved (A/B)
    python3 bench/frame_cost.py --players 10 --seconds 15
    python3 bench/frame_cost.py --app-dir /tmp/base --reruns 100   # + a rerun's cost

1. Parts (in this process, default data and network, CPU time by ``time.process_time``,
   median of many calls): one epoch of training with its metrics, the live block (the
   boundary grid's forward pass, the picture and its encoding, the HTML), the units picture
   (every UNITS_EVERY-th frame) and the loss curve (every CURVE_EVERY-th, ui.model.training_loop),
   amortised. Run from the repository, so they
   time the working tree's code.
2. Server: ``streamlit run app.py`` (as hosted, ``OPENBLAS_NUM_THREADS=1``) with
   ``--players`` light clients (serving/stclient.py, no browser: nothing else takes the
   cores) on the Live training page pressing Play. Over ``--seconds`` it counts the live
   frames each client received and reads the server's CPU time from /proc: **server CPU
   per frame** = CPU seconds / frames received. Streamlit's own share of a frame (script
   thread bookkeeping, the protobuf message, the websocket) is what the server spends
   beyond the parts. With ``--app-dir`` the copies take turns (A, B, A, B, …, ``--rounds``
   each), so both see the same machine.
3. With ``--reruns N``: after the players, one paused session changes the learning rate N
   times; **server CPU per rerun** (the whole page script, the message, the websocket).
4. With ``--instructions``: the machine instructions of one frame's training and live block
   (``valgrind --tool=callgrind``, Debian's valgrind), for this checkout and each
   ``--app-dir``: the same count whatever else the machine is doing, so a change of a few
   per cent shows where the timings above drift by more than that between runs. A frame is
   (count of 30 + N frames - count of 30 frames) / N, after the same imports and warm-up.

The load average is printed before and after every measurement: the machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the server runs

from serving.server import start_server  # noqa: E402
from serving.stclient import StreamlitSession  # noqa: E402


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}"


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# --------------------------------------------------------------------------- parts


def median_ms(fn, n: int) -> float:
    times = []
    for _ in range(n):
        t = time.process_time()
        fn()
        times.append(time.process_time() - t)
    return 1e3 * statistics.median(times)


def parts(n: int = 200) -> dict[str, float]:
    """Median CPU ms of each part of a default playing frame (this checkout's code)."""
    import streamlit  # noqa: F401  (the server's heap: see bench/README.md, "The heap")

    from ui.model.training import Training
    from ui.model.training_controller import PARAMS
    from ui.model.training_controller import setup_from_state as setup_of
    from ui.widgets import training_live

    state = {p.key: p.default for p in PARAMS}
    run = Training.start(setup_of(state))
    for _ in range(50):  # past the first epochs: a boundary with some shape
        run.train(1, lr=state["tr_lr"], batch_size=state["tr_batch"], l2=state["tr_l2"])

    def train():
        run.train(1, lr=state["tr_lr"], batch_size=state["tr_batch"], l2=state["tr_l2"])

    def metrics():
        run._metrics = None
        run.metrics()

    out = {
        "train one epoch + metrics": median_ms(train, n),
        "  of which metrics": median_ms(metrics, n),
        "live block (grid, picture, html)": median_ms(
            lambda: training_live.live_block(run, test=False), n
        ),
    }
    grid = getattr(training_live, "LIVE_GRID", 100)
    out[f"  of which the {grid}x{grid} probability grid"] = median_ms(
        lambda: run.probability_grid(grid), n
    )
    from ui.model import training_loop
    from ui.model.training_loop import CURVE_EVERY, UNITS_EVERY

    per = getattr(training_loop, "FRAMES_PER_MESSAGE", 1)  # the periods count messages
    units_every, curve_every = UNITS_EVERY * per, CURVE_EVERY * per
    out[f"units picture (every {units_every}th frame) / {units_every}"] = (
        median_ms(lambda: units(run), n // 4) / units_every
    )
    out[f"loss curve (every {curve_every}th frame) / {curve_every}"] = (
        median_ms(lambda: training_live.loss_curve(run, log=False), n // 10) / curve_every
    )
    html = training_live.live_block(run, test=False)
    out["live block size (KB)"] = len(html) / 1024
    return out


def units(run) -> None:
    from ui.figures.boundary import jpeg_data_uri, units_picture

    jpeg_data_uri(units_picture(run.first_layer_grid()), quality=80)


# --------------------------------------------------------------------------- instructions

# Run by valgrind in a fresh interpreter: import, 30 frames to warm up, then sys.argv[2] more.
FRAMES_SCRIPT = """
import sys
sys.path.insert(0, sys.argv[1])
import streamlit  # noqa: F401  (the server's heap)
from ui.model.training import Training
from ui.model.training_controller import PARAMS, setup_from_state, train
from ui.widgets.training_live import live_block
state = {p.key: p.default for p in PARAMS}
run = Training.start(setup_from_state(state))
for _ in range(30 + int(sys.argv[2])):
    train(state, run, epochs=state["tr_speed"])
    live_block(run, test=False, run_name="1")
"""


def instructions(app_dir: Path, frames: int = 40) -> float:
    """Machine instructions of one default frame (training + live block) of ``app_dir``'s code."""
    import re
    import subprocess
    import tempfile

    counts = []
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "frames.py"
        script.write_text(FRAMES_SCRIPT)
        for n in (0, frames):
            out = subprocess.run(
                ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg.out",
                 sys.executable, str(script), str(app_dir), str(n)],
                capture_output=True, text=True, check=True,
                env={**os.environ, "OPENBLAS_NUM_THREADS": "1"},
            )  # fmt: skip
            counts.append(int(re.search(r"Collected : (\d+)", out.stderr).group(1)))
    return (counts[1] - counts[0]) / frames


# --------------------------------------------------------------------------- server


async def play(url: str, pid: int, players: int, seconds: float) -> dict[str, float]:
    """``players`` light clients press Play; frames each received and server CPU per frame."""
    sessions = [StreamlitSession(url, page="training") for _ in range(players)]
    for s in sessions:
        await s.connect()
        await s.open()
    counts = [0] * players

    def counter(k: int):
        def seen(element) -> bool:
            if element.WhichOneof("type") == "html":  # a message carries a few frames
                counts[k] += element.html.body.count("data-epoch=")
            return False  # keep watching

        return seen

    for k, s in enumerate(sessions):
        s._watchers.append((counter(k), asyncio.get_running_loop().create_future()))
    for s in sessions:
        s.stage_click("tr_play")
        await s.send_only()
    await asyncio.sleep(2.0)  # the reruns after Play and the first frames
    before = list(counts)
    cpu0, t0 = cpu_seconds(pid), time.perf_counter()
    await asyncio.sleep(seconds)
    cpu1, t1 = cpu_seconds(pid), time.perf_counter()
    frames = [c - b for c, b in zip(counts, before, strict=True)]
    for s in sessions:  # Pause, then leave
        s.stage_click("tr_play")
        await s.send_only()
    await asyncio.sleep(0.5)
    for s in sessions:
        s._watchers.clear()
        await s.close()
    total = sum(frames)
    return {
        "frames/s per player (median)": statistics.median(frames) / (t1 - t0),
        "frames/s per player (min)": min(frames) / (t1 - t0),
        "server CPU (cores)": (cpu1 - cpu0) / (t1 - t0),
        "server CPU ms per frame": 1e3 * (cpu1 - cpu0) / max(1, total),
    }


async def reruns(url: str, pid: int, count: int) -> dict[str, float]:
    """One session on the Live training page, paused, changes the learning rate ``count``
    times (each a whole rerun of the page script): server CPU per rerun."""
    session = StreamlitSession(url, page="training")
    await session.connect()
    await session.open()
    rates = ("0.1", "0.3", "1", "0.03")
    for k in range(5):  # warm: the first reruns import and cache
        await session.set_option("tr_lr", rates[k % 4], multi=True)
    cpu0, t0 = cpu_seconds(pid), time.perf_counter()
    for k in range(count):
        await session.set_option("tr_lr", rates[k % 4], multi=True)
    cpu1, t1 = cpu_seconds(pid), time.perf_counter()
    await session.close()
    return {
        "server CPU ms per rerun": 1e3 * (cpu1 - cpu0) / count,
        "wall ms per rerun": 1e3 * (t1 - t0) / count,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--app-dir",
        action="append",
        default=[],
        type=Path,
        help="another copy of the app to measure beside the working tree",
    )
    parser.add_argument("--players", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-parts", action="store_true")
    parser.add_argument("--no-server", action="store_true")
    parser.add_argument(
        "--instructions",
        action="store_true",
        help="only count one frame's machine instructions (valgrind), for each copy",
    )
    parser.add_argument(
        "--reruns",
        type=int,
        default=0,
        help="also time this many learning-rate changes (whole reruns of the page) per round",
    )
    args = parser.parse_args()  # fmt: skip

    print(f"frame cost · {os.cpu_count()} cores · {load()}")
    if args.instructions:
        print("instructions of one frame (training + live block), millions:")
        for d in [ROOT, *args.app_dir]:
            print(f"  {d}: {instructions(d) / 1e6:.2f}", flush=True)
        return
    if not args.no_parts:
        print("parts (this checkout, in-process CPU ms, median):")
        for name, value in parts().items():
            print(f"  {name:<46} {value:8.3f}")
    if args.no_server:
        return
    dirs = [ROOT, *args.app_dir]
    results: dict[Path, list[dict[str, float]]] = {d: [] for d in dirs}
    for r in range(args.rounds):
        for d in dirs if r % 2 == 0 else dirs[::-1]:
            with start_server(app_dir=d, hosted=True) as server:
                before = load()
                res = asyncio.run(play(server.url, server.pid, args.players, args.seconds))
                if args.reruns:
                    res |= asyncio.run(reruns(server.url, server.pid, args.reruns))
                res["load"] = f"{before} -> {load()}"
                results[d].append(res)
                print(f"  round {r + 1} {d}: " + ", ".join(
                    f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}"
                    for k, v in res.items()))  # fmt: skip
    print(f"server, {args.players} player(s), {args.seconds:g} s per round, medians of rounds:")
    for d in dirs:
        rows = results[d]
        keys = [k for k in rows[0] if k != "load"]
        line = ", ".join(f"{k} {statistics.median(r[k] for r in rows):.2f}" for k in keys)
        print(f"  {d}: {line}")


if __name__ == "__main__":
    main()
