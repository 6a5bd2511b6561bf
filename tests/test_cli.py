"""The `shop` command through Typer's CliRunner and through a real subprocess: JSON, stdin, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopcli.cli.app import app

DATA = Path(__file__).parent / "data"
MINI = DATA / "mini.json"
NOW = "2026-11-23T14:03:00+00:00"


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A private store and the small test catalog, with the clock fixed."""
    cat = tmp_path / "catalog"
    cat.mkdir()
    (cat / "products.json").write_bytes(MINI.read_bytes())
    (cat / "stores.toml").write_bytes((DATA / "stores.toml").read_bytes())
    db = tmp_path / "store" / "orders.json"
    values = {"SHOPCLI_DB": str(db), "SHOPCLI_CATALOG": str(cat), "SHOPCLI_NOW": NOW}
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return values


def run(*args: str, input: str | None = None):
    from shopcli.cli import app as cli

    runner = CliRunner()
    return runner.invoke(app, list(args), input=input, catch_exceptions=False, prog_name="shop")


def shop(*args: str, input: bytes | None = None, env_extra: dict | None = None):
    """Run the real command in a subprocess."""
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "shopcli", *args], input=input, capture_output=True,
                          env=env, timeout=60)


# -- shop parse ---------------------------------------------------------------------------------

def test_parse_json_matches_contract(env):
    r = run("parse", "--json", "two bags of rice and a dozen eggs")
    assert r.exit_code == 0
    obj = json.loads(r.stdout)
    assert obj["request"] == "two bags of rice and a dozen eggs"
    assert obj["unparsed"] == []
    rice, eggs = obj["items"]
    assert rice["text"] == "two bags of rice" and rice["quantity"] == 2 and rice["unit"] == "bag"
    assert rice["status"] == "matched" and rice["product"]["sku"] == "RICE-JAS-2LB" and rice["packs"] == 2
    assert 0 <= rice["product"]["score"] <= 100
    assert all(set(a) == {"sku", "name", "score"} for a in rice["alternatives"])
    assert eggs["quantity"] == 12 and eggs["unit"] is None and eggs["packs"] == 1
    assert eggs["product"]["sku"] == "EGG-L-12"


def test_parse_stdin_one_object_per_line(env):
    r = run("parse", "--json", input="milk\n\n6 eggs\n2 kg rice\n")
    lines = [json.loads(l) for l in r.stdout.splitlines()]
    assert [l["request"] for l in lines] == ["milk", "6 eggs", "2 kg rice"]
    assert lines[1]["items"][0]["product"]["sku"] == "EGG-L-6"
    assert lines[2]["items"][0]["packs"] == 3      # 2 kg in 2 lb bags


def test_parse_plain_output_when_piped(env):
    r = run("parse", "a gallon of milk")
    assert r.exit_code == 0
    assert "Whole Milk" in r.stdout and "MILK-WHOLE-1GAL" in r.stdout
    assert "\x1b" not in r.stdout


@pytest.mark.parametrize("text", ["-h", "--db=/tmp/x", "-3 milk", "--yes"])
def test_request_text_is_never_an_option(env, text):
    r = run("parse", "--json", text)
    assert r.exit_code == 0
    assert json.loads(r.stdout)["request"] == text


def test_help_alone_still_helps(env):
    r = run("parse", "--help")
    assert r.exit_code == 0 and "Examples" in r.stdout


def test_unknown_option_of_root_is_usage_error(env):
    r = shop("--bogus", "parse", "milk")
    assert r.returncode == 2
    assert r.stderr.decode().count("\n") == 1 and r.stderr.startswith(b"error:")


def test_misspelt_command_suggests(env):
    r = shop("pars", "milk")
    assert r.returncode == 2 and b"parse" in r.stderr and b"Traceback" not in r.stderr


def test_empty_request_is_usage_error(env):
    r = shop("parse", "   ")
    assert r.returncode == 2 and r.stderr.startswith(b"error: the request is empty")


