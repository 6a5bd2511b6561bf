"""How well does the parser read real recipe ingredient lines?  Quantity, unit and product, line by line.

Reads the 4,000 labelled lines of ``../shared/corpora/recipe-lines.jsonl`` (cookstr.com and BBC Food,
2017; see that folder's README) and builds a temporary catalog: one product per labelled ingredient name
(SKUs R0001… in sorted order; names that differ only in case, accents, punctuation, number or word order
are one product, as a grocery catalog does not sell "lemon" beside "lemons"; ``--keep-twins`` keeps them
apart) plus 300 distractors, names spread over the shipped catalog's aisles (SKUs D0001…; none equal to a
labelled name in that sense).  It parses every sentence with the public API (``shopcli.load_catalog``,
``shopcli.parse_request``) and scores the FIRST item of each:

- quantity: equal to the label within 1e-6, after rounding to the label's 4 decimals (1/3 is 0.3333);
- unit: the label mapped to the parser's canonical names (``UNIT_MAP``: tablespoon/Tbsp/Tb → tbsp,
  teaspoon → tsp, c → cup, pound → lb, ounce → oz, pint → pt, quart → qt, punnet/packet/package/
  sachet/envelope → pack, tin → can); any other label (clove, sprig, slice, head, stalk, stick,
  handful, pinch, rasher, bulb, sheet …) is expected as its own word in the singular, which is the
  name the parser reports for the ones it knows.  A line labelled without a unit ("6 chiles
  guajillos", "2 eggs") is a bare count, which the contract reports as null: only ``None`` is right;
- product: the item's product is the labelled name's; an ambiguous item counts its best guess;
- all three at once.

Prints the four rates overall and by source, then the misses by kind (unit wrong, product unknown,
product wrong, quantity wrong), grouped in classes, most common first, with example lines, and the
throughput.  No figure is asserted.  Deterministic: the parser's output on some forty lines changes with
Python's string hashing, so the script runs with PYTHONHASHSEED=0 unless it is set
(``PYTHONHASHSEED=random`` shows the spread).

    python benchmarks/eval_recipe_lines.py              # all 4,000 lines
    python benchmarks/eval_recipe_lines.py --show 5     # five example lines a class (default 2)
    python benchmarks/eval_recipe_lines.py --top 30 --limit 1000 --distractors 0
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

if "PYTHONHASHSEED" not in os.environ:   # the parser's choices vary with string hashing: pin it
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, sys.orig_argv)

ROOT = Path(__file__).resolve().parent.parent
try:  # the installed package (an editable install of this tree, or another checkout's)
    from shopcli import load_catalog, parse_request
except ImportError:  # not installed: this tree
    sys.path.insert(0, str(ROOT))
    from shopcli import load_catalog, parse_request

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
    return singular(word)   # spears → spear, rings → ring


def words(text: str) -> list[str]:
    """Lower-case words without accents (purée → puree)."""
    text = "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))
    return re.findall(r"[^\W_]+", text)


def singular(word: str) -> str:
    if word in ("leaves", "loaves", "halves"):
        return word[:-3] + "f"
    for end, repl in (("ies", "y"), ("oes", "o"), ("ches", "ch"), ("shes", "sh"), ("xes", "x"), ("s", "")):
        if word.endswith(end) and len(word) > len(end) + 2 and not word.endswith(("ss", "us")):
            return word[: -len(end)] + repl
    return word


def name_key(name: str) -> str:
    """A name up to case, accents and punctuation."""
    return " ".join(words(name))


def twin_key(name: str) -> str:
    """A name up to case, accents, punctuation, number, word order and "and" (carrot, carrots; basil
    leaf, basil leaves; skinless and boneless chicken breasts, boneless skinless chicken breast)."""
    return " ".join(sorted(singular(w) for w in words(name) if w != "and"))


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

    One product per labelled name up to case, accents and punctuation, and (unless keep_twins) number
    and word order.  The product takes the spelling the labels use most (ties: the first sorted)."""
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


ALTERNATIVES = {"or", "and"}


def is_prep(word: str) -> bool:
    """A preparation or state word ("chopped", "finely", "torn", "hard")."""
    return word.endswith(("ed", "ly")) or word in {"torn", "ground", "hard", "cut", "ripe", "picked"}


def has(ws: list[str], w: str) -> bool:
    return any(singular(x) == singular(w) for x in ws)


def _without_amount(item) -> str:
    """The item's text without its leading amount and unit word."""
    ws = item.text.split()
    while ws and re.fullmatch(r"[\d/.½¼¾⅓⅔-]+", ws[0]):
        ws.pop(0)
    if item.unit and ws:
        ws.pop(0)
    return " ".join(ws)


def classify_unknown(row: dict, item, unit_words: set[str]) -> tuple[str, list[str]]:
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
    said_text = getattr(item, "words", "") or _without_amount(item)
    said = words(re.sub(r"\(.*?(\)|$)", " ", said_text))   # outside parentheses
    extra = [w for w in said if not has(label, w)]
    if not extra and any(not has(label, w) for w in words(said_text)):
        return "a parenthetical remark kept in the product words ('… (see Note)')", []
    if {"juice", "zest", "juiced", "zested"} & set(extra):
        return "'juice/zest of N fruit' (the name comes after the amount)", []
    if any(w.isdigit() for w in extra):
        return "a second amount in the product words ('1 1/2 tsp to 1 tbsp oil', 'or 1 tsp dried')", []
    units = [singular(w) for w in extra if singular(w) in unit_words]
    if units:
        first = min(said.index(w) for w in extra if singular(w) in unit_words)
        after = any(has(said[:first], w) for w in label)
        where = ("after the name, not read ('2 celery sticks', '1 fennel bulb')" if after else
                 "before the name, not read ('2 rashers bacon', '5 sheets gelatine')")
        return f"unit word {where}", units
    preps = [w for w in extra if is_prep(w)]
    if preps:
        return "preparation/state words left in the product words (…ed, …ly)", preps
    if extra:
        return "other words left in the product words", extra
    return "product words are the name, still unknown", []


def classify_wrong(row: dict, got) -> tuple[str, list[str]]:
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
        line = set(map(singular, words(row["sentence"])))
        if gw <= line:
            return ("a longer product, all its words in the line (the label is less specific: "
                    "'lemon juice' for 'juice 1/2 lemon'; defensible)"), sorted(gw - lw)
        return ("a longer product, words not in the line ('black pepper' → 'ground cinnamon and black "
                "pepper')"), sorted(gw - lw)
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

    # the labels' unit words, to tell a unit left in the product words from other words
    unit_words = {singular(r["unit"].lower()) for r in rows if r["unit"]} | {"glass", "dash", "loaf"}
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
            cls, detail = classify_unknown(row, item, unit_words)
            miss("product unknown", cls, example, detail)
        elif not p_ok:
            cls, detail = classify_wrong(row, item.product)
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
                    help="one product per labelled name even if another differs only in number or word order")
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
          f"{'' if args.keep_twins else ' (variants merged)'} + {len(products) - len(sku_of)} distractors; "
          f"PYTHONHASHSEED={os.environ['PYTHONHASHSEED']}")
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
