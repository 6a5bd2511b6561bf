"""How good are the suggestions?  Hide one item of each held-out order and ask for the top 5.

Generates a realistic history against a catalog (the shipped one by default): shoppers with habits
(favourite products they buy again and again, the variant of milk or bread they prefer), recipes that
pull ingredients together (resolved by name with parse_request, so it adapts to the catalog), staples
everyone buys and some impulse buys. The history is split in time: the engine learns from the first
80% only; in every later order with at least two items one item is hidden and the rest is the basket.
Reports hit rate@5 and MRR@5 for the engine beside a popularity baseline (the 5 most bought items not
in the basket) and plain co-occurrence counts, plus two ablations of the engine's measure.  Then times
in-process suggestion and measures the statistics sidecar with 100,000 orders.

    python benchmarks/eval_suggest.py                        # shipped catalog, generated history
    python benchmarks/eval_suggest.py --history orders.jsonl # a store's own export (shop orders export)
    python benchmarks/eval_suggest.py --cli                  # also time `shop suggest` on a 100k store
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import byte_compile  # noqa: E402
from shopcli.suggest import engine  # noqa: E402
from shopcli.catalog.load import Catalog, load_catalog  # noqa: E402
from shopcli.errors import DataError  # noqa: E402
from shopcli.parse.pipeline import parse_request  # noqa: E402

K = 5
RECIPES = {
    "spaghetti": ["spaghetti", "pasta sauce", "parmesan", "ground beef", "garlic", "onion"],
    "tacos": ["tortillas", "ground beef", "salsa", "cheddar", "lettuce", "taco seasoning", "sour cream"],
    "breakfast": ["eggs", "bacon", "bread", "butter", "orange juice"],
    "curry": ["curry paste", "coconut milk", "jasmine rice", "chicken", "onion"],
    "stir fry": ["chicken", "broccoli", "soy sauce", "rice", "garlic", "ginger", "bell pepper"],
    "burgers": ["ground beef", "hamburger buns", "ketchup", "mustard", "lettuce", "tomato", "pickles"],
    "pancakes": ["pancake mix", "maple syrup", "butter", "milk", "blueberries", "eggs"],
    "pizza night": ["pizza dough", "pizza sauce", "mozzarella", "mushrooms", "pepperoni"],
    "caesar salad": ["romaine", "caesar dressing", "croutons", "parmesan", "chicken"],
    "sandwiches": ["bread", "ham", "cheddar", "mayo", "lettuce", "tomato"],
    "cookies": ["flour", "sugar", "butter", "eggs", "chocolate chips", "vanilla", "baking soda"],
    "chili": ["ground beef", "kidney beans", "diced tomatoes", "onion", "chili powder", "cumin"],
    "salmon dinner": ["salmon", "lemon", "asparagus", "rice", "butter"],
    "guacamole": ["avocado", "lime", "cilantro", "onion", "tortilla chips", "tomato"],
    "cereal": ["cereal", "milk", "bananas", "strawberries"],
    "coffee": ["coffee", "creamer", "sugar"],
    "movie night": ["popcorn", "chips", "coke", "ice cream"],
    "soup": ["chicken broth", "carrots", "celery", "onion", "chicken", "egg noodles"],
    "pb&j": ["peanut butter", "jelly", "bread"],
    "yogurt bowl": ["yogurt", "granola", "blueberries", "honey"],
}
STAPLES = ["milk", "bananas", "bread", "eggs"]


# -- a history ---------------------------------------------------------------------------------


def resolve(phrase: str, catalog: Catalog) -> str | None:
    items = parse_request(phrase, catalog).items
    if items and items[0].product is not None and items[0].status in ("matched", "ambiguous"):
        return items[0].product.sku
    return None


def generate(catalog: Catalog, n_orders: int, seed: int = 1, n_shoppers: int | None = None) -> list[dict]:
    """Orders as the export format has them (only ``lines`` with sku and packs), oldest first."""
    rng = random.Random(seed)
    products = [p for p in catalog.products if p.stock != 0]
    weights = [max(p.popularity, 1.0) for p in products]
    view = engine._view(catalog)
    recipes = {}
    for name, phrases in RECIPES.items():
        skus = list(dict.fromkeys(s for s in (resolve(ph, catalog) for ph in phrases) if s))
        if len(skus) >= 2:
            recipes[name] = skus
    staples = [s for s in (resolve(ph, catalog) for ph in STAPLES) if s]
    family_of: dict[str, list[str]] = defaultdict(list)
    for p in products:
        family_of[view.family(p)[-1]].append(p.sku)

    def variant(sku: str) -> str:
        """A shopper's own pick among a product's family (whole milk or 2%)."""
        fam = family_of.get(view.family(catalog.by_sku[sku])[-1]) or [sku]
        if rng.random() < 0.6 or len(fam) == 1:
            return sku
        return rng.choices(fam, [max(catalog.by_sku[s].popularity, 1.0) for s in fam])[0]

    n_shoppers = n_shoppers or max(20, min(2000, n_orders // 40))
    shoppers = []
    names = list(recipes)
    for _ in range(n_shoppers):
        mine = rng.sample(names, min(len(names), rng.randint(1, 4)))
        swap = {}
        for skus in recipes.values():
            for s in skus:
                swap.setdefault(s, variant(s))
        shoppers.append({
            "activity": rng.lognormvariate(0, 1),
            "recipes": mine,
            "cook": rng.uniform(0.4, 0.9),
            "favourites": [p.sku for p in rng.choices(products, weights, k=rng.randint(2, 8))],
            "staples": {variant(s): rng.uniform(0.1, 0.6) for s in staples},
            "swap": swap,
        })
    activity = [s["activity"] for s in shoppers]
    orders = []
    for _ in range(n_orders):
        sh = rng.choices(shoppers, activity)[0]
        basket: dict[str, int] = {}
        if names and rng.random() < sh["cook"]:
            cooked = [rng.choice(sh["recipes"]) if rng.random() < 0.85 else rng.choice(names)]
            if rng.random() < 0.25:
                cooked.append(rng.choice(names))
            for r in cooked:
                for s in recipes[r]:
                    if rng.random() < 0.75:
                        basket[sh["swap"].get(s, s)] = 1
        for s, p in sh["staples"].items():
            if rng.random() < p:
                basket[s] = rng.choice((1, 1, 1, 2))
        for s in sh["favourites"]:
            if rng.random() < 0.35:
                basket[s] = rng.choice((1, 1, 2))
        for p in rng.choices(products, weights, k=min(6, int(rng.expovariate(0.7)))):
            basket.setdefault(p.sku, 1)
        if not basket:
            basket[rng.choices(products, weights)[0].sku] = 1
        orders.append({"status": "placed", "lines": [{"sku": s, "packs": n} for s, n in basket.items()]})
    return orders


def read_history(path: Path) -> list[dict]:
    orders = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                obj = json.loads(line)
                if not isinstance(obj, dict) or not isinstance(obj.get("lines"), list):
                    sys.exit(f"{path}: line {n}: not an order with 'lines'")
                orders.append(obj)
    return orders


# -- the contenders ------------------------------------------------------------------------------


class Popularity:
    name = "popularity (top 5 bought)"

    def __init__(self, train: list[dict]) -> None:
        counts = Counter(s for o in train for s in engine._packs(o))
        self.ranked = [s for s, _ in counts.most_common()]

    def top(self, basis: list[str], k: int) -> list[str]:
        out = []
        for s in self.ranked:
            if s not in basis:
                out.append(s)
                if len(out) == k:
                    break
        return out


class CoOccurrence:
    name = "co-occurrence counts"

    def __init__(self, train: list[dict], popularity: Popularity) -> None:
        self.pairs: dict[str, Counter] = defaultdict(Counter)
        for o in train:
            skus = list(engine._packs(o))
            for a in skus:
                row = self.pairs[a]
                for b in skus:
                    if a != b:
                        row[b] += 1
        self.popularity = popularity

    def top(self, basis: list[str], k: int) -> list[str]:
        total: Counter = Counter()
        for b in basis:
            total.update(self.pairs.get(b, {}))
        out = [s for s, _ in sorted(total.items(), key=lambda kv: (-kv[1], kv[0])) if s not in basis][:k]
        for s in self.popularity.top(basis + out, k):   # fill up, as a fair baseline would
            if len(out) == k:
                break
            out.append(s)
        return out


class Engine:
    def __init__(self, catalog: Catalog, stats: engine.Stats, name: str, beta: float | None = None) -> None:
        self.catalog, self.stats, self.name, self.beta = catalog, stats, name, beta

    def top(self, basis: list[str], k: int) -> list[str]:
        saved = engine.POPULARITY_WEIGHT
        if self.beta is not None:
            engine.POPULARITY_WEIGHT = self.beta
        try:
            return [s.product.sku for s in engine.suggest_for(self.catalog, basis, k, stats=self.stats, held={})]
        finally:
            engine.POPULARITY_WEIGHT = saved


def evaluate(methods, test: list[dict], seed: int) -> list[tuple[str, float, float, int]]:
    rng = random.Random(seed)
    cases = []
    for o in test:
        skus = list(engine._packs(o))
        if len(skus) >= 2:
            hidden = rng.choice(skus)
            cases.append(([s for s in skus if s != hidden], hidden))
    if not cases:
        sys.exit("no held-out order has two items or more: nothing to evaluate")
    rows = []
    for m in methods:
        hits = rr = 0.0
        for basis, hidden in cases:
            top = m.top(basis, K)
            if hidden in top:
                hits += 1
                rr += 1.0 / (top.index(hidden) + 1)
        rows.append((m.name, hits / len(cases), rr / len(cases), len(cases)))
    return rows


# -- speed and size --------------------------------------------------------------------------------


def timing(catalog: Catalog, orders: list[dict], calls: int = 2000) -> dict:
    t0 = time.perf_counter()
    stats = engine.Stats.build(orders)
    build = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "orders.json.stats.json"
        engine._write_sidecar(path, stats)
        size = path.stat().st_size
        t0 = time.perf_counter()
        loaded = engine.Stats.from_json(json.loads(path.read_bytes()))
        load = time.perf_counter() - t0
    rng = random.Random(3)
    bases = []
    for _ in range(calls):
        skus = list(engine._packs(rng.choice(orders)))
        bases.append(rng.sample(skus, min(len(skus), rng.choice((1, 1, 2, 3)))))
    engine.suggest_for(catalog, bases[0], K, stats=loaded)          # the catalog's look-ups, once
    times = []
    for b in bases:
        t0 = time.perf_counter()
        engine.suggest_for(catalog, b, K, stats=loaded)
        times.append(time.perf_counter() - t0)
    times.sort()
    return {"orders": len(orders), "build_s": build, "size": size, "load_ms": load * 1000,
            "mean_ms": 1000 * statistics.fmean(times), "p95_ms": 1000 * times[int(0.95 * len(times))],
            "pairs": sum(len(r) for r in loaded.pairs.values())}


def cli_timing(catalog_path: str | None, orders: list[dict], runs: int = 21) -> dict:
    """Time `shop suggest --json --sku X` and `shop parse --json` on a store holding ``orders``."""
    from shopcli.orders.lifecycle import import_orders
    from shopcli.settings import parse_now
    from shopcli.store.db import Store

    catalog = load_catalog(catalog_path)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "orders.json")
        t0 = time.perf_counter()
        import_orders(store, (json.dumps(o) for o in orders), catalog, parse_now("2026-11-23T14:03:00+00:00"))
        imported = time.perf_counter() - t0
        sku = Counter(s for o in orders for s in engine._packs(o)).most_common(1)[0][0]
        env = dict(os.environ, SHOPCLI_DB=str(store.path), SHOPCLI_NOW="2026-11-23T14:03:00+00:00")
        if catalog_path:
            env["SHOPCLI_CATALOG"] = str(catalog_path)

        commands = {"suggest": ["suggest", "--json", "--sku", sku], "parse": ["parse", "--json", "two bags of rice"]}
        times: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(runs):               # interleaved, so that a busy moment hurts both alike
            for name, args in commands.items():
                t0 = time.perf_counter()
                r = subprocess.run([sys.executable, "-m", "shopcli", *args], env=env, capture_output=True)
                times[name].append(time.perf_counter() - t0)
                if r.returncode:
                    sys.exit(f"shop {' '.join(args)} failed: {r.stderr.decode()}")

        return {"store_mb": store.path.stat().st_size / 1e6, "import_s": imported,
                "suggest_s": statistics.median(times["suggest"]), "parse_s": statistics.median(times["parse"]),
                "sku": sku}


# -- main ----------------------------------------------------------------------------------------


def main() -> None:
    byte_compile()
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--catalog", help="catalog file or folder (default: the shipped catalog)")
    ap.add_argument("--history", type=Path, help="orders in the export format, one JSON object a line")
    ap.add_argument("--orders", type=int, default=20_000, help="orders to generate for the evaluation")
    ap.add_argument("--held-out", type=float, default=0.2, help="share of the newest orders held out")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timing-orders", type=int, default=100_000, help="orders behind the speed figures (0: skip)")
    ap.add_argument("--cli", action="store_true", help="also time the shop command on a store of that size")
    args = ap.parse_args()

    catalog_path = args.catalog
    try:
        catalog = load_catalog(catalog_path)
    except DataError as e:
        if catalog_path:
            sys.exit(f"error: {e.message}")
        catalog_path = str(ROOT / "tests" / "data" / "mini.json")
        print(f"(the shipped catalog is not usable: {e.message}; using {catalog_path})")
        catalog = load_catalog(catalog_path)

    if args.history:
        history = [o for o in read_history(args.history) if o.get("status") != "cancelled"]
        source = f"{args.history} ({len(history)} orders)"
    else:
        history = generate(catalog, args.orders, args.seed)
        source = f"generated, {len(history)} orders"
    cut = int(len(history) * (1 - args.held_out))
    train, test = history[:cut], history[cut:]
    sizes = [len(engine._packs(o)) for o in history]
    print(f"catalog: {catalog.source} ({len(catalog)} products); history: {source}, "
          f"{statistics.fmean(sizes):.1f} items an order; train {len(train)}, held out {len(test)}")

    stats = engine.Stats.build(train)
    pop = Popularity(train)
    methods = [pop, CoOccurrence(train, pop),
               Engine(catalog, stats, f"engine: lift shrunk, P(c)^{engine.POPULARITY_WEIGHT:g} (shipped)"),
               Engine(catalog, stats, "ablation: shrunk lift only (β=0)", beta=0.0),
               Engine(catalog, stats, "ablation: naive Bayes (β=1)", beta=1.0)]
    rows = evaluate(methods, test, args.seed)
    base = rows[0][1]
    print(f"\nhide one item, top {K} ({rows[0][3]} held-out orders with ≥2 items)")
    print(f"{'method':<48} {'hit@5':>7} {'MRR@5':>7} {'vs pop':>7}")
    for name, hit, mrr, _ in rows:
        print(f"{name:<48} {hit:7.3f} {mrr:7.3f} {hit / base if base else math.nan:6.2f}x")

    if args.timing_orders:
        big = generate(catalog, args.timing_orders, args.seed + 1)
        t = timing(catalog, big)
        print(f"\nwith {t['orders']:,} orders: statistics built in {t['build_s']:.1f} s (rebuild path); "
              f"sidecar {t['size'] / 1e6:.2f} MB ({t['pairs']:,} pair counts), loaded in {t['load_ms']:.1f} ms")
        print(f"in-process suggestion: {t['mean_ms']:.2f} ms a call on average, p95 {t['p95_ms']:.2f} ms")
        if args.cli:
            c = cli_timing(catalog_path, big)
            print(f"store {c['store_mb']:.0f} MB (imported in {c['import_s']:.0f} s); "
                  f"median of 21: shop suggest --json --sku {c['sku']}: {c['suggest_s']:.3f} s; "
                  f"shop parse --json \"two bags of rice\": {c['parse_s']:.3f} s "
                  f"(ratio {c['suggest_s'] / c['parse_s']:.2f})")


if __name__ == "__main__":
    main()
