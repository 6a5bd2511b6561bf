"""The chat assistant's answers to product questions: price, availability and stock, searches by
attribute, and complements (the one place that calls the suggestion engine)."""

from __future__ import annotations

from .cart import PRONOUNS, Line
from ..errors import DataError
from .intents import Intent, read_filters
from .preferences import conflict, prefs, prefs_words
from ..render import clean
from .replies import LIST_LIMIT, Reply, _join, _options
from .session import Session
from .shopping import stock_left
from .questions import ask, did_you_mean
from .talk import on_unclear


def suggest(s: Session, basis: list[str], limit: int) -> list[tuple[object, str]]:
    """Up to ``limit`` (product, reason) pairs for the basis SKUs, minus what the cart holds and
    what the shopper's preferences exclude."""
    from ..suggest import engine

    try:
        stats = engine.load_stats(s.store)
    except DataError:
        stats = None
    said = prefs(s)
    in_cart = {line.sku for line in s.state.cart}
    out = []
    for got in engine.suggest_for(s.catalog, basis, limit * 4, stats=stats):
        if got.product.sku not in in_cart and conflict(got.product, said) is None:
            out.append((got.product, got.reason))
    return out[:limit]


def _items(s: Session, text: str):
    """The items a question names ("it" is the product spoken of last)."""
    from ..parse.pipeline import parse_request

    if text in PRONOUNS and s.state.last_sku:
        return "pronoun", s.product(s.state.last_sku)
    return "parsed", parse_request(text, s.catalog)


# -- intents --------------------------------------------------------------------------------------

def on_price(s: Session, intent: Intent) -> Reply:
    from ..orders.lifecycle import CURRENCY, money

    kind, got = _items(s, intent.slots["item"])
    if kind == "pronoun":
        ask(s, "offer", [got])
        return Reply(f"{s.label(got)} is {money(got.price)} {CURRENCY}.")
    parts, offer = [], []
    for it in got.items:
        if it.product is None:
            parts.append(did_you_mean(s, it)[0])
        elif it.status == "ambiguous":
            options = list(dict.fromkeys([it.product] + [p for p, _ in it.alternatives]))[:4]
            parts.append(f"{clean(it.words or it.text, 40).capitalize()}: {_options(options, s.label)}.")
            if not offer:
                ask(s, "choice", options, Line("", 0, it.quantity, it.unit, it.text))
                offer = options
        else:
            p, n = it.product, max(1, it.packs)
            if n > 1:
                parts.append(f"{n} x {s.label(p)} is {money(p.price * n)} {CURRENCY} ({money(p.price)} each).")
            else:
                parts.append(f"{s.label(p)} is {money(p.price)} {CURRENCY}.")
            if not offer:
                offer = [p]
                s.state.last_sku = p.sku
                ask(s, "offer", [p], Line("", 0, it.quantity, it.unit, it.text))
    return Reply(" ".join(parts) or on_unclear(s, intent).text)


def on_availability(s: Session, intent: Intent) -> Reply:
    from ..orders.lifecycle import CURRENCY, money

    kind, got = _items(s, intent.slots["item"])
    items = [got] if kind == "pronoun" else got.items
    if not items:
        return on_unclear(s, intent)
    it = items[0]
    if kind == "pronoun":
        product = it
    elif it.product is None:
        sentence, hints = did_you_mean(s, it)
        if hints:
            ask(s, "offer" if len(hints) == 1 else "choice", hints)
        return Reply(sentence.replace("I couldn't find", "we don't have"))
    elif it.status == "ambiguous":
        options = list(dict.fromkeys([it.product] + [p for p, _ in it.alternatives]))[:4]
        ask(s, "choice", options, Line("", 0, it.quantity, it.unit, it.text))
        return Reply(f"We have several: {_options(options, s.label)}. Which one would you like?")
    else:
        product = it.product
    s.state.last_sku = product.sku
    left = stock_left(s, product)
    price = f"{money(product.price)} {CURRENCY}"
    if left is None:
        ask(s, "offer", [product])
        return Reply(f"Yes, we have {s.label(product)} at {price}.")
    if left > 0:
        ask(s, "offer", [product])
        return Reply(f"Yes, {s.label(product)} is in stock ({left} left) at {price}.")
    sentence = f"Sorry, {s.label(product)} is out of stock."
    if kind == "parsed":
        for alt, _ in it.alternatives:
            if alt.category == product.category and (stock_left(s, alt) or alt.stock is None):
                ask(s, "offer", [alt])
                return Reply(f"{sentence} You could try {s.label(alt)} at {money(alt.price)} {CURRENCY}.")
    return Reply(sentence)


