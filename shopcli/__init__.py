"""shopcli: a natural-language shopping assistant for the terminal, usable as a library.

    >>> from shopcli import load_catalog, parse_request
    >>> result = parse_request("two bags of rice and a dozen eggs", load_catalog())
    >>> [(i.product.sku, i.packs) for i in result.items]   # doctest: +SKIP
"""

from __future__ import annotations

from .version import __version__

__all__ = ["__version__", "parse_request", "ParseResult", "ParsedItem", "load_catalog", "Catalog",
           "Product", "Store"]


def __getattr__(name: str):
    # Imported on first use so that `shop --help` and `import shopcli` stay fast.
    if name in ("parse_request", "ParseResult", "ParsedItem"):
        from .parse import pipeline as parse

        return getattr(parse, name)
    if name in ("load_catalog", "Catalog", "Product"):
        from .catalog import load as catalog

        return getattr(catalog, name)
    if name == "Store":
        from .store.db import Store

        return Store
    raise AttributeError(f"module 'shopcli' has no attribute {name!r}")
