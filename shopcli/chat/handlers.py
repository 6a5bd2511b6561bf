"""The table of intent handlers: one function per intent name (every intent of intents.toml, plus
"add" and "unclear"), each taking the session and the intent and returning the reply. The
assistant dispatches through it; tests/test_intents.py checks that no intent is missing."""

from __future__ import annotations

from typing import Callable

from . import answers, cart_intents, checkout, preferences, questions, talk
from .intents import Intent
from .replies import Reply
from .session import Session

Handler = Callable[[Session, Intent], Reply]

HANDLERS: dict[str, Handler] = {
    # small talk
    "quit": talk.on_quit,
    "help": talk.on_help,
    "greet": talk.on_greet,
    "thanks": talk.on_thanks,
    "unclear": talk.on_unclear,
    # the cart
    "add": cart_intents.on_add,
    "more": cart_intents.on_more,
    "same_again": cart_intents.on_same_again,
    "set_quantity": cart_intents.on_set_quantity,
    "variant": cart_intents.on_variant,
    "remove": cart_intents.on_remove,
    "empty": cart_intents.on_empty,
    "show_cart": cart_intents.on_show_cart,
    # answers to a question, when none is pending
    "choose": questions.on_choose,
    "accept": questions.on_accept,
    "decline": questions.on_decline,
    # questions about products
    "price": answers.on_price,
    "availability": answers.on_availability,
    "search": answers.on_search,
    "complements": answers.on_complements,
    # checkout and orders
    "checkout": checkout.on_checkout,
    "order_status": checkout.on_order_status,
    "orders": checkout.on_orders,
    "cancel_order": checkout.on_cancel_order,
    "reorder": checkout.on_reorder,
    # preferences
    "prefs_set": preferences.on_prefs_set,
    "prefs_show": preferences.on_prefs_show,
    "prefs_forget": preferences.on_prefs_forget,
}
