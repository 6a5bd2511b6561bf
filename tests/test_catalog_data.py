"""Checks on the shipped catalog data (catalog/*.json), with the standard library only.

These tests read the JSON files directly and do not import shopcli, so they guard the data itself:
its shape, its cross-references, and the defaults a bare word ("milk", "eggs") must resolve to.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

CATALOG_DIR = Path(__file__).resolve().parent.parent / "catalog"

FIELDS = {"sku", "name", "brand", "price", "size", "container", "category", "aliases", "tags",
          "complements", "stock", "popularity"}
REQUIRED = ("sku", "name", "price")
SKU_RE = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)*$")
PRICE_RE = re.compile(r"^\d+\.\d\d$")
SIZE_RE = re.compile(r"^(\d+(\.\d+)? x )?\d+(\.\d+)? (g|kg|oz|lb|ml|l|fl oz|gal|qt|pt|ct)$")
FILE_RE = re.compile(r"^\d\d-[a-z0-9]+(-[a-z0-9]+)*\.json$")
CONTAINERS = {"bag", "bottle", "box", "bunch", "can", "carton", "case", "jar", "loaf", "pack", "tub",
              "head", "tube", "roll", "pouch", "tray", "each", "jug", "block"}
TAGS = {"organic", "vegan", "vegetarian", "gluten-free", "dairy-free", "nut-free", "kosher", "low-fat",
        "sugar-free", "contains-nuts", "contains-dairy", "contains-gluten", "whole-grain",
        "caffeine-free", "decaf"}
CONFLICTING_TAGS = [("vegan", "contains-dairy"), ("dairy-free", "contains-dairy"),
                    ("gluten-free", "contains-gluten"), ("nut-free", "contains-nuts")]
# Words that stay lower case inside a Title Case name.
SMALL_WORDS = {"a", "an", "and", "or", "of", "with", "in", "on", "the", "for", "to", "con", "de", "'n", "&"}
# A bare word and the word in product names of the same category whose family it must head:
# the product carrying the alias is the most popular product of that family.
DEFAULT_FAMILIES = [
    ("milk", r"milk"), ("eggs", r"eggs?"), ("rice", r"rice"), ("pasta", r"spaghetti"), ("bread", r"bread"),
    ("apples", r"apples?"), ("onion", r"onions?"), ("cheese", r"cheese"), ("coffee", r"coffee"),
    ("juice", r"juice"), ("chips", r"chips"), ("water", r"water"), ("yogurt", r"yogurt"),
    ("butter", r"butter"), ("chicken", r"chicken"), ("beef", r"beef"), ("flour", r"flour"),
    ("sugar", r"sugar"), ("oil", r"oil"), ("toilet paper", r"toilet paper"), ("salt", r"salt"),
    ("tomatoes", r"tomato(es)?"), ("potatoes", r"potato(es)?"), ("ice cream", r"ice cream"),
    ("peanut butter", r"peanut butter"), ("tea", r"tea"),
]
# Aliases that must name a single product: the default a bare word resolves to.
GENERIC_ALIASES = ["milk", "eggs", "rice", "pasta", "bread", "apples", "onion", "cheese", "coffee", "juice",
                   "chips", "soda", "pop", "water", "yogurt", "butter", "chicken", "beef", "flour", "sugar",
                   "oil", "cereal", "toilet paper", "salt", "pepper", "pasta sauce", "olive oil",
                   "peanut butter", "potatoes", "tomatoes", "lettuce", "ice cream", "pizza", "tea"]
REQUIRED_ALIASES = ["coke", "oj", "pb", "aubergine", "coriander", "courgette", "spring onions", "pop",
                    "mac and cheese"]
# Other words shoppers use: each is an alias or the name of some product.
SHOPPER_WORDS = ["milk", "eggs", "soda", "catsup", "ketchup", "chickpeas", "garbanzo beans", "rocket", "arugula",
                 "prawns", "shrimp", "hot dogs", "hamburger meat", "mince", "tp", "loo roll", "paper towel",
                 "corn flakes", "oats", "yoghurt", "parmesan cheese", "green onions", "scallions", "bell pepper",
                 "eggplant", "zucchini", "cilantro", "ground beef", "toilet paper", "orange juice", "peanut butter"]
MEAT_CATEGORIES = {"Meat", "Seafood"}


def _load():
    files = sorted(CATALOG_DIR.glob("*.json"))
    out = []
    for f in files:
        text = f.read_bytes().decode("utf-8")  # strict: must be valid UTF-8
        data = json.loads(text)
        out.append((f, data))
    return out


FILES = _load()
PRODUCTS = [p for _, data in FILES for p in data["products"]]
BY_SKU = {p["sku"]: p for p in PRODUCTS}
CATEGORIES = {p["category"] for p in PRODUCTS}


def _with_alias(alias):
    return [p for p in PRODUCTS if alias in p.get("aliases", [])]


def test_files_are_named_in_order_and_hold_one_department():
    assert FILES, "catalog/ holds no .json files"
    for f, data in FILES:
        assert FILE_RE.match(f.name), f.name
        assert isinstance(data, dict) and set(data) == {"products"}, f.name
        assert isinstance(data["products"], list) and data["products"], f.name
        cats = {p.get("category") for p in data["products"]}
        assert len(cats) == 1, f"{f.name} mixes categories {cats}"
    prefixes = [f.name[:2] for f, _ in FILES]
    assert len(prefixes) == len(set(prefixes)), "two files share a number prefix"
    assert len({next(iter({p['category'] for p in d['products']})) for _, d in FILES}) == len(FILES), \
        "a category is split over several files"


def test_counts():
    assert len(PRODUCTS) >= 520
    assert len(CATEGORIES) >= 22


def test_skus_unique_and_well_formed():
    seen = set()
    for p in PRODUCTS:
        assert SKU_RE.match(p["sku"]), p["sku"]
        assert p["sku"] not in seen, f"duplicate SKU {p['sku']}"
        seen.add(p["sku"])


@pytest.mark.parametrize("p", PRODUCTS, ids=lambda p: p.get("sku", "?"))
def test_product_fields(p):
    assert set(p) <= FIELDS, f"unknown fields {set(p) - FIELDS}"
    for f in REQUIRED:
        assert isinstance(p.get(f), str) and p[f].strip() == p[f] and p[f], f
    for f in ("size", "container", "category", "popularity"):
        assert f in p, f"missing {f}"
    assert PRICE_RE.match(p["price"]), p["price"]
    assert float(p["price"]) >= 0
    assert SIZE_RE.match(p["size"]), p["size"]
    assert p["container"] in CONTAINERS, p["container"]
    assert isinstance(p["category"], str) and p["category"]
    if "brand" in p:
        assert isinstance(p["brand"], str) and p["brand"].strip() == p["brand"] and p["brand"]
    pop = p["popularity"]
    assert isinstance(pop, int) and not isinstance(pop, bool) and 1 <= pop <= 100, pop
    if "stock" in p:
        st = p["stock"]
        assert isinstance(st, int) and not isinstance(st, bool) and st >= 0, st


@pytest.mark.parametrize("p", PRODUCTS, ids=lambda p: p.get("sku", "?"))
def test_lists(p):
    aliases = p.get("aliases", [])
    assert isinstance(aliases, list)
    for a in aliases:
        assert isinstance(a, str) and a == a.lower() and a == " ".join(a.split()) and a, repr(a)
    assert len(aliases) == len(set(aliases)), "repeated alias"
    tags = p.get("tags", [])
    assert isinstance(tags, list) and set(tags) <= TAGS, set(tags) - TAGS
    assert len(tags) == len(set(tags))
    for a, b in CONFLICTING_TAGS:
        assert not (a in tags and b in tags), f"{a} with {b}"
    if "vegan" in tags:
        assert "vegetarian" in tags
    if p["category"] in MEAT_CATEGORIES:
        assert "vegan" not in tags and "vegetarian" not in tags
    comps = p.get("complements", [])
    assert isinstance(comps, list)
    for c in comps:
        assert c in BY_SKU or c in CATEGORIES, f"complement {c!r} is neither a SKU nor a category"
        assert c != p["sku"]


@pytest.mark.parametrize("p", PRODUCTS, ids=lambda p: p.get("sku", "?"))
def test_name_is_title_case_without_pack_size(p):
    for word in p["name"].split():
        if word in SMALL_WORDS:
            continue
        letters = [ch for ch in word if ch.isalpha()]
        assert not letters or word[0].isdigit() or letters[0].isupper(), f"{p['name']!r}: {word!r}"
    assert not re.search(r"\b\d+(\.\d+)?\s?(oz|fl oz|lb|lbs|ct|gal|ml|kg|pk|pack|count)\b", p["name"], re.I), p["name"]


def test_most_food_products_have_complements():
    non_food = {"Baby", "Pet", "Cleaning", "Paper Goods", "Personal Care"}
    food = [p for p in PRODUCTS if p["category"] not in non_food]
    good = [p for p in food if 2 <= len(p.get("complements", [])) <= 5]
    assert len(good) >= 0.9 * len(food)


def test_stock():
    with_stock = [p for p in PRODUCTS if "stock" in p]
    assert 0.2 * len(PRODUCTS) <= len(with_stock) <= 0.4 * len(PRODUCTS)
    assert 3 <= sum(1 for p in with_stock if p["stock"] == 0) <= 5
    assert sum(1 for p in with_stock if 1 <= p["stock"] <= 3) >= 2


def test_same_name_means_same_product_in_other_sizes():
    groups = defaultdict(list)
    for p in PRODUCTS:
        groups[p["name"]].append(p)
    for name, ps in groups.items():
        if len(ps) < 2:
            continue
        assert len({(p.get("brand"), p["category"]) for p in ps}) == 1, name
        assert len({p["size"] for p in ps}) == len(ps), f"{name}: two variants of one size"
        pops = sorted((p["popularity"] for p in ps), reverse=True)
        assert pops[0] > pops[1], f"{name}: no single default size"


def test_shared_aliases_stay_within_one_product_name():
    by_alias = defaultdict(set)
    for p in PRODUCTS:
        for a in p.get("aliases", []):
            by_alias[a].add(p["name"])
    mixed = {a: names for a, names in by_alias.items() if len(names) > 1}
    assert not mixed, mixed


def test_no_alias_is_another_products_name():
    names = defaultdict(set)
    for p in PRODUCTS:
        names[p["name"].lower()].add(p["name"])
    for p in PRODUCTS:
        for a in p.get("aliases", []):
            assert a not in names or names[a] == {p["name"]}, f"{p['sku']}: alias {a!r} names another product"


def test_default_milk_and_eggs():
    (milk,) = _with_alias("milk")
    assert (milk["name"], milk["size"]) == ("Whole Milk", "1 gal")
    (eggs,) = _with_alias("eggs")
    assert (eggs["name"], eggs["size"]) == ("Large Eggs", "12 ct")
    dairy_milks = [p for p in PRODUCTS if p["category"] == "Dairy" and re.search(r"\bmilk\b", p["name"], re.I)]
    assert milk["popularity"] == max(p["popularity"] for p in dairy_milks)
    assert sum(p["popularity"] == milk["popularity"] for p in dairy_milks) == 1
    for name in ("Oat Milk", "Almond Milk", "Soy Milk"):
        (p,) = [q for q in PRODUCTS if q["name"] == name]
        assert {"vegan", "dairy-free"} <= set(p["tags"]), name
    sizes = {p["size"] for p in PRODUCTS if p["name"] == "Large Eggs"}
    assert {"6 ct", "12 ct", "18 ct"} <= sizes
    assert {"1 gal", "0.5 gal"} <= {p["size"] for p in PRODUCTS if p["name"] == "Whole Milk"}


@pytest.mark.parametrize("alias", REQUIRED_ALIASES)
def test_required_alias_present(alias):
    assert _with_alias(alias), f"no product has alias {alias!r}"


@pytest.mark.parametrize("word", SHOPPER_WORDS)
def test_shopper_word_known(word):
    assert _with_alias(word) or any(p["name"].lower() == word for p in PRODUCTS), word


@pytest.mark.parametrize("alias", GENERIC_ALIASES)
def test_generic_alias_names_one_default(alias):
    assert len(_with_alias(alias)) == 1, f"{alias!r}: {[p['sku'] for p in _with_alias(alias)]}"


@pytest.mark.parametrize("alias,word", DEFAULT_FAMILIES)
def test_default_heads_its_family(alias, word):
    (default,) = _with_alias(alias)
    rx = re.compile(r"\b" + word + r"\b", re.I)
    family = [p for p in PRODUCTS if p["category"] == default["category"] and rx.search(p["name"])]
    assert default in family, f"{default['name']!r} is not in its own family"
    others = [p for p in family if p is not default]
    assert all(p["popularity"] < default["popularity"] for p in others), \
        [(p["sku"], p["popularity"]) for p in others if p["popularity"] >= default["popularity"]]


def test_compound_names_for_the_parser():
    names = {p["name"] for p in PRODUCTS}
    assert "Macaroni & Cheese" in names
    assert any(" and " in n for n in names) and any(" & " in n for n in names)
    assert {"Table Salt", "Black Pepper"} <= names
    assert "Salt and Pepper Kettle Chips" in names
    coke = {p["size"] for p in PRODUCTS if p["name"] == "Coca-Cola"}
    assert {"12 x 12 fl oz", "6 x 12 fl oz", "2 l"} <= coke
    (pop,) = _with_alias("pop")
    assert pop["name"] == "Coca-Cola" and pop["size"] == "12 x 12 fl oz"


def test_truthful_tags_on_key_products():
    def tags_of(alias):
        (p,) = _with_alias(alias)
        return set(p["tags"])
    assert {"contains-nuts", "vegan", "gluten-free"} <= tags_of("peanut butter")
    assert {"vegetarian", "contains-dairy"} <= tags_of("cheese")
    assert not {"vegan", "vegetarian"} & tags_of("beef")
    (org,) = [p for p in PRODUCTS if p["name"] == "Organic Large Eggs"]
    assert "organic" in org["tags"]
