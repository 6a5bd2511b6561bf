"""Every line of a standard-input batch is one request, whatever the batch size (issue 19, finding 0:
lines still buffered behind a full group of 2,000 were once joined into one order at end of input)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest


def run(args: list[str], lines: list[str], tmp_path) -> list[str]:
    env = dict(os.environ, SHOPCLI_DB=str(tmp_path / "orders.json"), SHOPCLI_NOW="2026-11-23T14:03:00+00:00",
               SHOPCLI_CACHE_DIR=str(tmp_path / "cache"), SHOPCLI_CONFIG=str(tmp_path / "none.toml"))
    env.pop("SHOPCLI_CATALOG", None)
    data = "".join(line + "\n" for line in lines).encode()
    r = subprocess.run([sys.executable, "-m", "shopcli", *args], input=data, capture_output=True, env=env,
                       timeout=300)
    assert r.returncode == 0, r.stderr.decode()[-400:]
    return r.stdout.decode().splitlines()


@pytest.mark.parametrize("n", [1, 4095, 4096, 4097, 10_000])
def test_each_line_is_one_order(n, tmp_path):
    lines = ["bread" if i % 2 == 0 else "2 eggs" for i in range(n)]
    out = run(["order", "--yes", "--json"], lines, tmp_path)
    assert len(out) == n
    docs = [json.loads(line) for line in out[-3:]]
    assert all(len(d["lines"]) == 1 and d["lines"][0]["packs"] <= 2 for d in docs)
    assert [d["request"] for d in docs] == lines[-3:]


def test_each_long_line_is_one_order_too(tmp_path):
    n = 4097
    long = "a gallon of milk, two loaves of sourdough bread, a dozen large eggs, " * 3 + "and some bananas"
    out = run(["order", "--dry-run", "--json"], [long] * n, tmp_path)
    assert len(out) == n and json.loads(out[-1])["request"] == long


@pytest.mark.parametrize("n", [4097, 10_000])
def test_each_line_is_one_parse(n, tmp_path):
    assert len(run(["parse", "--json"], ["milk"] * n, tmp_path)) == n


def test_the_last_line_without_a_newline_counts(tmp_path):
    env = dict(os.environ, SHOPCLI_DB=str(tmp_path / "orders.json"), SHOPCLI_CACHE_DIR=str(tmp_path / "cache"))
    r = subprocess.run([sys.executable, "-m", "shopcli", "order", "--dry-run", "--json"], input=b"milk\nbread",
                       capture_output=True, env=env, timeout=60)
    assert r.returncode == 0 and len(r.stdout.splitlines()) == 2


@pytest.mark.parametrize("args, data, placed", [
    (["order", "--yes", "milk"], None, 1),
    (["order", "--json"], b"milk\nbread\neggs\n", 3),
])
def test_an_order_stored_is_reported_placed_when_the_output_is_closed(tmp_path, args, data, placed):
    """Issue 19, finding 5: the order was stored, then the command failed and a script retried."""
    env = dict(os.environ, SHOPCLI_DB=str(tmp_path / "orders.json"), SHOPCLI_CACHE_DIR=str(tmp_path / "cache"))
    read, write = os.pipe()
    os.close(read)
    try:
        r = subprocess.run([sys.executable, "-m", "shopcli", *args], stdout=write, stderr=subprocess.PIPE,
                           input=data, env=env, timeout=60)
    finally:
        os.close(write)
    err = r.stderr.decode()
    assert r.returncode == 0 and "Traceback" not in err and err.count("\n") == 1
    assert "placed ORD-" in err and err.count("ORD-") == placed
    listed = subprocess.run([sys.executable, "-m", "shopcli", "orders", "list", "--json"], capture_output=True,
                            env=env, timeout=60)
    assert len(json.loads(listed.stdout)) == placed


def test_a_counter_behind_the_orders_never_hands_out_an_id_twice(tmp_path):
    """Issue 19, finding 6: a store whose meta document was edited or partly restored."""
    env = dict(os.environ, SHOPCLI_DB=str(tmp_path / "orders.json"), SHOPCLI_CACHE_DIR=str(tmp_path / "cache"))

    def shop(*args):
        r = subprocess.run([sys.executable, "-m", "shopcli", *args], capture_output=True, text=True, env=env,
                           timeout=60)
        assert r.returncode == 0, r.stderr
        return r.stdout

    for _ in range(3):
        shop("order", "--yes", "milk")
    data = json.loads((tmp_path / "orders.json").read_text())
    data["_meta"]["1"]["counters"]["order"] = 1
    (tmp_path / "orders.json").write_text(json.dumps(data))
    shop("order", "--yes", "bread")
    shop("order", "--yes", "eggs")
    ids = [o["id"] for o in json.loads(shop("orders", "list", "--json"))]
    assert len(ids) == 5 and len(set(ids)) == 5


@pytest.mark.parametrize("n", [1, 4097])
def test_each_line_is_one_suggestion_basket(n, tmp_path):
    """Issue 14: `shop suggest -` answered "nothing recognisable"; now one basket a line."""
    lines = ["EGG-L-12 MILK-WHOLE-1GAL" if i % 2 == 0 else "spaghetti" for i in range(n)]
    out = run(["suggest", "--json", "-"], lines, tmp_path)
    assert len(out) == n
    first = json.loads(out[0])
    assert first["basis"] == ["EGG-L-12", "MILK-WHOLE-1GAL"] and first["suggestions"]
    assert all(s["sku"] not in first["basis"] for s in first["suggestions"])
    if n > 1:
        assert json.loads(out[1])["basis"] == ["PASTA-SPAG-1LB"]


def test_a_suggestion_line_that_names_nothing_is_reported_and_the_rest_go_on(tmp_path):
    env = dict(os.environ, SHOPCLI_DB=str(tmp_path / "o.json"), SHOPCLI_CACHE_DIR=str(tmp_path / "cache"))
    r = subprocess.run([sys.executable, "-m", "shopcli", "suggest", "-"], input=b"zzzz\nspaghetti\n",
                       capture_output=True, env=env, timeout=60)
    assert r.returncode == 1 and b"line 1:" in r.stderr
    assert r.stdout.decode().split("\n")[:2][0] == "" and "PASTASAUCE" in r.stdout.decode()
