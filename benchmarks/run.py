"""`make bench`: build synthetic corpora of 100, 1,000 and 10,000 briefings and measure.

Prints one table and writes it, with the machine's description, to benchmarks/results.md.
Every ratio is measured in this one run, side by side:

- extraction throughput on one core beside a bare ``spacy.blank("en")`` tokenizer on the same
  texts (the practical upper bound), and `kg build` end to end;
- peak memory (RSS) of `kg build` per corpus size;
- `kg build --jobs N` on N cores against `--jobs 1` held to one core, on the same corpus;
- `kg who` on the largest graph, inside one process and as a whole command with start-up;
- the example queries on the largest graph: embedded store against rdflib in memory;
- Turtle and HTML write times.

    .venv/bin/python benchmarks/run.py [--sizes 100 1000 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import generate  # noqa: E402

KG = [sys.executable, "-m", "kg.cli"]
CORES = len(os.sched_getaffinity(0))
RDFLIB_LIMIT_S = 45  # the most rdflib gets for one query; less when the store's answer was fast (`rdflib_limit`)


def timed_command(command: list[str], cores: set[int] | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (MiB) of a command, measured by GNU time; on ``cores`` only if given."""
    pin = (lambda: os.sched_setaffinity(0, cores)) if cores else None
    result = subprocess.run(["/usr/bin/time", "-f", "%e %M", *command], capture_output=True, text=True, check=True, preexec_fn=pin)
    seconds, kilobytes = result.stderr.strip().splitlines()[-1].split()
    return float(seconds), int(kilobytes) // 1024


def throughput(folder: Path, limit: int = 1000) -> tuple[int, float, float]:
    """Words, extraction words/s and bare-tokenizer words/s on the same texts, one core.

    The two run in turn on each text, so a change of clock speed during the run (frequent on
    shared machines) slows both alike and leaves their ratio alone.
    """
    import spacy

    from extract.pipeline import extract

    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))[:limit]]
    words = sum(len(t.split()) for t in texts)
    blank = spacy.blank("en")
    extract(texts[0], "warm-up")
    blank(texts[0])
    extraction = tokenizer = 0.0
    for number, text in enumerate(texts):
        started = time.perf_counter()
        blank(text)
        tokenizer += time.perf_counter() - started
        started = time.perf_counter()
        extract(text, f"b{number}")
        extraction += time.perf_counter() - started
    return words, words / extraction, words / tokenizer


