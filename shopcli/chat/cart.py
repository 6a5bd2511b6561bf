"""The chat assistant's cart: its lines, adding, removing and changing amounts, totals, and the
sentence that sums the cart up. A mixin of ``Assistant`` (shopcli/assistant.py)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..errors import NotDone
from .intents import Intent, read_number
from ..render import clean
from .replies import Reply, _join

MAX_PACKS = 999
PRONOUNS = frozenset({"it", "that", "them", "this", "those", "the last one", "the last item", "the last thing",
                      "that one", "this one", "these"})
_STOP = frozenset({"the", "my", "a", "an", "some", "of", "all", "those", "these", "that", "this", "any", "your",
                   "one", "ones", "please", "more", "bag", "bags", "pack", "packs", "box", "boxes", "carton",
                   "cartons", "bottle", "bottles", "jar", "jars", "can", "cans"})
_LEADING_AMOUNT = re.compile(r"^(?:\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
                             r"a couple of|a dozen|half a dozen)\b")
_NUMBER_UNIT = re.compile(r"^(?P<n>\S+(?: \S+)?) (?P<unit>[a-z. ]+)$")


@dataclass
class Line:
    """One cart line: a product, whole packs, and the amount as it was said (to change it later)."""

    sku: str
    packs: int
    quantity: float
    unit: str | None
    text: str


class _Refused(NotDone):
    """An item the cart cannot take (too many packs); its message is the answer."""


class CartMixin:
    """The cart and the intents that fill and change it."""

    # -- the cart -----------------------------------------------------------------------------------

    def _product(self, sku: str):
        return self.catalog.by_sku[sku]

    def _label(self, sku_or_product) -> str:
        p = self._product(sku_or_product) if isinstance(sku_or_product, str) else sku_or_product
        got = self._labels.get(p.sku)            # products never change during a chat
        if got is None:
            got = self._labels[p.sku] = clean(p.label)
        return got

    def _summary(self) -> str:
        if not self.cart:
            return "Your cart is empty."
        from ..orders.lifecycle import CURRENCY

        n = sum(line.packs for line in self.cart)
        return f"Your cart: {n} item{'s' if n != 1 else ''}, {self._cart_total()} {CURRENCY}."

    def _cart_total(self) -> str:
        """The cart's total, priced again only when its lines change."""
        key = tuple((line.sku, line.packs) for line in self.cart)
        if self._total is None or self._total[0] != key:
            self._total = (key, self._order_doc("")["total"])
        return self._total[1]

    def _order_doc(self, request: str, delivery: dict | None = None) -> dict:
        from ..orders.lifecycle import build_order

        return build_order(request, [(self._product(line.sku), line.packs) for line in self.cart], self.now, delivery)

    def _add(self, product, packs: int, quantity: float | None = None, unit: str | None = None,
             text: str | None = None) -> str:
        """Put packs of a product in the cart (adding to its line); the words saying what was added."""
        line = next((line for line in self.cart if line.sku == product.sku), None)
        if line is not None and line.packs + packs > MAX_PACKS or packs > MAX_PACKS:
            raise _Refused(f"Sorry, I can't put more than {MAX_PACKS} packs of {self._label(product)} in the cart.")
        said = Line(product.sku, packs, packs if quantity is None else quantity, unit, text or product.name)
        if not self._added_this_turn:
            self.last_added, self._added_this_turn = [], True
        self.last_added.append(said)
        self.last_sku = product.sku
        if line is None:
            self.cart.append(Line(said.sku, said.packs, said.quantity, said.unit, said.text))
            return f"{packs} x {self._label(product)}"
        if line.unit == unit:
            line.quantity += said.quantity
        else:
            line.quantity, line.unit = float(line.packs + packs), None
        line.packs += packs
        line.text = f"{line.text}, {said.text}"
        return f"{packs} more {self._label(product)} (now {line.packs})"

    def _last_line(self) -> Line | None:
        for line in self.cart:
            if line.sku == self.last_sku:
                return line
        return self.cart[-1] if self.cart else None

    def _in_cart(self, item: str | None) -> bool:
        if item is None or item in PRONOUNS:
            return bool(self.cart)
        return self._find_line(item) is not None

    def _find_line(self, text: str) -> Line | None:
        """The cart line a phrase names: "the rice", "eggs", "it" (the newest line that fits)."""
        if text in self._lines_cache:
            return self._lines_cache[text]
        found = None
        if text in PRONOUNS:
            found = self._last_line()
        else:
            from ..catalog.words import tokens

            words = [w for w in tokens(text) if w not in _STOP and not re.fullmatch(r"[\d.]+", w)]
            for line in reversed(self.cart):
                p = self._product(line.sku)
                have = set(tokens(f"{p.name} {p.brand or ''} {' '.join(p.aliases)}"))
                if words and set(words) <= have:
                    found = line
                    break
            if found is None and words:
                from ..parse.pipeline import parse_request

                for it in parse_request(text, self.catalog).items:
                    if it.product is not None:
                        found = self._related_line(it.product, [a for a, _ in it.alternatives])
                        break
        self._lines_cache[text] = found
        return found

    def _related_line(self, product, alternatives=()) -> Line | None:
        """The newest cart line holding this product or a variant of it (same name, or a close
        alternative on the same shelf)."""
        alt = {a.sku for a in alternatives if a.category == product.category}
        for line in reversed(self.cart):
            p = self._product(line.sku)
            if line.sku == product.sku or p.name == product.name or line.sku in alt:
                return line
        return None

    def _added_reply(self, added: list[str], extra: list[str] = ()) -> str:
        parts = []
        if added:
            parts.append(f"Added {_join(added)}.")
        parts.extend(extra)
        parts.append(self._summary())
        return " ".join(parts)

    # -- intents: adding and changing -------------------------------------------------------------------

    def _on_add(self, intent: Intent) -> Reply:
        parsed = intent.parsed
        added: list[str] = []
        products = []
        notes: list[str] = []
        ambiguous = []
        offer: list = []
        for it in parsed.items:
            if it.problem:
                notes.append(f"I can't add '{clean(it.text, 60)}': {clean(it.problem, 80)}.")
            elif it.status == "matched":
                product, tag = self._preferred(it.product)
                packs = it.packs
                if product is not it.product:
                    from ..catalog.units import packs_for

                    packs = max(1, packs_for(it.quantity, it.unit, product.size, None, product.container))
                try:
                    added.append(self._add(product, packs, it.quantity, it.unit, it.text)
                                 + (f" ({tag}, as you prefer)" if tag else ""))
                except _Refused as e:
                    notes.append(e.message)
                    continue
                products.append(product)
            elif it.status == "ambiguous":
                ambiguous.append(it)
            else:
                sentence, hints = self._did_you_mean(it)
                notes.append(sentence)
                if hints and not offer:
                    offer = hints
                    self._ask("offer" if len(hints) == 1 else "choice", hints,
                              Line("", 0, it.quantity, it.unit, it.text))
        for u in parsed.unparsed:
            notes.append(f"I didn't understand '{clean(u, 60)}'.")
        if parsed.delivery:
            notes.append(self._remember_delivery(intent.text))
        notes = self._notes(products) + notes
        if ambiguous:
            notes.append(self._question(ambiguous[0], ambiguous[1:]))
        if not added and not products:
            return Reply(" ".join(notes) or self._on_unclear(intent).text)
        return Reply(self._added_reply(added, notes))

    def _notes(self, products) -> list[str]:
        """Warnings for products that go against the shopper's preferences or the stock."""
        notes = []
        prefs = self._prefs()
        for p in products:
            why = self._conflict(p, prefs)
            if why:
                notes.append(f"Note: {clean(p.name)} {why}.")
            if p.stock is not None:
                line = next(line for line in self.cart if line.sku == p.sku)
                left = self._stock_left(p)
                if line.packs > left:
                    notes.append(f"Note: only {left} {clean(p.name)} left in stock." if left else
                                 f"Note: {clean(p.name)} is out of stock right now.")
        return notes

    def _on_more(self, intent: Intent) -> Reply:
        n = intent.slots.get("n") or 1
        if "item" in intent.slots:
            from ..parse.pipeline import parse_request

            text = f"{_num(n)} {intent.slots['item']}"
            return self._on_add(Intent("add", {}, text, parse_request(text, self.catalog)))
        line = self._last_line()
        if line is None:
            return Reply("More of what? Your cart is empty.")
        if n != int(n) or n < 1:
            return Reply("Please say a whole number of packs.")
        added = self._add(self._product(line.sku), int(n))
        return Reply(self._added_reply([added]))

    def _on_same_again(self, intent: Intent) -> Reply:
        if not self.last_added:
            return Reply("There's nothing to repeat yet.")
        again, self.last_added = self.last_added, []
        added = [self._add(self._product(s.sku), s.packs, s.quantity, s.unit, s.text) for s in again]
        return Reply(self._added_reply(added))

    def _on_set_quantity(self, intent: Intent) -> Reply:
        amount = intent.slots["amount"]
        target = intent.slots.get("item")
        line = self._find_line(target) if target else self._last_line()
        if line is None:
            if target:
                return Reply(f"There's no {clean(target, 40)} in your cart.")
            if read_number(amount) is None:
                return self._add_text(amount)
            return Reply(f"{clean(amount, 40).capitalize()} of what? Your cart is empty.")
        n = read_number(amount)
        if n is not None:
            return self._set(line, self._packs_for_number(line, n), n, line.unit)
        m = _NUMBER_UNIT.match(amount)
        if m and read_number(m["n"]) is not None:
            from ..catalog.units import canonical_unit, packs_for

            unit = canonical_unit(m["unit"].rstrip("."))
            if unit is not None:
                q = read_number(m["n"])
                p = self._product(line.sku)
                return self._set(line, packs_for(q, unit, p.size, None, p.container) if q > 0 else 0, q, unit)
        from ..parse.pipeline import parse_request

        for it in parse_request(amount, self.catalog).items:
            if it.product is None or it.problem:
                continue
            related = line if target else self._related_line(it.product, [a for a, _ in it.alternatives])
            if related is None:
                return self._add_text(amount)
            if it.status == "ambiguous" and related.sku in {a.sku for a, _ in it.alternatives} | {it.product.sku}:
                product = self._product(related.sku)
            else:
                product = it.product
            if product.sku != related.sku:
                return self._replace(related, product, it.packs, it.quantity, it.unit, it.text)
            return self._set(related, it.packs, it.quantity, it.unit)
        return Reply(f"Sorry, I couldn't read '{clean(amount, 60)}' as an amount.")

    def _add_text(self, text: str) -> Reply:
        from ..parse.pipeline import parse_request

        return self._on_add(Intent("add", {}, text, parse_request(text, self.catalog)))

    def _packs_for_number(self, line: Line, n: float) -> int:
        """ "make that three": three packs — or three of the unit said ("2 lb of bananas" -> 3 lb)."""
        from ..catalog.units import dimension, packs_for

        if n <= 0:
            return 0
        p = self._product(line.sku)
        if dimension(line.unit) in ("mass", "volume") or (line.unit is None and line.quantity != line.packs):
            return packs_for(n, line.unit, p.size, None, p.container)
        return math.ceil(n)

    def _set(self, line: Line, packs: int, quantity: float, unit: str | None) -> Reply:
        label = self._label(line.sku)
        self.last_sku = line.sku
        if packs <= 0:
            self.cart.remove(line)
            return Reply(f"Removed {label}. {self._summary()}")
        if packs > MAX_PACKS:
            return Reply(f"Sorry, that would be more than {MAX_PACKS} packs.")
        line.packs, line.quantity, line.unit = packs, quantity, unit
        self.last_added = [Line(line.sku, packs, quantity, unit, line.text)]
        return Reply(" ".join([f"Now {packs} x {label}."] + self._notes([self._product(line.sku)]) +
                              [self._summary()]))

    def _replace(self, line: Line, product, packs: int, quantity: float, unit: str | None, text: str) -> Reply:
        old = self._label(line.sku)
        if packs > MAX_PACKS:
            return Reply(f"Sorry, that would be more than {MAX_PACKS} packs.")
        if any(other.sku == product.sku for other in self.cart if other is not line):
            self.cart.remove(line)
            line = next(other for other in self.cart if other.sku == product.sku)
        line.sku, line.packs, line.quantity, line.unit, line.text = product.sku, packs, quantity, unit, text
        self.last_sku = product.sku
        self.last_added = [Line(product.sku, packs, quantity, unit, text)]
        return Reply(" ".join([f"Now {packs} x {self._label(product)} instead of {old}."] +
                              self._notes([product]) + [self._summary()]))

    def _on_variant(self, intent: Intent) -> Reply:
        words = intent.slots["variant"]
        line = self._last_line()
        if line is None:
            return Reply(f"Make what {clean(words, 40)}? Your cart is empty.")
        product = self._product(line.sku)
        better = self._variant(product, words)
        if better is None and self._says(product, words):
            return Reply(f"{self._label(product)} is already {clean(words, 40)}.")
        if better is None:
            return Reply(f"Sorry, there's no {clean(words, 40)} {clean(product.name)}.")
        from ..catalog.units import dimension, packs_for

        packs = line.packs
        if dimension(line.unit) in ("mass", "volume"):
            packs = packs_for(line.quantity, line.unit, better.size, None, better.container)
        return self._replace(line, better, packs, line.quantity, line.unit, line.text)

    def _on_remove(self, intent: Intent) -> Reply:
        item = intent.slots.get("item")
        line = self._find_line(item) if item else self._last_line()
        if line is None:
            if not self.cart:
                return Reply("Your cart is already empty.")
            return Reply(f"There's no {clean(item or 'such item', 40)} in your cart.")
        label = self._label(line.sku)
        if item and _LEADING_AMOUNT.match(item) and item not in PRONOUNS:
            from ..parse.pipeline import parse_request

            its = [it for it in parse_request(item, self.catalog).items if it.product is not None]
            n = its[0].packs if its else 0
            if 0 < n < line.packs:
                line.packs -= n
                line.quantity, line.unit = float(line.packs), None
                return Reply(f"Removed {n} x {label} ({line.packs} left). {self._summary()}")
        self.cart.remove(line)
        self.last_added = [s for s in self.last_added if s.sku != line.sku]
        return Reply(f"Removed {label}. {self._summary()}")

    def _on_empty(self, intent: Intent) -> Reply:
        if not self.cart:
            return Reply("Your cart is already empty.")
        self.cart.clear()
        self.last_added = []
        return Reply("Done, your cart is empty.")

    def _on_show_cart(self, intent: Intent) -> Reply:
        if not self.cart:
            return Reply("Your cart is empty.")
        doc = self._order_doc("")
        rows = [f"- {line['packs']} x {self._label(line['sku'])} @ {line['unit_price']} = {line['line_total']}"
                for line in doc["lines"]]
        return Reply("\n".join([self._summary()] + rows))


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
