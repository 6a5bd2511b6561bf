"""Reading free-text shopping requests into structured items.

The pipeline (``pipeline.py``): normalize (safe, regular text) -> segment (item phrases) -> amounts
(quantity, unit, pack size) -> remarks (words that are not items) -> the product matcher of the
catalog. ``delivery.py`` reads delivery times and pickup stores said in free text.

Re-exports only; each name is imported from its module on first use.
"""

from __future__ import annotations

__all__ = ["parse_request", "ParseResult", "ParsedItem"]


def __getattr__(name: str):
    if name in __all__:
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