def size_series(sizes_mb: tuple[float, ...] = (0.1, 1.0, 10.0)) -> list[str]:
    """Extraction time of one long text at each size, one core: the time per MB must stay flat (linear)."""
    from extract.pipeline import extract

    prose = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    extract(prose[:5000], "warm-up")
    lines = ["| text | extraction | per MB |", "| ---: | ---: | ---: |"]
    for megabytes in sizes_mb:
        size = int(megabytes * 1_000_000)
        text = (prose * (size // len(prose) + 1))[:size]
        started = time.perf_counter()
        extract(text, f"size-{megabytes}")
        seconds = time.perf_counter() - started
        lines.append(f"| {megabytes:g} MB | {seconds:.1f} s | {seconds / megabytes:.1f} s |")
        print(lines[-1], flush=True)
    return lines


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def who_latency(out: Path, name: str) -> tuple[float, float]:
    """`kg who` in-process (the Python API, graph opened) and as a command (start-up included), seconds."""
    import kg

    graph = kg.open(out)
    warm = median_seconds(lambda: graph.who(name), 20)
    cold = median_seconds(lambda: subprocess.run([*KG, "who", name, "--out", str(out)], capture_output=True, check=True), 3)
    return warm, cold


def startup_seconds(out: Path) -> float:
    return median_seconds(lambda: subprocess.run([*KG, "query", "ASK {}", "--out", str(out)], capture_output=True, check=True), 5)


_RDFLIB_SCRIPT = """
import json, signal, sys, time
import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from kg.model.namespace import new_graph

def stop(*_):
    raise TimeoutError
signal.signal(signal.SIGALRM, stop)

terms = {}

def cached(node):  # one rdflib term per distinct term: IRIs recur in many triples
    found = terms.get(node)
    if found is None:
        found = terms[node] = term(node)
    return found

def term(node):
    if isinstance(node, ox.NamedNode):
        return URIRef(node.value)
    if isinstance(node, ox.BlankNode):
        return BNode(node.value)
    if node.language:
        return Literal(node.value, lang=node.language)
    if node.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(node.value)  # as rdflib's own parser gives it
    return Literal(node.value, datatype=URIRef(node.datatype.value))

started = time.perf_counter()
graph = new_graph()
# pyoxigraph's parser feeds rdflib's in-memory store: the same triples rdflib's own parser gives
# (checked equal on the 1,000-briefing graph), in half its time; the queries below run on rdflib alone.
graph.addN((cached(t.subject), cached(t.predicate), cached(t.object), graph)
           for t in ox.parse(path=sys.argv[1], format=ox.RdfFormat.TURTLE))
terms.clear()
load = time.perf_counter() - started
times = {}
for path, limit in json.loads(sys.argv[2]).items():
    text = open(path).read()
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        started = time.perf_counter()
        list(graph.query(text))  # rdflib itself: kg.read.query would turn the timeout into a QueryError
        times[path] = time.perf_counter() - started
    except TimeoutError:
        times[path] = None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
print(json.dumps({"load": load, "triples": len(graph), "times": times}))
"""


def rdflib_limit(store_seconds: float) -> float:
    """How long rdflib may take on a query: 12 times the store's time (at least 5 s, at most 45 s).

    Past that, rdflib is known to be over 12 times slower, more than the 10 times the store must
    show; waiting longer for rdflib made up a tenth of `make bench`.
    """
    return min(RDFLIB_LIMIT_S, max(5.0, 12 * store_seconds))


def query_latencies(out: Path, turtle: Path) -> tuple[list[tuple[str, float, float | None, float]], float, int]:
    """Each example query: embedded store seconds (median of 3), rdflib in-memory seconds (one run
    after loading the same triples from ``turtle``; None past its limit) and that limit; rdflib's
    load time; triples."""
    import json

    import kg

    graph = kg.open(out)
    queries = sorted((ROOT / "queries").glob("*.rq"))
    embedded = {str(q): median_seconds(lambda q=q: graph.query(q.read_text()), 3) for q in queries}
    limits = {q: rdflib_limit(seconds) for q, seconds in embedded.items()}
    run = subprocess.run([sys.executable, "-c", _RDFLIB_SCRIPT, str(turtle), json.dumps(limits)],
                         capture_output=True, text=True, check=True)
    measured = json.loads(run.stdout)
    rows = [(Path(q).name, embedded[q], measured["times"][q], limits[q]) for q in map(str, queries)]
    return rows, measured["load"], measured["triples"]


def _latency_row(name: str, embedded: float, in_memory: float | None, limit: float, digits: int) -> str:
    if in_memory is None:  # rdflib did not finish within its limit: the ratio is at least limit / store time
        return f"| {name} | {embedded * 1000:.{digits}f} ms | > {limit:.0f} s | > {limit / embedded:,.0f}x |"
    return f"| {name} | {embedded * 1000:.{digits}f} ms | {in_memory * 1000:.1f} ms | {in_memory / embedded:,.0f}x |"


def write_times(out: Path) -> tuple[float, float]:
    """Seconds to write graph.ttl and graph.html (CATL and two hops) again from the built store, and the page's nodes."""
    import kg

    graph = kg.open(out)
    started = time.perf_counter()
    graph.export("turtle", out / "graph.ttl")
    turtle = time.perf_counter() - started
    started = time.perf_counter()
    page = graph.html(out / "bench.html", focus="CATL", depth=2)
    return turtle, time.perf_counter() - started, page.nodes


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) // 1024 // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), 0)
    return f"{cpu}, {os.cpu_count()} cores, {memory} GiB RAM, Python {platform.python_version()}, {platform.system()} {platform.release()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    parser.add_argument("--keep", type=Path, default=None, help="Keep corpora and graphs here.")
    parser.add_argument("--extraction-only", action="store_true",
                        help="Only the extraction figures (throughput against the tokenizer, the size series); print them.")
    args = parser.parse_args()
    if args.extraction_only:
        with tempfile.TemporaryDirectory() as folder:
            generate(1000, Path(folder))
            words, extraction, tokenizer = throughput(Path(folder))
        print(f"{words:,} words: extraction {extraction:,.0f} words/s, tokenizer {tokenizer:,.0f} words/s: "
              f"{extraction / tokenizer:.0%} of the tokenizer")
        size_series()
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    lines = [f"Machine: {machine()}", "",
             f"One `make bench` run on {datetime.date.today().isoformat()}: synthetic corpora from `benchmarks/corpus.py` "
             "(seeded), and every figure below from that run. The builds skip graph.ttl (`--no-turtle`); writing it is "
             "timed on its own.", ""]
    rows = ["| briefings | words | kg build | words/s | peak RSS | triples |", "| ---: | ---: | ---: | ---: | ---: | ---: |"]
    largest = None
    seconds_by_size = {}
    for size in args.sizes:
        corpus = work / f"corpus-{size}"
        if not corpus.exists():
            generate(size, corpus)
        words = sum(len(p.read_text(encoding="utf-8").split()) for p in corpus.glob("*.md"))
        out = work / f"out-{size}"
        shutil.rmtree(out, ignore_errors=True)
        seconds, rss = timed_command([*KG, "build", str(corpus), "--out", str(out), "--jobs", str(CORES), "--no-turtle"])
        seconds_by_size[str(size)] = seconds
        import kg

        triples = int(kg.open(out).query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0])
        rows.append(f"| {size:,} | {words:,} | {seconds:.1f} s | {words / seconds:,.0f} | "
                    f"{rss:,} MiB | {triples:,} |")
        print(rows[-1], flush=True)
        largest = (size, corpus, out)
    size, corpus, out = largest
    middle = work / f"corpus-{min(args.sizes, key=lambda s: abs(s - 1000))}"
    words, extraction, tokenizer = throughput(middle)
    lines += ["## Build", "", *rows, "",
              "## Extraction on one core (same texts, same run)", "",
              f"- {words:,} words: extraction {extraction:,.0f} words/s, bare spacy.blank(\"en\") tokenizer {tokenizer:,.0f} words/s: "
              f"**{extraction / tokenizer:.0%}** of the tokenizer.", ""]
    lines += ["## One long text, one core: time per MB", "", *size_series(), ""]
    many = seconds_by_size[middle.name.removeprefix("corpus-")]  # the build above, on every core
    one, _ = timed_command([*KG, "build", str(middle), "--out", str(work / "one-core"), "--jobs", "1", "--no-turtle"], cores={0})
    lines += [f"- `kg build --jobs {CORES}` on {CORES} cores, {middle.name}: {many:.1f} s, against {one:.1f} s for "
              f"`--jobs 1` held to one core: **{one / many:.2f}x** (one process resolves and writes while the others "
              "extract; its bulk loads run on a thread).", ""]
    print(lines[-2], flush=True)
    lines += [f"## `kg who` on the {size:,}-briefing graph", ""]
    for name, kind in (("CATL", "a firm"), ("Ministry of Industry and Information Technology", "the busiest hub")):
        warm, cold = who_latency(out, name)
        lines.append(f"- `kg who \"{name}\"` ({kind}): in one process, index open: **{warm * 1000:.0f} ms** (median of 20); "
                     f"as a command with start-up: {cold * 1000:.0f} ms (median of 3).")
    start = startup_seconds(out)
    lines += [f"- a command that does not extract (`kg query 'ASK {{}}'`) starts and answers in {start * 1000:.0f} ms.", ""]
    turtle, page, drawn = write_times(out)
    lines += [f"- writing graph.ttl: {turtle:.1f} s; `kg html --focus CATL --depth 2` ({drawn:,} nodes): {page:.1f} s.", ""]
    latencies, load, triples = query_latencies(out, out / "graph.ttl")
    lines += [f"## Example queries on the {size:,}-briefing graph ({triples:,} triples): embedded store vs rdflib in memory", "",
              f"rdflib needs {load:.0f} s to load the graph before its first query; the store opens in milliseconds.", "",
              "| query | pyoxigraph store | rdflib in memory | ratio |", "| --- | ---: | ---: | ---: |"]
    for row in latencies:
        lines.append(_latency_row(*row, digits=1))
        print(lines[-1], flush=True)
    seeds = work / "out-seeds"
    shutil.rmtree(seeds, ignore_errors=True)
    subprocess.run([*KG, "build", str(ROOT / "seeds"), "--out", str(seeds)], capture_output=True, check=True)
    lines += ["", "## The same queries on the seed graph", "", "| query | pyoxigraph store | rdflib in memory | ratio |",
              "| --- | ---: | ---: | ---: |"]
    lines += [_latency_row(*row, digits=2) for row in query_latencies(seeds, seeds / "graph.ttl")[0]]
    lines += ["", f"Total benchmark time: {(time.perf_counter() - started) / 60:.1f} min.", ""]
    report = "# Benchmark results\n\n" + "\n".join(lines)
    (ROOT / "benchmarks" / "results.md").write_text(report, encoding="utf-8")
    print(report)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
