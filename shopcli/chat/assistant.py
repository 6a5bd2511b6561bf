"""The chat assistant: one short answer per turn.

``Assistant.turn(text)`` reads a turn through the intent layer (intents.py), lets it answer the
question asked last turn if it does (questions.py, checkout.py), and otherwise hands it to the
handler of its intent (the table in handlers.py) with the session (session.py: the catalog, the
store, the clock and the dialogue state of state.py). The handlers act with the same core as the
other commands — the parser, ``orders.build_order`` and ``orders.place_orders`` for pricing,
stock and ids, the suggestion engine for complements. A turn never raises: every error becomes a
sentence. With a fixed clock and a fresh store the same turns give the same answers, byte for byte.

The cart lives in memory for the session; orders and preferences live in the store, read and
written one transaction at a time (no handle is kept between turns).
"""

from __future__ import annotations

from ..errors import DataError, ShopError
from .checkout import checkout_answer
from .handlers import HANDLERS
from .intents import Context, Intent, understand
from .questions import answer
from ..render import clean
from .replies import Reply, _sentence
from .session import Session
from .shopping import in_cart
from .state import DialogueState, Pending

__all__ = ["Assistant", "Reply"]


class Assistant:
    """One conversation. ``turn`` answers; ``session.state`` and ``state_lines`` show what it did."""

    def __init__(self, settings) -> None:
        self.session = Session(settings.catalog, settings.store, settings.now)

    @property
    def state(self) -> DialogueState:
        """The dialogue state (state.py): the cart, the question pending, what "it" is, …"""
        return self.session.state

    def turn(self, text: str) -> Reply:
        """Answer one turn; never raises."""
        from ..parse.normalize import check_request

        state = self.session.state
        pending = state.start_turn()
        try:
            if not (text.isascii() and text.isprintable() and text.strip() and len(text) < 1000):
                text = check_request(text)      # the same checks, needed only for unusual text
            reply = self._turn(text, pending)
        except ShopError as e:
            if isinstance(e, DataError):
                state.data_error = True
            reply = Reply(_sentence(e))
        except Exception as e:  # noqa: BLE001 - a turn never ends the conversation with a traceback
            reply = Reply(f"Sorry, something went wrong there ({type(e).__name__}). Please try again or rephrase.")
        lines = [" ".join(line.split()) if not line.startswith("- ") else "- " + " ".join(line[2:].split())
                 for line in reply.text.split("\n")]
        return Reply("\n".join(line for line in lines if line), reply.done)

    def _turn(self, text: str, pending: Pending | None) -> Reply:
        s = self.session
        if pending is not None and pending.kind == "checkout":
            placed = checkout_answer(s, text)
            if placed is not None:
                return placed
        intent = understand(text, Context(s.catalog, lambda item: in_cart(s, item)))
        if pending is not None and pending.kind == "checkout" and _not_read(intent):
            s.state.pending = pending
            return Reply(f"Sorry, I couldn't read '{clean(text, 60)}' as a delivery time or a pickup store. "
                         "Say e.g. \"tomorrow evening\" or \"pickup at Downtown\".")
        if pending is not None and pending.kind in ("choice", "offer"):
            answered = answer(s, intent, pending)
            if answered is not None:
                return answered
        return HANDLERS[intent.name](s, intent)

    def state_lines(self) -> list[str]:
        """The cart and the order events of the last turn, as a transcript records them."""
        state = self.session.state
        cart = ", ".join(f"{line.sku}×{line.packs}" for line in state.cart) or "empty"
        return [f"= cart: {cart}"] + [f"= order: {e}" for e in state.events]


def _not_read(intent: Intent) -> bool:
    """A turn that says nothing the assistant can act on (no intent, no product found)."""
    if intent.name == "unclear":
        return True
    return intent.name == "add" and all(it.status == "unknown" for it in intent.parsed.items)