def test_invalid_catalog_exit_3_names_file_and_field(env, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"sku": "A", "name": "Apple", "price": "-1"}]))
    r = shop("--catalog", str(bad), "parse", "apple")
    assert r.returncode == 3
    err = r.stderr.decode()
    assert "bad.json" in err and "product 0" in err and "'price'" in err and err.count("\n") == 1


def test_csv_catalog_and_option_beats_environment(env, tmp_path):
    csv = tmp_path / "c.csv"
    csv.write_text("sku,name,price,size,aliases\nAP,Gala Apples,1.99,1 lb,apple|apples\n")
    r = run("--catalog", str(csv), "parse", "--json", "2 lb of apples")
    item = json.loads(r.stdout)["items"][0]
    assert item["product"]["sku"] == "AP" and item["packs"] == 2


def test_version_and_guide(env):
    assert run("--version").stdout.startswith("shop ")
    assert "shop parse" in run().stdout


# -- shop order and shop orders -------------------------------------------------------------------

def test_order_places_and_lists(env):
    r = run("order", "--yes", "--json", "two bags of rice and a dozen eggs")
    assert r.exit_code == 0
    o = json.loads(r.stdout)
    assert o["id"] and o["status"] == "placed" and o["currency"] == "USD"
    assert o["lines"][0] == {"sku": "RICE-JAS-2LB", "name": "Jasmine Rice", "packs": 2, "unit_price": "4.99",
                             "line_total": "9.98"}
    assert o["subtotal"] == "13.47" and o["total"] == "13.47" and o["discount"] == "0.00"
    listed = json.loads(run("orders", "list", "--json").stdout)
    assert [x["id"] for x in listed] == [o["id"]]


def test_order_with_ambiguous_item_is_refused(env):
    r = run("order", "--yes", "yellow or white onions and milk")
    assert r.exit_code == 1
    assert "Yellow Onion" in r.stderr and "White Onion" in r.stderr
    assert not Path(env["SHOPCLI_DB"]).exists()


def test_order_unknown_item_refused_without_write(env):
    r = shop("order", "--yes", "--json", "2 unobtainium-xyzzy")
    assert r.returncode == 1 and r.stdout == b""
    assert not Path(env["SHOPCLI_DB"]).exists()


@pytest.mark.parametrize("text", ["0 milk", "-2 milk", "1000000000000 milk", "nan milk", "inf milk",
                                  "1e309 milk", "0.0000001 milk"])
def test_bad_quantities_refused(env, text):
    r = run("order", "--yes", "--json", text)
    assert r.exit_code == 1, r.stdout
    assert not Path(env["SHOPCLI_DB"]).exists()


def test_order_delivery_in_request_and_status_over_time(env):
    o = json.loads(run("order", "--yes", "--json", "milk and deliver it tomorrow morning").stdout)
    assert o["delivery"] == {"method": "delivery", "window_start": "2026-11-24T08:00:00+00:00",
                             "window_end": "2026-11-24T12:00:00+00:00", "store": None}
    oid = o["id"]
    assert json.loads(run("orders", "status", oid, "--json").stdout)["status"] == "scheduled"
    later = run("--now", "2026-11-24T09:00:00+00:00", "orders", "status", oid, "--json")
    assert json.loads(later.stdout)["status"] == "out_for_delivery"
    done = run("--now", "2026-11-25T09:00:00+00:00", "orders", "status", oid)
    assert "delivered" in done.stdout
    # too late to cancel once the window has started
    r = run("--now", "2026-11-24T09:00:00+00:00", "orders", "cancel", oid)
    assert r.exit_code == 1


def test_pickup_and_unknown_store(env):
    o = json.loads(run("order", "--yes", "--json", "--pickup", "downtown", "6 eggs").stdout)
    assert o["delivery"]["method"] == "pickup" and o["delivery"]["store"] == "Downtown"
    r = run("order", "--yes", "--pickup", "Dwntown", "6 eggs")
    assert r.exit_code == 2 and "Downtown" in r.stderr


def test_past_delivery_time_is_error(env):
    r = run("order", "--yes", "--deliver", "2026-11-01", "milk")
    assert r.exit_code == 2 and "past" in r.stderr
    assert not Path(env["SHOPCLI_DB"]).exists()


