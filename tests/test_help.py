"""Help, errors and output that fit where they go: every command's help has a summary and examples
that really run; misspellings get "did you mean"; errors are one line; tables fit any terminal
width, user text is never markup, NO_COLOR and pipes get no colour; data commands have --json."""

from __future__ import annotations

import io
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from shopcli import __version__
from shopcli.cli.app import GUIDE, app

DATA = Path(__file__).parent / "data"
NOW = "2026-11-23T14:03:00+00:00"
NOT_MINE = {"chat", "replay"}          # need the assistant's own set-up; their help is checked, not run
NO_JSON = {("chat",), ("replay",), ("config", "set"), ("config", "unset")}   # they print no data


def commands(cmd=None, path=()):
    """(path, command) for every command and group of the app."""
    cmd = cmd or typer.main.get_command(app)
    yield path, cmd
    for name, sub in sorted(getattr(cmd, "commands", {}).items()):
        yield from commands(sub, (*path, name))


ALL = [(p, c) for p, c in commands()]
LEAVES = [(p, c) for p, c in ALL if not hasattr(c, "commands")]


@pytest.fixture
def env(tmp_path, monkeypatch):
    cat = tmp_path / "catalog"
    cat.mkdir()
    (cat / "products.json").write_bytes((DATA / "mini.json").read_bytes())
    (cat / "stores.toml").write_bytes((DATA / "stores.toml").read_bytes())
    values = {"SHOPCLI_DB": str(tmp_path / "orders.json"), "SHOPCLI_CATALOG": str(cat), "SHOPCLI_NOW": NOW,
              "SHOPCLI_CONFIG": str(tmp_path / "config.toml")}
    for k, v in values.items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return values


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input, catch_exceptions=False, prog_name="shop")


def shop(*args: str, env_extra: dict | None = None):
    """The real program (main(): one-line errors, exit codes) in a subprocess."""
    return subprocess.run([sys.executable, "-m", "shopcli", *args], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, **(env_extra or {})))


def examples(help_text: str) -> list[str]:
    """The example command lines of a help text (the lines after "Examples:" that start with shop)."""
    _, _, rest = help_text.partition("Examples:")
    return [l.strip() for l in rest.splitlines() if l.strip().startswith("shop ")]


# -- help -----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", [p for p, _ in ALL], ids=lambda p: " ".join(p) or "shop")
def test_every_command_has_a_summary_and_examples(path):
    r = run(*path, "--help")
    assert r.exit_code == 0
    cmd = dict(ALL)[path]
    summary = (cmd.help or "").strip().splitlines()[0]
    assert summary and summary[-1] in ".?", summary
    assert summary in " ".join(r.stdout.split())
    found = examples(r.stdout)
    assert found, f"shop {' '.join(path)} --help shows no examples"
    if path:
        assert all(e.startswith("shop " + " ".join(path)) or "|" in e for e in found), found


def test_examples_in_help_really_run(env, tmp_path, monkeypatch):
    """Every plain example (no pipes or redirections) is valid usage: it never exits 2 or 3."""
    monkeypatch.chdir(tmp_path)
    assert run("order", "--yes", "6 eggs").exit_code == 0                     # ORD-000001 for the examples
    (tmp_path / "backup.jsonl").write_text('{"lines": [{"sku": "EGG-L-12", "packs": 1}]}\n')
    ran = 0
    for path, _ in ALL:
        if path and path[0] in NOT_MINE:
            continue
        for line in examples(run(*path, "--help").stdout):
            if re.search(r"[|<>$]", line):
                continue
            r = run(*shlex.split(line)[1:], input="")
            assert r.exit_code in (0, 1), f"{line}: exit {r.exit_code}: {r.stderr}"
            ran += 1
    assert ran >= 25


def test_shop_alone_prints_a_short_guide():
    r = run()
    assert r.exit_code == 0 and r.stdout.strip() == GUIDE.strip()
    assert len(r.stdout.splitlines()) <= 15
    assert "shop COMMAND --help" in r.stdout


def test_version():
    r = run("--version")
    assert r.exit_code == 0 and r.stdout == f"shop {__version__}\n"


