"""Parse throughput and start-up time; prints figures, asserts nothing.

    python benchmarks/bench_parse.py            # shipped catalog and a generated 50,000-product one

Figures: requests/s in-process (warmed up, then every cache cleared; every request distinct), requests/s
through `shop parse --json` on standard input, and whole-process time of
`shop parse --json "two bags of rice"` beside a minimal Typer app that prints one line.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import byte_compile  # noqa: E402
from shopcli.catalog.load import load_catalog  # noqa: E402
from shopcli.parse.pipeline import parse_request  # noqa: E402

TEMPLATES = ["{n} {name}", "a {name}", "{n} bags of {name}", "{name} x{n}", "{n} {name} and {m} {name2}",
             "can I get {n} {name}, {name2} and a {name3} please", "half a dozen {name}", "{n} lb {name}",
             "{typo}", "2 x 500 g {name}, {name2}"]


def requests(catalog, n: int, seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    names = [p.name.lower() for p in catalog.products] + [a for p in catalog.products for a in p.aliases]
    out = []
    for i in range(n):
        t = rng.choice(TEMPLATES)
        name = rng.choice(names)
        typo = name
        if len(name) > 5:
            k = rng.randrange(1, len(name) - 1)
            typo = name[:k] + name[k + 1:]
        out.append(t.format(n=rng.randint(1, 6), m=rng.randint(1, 4), name=name, name2=rng.choice(names),
                            name3=rng.choice(names), typo=typo) + ("" if i % 7 else f" #{i}"))
    return out


def in_process(catalog, reqs: list[str], runs: int = 5) -> float:
    """Steady-state requests/s: after a warm-up on other requests (imports, regex compilation), every
    cache of matches and phrases cleared before each run; the best of ``runs``."""
    from shopcli.parse.pipeline import _strip_filler
    from shopcli.parse.amounts import _read_amount

    index = catalog.index  # build outside the timing
    for r in requests(catalog, 300, seed=99) + ["milk and deliver it tomorrow morning"]:
        parse_request(r, catalog)
    best = float("inf")
    for _ in range(runs):
        index.clear_caches()
        for cache in (_read_amount, _strip_filler):
            cache.cache_clear()
        t0 = time.perf_counter()
        for r in reqs:
            parse_request(r, catalog)
        best = min(best, time.perf_counter() - t0)
    return len(reqs) / best


def through_stdin(catalog_path: str, reqs: list[str]) -> float:
    """Requests/s through one `shop parse --json` process (after a first run has built the cache)."""
    data = ("\n".join(reqs) + "\n").encode()
    env = dict(os.environ, SHOPCLI_CATALOG=catalog_path)
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "shopcli", "parse", "--json", "milk"], capture_output=True, env=env,
                   check=True)
    print(f"  first run (validates the catalog, builds its cache): {time.perf_counter() - t0:.2f} s")
    t0 = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "shopcli", "parse", "--json"], input=data, capture_output=True,
                       env=env, check=True)
    dt = time.perf_counter() - t0
    assert p.stdout.count(b"\n") == len(reqs), "one JSON line per request"
    return len(reqs) / dt


def wall(commands: list[tuple[list[str], dict]], runs: int = 15) -> list[float]:
    """Median wall time of each command, run in turn (interleaved, so machine noise hits all alike)."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for k, (argv, env) in enumerate(commands):
            t0 = time.perf_counter()
            subprocess.run(argv, capture_output=True, env=env, check=True)
            times[k].append(time.perf_counter() - t0)
    return [statistics.median(t) for t in times]


MINIMAL_TYPER = """
import typer
app = typer.Typer()
@app.command()
def main(text: str):
    print(text)
app()
"""


def main() -> None:
    byte_compile()
    shipped = load_catalog()
    print(f"shipped catalog: {len(shipped)} products")
    reqs = requests(shipped, 5000)
    print(f"  in-process parse:   {in_process(shipped, reqs):8.0f} requests/s  ({len(reqs)} distinct requests)")
    src = str(shipped.source)
    print(f"  stdin batch parse:  {through_stdin(src, reqs):8.0f} requests/s")

    with tempfile.TemporaryDirectory() as tmp:
        big_path = Path(tmp) / "big.json"
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "gen_catalog.py"), str(big_path)], check=True,
                       capture_output=True)
        t0 = time.perf_counter()
        big = load_catalog(big_path)
        load_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        big.index
        index_s = time.perf_counter() - t0
        print(f"generated catalog: {len(big)} products (load {load_s:.2f} s, index build {index_s:.2f} s)")
        breqs = requests(big, 2000, seed=2)
        print(f"  in-process parse:   {in_process(big, breqs):8.0f} requests/s  ({len(breqs)} distinct requests)")
        print(f"  stdin batch parse:  {through_stdin(str(big_path), breqs):8.0f} requests/s")

        minimal = Path(tmp) / "minimal.py"
        minimal.write_text(MINIMAL_TYPER)
        env = dict(os.environ)
        cmd = [sys.executable, "-m", "shopcli", "parse", "--json", "two bags of rice"]
        base, ship, large = wall([([sys.executable, str(minimal), "hello"], env),
                                  (cmd, dict(env, SHOPCLI_CATALOG=src)),
                                  (cmd, dict(env, SHOPCLI_CATALOG=str(big_path)))])
        print("cold start (median wall time of a whole process; shopcli byte-compiled, as pip installs it):")
        print(f"  minimal Typer app:                     {base * 1000:6.0f} ms")
        print(f"  shop parse --json (shipped catalog):   {ship * 1000:6.0f} ms  ({ship / base:.2f}x)")
        print(f"  shop parse --json (50,000 products):   {large * 1000:6.0f} ms  ({large / base:.2f}x)")


if __name__ == "__main__":
    main()
