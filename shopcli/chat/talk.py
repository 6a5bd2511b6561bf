"""The chat's small talk: greeting, thanks, help, goodbye, and the answer to a turn it could not
read (which other handlers give too when a turn names nothing they can act on)."""

from __future__ import annotations

from .intents import Intent
from .replies import Reply
from .session import Session


def on_quit(s: Session, intent: Intent) -> Reply:
    cart = s.state.cart
    if cart:
        n = cart.packs()
        return Reply(f"Bye! (The {n} item{'s' if n != 1 else ''} in your cart {'were' if n != 1 else 'was'} "
                     "not ordered.)", done=True)
    return Reply("Bye!", done=True)


def on_help(s: Session, intent: Intent) -> Reply:
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


def on_greet(s: Session, intent: Intent) -> Reply:
    return Reply("Hello! What can I get you?")


def on_thanks(s: Session, intent: Intent) -> Reply:
    return Reply("You're welcome!")


def on_unclear(s: Session, intent: Intent) -> Reply:
    return Reply("Sorry, I didn't get that. Tell me what to add (\"two bags of rice\"), ask about a product "
                 "(\"how much is olive oil?\"), or say \"help\".")
