"""AppTest of the Live training page: steps, reset, the seed preset, settings and the URL.

The Play loop runs until paused, so AppTest drives the page with Step (one epoch a click).
"""

from __future__ import annotations

import io
import json
import re

import numpy as np
import pytest
from PIL import Image
from streamlit.testing.v1 import AppTest

import xent_core
from tests.app.conftest import metric, open_page, ran, with_link
from ui.text.numbers import fit
from ui.widgets import training_live

PAGE = "pages/training.py"


def live(at: AppTest) -> str:
    """The HTML of the live block (epoch, losses, accuracies, boundary picture), without the
    name of the script run that drew it (``data-run``, a new one each run)."""
    blocks = [h.proto.body for h in at.html if "tr-epoch" in h.proto.body]
    assert len(blocks) == 1, f"expected one live block, found {len(blocks)}"
    assert re.search(r" data-run='\d+'", blocks[0])
    return re.sub(r" data-run='\d+'", "", blocks[0])


def shown(at: AppTest, test_id: str) -> str:
    """The text of the live block's element ``data-testid=test_id``."""
    return re.search(rf"data-testid='{test_id}'[^>]*>([^<]+)<", live(at)).group(1)


def epoch(at: AppTest) -> int:
    return int(shown(at, "tr-epoch").replace(",", ""))


def loss(at: AppTest, which: str = "train") -> float:
    """The shown mean cross-entropy on the ``train`` or ``test`` points."""
    return float(shown(at, f"tr-{which}-loss"))


def step(at: AppTest, times: int = 1) -> AppTest:
    for _ in range(times):
        ran(at.button(key="tr_step").click().run())
    return at


@pytest.fixture(name="at")
def page() -> AppTest:
    return open_page(PAGE)


def test_the_page_opens_at_epoch_0_with_its_losses_labelled(at):
    """Epoch 0, the four live numbers, the default network, the loss label and the formula."""
    assert epoch(at) == 0
    assert 0.3 < loss(at) < 2.0 and 0.3 < loss(at, "test") < 2.0
    assert shown(at, "tr-train-acc").endswith("%") and shown(at, "tr-test-acc").endswith("%")
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "mean cross-entropy" in text
    assert "[2, 8, 4, 2]" in text
    assert any(r"\log p_{i,y_i}" in latex.value for latex in at.latex)
    assert "tr_running" not in at.session_state or not at.session_state["tr_running"]


def test_a_few_steps_on_the_circle_lower_the_training_loss(at):
    """Five Step clicks train five epochs and the mean cross-entropy falls."""
    before = loss(at)
    step(at, 5)
    assert epoch(at) == 5
    assert loss(at) < before - 0.05


def test_reset_restores_the_initial_state(at):
    """After steps, Reset shows epoch 0 and exactly the first losses again."""
    first = (loss(at), loss(at, "test"))
    step(at, 3)
    assert loss(at) != first[0]
    ran(at.button(key="tr_reset").click().run())
    assert epoch(at) == 0
    assert (loss(at), loss(at, "test")) == first
    assert at.session_state["tr_state"].history.epochs == [0]


def test_the_seed_preset_builds_the_2_16_3_network(at):
    """'The classic 16-unit network' loads one hidden layer of 16 units and 3 classes."""
    ran(at.button(key="tr_preset").click().run())
    assert at.session_state["tr_state"].setup.sizes == [2, 16, 3]
    assert at.session_state["tr_state"].net.sizes == [2, 16, 3]
    assert any("[2, 16, 3]" in m.value for m in at.markdown)
    assert any("classic 16-unit numpy network" in i.value for i in at.info)
    assert at.query_params["tr_units1"] == "16"
    step(at, 2)
    assert epoch(at) == 2


def test_changing_a_data_setting_restarts_training_with_a_note(at):
    """More noise: new data, epoch 0, and a note naming the change."""
    step(at, 2)
    ran(at.slider(key="tr_noise").set_value(0.4).run())
    assert epoch(at) == 0
    notes = " ".join(i.value for i in at.info)
    assert "noise" in notes and "restarted at epoch 0" in notes
    assert at.query_params["tr_noise"] == "0.4"


