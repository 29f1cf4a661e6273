"""Classroom mode: link parameters that hide chosen controls and enlarge a page for a projector.

``?hide=t,table`` hides those controls of the page. They are only hidden (CSS on their
``st-key-<key>`` class), never left out, so they still hold the link's values and the page
computes exactly as without ``hide``. ``?projector=1`` hides the sidebar, enlarges the text
and the figures and lets the content use the whole width.

app.py calls :func:`apply` before each page runs and :func:`sidebar` to draw the "Copy link
to this view" button and the classroom-link builder; pages draw their figures with
:func:`chart`. Each page's controls are named in :data:`CONTROLS` (tests/ui/test_classroom.py
checks that every widget key named there is still a key in that page's source).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from ui import url_state
from ui.text import in_code_span

HIDE = "hide"  # ?hide=name,name: controls to hide (names from CONTROLS)
PROJECTOR = "projector"  # ?projector=1: big text and figures, no sidebar
ALL = "all"  # ?hide=all: every control of the page (not the sidebar)

FONT_SCALE = 1.5  # projector: plotly font sizes (and the margins around them) times this
HEIGHT_SCALE = 1.35  # projector: figure heights times this
PLOTLY_FONT_SIZE = 12  # plotly's own default font size, for a figure that sets none
PLOTLY_HEIGHT = 450  # plotly's own default height, for a figure that sets none
ROOT_FONT_PX = 22  # projector: the root font size (Streamlit's text is in rem; default 16)

MAX_SHOWN = 40  # characters of a bad link value quoted back


@dataclass(frozen=True)
class Control:
    """A control a teacher can hide: its name in ``?hide=``, what it is, the widgets it covers.

    ``keys`` are widget (or container) keys; a key ending in ``*`` covers every key that
    starts with the text before it (``z_*``: z_0, z_1, …). ``holder`` also hides the
    expander or the column that holds them, so no empty box or gap is left.
    """

    name: str
    label: str
    keys: tuple[str, ...]
    holder: Literal["", "expander", "column"] = ""

    def selectors(self) -> list[str]:
        """The CSS selectors of the elements hiding this control hides."""
        found = [key_selector(key) for key in self.keys]
        if self.holder:
            test_id = {"expander": "stExpander", "column": "stColumn"}[self.holder]
            found += [f'[data-testid="{test_id}"]:has({s})' for s in found]
        return found


def key_selector(key: str) -> str:
    """The CSS selector of the element Streamlit draws for widget ``key`` (``*``: a prefix)."""
    if key.endswith("*"):
        return f'[class*="st-key-{key[:-1]}"]'
    return f".st-key-{key}"


SIDEBAR_SELECTORS = (
    '[data-testid="stSidebar"]',
    '[data-testid="stSidebarCollapsedControl"]',
    '[data-testid="stExpandSidebarButton"]',
)

# The sidebar: hideable on every page (students stay on the exercise: no menu, no builder).
SIDEBAR = Control("sidebar", "the sidebar: menu, copy link, this builder", ())

# Each page's controls, by url path, in the order the page shows them.
CONTROLS: dict[str, tuple[Control, ...]] = {
    "overview": (Control("links", "the links to the other pages", ("ov_links",)),),
    "binary": (
        Control("p", "slider p (predicted probability)", ("p",)),
        Control("t", "slider t (target)", ("t",)),
        Control("scale", "loss axis: linear or log", ("yscale",)),
        Control("logits", "logits-mode switch of the table", ("logits",)),
        Control("table", "the table editor and its reset", ("bce_table_*", "bce_reset")),
        Control(
            "csv",
            "Download CSV and Upload a CSV",
            ("bce_download", "bce_upload"),
            holder="expander",
        ),
    ),
    "categorical": (
        Control("mode", "probabilities or logits", ("input",)),
        Control("smoothing", "label smoothing ε", ("smoothing",)),
        Control("weights", "class weights", ("cat_w_*",), holder="expander"),
        Control(
            "classes",
            "rename, add, remove classes",
            ("cat_name_*", "cat_add_class", "cat_remove_which", "cat_remove_class"),
            holder="expander",
        ),
        Control(
            "table",
            "the table editor, normalise, reset",
            ("cat_table", "cat_normalise", "cat_reset"),
        ),
        Control(
            "csv",
            "Download CSV and Upload a CSV",
            ("cat_download", "cat_upload"),
            holder="expander",
        ),
        Control("row", "the row picked for a close look", ("row",)),
    ),
    "softmax": (
        Control("classes", "number of classes C", ("n_classes",)),
        Control("temperature", "temperature τ", ("tau",)),
        Control("logits", "the logit sliders z", ("z_*",)),
        Control("target", "target class k", ("target",)),
    ),
    "training": (
        Control("play", "Play/Pause, Step, Reset", ("tr_play", "tr_step", "tr_reset")),
        Control("preset", "the seed's-network button", ("tr_preset",)),
        Control("speed", "epochs per frame", ("tr_speed",)),
        Control(
            "settings", "the Data, Network and Training tabs", ("tr_settings",), holder="column"
        ),
        Control("testpoints", "show-the-test-points box", ("tr_show_test",)),
        Control("logscale", "log-scale loss axis", ("tr_log",)),
        Control("calibration", "the calibration section", ("tr_calibration_open",)),
        Control("export", "the export-and-share section", ("tr_export_open",)),
    ),
    "versus": (
        Control("z", "slider z (the neuron's logit)", ("vs_z",)),
        Control("start", "the race's starting weight and bias", ("vs_w0", "vs_b0")),
        Control("rate", "the race's learning rate η", ("vs_lr",)),
        Control("steps", "the race's number of steps", ("vs_steps",)),
    ),
    "information": (
        Control(
            "table",
            "the table editor, normalise, reset",
            ("info_table", "info_normalise", "info_reset"),
        ),
        Control(
            "presets",
            "one-hot t, p = t, uniform p",
            ("info_one_hot", "info_p_is_t", "info_uniform"),
        ),
        Control("unit", "nats or bits", ("info_unit",)),
        Control("csv", "Download CSV", ("info_download",)),
    ),
    "smoothing": (
        Control("classes", "number of classes C", ("ls_classes",)),
        Control("epsilon", "the ε values", ("ls_eps",)),
        Control("logits", "the logits z", ("ls_z",)),
        Control("temperature", "temperature τ", ("ls_tau",)),
        Control("target", "target class", ("ls_target",)),
    ),
    "gradcheck": (
        Control("loss", "which loss", ("gc_loss",)),
        Control("inputs", "random or typed inputs", ("gc_src",)),
        Control("seed", "the seed and New random inputs", ("gc_seed", "gc_new")),
        Control("step", "step h", ("gc_h",)),
        Control("integers", "the integer-inputs switch", ("gc_int",)),
        Control("table", "the typed table and its reset", ("gc_table_*", "gc_reset")),
        Control("csv", "Download CSV of the results", ("gc_download",)),
    ),
}


def controls(page: str) -> tuple[Control, ...]:
    """The controls ``?hide=`` can name on ``page`` (its url path): the page's and the sidebar."""
    return (*CONTROLS.get(page, ()), SIDEBAR)


