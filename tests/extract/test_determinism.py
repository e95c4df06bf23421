"""The same text gives the same records in every process, whatever Python's hash seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

_DUMP = """
import pickle, sys
from extract.pipeline import extract
text = ("Analysts expect 2031 to matter. In 2029 and 2031 the plan for the 2029 hydrogen industry was issued by the NDRC. "
        "Chinese battery maker Orlin Power and Kestrel Cells agreed to jointly build a plant in Spain.")
record = extract(text, "seeded")
sys.stdout.buffer.write(pickle.dumps((record.date, record.entities, record.relations)))
"""


def test_records_do_not_depend_on_the_hash_seed():
    outputs = set()
    for seed in ("1", "2", "3"):
        run = subprocess.run([sys.executable, "-c", _DUMP], capture_output=True, cwd=ROOT, timeout=120,
                             env={**os.environ, "PYTHONHASHSEED": seed})
        assert run.returncode == 0, run.stderr.decode()
        outputs.add(run.stdout)
    assert len(outputs) == 1