def test_changing_the_network_restarts_training(at):
    """Three hidden layers: a new [2, 8, 4, 4, 2] network from epoch 0."""
    step(at, 1)
    ran(at.slider(key="tr_layers").set_value(3).run())
    assert epoch(at) == 0
    assert at.session_state["tr_state"].setup.sizes == [2, 8, 4, 4, 2]
    assert "hidden layers" in " ".join(i.value for i in at.info)


def test_the_learning_rate_applies_on_the_fly_without_a_restart(at):
    """A new learning rate keeps the epoch and changes how far the next step goes."""
    step(at, 2)
    ran(at.select_slider(key="tr_lr").set_value(0.3).run())
    assert epoch(at) == 2
    assert not any("restarted" in i.value for i in at.info)
    fast = step(at, 1)
    fast_loss = loss(fast)

    slow = open_page(PAGE)
    step(slow, 3)
    assert loss(slow) != pytest.approx(fast_loss)


def test_a_spiral_with_four_classes_has_four_outputs(at):
    """The classes slider appears for spiral and blobs."""
    ran(at.selectbox(key="tr_data").set_value("spiral").run())
    ran(at.slider(key="tr_classes").set_value(4).run())
    assert at.session_state["tr_state"].setup.sizes[-1] == 4
    ran(at.selectbox(key="tr_data").set_value("blobs").run())
    assert at.session_state["tr_state"].setup.sizes[-1] == 4


def test_two_class_datasets_say_they_have_two_classes(at):
    """Circle: no classes slider, a caption saying 2, and a 2-unit output."""
    assert not [s for s in at.slider if s.key == "tr_classes"]
    assert any("Classes: **2**" in c.value for c in at.caption)
    assert at.session_state["tr_state"].setup.n_classes == 2


def test_no_hidden_layer_says_the_network_is_softmax_regression(at):
    """0 hidden layers: network [2, 2] and a note instead of unit pictures."""
    ran(at.slider(key="tr_layers").set_value(0).run())
    assert at.session_state["tr_state"].setup.sizes == [2, 2]
    assert any("softmax regression" in i.value for i in at.info)


def test_a_huge_learning_rate_reports_the_divergence_instead_of_crashing(at):
    """A linear deep network with learning rate 10 overflows: an error, not an exception."""
    ran(at.selectbox(key="tr_act").set_value("linear").run())
    ran(at.slider(key="tr_layers").set_value(4).run())
    for k in range(1, 5):
        ran(at.number_input(key=f"tr_units{k}").set_value(32).run())
    ran(at.select_slider(key="tr_lr").set_value(10.0).run())
    ran(at.slider(key="tr_batch").set_value(1).run())
    for _ in range(20):
        step(at)
        if at.error:
            break
    assert any("diverged" in e.value for e in at.error)


def test_a_shared_link_restores_the_settings():
    """?tr_data=xor&tr_layers=1&tr_units1=6&tr_lr=0.1 opens exactly that configuration."""
    at = with_link(PAGE, {"tr_data": "xor", "tr_layers": "1", "tr_units1": "6", "tr_lr": "0.1"})
    run = at.session_state["tr_state"]
    assert run.setup.dataset == "xor" and run.setup.sizes == [2, 6, 2]
    assert at.select_slider(key="tr_lr").value == 0.1


def test_a_bad_link_value_falls_back_to_the_default_with_a_note():
    """tr_points=5 is below the minimum: 300 points and a warning naming the setting."""
    at = with_link(PAGE, {"tr_points": "5", "tr_lr": "7"})
    warnings = " ".join(w.value for w in at.warning)
    assert "tr_points=5" in warnings and "tr_lr=7" in warnings
    assert at.session_state["tr_state"].setup.n_points == 300


