"""Keep the README's console examples true: run every `$ kg …` line on the seeds and compare.

Each ```console block of README.md is a little session: its `$ kg …` lines run in order, in a
temporary copy of seeds/, queries/, docs/example/ and tests/gold/, each followed by what it printed (stderr,
then stdout, as a terminal shows them). An output longer than the block showed is cut after
the lines the block showed around its line "…" (or after twelve lines). Timings ("in 3.8 s") vary from run to run and
are compared as "in N s". Blocks holding other commands (`kg serve`, `kg push`, `curl`) need a
server and are left as written.

    python docs/readme_examples.py --check   # exit 1 and show the difference when the README drifted
    python docs/readme_examples.py --write   # rewrite the blocks from this run
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
BLOCK = re.compile(r"```console\n(.*?)```", re.DOTALL)
SERVICES = ("kg serve", "kg push")
DEFAULT_LINES = 12
_SECONDS = re.compile(r"\b\d+(?:\.\d+)? s\b")


def sessions(text: str) -> list[tuple[int, int, list[tuple[str, list[str]]]]]:
    """Every console block as (start, end, [(command, shown output lines)])."""
    found = []
    for match in BLOCK.finditer(text):
        steps: list[tuple[str, list[str]]] = []
        for line in match.group(1).splitlines():
            if line.startswith("$ "):
                steps.append((line[2:], []))
            elif steps:
                steps[-1][1].append(line)
        found.append((match.start(1), match.end(1), steps))
    return found


def runnable(steps: list[tuple[str, list[str]]]) -> bool:
    return bool(steps) and all(command.startswith("kg ") and not command.startswith(SERVICES) for command, _ in steps)


def run(command: str, folder: Path) -> list[str]:
    arguments = shlex.split(command)
    environment = {**os.environ, "COLUMNS": "200", "KG_OUT": str(folder / "out")}
    done = subprocess.run([sys.executable, "-m", "kg.cli", *arguments[1:]], cwd=folder, capture_output=True, text=True,
                          env=environment, timeout=600)
    return (done.stderr + done.stdout).rstrip("\n").splitlines()


def shown(output: list[str], before: list[str]) -> list[str]:
    """The output as the block shows it.

    Where the block had a line "…", as many lines before and after it as it had there; else the
    whole output, or, when longer than the block showed (at least `DEFAULT_LINES`), that many
    lines and "…".
    """
    if "…" in before:
        head, tail = before.index("…"), len(before) - before.index("…") - 1
        if len(output) > head + tail:
            return [*output[:head], "…", *(output[len(output) - tail:] if tail else [])]
        return output
    limit = max(DEFAULT_LINES, len(before))  # a block that shows a long output whole keeps showing it whole
    return output if len(output) <= limit else [*output[:limit], "…"]


def generate(text: str) -> str:
    """The README with every runnable console block's outputs from a real run."""
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        for name in ("seeds", "queries", "docs/example", "tests/gold"):
            shutil.copytree(ROOT / name, folder / name)
        pieces, position = [], 0
        for start, end, steps in sessions(text):
            if not runnable(steps):
                continue
            lines = []
            for command, before in steps:
                lines += [f"$ {command}", *shown(run(command, folder), before)]
            pieces += [text[position:start], "\n".join(lines) + "\n"]
            position = end
        return "".join(pieces) + text[position:]


def normal(text: str) -> str:
    return _SECONDS.sub("N s", text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--write", action="store_true")
    args = parser.parse_args()
    text = README.read_text(encoding="utf-8")
    fresh = generate(text)
    if args.write:
        README.write_text(fresh, encoding="utf-8")
        return 0
    if normal(fresh) == normal(text):
        return 0
    sys.stdout.writelines(difflib.unified_diff(normal(text).splitlines(True), normal(fresh).splitlines(True), "README.md", "a fresh run"))
    return 1


if __name__ == "__main__":
    sys.exit(main())