# -- errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize("args, expected", [
    (["ordr"], ["Did you mean 'order', 'orders'?", "see shop --help"]),
    (["orders", "lst"], ["Did you mean 'list'?", "see shop orders --help"]),
    (["confg", "show"], ["Did you mean 'config'?"]),
    (["orders", "list", "--stauts", "placed"], ["--status", "see shop orders list --help"]),
    (["stats", "--by", "year"], ["'year' is not one of", "see shop stats --help"]),
    (["orders", "show"], ["Missing argument", "see shop orders show --help"]),
])
def test_usage_errors_are_one_line_with_a_hint(env, args, expected):
    r = shop(*args)
    assert r.returncode == 2, r.stderr
    assert r.stdout == "" and r.stderr.count("\n") == 1 and r.stderr.startswith("error: ")
    assert "Traceback" not in r.stderr
    for text in expected:
        assert text in r.stderr


def test_data_and_not_done_errors_are_one_line(env, tmp_path):
    r = shop("orders", "show", "ORD-999999")
    assert r.returncode == 1 and r.stderr == "error: no order 'ORD-999999' — shop orders list shows the ids\n"
    bad = tmp_path / "bad.json"
    bad.write_text('[{"sku": "X", "name": "X"}]')
    r = shop("--catalog", str(bad), "stats", "--json")
    assert r.returncode == 0          # an empty store needs no catalog
    r = shop("--catalog", str(bad), "parse", "milk")
    assert r.returncode == 3 and r.stderr.count("\n") == 1 and str(bad) in r.stderr and "price" in r.stderr


# -- --json wherever the output is data -----------------------------------------------------

@pytest.mark.parametrize("path", [p for p, _ in LEAVES], ids=lambda p: " ".join(p))
def test_data_commands_have_json(path):
    opts = {o for param in dict(LEAVES)[path].params for o in getattr(param, "opts", [])}
    assert ("--json" in opts) == (path not in NO_JSON)


def test_json_outputs_parse(env):
    run("order", "--yes", "6 eggs")
    for args in (["orders", "list", "--json"], ["orders", "show", "ORD-000001", "--json"],
                 ["orders", "status", "ORD-000001", "--json"], ["stats", "--json"], ["config", "show", "--json"],
                 ["config", "path", "--json"], ["parse", "--json", "milk"], ["orders", "export", "--json"]):
        r = run(*args)
        assert r.exit_code == 0, args
        json.loads(r.stdout.splitlines()[0])
    r = run("orders", "import", "--json", "-", input='{"lines": [{"sku": "EGG-L-12", "packs": 1}]}\n')
    assert json.loads(r.stdout) == {"imported": 1}
    assert json.loads(run("orders", "cancel", "--json", "ORD-000002").stdout)["status"] == "cancelled"


# -- output that fits where it goes ---------------------------------------------------------

class Tty(io.StringIO):
    def isatty(self):
        return True


LONG = "[red]Evil[/red] " + "Extraordinarily Long Artisanal Sourdough " * 10


@pytest.fixture
def odd_catalog(tmp_path):
    from shopcli.catalog.load import load_catalog

    path = tmp_path / "odd.json"
    path.write_text(json.dumps([
        {"sku": "LONG-1", "name": LONG.strip(), "price": "4.50", "aliases": ["sourdough"], "category": "[b]Bakery"},
        {"sku": "EGG-L-12", "name": "Large Eggs", "price": "3.99", "size": "12 ct"}]))
    return load_catalog(path)


def render(width: int, draw, no_color: bool = True, monkeypatch=None) -> str:
    from shopcli.render import Output

    out = Output(stdout=Tty(), stderr=io.StringIO(), width=width)
    draw(out)
    return out.stdout.getvalue()