def test_cancel_is_final(env):
    oid = json.loads(run("order", "--yes", "--json", "milk").stdout)["id"]
    assert run("orders", "cancel", oid).exit_code == 0
    assert run("orders", "cancel", oid).exit_code == 1
    assert json.loads(run("orders", "show", oid, "--json").stdout)["status"] == "cancelled"
    assert [o["id"] for o in json.loads(run("orders", "list", "--status", "cancelled", "--json").stdout)] == [oid]


def test_unknown_order_id_exit_1(env):
    for cmd in ("show", "status", "cancel"):
        r = run("orders", cmd, "ORD-999999")
        assert r.exit_code == 1


def test_dry_run_writes_nothing(env):
    r = run("order", "--dry-run", "--json", "milk")
    assert r.exit_code == 0 and json.loads(r.stdout)["status"] == "draft"
    assert not Path(env["SHOPCLI_DB"]).exists()


def test_stdin_batch_places_each_line_and_reports_bad_ones(env):
    r = run("order", "--json", input="2 milk\nxyzzy\n3 cans of diced tomatoes\n")
    assert r.exit_code == 1
    placed = [json.loads(l) for l in r.stdout.splitlines()]
    assert [o["request"] for o in placed] == ["2 milk", "3 cans of diced tomatoes"]
    assert "line 2" in r.stderr
    assert len(json.loads(run("orders", "list", "--json").stdout)) == 2


def test_export_import_round_trip_is_byte_identical(env, tmp_path):
    run("order", "--yes", "milk and deliver it friday evening")
    oid = json.loads(run("order", "--yes", "--json", "2 kg rice").stdout)["id"]
    run("orders", "cancel", oid)
    exported = run("orders", "export").stdout
    dump = tmp_path / "dump.jsonl"
    dump.write_text(exported)
    other = str(tmp_path / "other.json")
    assert run("--db", other, "orders", "import", str(dump)).stdout.strip() == "imported 2 orders"
    assert run("--db", other, "orders", "export").stdout == exported


def test_import_fills_missing_fields_and_is_all_or_nothing(env, tmp_path):
    f = tmp_path / "in.jsonl"
    f.write_text('{"lines": [{"sku": "EGG-L-12", "packs": 2}]}\n{"lines": [{"sku": "NOPE", "packs": 1}]}\n')
    r = run("orders", "import", str(f))
    assert r.exit_code == 3 and "line 2" in r.stderr
    assert not Path(env["SHOPCLI_DB"]).exists()
    f.write_text('{"lines": [{"sku": "EGG-L-12", "packs": 2}]}\n')
    assert run("orders", "import", str(f)).exit_code == 0
    o = json.loads(run("orders", "list", "--json").stdout)[0]
    assert o["total"] == "6.98" and o["id"] and o["created_at"] == NOW


def test_markup_and_escapes_shown_literally(env):
    r = shop("order", "--yes", "--json", "[bold red]2 milk[/] \x1b[2J")
    out = r.stdout + r.stderr
    assert b"\x1b" not in out
    assert b"Traceback" not in out


def test_corrupt_store_refused_and_untouched(env):
    db = Path(env["SHOPCLI_DB"])
    db.parent.mkdir(parents=True)
    db.write_text('{"orders": {"1": {"id": "x"')
    before = db.read_bytes()
    for args in (("order", "--yes", "milk"), ("orders", "list")):
        r = shop(*args)
        assert r.returncode == 3 and r.stderr.count(b"\n") == 1
    assert db.read_bytes() == before


