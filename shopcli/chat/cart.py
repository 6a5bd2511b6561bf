"""The cart: its lines and what can be done to them, with no dialogue around it.

``Cart`` adds a product (onto its line when the cart already holds it, never past ``MAX_PACKS``),
finds the line a phrase names ("the rice", "eggs", "it"), takes packs out, sets an amount, puts
another product in a line's place, and prices itself and sums itself up in a sentence through
``orders.build_order``. It needs a catalog only to look products up; the chat keeps one in its
dialogue state (state.py) and says what happened (shopping.py). Tests: tests/test_cart.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Iterator

from ..errors import NotDone
from ..render import clean

__all__ = ["Cart", "Line", "Added", "CartFull", "MAX_PACKS", "PRONOUNS", "STOP_WORDS"]

MAX_PACKS = 999                      # packs one cart line may hold
PRONOUNS = frozenset({"it", "that", "them", "this", "those", "the last one", "the last item", "the last thing",
                      "that one", "this one", "these"})
# Words that do not name a product: left out when a phrase is matched against product names.
STOP_WORDS = frozenset({"the", "my", "a", "an", "some", "of", "all", "those", "these", "that", "this", "any",
                        "your", "one", "ones", "please", "more", "bag", "bags", "pack", "packs", "box", "boxes",
                        "carton", "cartons", "bottle", "bottles", "jar", "jars", "can", "cans"})


@dataclass
class Line:
    """One cart line: a product, whole packs, and the amount as it was said (to change it later)."""

    sku: str
    packs: int
    quantity: float
    unit: str | None
    text: str


@dataclass(frozen=True)
class Added:
    """What ``Cart.add`` did: the amount as said (a copy, not the cart's line), the cart's line that
    holds it now, and whether it went onto a line the cart already had."""

    said: Line
    line: Line
    merged: bool


class CartFull(NotDone):
    """More packs than a cart line may hold; nothing changed, and the message says why."""


class Cart:
    """The lines of a cart, oldest first; one line a product when filled through ``add``."""

    def __init__(self, lines: Iterable[Line] = ()) -> None:
        self.lines: list[Line] = list(lines)
        self._priced: tuple | None = None    # (catalog, the lines as (sku, packs), their total): priced once

    def __iter__(self) -> Iterator[Line]:
        return iter(self.lines)

    def __len__(self) -> int:
        return len(self.lines)

    def __bool__(self) -> bool:
        return bool(self.lines)

    def __repr__(self) -> str:
        return f"Cart({self.lines!r})"

    # -- reading ----------------------------------------------------------------------------------

    def packs(self) -> int:
        """The packs in the cart, all lines together."""
        return sum(line.packs for line in self.lines)

    def line(self, sku: str) -> Line | None:
        """The line holding this SKU, or None."""
        return next((line for line in self.lines if line.sku == sku), None)

    def last(self, sku: str | None) -> Line | None:
        """The line "it" means: the one holding ``sku`` (the product spoken of last), else the newest."""
        for line in self.lines:
            if line.sku == sku:
                return line
        return self.lines[-1] if self.lines else None

    def find(self, text: str, catalog, last_sku: str | None = None) -> Line | None:
        """The line a phrase names: "the rice", "eggs", "it" (the newest line that fits); a phrase the
        product names do not cover is read by the parser and matched to a line of the same product
        or a variant of it."""
        if text in PRONOUNS:
            return self.last(last_sku)
        from ..catalog.words import tokens

        words = [w for w in tokens(text) if w not in STOP_WORDS and not re.fullmatch(r"[\d.]+", w)]
        if not words:
            return None
        for line in reversed(self.lines):
            p = catalog.by_sku[line.sku]
            if set(words) <= set(tokens(f"{p.name} {p.brand or ''} {' '.join(p.aliases)}")):
                return line
        from ..parse.pipeline import parse_request

        for it in parse_request(text, catalog).items:
            if it.product is not None:
                return self.related(it.product, catalog, [a for a, _ in it.alternatives])
        return None

    def related(self, product, catalog, alternatives=()) -> Line | None:
        """The newest line holding this product or a variant of it (same name, or a close
        alternative on the same shelf)."""
        alt = {a.sku for a in alternatives if a.category == product.category}
        for line in reversed(self.lines):
            if line.sku == product.sku or catalog.by_sku[line.sku].name == product.name or line.sku in alt:
                return line
        return None

    # -- changing ---------------------------------------------------------------------------------

    def add(self, product, packs: int, quantity: float | None = None, unit: str | None = None,
            text: str | None = None) -> Added:
        """Put packs of a product in the cart, onto its line when there is one (the amounts said add
        up when in the same unit, else the line counts packs). Raises ``CartFull`` past MAX_PACKS."""
        line = self.line(product.sku)
        if line is not None and line.packs + packs > MAX_PACKS or packs > MAX_PACKS:
            raise CartFull(f"Sorry, I can't put more than {MAX_PACKS} packs of {clean(product.label)} in the cart.")
        said = Line(product.sku, packs, packs if quantity is None else quantity, unit, text or product.name)
        if line is None:
            line = Line(said.sku, said.packs, said.quantity, said.unit, said.text)
            self.lines.append(line)
            return Added(said, line, False)
        if line.unit == unit:
            line.quantity += said.quantity
        else:
            line.quantity, line.unit = float(line.packs + packs), None
        line.packs += packs
        line.text = f"{line.text}, {said.text}"
        return Added(said, line, True)

    def take(self, line: Line, packs: int) -> None:
        """Take some packs out of a line (fewer than it holds); its amount becomes a count of packs."""
        line.packs -= packs
        line.quantity, line.unit = float(line.packs), None

    def set(self, line: Line, packs: int, quantity: float, unit: str | None) -> bool:
        """Give a line a new amount; none at all removes it. False when the line was removed.
        Raises ``CartFull`` past MAX_PACKS."""
        if packs <= 0:
            self.lines.remove(line)
            return False
        if packs > MAX_PACKS:
            raise CartFull(f"Sorry, that would be more than {MAX_PACKS} packs.")
        line.packs, line.quantity, line.unit = packs, quantity, unit
        return True

    def replace(self, line: Line, product, packs: int, quantity: float, unit: str | None, text: str) -> Line:
        """Put another product, with its amount, in a line's place; when the cart already holds that
        product, its line takes the new amount and the old line goes. The line that holds it.
        Raises ``CartFull`` past MAX_PACKS."""
        if packs > MAX_PACKS:
            raise CartFull(f"Sorry, that would be more than {MAX_PACKS} packs.")
        if any(other.sku == product.sku for other in self.lines if other is not line):
            self.lines.remove(line)
            line = next(other for other in self.lines if other.sku == product.sku)
        line.sku, line.packs, line.quantity, line.unit, line.text = product.sku, packs, quantity, unit, text
        return line

    def remove(self, line: Line) -> None:
        self.lines.remove(line)

    def clear(self) -> None:
        self.lines.clear()

    # -- pricing ----------------------------------------------------------------------------------

    def order(self, catalog, now, request: str = "", delivery: dict | None = None) -> dict:
        """The cart as an order document (without id), priced like ``shop order``."""
        from ..orders.lifecycle import build_order

        return build_order(request, [(catalog.by_sku[line.sku], line.packs) for line in self.lines], now, delivery)

    def total(self, catalog, now) -> str:
        """The cart's total as a money string, priced again only when its lines change."""
        key = tuple((line.sku, line.packs) for line in self.lines)
        if self._priced is None or self._priced[0] is not catalog or self._priced[1] != key:
            self._priced = (catalog, key, self.order(catalog, now)["total"])
        return self._priced[2]

    def summary(self, catalog, now) -> str:
        """ "Your cart: 3 items, 9.57 USD." or "Your cart is empty." """
        if not self.lines:
            return "Your cart is empty."
        from ..orders.lifecycle import CURRENCY

        n = self.packs()
        return f"Your cart: {n} item{'s' if n != 1 else ''}, {self.total(catalog, now)} {CURRENCY}."
