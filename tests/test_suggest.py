"""Complementary suggestions: manners, learning from orders (place, import, cancel), the statistics
sidecar and its self-healing, acceptance, and `shop suggest` through the CLI."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from typer.testing import CliRunner

from shopcli.suggest import engine as sg
from shopcli.catalog.load import load_catalog
from shopcli.cli.app import app
from shopcli.errors import NotDone
from shopcli.orders.lifecycle import cancel_order, draft_order, import_orders, place_orders
from shopcli.store.db import Store

NOW = "2026-11-23T14:03:00+00:00"
CLOCK = datetime.fromisoformat(NOW)

PRODUCTS = [
    {"sku": "SPAG", "name": "Spaghetti", "price": "1.49", "category": "Pasta", "popularity": 80,
     "tags": ["vegan"], "complements": ["SAUCE", "PARM"]},
    {"sku": "PENNE", "name": "Penne Pasta", "price": "1.49", "category": "Pasta", "popularity": 60,
     "tags": ["vegan"]},
    {"sku": "SAUCE", "name": "Marinara Sauce", "price": "3.49", "category": "Pasta", "popularity": 70,
     "aliases": ["pasta sauce"], "tags": ["vegan"], "complements": ["SPAG", "BASIL", "GARLIC"]},
    {"sku": "PARM", "name": "Parmesan Cheese", "price": "5.99", "category": "Dairy", "popularity": 60,
     "aliases": ["parmesan"], "tags": ["vegetarian"]},
    {"sku": "CHED", "name": "Cheddar Cheese", "price": "3.99", "category": "Dairy", "popularity": 85,
     "aliases": ["cheddar"], "tags": ["vegetarian"]},
    {"sku": "MILK-WHOLE", "name": "Whole Milk", "price": "4.29", "category": "Dairy", "popularity": 100,
     "aliases": ["milk"], "tags": ["vegetarian"]},
    {"sku": "MILK-2", "name": "2% Milk", "price": "4.19", "category": "Dairy", "popularity": 90,
     "tags": ["vegetarian"]},
    {"sku": "MILK-OAT", "name": "Oat Milk", "price": "4.49", "category": "Dairy", "popularity": 50,
     "tags": ["vegan", "vegetarian"]},
    {"sku": "CEREAL", "name": "Cheerios", "price": "4.49", "category": "Breakfast", "popularity": 75,
     "tags": ["vegan"], "complements": ["MILK-WHOLE", "Produce"]},
    {"sku": "BANANA", "name": "Bananas", "price": "0.69", "category": "Produce", "popularity": 95,
     "tags": ["vegan"]},
    {"sku": "APPLE", "name": "Gala Apples", "price": "1.99", "category": "Produce", "popularity": 60,
     "tags": ["vegan"]},
    {"sku": "BEEF", "name": "Ground Beef", "price": "6.49", "category": "Meat", "popularity": 88,
     "complements": ["SPAG"]},
    {"sku": "BASIL", "name": "Fresh Basil", "price": "2.49", "category": "Produce", "popularity": 30,
     "tags": ["vegan"], "stock": 0},
    {"sku": "GARLIC", "name": "Garlic", "price": "0.59", "category": "Produce", "popularity": 40,
     "tags": ["vegan"], "stock": 2},
    {"sku": "COFFEE", "name": "Ground Coffee", "price": "8.99", "category": "Beverages", "popularity": 78,
     "tags": ["vegan"], "complements": ["MILK-WHOLE", "MILK-OAT"]},
]


@pytest.fixture
def catalog(tmp_path):
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"products": PRODUCTS}), encoding="utf-8")
    return load_catalog(path)


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "store" / "orders.json")


def order(*skus: str, suggestions=(), status="placed") -> dict:
    return {"status": status, "lines": [{"sku": s, "packs": 1} for s in skus],
            "suggestions": [{"sku": s, "name": s, "reason": "x"} for s in suggestions]}


def place(store, catalog, text: str) -> dict:
    draft = draft_order(text, catalog, CLOCK, store=store)
    assert not draft.problems, draft.problems
    (placed,) = place_orders(store, [draft.doc], catalog)
    assert isinstance(placed, dict), placed
    return placed


def skus(suggestions) -> list[str]:
    return [s.product.sku for s in suggestions]


# -- manners ---------------------------------------------------------------------------------


def test_never_an_item_of_the_basket(catalog):
    history = sg.Stats.build([order("SPAG", "SAUCE", "PARM")] * 5)
    for basis in (["SPAG"], ["SPAG", "SAUCE"], ["SPAG", "SAUCE", "PARM"]):
        got = skus(sg.suggest_for(catalog, basis, 10, stats=history))
        assert not set(got) & set(basis)


def test_one_item_per_family_and_no_variant_of_the_basket(catalog):
    history = sg.Stats.build([order("CEREAL", "MILK-WHOLE")] * 4 + [order("CEREAL", "MILK-2")] * 4
                             + [order("CEREAL", "MILK-OAT")] * 4 + [order("COFFEE", "MILK-2")] * 4)
    got = skus(sg.suggest_for(catalog, ["CEREAL"], 10, stats=history))
    assert len([s for s in got if s.startswith("MILK")]) == 1          # one milk, not three
    got = skus(sg.suggest_for(catalog, ["MILK-WHOLE", "COFFEE"], 10, stats=history))
    assert not [s for s in got if s.startswith("MILK")]                # buying milk: no other milk
    got = skus(sg.suggest_for(catalog, ["SPAG"], 10, stats=history))
    assert "PENNE" not in got                                          # no second pasta (same head noun)


def test_family_is_the_name_or_the_head_noun_on_the_same_shelf(catalog):
    view = sg._view(catalog)
    fam = {p.sku: view.family(p) for p in catalog}
    assert set(fam["MILK-WHOLE"]) & set(fam["MILK-OAT"])               # "… Milk" in Dairy
    assert not set(fam["PARM"]) & set(fam["MILK-WHOLE"])
    assert sg._head("large eggs") == "egg" and sg._head("roma tomatoes") == "tomato"
    assert sg._head("soy sauce") == "soy sauce"                         # not every sauce is a variant


def test_nothing_out_of_stock(catalog):
    got = skus(sg.suggest_for(catalog, ["SAUCE"], 10))
    assert "BASIL" not in got                                          # stock 0
    assert "GARLIC" in got                                             # stock 2, none held
    assert "GARLIC" not in skus(sg.suggest_for(catalog, ["SAUCE"], 10, held={"GARLIC": 2}))
    held = sg.Stats.build([{"status": "placed", "lines": [{"sku": "GARLIC", "packs": 2}]}])
    assert "GARLIC" not in skus(sg.suggest_for(catalog, ["SAUCE"], 10, stats=held))
    cancelled = sg.Stats.build([{"status": "cancelled", "lines": [{"sku": "GARLIC", "packs": 2}]}])
    assert "GARLIC" in skus(sg.suggest_for(catalog, ["SAUCE"], 10, stats=cancelled))


def test_a_vegan_basket_gets_no_cheese(catalog):
    history = sg.Stats.build([order("MILK-OAT", "CHED", "BANANA", "COFFEE")] * 6 + [order("SPAG", "PARM")] * 6)
    got = skus(sg.suggest_for(catalog, ["MILK-OAT"], 10, stats=history))   # oat milk among milks: a choice
    assert got and "CHED" not in got and all("vegan" in catalog.by_sku[s].tags for s in got)
    # Spaghetti is vegan anyway; buying it says nothing about the shopper.
    assert "PARM" in skus(sg.suggest_for(catalog, ["SPAG"], 10, stats=history))
    assert sg.implied_tags(catalog, [catalog.by_sku["SPAG"]]) == set()
    assert sg.implied_tags(catalog, [catalog.by_sku["MILK-OAT"]]) == {"vegan"}


def test_tags_asked_for_explicitly(catalog):
    assert "PARM" not in skus(sg.suggest_for(catalog, ["SPAG"], 10, require_tags=["vegan"]))
    assert "PARM" not in skus(sg.suggest_for(catalog, ["SPAG"], 10, exclude_tags=["vegetarian"]))
    assert "SAUCE" in skus(sg.suggest_for(catalog, ["SPAG"], 10, require_tags=["Vegan"]))


def test_reasons_and_scores(catalog):
    got = sg.suggest_for(catalog, ["SPAG"], 5)
    assert got[0].reason == "goes with Spaghetti" and not got[0].learned
    history = sg.Stats.build([order("SPAG", "PARM")] * 8 + [order("SPAG")] * 2 + [order("BANANA")] * 10)
    top = sg.suggest_for(catalog, ["SPAG"], 5, stats=history)
    assert top[0].product.sku == "PARM" and top[0].reason == "bought with Spaghetti in 80% of orders"
    assert all(0.0 <= s.score <= 1.0 for s in top)
    assert [s.score for s in top] == sorted((s.score for s in top), reverse=True)
    few = sg.Stats.build([order("SPAG", "BEEF")] * 3)
    reasons = [s.reason for s in sg.suggest_for(catalog, ["SPAG"], 5, stats=few)]
    assert "bought with Spaghetti in 3 of 3 orders" in reasons


def test_popular_but_unrelated_items_are_not_suggested(catalog):
    """Cheddar is in most orders but in fewer cereal orders than its popularity predicts: no lift."""
    history = [order("CEREAL", "APPLE")] * 6 + [order("CHED", "BEEF")] * 30 + [order("CHED", "CEREAL")] * 4
    got = skus(sg.suggest_for(catalog, ["CEREAL"], 5, stats=sg.Stats.build(history)))
    assert got[0] == "APPLE" and "CHED" not in got


# -- learning from the store ------------------------------------------------------------------


def test_place_updates_the_statistics_incrementally(store, catalog):
    assert sg.load_stats(store).orders == 0 and not store.path.exists()   # reading creates nothing
    place(store, catalog, "spaghetti, pasta sauce and parmesan")
    place(store, catalog, "spaghetti and 2 parmesan")
    stats = sg.load_stats(store)
    assert stats.orders == 2 and stats.items["SPAG"] == 2 and stats.items["SAUCE"] == 1
    assert stats.pairs["SPAG"]["PARM"] == 2 and stats.pairs["PARM"]["SPAG"] == 2
    assert stats.held["PARM"] == 3
    assert sg.stats_path(store).is_file()
    assert store.read_meta()[sg.META_KEY] == stats.token
    rebuilt = sg.Stats.build(store.table("orders"))
    assert (rebuilt.items, rebuilt.pairs, rebuilt.held, rebuilt.orders) == \
        (stats.items, stats.pairs, stats.held, stats.orders)


def test_reading_the_statistics_does_not_parse_the_store(store, catalog, monkeypatch):
    place(store, catalog, "spaghetti and parmesan")

    def boom(*a, **k):
        raise AssertionError("the whole store was parsed")

    monkeypatch.setattr(Store, "read", boom)
    monkeypatch.setattr(Store, "read_meta", boom)
    monkeypatch.setattr(Store, "table", boom)
    assert sg.load_stats(store).items == {"SPAG": 1, "PARM": 1}


def test_cancel_stops_counting_an_order(store, catalog):
    place(store, catalog, "spaghetti and parmesan")
    second = place(store, catalog, "spaghetti, parmesan and cheddar")
    cancel_order(store, second["id"], CLOCK)
    stats = sg.load_stats(store)
    assert stats.orders == 1 and stats.items == {"SPAG": 1, "PARM": 1}
    assert stats.pairs == {"SPAG": {"PARM": 1}, "PARM": {"SPAG": 1}} and "CHED" not in stats.held
    assert sg.Stats.build(store.table("orders")).pairs == stats.pairs


def test_import_counts_orders_but_not_cancelled_ones(store, catalog):
    lines = [json.dumps(order("SPAG", "SAUCE")), json.dumps(order("SPAG", "SAUCE")),
             json.dumps(order("CHED", "BEEF", status="cancelled"))]
    assert import_orders(store, lines, catalog, CLOCK) == 3
    stats = sg.load_stats(store)
    assert stats.orders == 2 and stats.items == {"SPAG": 2, "SAUCE": 2} and stats.docs == 3
    assert "CHED" not in stats.held


def test_stale_statistics_heal_themselves(store, catalog):
    place(store, catalog, "spaghetti and parmesan")
    path = sg.stats_path(store)
    path.unlink()                                                      # lost sidecar
    assert sg.load_stats(store).items == {"SPAG": 1, "PARM": 1} and path.is_file()
    # A crash after the sidecar was written but before the store was: the sidecar is ahead.
    ahead = sg.Stats.build(store.table("orders") + [order("CHED", "BEEF")])
    ahead.token, ahead.counter = "not-the-store's", 2
    sg._write_sidecar(path, ahead)
    assert "CHED" not in sg.load_stats(store).items
    # Orders written by something that does not keep statistics move the order counter.
    with store.transaction() as tx:
        tx.table("orders").insert(dict(order("CHED", "BEEF"), id=f"ORD-{tx.next_id('order'):06d}"))
    assert sg.load_stats(store).items["CHED"] == 1
    # ...and the next placement, finding the sidecar stale, recounts before adding.
    place(store, catalog, "cheddar")
    assert sg.load_stats(store).items == {"SPAG": 1, "PARM": 1, "CHED": 2, "BEEF": 1}


def test_a_broken_sidecar_never_stops_an_order(store, catalog, monkeypatch):
    def broken(path, stats):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sg, "_write_sidecar", broken)
    place(store, catalog, "spaghetti")
    monkeypatch.undo()
    assert len(store.table("orders")) == 1
    assert sg.load_stats(store).items == {"SPAG": 1}                  # rebuilt on the next read


def test_pair_counts_stay_bounded(monkeypatch):
    monkeypatch.setattr(sg, "PARTNER_CAP", 4)
    monkeypatch.setattr(sg, "PARTNER_KEEP", 2)
    stats = sg.Stats()
    for k in range(10):
        stats.observe(order("A", f"B{k}"))
    stats.observe(order("A", "B9"))
    assert len(stats.pairs["A"]) <= 4 and stats.pairs["A"]["B9"] == 2


# -- acceptance --------------------------------------------------------------------------------


def test_acceptance_is_recorded_and_undone_by_cancel(store, catalog):
    first = place(store, catalog, "spaghetti")
    offered = [s["sku"] for s in first["suggestions"]]
    assert offered and len(offered) <= 3 and "SPAG" not in offered
    taken = offered[0]
    second = place(store, catalog, catalog.by_sku[taken].name)
    stats = sg.load_stats(store)
    assert stats.accepted == {taken: 1}
    assert all(stats.offered.get(s) for s in offered)
    assert stats.last_suggested == [s["sku"] for s in second["suggestions"]]
    cancel_order(store, second["id"], CLOCK)
    assert sg.load_stats(store).accepted == {}
    assert sg.Stats.build(store.table("orders")).accepted == {}


def test_accepted_suggestions_rank_higher(catalog):
    base = [order("SAUCE", "SPAG"), order("SAUCE", "GARLIC")] * 3
    stats = sg.Stats.build(base)
    before = {s.product.sku: s.score for s in sg.suggest_for(catalog, ["SAUCE"], 5, stats=stats, held={})}
    stats.offered["GARLIC"] = stats.offered["SPAG"] = 10
    stats.accepted["GARLIC"] = 8
    after = {s.product.sku: s.score for s in sg.suggest_for(catalog, ["SAUCE"], 5, stats=stats, held={})}
    assert after["GARLIC"] > before["GARLIC"] and after["SPAG"] == before["SPAG"]


def test_receipts_carry_learned_suggestions(store, catalog):
    for _ in range(3):
        place(store, catalog, "spaghetti and ground beef")
    draft = draft_order("spaghetti", catalog, CLOCK, store=store)
    assert draft.doc["suggestions"][0] == {"sku": "BEEF", "name": "Ground Beef",
                                           "reason": "bought with Spaghetti in 3 of 3 orders"}
    assert len(draft.doc["suggestions"]) <= 3


# -- shop suggest --------------------------------------------------------------------------------


@pytest.fixture
def env(tmp_path, monkeypatch, catalog):
    values = {"SHOPCLI_DB": str(tmp_path / "store" / "orders.json"), "SHOPCLI_CATALOG": str(catalog.source),
              "SHOPCLI_NOW": NOW}
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    return values


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input, catch_exceptions=False, prog_name="shop")


def test_cli_json_by_sku_falls_back_on_the_catalog(env):
    r = run("suggest", "--json", "--sku", "SPAG")
    assert r.exit_code == 0, r.output
    obj = json.loads(r.stdout)
    assert obj["basis"] == ["SPAG"] and obj["source"] == "catalog"
    assert [s["sku"] for s in obj["suggestions"]][:2] == ["SAUCE", "PARM"]
    for s in obj["suggestions"]:
        assert set(s) == {"sku", "name", "score", "reason"} and isinstance(s["score"], float)
        assert 0 <= s["score"] <= 1 and s["reason"]


def test_cli_learns_from_orders(env):
    for _ in range(3):
        assert run("order", "--yes", "spaghetti and ground beef").exit_code == 0
    obj = json.loads(run("suggest", "--json", "--limit", "2", "--sku", "SPAG").stdout)
    assert obj["source"] == "orders" and len(obj["suggestions"]) == 2
    assert obj["suggestions"][0]["reason"] == "bought with Spaghetti in 3 of 3 orders"


def test_cli_text_and_plain_lines(env):
    r = run("suggest", "spaghetti and pasta sauce")
    assert r.exit_code == 0
    lines = r.stdout.splitlines()
    assert lines and all(len(line.split("\t")) == 4 for line in lines)
    assert lines[0].split("\t")[0] == "PARM" and "goes with Spaghetti" in lines[0]
    assert "from the catalog" in r.stderr
    obj = json.loads(run("suggest", "--json", "--sku", "BEEF", "spaghetti").stdout)
    assert obj["basis"] == ["SPAG", "BEEF"]


def test_cli_unknown_sku_and_nothing_recognisable(env):
    r = run("suggest", "--json", "--sku", "NOPE")
    assert r.exit_code == 1 and r.stderr.startswith("error: unknown SKU 'NOPE'") and not r.stdout
    r = run("suggest", "qwxz plorb")
    assert r.exit_code == 1 and "nothing recognisable" in r.stderr


def test_run_suggest_on_a_terminal_uses_a_table(env, catalog, tmp_path):
    import io

    from shopcli.render import Output
    from shopcli.settings import Settings

    class Tty(io.StringIO):
        def isatty(self):
            return True

    out = Output(stdout=Tty(), stderr=io.StringIO())
    sg.run_suggest(Settings(db=env["SHOPCLI_DB"], catalog_path=env["SHOPCLI_CATALOG"]), out, "spaghetti",
                   [], 3, False)
    text = out.stdout.getvalue()
    assert "Marinara Sauce" in text and "goes with Spaghetti" in text and "catalog" in text
    with pytest.raises(NotDone):
        sg.run_suggest(Settings(db=env["SHOPCLI_DB"], catalog_path=env["SHOPCLI_CATALOG"]), out, "", [], 3, True)


def test_catalog_summary_is_cached_and_follows_edits(env):
    import os
    from pathlib import Path

    first = json.loads(run("suggest", "--json", "--sku", "CHED").stdout)     # builds the catalog cache
    again = json.loads(run("suggest", "--json", "--sku", "CHED").stdout)     # answered from it
    assert first == again and first["suggestions"] == []                     # nothing names cheddar
    assert list(Path(os.environ["SHOPCLI_CACHE_DIR"]).glob("suggest-*.json"))
    products = [dict(p, complements=["CHED"]) if p["sku"] == "BEEF" else p for p in PRODUCTS]
    path = Path(env["SHOPCLI_CATALOG"])
    path.write_text(json.dumps({"products": products}), encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    for _ in range(2):                      # in memory, then from the rebuilt cache: no stale summary
        edited = json.loads(run("suggest", "--json", "--sku", "CHED").stdout)
        assert [s["sku"] for s in edited["suggestions"]] == ["BEEF"]       # named the other way round


def test_a_large_meta_document_is_still_read_from_the_head_of_the_store(store):
    # The stock held by orders of many products makes the meta document larger than the first read.
    with store.transaction() as tx:
        tx.table("orders").insert({"id": "ORD-000001", "status": "placed", "lines": []})
        tx.set_summary("orders", {"held": {f"SKU-{i:06d}": i for i in range(20_000)}})
    meta = sg._head_meta(store.path)
    assert meta is not None and len(meta["summaries"]["orders"]["held"]) == 20_000


def test_statistics_kept_in_memory_follow_another_process(store, catalog, tmp_path):
    import os
    import subprocess
    import sys

    place(store, catalog, "spaghetti and parmesan")
    assert sg.load_stats(store).orders == 1
    assert sg.load_stats(store) is sg.load_stats(store)          # nothing changed: nothing re-read
    env = dict(os.environ, SHOPCLI_DB=str(store.path), SHOPCLI_CATALOG=str(tmp_path / "catalog.json"),
               SHOPCLI_NOW=NOW)
    r = subprocess.run([sys.executable, "-m", "shopcli", "order", "--yes", "spaghetti and cheddar"],
                       env=env, capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr
    stats = sg.load_stats(store)
    assert stats.orders == 2 and stats.items["SPAG"] == 2 and stats.items["CHED"] == 1


def test_a_sibling_is_suggested_only_when_orders_show_it_bought_alongside():
    """Issue 14: organic and ordinary bananas are bought together by real shoppers; the blanket rule
    that never suggested a sibling of a basket item cost hits. Now the orders decide."""
    catalog = load_catalog()
    plain, organic = catalog.by_sku["BANANA-1LB"], catalog.by_sku["BANANA-ORG-1LB"]
    never = sg.Stats()
    assert organic.sku not in [s.product.sku for s in sg.suggest_for(catalog, [plain.sku], 10, stats=never)]
    baskets = [[plain.sku, organic.sku] if k % 2 == 0 else [plain.sku, "EGG-L-12"] if k % 3 else ["MILK-WHOLE-1GAL"]
               for k in range(40)]
    together = sg.Stats.build({"lines": [{"sku": s, "packs": 1} for s in b], "status": "placed"} for b in baskets)
    got = [s.product.sku for s in sg.suggest_for(catalog, [plain.sku], 10, stats=together)]
    assert organic.sku in got
