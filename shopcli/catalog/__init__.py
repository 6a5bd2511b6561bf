"""The product catalog: loading and validation, the SQLite cache, the product index and matcher,
units and pack arithmetic, and the word-level normalisation shared with the parser.

Re-exports only; each name is imported from its module on first use so that ``shop --help`` stays fast.
"""

from __future__ import annotations

__all__ = ["Catalog", "Product", "load_catalog", "open_catalog"]

_FROM = {"Catalog": "load", "Product": "load", "load_catalog": "load", "open_catalog": "cache"}


def __getattr__(name: str):
    if name in _FROM:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_FROM[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
