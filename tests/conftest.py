"""Shared test set-up: catalog caches go to a private folder, never the user's cache."""

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_cache_dir(tmp_path_factory):
    import os

    path = tmp_path_factory.mktemp("shopcli-cache")
    old = os.environ.get("SHOPCLI_CACHE_DIR")
    os.environ["SHOPCLI_CACHE_DIR"] = str(path)
    yield path
    if old is None:
        os.environ.pop("SHOPCLI_CACHE_DIR", None)
    else:
        os.environ["SHOPCLI_CACHE_DIR"] = old