@dataclass(frozen=True)
class Classroom:
    """What a link asked for: the page, the controls to hide, projector mode, and the notes."""

    page: str
    hidden: tuple[str, ...] = ()
    projector: bool = False
    notes: tuple[str, ...] = ()


def parse_hide(raw: str | None, page: str) -> tuple[tuple[str, ...], list[str]]:
    """``"p, Table,,p"`` -> ``(("p", "table"), [])``: known names in the page's order, unknown.

    Names are case-insensitive, spaces and empty items are ignored, ``all`` is every control
    of the page (not the sidebar). Returns the names to hide and the unknown ones as typed.
    """
    if raw is None:
        return (), []
    known = {c.name: c for c in controls(page)}
    wanted: set[str] = set()
    unknown: list[str] = []
    for item in raw.split(","):
        name = item.strip().lower()
        if not name:
            continue
        if name == ALL:
            wanted.update(c.name for c in CONTROLS.get(page, ()))
        elif name in known:
            wanted.add(name)
        elif item.strip() not in unknown:
            unknown.append(item.strip())
    return tuple(c.name for c in controls(page) if c.name in wanted), unknown


def parse_projector(raw: str | None) -> tuple[bool, str | None]:
    """``"1"`` -> ``(True, None)``; a value that is not true or false -> ``(False, why)``."""
    if raw is None:
        return False, None
    try:
        return url_state.boolean(raw.strip()), None
    except ValueError as err:
        return False, str(err)


