"""Where Chromium is and how to start it headless on a closed network (tests and benchmarks)."""

from __future__ import annotations

import os
import shutil

# Without the background-networking flags Chromium keeps trying to reach Google's hosts.
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-default-apps"]


def chromium_path() -> str | None:
    """$KG_CHROMIUM, else Debian's `chromium` on PATH."""
    return os.environ.get("KG_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
