"""The SQLite catalog cache answers exactly as the catalog in memory, and is rebuilt when the catalog changes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from shopcli.catalog.load import load_catalog
from shopcli.catalog.cache import CachedCatalog, open_catalog
from shopcli.parse.pipeline import parse_request

REQUESTS = ["two bags of rice and a dozen eggs", "a gallon of milk", "salt and pepper chips", "mac and cheese",
            "yellow or white onions", "bananna, brocoli and chiken breast", "rice, jasmine", "2 unobtainium",
            "a 6-pack of coke", "2 each of red and green peppers", "heinz ketchup", "half and half"]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("SHOPCLI_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_second_open_uses_the_cache_and_parses_the_same(cache):
    first = open_catalog()
    assert not isinstance(first, CachedCatalog)
    second = open_catalog()
    assert isinstance(second, CachedCatalog)
    memory = load_catalog()
    for r in REQUESTS:
        assert parse_request(r, second).to_dict() == parse_request(r, memory).to_dict(), r
    assert len(second) == len(memory)
    assert second.by_sku["EGG-L-12"] == memory.by_sku["EGG-L-12"]
    assert "NOPE" not in second.by_sku and second.get("NOPE") is None


def test_changed_catalog_is_read_afresh(cache, tmp_path):
    cat = tmp_path / "c.json"
    cat.write_text(json.dumps([{"sku": "A", "name": "Apples", "price": "1.00"}]))
    open_catalog(cat)
    assert isinstance(open_catalog(cat), CachedCatalog)
    cat.write_text(json.dumps([{"sku": "B", "name": "Bananas", "price": "2.00"}]))
    os.utime(cat, ns=(1, 1))
    fresh = open_catalog(cat)
    assert not isinstance(fresh, CachedCatalog) and fresh.get("B") is not None


def test_unwritable_cache_dir_falls_back_to_memory(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("SHOPCLI_CACHE_DIR", str(blocker / "cache"))
    cat = open_catalog()
    assert parse_request("milk", cat).items[0].product.sku == "MILK-WHOLE-1GAL"
    assert not list(tmp_path.glob("**/*.sqlite"))


def corpus_requests() -> list[str]:
    data = Path(__file__).parent / "data"
    out = []
    for f in [data / "parse_corpus.txt", *sorted(data.glob("parse_heldout*.txt"))]:
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                out.append(line.split(" => ")[0].replace("\\n", "\n"))
    return out


def test_a_long_batch_on_the_cache_parses_as_in_memory(cache):
    # Past a few hundred look-ups the cached index reads every exact key and the vocabulary at once
    # (a batch); before and after, every request must read exactly as on the catalog in memory.
    open_catalog()
    cached = open_catalog()
    assert isinstance(cached, CachedCatalog)
    memory = load_catalog()
    requests = corpus_requests()
    assert len(requests) > 1000
    for r in requests:
        assert parse_request(r, cached).to_dict() == parse_request(r, memory).to_dict(), r
    index = cached.index
    assert index._exact_keys is not None and index._df_all is not None   # the batch path was taken