def read(page: str, query: dict[str, str]) -> Classroom:
    """What the link's ``query`` asks of ``page``, with a note for each thing it cannot use."""
    hidden, unknown = parse_hide(query.get(HIDE), page)
    projector, why = parse_projector(query.get(PROJECTOR))
    notes = []
    if unknown:
        names = ", ".join(c.name for c in controls(page))
        listed = ", ".join(f"`{in_code_span(u, MAX_SHOWN)}`" for u in unknown)
        notes.append(
            f"Link setting `{HIDE}={in_code_span(query[HIDE], MAX_SHOWN)}`: "
            f"{'no control is' if len(unknown) == 1 else 'no controls are'} named {listed} "
            f"on this page; it can hide {names} (or {ALL})."
        )
    if why:
        notes.append(
            f"Link setting `{PROJECTOR}={in_code_span(query[PROJECTOR], MAX_SHOWN)}` {why} "
            "(use 1 or 0); projector mode is off."
        )
    return Classroom(page=page, hidden=hidden, projector=projector, notes=tuple(notes))


def css(room: Classroom) -> str:
    """The style sheet that hides ``room.hidden`` and, in projector mode, enlarges the page."""
    hidden = [c for c in controls(room.page) if c.name in room.hidden]
    selectors = [s for c in hidden for s in c.selectors()]
    if SIDEBAR in hidden or room.projector:
        selectors += SIDEBAR_SELECTORS
    rules = []
    if selectors:
        rules.append(",\n".join(selectors) + " { display: none !important; }")
    if room.projector:
        rules += [
            f"html {{ font-size: {ROOT_FONT_PX}px !important; }}",
            '[data-testid="stHeader"] { display: none !important; }',
            '[data-testid="stMainBlockContainer"] { max-width: none !important; '
            "padding: 1.5rem 2rem 3rem !important; }",
            # the training page's pictures (st.html images) fill their column
            'img[data-testid="tr-boundary"], img[data-testid="tr-units"] '
            "{ width: 100% !important; height: auto !important; }",
        ]
    return "\n".join(rules)


SESSION = "_classroom"  # session-state key: the Classroom of the current run
NOTED = "_classroom_noted"  # the (page, hide, projector) whose notes were already shown


def apply(page: str) -> Classroom:
    """Read ``?hide=`` and ``?projector=`` for ``page`` (its url path), inject their style.

    Called by app.py before the page runs. Projector mode carries over to the pages visited
    from here (the menu drops the query string; this puts ``projector=1`` back), ``hide``
    does not: its names belong to one page. Notes about bad values are shown once, by the
    page's :func:`ui.url_state.show_notes`.
    """
    query = {key: st.query_params[key] for key in (HIDE, PROJECTOR) if key in st.query_params}
    before: Classroom | None = st.session_state.get(SESSION)
    if PROJECTOR not in query and before is not None and before.projector:
        query[PROJECTOR] = "1"
        st.query_params[PROJECTOR] = "1"
    room = read(page, query)
    st.session_state[SESSION] = room
    asked = (page, query.get(HIDE), query.get(PROJECTOR))
    if room.notes and st.session_state.get(NOTED) != asked:
        for note in room.notes:
            url_state.add_note(note)
    st.session_state[NOTED] = asked
    style = css(room)
    if style:
        st.html(f"<style>\n{style}\n</style>")
    return room


def projecting() -> bool:
    """True when the current run is in projector mode."""
    room: Classroom | None = st.session_state.get(SESSION)
    return room is not None and room.projector


# ---------------------------------------------------------------------------- figures


