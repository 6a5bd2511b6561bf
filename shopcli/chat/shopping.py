"""The cart in the conversation: the cart operations every topic shares, with what the dialogue
remembers of them ("it" is the product added or changed last; "same again" repeats the last
adding turn) and what the assistant says about them (the summary, "Added …", the notes about
preferences and stock). The cart itself is cart.py; the intents that change it, cart_intents.py.
"""

from __future__ import annotations

import math

from .cart import PRONOUNS, CartFull, Line
from .preferences import conflict, prefs
from ..render import clean
from .replies import Reply, _join
from .session import Session


def add(s: Session, product, packs: int, quantity: float | None = None, unit: str | None = None,
        text: str | None = None) -> str:
    """Put packs of a product in the cart; the words saying what was added. Raises ``CartFull``."""
    state = s.state
    added = state.cart.add(product, packs, quantity, unit, text)
    if not state.turn.added:
        state.last_added, state.turn.added = [], True
    state.last_added.append(added.said)
    state.last_sku = product.sku
    if added.merged:
        return f"{packs} more {s.label(product)} (now {added.line.packs})"
    return f"{packs} x {s.label(product)}"


def last_line(s: Session) -> Line | None:
    """The cart line "it" means."""
    return s.state.cart.last(s.state.last_sku)


def find_line(s: Session, text: str) -> Line | None:
    """The cart line a phrase names ("the rice", "it"), looked up once a turn."""
    lines = s.state.turn.lines
    if text not in lines:
        lines[text] = s.state.cart.find(text, s.catalog, s.state.last_sku)
    return lines[text]


def in_cart(s: Session, item: str | None) -> bool:
    """Whether a phrase names something in the cart (what the intent guards ask)."""
    if item is None or item in PRONOUNS:
        return bool(s.state.cart)
    return find_line(s, item) is not None


def summary(s: Session) -> str:
    return s.state.cart.summary(s.catalog, s.now)


def added_reply(s: Session, added: list[str], extra: list[str] = ()) -> str:
    """ "Added 2 x Rice and 1 x Eggs." with the notes, then the cart's summary."""
    parts = []
    if added:
        parts.append(f"Added {_join(added)}.")
    parts.extend(extra)
    parts.append(summary(s))
    return " ".join(parts)


def notes(s: Session, products) -> list[str]:
    """Warnings for products in the cart that go against the shopper's preferences or the stock."""
    out = []
    said = prefs(s)
    for p in products:
        why = conflict(p, said)
        if why:
            out.append(f"Note: {clean(p.name)} {why}.")
        if p.stock is not None:
            line = s.state.cart.line(p.sku)
            left = stock_left(s, p)
            if line.packs > left:
                out.append(f"Note: only {left} {clean(p.name)} left in stock." if left else
                           f"Note: {clean(p.name)} is out of stock right now.")
    return out


def stock_left(s: Session, product) -> int | None:
    """The packs of a product not held by orders (None when its stock is not counted)."""
    if product.stock is None:
        return None
    from ..orders.lifecycle import held_packs

    held = s.from_store("held", lambda: held_packs(s.store.table("orders")))
    return max(0, product.stock - held.get(product.sku, 0))


def packs_for_number(s: Session, line: Line, n: float) -> int:
    """ "make that three": three packs — or three of the unit said ("2 lb of bananas" -> 3 lb)."""
    from ..catalog.units import dimension, packs_for

    if n <= 0:
        return 0
    p = s.product(line.sku)
    if dimension(line.unit) in ("mass", "volume") or (line.unit is None and line.quantity != line.packs):
        return packs_for(n, line.unit, p.size, None, p.container)
    return math.ceil(n)


def set_amount(s: Session, line: Line, packs: int, quantity: float, unit: str | None) -> Reply:
    """Give a cart line a new amount (none removes it) and say so."""
    state = s.state
    label = s.label(line.sku)
    state.last_sku = line.sku
    try:
        kept = state.cart.set(line, packs, quantity, unit)
    except CartFull as e:
        return Reply(e.message)
    if not kept:
        return Reply(f"Removed {label}. {summary(s)}")
    state.last_added = [Line(line.sku, packs, quantity, unit, line.text)]
    return Reply(" ".join([f"Now {packs} x {label}."] + notes(s, [s.product(line.sku)]) + [summary(s)]))


def replace(s: Session, line: Line, product, packs: int, quantity: float, unit: str | None, text: str) -> Reply:
    """Put another product in a cart line's place ("make it organic", "only 18 eggs") and say so."""
    state = s.state
    old = s.label(line.sku)
    try:
        state.cart.replace(line, product, packs, quantity, unit, text)
    except CartFull as e:
        return Reply(e.message)
    state.last_sku = product.sku
    state.last_added = [Line(product.sku, packs, quantity, unit, text)]
    return Reply(" ".join([f"Now {packs} x {s.label(product)} instead of {old}."] + notes(s, [product]) +
                          [summary(s)]))
