"""The chat assistant: the dialogue state (cart, the question it asked, what "it" is) and one
short answer per turn.

``Assistant.turn(text)`` reads a turn through the intent layer (shopcli/intents.py), acts on it
with the same core as the other commands — the parser, ``orders.build_order`` and
``orders.place_orders`` for pricing, stock and ids, the suggestion engine for complements — and
answers in a sentence or a short list. It never raises: every error of a turn becomes a sentence.
With a fixed clock and a fresh store the same turns give the same answers, byte for byte.

The cart lives in memory for the session; orders and preferences live in the store, read and
written one transaction at a time (no handle is kept between turns).
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass, field

from .errors import DataError, NotDone, ShopError
from .intents import (Context, Intent, Preference, avoid_tags, diet_rules, read_filters, read_number,
                      read_preference, understand)
from .render import Output, clean

__all__ = ["Assistant", "Reply", "Line", "run_chat", "PREFERENCES"]

PREFERENCES = "preferences"          # the store table holding the shopper's preferences (one document)
MAX_PACKS = 999
LIST_LIMIT = 5
PRONOUNS = frozenset({"it", "that", "them", "this", "those", "the last one", "the last item", "the last thing",
                      "that one", "this one", "these"})
_STOP = frozenset({"the", "my", "a", "an", "some", "of", "all", "those", "these", "that", "this", "any", "your",
                   "one", "ones", "please", "more", "bag", "bags", "pack", "packs", "box", "boxes", "carton",
                   "cartons", "bottle", "bottles", "jar", "jars", "can", "cans"})
_LEADING_AMOUNT = re.compile(r"^(?:\d+(?:\.\d+)?|a|an|one|two|three|four|five|six|seven|eight|nine|ten|"
                             r"a couple of|a dozen|half a dozen)\b")
_NUMBER_UNIT = re.compile(r"^(?P<n>\S+(?: \S+)?) (?P<unit>[a-z. ]+)$")
STATUS_WORDS = {"placed": "placed", "scheduled": "scheduled", "out_for_delivery": "out for delivery",
                "delivered": "delivered", "ready_for_pickup": "ready for pickup", "picked_up": "picked up",
                "cancelled": "cancelled"}


@dataclass
class Line:
    """One cart line: a product, whole packs, and the amount as it was said (to change it later)."""

    sku: str
    packs: int
    quantity: float
    unit: str | None
    text: str


@dataclass
class Pending:
    """The question the assistant asked: "choice" (which product?), "offer" (yes adds the first)
    or "checkout" (when, or where?)."""

    kind: str
    options: list[str] = field(default_factory=list)
    amount: Line | None = None               # the amount said for the product still to be chosen
    queue: list = field(default_factory=list)  # further ambiguous items of the same turn


@dataclass(frozen=True)
class Reply:
    text: str
    done: bool = False


class Assistant:
    """One conversation. ``turn`` answers; ``cart``, ``events`` and ``state_lines`` show what it did."""

    def __init__(self, settings) -> None:
        self.catalog = settings.catalog
        self.store = settings.store
        self.now = settings.now
        self.cart: list[Line] = []
        self.pending: Pending | None = None
        self.last_sku: str | None = None         # the product spoken of last: "it", "that"
        self.last_added: list[Line] = []          # for "same again"
        self.delivery: dict | None = None        # a delivery said along with items, used at checkout
        self.offered: dict[str, dict] = {}        # suggestions shown since the last checkout (for the order)
        self.events: list[str] = []               # what happened to orders in the last turn
        self.data_error = False
        self._prefs_cache: dict | None = None
        self._lines_cache: dict[str, Line | None] = {}
        self._added_this_turn = False
        self._held_cache: dict[str, int] | None = None

    # -- one turn ---------------------------------------------------------------------------------

    def turn(self, text: str) -> Reply:
        """Answer one turn; never raises."""
        from .parse.normalize import check_request

        self.events = []
        self._added_this_turn = False
        self._prefs_cache = None
        self._held_cache = None
        self._lines_cache = {}
        pending, self.pending = self.pending, None
        try:
            if not (text.isascii() and text.isprintable() and text.strip() and len(text) < 1000):
                text = check_request(text)      # the same checks, needed only for unusual text
            reply = self._turn(text, pending)
        except ShopError as e:
            if isinstance(e, DataError):
                self.data_error = True
            reply = Reply(_sentence(e))
        except Exception as e:  # noqa: BLE001 - a turn never ends the conversation with a traceback
            reply = Reply(f"Sorry, something went wrong there ({type(e).__name__}). Please try again or rephrase.")
        lines = [" ".join(line.split()) if not line.startswith("- ") else "- " + " ".join(line[2:].split())
                 for line in reply.text.split("\n")]
        return Reply("\n".join(line for line in lines if line), reply.done)

    def _turn(self, text: str, pending: Pending | None) -> Reply:
        if pending is not None and pending.kind == "checkout":
            placed = self._checkout_answer(text)
            if placed is not None:
                return placed
        intent = understand(text, Context(self.catalog, self._in_cart))
        if pending is not None and pending.kind == "checkout" and _not_read(intent):
            self.pending = pending
            return Reply(f"Sorry, I couldn't read '{clean(text, 60)}' as a delivery time or a pickup store. "
                         "Say e.g. \"tomorrow evening\" or \"pickup at Downtown\".")
        if pending is not None and pending.kind in ("choice", "offer"):
            answered = self._answer(intent, pending)
            if answered is not None:
                return answered
        return getattr(self, "_on_" + intent.name)(intent)

    def state_lines(self) -> list[str]:
        """The cart and the order events of the last turn, as a transcript records them."""
        cart = ", ".join(f"{line.sku}×{line.packs}" for line in self.cart) or "empty"
        return [f"= cart: {cart}"] + [f"= order: {e}" for e in self.events]

    # -- the cart -----------------------------------------------------------------------------------

    def _product(self, sku: str):
        return self.catalog.by_sku[sku]

    def _label(self, sku_or_product) -> str:
        p = self._product(sku_or_product) if isinstance(sku_or_product, str) else sku_or_product
        return clean(p.label)

    def _summary(self) -> str:
        if not self.cart:
            return "Your cart is empty."
        from .orders import CURRENCY

        n = sum(line.packs for line in self.cart)
        return f"Your cart: {n} item{'s' if n != 1 else ''}, {self._order_doc('')['total']} {CURRENCY}."

    def _order_doc(self, request: str, delivery: dict | None = None) -> dict:
        from .orders import build_order

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
            from .words import tokens

            words = [w for w in tokens(text) if w not in _STOP and not re.fullmatch(r"[\d.]+", w)]
            for line in reversed(self.cart):
                p = self._product(line.sku)
                have = set(tokens(f"{p.name} {p.brand or ''} {' '.join(p.aliases)}"))
                if words and set(words) <= have:
                    found = line
                    break
            if found is None and words:
                from .parse import parse_request

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

    # -- preferences --------------------------------------------------------------------------------

    def _prefs(self) -> dict:
        if self._prefs_cache is None:
            try:
                docs = self.store.table(PREFERENCES)
            except DataError:                # reported where the store matters; the cart works without it
                self.data_error = True
                docs = []
            doc = docs[0] if docs else {}
            self._prefs_cache = {k: list(doc.get(k) or []) for k in ("diet", "prefer", "avoid")}
        return self._prefs_cache

    def _save_prefs(self, prefs: dict) -> None:
        with self.store.transaction() as tx:
            table = tx.table(PREFERENCES)
            table.truncate()
            if any(prefs.values()):
                table.insert({k: v for k, v in prefs.items() if v})
        self._prefs_cache = prefs

    def _conflict(self, product, prefs: dict | None = None) -> str | None:
        """Why a product goes against the shopper's preferences ("isn't vegetarian"), or None."""
        prefs = self._prefs() if prefs is None else prefs
        for diet in prefs["diet"]:
            rules = diet_rules(diet)
            if product.category in rules["exclude_categories"]:
                return f"isn't {diet}"
            need = rules["require_any_tag"]
            if need and product.tags and not set(need) & set(product.tags):
                return f"isn't {diet}"
        if prefs["avoid"]:
            from .words import singular, tokens

            name = set(tokens(f"{product.name} {' '.join(product.aliases)}"))
            for said in prefs["avoid"]:
                word = " ".join(singular(w) for w in said.split())
                if set(tokens(word)) <= name:
                    return f"has {said} in it"
                if set(avoid_tags(word)) & set(product.tags):
                    tag = next(t for t in avoid_tags(word) if t in product.tags)
                    return tag.replace("contains-", "contains ")
        return None

    def _preferred(self, product):
        """The variant the shopper prefers (organic, say) when the catalog has one, else the product."""
        for tag in self._prefs()["prefer"]:
            if tag not in product.tags:
                better = self._variant(product, tag)
                if better is not None:
                    return better, tag
        return product, None

    def _variant(self, product, words: str):
        """Another product of the same kind (same shelf and head noun) that says ``words``:
        "organic" Whole Milk -> Organic Whole Milk; "oat milk" instead of Whole Milk -> Oat Milk."""
        from .words import tokens

        want = set(tokens(words))
        name = tokens(product.name)
        if not want or not name:
            return None
        head, base = name[-1], set(name)
        index = self.catalog.index
        best, best_key = None, None
        for i in index.posting(head) or ():
            q = index.product(i)
            if q.sku == product.sku or q.category != product.category:
                continue
            q_words = set(tokens(q.name))
            if head not in q_words:
                continue
            has = q_words | set(tokens(q.brand or "")) | {w for t in q.tags for w in tokens(t)} | set(q.tags)
            if not want <= has or (want <= base and q.name == product.name):
                continue
            key = (len(base & q_words), q.size_text == product.size_text, -_size_gap(q, product), q.popularity,
                   q.sku)
            if best_key is None or key > best_key:
                best, best_key = q, key
        return best

    @staticmethod
    def _says(product, words: str) -> bool:
        from .words import tokens

        have = set(tokens(f"{product.name} {product.brand or ''}")) | {w for t in product.tags for w in tokens(t)}
        return set(tokens(words)) <= have

    # -- suggestions (the engine is another module's; this is the one place that calls it) ----------

    def _suggest(self, basis: list[str], limit: int) -> list[tuple[object, str]]:
        """Up to ``limit`` (product, reason) pairs for the basis SKUs, minus what the cart holds and
        what the shopper's preferences exclude."""
        from . import suggest

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

    # -- answering a question -------------------------------------------------------------------------

    def _ask(self, kind: str, products: list, amount: Line | None = None, queue=()) -> None:
        self.pending = Pending(kind, [p.sku for p in products], amount, list(queue))

    def _answer(self, intent: Intent, pending: Pending) -> Reply | None:
        """A reply to the question asked, or None when the turn is about something else."""
        options = pending.options
        n = read_number(intent.text) if intent.name == "choose" else None
        if n is not None and pending.kind == "offer" and len(options) == 1 and n == int(n):
            product = self._product(options[0])        # "how much is olive oil?" "2": two of it
            added = self._add(product, int(n))
            return Reply(self._added_reply([added], self._notes([product])))
        if intent.name == "choose":
            k = intent.slots["ordinal"]
            if k == -1:
                k = len(options)
            if not 1 <= k <= len(options):
                self.pending = pending
                if len(options) == 1:
                    return Reply(f"Say \"yes\" to add {self._label(options[0])}, or ask me something else.")
                return Reply(f"Please pick a number from 1 to {len(options)}.")
            return self._take(options[k - 1], pending)
        if intent.name == "accept":
            if pending.kind == "offer" or len(options) == 1:
                return self._take(options[0], pending)
            self.pending = pending
            return Reply(f"Which one? Say a number from 1 to {len(options)}.")
        if intent.name == "decline":
            text = "OK, I left it out." if pending.amount is not None else "OK."
            return self._next_question(Reply(text), pending.queue)
        if intent.name in ("add", "unclear", "variant"):
            sku = self._by_name(intent.text, options)
            if sku is not None:
                return self._take(sku, pending)
        return None

    def _by_name(self, text: str, options: list[str]) -> str | None:
        """The option a few words name: "the oat one", "ground turkey"."""
        from .words import tokens

        words = {w for w in tokens(text) if w not in _STOP and w not in ("kind", "version", "please")}
        if not words:
            return None
        fits = []
        for sku in options:
            p = self._product(sku)
            have = set(tokens(f"{p.label} {' '.join(p.aliases)} {' '.join(p.tags)}"))
            if words <= have:
                fits.append(sku)
        return fits[0] if len(fits) == 1 else None

    def _take(self, sku: str, pending: Pending) -> Reply:
        from .units import packs_for

        product = self._product(sku)
        amount = pending.amount
        if amount is None:
            added = self._add(product, 1)
        else:
            packs = packs_for(amount.quantity, amount.unit, product.size, None, product.container)
            added = self._add(product, max(1, packs), amount.quantity, amount.unit, amount.text)
        return self._next_question(Reply(self._added_reply([added], self._notes([product]))), pending.queue)

    def _next_question(self, reply: Reply, queue: list) -> Reply:
        if not queue:
            return reply
        question = self._question(queue[0], queue[1:])
        return Reply(f"{reply.text} {question}")

    def _question(self, item, queue=()) -> str:
        """ "Which turkey: 1) … 2) … or 3) …?" for an ambiguous item; the answer comes next turn."""
        options = list(dict.fromkeys([item.product] + [p for p, _ in item.alternatives]))[:4]
        amount = Line("", 0, item.quantity, item.unit, item.text)
        self._ask("choice", options, amount, queue)
        what = clean(item.words, 40) if item.words else f"one for '{clean(item.text, 60)}'"
        return f"Which {what}: {_options(options, self._label)}?"

    def _did_you_mean(self, item) -> tuple[str, list]:
        hints = []
        for h in item.hint[:3]:
            m = self.catalog.index.match(h)
            if m.product is not None and m.product not in hints:
                hints.append(m.product)
        said = clean(item.text, 60)
        if not hints:
            return f"Sorry, I couldn't find '{said}'.", []
        if len(hints) == 1:
            return f"Sorry, I couldn't find '{said}'. Did you mean {self._label(hints[0])}?", hints
        return f"Sorry, I couldn't find '{said}'. Did you mean {_options(hints, self._label)}?", hints

    # -- intents: small talk ----------------------------------------------------------------------------

    def _on_quit(self, intent: Intent) -> Reply:
        if self.cart:
            n = sum(line.packs for line in self.cart)
            return Reply(f"Bye! (The {n} item{'s' if n != 1 else ''} in your cart {'were' if n != 1 else 'was'} "
                         "not ordered.)", done=True)
        return Reply("Bye!", done=True)

    def _on_help(self, intent: Intent) -> Reply:
        return Reply("\n".join([
            "You can say things like:",
            "- add: \"two bags of rice and a dozen eggs\", \"one more\", \"make that three\", \"make it organic\"",
            "- change: \"remove the eggs\", \"only 6 eggs\", \"show my cart\", \"empty my cart\"",
            "- ask: \"how much is olive oil?\", \"do you have oat milk?\", \"anything vegan under $5 in snacks?\", "
            "\"what goes with pasta?\"",
            "- check out: \"checkout, deliver tomorrow evening\", \"check out for pickup at Downtown\"",
            "- orders: \"where's my order?\", \"cancel my last order\", \"same as last time\"",
            "- preferences: \"I'm vegetarian\", \"I prefer organic\", \"no peanuts\", \"what are my preferences?\"",
            "Say \"bye\" to leave.",
        ]))

    def _on_greet(self, intent: Intent) -> Reply:
        return Reply("Hello! What can I get you?")

    def _on_thanks(self, intent: Intent) -> Reply:
        return Reply("You're welcome!")

    def _on_unclear(self, intent: Intent) -> Reply:
        return Reply("Sorry, I didn't get that. Tell me what to add (\"two bags of rice\"), ask about a product "
                     "(\"how much is olive oil?\"), or say \"help\".")

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
                    from .units import packs_for

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

    def _remember_delivery(self, text: str) -> str:
        from .delivery import find_clause
        from .render import delivery_text

        try:
            self.delivery = self._delivery_for(find_clause(text))
        except ShopError as e:
            return f"About the delivery: {_sentence(e)}"
        return f"At checkout: {delivery_text(self.delivery)}."

    def _on_more(self, intent: Intent) -> Reply:
        n = intent.slots.get("n") or 1
        if "item" in intent.slots:
            from .parse import parse_request

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
            from .units import canonical_unit, packs_for

            unit = canonical_unit(m["unit"].rstrip("."))
            if unit is not None:
                q = read_number(m["n"])
                p = self._product(line.sku)
                return self._set(line, packs_for(q, unit, p.size, None, p.container) if q > 0 else 0, q, unit)
        from .parse import parse_request

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
        from .parse import parse_request

        return self._on_add(Intent("add", {}, text, parse_request(text, self.catalog)))

    def _packs_for_number(self, line: Line, n: float) -> int:
        """ "make that three": three packs — or three of the unit said ("2 lb of bananas" -> 3 lb)."""
        from .units import dimension, packs_for

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
        from .units import dimension, packs_for

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
            from .parse import parse_request

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

    # -- intents: answers to questions without a question pending --------------------------------------

    def _on_choose(self, intent: Intent) -> Reply:
        n = read_number(intent.text)
        if n is not None and self.cart:
            return self._set(self._last_line(), self._packs_for_number(self._last_line(), n), n,
                             self._last_line().unit)
        return Reply("There's nothing to choose from right now.")

    def _on_accept(self, intent: Intent) -> Reply:
        return Reply("Add what? Tell me what you'd like.")

    def _on_decline(self, intent: Intent) -> Reply:
        return Reply("OK.")

    # -- intents: questions about products ---------------------------------------------------------------

    def _items(self, text: str):
        """The items a question names ("it" is the product spoken of last)."""
        from .parse import parse_request

        if text in PRONOUNS and self.last_sku:
            return "pronoun", self._product(self.last_sku)
        return "parsed", parse_request(text, self.catalog)

    def _on_price(self, intent: Intent) -> Reply:
        from .orders import CURRENCY, money

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
        if self._held_cache is None:
            from .orders import held_packs

            self._held_cache = held_packs(self.store.table("orders"))
        return max(0, product.stock - self._held_cache.get(product.sku, 0))

    def _on_availability(self, intent: Intent) -> Reply:
        from .orders import CURRENCY, money

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
        from .words import tokens

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

    # -- intents: checkout and orders -----------------------------------------------------------------

    def _delivery_for(self, clause) -> dict | None:
        from .orders import delivery_for

        if clause is None:
            return None
        if clause.kind == "delivery":
            return delivery_for(self.now, self.catalog, deliver=clause.text)
        return delivery_for(self.now, self.catalog, pickup=clause.text, when=clause.when or None)

    def _on_checkout(self, intent: Intent) -> Reply:
        from .delivery import find_clause

        if not self.cart:
            return Reply("Your cart is empty, so there's nothing to check out yet.")
        clause = find_clause(intent.text)
        rest = intent.slots.get("rest")
        if clause is None and rest:
            clause = find_clause(f"deliver {rest}") or find_clause(f"pickup {rest}")
            if clause is None:
                self.pending = Pending("checkout")
                return Reply(f"Sorry, I couldn't read '{clean(rest, 60)}' as a delivery time or a pickup store. "
                             "Say e.g. \"tomorrow evening\" or \"pickup at Downtown\".")
        try:
            delivery = self._delivery_for(clause) if clause is not None else self.delivery
        except ShopError as e:
            self.pending = Pending("checkout")
            return Reply(_sentence(e))
        if delivery is None:
            self.pending = Pending("checkout")
            return Reply("When should we deliver, or where will you pick it up? Say e.g. \"tomorrow evening\" "
                         "or \"pickup at Downtown\".")
        return self._place(delivery)

    def _checkout_answer(self, text: str) -> Reply | None:
        """The answer to "when should we deliver?": a time or a store; None when it is neither."""
        from .delivery import find_clause
        from .intents import normalize_turn

        norm = normalize_turn(text)
        clause = find_clause(norm) or find_clause(f"deliver {norm}")
        if clause is None:
            stores = self._store_names()
            first = norm.removeprefix("at ").removeprefix("the ")
            if any(first.startswith(s) for s in stores):
                clause = find_clause(f"pickup at {first}")
        if clause is None:
            return None
        try:
            delivery = self._delivery_for(clause)
        except ShopError as e:
            self.pending = Pending("checkout")
            return Reply(_sentence(e))
        if not self.cart:
            return Reply("Your cart is empty, so there's nothing to check out yet.")
        return self._place(delivery)

    def _store_names(self) -> list[str]:
        from .delivery import load_stores
        from .orders import stores_path

        path = stores_path(self.catalog)
        if path is None:
            return []
        return [n for s in load_stores(path) for n in (s.name.lower(), s.id.lower())]

    def _place(self, delivery: dict) -> Reply:
        from .orders import CURRENCY, place_orders
        from .render import delivery_text

        doc = self._order_doc("; ".join(line.text for line in self.cart), delivery)
        in_cart = {line.sku for line in self.cart}
        doc["suggestions"] = [s for sku, s in self.offered.items() if sku not in in_cart][-5:]
        placed = place_orders(self.store, [doc], self.catalog)[0]
        if isinstance(placed, list):
            why = "; ".join(f"{clean(p.text, 60)}: {clean(p.why, 60)}" for p in placed)
            return Reply(f"Sorry, I couldn't place the order: {why}. Change the amount or remove it, "
                         "then check out again.")
        self.events.append(f"{placed['id']} placed " + ", ".join(f"{l['sku']}×{l['packs']}" for l in placed["lines"]))
        self.cart.clear()
        self.last_added = []
        self.delivery = None
        self.offered = {}
        return Reply(f"Order {clean(placed['id'], 40)} placed: {placed['total']} {CURRENCY}, "
                     f"{delivery_text(placed['delivery'])}.")

    def _orders(self) -> list[dict]:
        from .orders import list_orders

        return list_orders(self.store, now=self.now)

    def _which_order(self, intent: Intent, *, usable: bool = False) -> dict | None:
        from .orders import find_order, order_status

        oid = intent.slots.get("id")
        if oid:
            try:
                o = find_order(self.store, oid)
            except NotDone:
                raise NotDone(f"I can't find order {oid}", hint='say "my orders" to see yours') from None
            return dict(o, status=order_status(o, self.now))
        orders = self._orders()
        if usable:
            orders = [o for o in orders if o["status"] != "cancelled"] or orders
        return orders[0] if orders else None

    def _on_order_status(self, intent: Intent) -> Reply:
        o = self._which_order(intent)
        if o is None:
            return Reply("You have no orders yet.")
        return Reply(f"{clean(o['id'], 40)} ({o['total']} {o['currency']}): {STATUS_WORDS[o['status']]}, "
                     f"{_when(o.get('delivery'))}.")

    def _on_orders(self, intent: Intent) -> Reply:
        orders = self._orders()
        if not orders:
            return Reply("You have no orders yet.")
        rows = [f"- {clean(o['id'], 40)} {STATUS_WORDS[o['status']]}, {o['total']} {o['currency']}, "
                f"{_when(o.get('delivery'))}" for o in orders[:LIST_LIMIT]]
        more = f" (newest {LIST_LIMIT} of {len(orders)})" if len(orders) > LIST_LIMIT else ""
        return Reply("\n".join([f"Your orders{more}:"] + rows))

    def _on_cancel_order(self, intent: Intent) -> Reply:
        from .orders import cancel_order

        o = self._which_order(intent)
        if o is None:
            return Reply("You have no orders to cancel.")
        if o["status"] == "cancelled":
            return Reply(f"{clean(o['id'], 40)} is already cancelled.")
        done = cancel_order(self.store, o["id"], self.now)
        self.events.append(f"{done['id']} cancelled")
        return Reply(f"Cancelled {clean(done['id'], 40)} ({done['total']} {done['currency']}).")

    def _on_reorder(self, intent: Intent) -> Reply:
        o = self._which_order(intent, usable=True)
        if o is None:
            return Reply("You have no past orders to repeat yet.")
        self.last_added = []
        added, gone = [], []
        for line in o.get("lines") or ():
            product = self.catalog.by_sku.get(line["sku"])
            if product is None:
                gone.append(clean(line.get("name") or line["sku"], 60))
                continue
            added.append(self._add(product, int(line["packs"])))
        notes = [f"{_join(gone)} {'is' if len(gone) == 1 else 'are'} no longer sold."] if gone else []
        if not added:
            return Reply(" ".join(notes) or "That order has nothing I can add.")
        return Reply(f"From {clean(o['id'], 40)}: added {_join(added)}. " + " ".join(notes + [self._summary()]))

    # -- intents: preferences ------------------------------------------------------------------------

    def _on_prefs_set(self, intent: Intent) -> Reply:
        s = intent.slots
        pref: Preference | None = (read_preference("diet", s["diet"]) if "diet" in s else
                                   read_preference("prefer", s["prefer"]) if "prefer" in s else
                                   read_preference("avoid", s["avoid"]))
        if pref is None:
            return self._on_unclear(intent)
        prefs = {k: list(v) for k, v in self._prefs().items()}
        value = pref.value if pref.kind != "avoid" else " ".join(s["avoid"].split())
        if value not in prefs[pref.kind]:
            prefs[pref.kind].append(value)
            self._save_prefs(prefs)
        if pref.kind == "diet":
            text = f"Got it: {pref.value}. I won't suggest anything that isn't {pref.value}."
        elif pref.kind == "prefer":
            text = f"Got it: you prefer {pref.value}. I'll pick {pref.value} versions when there are any."
        else:
            text = f"Got it: no {clean(value, 40)}. I won't suggest anything with {clean(value, 40)}."
        only_new = {"diet": [], "prefer": [], "avoid": []}
        only_new[pref.kind] = [value]
        clash = [f"{clean(self._product(line.sku).name)} {why}" for line in self.cart
                 if (why := self._conflict(self._product(line.sku), only_new))]
        if clash:
            text += f" Heads up: in your cart, {_join(clash)}."
        return Reply(text)

    def _on_prefs_show(self, intent: Intent) -> Reply:
        parts = _prefs_words(self._prefs())
        if not parts:
            return Reply("You haven't told me any preferences yet. Say e.g. \"I'm vegetarian\", "
                         "\"I prefer organic\" or \"no peanuts\".")
        return Reply(f"Your preferences: {'; '.join(parts)}.")

    def _on_prefs_forget(self, intent: Intent) -> Reply:
        if not any(self._prefs().values()):
            return Reply("You have no preferences to forget.")
        self._save_prefs({"diet": [], "prefer": [], "avoid": []})
        return Reply("Done, I've forgotten your preferences.")


