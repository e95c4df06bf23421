"""The README's console examples are the output of a real run on the seeds (docs/readme_examples.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_readme_console_examples_match_a_fresh_run():
    if shutil.which("rapper") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("`rapper` (Debian raptor2-utils) is required when CI=true: .ci/run installs it")
        pytest.skip("`rapper` (Debian raptor2-utils) is not installed: the README's kg validate example needs it")
    run = subprocess.run([sys.executable, str(ROOT / "docs" / "readme_examples.py"), "--check"], capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, "README examples drifted; run `python docs/readme_examples.py --write`:\n" + run.stdout[-3000:]