def test_play_trains_until_the_idle_limit_then_pauses_with_a_note(at, monkeypatch):
    """With a 1 s idle limit, Play trains for about a second and pauses by itself."""
    monkeypatch.setattr("ui.model.training.IDLE_SECONDS", 1.0)
    ran(at.button(key="tr_play").click().run())
    assert not at.session_state["tr_running"]
    assert epoch(at) >= 3
    assert any("Paused after 1 second without any interaction" in i.value for i in at.info)
    assert at.button(key="tr_play").label == "Play"


# --- calibration, export, your own data --------------------------------------------------------


def open_section(at: AppTest, key: str) -> AppTest:
    """Open a lazy expander (its content is computed only while it is open)."""
    at.session_state[key] = True
    return ran(at.run())


def test_the_costliest_points_table_is_made_only_while_its_section_is_open(at):
    step(at, 2)
    assert not at.dataframe
    open_section(at, "tr_costliest_open")
    rows = at.dataframe[0].value
    assert len(rows) == 10 and "predicted" in rows.columns


def test_calibration_is_computed_only_while_its_section_is_open(at):
    """Closed: no reliability charts and no cached calibration; open: both."""
    assert not at.get("plotly_chart") or len(at.get("plotly_chart")) == 1  # the loss curve
    assert at.session_state["tr_state"]._calibration is None
    open_section(at, "tr_calibration_open")
    assert at.session_state["tr_state"]._calibration is not None
    assert len(at.get("plotly_chart")) == 4  # loss curve, two reliability diagrams, τ chart


def test_calibration_shows_ece_and_tau_star_of_the_current_network(at):
    """After 5 steps: the metrics are xent_core's on the test points; a step updates them."""
    from xent_core.calibration import temperature_scale

    step(at, 5)
    open_section(at, "tr_calibration_open")
    run = at.session_state["tr_state"]
    z = run.net.forward(run.X_test)
    p = xent_core.softmax(z)
    assert (
        metric(at, "ECE at τ = 1") == f"{xent_core.expected_calibration_error(run.y_test, p):.4f}"
    )
    tau = temperature_scale(z, run.y_test).temperature
    assert metric(at, "τ* (least test cross-entropy)") == f"{tau:.4g}"
    assert any("At epoch 5" in c.value for c in at.caption)
    assert any(r"\mathrm{ECE}" in latex.value for latex in at.latex)
    before = metric(at, "ECE at τ = 1")
    step(at, 3)
    assert any("At epoch 8" in c.value for c in at.caption)
    assert metric(at, "ECE at τ = 1") != before


def test_fewer_bins_change_the_ece_and_go_into_the_link(at):
    """5 bins instead of 10: another ECE, and tr_bins=5 in the URL."""
    step(at, 5)
    open_section(at, "tr_calibration_open")
    ten = metric(at, "ECE at τ = 1")
    ran(at.slider(key="tr_bins").set_value(5).run())
    assert metric(at, "ECE at τ = 1") != ten
    assert at.query_params["tr_bins"] == "5"


def test_export_offers_the_weights_the_data_and_a_link_to_the_settings(at, downloads):
    """Three downloads named after data, network and epoch, made on a click from the network
    shown; the link names the changed settings."""
    ran(at.selectbox(key="tr_data").set_value("xor").run())
    step(at, 2)
    open_section(at, "tr_export_open")
    npz, csv = at.download_button(key="tr_download_npz"), at.download_button(key="tr_download_csv")
    png = at.download_button(key="tr_download_png")
    assert npz.label == "Network weights (.npz)" and csv.label == "Data points (.csv)"
    assert png.label == "Decision boundary (.png)"
    assert not npz.proto.disabled and not png.proto.disabled
    assert npz.proto.deferred_file_id and csv.proto.deferred_file_id and png.proto.deferred_file_id
    captions = " ".join(c.value for c in at.caption)
    assert "xent-xor-2-8-4-2-epoch-2.npz" in captions
    assert "The boundary picture at epoch 2, 720 px square" in captions
    run = at.session_state["tr_state"]
    with np.load(io.BytesIO(downloads["xent-xor-2-8-4-2-epoch-2.npz"])) as weights:
        assert np.array_equal(weights["W0"], run.net.weights[0])
    assert downloads["xent-xor-points.csv"].decode().startswith("x1,x2,label,split")
    png = downloads["xent-xor-2-8-4-2-epoch-2-boundary.png"]
    assert png.startswith(b"\x89PNG") and Image.open(io.BytesIO(png)).size[0] > 720
    link = next(c.value for c in at.code if "tr_data" in c.value)
    assert link == "/training?tr_data=xor"
    assert any("np.load(" in c.value for c in at.code)