def on_search(s: Session, intent: Intent) -> Reply:
    from ..catalog.words import tokens

    f = read_filters(intent.slots.get("filters", ""), s.catalog)
    if f is None:
        return on_unclear(s, intent)
    said = prefs(s)
    want = set(tokens(" ".join(f.words)))
    found, excluded = [], 0
    for p in _shelf(s.catalog, f.category):
        if not set(f.tags) <= set(p.tags):
            continue
        if (f.max_price is not None and p.price > f.max_price) or (f.min_price is not None and p.price < f.min_price):
            continue
        if want and not want <= set(tokens(f"{p.name} {p.brand or ''} {' '.join(p.aliases)}")):
            continue
        if conflict(p, said) is not None:
            excluded += 1
            continue
        found.append(p)
    what = clean(f.describe(), 80)
    if not found:
        fits = f" that fits your preferences ({'; '.join(prefs_words(said))})" if excluded else ""
        return Reply(f"Sorry, I found no {what}{fits}.")
    found.sort(key=lambda p: (-p.popularity, p.price, p.sku))
    shown = found[:LIST_LIMIT]
    ask(s, "choice", shown)
    more = f" ({len(found)} in all; these are the most popular)" if len(found) > len(shown) else ""
    return Reply(f"{what[:1].upper()}{what[1:]}{more}: {_options(shown, s.label)}. Say a number to add one.")


def on_complements(s: Session, intent: Intent) -> Reply:
    item = intent.slots.get("item")
    if item and item not in PRONOUNS:
        kind, got = _items(s, item)
        its = [it for it in got.items if it.product is not None]
        if not its:
            return Reply(did_you_mean(s, got.items[0])[0] if got.items else on_unclear(s, intent).text)
        basis = list(dict.fromkeys(it.product for it in its))
    elif item and s.state.last_sku:
        basis = [s.product(s.state.last_sku)]
    else:
        basis = [s.product(line.sku) for line in s.state.cart]
        if not basis:
            return Reply("Tell me a product first, e.g. \"what goes with pasta?\"")
    got = suggest(s, [p.sku for p in basis], 3)
    what = _join([s.label(p) for p in basis]) if item else "your cart"
    if not got:
        return Reply(f"I have no suggestions to go with {what}.")
    products = [p for p, _ in got]
    for p, reason in got:
        s.state.offered.setdefault(p.sku, {"sku": p.sku, "name": p.name, "reason": reason})
    ask(s, "offer", products)
    return Reply(f"To go with {what}: {_options(products, s.label)}. Shall I add the {clean(products[0].name)}?")


_SHELVES: "weakref.WeakKeyDictionary" = None  # type: ignore[assignment]


def _shelf(catalog, category: str | None) -> list:
    """The products of one shelf (all products for None), grouped once per catalog."""
    global _SHELVES
    import weakref

    if _SHELVES is None:
        _SHELVES = weakref.WeakKeyDictionary()
    shelves = _SHELVES.get(catalog)
    if shelves is None:
        shelves = _SHELVES[catalog] = {None: list(catalog)}
        for p in shelves[None]:
            shelves.setdefault(p.category, []).append(p)
    return shelves.get(category, [])
