"""Catalog validation refuses what later commands could not handle (issue 19, finding 2)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from shopcli.catalog.load import load_catalog
from shopcli.errors import DataError


@pytest.mark.parametrize("product, field", [
    ('{"sku":"X","name":"Zebra \\ud800 Tea","price":"1.00"}', "name"),
    ('{"sku":"X","name":"Zebra Tea","aliases":["tea \\udc00"],"price":"1.00"}', "aliases"),
    ('{"sku":"X\\ud83d","name":"Zebra Tea","price":"1.00"}', "sku"),
    ('{"sku":"X","name":"Zebra Tea","brand":"\\udfff","price":"1.00"}', "brand"),
])
def test_a_lone_surrogate_is_a_catalog_error(tmp_path, product, field):
    path = tmp_path / "c.json"
    path.write_text(f"[{product}]", encoding="utf-8")
    with pytest.raises(DataError, match=f"field '{field}': holds a character that is not text"):
        load_catalog(path)


def test_the_command_says_so_in_one_line(tmp_path):
    path = tmp_path / "c.json"
    path.write_text('[{"sku":"X","name":"Zebra \\ud800 Tea","price":"1.00"}]', encoding="utf-8")
    env = dict(os.environ, SHOPCLI_CACHE_DIR=str(tmp_path / "cache"), SHOPCLI_DB=str(tmp_path / "o.json"))
    r = subprocess.run([sys.executable, "-m", "shopcli", "--catalog", str(path), "parse", "zebra tea"],
                       capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 3 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