def test_a_good_csv_trains_on_its_points_with_their_names(at):
    """Upload two labelled clusters: the network gets 2 outputs, the file's names show."""
    ran(at.selectbox(key="tr_data").set_value("upload").run())
    assert any("upload a CSV" in i.value for i in at.info)
    rows = "".join(f"{i % 7},{i // 7},{'cat' if i % 7 < 3 else 'dog'}\n" for i in range(42))
    at.file_uploader(key="tr_upload").set_value(
        ("pets.csv", f"x1,x2,label\n{rows}".encode(), "text/csv")
    )
    ran(at.run())
    run = at.session_state["tr_state"]
    assert run.setup.dataset == "upload" and run.class_names == ("cat", "dog")
    assert len(run.X_train) + len(run.X_test) == 42
    text = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "Training on **pets.csv**: 42 points, 2 classes" in text
    assert "[-6, 6]² plane" in text
    assert epoch(at) == 0
    step(at, 3)
    assert epoch(at) == 3
    assert at.query_params["tr_data"] == "upload"


def test_a_malformed_csv_names_the_line_and_column_and_keeps_the_last_good_file(at):
    """A bad cell is reported with its place; training goes on with the previous file."""
    ran(at.selectbox(key="tr_data").set_value("upload").run())
    good = "x1,x2,label\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(20))
    at.file_uploader(key="tr_upload").set_value(("good.csv", good.encode(), "text/csv"))
    ran(at.run())
    fingerprint = at.session_state["tr_state"].setup.upload
    bad = good.replace("7,1,1", "7,seven,1")
    at.file_uploader(key="tr_upload").set_value(("bad.csv", bad.encode(), "text/csv"))
    ran(at.run())
    errors = " ".join(e.value for e in at.error)
    assert "**bad.csv** cannot be used" in errors
    assert "Line 9, column “x2”: “seven” is not a number" in errors
    assert at.session_state["tr_state"].setup.upload == fingerprint
    assert any("Training on **good.csv**" in m.value for m in at.markdown)


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"", "The file is empty"),
        (b"a,b,c\n1,2,3\n", "no columns “x1”, “x2” and “label”"),
        (b"x1,x2,label\n" + b"1,2,0\n" * 1001, "Line 1,002: more than 1,000 points"),
        (
            b"x1,x2,label\n" + b"".join(f"{i},{i},{'abcdef'[i % 6]}\n".encode() for i in range(12)),
            "Line 7, column “label”: “f” is a 6th different label",
        ),
    ],
)
def test_a_hostile_file_shows_an_error_not_an_exception(at, content, needle):
    """Empty, wrong header, too many rows, too many classes: a message, the page stays up."""
    ran(at.selectbox(key="tr_data").set_value("upload").run())
    at.file_uploader(key="tr_upload").set_value(("x.csv", content, "text/csv"))
    ran(at.run())
    assert needle in " ".join(e.value for e in at.error)
    assert any("upload a CSV" in i.value for i in at.info)  # still waiting for a good file


# --- the network, seen and steered: the diagram, its editor and the levers ------------------


def diagram(at: AppTest) -> str:
    """The HTML that draws the network diagram (its holder and the scene's JSON)."""
    blocks = [h.proto.body for h in at.html if 'data-testid="tr-network"' in h.proto.body]
    assert len(blocks) == 1, f"expected one network diagram, found {len(blocks)}"
    return blocks[0]


