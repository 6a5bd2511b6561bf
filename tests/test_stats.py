"""`shop stats`: the figures (pure functions over order dicts), the command over an imported store,
and the output on a terminal of any width and when piped."""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopcli.cli.app import app
from shopcli.render import Output, bar, stats_lines
from shopcli.orders.spending import compute_stats, next_period, period_start

DATA = Path(__file__).parent / "data"
NOW = "2026-11-23T14:03:00+00:00"


def order(created: str, *lines: tuple[str, int, str], status: str = "placed", name: str | None = None) -> dict:
    total = sum(Decimal(t) for _, _, t in lines)
    return {"id": f"ORD-{created}", "created_at": created, "status": status, "currency": "USD",
            "lines": [{"sku": s, "name": name or s.title(), "packs": n, "line_total": t} for s, n, t in lines],
            "total": str(total)}


ORDERS = [
    order("2026-11-02T10:00:00+00:00", ("MILK", 2, "8.58"), ("EGGS", 1, "3.99")),
    order("2026-11-04T18:30:00+00:00", ("RICE", 2, "9.98"), ("EGGS", 1, "3.99")),
    order("2026-11-18T12:00:00+00:00", ("COFFEE", 4, "39.96"), status="cancelled"),
    order("2026-11-20T08:45:00+00:00", ("MILK", 1, "4.29"), ("EGGS", 2, "7.98")),
    order("2026-12-01T23:30:00-05:00", ("RICE", 1, "0.10"), ("MILK", 1, "0.20")),
]
CATEGORIES = {"MILK": "Dairy", "EGGS": "Eggs", "RICE": "Grains"}


def stats(**kw):
    return compute_stats(ORDERS, category_of=CATEGORIES.get, **kw)


# -- the figures ----------------------------------------------------------------------------

def test_totals_exclude_cancelled_and_are_exact():
    st = stats()
    assert st.orders == 4 and st.cancelled == 1
    assert st.spent == Decimal("39.11")          # 12.57 + 13.97 + 12.27 + 0.30 (0.10 + 0.20 is exactly 0.30)
    assert st.average_basket == Decimal("9.78")  # 39.11 / 4 = 9.7775, to the cent
    assert st.items == 11 and st.average_items == 2.8
    d = st.to_dict()
    assert d["spent"] == "39.11" and d["average_basket"] == "9.78" and d["currency"] == "USD"


def test_weeks_start_on_monday_and_empty_weeks_show():
    st = stats(by="week")
    assert [(p.start.isoformat(), p.orders, str(p.spent)) for p in st.periods] == [
        ("2026-11-02", 2, "26.54"), ("2026-11-09", 0, "0"), ("2026-11-16", 1, "12.27"),
        ("2026-11-23", 0, "0"), ("2026-11-30", 1, "0.30")]
    assert st.periods[0].label == "2026-W45"


def test_months_and_the_orders_own_time_zone():
    st = stats(by="month")
    # 2026-12-01 23:30 at -05:00 is December 2 in UTC, but December 1 where it was placed
    assert [(p.label, p.orders, str(p.spent)) for p in st.periods] == [("2026-11", 3, "38.81"),
                                                                          ("2026-12", 1, "0.30")]


def test_top_products_by_packs_and_categories_by_spending():
    st = stats(top=2)
    assert [(p.sku, p.packs, p.orders, str(p.spent)) for p in st.products] == [
        ("EGGS", 4, 3, "15.96"), ("MILK", 4, 3, "13.07")]
    assert [(c.category, str(c.spent)) for c in st.categories] == [("Eggs", "15.96"), ("Dairy", "13.07")]
    assert [c.category for c in stats(top=5).categories] == ["Eggs", "Dairy", "Grains"]


def test_unknown_category():
    st = compute_stats([order("2026-11-02T10:00:00+00:00", ("X", 1, "1.00"))])
    assert st.categories[0].category == "(no category)"


def test_since_and_until():
    since = datetime(2026, 11, 10, tzinfo=timezone.utc)
    until = datetime(2026, 11, 30, tzinfo=timezone.utc)
    st = stats(since=since, until=until)
    assert st.orders == 1 and st.cancelled == 1 and st.spent == Decimal("12.27")
    assert st.to_dict()["since"] == "2026-11-10T00:00:00+00:00"


def test_empty_and_odd_documents():
    st = compute_stats([])
    assert st.orders == 0 and st.average_basket is None and st.periods == []
    assert st.to_dict()["average_basket"] is None
    st = compute_stats([{"created_at": "yesterday", "total": "1.00"}, "junk", {"created_at": None}])
    assert st.orders == 0 and st.undated == 2


def test_period_arithmetic():
    assert period_start(date(2026, 11, 29), "week") == date(2026, 11, 23)
    assert period_start(date(2026, 11, 29), "month") == date(2026, 11, 1)
    assert next_period(date(2026, 12, 1), "month") == date(2027, 1, 1)


def test_bars():
    assert bar(Decimal(10), Decimal(10), 8) == "█" * 8
    assert bar(Decimal(0), Decimal(10), 8) == ""
    assert bar(Decimal("0.01"), Decimal(100), 8) == "▏"          # tiny but not nothing
    assert bar(5, 10, 30, ascii=True) == "#" * 15


# -- the command ----------------------------------------------------------------------------

@pytest.fixture
def env(tmp_path, monkeypatch):
    cat = tmp_path / "catalog"
    cat.mkdir()
    (cat / "products.json").write_bytes((DATA / "mini.json").read_bytes())
    values = {"SHOPCLI_DB": str(tmp_path / "orders.json"), "SHOPCLI_CATALOG": str(cat), "SHOPCLI_NOW": NOW,
              "SHOPCLI_CONFIG": str(tmp_path / "config.toml")}
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return values


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input, catch_exceptions=False, prog_name="shop")


