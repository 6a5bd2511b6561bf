"""The assistant: dialogue state, the store behind it, preferences, and never a traceback."""

from __future__ import annotations

import io
import sys

import pytest

from shopcli.chat.answers import suggest
from shopcli.chat.assistant import Assistant
from shopcli.chat.handlers import HANDLERS
from shopcli.chat.preferences import PREFERENCES
from shopcli.chat.console import run_chat
from shopcli.render import Output
from shopcli.settings import Settings

NOW = "2026-11-23T14:03:00+00:00"


@pytest.fixture
def settings(tmp_path):
    return Settings(db=str(tmp_path / "orders.json"), now_text=NOW)


def chat(settings, *turns: str) -> list[str]:
    bot = Assistant(settings)
    return [bot.turn(t).text for t in turns]


SESSION = ["two bags of rice and a dozen eggs", "make that three", "turkey", "2", "what goes with pasta?", "yes",
           "checkout, deliver tomorrow evening", "where's my order?", "same as last time",
           "check out for pickup at Downtown", "cancel my last order"]


def test_same_turns_same_answers_ids_included(tmp_path):
    runs = []
    for k in range(2):
        s = Settings(db=str(tmp_path / f"run{k}" / "orders.json"), now_text=NOW)
        runs.append(chat(s, *SESSION))
    assert runs[0] == runs[1]
    assert "Order ORD-000001 placed" in runs[0][6] and "Order ORD-000002 placed" in runs[0][9]


def test_checkout_places_a_real_order_priced_like_shop_order(settings):
    from shopcli.orders.lifecycle import build_order, list_orders

    bot = Assistant(settings)
    bot.turn("two bags of rice and a dozen eggs")
    reply = bot.turn("checkout, deliver tomorrow evening")
    assert reply.text == "Order ORD-000001 placed: 9.57 USD, delivery 2026-11-24 17:00–21:00."
    assert bot.state_lines() == ["= cart: empty", "= order: ORD-000001 placed RICE-WHITE-2LB×2, EGG-L-12×1"]
    (order,) = list_orders(settings.store, now=settings.now)
    cat = settings.catalog
    expected = build_order("", [(cat.by_sku["RICE-WHITE-2LB"], 2), (cat.by_sku["EGG-L-12"], 1)], settings.now, None)
    assert (order["subtotal"], order["total"], order["lines"]) == (expected["subtotal"], expected["total"],
                                                                   expected["lines"])
    assert order["delivery"]["window_start"] == "2026-11-24T17:00:00+00:00"
    assert order["status"] == "scheduled" and order["request"] == "two bags of rice; a dozen eggs"


@pytest.mark.parametrize("text", ["", " ", "\x00", "\x1b[31mred", "☃" * 5000, "x" * 30000, "> = #", "make that",
                                  "cancel order 99999999999999999999", "0 eggs", "-3 eggs", "1e9 bags of rice",
                                  "status of #0", "reorder ORD-999999", "deliver it yesterday"])
def test_a_turn_never_raises(settings, text):
    bot = Assistant(settings)
    bot.turn("a dozen eggs")
    reply = bot.turn(text)
    assert reply.text and "Traceback" not in reply.text
    assert "\n\n" not in reply.text and not reply.text.endswith(" ")


def test_an_internal_error_becomes_a_sentence(settings, monkeypatch):
    def boom(self, intent):
        raise KeyError("x")

    monkeypatch.setitem(HANDLERS, "show_cart", boom)
    bot = Assistant(settings)
    assert bot.turn("show my cart").text.startswith("Sorry, something went wrong there (KeyError).")
    assert bot.turn("a dozen eggs").text.startswith("Added 1 x Large Eggs")


def test_a_question_is_answered_next_turn_only(settings):
    bot = Assistant(settings)
    assert bot.turn("turkey").text.startswith("Which turkey: 1) ")
    assert bot.turn("show my cart").text == "Your cart is empty."
    assert bot.turn("the second one").text == "There's nothing to choose from right now."


def test_choice_by_name_keeps_the_amount_said(settings):
    bot = Assistant(settings)
    bot.turn("3 turkey")
    assert bot.turn("the bacon").text.startswith("Added 3 x Butterball Turkey Bacon (12 oz).")


def test_preferences_live_in_the_store(settings):
    chat(settings, "I'm vegetarian", "I prefer organic", "no peanuts")
    assert settings.store.table(PREFERENCES) == [{"diet": ["vegetarian"], "prefer": ["organic"],
                                                  "avoid": ["peanuts"]}]
    later = chat(settings, "what are my preferences?", "bananas", "forget my preferences",
                 "what are my preferences?")
    assert later[0] == "Your preferences: vegetarian; prefer organic; no peanuts."
    assert later[1].startswith("Added 1 x Organic Bananas (1 lb) (organic, as you prefer).")
    assert settings.store.table(PREFERENCES) == []
    assert later[3].startswith("You haven't told me any preferences yet.")