def scene(at: AppTest) -> dict:
    """The scene network.js draws (ui.figures.network.network_scene), read back from the page."""
    body = diagram(at)
    return json.loads(body[body.index("(document.currentScript,") + 24 : body.rindex(")</script>")])


def run_of(at: AppTest):
    return at.session_state["tr_state"]


def test_by_default_the_levers_leave_the_page_as_it_was(at):
    """Features x1, x2, the default init, plain SGD, no L1, no race, confidence colours: the
    link stays bare and the diagram shows the default 2-8-4-2 network's 56 weights."""
    run = run_of(at)
    assert (run.setup.features, run.setup.init, run.setup.race) == (("x1", "x2"), None, None)
    assert run.optimizer == "sgd" and run.race is None
    assert dict(at.query_params) == {}
    body = diagram(at)
    assert 'data-sizes="2-8-4-2"' in body and 'data-connections="56"' in body
    drawn = scene(at)
    assert drawn["names"][0] == ["x₁", "x₂"] and drawn["editable"] is True
    assert drawn["w"][:16] == [float(f"{w:.6g}") for w in run.net.weights[0].ravel()]


def test_the_default_run_is_plain_sgd_bit_for_bit():
    """Three Steps on the page train exactly as MLP.train_epoch did before the levers."""
    at = open_page(PAGE)
    step(at, 3)
    setup = run_of(at).setup
    X, y = xent_core.make_dataset(setup.dataset, n=300, noise=0.1, seed=0, n_classes=2)
    X_train, y_train, _, _ = xent_core.train_test_split(X, y, 0.5)
    net, rng = xent_core.MLP([2, 8, 4, 2], activation="tanh", seed=0), np.random.default_rng(0)
    for _ in range(3):
        net.train_epoch(X_train, y_train, lr=0.03, batch_size=10, l2=0.0, rng=rng)
    for W, W_page in zip(net.weights, run_of(at).net.weights, strict=True):
        assert np.array_equal(W, W_page)


def test_input_features_restart_with_a_wider_first_layer_and_go_into_the_link(at):
    """x₁, x₂, x₁², x₂²: a 4-8-4-2 network from epoch 0, named in the diagram and the link."""
    step(at, 2)
    ran(at.multiselect(key="tr_features").set_value(["x1", "x2", "x1^2", "x2^2"]).run())
    run = run_of(at)
    assert epoch(at) == 0 and run.setup.sizes == [4, 8, 4, 2]
    assert "input features" in " ".join(i.value for i in at.info)
    assert at.query_params["tr_features"] == "x1,x2,x1sq,x2sq"
    assert scene(at)["names"][0] == ["x₁", "x₂", "x₁²", "x₂²"]
    assert np.allclose(run.F_train[:, 2], run.X_train[:, 0] ** 2)


def test_the_exported_npz_names_the_input_features_it_was_trained_on(at, downloads):
    """x₁², x₂², x₁x₂: the .npz lists them in order beside a 3-row W0; the caption says the
    code below computes them."""
    ran(at.multiselect(key="tr_features").set_value(["x1^2", "x2^2", "x1*x2"]).run())
    step(at)
    open_section(at, "tr_export_open")
    with np.load(io.BytesIO(downloads["xent-circle-3-8-4-2-epoch-1.npz"])) as weights:
        assert [str(name) for name in weights["features"]] == ["x1^2", "x2^2", "x1*x2"]
        assert weights["W0"].shape == (3, 8)
        assert np.array_equal(weights["W0"], run_of(at).net.weights[0])
    captions = " ".join(c.value for c in at.caption)
    assert "the code below computes them from the point" in captions


