"""The intents that fill and change the cart: add (the parser's items), one more, same again,
set an amount ("make that three", "only 6 eggs"), a variant ("make it organic"), remove, empty,
and show the cart."""

from __future__ import annotations

import re

from .cart import PRONOUNS, CartFull, Line
from .checkout import remember_delivery
from .intents import Intent, read_number
from .preferences import preferred, says, variant
from ..render import clean
from .replies import Reply
from .session import Session
from .shopping import (add, added_reply, find_line, last_line, notes, packs_for_number, replace, set_amount,
                       summary)
from .questions import ask, did_you_mean, question
from .talk import on_unclear

_LEADING_AMOUNT = re.compile(r"^(?:\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
                             r"a couple of|a dozen|half a dozen)\b")
_NUMBER_UNIT = re.compile(r"^(?P<n>\S+(?: \S+)?) (?P<unit>[a-z. ]+)$")


def on_add(s: Session, intent: Intent) -> Reply:
    parsed = intent.parsed
    added: list[str] = []
    products = []
    said: list[str] = []
    ambiguous = []
    offer: list = []
    for it in parsed.items:
        if it.problem:
            said.append(f"I can't add '{clean(it.text, 60)}': {clean(it.problem, 80)}.")
        elif it.status == "matched":
            product, tag = preferred(s, it.product)
            packs = it.packs
            if product is not it.product:
                from ..catalog.units import packs_for

                packs = max(1, packs_for(it.quantity, it.unit, product.size, None, product.container))
            try:
                added.append(add(s, product, packs, it.quantity, it.unit, it.text)
                             + (f" ({tag}, as you prefer)" if tag else ""))
            except CartFull as e:
                said.append(e.message)
                continue
            products.append(product)
        elif it.status == "ambiguous":
            ambiguous.append(it)
        else:
            sentence, hints = did_you_mean(s, it)
            said.append(sentence)
            if hints and not offer:
                offer = hints
                ask(s, "offer" if len(hints) == 1 else "choice", hints, Line("", 0, it.quantity, it.unit, it.text))
    for u in parsed.unparsed:
        said.append(f"I didn't understand '{clean(u, 60)}'.")
    if parsed.delivery:
        said.append(remember_delivery(s, intent.text))
    said = notes(s, products) + said
    if ambiguous:
        said.append(question(s, ambiguous[0], ambiguous[1:]))
    if not added and not products:
        return Reply(" ".join(said) or on_unclear(s, intent).text)
    return Reply(added_reply(s, added, said))


def _add_text(s: Session, text: str) -> Reply:
    """The answer to ``text`` read as items to add."""
    from ..parse.pipeline import parse_request

    return on_add(s, Intent("add", {}, text, parse_request(text, s.catalog)))


def on_more(s: Session, intent: Intent) -> Reply:
    n = intent.slots.get("n") or 1
    if "item" in intent.slots:
        return _add_text(s, f"{_num(n)} {intent.slots['item']}")
    line = last_line(s)
    if line is None:
        return Reply("More of what? Your cart is empty.")
    if n != int(n) or n < 1:
        return Reply("Please say a whole number of packs.")
    return Reply(added_reply(s, [add(s, s.product(line.sku), int(n))]))


def on_same_again(s: Session, intent: Intent) -> Reply:
    state = s.state
    if not state.last_added:
        return Reply("There's nothing to repeat yet.")
    again, state.last_added = state.last_added, []
    added = [add(s, s.product(a.sku), a.packs, a.quantity, a.unit, a.text) for a in again]
    return Reply(added_reply(s, added))


