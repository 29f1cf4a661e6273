"""Debian's chromium, headless: the binary and the flags that work on this kind of machine.

Playwright's own browser download is neither needed nor possible here: launch this one with
``chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)``.
"""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("XENT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
