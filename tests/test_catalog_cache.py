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


def test_an_edit_that_keeps_size_and_time_is_read_afresh(cache, tmp_path):
    """Issue 19, finding 7: `cp -p` or `touch -r` keep the size and the time, not the prices."""
    cat = tmp_path / "c.json"
    cat.write_text(json.dumps([{"sku": "A", "name": "Apple", "price": "1.00"}]), encoding="utf-8")
    st = cat.stat()
    assert str(open_catalog(cat).by_sku["A"].price) == "1.00"
    assert isinstance(open_catalog(cat), CachedCatalog)
    cat.write_text(json.dumps([{"sku": "A", "name": "Apple", "price": "9.00"}]), encoding="utf-8")
    os.utime(cat, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert cat.stat().st_size == st.st_size and cat.stat().st_mtime_ns == st.st_mtime_ns
    assert str(open_catalog(cat).by_sku["A"].price) == "9.00"


@pytest.mark.parametrize("damage", ["middle", "truncate", "rows"])
def test_a_damaged_cache_is_built_again(cache, damage):
    """Issue 19, finding 7: any unreadable cache is rebuilt, never a crash of every command."""
    import sqlite3

    open_catalog()
    (db,) = [p for p in cache.iterdir() if p.suffix == ".sqlite"]
    raw = bytearray(db.read_bytes())
    if damage == "middle":
        raw[len(raw) // 2: len(raw) // 2 + 4096] = b"\xff" * 4096
        db.write_bytes(bytes(raw))
    elif damage == "truncate":
        db.write_bytes(bytes(raw[: len(raw) // 3]))
    else:
        con = sqlite3.connect(db)
        con.execute("DELETE FROM product WHERE id > 10")
        con.commit()
        con.close()
    catalog = open_catalog()
    memory = load_catalog()
    for r in REQUESTS:
        assert parse_request(r, catalog).to_dict() == parse_request(r, memory).to_dict(), r
    assert isinstance(open_catalog(), CachedCatalog)
