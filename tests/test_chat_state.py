"""The assistant's parts: the dialogue state is declared in one dataclass, nothing sets an
attribute it does not declare, and every intent is dispatched through the one handler table."""

from __future__ import annotations

from dataclasses import fields

import pytest

from shopcli.chat.assistant import Assistant
from shopcli.chat.cart import Cart, Line
from shopcli.chat.handlers import HANDLERS
from shopcli.chat.intents import intent_names
from shopcli.chat.session import Session
from shopcli.chat.state import DialogueState, Pending, TurnNotes
from shopcli.settings import Settings

NOW = "2026-11-23T14:03:00+00:00"
TURNS = ["I prefer organic", "two bags of rice and a dozen eggs, deliver tomorrow evening", "make that three",
         "turkey", "2", "how much is it?", "what goes with pasta?", "yes", "same again", "remove the eggs",
         "checkout", "where's my order?", "cancel my last order", "same as last time", "show my cart", "bye"]


@pytest.fixture
def settings(tmp_path):
    return Settings(db=str(tmp_path / "orders.json"), now_text=NOW)


def declared(obj) -> set[str]:
    return {f.name for f in fields(obj)}


def test_the_dialogue_state_declares_what_it_remembers():
    assert declared(DialogueState) == {"cart", "pending", "last_sku", "last_added", "preferences", "delivery",
                                       "offered", "events", "data_error", "turn"}
    state = DialogueState()
    assert isinstance(state.cart, Cart) and not state.cart and state.pending is None and state.last_sku is None
    assert DialogueState().cart is not state.cart            # each conversation its own cart


def test_start_turn_forgets_the_last_turn_and_hands_over_its_question():
    state = DialogueState()
    asked = Pending("offer", ["EGG-L-12"])
    state.pending, state.events = asked, ["ORD-000001 cancelled"]
    state.preferences = {"diet": [], "prefer": [], "avoid": []}
    state.turn.added = True
    state.cart.lines.append(Line("EGG-L-12", 1, 1, None, "eggs"))
    state.last_sku = "EGG-L-12"
    assert state.start_turn() is asked
    assert state.pending is None and state.events == [] and state.preferences is None and state.turn == TurnNotes()
    assert len(state.cart) == 1 and state.last_sku == "EGG-L-12"   # what outlives a turn stays


def test_a_conversation_sets_no_undeclared_attribute(settings):
    bot = Assistant(settings)
    for text in TURNS:
        bot.turn(text)
        s = bot.session
        assert set(vars(bot)) == {"session"}
        assert set(vars(s)) == declared(Session)
        assert set(vars(s.state)) == declared(DialogueState)
        assert set(vars(s.state.turn)) == declared(TurnNotes)
        assert s.state.pending is None or set(vars(s.state.pending)) == declared(Pending)
        assert set(vars(s.state.cart)) == {"lines", "_priced"}


def test_the_handler_table_is_exactly_the_intents():
    assert set(HANDLERS) == set(intent_names()) | {"add", "unclear"}


def test_turn_dispatches_through_the_table(settings, monkeypatch):
    seen = []

    def greet(session, intent):
        seen.append((session, intent.name))
        return HANDLERS_BEFORE["greet"](session, intent)

    HANDLERS_BEFORE = dict(HANDLERS)
    monkeypatch.setitem(HANDLERS, "greet", greet)
    bot = Assistant(settings)
    assert bot.turn("hello").text == "Hello! What can I get you?"
    assert seen == [(bot.session, "greet")]
