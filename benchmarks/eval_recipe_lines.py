"""How well does the parser read real recipe ingredient lines?  Quantity, unit and product, line by line.

Reads the 4,000 labelled lines of ``../shared/corpora/recipe-lines.jsonl`` (cookstr.com and BBC Food,
2017; see that folder's README), builds a temporary catalog with one product per labelled ingredient
name (SKUs R0001… in sorted order, names that differ only in case are one product) plus a few hundred
distractors taken from the shipped catalog's names (SKUs D0001…; a name equal to a labelled one, up to
case and a plural ``s``/``es``, is left out), parses every sentence with the public API
(``shopcli.load_catalog``, ``shopcli.parse_request``) and scores the FIRST item of each:

- quantity: equal to the label within 1e-6;
- unit: the label mapped to the parser's canonical names (``UNIT_MAP``: tablespoon → tbsp, pound → lb,
  punnet/packet/sachet → pack, tin → can …; units the contract does not name, such as clove, sprig,
  handful, pinch, rasher, keep the label's word in the singular, which is also the name the parser
  reports for those it knows).  A line labelled without a unit ("6 chiles guajillos") is a bare count,
  which the contract reports as null: only ``None`` is right there;
- product: the item's product is the labelled name's; an ambiguous item counts its best guess;
- all three at once.

Prints the four rates overall and by source, then the misses grouped by class, most common first, with
example lines, and the throughput.  Deterministic; no figure is asserted.

    python benchmarks/eval_recipe_lines.py              # all 4,000 lines
    python benchmarks/eval_recipe_lines.py --show 5     # five example lines a class (default 2)
    python benchmarks/eval_recipe_lines.py --top 30 --limit 1000 --distractors 0
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
try:  # the installed package (an editable install of this tree, or another checkout's)
    from shopcli import load_catalog, parse_request
except ImportError:  # not installed: this tree
    sys.path.insert(0, str(ROOT))
    from shopcli import load_catalog, parse_request  # noqa: E402

DATA = ROOT.parent / "shared" / "corpora" / "recipe-lines.jsonl"
SHIPPED = ROOT / "catalog"
SOURCES = ("cookstr", "bbc")

# The labelling project's unit words → shopcli's canonical unit names.  Words not listed here are
# expected as they are, in the singular (see expected_unit).
UNIT_MAP = {
    "tablespoon": "tbsp", "tbsp": "tbsp", "Tbsp": "tbsp", "Tb": "tbsp",
    "teaspoon": "tsp", "tsp": "tsp", "tspspoon": "tsp",
    "cup": "cup", "c": "cup",
    "pound": "lb", "lb": "lb", "ounce": "oz", "oz": "oz", "gram": "g", "g": "g", "kg": "kg",
    "ml": "ml", "l": "l", "litre": "l", "liter": "l", "pint": "pt", "quart": "qt", "gallon": "gal",
    "punnet": "pack", "packet": "pack", "package": "pack", "pack": "pack", "sachet": "pack",
    "envelope": "pack",
    "tin": "can", "can": "can",
}


def expected_unit(label: str | None) -> str | None:
    if label is None:
        return None
    if label in UNIT_MAP:
        return UNIT_MAP[label]
    word = label.lower()
    return word[:-1] if word.endswith("s") and len(word) > 3 else word   # spears → spear, rings → ring


def words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.casefold())


def singular(word: str) -> str:
    if word in ("leaves", "loaves", "halves"):
        return word[:-3] + "f"
    for end, repl in (("ies", "y"), ("oes", "o"), ("ches", "ch"), ("shes", "sh"), ("xes", "x"), ("s", "")):
        if word.endswith(end) and len(word) > len(end) + 2 and not word.endswith(("ss", "us")):
            return word[: -len(end)] + repl
    return word


def name_key(name: str) -> str:
    """A name up to case and punctuation."""
    return " ".join(words(name))


def twin_key(name: str) -> str:
    """A name up to case, punctuation and number (carrot, carrots; basil leaf, basil leaves)."""
    return " ".join(singular(w) for w in words(name))


# -- the catalog -------------------------------------------------------------------------------


def shipped_names(folder: Path) -> list[str]:
    names = []
    for f in sorted(folder.glob("*.json")):
        data = json.loads(f.read_text(encoding="utf-8"))
        for p in data["products"] if isinstance(data, dict) else data:
            names.append(p["name"])
    return list(dict.fromkeys(names))


def build_catalog(rows: list[dict], n_distractors: int, folder: Path, keep_twins: bool):
    """Products, the key function of a labelled name, and the SKU of each key.

    One product per labelled name up to case and punctuation, and (unless keep_twins) number: a
    grocery catalog does not sell "lemon" beside "lemons".  The product takes the spelling the labels
    use most (ties: the first in sorted order)."""
    key = name_key if keep_twins else twin_key
    spellings: dict[str, Counter] = defaultdict(Counter)
    for r in rows:
        spellings[key(r["name"])][r["name"]] += 1
    products, sku_of = [], {}
    for i, k in enumerate(sorted(spellings), 1):
        name = min(spellings[k].items(), key=lambda kv: (-kv[1], kv[0]))[0]
        sku_of[k] = f"R{i:04d}"
        products.append({"sku": f"R{i:04d}", "name": name, "price": "1.00"})
    taken = {twin_key(r["name"]) for r in rows}
    pool = [n for n in shipped_names(folder) if twin_key(n) not in taken] if n_distractors > 0 else []
    if n_distractors < len(pool):   # evenly spread over the aisles
        pool = [pool[i * len(pool) // n_distractors] for i in range(n_distractors)]
    for i, name in enumerate(pool, 1):
        products.append({"sku": f"D{i:04d}", "name": name, "price": "1.00"})
    return products, key, sku_of


# -- scoring -----------------------------------------------------------------------------------


def fmt(q) -> str:
    return "-" if q is None else f"{q:g}"


def amount_shape(sentence: str) -> str:
    """How the amount is written: the line up to its first letter, digits as 9 ("9/9", "9-9", "9½")."""
    head = re.match(r"[^a-zA-Z]*", sentence).group(0).strip()
    return re.sub(r"\s+", " ", re.sub(r"\d+", "9", head)) or "(no amount before the first word)"


def quantity_right(got: float, label: float) -> bool:
    # The labels hold fractions rounded to 4 decimals (1/3 is 0.3333): compare at that precision.
    return abs(got - label) <= 1e-6 or abs(round(got, 4) - label) <= 1e-6


UNIT_WORDS = {singular(w) for w in ("bulb sheet rasher leaf drop spear recipe stem rib sachet strip ball glass "
                                    "branch rack twist chunk batch bundle wedge shot scoop dessertspoon dash "
                                    "envelope ring handful pinch inch cm punnet").split()}
ALTERNATIVES = {"or", "and"}


def is_prep(word: str) -> bool:
    """A preparation or state word ("chopped", "finely", "torn", "hard")."""
    return word.endswith(("ed", "ly")) or word in {"torn", "ground", "hard", "cut", "ripe", "picked"}


def has(ws: list[str], w: str) -> bool:
    return any(singular(x) == singular(w) for x in ws)


def classify_unknown(row: dict, item) -> tuple[str, list[str]]:
    """Why nothing matched: the class, and the words behind it."""
    label = words(row["name"])
    text = words(item.text)
    if not all(has(text, w) for w in label):
        sentence = row["sentence"].casefold()
        at = sentence.find(label[0]) if label else -1
        before = sentence[:at] if at >= 0 else ""
        if set(label) & ALTERNATIVES and "," in sentence:
            return "name is a comma list of alternatives ('A, B, or C'); line split at the commas", []
        if "," in before:
            return "a comma between the amount and the name ('2 cups diced, cooked turkey'); split there", []
        if re.search(r"\band\b", before):
            return "'and' between the amount and the name ('peeled and diced jicama'); split there", []
        if re.search(r"\bor\b", before):
            return "'or' between the amount and the name; split there", []
        missing = [w for w in label if not has(text, w)]
        return "name words missing from the item's text", missing
    said = words(getattr(item, "words", "") or item.text)
    extra = [w for w in said if not has(label, w)]
    if any(w.isdigit() for w in extra):
        return "a second amount inside the product words ('1 1/2 tsp to 1 tbsp oil', 'or 1 tsp dried')", []
    units = [singular(w) for w in extra if singular(w) in UNIT_WORDS]
    if units:
        return "unit word not read, left in the product words", units
    if {"juice", "zest"} & set(extra):
        return "'juice/zest of N fruit' (the name comes after the amount)", []
    preps = [w for w in extra if is_prep(w)]
    if preps:
        return "preparation/state words left in the product words (…ed, …ly)", preps
    if extra:
        return "other words left in the product words", extra
    return "product words are the name, still unknown", []


def classify_wrong(row: dict, got, key) -> tuple[str, list[str]]:
    """Which wrong product was taken: the class, and the words behind it."""
    label = words(row["name"])
    if twin_key(got.name) == twin_key(row["name"]):
        return "the singular/plural twin of the labelled name", []
    gw, lw = set(map(singular, words(got.name))), set(map(singular, label))
    if set(label) & ALTERNATIVES and gw <= lw:
        return "label names alternatives ('A or B'), one of them taken (defensible)", []
    if got.sku.startswith("D"):
        return "a distractor from the shipped catalog", [got.name]
    if gw < lw:
        return "a shorter product: label words ignored ('fresh tarragon' → 'tarragon')", sorted(lw - gw)
    if lw < gw:
        return "a longer product: words beyond the name read ('juice 1/2 lemon' → 'lemon juice')", sorted(gw - lw)
    if gw & lw:
        return "a product sharing some words", []
    return "an unrelated product", []


def evaluate(rows: list[dict], catalog, key, sku_of: dict[str, str]):
    totals = {s: Counter() for s in ("all", *SOURCES)}
    misses: dict[str, dict[str, dict]] = defaultdict(
        lambda: defaultdict(lambda: {"examples": [], "detail": Counter(), "status": Counter()}))

    def miss(kind: str, cls: str, example, detail=(), status=None):
        m = misses[kind][cls]
        m["examples"].append(example)
        m["detail"].update(detail)
        if status:
            m["status"][status] += 1

    t0 = time.perf_counter()
    for row in rows:
        result = parse_request(row["sentence"], catalog)
        item = result.items[0] if result.items else None
        want_unit = expected_unit(row["unit"])
        want_sku = sku_of[key(row["name"])]
        q_ok = item is not None and quantity_right(item.quantity, row["quantity"])
        u_ok = item is not None and item.unit == want_unit
        p_ok = item is not None and item.product is not None and item.product.sku == want_sku
        for k in ("all", row["source"]):
            t = totals[k]
            t["n"] += 1
            t["quantity"] += q_ok
            t["unit"] += u_ok
            t["product"] += p_ok
            t["all three"] += q_ok and u_ok and p_ok
        got = "no item" if item is None else (
            f"{fmt(item.quantity)} | {item.unit} | {item.status}"
            f"{'' if item.product is None else ': ' + item.product.name}  «{item.text}»")
        example = (row["sentence"], f"label {fmt(row['quantity'])} | {want_unit} | {row['name']};  got {got}")
        if item is None:
            for kind in ("quantity wrong", "unit wrong", "product unknown"):
                miss(kind, "no item parsed", example)
            continue
        if not q_ok:
            miss("quantity wrong", f"amount written '{amount_shape(row['sentence'])}'", example,
                 [f"{fmt(row['quantity'])}→{fmt(item.quantity)}"])
        if not u_ok:
            miss("unit wrong", f"expected {want_unit!r} got {item.unit!r}", example)
        if not p_ok and item.product is None:
            cls, detail = classify_unknown(row, item)
            miss("product unknown", cls, example, detail)
        elif not p_ok:
            cls, detail = classify_wrong(row, item.product, key)
            miss("product wrong", cls, example, detail, item.status)
            if cls.startswith("label names alternatives"):
                for k in ("all", row["source"]):
                    totals[k]["one of A or B"] += 1
    elapsed = time.perf_counter() - t0
    return totals, misses, elapsed


# -- report ------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA, help="labelled lines (default: %(default)s)")
    ap.add_argument("--limit", type=int, help="only the first N lines")
    ap.add_argument("--distractors", type=int, default=300, help="shipped-catalog names added (default 300)")
    ap.add_argument("--keep-twins", action="store_true",
                    help="one product per labelled name even if it differs from another only in number")
    ap.add_argument("--top", type=int, default=15, help="classes shown per kind of miss (default 15)")
    ap.add_argument("--show", type=int, default=2, help="example lines shown per class (default 2)")
    args = ap.parse_args()

    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    if args.limit:
        rows = rows[: args.limit]
    products, key, sku_of = build_catalog(rows, args.distractors, SHIPPED, args.keep_twins)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "recipe-catalog.json"
        path.write_text(json.dumps({"products": products}), encoding="utf-8")
        t0 = time.perf_counter()
        catalog = load_catalog(path)
        load_s = time.perf_counter() - t0
        totals, misses, elapsed = evaluate(rows, catalog, key, sku_of)

    by_source = ", ".join(f"{s} {totals[s]['n']}" for s in SOURCES)
    print(f"{len(rows)} lines ({by_source}); catalog: {len(sku_of)} labelled names"
          f"{'' if args.keep_twins else ' (singular/plural merged)'} + {len(products) - len(sku_of)} distractors")
    print(f"\n{'':<10} {'lines':>6} {'quantity':>9} {'unit':>7} {'product':>8} {'all three':>10}")
    for k in ("all", *SOURCES):
        t = totals[k]
        if t["n"]:
            rates = " ".join(f"{100 * t[m] / t['n']:{w}.1f}%" for m, w in
                             (("quantity", 8), ("unit", 6), ("product", 7), ("all three", 9)))
            print(f"{k:<10} {t['n']:>6} {rates}")
    t = totals["all"]
    if t["n"]:
        print(f"(product, counting one alternative of an 'A or B' label as right: "
              f"{100 * (t['product'] + t['one of A or B']) / t['n']:.1f}%)")

    for kind in ("unit wrong", "product unknown", "product wrong", "quantity wrong"):
        groups = misses.get(kind, {})
        total = sum(len(m["examples"]) for m in groups.values())
        print(f"\n== {kind}: {total} lines, {len(groups)} classes ==")
        ranked = sorted(groups.items(), key=lambda kv: (-len(kv[1]["examples"]), kv[0]))
        for cls, m in ranked[: args.top]:
            status = ", ".join(f"{n} {s}" for s, n in sorted(m["status"].items()))
            print(f"{len(m['examples']):5d}  {cls}{f'  [{status}]' if status else ''}")
            if m["detail"]:
                common = sorted(m["detail"].items(), key=lambda kv: (-kv[1], kv[0]))
                print("         " + ", ".join(f"{w} {n}" for w, n in common[:10])
                      + (f", … {len(common) - 10} more" if len(common) > 10 else ""))
            for sentence, detail in m["examples"][: args.show]:
                print(f"         {sentence!r}\n           {detail}")
        if len(ranked) > args.top:
            rest = sum(len(m["examples"]) for _, m in ranked[args.top:])
            print(f"       … {len(ranked) - args.top} more classes, {rest} lines")

    print(f"\ncatalog loaded in {1000 * load_s:.0f} ms; parsed {len(rows)} lines in {elapsed:.2f} s "
          f"({len(rows) / elapsed:,.0f} lines/s)")


if __name__ == "__main__":
    main()
