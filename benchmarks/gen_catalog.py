"""Write a large synthetic catalog (default 50,000 products) built from the shipped one.

Each shipped product is repeated under many store brands and pack sizes, so names, aliases and
categories look like a real supermarket's long tail:  python benchmarks/gen_catalog.py out.json
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from shopcli.catalog.load import load_catalog  # noqa: E402

BRANDS = [f"{a}{b}" for a in ("Green", "Sun", "Blue", "Happy", "Golden", "Prairie", "Harbor", "Maple", "Stone",
                               "River", "North", "Valley", "Cedar", "Oak", "Silver", "Bright", "Fresh", "True",
                               "Wild", "Little") for b in ("field", "crest", " Farms", " Market", " Kitchen",
                                                            " Select", "wood", " Pantry", " Co", " Naturals")]
SCALES = [0.5, 1, 1.5, 2, 3, 4, 5]


def generate(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    base = load_catalog().products
    out: list[dict] = []
    i = 0
    while len(out) < n:
        p = base[i % len(base)]
        brand = BRANDS[(i // len(base)) % len(BRANDS)]
        scale = SCALES[(i // (len(base) * len(BRANDS))) % len(SCALES)]
        i += 1
        size = None
        if p.size is not None:
            amount = round(p.size.amount * scale, 2)
            size = f"{p.size.count} x {amount:g} {p.size.unit}" if p.size.count > 1 else f"{amount:g} {p.size.unit}"
        out.append({
            "sku": f"GEN-{len(out):06d}",
            "name": f"{brand} {p.name}",
            "price": f"{float(p.price) * scale * rng.uniform(0.8, 1.3):.2f}",
            "size": size,
            "container": p.container,
            "category": p.category,
            "brand": brand,
            "aliases": [],
            "tags": list(p.tags),
            "popularity": round(rng.uniform(1, 60), 1),
        })
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("-n", type=int, default=50_000)
    args = ap.parse_args()
    products = generate(args.n)
    args.out.write_text(json.dumps({"products": products}), encoding="utf-8")
    print(f"wrote {len(products)} products to {args.out}")


if __name__ == "__main__":
    main()
