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


# The parts of the assistant live in their own modules; the names other code used from here are
# re-exported (Line, Reply, PREFERENCES, Pending, MAX_PACKS, PRONOUNS, LIST_LIMIT, STATUS_WORDS).
from .answers import AnswersMixin
from .cart import MAX_PACKS, PRONOUNS, CartMixin, Line
from .checkout import STATUS_WORDS, CheckoutMixin
from ..errors import DataError, ShopError
from .intents import Context, Intent, understand
from .preferences import PREFERENCES, PreferencesMixin
from .questions import Pending, QuestionsMixin
from ..render import Output, clean
from .replies import LIST_LIMIT, Reply, _sentence

__all__ = ["Assistant", "Reply", "Line", "PREFERENCES"]


class Assistant(CartMixin, QuestionsMixin, AnswersMixin, PreferencesMixin, CheckoutMixin):
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
        self._labels: dict[str, str] = {}         # product labels as shown, by SKU
        self._total: tuple | None = None          # (the cart's lines, their total)
        self._prefs_cache: dict | None = None    # this turn's preferences
        self._store_reads: dict[str, tuple] = {}  # what was read from the store: (file signature, value)
        self._lines_cache: dict[str, Line | None] = {}
        self._added_this_turn = False

    # -- one turn ---------------------------------------------------------------------------------

    def turn(self, text: str) -> Reply:
        """Answer one turn; never raises."""
        from ..parse.normalize import check_request

        self.events = []
        self._added_this_turn = False
        self._prefs_cache = None
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

    def _from_store(self, name: str, load):
        """What ``load()`` reads from the store, read again only when the store file has changed
        (another process may change it between turns)."""
        signature = self.store.signature()
        got = self._store_reads.get(name)
        if got is None or got[0] != signature:
            got = self._store_reads[name] = (signature, load())
        return got[1]

    def state_lines(self) -> list[str]:
        """The cart and the order events of the last turn, as a transcript records them."""
        cart = ", ".join(f"{line.sku}×{line.packs}" for line in self.cart) or "empty"
        return [f"= cart: {cart}"] + [f"= order: {e}" for e in self.events]

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


# -- words ----------------------------------------------------------------------------------------

def _not_read(intent: Intent) -> bool:
    """A turn that says nothing the assistant can act on (no intent, no product found)."""
    if intent.name == "unclear":
        return True
    return intent.name == "add" and all(it.status == "unknown" for it in intent.parsed.items)
