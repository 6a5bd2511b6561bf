"""The order store: a TinyDB JSON file that never loses or corrupts an order (``db.py``), and the
head of its file, read without parsing the orders (``head.py``).

It sits beneath both the orders, which it keeps, and the suggestions, which learn from it.
Re-exports only.
"""

from __future__ import annotations

__all__ = ["Store"]


def __getattr__(name: str):
    if name == "Store":
        from .db import Store

        return Store
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