def on_set_quantity(s: Session, intent: Intent) -> Reply:
    amount = intent.slots["amount"]
    target = intent.slots.get("item")
    line = find_line(s, target) if target else last_line(s)
    if line is None:
        if target:
            return Reply(f"There's no {clean(target, 40)} in your cart.")
        if read_number(amount) is None:
            return _add_text(s, amount)
        return Reply(f"{clean(amount, 40).capitalize()} of what? Your cart is empty.")
    n = read_number(amount)
    if n is not None:
        return set_amount(s, line, packs_for_number(s, line, n), n, line.unit)
    m = _NUMBER_UNIT.match(amount)
    if m and read_number(m["n"]) is not None:
        from ..catalog.units import canonical_unit, packs_for

        unit = canonical_unit(m["unit"].rstrip("."))
        if unit is not None:
            q = read_number(m["n"])
            p = s.product(line.sku)
            return set_amount(s, line, packs_for(q, unit, p.size, None, p.container) if q > 0 else 0, q, unit)
    from ..parse.pipeline import parse_request

    cart = s.state.cart
    for it in parse_request(amount, s.catalog).items:
        if it.product is None or it.problem:
            continue
        related = line if target else cart.related(it.product, s.catalog, [a for a, _ in it.alternatives])
        if related is None:
            return _add_text(s, amount)
        if it.status == "ambiguous" and related.sku in {a.sku for a, _ in it.alternatives} | {it.product.sku}:
            product = s.product(related.sku)
        else:
            product = it.product
        if product.sku != related.sku:
            return replace(s, related, product, it.packs, it.quantity, it.unit, it.text)
        return set_amount(s, related, it.packs, it.quantity, it.unit)
    return Reply(f"Sorry, I couldn't read '{clean(amount, 60)}' as an amount.")


def on_variant(s: Session, intent: Intent) -> Reply:
    words = intent.slots["variant"]
    line = last_line(s)
    if line is None:
        return Reply(f"Make what {clean(words, 40)}? Your cart is empty.")
    product = s.product(line.sku)
    better = variant(s.catalog, product, words)
    if better is None and says(product, words):
        return Reply(f"{s.label(product)} is already {clean(words, 40)}.")
    if better is None:
        return Reply(f"Sorry, there's no {clean(words, 40)} {clean(product.name)}.")
    from ..catalog.units import dimension, packs_for

    packs = line.packs
    if dimension(line.unit) in ("mass", "volume"):
        packs = packs_for(line.quantity, line.unit, better.size, None, better.container)
    return replace(s, line, better, packs, line.quantity, line.unit, line.text)


def on_remove(s: Session, intent: Intent) -> Reply:
    state = s.state
    item = intent.slots.get("item")
    line = find_line(s, item) if item else last_line(s)
    if line is None:
        if not state.cart:
            return Reply("Your cart is already empty.")
        return Reply(f"There's no {clean(item or 'such item', 40)} in your cart.")
    label = s.label(line.sku)
    if item and _LEADING_AMOUNT.match(item) and item not in PRONOUNS:
        from ..parse.pipeline import parse_request

        its = [it for it in parse_request(item, s.catalog).items if it.product is not None]
        n = its[0].packs if its else 0
        if 0 < n < line.packs:
            state.cart.take(line, n)
            return Reply(f"Removed {n} x {label} ({line.packs} left). {summary(s)}")
    state.cart.remove(line)
    state.last_added = [a for a in state.last_added if a.sku != line.sku]
    return Reply(f"Removed {label}. {summary(s)}")


def on_empty(s: Session, intent: Intent) -> Reply:
    state = s.state
    if not state.cart:
        return Reply("Your cart is already empty.")
    state.cart.clear()
    state.last_added = []
    return Reply("Done, your cart is empty.")


def on_show_cart(s: Session, intent: Intent) -> Reply:
    cart = s.state.cart
    if not cart:
        return Reply("Your cart is empty.")
    doc = cart.order(s.catalog, s.now)
    rows = [f"- {line['packs']} x {s.label(line['sku'])} @ {line['unit_price']} = {line['line_total']}"
            for line in doc["lines"]]
    return Reply("\n".join([summary(s)] + rows))


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
