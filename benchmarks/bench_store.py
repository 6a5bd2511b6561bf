"""Order store throughput; prints figures, asserts nothing.

    python benchmarks/bench_store.py [--big 100000]

Figures: orders/s for 10,000 orders through one `shop order --json` stdin batch; orders/s for 200
orders each placed by its own process; and, on a store of 100,000 orders, the time of
`shop orders list --status placed` and of placing one order as its own process.
"""

from __future__ import annotations

import argparse
import json
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

SHOP = [sys.executable, "-m", "shopcli"]


def order_lines(n: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    cat = load_catalog()
    names = [p.name.lower() for p in cat.products if p.stock is None]
    return [f"{rng.randint(1, 4)} {rng.choice(names)} and {rng.randint(1, 3)} {rng.choice(names)}" for _ in range(n)]


def run(args: list[str], env: dict, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(SHOP + args, input=stdin, capture_output=True, env=env)


def main() -> None:
    byte_compile()
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=10_000)
    ap.add_argument("--procs", type=int, default=200)
    ap.add_argument("--big", type=int, default=100_000)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, SHOPCLI_DB=str(Path(tmp) / "batch.json"), SHOPCLI_NOW="2026-11-23T14:03:00+00:00")
        env.pop("SHOPCLI_CATALOG", None)
        lines = order_lines(a.batch)
        t0 = time.perf_counter()
        p = run(["order", "--json"], env, ("\n".join(lines) + "\n").encode())
        dt = time.perf_counter() - t0
        placed = p.stdout.count(b"\n")
        print(f"stdin batch: {placed} of {len(lines)} orders placed in {dt:.2f} s = {placed / dt:.0f} orders/s")

        env["SHOPCLI_DB"] = str(Path(tmp) / "procs.json")
        t0 = time.perf_counter()
        ok = sum(run(["order", "--yes", "--json", line], env).returncode == 0 for line in lines[:a.procs])
        dt = time.perf_counter() - t0
        print(f"one process per order: {ok} orders in {dt:.2f} s = {ok / dt:.1f} orders/s")

        big = Path(tmp) / "big.json"
        env["SHOPCLI_DB"] = str(big)
        cat = load_catalog()
        skus = [p.sku for p in cat.products if p.stock is None]
        rng = random.Random(5)
        dump = Path(tmp) / "big.jsonl"
        with dump.open("w") as f:
            for i in range(a.big):
                f.write(json.dumps({"created_at": f"2026-{1 + i % 11:02d}-{1 + i % 28:02d}T10:00:00+00:00",
                                    "lines": [{"sku": rng.choice(skus), "packs": rng.randint(1, 3)}
                                              for _ in range(rng.randint(1, 4))]}) + "\n")
        t0 = time.perf_counter()
        r = run(["orders", "import", str(dump)], env)
        print(f"import {a.big} orders: {time.perf_counter() - t0:.2f} s ({r.stdout.decode().strip()}), "
              f"store {big.stat().st_size / 1e6:.0f} MB")
        r, spread = timed(["orders", "list", "--status", "placed"], env)
        lines = r.stdout.count(b"\n")
        print(f"orders list --status placed on {a.big} orders: {spread}; {lines} lines)")
        r, spread = timed(["order", "--yes", "--json", "a dozen eggs"], env)
        print(f"one order as its own process on {a.big} orders: {spread}; exit {r.returncode})")


def timed(args: list[str], env: dict, runs: int = 5) -> tuple[subprocess.CompletedProcess, str]:
    """The last run of a command run ``runs`` times, and "median s median of N (min-max" of them."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        r = run(args, env)
        times.append(time.perf_counter() - t0)
    return r, f"{statistics.median(times):.2f} s median of {runs} ({min(times):.2f}-{max(times):.2f}"


if __name__ == "__main__":
    main()
