"""The repository's layout, read from the import statements (``ast``, nothing is imported).

- No cycle between top-level folders: imports point one way, e.g. tests -> bench -> deploy ->
  serving, pages -> ui -> xent_core (STYLE.md, "The house").
- ``xent_core`` imports numpy and the standard library only: the math knows no page.
- ``serving`` (start a server, talk to it) imports nothing from the project, so bench,
  deploy and tests can all use it.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ["bench", "deploy", "tests", "serving", "ui", "pages", "xent_core"]
SKIP = {".git", ".venv", "venv", "__pycache__", "node_modules"}


def python_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*.py")):
        if not SKIP.intersection(path.relative_to(ROOT).parts):
            yield path


def project_names() -> set[str]:
    """What a top-level import of the project's own code can start with."""
    names = {p.stem for p in ROOT.glob("*.py")}
    names |= {p.name for p in ROOT.iterdir() if p.is_dir() and p.name not in SKIP}
    return {n for n in names if not n.startswith(".")}


def imported_modules(path: Path) -> Iterator[tuple[str, int]]:
    """(absolute module name, line) for every import in ``path``, lazy ones included;
    relative imports stay inside their folder and are left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module, node.lineno


def folder_edges() -> dict[tuple[str, str], list[str]]:
    """(from folder, to top-level name) -> the 'file:line' imports that make that arrow."""
    own = project_names()
    edges: dict[tuple[str, str], list[str]] = {}
    for folder in FOLDERS:
        for path in python_files(ROOT / folder):
            for module, line in imported_modules(path):
                top = module.split(".")[0]
                if top in own and top != folder:
                    where = f"{path.relative_to(ROOT)}:{line}"
                    edges.setdefault((folder, top), []).append(where)
    return edges


def find_cycle(edges: dict[tuple[str, str], list[str]]) -> list[str] | None:
    """A cycle of folders (first == last) in the graph, or None."""
    graph: dict[str, set[str]] = {}
    for a, b in edges:
        graph.setdefault(a, set()).add(b)
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle_and_accepts_a_chain() -> None:
    """The checker itself: a -> b -> c -> a is a cycle, a -> b -> c is not."""
    chain = {("a", "b"): [], ("b", "c"): []}
    assert find_cycle(chain) is None
    assert find_cycle({**chain, ("c", "a"): []}) == ["a", "b", "c", "a"]


def test_no_import_cycle_between_top_level_folders() -> None:
    """Imports between bench, deploy, tests, serving, ui, pages and xent_core point one way."""
    edges = folder_edges()
    cycle = find_cycle(edges)
    if cycle:
        arrows = [
            f"{a} -> {b}: " + ", ".join(edges[(a, b)][:5])
            for a, b in zip(cycle, cycle[1:], strict=False)
        ]
        pytest.fail("import cycle between folders:\n" + "\n".join(arrows), pytrace=False)


def test_xent_core_imports_only_numpy_and_the_standard_library() -> None:
    """Nothing in xent_core knows a page, a figure or Streamlit exists."""
    allowed = set(sys.stdlib_module_names) | {"numpy", "xent_core", "__future__"}
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in python_files(ROOT / "xent_core")
        for module, line in imported_modules(path)
        if module.split(".")[0] not in allowed
    ]
    assert found == []


def test_serving_imports_nothing_from_the_project() -> None:
    """bench, deploy and tests all import serving; it imports none of them (nor the app)."""
    own = project_names() - {"serving"}
    found = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in python_files(ROOT / "serving")
        for module, line in imported_modules(path)
        if module.split(".")[0] in own
    ]
    assert found == []
