"""Packaging: the wheel carries the catalog and works on its own, `python -m shopcli` is `shop`, and
CI keeps the README's test command and checks the wheel from outside the repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from shopcli import __version__

ROOT = Path(__file__).resolve().parent.parent


def test_pyproject_ships_the_catalog_and_the_command():
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    wheel = meta["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert wheel["force-include"] == {"catalog": "shopcli/_catalog"}
    assert wheel["packages"] == ["shopcli"]
    assert meta["project"]["scripts"] == {"shop": "shopcli.cli.app:main"}
    assert "completions" in meta["tool"]["hatch"]["build"]["targets"]["sdist"]["include"]


def test_ci_runs_the_readme_test_command_then_checks_the_wheel():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert '$ pip install ".[test]" && pytest' in readme
    lines = [l.strip() for l in ci.splitlines()]
    assert 'pip install ".[test]" && pytest' in lines
    wheel_step = ci.index("pip wheel . --no-deps -w dist/")
    assert ci.index('pip install ".[test]" && pytest') < wheel_step
    assert 'parse --json "two bags of rice"' in ci[wheel_step:] and "-m shopcli --version" in ci[wheel_step:]
    assert "mktemp -d" in ci and "python -m venv" in ci[wheel_step:]
    if shutil.which("bash"):
        assert subprocess.run(["bash", "-n", str(ROOT / ".ci" / "run")]).returncode == 0


def test_python_m_shopcli_is_shop(tmp_path):
    r = subprocess.run([sys.executable, "-m", "shopcli", "--version"], cwd=tmp_path, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0 and r.stdout == f"shop {__version__}\n"
    r = subprocess.run([sys.executable, "-m", "shopcli", "ordr"], cwd=tmp_path, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 2 and r.stderr.startswith("error: No such command")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """A wheel built from the repository as CI builds it (pip fetches hatchling when it must)."""
    out = tmp_path_factory.mktemp("dist")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-w", str(out), "-q"],
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        if re.search(r"No matching distribution|Could not find a version|connection|resolve|offline|Network",
                     r.stdout + r.stderr, re.I):
            pytest.skip("cannot fetch the build backend (no network): " + r.stderr.strip()[-200:])
        pytest.fail(r.stdout + r.stderr)
    (built,) = out.glob("shopcli-*.whl")
    return built


def test_wheel_carries_catalog_stores_and_word_lists(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {p.name for p in (ROOT / "catalog").iterdir() if p.suffix in (".json", ".csv", ".toml")}
    assert {f"shopcli/_catalog/{n}" for n in shipped} <= names
    assert "shopcli/_catalog/stores.toml" in names
    assert {"shopcli/lang/en.toml", "shopcli/cli/app.py", "shopcli/__main__.py", "shopcli/config.py",
            "shopcli/orders/spending.py", "shopcli/chat/__init__.py"} <= names
    entry = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "shop = shopcli.cli.app:main" in zipfile.ZipFile(wheel).read(entry).decode()
    assert not any(n.startswith(("tests/", "catalog/")) for n in names)


def test_wheel_alone_works_outside_the_repository(wheel, tmp_path):
    """Unpacked as pip would install it, with the repository out of reach: catalog from the wheel."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPCLI_")}
    env.update(PYTHONPATH=str(site), SHOPCLI_CACHE_DIR=str(tmp_path / "cache"),
               SHOPCLI_CONFIG=str(tmp_path / "config.toml"), SHOPCLI_DB=str(tmp_path / "orders.json"))
    probe = ("import shopcli, shopcli.catalog.load as c; print(shopcli.__file__); print(c.default_catalog_path())")
    r = subprocess.run([sys.executable, "-c", probe], cwd=work, env=env, capture_output=True, text=True, timeout=60)
    module, catalog = r.stdout.split()
    assert module.startswith(str(site)) and catalog == str(site / "shopcli" / "_catalog")
    r = subprocess.run([sys.executable, "-m", "shopcli", "parse", "--json", "two bags of rice"], cwd=work, env=env,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert '"status": "matched"' in r.stdout and '"packs": 2' in r.stdout
    r = subprocess.run([sys.executable, "-m", "shopcli", "--version"], cwd=work, env=env, capture_output=True,
                       text=True, timeout=60)
    assert r.stdout == f"shop {__version__}\n"
