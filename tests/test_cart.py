"""The cart on its own, without the assistant: lines, merging, the pack limit, changes, prices."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

import pytest

from shopcli.catalog.load import load_catalog
from shopcli.chat.cart import MAX_PACKS, Cart, CartFull, Line

NOW = datetime(2026, 11, 23, 14, 3, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def cat():
    return load_catalog()


def test_an_empty_cart(cat):
    cart = Cart()
    assert not cart and len(cart) == 0 and cart.packs() == 0 and list(cart) == []
    assert cart.summary(cat, NOW) == "Your cart is empty."
    assert cart.total(cat, NOW) == "0.00"
    assert cart.last(None) is None and cart.find("it", cat) is None and cart.find("rice", cat) is None


def test_add_puts_a_new_line_and_says_what_was_added(cat):
    cart = Cart()
    rice = cat.by_sku["RICE-WHITE-2LB"]
    added = cart.add(rice, 2)
    assert not added.merged and cart.lines == [added.line]
    assert added.line == Line("RICE-WHITE-2LB", 2, 2, None, "Long Grain White Rice")   # the name, when not said
    assert added.said == added.line and added.said is not added.line                  # a copy: the line changes later
    cart.add(cat.by_sku["BANANA-1LB"], 3, 3.0, "lb", "3 lb of bananas")
    assert cart.lines[1] == Line("BANANA-1LB", 3, 3.0, "lb", "3 lb of bananas")


def test_add_merges_the_same_sku_into_its_line(cat):
    cart = Cart()
    bananas = cat.by_sku["BANANA-1LB"]
    cart.add(bananas, 2, 2.0, "lb", "2 lb of bananas")
    added = cart.add(bananas, 1, 1.0, "lb", "a pound of bananas")
    assert added.merged and added.said == Line("BANANA-1LB", 1, 1.0, "lb", "a pound of bananas")
    assert cart.lines == [Line("BANANA-1LB", 3, 3.0, "lb", "2 lb of bananas, a pound of bananas")]
    cart.add(bananas, 2, text="two bananas")           # another unit: the line counts packs
    assert cart.lines == [Line("BANANA-1LB", 5, 5.0, None, "2 lb of bananas, a pound of bananas, two bananas")]
    assert len(cart) == 1 and cart.packs() == 5


def test_no_line_holds_more_than_max_packs(cat):
    cart = Cart()
    rice = cat.by_sku["RICE-WHITE-2LB"]
    cart.add(rice, MAX_PACKS)
    with pytest.raises(CartFull) as e:
        cart.add(rice, 1)
    assert e.value.message == ("Sorry, I can't put more than 999 packs of Mahatma Long Grain White Rice (2 lb) "
                               "in the cart.")
    assert cart.lines == [Line("RICE-WHITE-2LB", 999, 999, None, "Long Grain White Rice")]   # unchanged
    with pytest.raises(CartFull):
        Cart().add(rice, MAX_PACKS + 1)
    with pytest.raises(CartFull, match="more than 999 packs"):
        cart.set(cart.lines[0], MAX_PACKS + 1, 1000, None)
    with pytest.raises(CartFull, match="more than 999 packs"):
        cart.replace(cart.lines[0], cat.by_sku["EGG-L-12"], MAX_PACKS + 1, 1000, None, "eggs")
    assert cart.lines == [Line("RICE-WHITE-2LB", 999, 999, None, "Long Grain White Rice")]


def test_remove_take_and_clear(cat):
    cart = Cart()
    rice = cart.add(cat.by_sku["RICE-WHITE-2LB"], 3, 6.0, "lb", "6 lb of rice").line
    eggs = cart.add(cat.by_sku["EGG-L-12"], 1).line
    cart.take(rice, 1)
    assert rice == Line("RICE-WHITE-2LB", 2, 2.0, None, "6 lb of rice")   # the amount becomes a count of packs
    cart.remove(rice)
    assert cart.lines == [eggs]
    cart.clear()
    assert not cart


def test_set_changes_the_amount_and_none_removes_the_line(cat):
    cart = Cart()
    eggs = cart.add(cat.by_sku["EGG-L-12"], 1).line
    assert cart.set(eggs, 3, 3, None) is True
    assert cart.lines == [Line("EGG-L-12", 3, 3, None, "Large Eggs")]
    assert cart.set(eggs, 0, 0, None) is False
    assert not cart


def test_replace_puts_another_product_in_the_line(cat):
    cart = Cart()
    eggs = cart.add(cat.by_sku["EGG-L-12"], 1, text="a dozen eggs").line
    cart.add(cat.by_sku["RICE-WHITE-2LB"], 2)
    line = cart.replace(eggs, cat.by_sku["EGG-L-18"], 1, 18, "ct", "18 eggs")
    assert line is eggs and cart.lines[0] == Line("EGG-L-18", 1, 18, "ct", "18 eggs")
    # the cart holds the new product already: its line takes the amount, the old line goes
    line = cart.replace(cart.lines[0], cat.by_sku["RICE-WHITE-2LB"], 5, 5, None, "5 bags of rice")
    assert cart.lines == [line] and line == Line("RICE-WHITE-2LB", 5, 5, None, "5 bags of rice")


def test_total_and_order_are_exact_money(cat):
    cart = Cart()
    cart.add(cat.by_sku["RICE-WHITE-2LB"], 2)
    cart.add(cat.by_sku["EGG-L-12"], 1)
    assert cart.total(cat, NOW) == "9.57"                   # 2 x 2.79 + 3.99
    doc = cart.order(cat, NOW, "rice; eggs", None)
    assert [(l["sku"], l["packs"], l["unit_price"], l["line_total"]) for l in doc["lines"]] == [
        ("RICE-WHITE-2LB", 2, "2.79", "5.58"), ("EGG-L-12", 1, "3.99", "3.99")]
    assert doc["request"] == "rice; eggs" and doc["total"] == "9.57" and doc["currency"] == "USD"
    bananas = cart.add(cat.by_sku["BANANA-1LB"], 3).line
    assert cart.total(cat, NOW) == str(Decimal("9.57") + 3 * Decimal("0.69")) == "11.64"   # priced again
    cart.set(bananas, 10, 10, None)
    assert cart.total(cat, NOW) == "16.47"


def test_summary_wording(cat):
    cart = Cart()
    cart.add(cat.by_sku["EGG-L-12"], 1)
    assert cart.summary(cat, NOW) == "Your cart: 1 item, 3.99 USD."
    cart.add(cat.by_sku["RICE-WHITE-2LB"], 2)
    assert cart.summary(cat, NOW) == "Your cart: 3 items, 9.57 USD."


def test_find_the_line_a_phrase_names(cat):
    cart = Cart()
    eggs = cart.add(cat.by_sku["EGG-L-18"], 1).line
    rice = cart.add(cat.by_sku["RICE-WHITE-2LB"], 2).line
    assert cart.find("the rice", cat) is rice
    assert cart.find("eggs", cat) is eggs
    assert cart.find("a dozen eggs", cat) is eggs            # another size of the same product
    assert cart.find("bananas", cat) is None
    assert cart.find("2 bags", cat) is None                   # no product word at all
    assert cart.find("it", cat, "EGG-L-18") is eggs           # "it": the product spoken of last…
    assert cart.find("it", cat, None) is rice                 # …else the newest line
    assert cart.last("RICE-WHITE-2LB") is rice and cart.line("EGG-L-18") is eggs and cart.line("X") is None
    assert cart.related(cat.by_sku["EGG-L-12"], cat) is eggs
