"""The config file: keys and values checked, edits that keep the rest of the file, broken files
refused in one line, and the precedence option > environment > config file > default."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from typer.testing import CliRunner

from shopcli import config as cfg
from shopcli.catalog.load import default_catalog_path
from shopcli.cli.app import app
from shopcli.errors import DataError, UsageError
from shopcli.settings import Settings, default_db_path

DATA = Path(__file__).parent / "data"
NOW = "2026-11-23T14:03:00+00:00"          # a Monday afternoon


@pytest.fixture
def home(tmp_path, monkeypatch):
    """No option or environment for the store and catalog; a private config file and data dir."""
    for var in ("SHOPCLI_DB", "SHOPCLI_CATALOG", "NO_COLOR"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SHOPCLI_NOW", NOW)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("SHOPCLI_CONFIG", str(tmp_path / "conf" / "config.toml"))
    cat = tmp_path / "catalog"
    cat.mkdir()
    (cat / "products.json").write_bytes((DATA / "mini.json").read_bytes())
    (cat / "stores.toml").write_bytes((DATA / "stores.toml").read_bytes())
    return tmp_path


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input, catch_exceptions=False, prog_name="shop")


def conf(home: Path) -> Path:
    return home / "conf" / "config.toml"


def write_conf(home: Path, text: str) -> Path:
    path = conf(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def shown(*args: str) -> dict:
    r = run(*args, "config", "show", "--json")
    assert r.exit_code == 0, r.stderr
    return json.loads(r.stdout)["settings"]


# -- keys and values ------------------------------------------------------------------------

@pytest.mark.parametrize("key, value, stored", [
    ("delivery_window", "17:00-19:00", "17:00-19:00"),
    ("delivery_window", "9:00 - 11:30", "09:00-11:30"),
    ("currency_format", "${amount}", "${amount}"),
    ("currency_format", "{amount} {code}", "{amount} {code}"),
    ("currency_format", "€ {amount}", "€ {amount}"),
    ("pickup", " Downtown ", "Downtown"),
    ("db", "~/orders.json", "~/orders.json"),
])
def test_good_values_are_normalised(key, value, stored):
    assert cfg.check_value(key, value) == stored


@pytest.mark.parametrize("key, value, why", [
    ("delivery_window", "9-11", "HH:MM-HH:MM"),
    ("delivery_window", "11:00-09:00", "start before it ends"),
    ("delivery_window", "10:00-10:00", "start before it ends"),
    ("delivery_window", "25:00-26:00", "00 to 23"),
    ("currency_format", "$", "{amount} exactly once"),
    ("currency_format", "{amount}{amount}", "{amount} exactly once"),
    ("currency_format", "{amount} {price}", "only {amount} and {code}"),
    ("currency_format", "{amount} }", "unbalanced"),
    ("pickup", "", "empty"),
    ("db", "   ", "empty"),
    ("pickup", "Down\x1btown", "control characters"),
    ("pickup", 5, "must be a string"),
])
def test_bad_values_say_what_is_wrong(key, value, why):
    with pytest.raises(ValueError, match=why.replace("{", r"\{").replace("}", r"\}")):
        cfg.check_value(key, value)


def test_unknown_key_says_did_you_mean():
    with pytest.raises(UsageError) as e:
        cfg.check_key("curency_format")
    assert "did you mean currency_format" in e.value.hint
    assert e.value.exit_code == 2


def test_parse_window_gives_times():
    start, end = cfg.parse_window("17:30-19:00")
    assert (start.hour, start.minute, end.hour, end.minute) == (17, 30, 19, 0)


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40))
def test_toml_lines_read_back_exactly(value):
    assert tomllib.loads(cfg.toml_line("pickup", value)) == {"pickup": value}


# -- writing --------------------------------------------------------------------------------

def test_set_keeps_comments_and_other_lines(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('# my groceries\ncatalog = "/srv/catalog"  # the shop\'s own\npickup = "Uptown"\n')
    cfg.set_value("pickup", "Downtown", path)
    cfg.set_value("delivery_window", "17:00-19:00", path)
    assert path.read_text() == ('# my groceries\ncatalog = "/srv/catalog"  # the shop\'s own\npickup = "Downtown"\n'
                                'delivery_window = "17:00-19:00"\n')
    assert cfg.unset_value("pickup", path) is True
    assert cfg.unset_value("pickup", path) is False
    assert cfg.load_config(path).values == {"catalog": "/srv/catalog", "delivery_window": "17:00-19:00"}


def test_set_creates_the_file_and_its_folder(tmp_path):
    path = tmp_path / "a" / "b" / "config.toml"
    cfg.set_value("currency_format", "${amount}", path)
    assert cfg.load_config(path).get("currency_format") == "${amount}"


def test_set_refuses_to_overwrite_a_broken_file(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("pickup = [\n")
    with pytest.raises(DataError):
        cfg.set_value("pickup", "Downtown", path)
    assert path.read_text() == "pickup = [\n"


@pytest.mark.parametrize("text, problem", [
    ("pickup = [", "invalid TOML"),
    ("pikup = 'Downtown'", "unknown setting 'pikup'"),
    ("[money]\nsymbol = '$'", "unknown table 'money'"),
    ("delivery_window = '5pm'", "delivery_window: expected HH:MM-HH:MM"),
    ("db = 3", "db: must be a string"),
])
def test_broken_file_is_a_data_error_naming_file_and_problem(tmp_path, text, problem):
    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(DataError) as e:
        cfg.load_config(path)
    assert str(path) in e.value.message and problem in e.value.message
    assert e.value.exit_code == 3


def test_missing_file_is_empty(tmp_path):
    c = cfg.load_config(tmp_path / "nope.toml")
    assert c.values == {} and not c.exists


def test_relative_paths_are_relative_to_the_file(tmp_path):
    path = tmp_path / "conf" / "config.toml"
    path.parent.mkdir()
    path.write_text('db = "orders.json"\ncatalog = "/abs/catalog"\n')
    c = cfg.load_config(path)
    assert c.resolved("db") == str(tmp_path / "conf" / "orders.json")
    assert c.resolved("catalog") == "/abs/catalog"


# -- the commands ---------------------------------------------------------------------------

def test_config_path_follows_shopcli_config(home):
    r = run("config", "path")
    assert r.exit_code == 0 and r.stdout.strip() == str(conf(home))
    assert json.loads(run("config", "path", "--json").stdout) == {"path": str(conf(home)), "exists": False}


def test_config_path_default_is_in_the_user_config_dir(monkeypatch, tmp_path):
    monkeypatch.delenv("SHOPCLI_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    from platformdirs import user_config_path

    assert cfg.config_path() == user_config_path("shopcli", appauthor=False) / "config.toml"


def test_config_set_show_unset(home):
    r = run("config", "set", "currency_format", "${amount}")
    assert r.exit_code == 0 and str(conf(home)) in r.stdout
    assert run("config", "set", "pickup", "dt").exit_code == 0      # a store id, stored as its name
    rows = shown()
    assert rows["currency_format"] == {"value": "${amount}", "source": "config"}
    assert rows["pickup"] == {"value": "Downtown", "source": "config"}
    assert rows["delivery_window"] == {"value": "09:00-11:00", "source": "default"}
    assert run("config", "unset", "pickup").exit_code == 0
    assert shown()["pickup"] == {"value": None, "source": "default"}
    plain = run("config", "show").stdout
    assert plain.splitlines()[0] == f"config file: {conf(home)}"
    assert any(l.split() == ["currency_format", "${amount}", "config"] for l in plain.splitlines())


def test_config_set_unknown_key_exit_2_with_did_you_mean(home):
    r = run("config", "set", "delivery-window", "17:00-19:00")
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1 and "did you mean delivery_window?" in r.stderr
    assert not conf(home).exists()


@pytest.mark.parametrize("args, message", [
    (("delivery_window", "evening"), "expected HH:MM-HH:MM"),
    (("pickup", "Dowtown"), "did you mean Downtown?"),
    (("catalog", "/no/such/catalog"), "no catalog at"),
])
def test_config_set_bad_value_exit_2(home, args, message):
    r = run("--catalog", str(home / "catalog"), "config", "set", *args)
    assert r.exit_code == 2 and message in r.stderr and r.stderr.startswith("error:")
    assert not conf(home).exists()


def test_config_set_stores_absolute_paths(home, monkeypatch):
    monkeypatch.chdir(home)
    assert run("config", "set", "catalog", "catalog").exit_code == 0
    assert run("config", "set", "db", "store/orders.json").exit_code == 0
    values = cfg.load_config(conf(home)).values
    assert values == {"catalog": str(home / "catalog"), "db": str(home / "store" / "orders.json")}


def test_broken_config_exit_3_one_line_no_traceback(home):
    write_conf(home, "catalog = [\n")
    for args in (("orders", "list"), ("config", "show"), ("parse", "milk"), ("stats",)):
        r = run(*args)
        assert r.exit_code == 3, args
        assert r.stderr.count("\n") == 1 and str(conf(home)) in r.stderr and "invalid TOML" in r.stderr
        assert "Traceback" not in r.stderr
    assert run("config", "path").exit_code == 0          # still tells you where the file is


# -- precedence: option > environment > config file > default ------------------------------

def test_db_precedence_each_step(home, monkeypatch):
    assert shown()["db"] == {"value": str(default_db_path()), "source": "default"}
    assert str(default_db_path()).startswith(str(home / "data"))
    write_conf(home, f'db = "{home / "from-config.json"}"\n')
    assert shown()["db"] == {"value": str(home / "from-config.json"), "source": "config"}
    monkeypatch.setenv("SHOPCLI_DB", str(home / "from-env.json"))
    assert shown()["db"] == {"value": str(home / "from-env.json"), "source": "environment"}
    assert shown("--db", str(home / "from-option.json"))["db"] == {"value": str(home / "from-option.json"),
                                                                   "source": "option"}


def test_catalog_precedence_each_step(home, monkeypatch):
    assert shown()["catalog"] == {"value": str(default_catalog_path()), "source": "default"}
    write_conf(home, f'catalog = "{home / "catalog"}"\n')
    assert shown()["catalog"] == {"value": str(home / "catalog"), "source": "config"}
    monkeypatch.setenv("SHOPCLI_CATALOG", str(home / "env-catalog"))
    assert shown()["catalog"]["source"] == "environment"
    assert shown("--catalog", str(home / "opt-catalog"))["catalog"] == {"value": str(home / "opt-catalog"),
                                                                        "source": "option"}


def test_precedence_is_what_commands_use(home, monkeypatch):
    """The store and catalog a command really opens follow the same order."""
    mini_only = "RICE-JAS-2LB"         # the mini catalog's rice; the shipped catalog prefers another
    write_conf(home, f'db = "{home / "config.json"}"\ncatalog = "{home / "catalog"}"\n')
    r = run("order", "--yes", "--json", "two bags of rice")
    assert r.exit_code == 0 and json.loads(r.stdout)["lines"][0]["sku"] == mini_only
    assert (home / "config.json").is_file()
    assert json.loads(run("orders", "list", "--json").stdout)[0]["request"] == "two bags of rice"
    monkeypatch.setenv("SHOPCLI_DB", str(home / "env.json"))
    assert json.loads(run("orders", "list", "--json").stdout) == []
    assert len(json.loads(run("--db", str(home / "config.json"), "orders", "list", "--json").stdout)) == 1
    monkeypatch.setenv("SHOPCLI_CATALOG", str(home / "nowhere"))
    assert run("parse", "milk").exit_code == 3                      # the environment's catalog wins
    assert run("--catalog", str(home / "catalog"), "parse", "milk").exit_code == 0
    # with neither, the config file's catalog, and without that the shipped one
    monkeypatch.delenv("SHOPCLI_CATALOG")
    write_conf(home, "")
    assert json.loads(run("parse", "--json", "two bags of rice").stdout)["items"][0]["product"]["sku"] != mini_only


def test_settings_resolve_reports_sources(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('db = "/x/orders.json"\n')
    s = Settings(catalog_path="/cat", sources={"catalog": "environment"}, config_file=str(path))
    assert s.resolve("db") == ("/x/orders.json", "config")
    assert s.resolve("catalog") == ("/cat", "environment")
    assert s.resolve("now") == (None, "default")
    assert s.db_path == Path("/x/orders.json")


# -- the values reach orders and output ----------------------------------------------------

def test_delivery_window_for_a_day_without_time(home):
    write_conf(home, f'catalog = "{home / "catalog"}"\ndelivery_window = "17:00-19:00"\n')
    r = run("order", "--yes", "--json", "--deliver", "tomorrow", "6 eggs")
    d = json.loads(r.stdout)["delivery"]
    assert (d["window_start"], d["window_end"]) == ("2026-11-24T17:00:00+00:00", "2026-11-24T19:00:00+00:00")
    r = run("order", "--yes", "--json", "milk and deliver it on friday")
    assert json.loads(r.stdout)["delivery"]["window_start"] == "2026-11-27T17:00:00+00:00"
    r = run("order", "--yes", "--json", "--deliver", "tomorrow 9am", "milk")     # a time said wins
    assert json.loads(r.stdout)["delivery"]["window_start"] == "2026-11-24T09:00:00+00:00"


def test_preferred_pickup_store_unless_said_otherwise(home):
    write_conf(home, f'catalog = "{home / "catalog"}"\npickup = "Uptown"\n')
    d = json.loads(run("order", "--yes", "--json", "6 eggs").stdout)["delivery"]
    assert d["method"] == "pickup" and d["store"] == "Uptown"
    d = json.loads(run("order", "--yes", "--json", "--deliver", "tomorrow", "6 eggs").stdout)["delivery"]
    assert d["method"] == "delivery"
    d = json.loads(run("order", "--yes", "--json", "--pickup", "Downtown", "6 eggs").stdout)["delivery"]
    assert d["store"] == "Downtown"
    d = json.loads(run("order", "--yes", "--json", "milk, deliver it tomorrow morning").stdout)["delivery"]
    assert d["method"] == "delivery"


def test_currency_format_in_plain_output_json_unchanged(home):
    write_conf(home, f'catalog = "{home / "catalog"}"\ncurrency_format = "${{amount}}"\n')
    r = run("order", "--yes", "6 eggs")
    assert r.exit_code == 0
    assert "total $" in r.stdout and " USD" not in r.stdout
    listing = run("orders", "list").stdout
    assert "\t$" in listing
    order = json.loads(run("orders", "list", "--json").stdout)[0]
    assert "$" not in order["total"] and order["currency"] == "USD"


def test_settings_written_at_once_are_all_kept(tmp_path):
    """Issue 19, finding 8: three `shop config set` of different keys at once lost one value."""
    import subprocess
    import sys

    path = tmp_path / "config.toml"
    env = dict(os.environ, SHOPCLI_CONFIG=str(path))
    sets = [("db", str(tmp_path / "o.json")), ("currency_format", "${amount}"), ("delivery_window", "09:00-11:00")]
    for _ in range(3):
        path.unlink(missing_ok=True)
        procs = [subprocess.Popen([sys.executable, "-m", "shopcli", "config", "set", k, v], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for k, v in sets]
        assert all(p.wait(timeout=60) == 0 for p in procs)
        text = path.read_text(encoding="utf-8")
        assert all(f"{k} = " in text for k, _ in sets), text


def test_a_config_file_that_is_a_link_stays_a_link(tmp_path):
    target = tmp_path / "dotfiles" / "config.toml"
    target.parent.mkdir()
    target.write_text("", encoding="utf-8")
    link = tmp_path / "config.toml"
    link.symlink_to(target)
    cfg.set_value("currency_format", "€{amount}", link)
    assert link.is_symlink() and "currency_format" in target.read_text(encoding="utf-8")
