"""The intent layer: a table of real phrasings -> intent and slots, plus its small readers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shopcli.catalog.cache import open_catalog
from shopcli.chat.intents import (Context, Filters, Preference, intent_names, normalize_turn, read_filters, read_number,
                             read_preference, understand)

IN_CART = {"eggs", "rice", "milk", "peanut butter"}


@pytest.fixture(scope="module")
def catalog():
    return open_catalog(None)


@pytest.fixture(scope="module")
def ctx(catalog):
    """A cart holding eggs, rice, milk and peanut butter."""
    def in_cart(item):
        return item is None or item in ("it", "that", "them") or any(w in item for w in IN_CART)

    return Context(catalog, in_cart)


CASES = [
    # adding: anything the parser reads
    ("two bags of rice and a dozen eggs", "add", {}),
    ("can you grab some milk", "add", {}),
    ("a gallon of milk, 2 lb of bananas", "add", {}),
    # removing
    ("remove the eggs", "remove", {"item": "the eggs"}),
    ("no rice after all", "remove", {"item": "rice"}),
    ("drop the milk", "remove", {"item": "the milk"}),
    ("please remove the eggs, thanks", "remove", {"item": "the eggs"}),
    ("take the rice out", "remove", {"item": "the rice"}),
    ("no more eggs", "remove", {"item": "eggs"}),
    ("I don't want the milk anymore", "remove", {"item": "the milk"}),
    ("remove it", "remove", {}),
    ("no peanut butter", "remove", {"item": "peanut butter"}),
    ("delete the caviar", "remove", {"item": "the caviar"}),
    # changing amounts
    ("make that three", "set_quantity", {"amount": "three"}),
    ("Actually, make it 3 bags", "set_quantity", {"amount": "3 bags"}),
    ("only 6 eggs", "set_quantity", {"amount": "6 eggs"}),
    ("just two", "set_quantity", {"amount": "two"}),
    ("change the rice to 5", "set_quantity", {"item": "rice", "amount": "5"}),
    ("three instead", "set_quantity", {"amount": "three"}),
    ("one more bag of rice", "more", {"item": "bag of rice"}),
    ("two more", "more", {"n": 2.0}),
    ("add 2 more", "more", {"n": 2.0}),
    ("another one", "more", {}),
    ("another bag of rice", "more", {"item": "bag of rice"}),
    ("3 more eggs", "more", {"n": 3.0, "item": "eggs"}),
    # referring back
    ("make it organic", "variant", {"variant": "organic"}),
    ("switch to the organic one", "variant", {"variant": "organic"}),
    ("oat milk instead", "variant", {"variant": "oat milk"}),
    ("the second one", "choose", {"ordinal": 2}),
    ("2", "choose", {"ordinal": 2}),
    ("number 3", "choose", {"ordinal": 3}),
    ("the last one", "choose", {"ordinal": -1}),
    ("I'll take the first one", "choose", {"ordinal": 1}),
    ("same again", "same_again", {}),
    ("yes, add that", "accept", {}),
    ("yes please", "accept", {}),
    ("ok", "accept", {}),
    ("sure, add it", "accept", {}),
    ("no thanks", "decline", {}),
    ("nope", "decline", {}),
    # the cart
    ("show my cart", "show_cart", {}),
    ("What's in my cart?", "show_cart", {}),
    ("cart", "show_cart", {}),
    ("what's my total?", "show_cart", {}),
    ("how much does it all come to?", "show_cart", {}),
    ("empty my cart", "empty", {}),
    ("start over", "empty", {}),
    ("remove everything", "empty", {}),
    # questions about products
    ("how much is olive oil?", "price", {"item": "olive oil"}),
    ("How much are 2 bags of rice?", "price", {"item": "2 bags of rice"}),
    ("what's the price of eggs", "price", {"item": "eggs"}),
    ("what does a dozen eggs cost?", "price", {"item": "dozen eggs"}),
    ("how much is it", "price", {"item": "it"}),
    ("do you have oat milk?", "availability", {"item": "oat milk"}),
    ("is there any salmon in stock?", "availability", {"item": "salmon"}),
    ("do you sell ribeye steak", "availability", {"item": "ribeye steak"}),
    ("how many king crab legs do you have", "availability", {"item": "king crab legs"}),
    ("do you have cheese", "availability", {"item": "cheese"}),
    ("do you have rice", "availability", {"item": "rice"}),
    ("anything vegan under $5 in snacks?", "search", {"filters": "vegan under $5 in snacks"}),
    ("do you have anything gluten free?", "search", {"filters": "gluten free"}),
    ("what snacks do you have?", "search", {"filters": "snacks"}),
    ("show me organic produce", "search", {"filters": "me organic produce"}),
    ("vegan snacks under 5 dollars", "search", {"filters": "vegan snacks under 5 dollars"}),
    ("do you have any vegan snacks", "search", {"filters": "vegan snacks"}),
    ("what goes with pasta?", "complements", {"item": "pasta"}),
    ("what should I serve with salmon", "complements", {"item": "salmon"}),
    ("any suggestions?", "complements", {}),
    ("anything to go with tortilla chips?", "complements", {"item": "tortilla chips"}),
    # checkout and orders
    ("checkout", "checkout", {}),
    ("checkout, deliver tomorrow evening", "checkout", {"rest": "deliver tomorrow evening"}),
    ("check out for pickup at Downtown", "checkout", {"rest": "for pickup at downtown"}),
    ("that's it", "checkout", {}),
    ("deliver it tomorrow morning", "checkout", {"rest": "tomorrow morning"}),
    ("pick it up at Uptown", "checkout", {"rest": "at uptown"}),
    ("where's my order?", "order_status", {}),
    ("status of ORD-000001", "order_status", {"id": "ORD-000001"}),
    ("track order #7", "order_status", {"id": "ORD-000007"}),
    ("when will my order arrive", "order_status", {}),
    ("show my orders", "orders", {}),
    ("order history", "orders", {}),
    ("cancel my last order", "cancel_order", {}),
    ("cancel ORD-000002", "cancel_order", {"id": "ORD-000002"}),
    ("cancel order 2", "cancel_order", {"id": "ORD-000002"}),
    ("same as last time", "reorder", {}),
    ("reorder my last order", "reorder", {}),
    ("reorder ORD-000003", "reorder", {"id": "ORD-000003"}),
    ("the usual", "reorder", {}),
    # preferences
    ("I'm vegetarian", "prefs_set", {"diet": "vegetarian"}),
    ("we are vegan", "prefs_set", {"diet": "vegan"}),
    ("I'm gluten free", "prefs_set", {"diet": "gluten-free"}),
    ("I prefer organic", "prefs_set", {"prefer": "organic"}),
    ("organic when possible", "prefs_set", {"prefer": "organic"}),
    ("no peanuts", "prefs_set", {"avoid": "peanuts"}),
    ("I'm allergic to peanuts", "prefs_set", {"avoid": "peanuts"}),
    ("I don't eat meat", "prefs_set", {"avoid": "meat"}),
    ("what are my preferences?", "prefs_show", {}),
    ("forget my preferences", "prefs_forget", {}),
    # the rest
    ("help", "help", {}),
    ("what can you do?", "help", {}),
    ("?", "help", {}),
    ("hi", "greet", {}),
    ("thanks!", "thanks", {}),
    ("no problem", "thanks", {}),
    ("bye", "quit", {}),
    ("quit", "quit", {}),
    ("exit", "quit", {}),
    ("xyzzy", "unclear", {}),
    ("what is the weather like", "unclear", {}),
    ("!!!", "unclear", {}),
]


@pytest.mark.parametrize("text,name,slots", CASES, ids=[c[0] for c in CASES])
def test_phrasings(ctx, text, name, slots):
    intent = understand(text, ctx)
    assert (intent.name, intent.slots) == (name, slots)


FUZZY = [("chekout", "checkout"), ("wher is my ordr", "order_status"), ("hepl", "help"), ("shwo my cart", "show_cart"),
         ("goodby", "quit"), ("cancle my last order", "cancel_order")]


@pytest.mark.parametrize("text,name", FUZZY)
def test_typos_in_commands_are_read_fuzzily(ctx, text, name):
    intent = understand(text, ctx)
    assert intent.name == name and intent.fuzzy


def test_no_in_cart_removes_otherwise_is_a_preference(catalog):
    empty = Context(catalog, lambda item: False)
    assert understand("no eggs", empty).name == "prefs_set"
    holding = Context(catalog, lambda item: item == "eggs")
    assert understand("no eggs", holding).name == "remove"


def test_add_carries_the_parse(ctx):
    intent = understand("two bags of rice and a dozen eggs", ctx)
    assert [it.product.sku for it in intent.parsed.items] == ["RICE-WHITE-2LB", "EGG-L-12"]


def test_every_intent_has_a_handler():
    from shopcli.chat.handlers import HANDLERS

    for name in intent_names() + ["add", "unclear"]:
        assert callable(HANDLERS.get(name)), name


def test_never_raises_on_odd_text(ctx):
    for text in ["", " ", "\x00", "> = #", "☃" * 300, "make that", "{item}", "[the]", "(a|b)", "$", "under $",
                 "1" * 500, "cancel order 99999999999999999999", "status of #0"]:
        understand(text, ctx)


@pytest.mark.parametrize("text,want", [
    ("Where's my order?", "where is my order"),
    ("checkout, deliver tomorrow 9.30am", "checkout , deliver tomorrow 9.30am"),
    ("I’m vegetarian!", "i am vegetarian"),
    ("2.5 lb of bananas.", "2.5 lb of bananas"),
])
def test_normalize_turn(text, want):
    assert normalize_turn(text) == want


@pytest.mark.parametrize("text,want", [("3", 3.0), ("2.5", 2.5), ("three", 3.0), ("twenty-four", 24.0),
                                       ("a dozen", 12.0), ("a", 1.0), ("lots", None)])
def test_read_number(text, want):
    assert read_number(text) == want


@pytest.mark.parametrize("text,want", [
    ("vegan under $5 in snacks", Filters(("vegan",), Decimal("5"), None, "Snacks", ())),
    ("gluten free pasta under 3 dollars", Filters(("gluten-free",), Decimal("3"), None, "Pasta", ())),
    ("organic produce", Filters(("organic",), None, None, "Produce", ())),
    ("snacks between $2 and $4", Filters((), Decimal("4"), Decimal("2"), "Snacks", ())),
    ("vegan chocolate", Filters(("vegan",), None, None, None, ("chocolate",))),
    ("drinks over $10", Filters((), None, Decimal("10"), "Beverages", ())),
])
def test_read_filters(catalog, text, want):
    assert read_filters(text, catalog) == want


def test_read_filters_refuses_words_the_catalog_lacks(catalog):
    assert read_filters("vegan flux capacitors", catalog) is None


@pytest.mark.parametrize("kind,text,want", [
    ("diet", "vegetarian", Preference("diet", "vegetarian")),
    ("diet", "veggie", Preference("diet", "vegetarian")),
    ("prefer", "organic", Preference("prefer", "organic")),
    ("avoid", "peanuts", Preference("avoid", "peanut")),
    ("avoid", "any peanuts at all", Preference("avoid", "peanut")),
    ("avoid", "meat", Preference("diet", "vegetarian")),
    ("avoid", "dairy", Preference("diet", "dairy-free")),
    ("avoid", "problem", None),
    ("avoid", "thanks", None),
    ("avoid", "2 eggs", None),
])
def test_read_preference(kind, text, want):
    assert read_preference(kind, text) == want
