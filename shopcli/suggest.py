"""Complementary suggestions: what goes with the items of a basket.

This is the catalog side of suggestions: each product's ``complements`` (SKUs, or category names
standing for that shelf's most popular products). Good manners apply: nothing already in the
basket, no other variant of a product in it (one item per product family, by name), nothing out
of stock.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import Catalog, Product

__all__ = ["Suggestion", "suggest_for"]


@dataclass(frozen=True)
class Suggestion:
    product: Product
    score: float
    reason: str


def suggest_for(catalog: Catalog, basis: list[str], limit: int = 5) -> list[Suggestion]:
    """Up to ``limit`` products that go with the SKUs in ``basis``, best first."""
    if limit <= 0 or not basis:
        return []
    basis_products = [catalog.by_sku[s] for s in basis if s in catalog.by_sku]
    families = {p.name.lower() for p in basis_products}
    best_in_category = _best_by_category(catalog)
    scores: dict[str, float] = {}
    reasons: dict[str, str] = {}
    for rank, p in enumerate(basis_products):
        for k, ref in enumerate(p.complements):
            target = catalog.by_sku.get(ref) or best_in_category.get(ref.lower())
            if target is None:
                continue
            weight = 1.0 / (1 + 0.25 * k) + (0.1 if ref in catalog.by_sku else 0.0)
            scores[target.sku] = scores.get(target.sku, 0.0) + weight
            reasons.setdefault(target.sku, f"goes with {p.name}")
    out: list[Suggestion] = []
    seen_families = set(families)
    for sku, score in sorted(scores.items(), key=lambda kv: (-kv[1], -catalog.by_sku[kv[0]].popularity)):
        product = catalog.by_sku[sku]
        family = product.name.lower()
        if sku in basis or family in seen_families or product.stock == 0:
            continue
        seen_families.add(family)
        out.append(Suggestion(product, round(min(score, 1.0), 3), reasons[sku]))
        if len(out) >= limit:
            break
    return out


def _best_by_category(catalog: Catalog) -> dict[str, Product]:
    best: dict[str, Product] = {}
    for p in catalog.products:
        if p.category and p.stock != 0:
            key = p.category.lower()
            if key not in best or p.popularity > best[key].popularity:
                best[key] = p
    return best