class _Refused(NotDone):
    """An item the cart cannot take (too many packs); its message is the answer."""


# -- words ----------------------------------------------------------------------------------------

def _not_read(intent: Intent) -> bool:
    """A turn that says nothing the assistant can act on (no intent, no product found)."""
    if intent.name == "unclear":
        return True
    return intent.name == "add" and all(it.status == "unknown" for it in intent.parsed.items)


def _join(parts: list[str], last: str = "and") -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {last} {parts[-1]}"


def _options(products, label) -> str:
    items = [f"{k}) {label(p)} {p.price:.2f}" for k, p in enumerate(products, 1)]
    return _join(items, "or")


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


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _size_gap(a, b) -> float:
    if a.size is None or b.size is None or a.size.dimension != b.size.dimension:
        return 99.0
    return abs(math.log(a.size.base / b.size.base))


def _when(delivery: dict | None) -> str:
    from .render import delivery_text

    return delivery_text(delivery) if delivery else "no delivery time set"


def _prefs_words(prefs: dict) -> list[str]:
    return ([clean(d, 40) for d in prefs["diet"]] + [f"prefer {clean(p, 40)}" for p in prefs["prefer"]] +
            [f"no {clean(a, 40)}" for a in prefs["avoid"]])


def _sentence(e: ShopError) -> str:
    """A shop error as a sentence: "Order ORD-000009 … ." with its hint."""
    text = clean(e.message, 200)
    text = text[:1].upper() + text[1:]
    if not text.endswith((".", "?", "!")):
        text += "."
    if e.hint:
        hint = clean(e.hint, 200)
        text += " " + hint[:1].upper() + hint[1:] + ("" if hint.endswith((".", "?", "!")) else ".")
    return text