def test_the_circle_preset_separates_the_circle_without_a_hidden_layer(at):
    """One click: circle, x₁, x₂, x₁², x₂², no hidden layer; softmax regression learns it."""
    ran(at.button(key="tr_circle").click().run())
    run = run_of(at)
    assert run.setup.dataset == "circle" and run.setup.hidden == ()
    assert run.setup.sizes == [4, 2]
    assert any("no hidden layer" in i.value for i in at.info)
    ran(at.select_slider(key="tr_lr").set_value(0.3).run())
    step(at, 15)
    assert float(shown(at, "tr-train-acc").rstrip("%")) > 90


def test_zeros_initialisation_keeps_every_hidden_unit_identical(at):
    """Zeros: a note says why; after training every unit of a layer has the same weights."""
    ran(at.selectbox(key="tr_init").set_value("zeros").run())
    assert run_of(at).setup.init == "zeros" and at.query_params["tr_init"] == "zeros"
    assert any("stay identical forever" in c.value for c in at.caption)
    ran(at.selectbox(key="tr_act").set_value("sigmoid").run())  # σ(0) = ½: gradients flow
    step(at, 3)
    net = run_of(at).net
    for W in net.weights[:2]:
        assert np.allclose(W, W[:, :1])
    assert not np.allclose(net.weights[1], 0.0)
    assert "With zeros to start" in " ".join(c.value for c in at.caption)


@pytest.mark.parametrize("name", ["momentum", "nesterov", "rmsprop", "adam"])
def test_another_optimiser_applies_on_the_fly(at, name):
    """The epoch goes on (no restart) and the run trains with the chosen optimiser."""
    step(at, 2)
    ran(at.selectbox(key="tr_opt").set_value(name).run())
    step(at, 2)
    run = run_of(at)
    assert epoch(at) == 4 and run.optimizer == name and run._opt is not None
    assert at.query_params["tr_opt"] == name


def l1_weights(at: AppTest, l1: float) -> np.ndarray:
    ran(at.select_slider(key="tr_l1").set_value(l1).run()) if l1 else None
    ran(at.select_slider(key="tr_lr").set_value(0.01).run())
    step(at, 5)
    return np.concatenate([W.ravel() for W in run_of(at).net.weights])


def test_l1_pushes_many_weights_to_near_zero_and_the_diagram_draws_them_thinnest(at):
    """λ₁ = 0.1 for 5 epochs: several times as many weights within 0.01 of 0 as without L1,
    and the diagram draws those at its thinnest, faintest look."""
    weights = l1_weights(at, 0.1)
    plain = l1_weights(open_page(PAGE), 0.0)
    near = np.abs(weights) < 0.01
    assert near.mean() > 3 * max((np.abs(plain) < 0.01).mean(), 0.02)
    drawn = scene(at)
    widths = np.array(drawn["lw"])
    assert widths[near].max() <= np.sort(widths)[int(0.5 * len(widths))]
    assert at.query_params["tr_l1"] == "0.1"


def test_l1_drives_some_weights_to_exactly_zero(at):
    """λ₁ = 0.1, η = 0.01, 5 epochs: the proximal L1 step lands weights on exactly 0
    (7 of the 56 today); without L1 none is 0."""
    assert np.any(l1_weights(at, 0.1) == 0.0)
    assert not np.any(l1_weights(open_page(PAGE), 0.0) == 0.0)


def test_the_class_view_paints_the_argmax_regions(at):
    """Class colours: another picture of the same network, in the link; back again: the same."""
    confidence = live(at)
    ran(at.radio(key="tr_view").set_value("classes").run())
    assert live(at) != confidence and at.query_params["tr_view"] == "classes"
    assert any("the discretised output" in c.value for c in at.caption)
    ran(at.radio(key="tr_view").set_value("confidence").run())
    assert live(at) == confidence


