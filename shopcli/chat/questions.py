"""The questions the chat assistant asks ("which one?", "shall I add it?", "did you mean …?") and
the answers to them next turn: a number, yes or no, or a few words naming an option; and the
intents of such answers when no question is pending. The question itself is ``Pending`` in the
dialogue state (state.py)."""

from __future__ import annotations

from .cart import STOP_WORDS, Line
from .intents import Intent, read_number
from ..render import clean
from .replies import Reply, _options
from .session import Session
from .shopping import add, added_reply, last_line, notes, packs_for_number, set_amount
from .state import Pending


# -- asking ---------------------------------------------------------------------------------------

def ask(s: Session, kind: str, products: list, amount: Line | None = None, queue=()) -> None:
    """Ask a question about these products (answered next turn; see ``Pending``)."""
    s.state.pending = Pending(kind, [p.sku for p in products], amount, list(queue))


def question(s: Session, item, queue=()) -> str:
    """ "Which turkey: 1) … 2) … or 3) …?" for an ambiguous item; the answer comes next turn."""
    options = list(dict.fromkeys([item.product] + [p for p, _ in item.alternatives]))[:4]
    amount = Line("", 0, item.quantity, item.unit, item.text)
    ask(s, "choice", options, amount, queue)
    what = clean(item.words, 40) if item.words else f"one for '{clean(item.text, 60)}'"
    return f"Which {what}: {_options(options, s.label)}?"


def did_you_mean(s: Session, item) -> tuple[str, list]:
    """ "Sorry, I couldn't find 'x'. Did you mean …?" for an item not found, with the products
    hinted at (to offer)."""
    hints = []
    for h in item.hint[:3]:
        m = s.catalog.index.match(h)
        if m.product is not None and m.product not in hints:
            hints.append(m.product)
    said = clean(item.text, 60)
    if not hints:
        return f"Sorry, I couldn't find '{said}'.", []
    if len(hints) == 1:
        return f"Sorry, I couldn't find '{said}'. Did you mean {s.label(hints[0])}?", hints
    return f"Sorry, I couldn't find '{said}'. Did you mean {_options(hints, s.label)}?", hints


# -- answers --------------------------------------------------------------------------------------

def answer(s: Session, intent: Intent, pending: Pending) -> Reply | None:
    """A reply to the question asked ("choice" or "offer"), or None when the turn is about
    something else."""
    options = pending.options
    n = read_number(intent.text) if intent.name == "choose" else None
    if n is not None and pending.kind == "offer" and len(options) == 1 and n == int(n):
        product = s.product(options[0])        # "how much is olive oil?" "2": two of it
        added = add(s, product, int(n))
        return Reply(added_reply(s, [added], notes(s, [product])))
    if intent.name == "choose":
        k = intent.slots["ordinal"]
        if k == -1:
            k = len(options)
        if not 1 <= k <= len(options):
            s.state.pending = pending
            if len(options) == 1:
                return Reply(f"Say \"yes\" to add {s.label(options[0])}, or ask me something else.")
            return Reply(f"Please pick a number from 1 to {len(options)}.")
        return _take(s, options[k - 1], pending)
    if intent.name == "accept":
        if pending.kind == "offer" or len(options) == 1:
            return _take(s, options[0], pending)
        s.state.pending = pending
        return Reply(f"Which one? Say a number from 1 to {len(options)}.")
    if intent.name == "decline":
        text = "OK, I left it out." if pending.amount is not None else "OK."
        return _next_question(s, Reply(text), pending.queue)
    if intent.name in ("add", "unclear", "variant"):
        sku = _by_name(s, intent.text, options)
        if sku is not None:
            return _take(s, sku, pending)
    return None


def _by_name(s: Session, text: str, options: list[str]) -> str | None:
    """The option a few words name: "the oat one", "ground turkey"."""
    from ..catalog.words import tokens

    words = {w for w in tokens(text) if w not in STOP_WORDS and w not in ("kind", "version", "please")}
    if not words:
        return None
    fits = []
    for sku in options:
        p = s.product(sku)
        have = set(tokens(f"{p.label} {' '.join(p.aliases)} {' '.join(p.tags)}"))
        if words <= have:
            fits.append(sku)
    return fits[0] if len(fits) == 1 else None


def _take(s: Session, sku: str, pending: Pending) -> Reply:
    """Add the option chosen, in the amount said with the question; then the next question, if any."""
    from ..catalog.units import packs_for

    product = s.product(sku)
    amount = pending.amount
    if amount is None:
        added = add(s, product, 1)
    else:
        packs = packs_for(amount.quantity, amount.unit, product.size, None, product.container)
        added = add(s, product, max(1, packs), amount.quantity, amount.unit, amount.text)
    return _next_question(s, Reply(added_reply(s, [added], notes(s, [product]))), pending.queue)


def _next_question(s: Session, reply: Reply, queue: list) -> Reply:
    if not queue:
        return reply
    return Reply(f"{reply.text} {question(s, queue[0], queue[1:])}")


# -- intents: answers without a question pending ----------------------------------------------------

def on_choose(s: Session, intent: Intent) -> Reply:
    n = read_number(intent.text)
    if n is not None and s.state.cart:
        line = last_line(s)
        return set_amount(s, line, packs_for_number(s, line, n), n, line.unit)
    return Reply("There's nothing to choose from right now.")


def on_accept(s: Session, intent: Intent) -> Reply:
    return Reply("Add what? Tell me what you'd like.")


def on_decline(s: Session, intent: Intent) -> Reply:
    return Reply("OK.")
