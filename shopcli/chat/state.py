"""The chat's dialogue state, declared in one place: everything a conversation remembers from one
turn to the next (``DialogueState``), the question it asked (``Pending``), and what a single turn
works out on the way (``TurnNotes``, started anew every turn). Handlers read and change it through
the session (session.py); nothing else keeps state between turns.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .cart import Cart, Line

__all__ = ["DialogueState", "Pending", "TurnNotes"]


@dataclass
class Pending:
    """The question the assistant asked: "choice" (which product?), "offer" (yes adds the first)
    or "checkout" (when, or where?)."""

    kind: str
    options: list[str] = field(default_factory=list)  # the SKUs offered, in the order shown
    amount: Line | None = None               # the amount said for the product still to be chosen
    queue: list = field(default_factory=list)  # further ambiguous items of the same turn, asked in turn


@dataclass
class TurnNotes:
    """What one turn has worked out so far; none of it outlives the turn."""

    added: bool = False                      # something was added: the first add of a turn restarts last_added
    lines: dict[str, Line | None] = field(default_factory=dict)  # the cart line each phrase named (or None)


@dataclass
class DialogueState:
    """What the conversation remembers between turns. The cart lives here only, in memory; orders
    and preferences live in the store."""

    cart: Cart = field(default_factory=Cart)               # the shopper's cart
    pending: Pending | None = None                         # the question asked last turn, answered this turn or dropped
    last_sku: str | None = None                            # what "it" and "that" refer to: the product spoken of last
    last_added: list[Line] = field(default_factory=list)   # what the last adding turn added, as said: "same again"
    preferences: dict[str, list[str]] | None = None        # this turn's own copy of the stored preferences
    #                                                        ("diet", "prefer", "avoid"); None until read this turn
    delivery: dict | None = None                           # a delivery said along with items, used at checkout
    offered: dict[str, dict] = field(default_factory=dict)  # suggestions shown since the last checkout, by SKU
    #                                                         (recorded with the order)
    events: list[str] = field(default_factory=list)        # what happened to orders this turn ("ORD-000001 placed …")
    data_error: bool = False                               # the store could not be read or written at some point
    turn: TurnNotes = field(default_factory=TurnNotes)     # this turn's notes

    def start_turn(self) -> Pending | None:
        """Forget what belonged to the last turn; returns the question it asked, which this turn
        answers or drops (a handler may ask it again)."""
        self.events = []
        self.turn = TurnNotes()
        self.preferences = None              # read again: another process may have changed them
        pending, self.pending = self.pending, None
        return pending
