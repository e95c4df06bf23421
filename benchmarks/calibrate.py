"""Set each pair rule's confidence from its measured precision (`kg eval --by-rule`).

Builds the seeds and, when fetched, the development set, scores both against their gold, and
for every rule of extract/rules/relations.yml that fired at least ``--min-fired`` times sets
``confidence`` to its smoothed precision, (right + 1) / (fired + 2), so that a rule seen a few
times is pulled towards one half rather than to 0 or 1. Rules that fired less keep the
confidence written by hand. Prints what changed; writes the file in place unless ``--dry-run``.

    .venv/bin/python benchmarks/calibrate.py [--min-fired 5] [--dry-run]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from quality import DEV_GOLD, DEVSET, SEED_GOLD, build_and_score, devset_texts  # noqa: E402

RULES = ROOT / "extract" / "rules" / "relations.yml"
_RULE = re.compile(r"^- id: (?P<id>[\w.]+)\n(?P<body>(?:(?!- id:).*\n)*?)(?P<indent>  )confidence: (?P<value>[\d.]+)", re.MULTILINE)


def measured() -> tuple[Counter, Counter]:
    fired, right = Counter(), Counter()
    with tempfile.TemporaryDirectory() as work:
        corpora = [(ROOT / "seeds", SEED_GOLD)]
        if devset_texts(DEVSET, DEV_GOLD):
            corpora.append((DEVSET, DEV_GOLD))
        for corpus, gold in corpora:
            report, _ = build_and_score(corpus, gold, Path(work))
            for rule, counts in report.rules.items():
                fired[rule] += counts["fired"]
                right[rule] += counts["correct"]
    return fired, right


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-fired", type=int, default=5)
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    fired, right = measured()
    text = RULES.read_text(encoding="utf-8")

    def calibrated(match: re.Match) -> str:
        rule, old = match.group("id"), float(match.group("value"))
        if fired[rule] < args.min_fired:
            return match.group(0)
        new = round((right[rule] + 1) / (fired[rule] + 2), 2)
        if new != old:
            print(f"{rule:<44} fired {fired[rule]:>4}, right {right[rule]:>4}: {old:.2f} -> {new:.2f}")
        return match.group(0)[: match.start("value") - match.start(0)] + f"{new}"

    updated = _RULE.sub(calibrated, text)
    if not args.dry_run and updated != text:
        RULES.write_text(updated, encoding="utf-8")


if __name__ == "__main__":
    main()