def _scale_fonts(node: Any, factor: float) -> None:
    """Multiply every font size in a plotly figure's dict (fonts, tick fonts, text fonts…)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("font") and isinstance(value, dict) and "size" in value:
                size = value["size"]
                if isinstance(size, int | float):
                    value["size"] = round(size * factor, 1)
                elif isinstance(size, list | tuple):
                    value["size"] = [round(s * factor, 1) for s in size]
            _scale_fonts(value, factor)
    elif isinstance(node, list | tuple):
        for item in node:
            _scale_fonts(item, factor)


def projector_figure(
    fig: go.Figure, *, font_scale: float = FONT_SCALE, height_scale: float = HEIGHT_SCALE
) -> go.Figure:
    """A copy of ``fig`` for a projector: every font and margin ``font_scale`` times, taller."""
    spec = fig.to_dict()
    _scale_fonts(spec, font_scale)
    layout = spec.setdefault("layout", {})
    font = layout.setdefault("font", {})
    if "size" not in font:
        font["size"] = round(PLOTLY_FONT_SIZE * font_scale, 1)
    layout["height"] = round((layout.get("height") or PLOTLY_HEIGHT) * height_scale)
    margin = layout.get("margin") or {}
    layout["margin"] = {
        side: round(value * font_scale) if side in "lrtb" else value
        for side, value in margin.items()
    }
    return go.Figure(spec, skip_invalid=True)


def chart(
    fig: go.Figure,
    *,
    key: str | None = None,
    into: DeltaGenerator | None = None,
    **kwargs: Any,
) -> DeltaGenerator:
    """``st.plotly_chart(fig, key=key, **kwargs)``; in projector mode, bigger fonts, taller.

    ``into`` is where to draw it (a column, or an element to replace in place); the page's
    main area by default. Outside projector mode the figure is drawn exactly as built. The
    toolbar's camera saves a PNG at twice the screen resolution, named after ``key``.
    """
    target = st if into is None else into
    if projecting():
        fig = projector_figure(fig)
    config = {**png_export(key), **kwargs.pop("config", {})}
    return target.plotly_chart(fig, key=key, config=config, **kwargs)


def png_export(key: str | None) -> dict[str, Any]:
    """Plotly's config for the toolbar's "Download plot as a PNG": a file name and 2x scale."""
    name = f"xent-{key.replace('_', '-')}" if key else "xent-figure"
    return {
        "displaylogo": False,
        "toImageButtonOptions": {"format": "png", "filename": name, "scale": 2},
    }


# ---------------------------------------------------------------------------- copy buttons

# One listener for every copy button of the page, installed once per browser tab: it reads
# the address at click time (the page's widgets may have rewritten it since the button was
# drawn), adds a classroom button's parameters, and copies. navigator.clipboard needs a
# secure context (https or localhost); elsewhere (a classroom server on http://10.x.x.x) a
# hidden textarea and execCommand("copy") do it; if both fail, the link is shown selected.
COPY_SCRIPT = """
<script>
(() => {
  if (window.__xentCopyLink) return;
  window.__xentCopyLink = true;
  const linkFor = (button) => {
    const url = new URL(window.location.href);
    if (button.dataset.classroom === "1") {
      const hide = button.dataset.hide || "";
      if (hide) url.searchParams.set("hide", hide); else url.searchParams.delete("hide");
      if (button.dataset.projector === "1") url.searchParams.set("projector", "1");
      else url.searchParams.delete("projector");
      return url.toString().replace(/%2C/gi, ",");
    }
    return window.location.href;
  };
  const copyText = async (text) => {
    if (navigator.clipboard && window.isSecureContext) {
      try { await navigator.clipboard.writeText(text); return true; } catch (err) {}
    }
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.cssText = "position:fixed;top:0;left:0;opacity:0;";
    document.body.appendChild(area);
    area.select();
    let done = false;
    try { done = document.execCommand("copy"); } catch (err) { done = false; }
    area.remove();
    return done;
  };
  // The box, not the button: a rerun can redraw the button between press and release (a
  // multiselect losing focus does), and the click then lands on the box or its container.
  const boxOf = (target) => {
    if (!(target instanceof Element) || target.closest(".xent-copy-field, .xent-copy-status")) {
      return null;
    }
    const box = target.closest(".xent-copy");
    if (box) return box;
    return target.matches('[data-testid="stHtml"]') ? target.querySelector(".xent-copy") : null;
  };
  document.addEventListener("click", async (event) => {
    const box = boxOf(event.target);
    const button = box && box.querySelector("button[data-xent-copy]");
    if (!button) return;
    const status = box.querySelector(".xent-copy-status");
    const field = box.querySelector(".xent-copy-field");
    const link = linkFor(button);
    button.dataset.copied = link;
    if (await copyText(link)) {
      field.hidden = true;
      status.textContent = button.dataset.done;
      clearTimeout(box.__xentTimer);
      box.__xentTimer = setTimeout(() => { status.textContent = ""; }, 4000);
    } else {
      status.textContent = "Copy it with Ctrl+C (⌘C on a Mac):";
      field.value = link;
      field.hidden = false;
      field.focus();
      field.select();
    }
  }, true);  // capture: elements around a button (an expander) may stop the click bubbling
})();
</script>
"""

BUTTON_STYLE = """
<style>
.xent-copy button {
  display: inline-flex; align-items: center; justify-content: center; gap: 0.4rem;
  width: 100%; min-height: 2.5rem; padding: 0.25rem 0.75rem; margin: 0;
  font: inherit; font-size: 1rem; line-height: 1.6; color: inherit; cursor: pointer;
  background-color: var(--xent-button-bg, #ffffff);
  border: 1px solid color-mix(in srgb, currentColor 20%, transparent);
  border-radius: 0.5rem; user-select: none;
}
.xent-copy button:hover { border-color: var(--xent-primary); color: var(--xent-primary); }
.xent-copy button:active { background-color: var(--xent-primary); color: #ffffff; }
.xent-copy button:focus-visible { outline: none;
  box-shadow: 0 0 0 0.2rem color-mix(in srgb, var(--xent-primary) 50%, transparent); }
.xent-copy-icon { font-family: "Material Symbols Rounded"; font-size: 1.25rem;
  font-weight: 400; line-height: 1; }
.xent-copy-status { min-height: 1.3rem; margin-top: 0.3rem; font-size: 0.875rem;
  opacity: 0.75; }
.xent-copy-field { width: 100%; margin-top: 0.25rem; padding: 0.3rem 0.5rem;
  font: inherit; font-size: 0.8rem; border-radius: 0.5rem;
  border: 1px solid color-mix(in srgb, currentColor 30%, transparent); }
</style>
"""

# Material Symbols Rounded is the icon font Streamlit itself loads (SVG would be sanitised).
LINK_ICON = '<span class="xent-copy-icon" aria-hidden="true">link</span>'


def theme_colors() -> tuple[str, str]:
    """The primary colour and a secondary button's background, as Streamlit's theme has them."""
    primary = st.get_option("theme.primaryColor") or "#ff4b4b"
    dark = getattr(st.context.theme, "type", None) == "dark"
    background = st.get_option("theme.backgroundColor") or ("#0e1117" if dark else "#ffffff")
    return primary, background


def copy_button_html(
    label: str,
    *,
    test_id: str,
    done: str = "Link copied",
    hidden: Sequence[str] | None = None,
    projector: bool = False,
    primary: str = "#ff4b4b",
    background: str = "#ffffff",
    assets: bool = True,
) -> str:
    """A button that copies the page's address; with ``hidden`` given, a classroom link.

    ``hidden`` (control names) and ``projector`` replace the address's ``hide`` and
    ``projector`` parameters at click time; ``None`` copies the address exactly. ``assets``
    adds the buttons' style sheet and click script, which one button per page carries for all.
    """
    data = {"data-xent-copy": "1", "data-done": done, "data-testid": test_id}
    if hidden is not None:
        data |= {
            "data-classroom": "1",
            "data-hide": ",".join(hidden),
            "data-projector": "1" if projector else "0",
        }
    attributes = " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in data.items())
    colours = f"--xent-primary:{primary};--xent-button-bg:{background};"
    box = (
        f'<div class="xent-copy" style="{html.escape(colours, quote=True)}">'
        f'<button type="button" {attributes}>{LINK_ICON}<span>{html.escape(label)}</span>'
        "</button>"
        f'<div class="xent-copy-status" role="status" data-testid="{test_id}-status"></div>'
        f'<input class="xent-copy-field" type="text" readonly hidden '
        f'data-testid="{test_id}-field" aria-label="the link"></div>'
    )
    return f"{BUTTON_STYLE}{box}{COPY_SCRIPT}" if assets else box


def builder_default(page: str) -> list[str]:
    """The builder's starting choice: what the current link hides."""
    room: Classroom | None = st.session_state.get(SESSION)
    return list(room.hidden) if room is not None and room.page == page else []


def sidebar(page: str) -> None:
    """The "Copy link to this view" button and the classroom-link builder, for the sidebar."""
    primary, background = theme_colors()
    colours = dict(primary=primary, background=background)
    st.html(
        copy_button_html("Copy link to this view", test_id="xent-copy-link", **colours),
        unsafe_allow_javascript=True,
    )
    with st.expander("Classroom link", key="cls_builder", icon=":material/school:"):
        st.caption(
            "A link for a class: hide the controls you choose (they keep this view's "
            "settings) and, for a projector, enlarge everything."
        )
        choices = controls(page)
        pick_key = f"cls_hide_{page}"
        if pick_key not in st.session_state:
            st.session_state[pick_key] = builder_default(page)
        hidden = st.multiselect(
            "Hide these controls",
            [c.name for c in choices],
            key=pick_key,
            placeholder="nothing hidden",
            help="\n".join(f"- **{c.name}**: {c.label}" for c in choices),
        )
        projector = st.toggle(
            "Projector: larger text and figures, no sidebar",
            key="cls_projector",
            help="The sidebar disappears, text and figures grow; it stays on for the pages "
            "opened from there.",
        )
        st.html(
            copy_button_html(
                "Copy classroom link",
                test_id="xent-copy-classroom",
                done="Classroom link copied",
                hidden=hidden,
                projector=projector,
                assets=False,  # the button above brought the style and the script
                **colours,
            ),
            unsafe_allow_javascript=True,
        )
        added = [f"{HIDE}={','.join(hidden)}"] * bool(hidden) + [f"{PROJECTOR}=1"] * projector
        if added:
            st.caption(f"The link adds `{'&'.join(added)}` to this page's address.")
