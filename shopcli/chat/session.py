"""What every intent handler is given: the session of one conversation — its catalog, store and
clock, its dialogue state (state.py), and two caches that last the session: products' labels as
shown, and what was read from the store (read again only when the store file changed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ..render import clean
from .state import DialogueState

if TYPE_CHECKING:
    from datetime import datetime

    from ..catalog.load import Catalog, Product
    from ..store.db import Store

__all__ = ["Session"]


@dataclass(eq=False)
class Session:
    """One conversation's context (one object per conversation: compared by identity). Handlers
    take it as their first argument."""

    catalog: Catalog
    store: Store
    now: datetime
    state: DialogueState = field(default_factory=DialogueState)
    labels: dict[str, str] = field(default_factory=dict, repr=False)  # products' labels as shown, by SKU
    store_reads: dict[str, tuple[Any, Any]] = field(default_factory=dict, repr=False)  # name: (store signature, value)

    def product(self, sku: str) -> Product:
        return self.catalog.by_sku[sku]

    def label(self, sku_or_product) -> str:
        """A product's label as the chat shows it (products never change during a chat)."""
        p = self.catalog.by_sku[sku_or_product] if isinstance(sku_or_product, str) else sku_or_product
        got = self.labels.get(p.sku)
        if got is None:
            got = self.labels[p.sku] = clean(p.label)
        return got

    def from_store(self, name: str, load: Callable[[], Any]) -> Any:
        """What ``load()`` reads from the store, read again only when the store file has changed
        (another process may change it between turns)."""
        signature = self.store.signature()
        got = self.store_reads.get(name)
        if got is None or got[0] != signature:
            got = self.store_reads[name] = (signature, load())
        return got[1]