def plain(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def order_doc(odd_catalog):
    from datetime import datetime

    from shopcli.orders.lifecycle import build_order

    doc = build_order(LONG, [(odd_catalog.by_sku["LONG-1"], 2), (odd_catalog.by_sku["EGG-L-12"], 1)],
                      datetime.fromisoformat(NOW), None)
    return dict(doc, id="ORD-[bold]1")


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_tables_fit_the_terminal_and_keep_text_literal(odd_catalog, width, monkeypatch):
    from shopcli.parse.pipeline import parse_request

    monkeypatch.setenv("NO_COLOR", "1")
    result = parse_request("2 sourdough and a dozen eggs", odd_catalog)
    doc = order_doc(odd_catalog)
    for draw in (lambda o: o.parse_result(result), lambda o: o.receipt(doc, placed=True),
                 lambda o: o.order_list([doc]),
                 lambda o: o.config_table("/a/" + "very-long-folder/" * 12 + "config.toml", True,
                                          {"pickup": {"value": LONG, "source": "config"}})):
        text = render(width, draw)
        lines = plain(text).splitlines()
        assert lines and max(len(l) for l in lines) <= width, "\n".join(lines)
        assert not re.search(r"\x1b\[[0-9;]*3\dm", text)            # NO_COLOR: no colour
        flat = "".join(plain(text).split())
        assert "[re" in flat                                        # markup printed as typed, not applied
        if width >= 120:
            assert "[red]Evil[/red]" in plain(text)
        # long cells wrap inside the table and are capped, never the whole 400 characters
        assert "".join(LONG.split()) not in flat


def test_colour_on_a_terminal_none_when_piped(odd_catalog, monkeypatch):
    from shopcli.parse.pipeline import parse_request
    from shopcli.render import Output

    result = parse_request("a dozen eggs", odd_catalog)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    text = render(80, lambda o: o.parse_result(result))
    assert re.search(r"\x1b\[[0-9;]*3\dm", text)                     # green "matched"
    piped = io.StringIO()
    Output(stdout=piped).parse_result(result)
    assert "\x1b" not in piped.getvalue()
    assert piped.getvalue().startswith("a dozen eggs: 1 x Large Eggs (12 ct) [EGG-L-12] matched")


def test_no_color_through_the_program(env):
    run("order", "--yes", "6 eggs")
    r = shop("orders", "list", env_extra={"NO_COLOR": "1"})
    assert r.returncode == 0 and "\x1b" not in r.stdout and r.stdout.startswith("ORD-000001\t")


def test_plain_receipt_is_stable_and_literal(odd_catalog):
    from shopcli.render import receipt_lines

    lines = list(receipt_lines(order_doc(odd_catalog), placed=True))
    assert lines[0].startswith("2 x [red]Evil[/red] Extraordinarily") and lines[0].endswith("@ 4.50 = 9.00")
    assert lines[2] == "subtotal 12.99  discount 0.00  total 12.99 USD"
    assert lines[-1] == "placed ORD-[bold]1"


# -- start-up stays fast --------------------------------------------------------------------

IMPORTS = """
import sys
from shopcli.cli import app as cli
try:
    cli.main(sys.argv[1:])
except SystemExit:
    pass
print(" ".join(sorted(m for m in sys.modules if m.startswith("shopcli"))), file=sys.stderr)
"""


@pytest.mark.parametrize("args, absent, drop", [
    (["--help"], {"shopcli.config", "shopcli.orders.spending", "shopcli.parse.pipeline", "shopcli.catalog.load", "shopcli.store.db"}, ()),
    (["parse", "--json", "milk"], {"shopcli.config", "shopcli.orders.spending", "shopcli.store.db"}, ()),
    (["parse", "--json", "milk"], {"shopcli.config", "shopcli.orders.spending", "shopcli.store.db"}, ("SHOPCLI_CATALOG",)),
    (["orders", "--help"], {"shopcli.config", "shopcli.orders.spending", "shopcli.parse.pipeline"}, ()),
])
def test_commands_import_only_what_they_need(env, args, absent, drop):
    """Without a config file, not even the config module is loaded to find that out."""
    environ = {k: v for k, v in os.environ.items() if k not in drop}
    r = subprocess.run([sys.executable, "-c", IMPORTS, *args], capture_output=True, text=True, timeout=60,
                       env=environ)
    loaded = set(r.stderr.split())
    assert "shopcli.cli.app" in loaded and not (loaded & absent), loaded & absent