IMPORT = "\n".join(json.dumps(o) for o in [
    {"created_at": "2026-11-02T10:00:00+00:00", "lines": [{"sku": "MILK-WHOLE-1GAL", "packs": 2},
                                                          {"sku": "EGG-L-12", "packs": 1}]},
    {"created_at": "2026-11-04T18:30:00+00:00", "lines": [{"sku": "RICE-JAS-2LB", "packs": 2}]},
    {"created_at": "2026-11-18T12:00:00+00:00", "status": "cancelled",
     "lines": [{"sku": "EGG-L-12", "packs": 9}]},
    {"created_at": "2026-11-20T08:45:00+00:00", "lines": [{"sku": "EGG-L-12", "packs": 2},
                                                          {"sku": "X-1", "packs": 1, "unit_price": "0.10",
                                                           "name": "[bold]Odd[/bold] thing"}]},
]) + "\n"


@pytest.fixture
def store(env):
    r = run("orders", "import", "-", input=IMPORT)
    assert r.exit_code == 0 and r.stdout == "imported 4 orders\n"
    return env


def test_empty_store_says_no_orders_yet(env):
    r = run("stats")
    assert r.exit_code == 0 and r.stdout == "no orders yet\n"
    d = json.loads(run("stats", "--json").stdout)
    assert d["orders"] == 0 and d["spent"] == "0.00" and d["periods"] == [] and d["average_basket"] is None


def test_stats_json_over_an_imported_store(store):
    r = run("stats", "--json")
    assert r.exit_code == 0
    d = json.loads(r.stdout)
    assert d["orders"] == 3 and d["cancelled"] == 1
    prices = {p["sku"]: Decimal(p["price"]) for p in json.loads((DATA / "mini.json").read_text())["products"]}
    expected = 2 * prices["MILK-WHOLE-1GAL"] + 3 * prices["EGG-L-12"] + 2 * prices["RICE-JAS-2LB"] + Decimal("0.10")
    assert Decimal(d["spent"]) == expected and re.fullmatch(r"\d+\.\d\d", d["spent"])
    assert [(p["start"], p["orders"]) for p in d["periods"]] == [("2026-11-02", 2), ("2026-11-09", 0),
                                                                  ("2026-11-16", 1)]
    assert d["top_products"][0]["sku"] == "EGG-L-12" and d["top_products"][0]["packs"] == 3
    categories = {c["category"] for c in d["top_categories"]}
    assert "(no category)" in categories and len(categories) == 4
    monthly = json.loads(run("stats", "--by", "month", "--json").stdout)
    assert [(p["label"], p["orders"]) for p in monthly["periods"]] == [("2026-11", 3)]


def test_stats_since_until(store):
    d = json.loads(run("stats", "--since", "2026-11-03", "--until", "2026-11-19", "--json").stdout)
    assert d["orders"] == 1 and d["cancelled"] == 1
    r = run("stats", "--since", "2027-01-01")
    assert r.exit_code == 0 and r.stdout == "no orders since 2027-01-01\n"
    r = run("stats", "--since", "last tuesday")
    assert r.exit_code == 2 and r.stderr.startswith("error: --since is not a date")
    assert run("stats", "--by", "year").exit_code == 2


def test_stats_plain_when_piped(store):
    r = run("stats", "--top", "2")
    assert r.exit_code == 0 and "\x1b" not in r.stdout
    lines = r.stdout.splitlines()
    assert re.fullmatch(r"3 orders  spent \d+\.\d\d USD  average basket \d+\.\d\d USD  \S+ items per basket",
                        lines[0])
    assert lines[1] == "cancelled orders (not counted): 1"
    assert lines[2] == "by week (weeks start on Monday):"
    assert lines[3].startswith("2026-11-02  2 orders") and lines[3].endswith("#" * 30)
    assert lines[4].startswith("2026-11-09  0 orders") and "#" not in lines[4]
    assert "top products:" in lines and "top categories:" in lines
    assert lines[lines.index("top products:") + 1].startswith("  3 x Large Eggs [EGG-L-12]  2 orders")


class Tty(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.parametrize("width", [40, 60, 100])
def test_stats_on_a_terminal_fits_its_width_and_text_stays_literal(store, width, monkeypatch):
    from shopcli.settings import Settings
    from shopcli.store.db import Store

    monkeypatch.setenv("NO_COLOR", "1")
    orders = Store(store["SHOPCLI_DB"]).table("orders")
    orders[-1]["lines"][-1]["name"] = "[bold]Odd[/bold] thing " + "with a very long name " * 8
    catalog = Settings(catalog_path=store["SHOPCLI_CATALOG"]).catalog
    st = compute_stats(orders, category_of=lambda s: catalog.get(s) and catalog.get(s).category, top=10)
    out = Output(stdout=Tty(), width=width)
    out.stats(st)
    text = out.stdout.getvalue()
    assert "█" in text and "[bold]" in text                      # markup in user text is printed, not applied
    if width >= 100:
        assert "[bold]Odd[/bold] thing" in text
    assert not re.search(r"\x1b\[[0-9;]*3\dm", text)            # NO_COLOR: no colour codes
    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    assert max(len(l) for l in plain.splitlines()) <= width


def test_stats_lines_with_a_currency_format():
    lines = list(stats_lines(stats(), "${amount}"))
    assert lines[0].startswith("4 orders  spent $39.11  average basket $9.78")
