"""A synthetic briefing corpus of any size, in the seeds' layout, seeded for repeatability.

Names come from the alias tables (agencies, sectors, places, firms) and from invented firms
("Qilin Biologics", "Tianhe Robotics Holdings") drawn from a fixed pool of syllables, so the
extractor does real work: alias matching, descriptor and suffix patterns, document titles,
deal verbs. The pool is finite, as a real corpus's cast of firms is, so the graph's size grows
slower than the number of briefings.

    .venv/bin/python benchmarks/corpus.py 1000 /tmp/corpus-1000
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

from extract.lexicon import load_known_entities

SYLLABLES = ["qi", "lin", "tian", "he", "hua", "xin", "long", "hai", "jin", "rui", "feng", "yuan", "kang", "sheng", "bo",
             "ming", "da", "zhi", "heng", "tai", "an", "yun", "chang", "xing", "wei", "guang", "shan", "bai", "ding", "hong"]
SUFFIXES = ["Biologics", "Robotics", "Semiconductor", "Energy", "Holdings", "Technology", "Motors", "Pharmaceuticals",
            "Materials", "Electronics"]
DESCRIPTORS = ["chipmaker", "battery maker", "biotech firm", "carmaker", "robotics company", "drone maker", "solar manufacturer"]
DOCUMENT_KINDS = ["Notice on", "Guiding Opinions on", "Implementation Plan for", "Action Plan for", "Guidelines on"]
TOPICS = ["Promoting the High-Quality Development of", "Accelerating the Application of", "Supporting Innovation in",
          "Strengthening the Supply Chain of", "the Digital Transformation of"]
DEALS = [
    "{a} signed a strategic partnership with {b} to build a joint plant in {place}.",
    "{a} agreed to acquire a {stake} percent stake in {b}.",
    "{a} and {b} announced plans to merge.",
    "{a} invests in {b}, a startup focused on {sector}.",
    "{a} granted {b} the rights to produce its {sector} products in {place}.",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November",
          "December"]


class Cast:
    """The names a corpus draws from: tables for known things, syllables for invented firms."""

    def __init__(self, rng: random.Random, invented: int = 3000):
        known = load_known_entities()
        self.rng = rng
        self.agencies = [(e.label, next((a for a in e.aliases if a.isupper() and len(a) <= 6), "")) for e in known if e.cls == "Agency"]
        self.sectors = [e.label for e in known if e.cls == "Sector" and not e.generic_label]
        self.places = [e.label for e in known if e.cls == "Place"]
        self.firms = [e.label for e in known if e.cls == "Firm"]
        self.invented = sorted({self._invent() for _ in range(invented)})

    def _invent(self) -> str:
        stem = "".join(self.rng.choice(SYLLABLES) for _ in range(2)).capitalize()
        return f"{stem} {self.rng.choice(SUFFIXES)}"

    def firm(self) -> str:
        return self.rng.choice(self.invented) if self.rng.random() < 0.6 else self.rng.choice(self.firms)

    def introduced_firm(self) -> str:
        """A firm as a briefing introduces it: invented names with a descriptor, as the seeds do."""
        name = self.firm()
        return f"Chinese {self.rng.choice(DESCRIPTORS)} {name}" if name in self.invented else name


def _day(rng: random.Random, start: date) -> date:
    return start + timedelta(days=rng.randint(0, 40))


def briefing(index: int, cast: Cast) -> str:
    """One briefing: three top items with fields, then policy and corporate news bullets."""
    rng = cast.rng
    published = date(2021, 1, 1) + timedelta(days=rng.randint(0, 1600))
    period = published - timedelta(days=45)
    lines = [f"{MONTHS[published.month - 1].upper()} {published.day}, {published.year} "
             f"(REPORTING PERIOD: {MONTHS[period.month - 1].upper()} {period.day} - {MONTHS[published.month - 1].upper()} {published.day})",
             "", "# MERICS China Industries", "", "## MERICS TOP 5", ""]
    for item in range(1, 4):
        (agency, acronym), sectors = rng.choice(cast.agencies), rng.sample(cast.sectors, 4)
        title = f"{rng.choice(DOCUMENT_KINDS)} {rng.choice(TOPICS)} the {sectors[0].title()} Industry"
        issued = _day(rng, period)
        named = f"The {agency}" + (f" ({acronym})" if acronym else "")
        lines += [
            f"### {item}. {sectors[0].capitalize()}: Beijing sets new targets", "",
            f"**At a glance:** {named} released a plan to support {sectors[0]} and {sectors[1]}. "
            f"It covers sectors such as {sectors[1]}, {sectors[2]} and {sectors[3]}. Key aspects include:", "",
            f"- Building pilot zones in {rng.choice(cast.places)} by {issued.year + 2}",
            f"- Supporting firms such as {cast.firm()} in adopting new equipment", "",
            f"**MERICS comment:** The plan follows earlier support for {sectors[0]}. Local governments in "
            f"{rng.choice(cast.places)} are expected to add subsidies, while foreign firms may face tougher competition.", "",
            f"**Article:** {title} ([Link](#))", "",
            f"**Issuing bodies:** {acronym or agency}", "",
            f"**Date:** {MONTHS[issued.month - 1]} {issued.day}, {issued.year}", "",
        ]
    lines += ["## WORTH NOTING", "", "### Policy news", ""]
    for _ in range(3):
        (agency, _acronym), day = rng.choice(cast.agencies), _day(rng, period)
        lines.append(f"- *{MONTHS[day.month - 1]} {day.day}:* The {agency} issued a notice on the development of "
                     f"{rng.choice(cast.sectors)} in {rng.choice(cast.places)}.")
    lines += ["", "### Corporate news", ""]
    for _ in range(5):
        day = _day(rng, period)
        deal = rng.choice(DEALS).format(a=cast.introduced_firm(), b=cast.firm(), place=rng.choice(cast.places),
                                        stake=rng.choice([10, 25, 30, 51]), sector=rng.choice(cast.sectors))
        lines.append(f"- *{MONTHS[day.month - 1]} {day.day}:* {deal}")
    return "\n".join(lines) + "\n"


def generate(count: int, folder: Path, seed: int = 2026) -> int:
    """Write ``count`` briefings into ``folder``; returns the number of words written."""
    folder.mkdir(parents=True, exist_ok=True)
    cast = Cast(random.Random(seed))
    words = 0
    for index in range(count):
        text = briefing(index, cast)
        words += len(text.split())
        (folder / f"synthetic_{index:06d}.md").write_text(text, encoding="utf-8")
    return words


def main() -> None:
    parser = argparse.ArgumentParser(description="Write a synthetic briefing corpus.")
    parser.add_argument("count", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    words = generate(args.count, args.folder, args.seed)
    print(f"{args.count} briefings, {words} words in {args.folder}")


if __name__ == "__main__":
    main()
