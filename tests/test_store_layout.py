"""The verified layout: a transaction on a file this module wrote reads only what it needs.

Every commit records where each table lies in the file with its CRC-32 ("layout" in the meta
document). A file whose bytes match it is known to be exactly what shopcli wrote, so appending an
order does not parse the others; any other file (hand edits, damage, an older shopcli) is parsed
and checked whole, as before. Table summaries (the stock held by all orders) hold only while the
file is exactly as shopcli left it.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tinydb import TinyDB

from shopcli.store import db as store_module
from shopcli.catalog.load import load_catalog
from shopcli.errors import DataError
from shopcli.orders.lifecycle import cancel_order, draft_order, place_orders
from shopcli.store.db import Store

CLOCK = datetime.fromisoformat("2026-11-23T14:03:00+00:00")


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the tables parsed lazily (from a verified file) during the test."""
    seen: list[str] = []
    real = store_module._parse_body

    def spy(path, name, data):  # type: ignore[no-untyped-def]
        seen.append(name)
        return real(path, name, data)

    monkeypatch.setattr(store_module, "_parse_body", spy)
    return seen


def verified(path: Path) -> bool:
    return store_module._read_verified(path, path.read_bytes()) is not None


def fill(store: Store, n: int = 3) -> list[dict]:
    docs = [{"id": i, "name": f"ünï {i}"} for i in range(1, n + 1)]
    with store.transaction() as tx:
        tx.table("orders").insert_multiple(docs)
        tx.table("prefs").insert({"diet": "vegan"})
    return docs


def test_every_commit_writes_a_layout_that_checks_out(store: Store, path: Path) -> None:
    fill(store)
    assert verified(path)
    (meta,) = json.loads(path.read_bytes())["_meta"].values()
    assert [e["name"] for e in meta["layout"]] == ["orders", "prefs"]
    assert [e["docs"] for e in meta["layout"]] == [3, 1]


def test_append_does_not_parse_a_verified_table(store: Store, path: Path, parses: list[str]) -> None:
    docs = fill(store)
    with store.transaction() as tx:
        assert tx.count("orders") == 3
        assert tx.append("orders", [{"id": 4}, {"id": 5}]) == [4, 5]
        assert tx.count("orders") == 5
        assert tx.append("orders", [{"id": 6}]) == [6]
    assert parses == []
    assert verified(path)
    assert store.read() == {"orders": docs + [{"id": 4}, {"id": 5}, {"id": 6}], "prefs": [{"diet": "vegan"}]}
    db = TinyDB(path, access_mode="r")
    try:
        assert [d.doc_id for d in db.table("orders").all()] == [1, 2, 3, 4, 5, 6]
    finally:
        db.close()


def test_reading_one_table_parses_only_that_one(store: Store, path: Path, parses: list[str]) -> None:
    fill(store)
    with store.transaction() as tx:
        tx.table("prefs").update({"diet": "vegetarian"})
    assert parses == ["prefs"]
    assert store.table("prefs") == [{"diet": "vegetarian"}]
    assert len(store.table("orders")) == 3 and verified(path)


def test_appended_then_read_in_the_same_transaction(store: Store, path: Path) -> None:
    docs = fill(store)
    with store.transaction() as tx:
        tx.append("orders", [{"id": 4}])
        table = tx.table("orders")  # parses the table; the appended document is there
        assert [d["id"] for d in table.all()] == [1, 2, 3, 4]
        table.insert({"id": 5})
    assert store.table("orders") == docs + [{"id": 4}, {"id": 5}] and verified(path)


def test_append_to_a_new_table_and_to_a_parsed_one(store: Store, path: Path) -> None:
    with store.transaction() as tx:
        assert tx.append("orders", [{"id": 1}]) == [1]
        assert tx.append("orders", [{"id": 2}]) == [2]
        assert tx.append("orders", []) == []
    assert store.table("orders") == [{"id": 1}, {"id": 2}] and verified(path)


@pytest.mark.parametrize("edit", ["changed value", "reformatted", "older shopcli", "layout edited"])
def test_a_file_changed_by_other_means_is_parsed_whole(store: Store, path: Path, parses: list[str],
                                                       edit: str) -> None:
    fill(store)
    data = json.loads(path.read_bytes())
    if edit == "changed value":
        path.write_bytes(path.read_bytes().replace("ünï 2".encode(), b"edited"))
    elif edit == "reformatted":
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    elif edit == "older shopcli":
        del data["_meta"]["1"]["layout"]
        path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    else:
        data["_meta"]["1"]["layout"][0]["docs"] = 99
        path.write_text(json.dumps(data, separators=(",", ":"), ensure_ascii=False), encoding="utf-8")
    assert not verified(path)
    with store.transaction() as tx:
        assert tx.count("orders") == 3
        tx.append("orders", [{"id": 4}])
    assert parses == []  # parsed whole on opening, not lazily
    assert [d["id"] for d in store.table("orders")] == [1, 2, 3, 4]
    assert verified(path)


def shopcli_file(tmp_path: Path) -> bytes:
    s = Store(tmp_path / "model.json")
    fill(s)
    return s.path.read_bytes()


@pytest.mark.parametrize("damage", ["truncated", "byte flipped", "brace lost", "garbage after", "nul"])
def test_damage_to_a_verified_file_is_refused_and_left_alone(tmp_path: Path, store: Store, path: Path,
                                                             damage: str) -> None:
    good = shopcli_file(tmp_path)
    body = good.index(b'"orders":') + 20
    bad = {"truncated": good[: len(good) - 7],
           "byte flipped": good[:body] + b"\x7f{" + good[body + 2:],
           "brace lost": good[:-2] + b"}",
           "garbage after": good + b"{}",
           "nul": good[:body] + b"\x00" + good[body + 1:]}[damage]
    path.write_bytes(bad)
    with pytest.raises(DataError) as info:
        with store.transaction() as tx:
            tx.append("orders", [{"id": 9}])
    assert "damaged" in info.value.message
    assert path.read_bytes() == bad