def test_the_race_trains_two_copies_from_the_same_weights_and_draws_both_curves(at):
    """Race Adam against SGD: restart, same initial weights, two histories, four curves."""
    ran(at.toggle(key="tr_race").set_value(True).run())
    run = run_of(at)
    assert run.race is not None and run.setup.race == ("adam", None)
    for W, V in zip(run.net.weights, run.race.lane.net.weights, strict=True):
        assert np.array_equal(W, V)
    step(at, 3)
    assert run.race.history.epochs == [0, 1, 2, 3] and run.history.epochs == [0, 1, 2, 3]
    assert run.race.metrics.train_loss != run.metrics().train_loss
    chart = at.get("plotly_chart")[0]
    names = [t["name"] for t in json.loads(chart.proto.spec)["data"]]
    assert names == ["training · SGD", "test · SGD", "training · Adam", "test · Adam"]
    assert any("**The race** · SGD against Adam" in m.value for m in at.markdown)
    r = run.race.metrics  # the second copy's numbers, in the live block (so live while playing)
    assert f"<b>Adam</b>: training loss {fit(r.train_loss)}, test loss {fit(r.test_loss)}" in live(
        at
    )
    assert f"accuracy {r.train_accuracy:.1%} / {r.test_accuracy:.1%}" in live(at)
    ran(at.selectbox(key="tr_race_lr").set_value("0.3").run())
    assert run_of(at).setup.race == ("adam", 0.3) and epoch(at) == 0
    assert at.query_params["tr_race_lr"] == "0.3"


def test_the_editor_sets_a_weight_and_the_loss_answers_at_once(at):
    """Pick h₁ -> h²₂, type 2.5, Set: that weight, the same epoch, a new loss and a note."""
    step(at, 2)
    before = loss(at)
    assert "tr_edit_k" not in [w.key for w in at.selectbox]  # closed: not even made
    open_section(at, "tr_edit_open")
    ran(at.selectbox(key="tr_edit_k").set_value(1).run())
    ran(at.selectbox(key="tr_edit_j").set_value(1).run())
    ran(at.number_input(key="tr_edit_w").set_value(2.5).run())
    ran(at.button(key="tr_edit_set").click().run())
    run = run_of(at)
    assert run.net.weights[1][0, 1] == 2.5 and epoch(at) == 2
    assert loss(at) != before
    assert any("Set the weight to 2.500" in i.value for i in at.info)
    assert (
        run.history.train_loss[-1] == loss(at) or abs(run.history.train_loss[-1] - loss(at)) < 1e-4
    )


def test_plus_and_minus_change_a_layer_keeping_the_other_weights_and_the_epoch(at):
    """+ on hidden layer 1: 9 units, the old 8 columns kept, the link says 9, no restart."""
    step(at, 2)
    old = [W.copy() for W in run_of(at).net.weights]
    open_section(at, "tr_edit_open")
    ran(at.button(key="tr_edit_add1").click().run())
    run = run_of(at)
    assert run.net.sizes == [2, 9, 4, 2] and run.setup.hidden == (9, 4) and epoch(at) == 2
    assert np.array_equal(run.net.weights[0][:, :8], old[0])
    assert np.array_equal(run.net.weights[1][:8], old[1])
    assert at.query_params["tr_units1"] == "9"
    assert not any("restarted" in i.value for i in at.info)
    ran(at.button(key="tr_edit_remove2").click().run())
    assert run_of(at).net.sizes == [2, 9, 3, 2] and at.session_state["tr_units2"] == 3
    assert 'data-sizes="2-9-3-2"' in diagram(at)


def test_a_click_on_the_diagram_reaches_the_network(at):
    """The diagram types "set k.i.j v #nonce" into its hidden input: the weight is set."""
    ran(at.text_input(key="tr_net_cmd").input("set 0.1.3 -1.25 #17").run())
    assert run_of(at).net.weights[0][1, 3] == -1.25
    ran(at.text_input(key="tr_net_cmd").input("add 2 #18").run())
    assert run_of(at).net.sizes == [2, 8, 5, 2]


def units_html(at: AppTest) -> str:
    blocks = [h.proto.body for h in at.html if 'data-testid="tr-units"' in h.proto.body]
    assert len(blocks) == 1
    return blocks[0]


