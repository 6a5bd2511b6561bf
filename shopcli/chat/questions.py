"""The questions the chat assistant asks ("which one?", "shall I add it?") and the answers to
them: a number, yes or no, or a few words naming an option. A mixin of ``Assistant``."""

from __future__ import annotations

from dataclasses import dataclass, field

from .cart import _STOP, Line
from .intents import Intent, read_number
from ..render import clean
from .replies import Reply, _options


@dataclass
class Pending:
    """The question the assistant asked: "choice" (which product?), "offer" (yes adds the first)
    or "checkout" (when, or where?)."""

    kind: str
    options: list[str] = field(default_factory=list)
    amount: Line | None = None               # the amount said for the product still to be chosen
    queue: list = field(default_factory=list)  # further ambiguous items of the same turn


class QuestionsMixin:
    """Asking a question, and reading the answer next turn."""

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
        from ..catalog.words import tokens

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
        from ..catalog.units import packs_for

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
