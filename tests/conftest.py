"""Shared test set-up: catalog caches go to a private folder, and no user config file is read."""

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory):
    import os

    path = tmp_path_factory.mktemp("shopcli-cache")
    saved = {k: os.environ.get(k) for k in ("SHOPCLI_CACHE_DIR", "SHOPCLI_CONFIG")}
    os.environ["SHOPCLI_CACHE_DIR"] = str(path)
    # a developer's own config file must not change what the tests see
    os.environ["SHOPCLI_CONFIG"] = str(path / "no-config.toml")
    yield path
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture
def path(tmp_path):
    """Where a test's store lives (not created)."""
    return tmp_path / "orders.json"


@pytest.fixture
def store(path):
    """A store at ``path``; a module may define its own."""
    from shopcli.store.db import Store

    return Store(path)
