"""Whatever `shop orders import` accepts, every later command reads (issue 19, finding 1): orders with
fields of every type are either refused at import, with exit 3 and nothing written, or shown by each
read command without a traceback."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from shopcli.cli.app import app

TIMES = ["2026-11-24T09:00:00+00:00", "2026-11-24T11:00:00+00:00", "not a time", "2026-13-40", ""]
anything = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.floats(allow_nan=False)
    | st.text(max_size=12) | st.sampled_from(["\ud800", "a\x1b[31mb", "[/]", "ORD-000001", *TIMES]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8)
def mostly(good, rate: int = 12):
    """A field that is usually well formed (so that orders get past import) and sometimes anything."""
    return st.integers(0, rate).flatmap(lambda k: good if k else anything)


line = st.fixed_dictionaries({"sku": mostly(st.sampled_from(["EGG-L-12", "MILK-WHOLE-1GAL", "NOPE"])),
                              "packs": mostly(st.integers(1, 5))},
                             optional={"unit_price": mostly(st.sampled_from(["1.00", "0", "2.50"])),
                                       "name": mostly(st.text(max_size=12))})
window = st.sampled_from([{}, {"window_start": TIMES[0], "window_end": TIMES[1]}])
delivery = st.builds(lambda base, w, odd: {**base, **w, **odd},
                     st.fixed_dictionaries({"method": mostly(st.sampled_from(["delivery", "pickup"]))},
                                           optional={"store": mostly(st.text(max_size=12))}),
                     window,
                     mostly(st.just({}), 6).map(lambda v: v if isinstance(v, dict) else {"store": v}))
suggestion = st.fixed_dictionaries({"sku": mostly(st.text(max_size=8)), "name": mostly(st.text(max_size=12))},
                                   optional={"reason": mostly(st.text(max_size=12))})
order = st.fixed_dictionaries({"lines": mostly(st.lists(line, min_size=1, max_size=3), 24)},
                              optional={"id": mostly(st.from_regex(r"ORD-00000[1-3]|X-[a-z]{1,6}", fullmatch=True)),
                                        "created_at": mostly(st.sampled_from(TIMES[:2])),
                                        "status": mostly(st.sampled_from(["placed", "cancelled", "delivered"])),
                                        "delivery": mostly(delivery), "suggestions": mostly(st.lists(suggestion)),
                                        "request": mostly(st.text(max_size=20)),
                                        "discount": mostly(st.sampled_from(["0.50", 1, "0"])), "extra": anything})

READS = [["orders", "list"], ["orders", "list", "--json"], ["orders", "show", "ORD-000001"],
         ["orders", "show", "ORD-000001", "--json"], ["orders", "status", "ORD-000001"], ["orders", "export"],
         ["stats"], ["suggest", "milk"], ["orders", "cancel", "ORD-000001"]]


@pytest.fixture(scope="module")
def runner():
    return CliRunner()


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(order)
def test_what_import_accepts_every_command_reads(tmp_path_factory, runner, doc):
    db = tmp_path_factory.mktemp("fuzz") / "orders.json"
    env = {"SHOPCLI_DB": str(db), "SHOPCLI_NOW": "2026-11-23T14:03:00+00:00"}
    text = json.dumps(doc, ensure_ascii=True) + "\n"
    r = runner.invoke(app, ["orders", "import", "-"], input=text, env=env, catch_exceptions=False)
    assert r.exit_code in (0, 3), r.output
    if r.exit_code == 3:
        assert not db.exists() or "ORD-" not in db.read_text(encoding="utf-8", errors="replace")
        return
    for args in READS:
        got = runner.invoke(app, args, env=env, catch_exceptions=False)
        assert got.exit_code in (0, 1), (args, got.output)
