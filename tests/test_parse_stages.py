"""Each parser stage alone (normalize, segment, amounts, units), then properties of the whole parser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from shopcli.catalog.load import load_catalog
from shopcli.parse.pipeline import parse_request
from shopcli.parse.amounts import read_amount
from shopcli.parse.normalize import normalize
from shopcli.parse.remarks import correction, negation_cut, taken_back
from shopcli.catalog.units import Size, packs_for, parse_size

MINI = load_catalog(Path(__file__).parent / "data" / "mini.json")


@pytest.mark.parametrize("raw, expected", [
    ("1½ cups", "1 1/2 cups"),
    ("½ gallon milk", "1/2 gallon milk"),
    ("1,5 kg rice", "1.5 kg rice"),
    ("1,000 g flour", "1000 g flour"),
    ("eggs (under $5)", "eggs"),
    ("milk for $3.99", "milk"),
    ("- milk\n* eggs\n1. bread\n2) rice", "milk\neggs\nbread\nrice"),
    ("\x1b[31mMILK\x1b[0m", "milk"),
    ("２ milk", "2 milk"),
    ("\u202e2 milk\u200b", "2 milk"),
    ("-3 milk", "-3 milk"),
])
def test_normalize(raw, expected):
    assert normalize(raw) == expected


@pytest.mark.parametrize("text, quantity, unit, pack, rest", [
    ("two bags of rice", 2, "bag", None, "rice"),
    ("a dozen eggs", 12, None, None, "eggs"),
    ("half a dozen eggs", 6, None, None, "eggs"),
    ("two dozen eggs", 24, None, None, "eggs"),
    ("1 1/2 lb beef", 1.5, "lb", None, "beef"),
    ("one and a half gallons of milk", 1.5, "gal", None, "milk"),
    ("a couple of onions", 2, None, None, "onions"),
    ("a pair of avocados", 2, None, None, "avocados"),
    ("a few lemons", 3, None, None, "lemons"),
    ("twenty-four cans of soda", 24, "can", None, "soda"),
    ("a hundred and two eggs", 102, None, None, "eggs"),
    ("2x milk", 2, None, None, "milk"),
    ("milk x2", 2, None, None, "milk"),
    ("milk x 3", 3, None, None, "milk"),
    ("2-3 onions", 3, None, None, "onions"),
    ("two or three onions", 3, None, None, "onions"),
    ("100g butter", 100, "g", None, "butter"),
    ("2lb chicken", 2, "lb", None, "chicken"),
    ("a 16-ounce jar of salsa", 1, "jar", Size(1, 16, "oz"), "salsa"),
    ("a 6-pack of coke", 1, "pack", Size(1, 6, "ct"), "coke"),
    ("2 x 500 g spaghetti", 2, None, Size(1, 500, "g"), "spaghetti"),
    ("a 5 lb bag of flour", 1, "bag", Size(1, 5, "lb"), "flour"),
    ("5 lb bag of flour", 1, "bag", Size(1, 5, "lb"), "flour"),
    ("1 (14.5 oz) can of diced tomatoes", 1, "can", Size(1, 14.5, "oz"), "diced tomatoes"),
    ("2 14-ounce cans of beans", 2, "can", Size(1, 14, "oz"), "beans"),
    ("a gallon of milk", 1, "gal", None, "milk"),
    ("half a gallon of milk", 0.5, "gal", None, "milk"),
    ("a quarter of a pound of ham", 0.25, "lb", None, "ham"),
    ("2 tins of tuna", 2, "can", None, "tuna"),
    ("3 packets of yeast", 3, "pack", None, "yeast"),
    ("1 l of milk", 1, "l", None, "milk"),
    ("12 fl oz of cream", 12, "fl oz", None, "cream"),
    ("loaf of bread", 1, "loaf", None, "bread"),
    ("about 2 kg of potatoes", 2, "kg", None, "potatoes"),
    ("rice 2 kg", 2, "kg", None, "rice"),
    ("bananas", 1, None, None, "bananas"),
])
def test_read_amount(text, quantity, unit, pack, rest):
    amt, left = read_amount(text)
    assert amt.quantity == pytest.approx(quantity)
    assert amt.unit == unit
    assert amt.pack_size == pack
    assert left == rest
    assert amt.problem is None


@pytest.mark.parametrize("text", ["0 milk", "-2 milk", "nan milk", "1e309 milk", "99999999999 milk",
                                  "0.0000001 milk"])
def test_read_amount_problems(text):
    assert read_amount(text)[0].problem


@pytest.mark.parametrize("size, expected", [
    ("2 lb", Size(1, 2, "lb")), ("12 ct", Size(1, 12, "ct")), ("6 x 12 fl oz", Size(6, 12, "fl oz")),
    ("0.5 gal", Size(1, 0.5, "gal")), ("500 g", Size(1, 500, "g")), ("1 dozen", Size(1, 12, "ct")),
    ("two pounds", None), ("", None), ("0 g", None),
])
def test_parse_size(size, expected):
    assert parse_size(size) == expected


@pytest.mark.parametrize("q, unit, size, pack, packs", [
    (2, "kg", "1 kg", None, 2),
    (3, "lb", "2 lb", None, 2),
    (12, "ct", "12 ct", None, 1),          # a dozen eggs
    (6, "ct", "12 ct", None, 1),           # half a dozen, sold by 12
    (2, None, "12 ct", None, 2),           # "2 eggs": two cartons
    (24, None, "12 ct", None, 2),
    (30, None, "12 ct", None, 3),
    (3, "bag", "2 lb", None, 3),
    (1, "gal", "0.5 gal", None, 2),
    (1000, "ml", "1 l", None, 1),
    (2, None, "1 lb", Size(1, 500, "g"), 3),   # 2 x 500 g in 1 lb boxes
    (1, "lb", "12 fl oz", None, 1),        # no conversion across dimensions: one pack
])
def test_packs_for(q, unit, size, pack, packs):
    assert packs_for(q, unit, parse_size(size), pack) == packs


@pytest.mark.parametrize("request_text, expected", [
    ("two bags of rice and a dozen eggs", [("RICE-JAS-2LB", 2), ("EGG-L-12", 1)]),
    ("half a gallon of milk", [("MILK-WHOLE-HG", 1)]),
    ("mac and cheese and salt and pepper", [("MAC-CHEESE", 1), ("SALT", 1), ("PEPPER-BLK", 1)]),
    ("salt and pepper chips", [("CHIPS-SP", 1)]),
    ("half and half", [("HH", 1)]),
    ("2 each of red and green peppers", [("PEP-RED", 2), ("PEP-GRN", 2)]),
    ("red and green peppers", [("PEP-RED", 1), ("PEP-GRN", 1)]),
    ("rice, jasmine", [("RICE-JAS-2LB", 1)]),
    ("milk\nmilk", [("MILK-WHOLE-1GAL", 2)]),
    ("2 milk and 1 milk", [("MILK-WHOLE-1GAL", 3)]),
    ("rice x3, and 3 of those", [("RICE-JAS-2LB", 9)]),
    ("bananna, brocoli and chiken breast", [("BANANA", 1), ("BROC", 1), ("CHICK-BR", 1)]),
    ("heinz ketchup", [("KETCHUP", 1)]),
    ("organic bananas", [("BANANA-ORG", 1)]),
    ("skim milk", [("MILK-SKIM-1GAL", 1)]),
    ("18 eggs", [("EGG-L-18", 1)]),
])
def test_whole_requests_on_small_catalog(request_text, expected):
    items = parse_request(request_text, MINI).items
    assert [(i.product.sku, i.packs) for i in items] == expected
    assert all(i.status == "matched" for i in items)


def test_or_is_one_ambiguous_item():
    (item,) = parse_request("yellow or white onions", MINI).items
    assert item.status == "ambiguous"
    assert {item.product.sku} | {p.sku for p, _ in item.alternatives} >= {"ONION-Y", "ONION-W"}


def test_unknown_item_has_no_product():
    (item,) = parse_request("2 unobtainium-xyzzy", MINI).items
    assert item.status == "unknown" and item.product is None and item.packs == 0


def _words(text: str) -> set[str]:
    return set(re.findall(r"[^\W_]+", text.lower()))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_parser_never_raises_and_item_text_comes_from_request(text):
    result = parse_request(text, MINI)
    request_words = _words(normalize(text))
    for item in result.items:
        assert _words(item.text) <= request_words
        assert item.status in ("matched", "ambiguous", "unknown")
        assert (item.product is None) == (item.status == "unknown")
        assert item.packs >= 0
        d = item.to_dict()
        assert d["quantity"] == d["quantity"]   # not NaN


words = st.sampled_from(["two", "a", "dozen", "half", "of", "and", "or", "milk", "eggs", "rice", "bags", "1/2",
                         "2", "kg", "lb", "x", "each", "salt", "pepper", ",", "-", "(", ")", "3", "organic",
                         "no", "not", "wait", "actually", "scratch", "that", "skip", "the", "with", "w/", ".",
                         "for", "10:", "🥚", "quarters", "but"])


@settings(max_examples=300, deadline=None)
@given(st.lists(words, max_size=14).map(" ".join))
def test_parser_on_shopping_like_word_salad(text):
    for item in parse_request(text, MINI).items:
        assert _words(item.text) <= _words(normalize(text))
        if item.status != "unknown" and not item.problem:
            assert item.packs >= 1


@pytest.mark.parametrize("text, expected", [
    ("no wait", ("", True)), ("scratch that", ("", True)), ("actually make it 18", ("18", True)),
    ("oh wait", ("", False)),
    ("no make that 2", ("2", True)), ("sorry 4", ("4", False)), ("i mean 8", ("8", True)),
    ("no 1 pound is fine", ("1 pound", False)), ("scratch that mozzarella", ("mozzarella", True)),
    ("actually a dozen eggs", ("a dozen eggs", False)),
    ("3", None), ("mozzarella", None), ("actually also eggs", None), ("sorry can i also get eggs", None),
])
def test_self_corrections(text, expected):
    assert correction(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("actually skip the strawberries", "strawberries"), ("no rice after all", "rice"), ("forget the milk", "milk"),
    ("skip", None), ("strawberries", None),
])
def test_take_backs(text, expected):
    assert taken_back(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("no cheese this time", ""), ("not the green ones", ""), ("eggs but not the organic ones", "eggs"),
    ("bread (not wheat)", "bread"), ("crunchy not creamy", "crunchy"), ("bacon but no sausage", "bacon"),
    ("soy sauce instead of the regular one", "soy sauce"), ("rye bread your father likes", "rye bread"),
    ("milk", None), ("2 lb chicken", None),
])
def test_things_not_wanted(text, expected):
    assert negation_cut(text) == expected


@pytest.mark.parametrize("request_text, expected", [
    ("2 milks, no wait, 3", [("MILK-WHOLE-1GAL", 3)]),
    ("bananas and milk, actually skip the milk", [("BANANA", 1)]),
    ("milk, no cheese this time", [("MILK-WHOLE-1GAL", 1)]),
])
def test_corrections_in_requests(request_text, expected):
    items = parse_request(request_text, MINI).items
    assert [(i.product.sku, i.packs) for i in items] == expected


def test_a_product_named_with_no_stays_whole():
    items = parse_request("no pulp orange juice", load_catalog()).items
    assert [(i.status, i.product.sku) for i in items] == [("matched", "OJ-TROP-52OZ")]


@pytest.mark.parametrize("request_text, expected", [
    # nothing said is lost: a pet name, a thank-you or a "wait" that is really an item or an addition
    ("honey, milk, eggs", ["HONEY-12OZ", "MILK-WHOLE-1GAL", "EGG-L-12"]),
    ("bread, milk, thanks and also butter", ["BREAD-WHITE-20OZ", "MILK-WHOLE-1GAL", "BUTTER-SALTED-1LB"]),
    ("milk, bread, actually a dozen eggs", ["MILK-WHOLE-1GAL", "BREAD-WHITE-20OZ", "EGG-L-12"]),
    ("milk, sorry 2 loaves of bread", ["MILK-WHOLE-1GAL", "BREAD-WHITE-20OZ"]),
    ("milk, eggs, oh wait, also bread", ["MILK-WHOLE-1GAL", "EGG-L-12", "BREAD-WHITE-20OZ"]),
    ("a dozen eggs, no wait, bread", ["BREAD-WHITE-20OZ"]),
    ("2 dozen eggs, scratch that, milk", ["MILK-WHOLE-1GAL"]),
    ("2% milk, eggs, actually skip the milk", ["EGG-L-12"]),
    ("dish soap refill\nmilk\neggs", None),
    ("2 tbs. olive oil", None),
])
def test_remarks_never_lose_an_item(request_text, expected):
    result = parse_request(request_text, load_catalog())
    skus = [i.product.sku if i.product else None for i in result.items]
    if expected is None:                  # every line an item
        assert len(skus) == request_text.count("\n") + 1 and not result.remarks, (skus, result.remarks)
    else:
        assert skus == expected, (skus, result.remarks, result.unparsed)
    if request_text == "2 dozen eggs, scratch that, milk":
        assert result.items[0].packs == 1
