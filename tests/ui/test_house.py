"""The house rules of ui/ and xent_core/, enforced: each folder holds one kind of code.

- Only ``ui/widgets`` imports Streamlit: a fresh interpreter imports every other ui module
  and must not find ``streamlit`` in ``sys.modules``.
- ``xent_core`` is numpy only: a fresh interpreter imports it and every submodule and must
  find no UI library (and no pandas, plotly, PIL, streamlit, scipy) loaded.
- Arrows point one way: nothing outside ``ui/widgets`` imports from it, and no ui module
  imports a page.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROLES = ("figures", "text", "model", "files", "widgets")
UI_LIBRARIES = ("streamlit", "plotly", "pandas", "PIL", "scipy", "matplotlib", "torch")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def ui_modules(*, widgets: bool) -> list[str]:
    found = sorted((ROOT / "ui").rglob("*.py"))
    return [module_name(p) for p in found if (p.parent.name == "widgets") == widgets]


def loaded_after_import(modules: list[str]) -> set[str]:
    """The top-level packages in ``sys.modules`` after a fresh interpreter imports ``modules``."""
    script = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout))


def test_every_ui_module_lives_in_a_role_folder():
    """A module dropped straight into ui/ has no role: put it in figures, text, model, files
    or widgets."""
    loose = [p.name for p in (ROOT / "ui").glob("*.py") if p.name != "__init__.py"]
    assert not loose, f"ui/ modules outside a role folder: {loose}"
    folders = sorted(p.name for p in (ROOT / "ui").iterdir() if p.is_dir() and p.name[0] != "_")
    assert folders == sorted(ROLES)


def test_no_ui_module_outside_widgets_loads_streamlit():
    """Figure builders, words, models and files import without Streamlit."""
    modules = ui_modules(widgets=False)
    assert len(modules) > 20  # every role folder's modules, not an empty list
    loaded = loaded_after_import(modules)
    if "streamlit" in loaded:  # name the culprits, one fresh interpreter each
        culprits = [m for m in modules if "streamlit" in loaded_after_import([m])]
        pytest.fail(f"these ui modules load streamlit (move that code to ui/widgets): {culprits}")


def test_xent_core_loads_only_numpy_and_the_standard_library():
    """Every xent_core submodule, in a fresh interpreter: no UI or data-frame library."""
    modules = ["xent_core"] + [
        f"xent_core.{p.stem}" for p in sorted((ROOT / "xent_core").glob("*.py"))
    ]
    loaded = loaded_after_import(modules)
    assert "numpy" in loaded
    assert not loaded & set(UI_LIBRARIES), sorted(loaded & set(UI_LIBRARIES))


def imported_modules(path: Path) -> set[str]:
    """The modules a file imports (``from ui.widgets import x`` gives ``ui.widgets.x`` too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize(
    "path",
    [p for p in sorted((ROOT / "ui").rglob("*.py")) if p.parent.name != "widgets"],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_arrows_point_one_way_inside_ui(path: Path):
    """Only widgets may import widgets (or streamlit); no ui module imports a page."""
    imports = imported_modules(path)
    wrong = sorted(
        m
        for m in imports
        if m.startswith(("ui.widgets", "streamlit", "pages")) or m in ("deep_links", "app")
    )
    assert not wrong, f"{path.relative_to(ROOT)} imports {wrong}"


def test_the_import_check_is_not_vacuous():
    """The checks above would see a streamlit import and a widgets import."""
    assert "streamlit" in loaded_after_import(["ui.widgets.url_state"])
    assert "ui.widgets.url_state" in imported_modules(ROOT / "pages" / "binary.py")
