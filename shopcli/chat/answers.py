"""The chat assistant's answers to product questions: price, availability and stock, searches by
attribute, and complements (the one place that calls the suggestion engine). A mixin of
``Assistant``."""

from __future__ import annotations

from .cart import PRONOUNS, Line
from ..errors import DataError
from .intents import Intent, read_filters
from .preferences import _prefs_words
from ..render import clean
from .replies import LIST_LIMIT, Reply, _join, _options


class AnswersMixin:
    """Questions about products."""

    # -- suggestions (the engine is another module's; this is the one place that calls it) ----------

    def _suggest(self, basis: list[str], limit: int) -> list[tuple[object, str]]:
        """Up to ``limit`` (product, reason) pairs for the basis SKUs, minus what the cart holds and
        what the shopper's preferences exclude."""
        from ..suggest import engine as suggest

        try:
            stats = suggest.load_stats(self.store)
        except DataError:
            stats = None
        prefs = self._prefs()
        in_cart = {line.sku for line in self.cart}
        out = []
        for s in suggest.suggest_for(self.catalog, basis, limit * 4, stats=stats):
            if s.product.sku not in in_cart and self._conflict(s.product, prefs) is None:
                out.append((s.product, s.reason))
        return out[:limit]

    # -- intents: questions about products ---------------------------------------------------------------

    def _items(self, text: str):
        """The items a question names ("it" is the product spoken of last)."""
        from ..parse.pipeline import parse_request

        if text in PRONOUNS and self.last_sku:
            return "pronoun", self._product(self.last_sku)
        return "parsed", parse_request(text, self.catalog)

    def _on_price(self, intent: Intent) -> Reply:
        from ..orders.lifecycle import CURRENCY, money

        kind, got = self._items(intent.slots["item"])
        if kind == "pronoun":
            self._ask("offer", [got])
            return Reply(f"{self._label(got)} is {money(got.price)} {CURRENCY}.")
        parts, offer = [], []
        for it in got.items:
            if it.product is None:
                parts.append(self._did_you_mean(it)[0])
            elif it.status == "ambiguous":
                options = list(dict.fromkeys([it.product] + [p for p, _ in it.alternatives]))[:4]
                parts.append(f"{clean(it.words or it.text, 40).capitalize()}: {_options(options, self._label)}.")
                if not offer:
                    self._ask("choice", options, Line("", 0, it.quantity, it.unit, it.text))
                    offer = options
            else:
                p, n = it.product, max(1, it.packs)
                if n > 1:
                    parts.append(f"{n} x {self._label(p)} is {money(p.price * n)} {CURRENCY} "
                                 f"({money(p.price)} each).")
                else:
                    parts.append(f"{self._label(p)} is {money(p.price)} {CURRENCY}.")
                if not offer:
                    offer = [p]
                    self.last_sku = p.sku
                    self._ask("offer", [p], Line("", 0, it.quantity, it.unit, it.text))
        return Reply(" ".join(parts) or self._on_unclear(intent).text)

    def _stock_left(self, product) -> int | None:
        if product.stock is None:
            return None
        from ..orders.lifecycle import held_packs

        held = self._from_store("held", lambda: held_packs(self.store.table("orders")))
        return max(0, product.stock - held.get(product.sku, 0))

    def _on_availability(self, intent: Intent) -> Reply:
        from ..orders.lifecycle import CURRENCY, money

        kind, got = self._items(intent.slots["item"])
        items = [got] if kind == "pronoun" else got.items
        if not items:
            return self._on_unclear(intent)
        it = items[0]
        if kind == "pronoun":
            product = it
        elif it.product is None:
            sentence, hints = self._did_you_mean(it)
            if hints:
                self._ask("offer" if len(hints) == 1 else "choice", hints)
            return Reply(sentence.replace("I couldn't find", "we don't have"))
        elif it.status == "ambiguous":
            options = list(dict.fromkeys([it.product] + [p for p, _ in it.alternatives]))[:4]
            self._ask("choice", options, Line("", 0, it.quantity, it.unit, it.text))
            return Reply(f"We have several: {_options(options, self._label)}. Which one would you like?")
        else:
            product = it.product
        self.last_sku = product.sku
        left = self._stock_left(product)
        price = f"{money(product.price)} {CURRENCY}"
        if left is None:
            self._ask("offer", [product])
            return Reply(f"Yes, we have {self._label(product)} at {price}.")
        if left > 0:
            self._ask("offer", [product])
            return Reply(f"Yes, {self._label(product)} is in stock ({left} left) at {price}.")
        sentence = f"Sorry, {self._label(product)} is out of stock."
        if kind == "parsed":
            for alt, _ in it.alternatives:
                if alt.category == product.category and (self._stock_left(alt) or alt.stock is None):
                    self._ask("offer", [alt])
                    return Reply(f"{sentence} You could try {self._label(alt)} at {money(alt.price)} {CURRENCY}.")
        return Reply(sentence)

    def _on_search(self, intent: Intent) -> Reply:
        from ..catalog.words import tokens

        f = read_filters(intent.slots.get("filters", ""), self.catalog)
        if f is None:
            return self._on_unclear(intent)
        prefs = self._prefs()
        want = set(tokens(" ".join(f.words)))
        found, excluded = [], 0
        for p in _shelf(self.catalog, f.category):
            if not set(f.tags) <= set(p.tags):
                continue
            if (f.max_price is not None and p.price > f.max_price) or (f.min_price is not None and p.price < f.min_price):
                continue
            if want and not want <= set(tokens(f"{p.name} {p.brand or ''} {' '.join(p.aliases)}")):
                continue
            if self._conflict(p, prefs) is not None:
                excluded += 1
                continue
            found.append(p)
        what = clean(f.describe(), 80)
        if not found:
            fits = f" that fits your preferences ({'; '.join(_prefs_words(prefs))})" if excluded else ""
            return Reply(f"Sorry, I found no {what}{fits}.")
        found.sort(key=lambda p: (-p.popularity, p.price, p.sku))
        shown = found[:LIST_LIMIT]
        self._ask("choice", shown)
        more = f" ({len(found)} in all; these are the most popular)" if len(found) > len(shown) else ""
        return Reply(f"{what[:1].upper()}{what[1:]}{more}: {_options(shown, self._label)}. "
                     "Say a number to add one.")

    def _on_complements(self, intent: Intent) -> Reply:
        item = intent.slots.get("item")
        if item and item not in PRONOUNS:
            kind, got = self._items(item)
            its = [it for it in got.items if it.product is not None]
            if not its:
                return Reply(self._did_you_mean(got.items[0])[0] if got.items else self._on_unclear(intent).text)
            basis = list(dict.fromkeys(it.product for it in its))
        elif item and self.last_sku:
            basis = [self._product(self.last_sku)]
        else:
            basis = [self._product(line.sku) for line in self.cart]
            if not basis:
                return Reply("Tell me a product first, e.g. \"what goes with pasta?\"")
        got = self._suggest([p.sku for p in basis], 3)
        what = _join([self._label(p) for p in basis]) if item else "your cart"
        if not got:
            return Reply(f"I have no suggestions to go with {what}.")
        products = [p for p, _ in got]
        for p, reason in got:
            self.offered.setdefault(p.sku, {"sku": p.sku, "name": p.name, "reason": reason})
        self._ask("offer", products)
        return Reply(f"To go with {what}: {_options(products, self._label)}. "
                     f"Shall I add the {clean(products[0].name)}?")


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
