"""Worker processes that end with the process that started them.

`kg build --jobs N` and `kg serve` start worker processes. If the parent is killed (SIGKILL,
the OOM killer, a closed terminal), Python's own clean-up never runs and a worker would go on
extracting or querying for nobody, at full CPU. On Linux the kernel can send the worker a
signal when its parent dies; each worker asks for it first thing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def exit_with_parent() -> None:
    """Ask the kernel to kill this process when its parent dies (Linux; elsewhere nothing happens)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request was made
        os._exit(1)
