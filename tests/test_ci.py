"""CI runs what the README tells a reader to run (``.ci/run``'s TEST_COMMAND)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def ci_variable(name: str) -> str:
    """A ``NAME='...'`` assignment in .ci/run."""
    match = re.search(rf"^{name}='([^']*)'$", (ROOT / ".ci" / "run").read_text(), re.MULTILINE)
    assert match, f".ci/run has no {name}='...' line"
    return match.group(1)


def readme_commands() -> list[str]:
    """Every line of the README's ```bash blocks."""
    blocks = re.findall(r"```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)
    return [line.strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_ci_runs_the_readme_test_command_word_for_word() -> None:
    """.ci/run's TEST_COMMAND is a command line of the README, and lints after its install."""
    command = ci_variable("TEST_COMMAND")
    assert command in readme_commands()
    assert command.startswith(ci_variable("INSTALL") + " && ")