def test_store_under_a_file_is_exit_3(env, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    r = shop("--db", str(blocker / "orders.json"), "order", "--yes", "milk")
    assert r.returncode == 3 and b"Traceback" not in r.stderr


def test_stdin_bad_lines_are_refused_one_by_one(env):
    long_line = "milk " * 2100                      # a 10 kB line
    data = ("2 milk\n" + long_line + "\n\xff\xfe 3 eggs\n2 milk\x00; rm -rf ~\n\x1b[2J2 onions\n").encode("utf-8",
                                                                                                      "surrogateescape")
    data = data.replace("\xff\xfe".encode(), b"\xff\xfe")
    r = shop("order", "--json", input=data)
    assert r.returncode == 2
    placed = [json.loads(l) for l in r.stdout.splitlines()]
    assert [o["lines"][0]["sku"] for o in placed] == ["MILK-WHOLE-1GAL", "EGG-L-12", "ONION-Y"]
    err = r.stderr.decode()
    assert "line 2" in err and "10,000" in err and "line 4" in err and "NUL" in err
    assert b"\x1b" not in r.stdout + r.stderr and b"Traceback" not in r.stderr
    stored = json.loads(shop("orders", "list", "--json").stdout)
    assert len(stored) == 3 and all("\x1b" not in o["request"] for o in stored)


def test_rich_markup_in_catalog_names_is_literal(env, tmp_path):
    cat = tmp_path / "markup.json"
    cat.write_text(json.dumps([{"sku": "M1", "name": "[bold red]Danger[/] Soap [/]", "price": "1.00",
                                "aliases": ["soap"]}]))
    r = run("--catalog", str(cat), "order", "--yes", "soap")
    assert r.exit_code == 0 and "[bold red]Danger[/] Soap [/]" in r.stdout


def test_interactive_repair_asks_and_resolves(env, monkeypatch):
    from shopcli.cli import ordering
    from shopcli.orders import lifecycle as core
    from shopcli.catalog.load import load_catalog
    from shopcli.render import Output
    import io
    from datetime import datetime, timezone

    catalog = load_catalog(MINI)
    now = datetime(2026, 11, 23, 14, 3, tzinfo=timezone.utc)
    draft = core.draft_order("yellow or white onions and 2 xyzzy and milk", catalog, now)
    assert len(draft.problems) == 2
    answers = iter(["2", "skim milk"])
    monkeypatch.setattr("typer.prompt", lambda *a, **k: next(answers))
    fixed = ordering._repair(draft, catalog, now, Output(io.StringIO(), io.StringIO()))
    assert fixed is not None and not fixed.problems
    assert sorted((l["sku"], l["packs"]) for l in fixed.doc["lines"]) == [
        ("MILK-SKIM-1GAL", 2), ("MILK-WHOLE-1GAL", 1), ("ONION-W", 1)]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root ignores permissions")
def test_read_only_store_folder_is_exit_3_and_unchanged(env, tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "orders.json"
    assert shop("--db", str(db), "order", "--yes", "milk").returncode == 0
    before = db.read_bytes()
    folder.chmod(0o555)
    try:
        r = shop("--db", str(db), "order", "--yes", "milk")
        assert r.returncode == 3 and r.stderr.count(b"\n") == 1
        assert db.read_bytes() == before
    finally:
        folder.chmod(0o755)


def test_order_beyond_stock_is_refused_with_the_number_left(env, tmp_path, monkeypatch):
    cat = tmp_path / "stocked.json"
    cat.write_text('[{"sku": "GARLIC", "name": "Garlic", "price": "0.50", "stock": 2}]')
    monkeypatch.setenv("SHOPCLI_CATALOG", str(cat))
    r = run("order", "--yes", "3 garlic")
    assert r.exit_code == 1
    assert "'Garlic': only 2 available" in r.stderr and "order fewer" in r.stderr
    assert "say which product" not in r.stderr          # nothing to choose between
    assert not Path(env["SHOPCLI_DB"]).exists()
    assert run("order", "--yes", "2 garlic").exit_code == 0
    r = run("order", "--yes", "garlic")
    assert r.exit_code == 1 and "out of stock" in r.stderr


def test_a_self_correction_is_not_a_problem_item(env):
    r = shop("order", "--yes", "--json", "2 milk, no wait, 3")
    assert r.returncode == 0, r.stderr
    order = json.loads(r.stdout)
    assert [(line["sku"], line["packs"]) for line in order["lines"]] == [("MILK-WHOLE-1GAL", 3)]
    parsed = json.loads(run("parse", "--json", "milk, no cheese this time").stdout)
    assert parsed["remarks"] == ["no cheese"] and parsed["unparsed"] == []
