"""`make quality`: extraction quality on the seeds and, when fetched, on the development set.

Builds each corpus into a temporary folder with the real `kg build`, scores it with `kg eval`'s
code against its gold, prints the tables (per class, per relation, per slice, per rule) and
writes the figures, never the texts, to benchmarks/quality.md.

The development texts belong to their publishers: they are fetched into the gitignored
``.devset/`` folder as ``../shared/devset/SOURCES.md`` says, and their gold is read from
``../shared/devset/gold`` in place.

    .venv/bin/python benchmarks/quality.py [--devset .devset] [--dev-gold ../shared/devset/gold]
"""

from __future__ import annotations

import argparse
import datetime
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import kg  # noqa: E402

SEED_GOLD = ROOT / "tests" / "gold"
DEV_GOLD = ROOT.parent / "shared" / "devset" / "gold"
DEVSET = ROOT / ".devset"


def build_and_score(corpus: Path, gold: Path, work: Path) -> tuple:
    """Build ``corpus`` with the CLI and score the graph against ``gold``; also the build's seconds."""
    out = work / corpus.name.strip(".")
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kg.cli", "build", str(corpus), "--out", str(out)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    return kg.open(out).evaluate(gold), seconds


def devset_texts(devset: Path, gold: Path) -> list[Path]:
    """The fetched development texts that have gold; empty when the set is not (fully) fetched."""
    if not devset.is_dir() or not gold.is_dir():
        return []
    wanted = {path.stem for path in gold.glob("*.jsonl")}
    present = [path for path in sorted(devset.glob("*.txt")) if path.stem in wanted]
    return present if len(present) == len(wanted) else []


def markdown(title: str, report, seconds: float, texts: int) -> list[str]:
    lines = [f"## {title}", "", f"{texts} texts, built in {seconds:.1f} s.", "", "```", *report.table(), "```", ""]
    if report.rules:
        lines += ["Relation rules (how often each fired, how many of those were right):", "", "```"]
        lines += [f"{rule:<44} {c['fired']:>5} {c['correct']:>5} {c['precision']:>6.3f}"
                  for rule, c in sorted(report.rules.items(), key=lambda item: (-item[1]["fired"], item[0]))]
        lines += ["```", ""]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=DEVSET)
    parser.add_argument("--dev-gold", type=Path, default=DEV_GOLD)
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "quality.md")
    args = parser.parse_args()
    lines = ["# Extraction quality", "", f"Written by `make quality` on {datetime.date.today().isoformat()}; "
             "scores follow the gold sets' matching rules (`kg eval`).", ""]
    with tempfile.TemporaryDirectory() as work:
        seed, seconds = build_and_score(ROOT / "seeds", SEED_GOLD, Path(work))
        lines += markdown("Sample briefings (seeds/)", seed, seconds, len(list((ROOT / "seeds").glob("*.txt"))))
        texts = devset_texts(args.devset, args.dev_gold)
        if texts:
            dev, seconds = build_and_score(args.devset, args.dev_gold, Path(work))
            lines += markdown("Development set (40 real texts by other publishers)", dev, seconds, len(texts))
        else:
            lines += ["## Development set", "", f"Not measured: {args.devset} does not hold every text of {args.dev_gold}; "
                      "../shared/devset/SOURCES.md says how to fetch them.", ""]
    report = "\n".join(lines)
    print(report)
    if texts:  # a partial run never overwrites the full figures
        args.output.write_text(report, encoding="utf-8")
        print(f"Wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