BASES = ["PASTA-SPAG-1LB", "BREAD-WHITE-20OZ", "TORTILLA-CHIPS-13OZ", "RICE-WHITE-2LB", "BURGER-BUNS-8CT",
         "POTATO-RUSSET-5LB", "APPLE-GALA-1CT", "BANANA-1LB", "CELERY", "CRACKERS-RITZ-13OZ"]


def test_vegetarian_is_never_suggested_meat_or_fish(settings):
    bot = Assistant(settings)
    bot.turn("I'm vegetarian")
    cat = settings.catalog
    seen = 0
    for sku in BASES:
        if sku not in cat.by_sku:
            continue
        for p, _ in suggest(bot.session, [sku], 5):
            seen += 1
            assert p.category not in ("Meat", "Seafood")
            assert not p.tags or {"vegetarian", "vegan"} & set(p.tags), p.sku
    assert seen


def test_no_peanuts_is_never_suggested_nuts(settings):
    bot = Assistant(settings)
    bot.turn("no peanuts")
    cat = settings.catalog
    seen = 0
    for sku in BASES:
        if sku not in cat.by_sku:
            continue
        for p, _ in suggest(bot.session, [sku], 5):
            seen += 1
            assert "peanut" not in p.name.lower() and "contains-nuts" not in p.tags, p.sku
    assert seen
    reply = bot.turn("anything vegan under $5 in snacks?")
    assert "Peanut" not in reply.text


def test_organic_variant_when_there_is_one(settings):
    answers = chat(settings, "a dozen eggs", "make it organic", "rice", "make it organic")
    assert answers[1].startswith("Now 1 x Organic Large Eggs (12 ct) instead of Large Eggs (12 ct).")
    assert answers[3] == "Sorry, there's no organic Long Grain White Rice."


def test_changing_amounts(settings):
    bot = Assistant(settings)
    bot.turn("2 lb of bananas and a dozen eggs")
    assert bot.turn("only 18 eggs").text.startswith("Now 1 x Large Eggs (18 ct) instead of Large Eggs (12 ct).")
    assert bot.turn("change the bananas to 3 lb").text.startswith("Now 3 x Bananas (1 lb).")
    assert bot.turn("one more").text.startswith("Added 1 more Bananas (1 lb) (now 4).")
    assert bot.state_lines() == ["= cart: BANANA-1LB×4, EGG-L-18×1"]
    assert bot.turn("1000 bags of rice").text.startswith("Sorry, I can't put more than 999 packs")


def test_cart_lives_in_memory_orders_in_the_store(settings):
    bot = Assistant(settings)
    bot.turn("a dozen eggs")
    assert settings.store.table("orders") == []
    other = Assistant(settings)
    assert other.turn("show my cart").text == "Your cart is empty."


def test_a_damaged_store_is_a_sentence_and_exit_3(settings, monkeypatch):
    settings.db_path.parent.mkdir(parents=True, exist_ok=True)
    settings.db_path.write_text("{not json")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"where's my order?\nbye\n")))
    out = io.StringIO()
    assert run_chat(settings, Output(stdout=out), None) == 3
    first = out.getvalue().splitlines()[0]
    assert first.startswith("The store ") or "store" in first.lower()
    assert "Traceback" not in out.getvalue()


def test_run_chat_reads_stdin_until_bye(settings, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"a dozen eggs\n\nbye\nshow my cart\n")))
    out = io.StringIO()
    assert run_chat(settings, Output(stdout=out), None) == 0
    assert out.getvalue().splitlines() == [
        "Added 1 x Large Eggs (12 ct). Your cart: 1 item, 3.99 USD.",
        "Bye! (The 1 item in your cart was not ordered.)",
    ]


def test_any_text_gets_an_answer(tmp_path_factory):
    from hypothesis import given, settings as hsettings, strategies as st

    s = Settings(db=str(tmp_path_factory.mktemp("prop") / "orders.json"), now_text=NOW)
    bot = Assistant(s)
    words = st.sampled_from(["make", "that", "it", "no", "the", "eggs", "rice", "2", "organic", "remove", "yes",
                             "checkout", "deliver", "tomorrow", "how", "much", "is", "under", "$5", "what", "goes",
                             "with", "cancel", "order", "same", "again", ",", "?", "ORD-000001", "one", "more"])
    phrases = st.one_of(st.text(max_size=60), st.lists(words, min_size=1, max_size=8).map(" ".join))

    @hsettings(max_examples=150, deadline=None)
    @given(phrases)
    def check(text):
        reply = bot.turn(text)
        assert reply.text and "Traceback" not in reply.text
        assert not reply.text.startswith("Sorry, something went wrong"), (text, reply.text)

    check()
