"""Mixed load on `kg serve`: how many valid queries answer while slow and malformed ones run.

Builds the seed graph, starts `kg serve` with its defaults on loopback, and sends ``--requests``
queries from ``--threads`` threads: one in ten is a slow cartesian product (it runs into the
time limit), one in seven is malformed, the rest count firms. Prints how many valid queries got
an answer, how many a 503, and the spread of their latencies.

    .venv/bin/python benchmarks/serve_load.py [--requests 300] [--threads 30]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KG = [sys.executable, "-m", "kg.cli"]
VALID = "SELECT (COUNT(DISTINCT ?f) AS ?n) WHERE { ?f a cikg:Firm }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MALFORMED = "SELEKT nothing {"


def send(url: str, text: str) -> tuple[str, int, float]:
    started = time.perf_counter()
    data = urllib.parse.urlencode({"query": text}).encode()
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers={"Accept": "text/csv"}), timeout=120) as answer:
            status = answer.status
            answer.read()
    except urllib.error.HTTPError as error:
        status = error.code
    return text, status, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--threads", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        out = Path(work) / "out"
        subprocess.run([*KG, "build", str(ROOT / "seeds"), "--out", str(out)], check=True, capture_output=True)
        server = subprocess.Popen([*KG, "serve", "--out", str(out), "--port", "0"], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True)
        try:
            url = server.stdout.readline().split("Serving SPARQL on ", 1)[1].split()[0]
            time.sleep(1.0)
            texts = [SLOW if i % 10 == 0 else MALFORMED if i % 7 == 0 else VALID for i in range(args.requests)]
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=args.threads) as pool:
                results = list(pool.map(lambda text: send(url, text), texts))
            seconds = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(10)
    valid = [(status, latency) for text, status, latency in results if text == VALID]
    answered = [latency for status, latency in valid if status == 200]
    print(f"{args.requests} requests from {args.threads} threads in {seconds:.1f} s "
          f"({sum(t == SLOW for t in texts)} slow, {sum(t == MALFORMED for t in texts)} malformed, {len(valid)} valid):")
    print(f"  valid answered: {len(answered)} of {len(valid)}; 503: {sum(s == 503 for s, _ in valid)}")
    if answered:
        print(f"  valid latency: median {statistics.median(answered) * 1000:.0f} ms, "
              f"max {max(answered):.1f} s")


if __name__ == "__main__":
    main()
