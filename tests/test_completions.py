"""Shell completion: the scripts in completions/ are current, bash really completes commands, options
and values through them, and the value callbacks (SKUs, products, order ids, statuses, pickup
stores, config keys) are right, fast and silent when something is broken."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from shopcli.cli.app import app

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
NOW = "2026-11-23T14:03:00+00:00"
BIN = Path(sys.executable).parent          # where the installed `shop` is


@pytest.fixture
def env(tmp_path, monkeypatch):
    """The mini catalog and a store of three orders: placed, scheduled (tomorrow) and delivered."""
    cat = tmp_path / "catalog"
    cat.mkdir()
    (cat / "products.json").write_bytes((DATA / "mini.json").read_bytes())
    (cat / "stores.toml").write_bytes((DATA / "stores.toml").read_bytes())
    values = {"SHOPCLI_DB": str(tmp_path / "orders.json"), "SHOPCLI_CATALOG": str(cat), "SHOPCLI_NOW": NOW,
              "SHOPCLI_CONFIG": str(tmp_path / "config.toml")}
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    window = {"method": "delivery", "store": None}
    lines = [{"lines": [{"sku": "EGG-L-12", "packs": 1}], "created_at": "2026-11-20T10:00:00+00:00"},
             {"lines": [{"sku": "MILK-WHOLE-1GAL", "packs": 1}], "created_at": "2026-11-21T10:00:00+00:00",
              "delivery": dict(window, window_start="2026-11-24T09:00:00+00:00",
                               window_end="2026-11-24T11:00:00+00:00")},
             {"lines": [{"sku": "RICE-JAS-2LB", "packs": 2}], "created_at": "2026-11-22T10:00:00+00:00",
              "delivery": dict(window, window_start="2026-11-22T12:00:00+00:00",
                               window_end="2026-11-22T14:00:00+00:00")}]
    r = CliRunner().invoke(app, ["orders", "import", "-"], input="\n".join(map(json.dumps, lines)) + "\n")
    assert r.exit_code == 0, r.stderr
    return values


def complete(args: list[str], incomplete: str = "") -> list[tuple[str, str | None]]:
    """What the app offers for ``shop ARGS INCOMPLETE<Tab>`` (in this process)."""
    try:
        from typer._click.shell_completion import ShellComplete
    except ImportError:  # pragma: no cover - typer without a vendored click
        from click.shell_completion import ShellComplete

    class Probe(ShellComplete):          # the shell-independent part: which values, with what help
        source_vars = get_completion_args = format_completion = None

    comp = Probe(typer.main.get_command(app), {}, "shop", "_SHOP_COMPLETE")
    return [(c.value, c.help) for c in comp.get_completions(args, incomplete)]


def values(args: list[str], incomplete: str = "") -> list[str]:
    return [v for v, _ in complete(args, incomplete)]


# -- the scripts ----------------------------------------------------------------------------

def test_scripts_in_completions_are_current(tmp_path):
    """Regenerate in a temporary folder: any difference means `python completions/generate.py` is due."""
    r = subprocess.run([sys.executable, str(ROOT / "completions" / "generate.py"), str(tmp_path)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    for name in ("shop.bash", "shop.zsh", "shop.fish"):
        fresh, kept = (tmp_path / name).read_text(), (ROOT / "completions" / name).read_text()
        assert kept == fresh, f"completions/{name} is stale: run python completions/generate.py"
        assert "_SHOP_COMPLETE=complete_" in kept
    assert (ROOT / "completions" / "shop.zsh").read_text().startswith("#compdef shop\n")


BASH_DRIVER = r'''
source "$1"; shift
for line in "$@"; do
    eval "COMP_WORDS=($line)"
    COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    COMPREPLY=()
    _shop_completion shop
    printf '%s\n' "${COMPREPLY[@]}"
    echo "--end--"
done
'''


def bash_complete(lines: list[str], env_extra: dict | None = None) -> tuple[list[list[str]], str]:
    """COMPREPLY for each command line, from completions/shop.bash run by a real bash."""
    bash = shutil.which("bash")
    if bash is None or not (BIN / "shop").exists():
        pytest.skip("needs bash and an installed `shop` beside this Python")
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **(env_extra or {}))
    r = subprocess.run([bash, "--norc", "--noprofile", "-c", BASH_DRIVER, "driver",
                        str(ROOT / "completions" / "shop.bash"), *lines],
                       capture_output=True, text=True, env=env, timeout=120)
    assert r.returncode == 0, r.stderr
    out, current = [], []
    for line in r.stdout.splitlines():
        if line == "--end--":
            out.append([w for w in current if w])
            current = []
        else:
            current.append(line)
    return out, r.stderr


def test_bash_completes_commands_options_and_values(env):
    replies, err = bash_complete([
        "shop ord",
        "shop orders ca",
        "shop orders list --status sch",
        "shop orders show ORD-",
        "shop orders cancel ORD-",
        "shop orders list --st",
        "shop suggest --sku EGG-L-1",
        "shop order --pickup ''",
        "shop stats --by m",
    ])
    assert replies[0] == ["order", "orders"]
    assert replies[1] == ["cancel"]
    assert replies[2] == ["scheduled"]
    assert replies[3] == ["ORD-000003", "ORD-000002", "ORD-000001"]           # newest first
    assert replies[4] == ["ORD-000002", "ORD-000001"]                         # not the delivered one
    assert replies[5] == ["--status"]
    assert replies[6] == ["EGG-L-12", "EGG-L-18"]
    assert replies[7] == ["Downtown", "Uptown"]
    assert replies[8] == ["month"]
    assert err == ""


def test_bash_completion_is_silent_when_the_store_is_broken(env, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json")
    replies, err = bash_complete(["shop orders show ORD-", "shop orders sh"],
                                 env_extra={"SHOPCLI_DB": str(broken)})
    assert replies == [[], ["show"]] and err == ""


def test_zsh_and_fish_get_descriptions(env):
    base = dict(os.environ, _TYPER_COMPLETE_ARGS="shop orders show ")
    zsh = subprocess.run([sys.executable, "-m", "shopcli"], capture_output=True, text=True, timeout=60,
                         env=dict(base, _SHOP_COMPLETE="complete_zsh"))
    assert zsh.returncode == 0 and zsh.stdout.startswith("_arguments '*: :((")
    assert '"ORD-000002":"scheduled, 2.59 USD' in zsh.stdout or '"ORD-000002":"scheduled' in zsh.stdout
    fish = subprocess.run([sys.executable, "-m", "shopcli"], capture_output=True, text=True, timeout=60,
                          env=dict(base, _SHOP_COMPLETE="complete_fish", _TYPER_COMPLETE_FISH_ACTION="get-args",
                                   _TYPER_COMPLETE_ARGS="shop suggest --sku EGG-L-1"))
    assert fish.returncode == 0
    assert fish.stdout.splitlines()[0] == "EGG-L-12\tLarge Eggs"


# -- the values, in this process ------------------------------------------------------------

def test_skus_with_their_names(env):
    got = complete(["suggest", "--sku"], "RICE-")
    assert ("RICE-JAS-2LB", "Jasmine Rice") in got
    assert all(v.startswith("RICE-") for v, _ in got)
    assert values(["suggest", "--sku", "EGG-L-12", "--sku"], "MILK-W")[:1] == ["MILK-WHOLE-1GAL"]


def test_product_names_in_requests_in_the_case_typed(env):
    assert "jasmine rice" in values(["order"], "jasm")
    assert "Jasmine Rice" in values(["parse", "two", "bags", "of"], "Jasm")
    assert "whole milk" in values(["suggest"], "whole")
    assert values(["order"], "") == []                                    # no wall of names
    assert values(["order"], "zzzz") == []


def test_statuses_and_order_ids(env):
    assert values(["orders", "list", "--status"], "") == ["placed", "scheduled", "out_for_delivery", "delivered",
                                                           "ready_for_pickup", "picked_up", "cancelled"]
    assert values(["orders", "list", "--status"], "p") == ["placed", "picked_up"]
    got = complete(["orders", "status"], "ORD-00000")
    assert [v for v, _ in got] == ["ORD-000003", "ORD-000002", "ORD-000001"]
    assert got[2][1].startswith("placed, ") and got[0][1].startswith("delivered, ")
    assert values(["orders", "cancel"], "") == ["ORD-000002", "ORD-000001"]


def test_store_chosen_by_option_is_used(env, tmp_path):
    assert values(["--db", str(tmp_path / "other.json"), "orders", "show"], "") == []


def test_pickup_stores_preferred_first_any_case(env, tmp_path):
    assert values(["order", "--pickup"], "") == ["Downtown", "Uptown"]
    assert values(["order", "--pickup"], "up") == ["uptown"]           # the store is found in any case
    assert values(["order", "--pickup"], "D") == ["Downtown"]
    Path(env["SHOPCLI_CONFIG"]).write_text('pickup = "Uptown"\n')
    assert values(["order", "--pickup"], "") == ["Uptown", "Downtown"]


def test_config_keys_and_values(env):
    assert values(["config", "set"], "") == ["db", "catalog", "currency_format", "delivery_window", "pickup"]
    assert values(["config", "set"], "d") == ["db", "delivery_window"]
    assert values(["config", "unset"], "cu") == ["currency_format"]
    assert values(["config", "set", "pickup"], "") == ["Downtown", "Uptown"]
    assert values(["config", "set", "delivery_window"], "") == ["09:00-11:00"]


def test_commands_and_options(env):
    assert values([], "st") == ["stats"]
    assert values(["config"], "") == ["show", "set", "unset", "path"]
    assert "--json" in values(["stats"], "--")
    assert values(["stats", "--by"], "") == ["week", "month"]


def test_broken_things_mean_no_suggestions_and_no_output(env, tmp_path, monkeypatch, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('[{"sku": "X"}]')
    monkeypatch.setenv("SHOPCLI_CATALOG", str(bad))
    assert values(["suggest", "--sku"], "") == []
    assert values(["order"], "mil") == []
    assert values(["order", "--pickup"], "") == []
    monkeypatch.setenv("SHOPCLI_DB", str(bad))
    assert values(["orders", "show"], "") == []
    Path(env["SHOPCLI_CONFIG"]).write_text("pickup = [")
    monkeypatch.delenv("SHOPCLI_CATALOG")
    assert values(["order", "--pickup"], "") == []
    assert capsys.readouterr() == ("", "")


def test_catalog_text_reaches_the_shell_cleaned(tmp_path, monkeypatch):
    """Issue 19, finding 9: a product name with a terminal escape was offered raw."""
    cat = tmp_path / "evil"
    cat.mkdir()
    (cat / "p.json").write_text(json.dumps([{"sku": "ZEB-1", "name": "Zebra \u001b[31mCola", "price": "1.00"}]),
                                encoding="utf-8")
    monkeypatch.setenv("SHOPCLI_CATALOG", str(cat))
    monkeypatch.setenv("SHOPCLI_CACHE_DIR", str(tmp_path / "cache"))
    offered = complete(["order"], "Zeb") + complete(["suggest", "--sku"], "ZEB")
    assert offered and all("\x1b" not in v and "\x1b" not in (h or "") for v, h in offered)
