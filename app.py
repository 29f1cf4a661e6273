"""xent — the cross-entropy explorer: router only.

Page list -> st.navigation -> shared sidebar -> run the chosen page.
To add a page, add one ``_page(...)`` line to ``PAGES``.
"""

# Imported before any page runs: plotly looks pandas up in sys.modules without importing it,
# so on a cold server a second session could find a pandas that the first session's page was
# still importing (AttributeError, tests/scaleout/test_cold_start.py). An import statement
# waits for a module another thread is importing; a sys.modules lookup does not.
import pandas  # noqa: F401
import streamlit as st
from streamlit.navigation.page import StreamlitPage

from ui.model import turns
from ui.widgets import classroom, style

st.set_page_config(
    page_title="xent — the cross-entropy explorer",
    page_icon=__file__.removesuffix("app.py") + "static/xent-icon.png",  # served locally, no CDN
    layout="wide",
)


def _page(name: str, title: str, icon: str, *, default: bool = False) -> StreamlitPage:
    """pages/<name>.py, served at /<name> (the default page at /), with a Material icon."""
    return st.Page(
        f"pages/{name}.py", title=title, icon=f":material/{icon}:", url_path=name, default=default
    )


# The app's pages by menu section: one line per page (file name in pages/, title, icon).
PAGES: dict[str, list[StreamlitPage]] = {
    "Start": [
        _page("overview", "Overview", "explore", default=True),
    ],
    "Losses": [
        _page("binary", "Binary cross-entropy", "balance"),
        _page("categorical", "Categorical cross-entropy", "category"),
    ],
    "Inside the gradient": [
        _page("softmax", "Softmax & its Jacobian", "grid_on"),
        _page("backprop", "Backpropagation", "account_tree"),
        _page("training", "Live training", "trending_down"),
    ],
    "Beyond": [
        _page("versus", "Cross-entropy vs squared error", "compare_arrows"),
        _page("information", "Entropy, cross-entropy & KL", "stacked_bar_chart"),
        _page("smoothing", "Label smoothing & temperature", "blur_on"),
        _page("gradcheck", "Gradient check", "rule"),
    ],
}

page = st.navigation(PAGES, position="sidebar")
page_name = page.url_path or "overview"  # the default page's url_path is ""
# One page run of this process computes at a time, the others wait their turn (ui/model/
# turns.py: under a class's burst the GIL's round-robin made every run late and starved the
# event loop that receives inputs and sends answers). A playing loop steps aside.
with turns.turn():
    classroom.apply(page_name)  # ?hide=… and ?projector=1 (ui/classroom.py)
    style.apply()  # fitted numbers and formulas, named charts, readable captions (ui/widgets/)

    with st.sidebar:
        classroom.sidebar(page_name)  # "Copy link to this view" and the classroom-link builder
        st.markdown(
            "**xent** teaches cross-entropy: the loss, its gradient and how softmax "
            "turns logits into probabilities. Every number is computed live by `xent_core`, "
            "its small numpy library, and checked against PyTorch."
        )
        st.info(
            "**Reduction:** a *sum* adds the per-row losses; a *mean* divides that sum "
            "by the number of rows. Each total on these pages says which one it is.",
            icon=":material/functions:",
        )

    page.run()