def test_summary_holds_only_while_the_table_is_unchanged(store: Store, path: Path) -> None:
    fill(store)
    with store.transaction() as tx:
        assert tx.summary("orders") is None
        tx.set_summary("orders", {"count": 3})
    with store.transaction() as tx:
        assert tx.summary("orders") == {"count": 3}
        tx.append("orders", [{"id": 4}])  # appends keep it: the caller updates it
        assert tx.summary("orders") == {"count": 3}
        tx.set_summary("orders", {"count": 4})
    with store.transaction() as tx:
        assert tx.summary("orders") == {"count": 4}
        tx.table("prefs").insert({"x": 1})  # another table: kept
        assert tx.summary("orders") == {"count": 4}
        tx.table("orders").remove(doc_ids=[1])  # changed through TinyDB: dropped
        assert tx.summary("orders") is None
    with store.transaction() as tx:
        tx.set_summary("orders", {"count": 3})
    edited = json.loads(path.read_bytes())
    edited["_meta"]["1"]["summaries"]["orders"] = {"count": 7}  # a hand edit of the summary itself
    path.write_text(json.dumps(edited, separators=(",", ":")), encoding="utf-8")
    with store.transaction() as tx:
        assert tx.summary("orders") is None
        tx.set_summary("orders", {"count": 3})
    path.write_bytes(path.read_bytes().replace(b'"id":4', b'"id":5'))  # a hand edit of the table
    with store.transaction() as tx:
        assert tx.summary("orders") is None


def test_a_failed_transaction_appends_nothing(store: Store, path: Path) -> None:
    fill(store)
    before = path.read_bytes()
    with pytest.raises(ZeroDivisionError):
        with store.transaction() as tx:
            tx.append("orders", [{"id": 4}])
            1 / 0
    assert path.read_bytes() == before


# --------------------------------------------------------------------------- stock held by orders

PRODUCTS = [
    {"sku": "GARLIC", "name": "Garlic", "price": "0.59", "category": "Produce", "stock": 5},
    {"sku": "ONION", "name": "Onion", "price": "0.89", "category": "Produce"},
]


@pytest.fixture
def catalog(tmp_path: Path):
    p = tmp_path / "catalog.json"
    p.write_text(json.dumps({"products": PRODUCTS}), encoding="utf-8")
    return load_catalog(p)


def place(store: Store, catalog, text: str):
    draft = draft_order(text, catalog, CLOCK, store=store)
    assert not draft.problems, draft.problems
    (result,) = place_orders(store, [draft.doc], catalog)
    return result


def test_stock_is_held_across_processes_cancel_and_hand_edits(store: Store, path: Path, catalog,
                                                              parses: list[str]) -> None:
    first = place(store, catalog, "2 garlic")
    assert isinstance(first, dict)
    parses.clear()
    assert isinstance(place(store, catalog, "3 garlic and an onion"), dict)
    assert parses == []  # the held stock came from the summary, not from reading every order
    refused = place(store, catalog, "1 garlic")
    assert [str(p) for p in refused] == ["'Garlic': out of stock"]
    cancel_order(store, first["id"], CLOCK)
    refused = place(store, catalog, "3 garlic")
    assert [str(p) for p in refused] == ["'Garlic': only 2 available"]
    # A hand edit that cancels an order is counted: the summary no longer holds.
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"status":"placed"', '"status":"cancelled"'), encoding="utf-8")
    assert isinstance(place(store, catalog, "5 garlic"), dict)


# --------------------------------------------------------------------------- property

ops = st.lists(
    st.tuples(st.sampled_from(["append", "insert", "update", "remove", "summary", "reformat"]),
              st.integers(min_value=0, max_value=50), st.text(max_size=8)),
    max_size=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=ops)
def test_any_sequence_of_changes_reads_back_as_the_model(tmp_path: Path, steps: list) -> None:
    path = Path(os.path.join(tmp_path, f"s{abs(hash(str(steps)))}.json"))
    path.unlink(missing_ok=True)
    store = Store(path)
    model: dict[int, dict] = {}
    summary = None
    for op, k, text in steps:
        if op == "reformat" and path.exists():
            path.write_text(json.dumps(json.loads(path.read_text("utf-8")), indent=2), "utf-8")
            summary = None
            continue
        before = path.read_bytes() if path.exists() else None
        with store.transaction() as tx:
            assert tx.count("orders") == len(model)
            assert tx.summary("orders") == summary
            if op == "append":
                (doc_id,) = tx.append("orders", [{"t": text}])
                model[doc_id] = {"t": text}
            elif op == "insert":
                doc_id = tx.table("orders").insert({"t": text})
                model[doc_id] = {"t": text}
                summary = None
            elif op in ("update", "remove") and model:
                doc_id = sorted(model)[k % len(model)]
                if op == "update":
                    tx.table("orders").update({"t": text}, doc_ids=[doc_id])
                    model[doc_id] = {"t": text}
                else:
                    tx.table("orders").remove(doc_ids=[doc_id])
                    del model[doc_id]
                summary = None
            elif op == "summary":
                summary = {"n": len(model), "t": text}
                tx.set_summary("orders", summary)
        assert store.table("orders") == [model[i] for i in sorted(model)]
        if path.exists() and path.read_bytes() != before:
            assert verified(path)  # every commit leaves a file whose layout checks out