def test_a_rerun_redraws_the_units_and_diagram_only_when_they_changed(at, monkeypatch):
    """Paused at the same epoch a rerun shows the pictures drawn before (not drawn again);
    a Step or an edit at the same epoch draws them anew."""
    units, scene_before = units_html(at), scene(at)
    drawn = []
    real_units = training_live.units_picture

    def counted(*args, **kwargs):  # once a drawing: the wide picture (the phone's comes with it)
        if "columns" not in kwargs:
            drawn.append(1)
        return real_units(*args, **kwargs)

    monkeypatch.setattr(training_live, "units_picture", counted)
    ran(at.checkbox(key="tr_show_test").uncheck().run())  # a rerun, nothing trained
    assert not drawn and units_html(at) == units and scene(at) == scene_before
    step(at)
    assert len(drawn) == 1 and units_html(at) != units and "epoch 1" in units_html(at)
    after_step = scene(at)
    ran(at.text_input(key="tr_net_cmd").input("set 0.1.3 -1.25 #17").run())  # same epoch
    assert len(drawn) == 2 and scene(at) != after_step


def test_a_stale_click_is_refused_with_the_reason(at):
    ran(at.text_input(key="tr_net_cmd").input("set 0.7.7 1 #1").run())
    assert any("no connection '0.7.7' any more" in w.value for w in at.warning)


def test_every_lever_comes_back_from_a_link():
    """A shared link with every new setting: the widgets, the run and the link agree."""
    query = {
        "tr_features": "x1,x2,sinx1",
        "tr_init": "he",
        "tr_opt": "nesterov",
        "tr_l1": "0.001",
        "tr_view": "classes",
        "tr_race": "1",
        "tr_race_opt": "rmsprop",
        "tr_race_lr": "0.1",
    }
    at = with_link(PAGE, query)
    run = run_of(at)
    assert run.setup.features == ("x1", "x2", "sin(x1)") and run.setup.init == "he"
    assert run.setup.race == ("rmsprop", 0.1)
    assert at.multiselect(key="tr_features").value == ["x1", "x2", "sin(x1)"]
    assert at.selectbox(key="tr_opt").value == "nesterov"
    assert at.select_slider(key="tr_l1").value == 0.001
    assert at.radio(key="tr_view").value == "classes"
    assert at.toggle(key="tr_race").value is True
    assert dict(at.query_params) == query
    step(at, 1)
    assert run_of(at).optimizer == "nesterov"


def test_bad_lever_values_in_a_link_fall_back_with_a_note():
    at = with_link(PAGE, {"tr_features": "x1,x9", "tr_opt": "newton", "tr_view": "pink"})
    notes = " ".join(w.value for w in at.warning)
    assert "tr_features" in notes and "tr_opt" in notes and "tr_view" in notes
    assert run_of(at).setup.features == ("x1", "x2") and run_of(at).optimizer == "sgd"


def test_hide_edit_takes_the_editor_away_and_the_diagram_stops_taking_clicks():
    at = with_link(PAGE, {"hide": "edit,features,race"})
    assert scene(at)["editable"] is False
    css = " ".join(h.proto.body for h in at.html if "display: none" in h.proto.body)
    for key in ("tr_edit_open", "tr_features", "tr_circle", "tr_race"):
        assert f".st-key-{key}" in css


def test_a_playing_run_gives_its_turn_back_before_it_loops(at, monkeypatch):
    """The Play loop never holds the process's turn (ui/model/turns.py): the other students'
    runs go on while it plays; and every run gives the turn back when it ends."""
    from ui.model import turns
    from ui.widgets import training_live

    held_while_playing, held_before = [], []
    monkeypatch.setattr(
        training_live, "play", lambda *a, **k: held_while_playing.append(turns.holding())
    )
    step_aside = turns.step_aside
    monkeypatch.setattr(
        turns, "step_aside", lambda: (held_before.append(turns.holding()), step_aside())
    )
    ran(at.button(key="tr_play").click().run())
    assert held_before[0] is True  # app.py gave the page run a turn; the page gave it back
    assert held_while_playing == [False]
    assert turns._turn.acquire(blocking=False)
    turns._turn.release()