# -- shop chat ---------------------------------------------------------------------------------------

def run_chat(settings, out: Output, record: str | None = None) -> int:
    """``shop chat``: prompt on a terminal, else one turn a line from standard input.

    Returns 0, or 3 when the store could not be read or written during the session.
    """
    from .transcript import Recorder

    bot = Assistant(settings)
    recorder = Recorder.open(record, settings) if record else None
    interactive = out.is_terminal and _stdin_is_terminal()
    try:
        if interactive:
            _show(out, "Hi! Tell me what you need, ask about a product, or say \"help\". \"bye\" ends the chat.",
                  interactive)
        for text in _turns(interactive):
            if not text.strip():
                continue
            reply = bot.turn(text)
            _show(out, reply.text, interactive)
            if recorder is not None:
                recorder.turn(text, reply.text, bot.state_lines())
            if reply.done:
                break
        else:
            if interactive:
                _show(out, "Bye!", interactive)
    finally:
        if recorder is not None:
            recorder.close()
    return 3 if bot.data_error else 0


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _turns(interactive: bool):
    if interactive:
        while True:
            try:
                yield input("> ")
            except (EOFError, KeyboardInterrupt):
                print()
                return
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        for line in sys.stdin:
            yield line.rstrip("\r\n")
        return
    for raw in iter(stream.readline, b""):
        yield raw.decode("utf-8", errors="replace").rstrip("\r\n")


def _show(out: Output, text: str, interactive: bool) -> None:
    if interactive:
        from rich.text import Text

        out.console.print(Text(text))
    else:
        out.line(text)
        out.flush()
