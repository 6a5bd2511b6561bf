"""Spending at a glance: orders and money by week or month, top products and categories, average basket.

Pure functions over order documents (the contract's order format); the store, the catalog and the
clock stay outside. Cancelled orders are left out. Money is ``Decimal`` throughout and a string with
two decimals in JSON, as everywhere in shopcli.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Callable, Iterable

from .lifecycle import parse_time

__all__ = ["PERIODS", "Period", "ProductTotal", "CategoryTotal", "Stats", "compute_stats", "period_start",
           "next_period"]

PERIODS = ("week", "month")
CENT = Decimal("0.01")
MAX_FILLED = 2000        # longer spans list only the periods that have orders
UNCATEGORISED = "(no category)"


def _money(d: Decimal) -> str:
    return str(d.quantize(CENT, rounding=ROUND_HALF_UP))


def _decimal(value) -> Decimal:
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return Decimal(0)
    return d if d.is_finite() else Decimal(0)


def period_start(d: date, by: str) -> date:
    """The Monday of ``d``'s week, or the first of its month."""
    return d - timedelta(days=d.weekday()) if by == "week" else d.replace(day=1)


def next_period(d: date, by: str) -> date:
    if by == "week":
        return d + timedelta(days=7)
    return date(d.year + (d.month == 12), d.month % 12 + 1, 1)


@dataclass
class Period:
    """One week (from Monday) or one calendar month."""

    start: date
    by: str
    orders: int = 0
    spent: Decimal = Decimal(0)

    @property
    def label(self) -> str:
        if self.by == "week":
            year, week, _ = self.start.isocalendar()
            return f"{year}-W{week:02d}"
        return f"{self.start.year}-{self.start.month:02d}"

    def to_dict(self) -> dict:
        return {"label": self.label, "start": self.start.isoformat(), "orders": self.orders,
                "spent": _money(self.spent)}


@dataclass
class ProductTotal:
    sku: str
    name: str
    packs: int = 0
    orders: int = 0
    spent: Decimal = Decimal(0)

    def to_dict(self) -> dict:
        return {"sku": self.sku, "name": self.name, "packs": self.packs, "orders": self.orders,
                "spent": _money(self.spent)}


@dataclass
class CategoryTotal:
    category: str
    packs: int = 0
    orders: int = 0
    spent: Decimal = Decimal(0)

    def to_dict(self) -> dict:
        return {"category": self.category, "packs": self.packs, "orders": self.orders,
                "spent": _money(self.spent)}


@dataclass
class Stats:
    """The figures of ``shop stats``."""

    by: str
    currency: str
    orders: int = 0
    spent: Decimal = Decimal(0)
    items: int = 0
    periods: list[Period] = field(default_factory=list)
    products: list[ProductTotal] = field(default_factory=list)
    categories: list[CategoryTotal] = field(default_factory=list)
    cancelled: int = 0
    undated: int = 0
    since: datetime | None = None
    until: datetime | None = None

    @property
    def average_basket(self) -> Decimal | None:
        """Mean order total, to the cent (None without orders)."""
        if not self.orders:
            return None
        return (self.spent / self.orders).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def average_items(self) -> float | None:
        """Mean packs per order, to one decimal."""
        return round(self.items / self.orders, 1) if self.orders else None

    def to_dict(self) -> dict:
        avg = self.average_basket
        return {"by": self.by,
                "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None,
                "currency": self.currency, "orders": self.orders, "spent": _money(self.spent),
                "average_basket": None if avg is None else _money(avg), "average_items": self.average_items,
                "items": self.items, "cancelled": self.cancelled, "undated": self.undated,
                "periods": [p.to_dict() for p in self.periods],
                "top_products": [p.to_dict() for p in self.products],
                "top_categories": [c.to_dict() for c in self.categories]}


def compute_stats(orders: Iterable[dict], *, by: str = "week", since: datetime | None = None,
                  until: datetime | None = None, category_of: Callable[[str], str | None] = lambda sku: None,
                  top: int = 5) -> Stats:
    """The statistics of the orders created in [since, until), cancelled ones left out.

    An order counts in the week or month of its ``created_at`` date as written (in its own time
    zone). Periods run without gaps from the first order to the last, so empty weeks show.
    ``category_of`` maps a SKU to its catalog category (None when the catalog does not know it).
    """
    if by not in PERIODS:
        raise ValueError(f"by must be one of {PERIODS}")
    st = Stats(by=by, currency="USD", since=since, until=until)
    currencies: Counter[str] = Counter()
    periods: dict[date, Period] = {}
    products: dict[str, ProductTotal] = {}
    categories: dict[str, CategoryTotal] = {}
    for o in orders:
        if not isinstance(o, dict):
            continue
        created = parse_time(o.get("created_at"))
        if created is None:
            if since is None and until is None and o.get("status") != "cancelled":
                st.undated += 1
            continue
        if (since and created < since) or (until and created >= until):
            continue
        if o.get("status") == "cancelled":
            st.cancelled += 1
            continue
        total = _decimal(o.get("total"))
        st.orders += 1
        st.spent += total
        if isinstance(o.get("currency"), str):
            currencies[o["currency"]] += 1
        start = period_start(created.date(), by)
        period = periods.setdefault(start, Period(start, by))
        period.orders += 1
        period.spent += total
        seen_skus: set[str] = set()
        seen_cats: set[str] = set()
        for line in o.get("lines") or ():
            if not isinstance(line, dict) or not isinstance(line.get("sku"), str):
                continue
            sku = line["sku"]
            packs = line.get("packs") if type(line.get("packs")) is int else 0
            spent = _decimal(line.get("line_total"))
            st.items += packs
            p = products.get(sku)
            if p is None:
                p = products[sku] = ProductTotal(sku, str(line.get("name") or sku))
            elif isinstance(line.get("name"), str):
                p.name = line["name"]          # the newest order's name wins
            p.packs += packs
            p.spent += spent
            if sku not in seen_skus:
                p.orders += 1
                seen_skus.add(sku)
            cat = category_of(sku) or UNCATEGORISED
            c = categories.setdefault(cat, CategoryTotal(cat))
            c.packs += packs
            c.spent += spent
            if cat not in seen_cats:
                c.orders += 1
                seen_cats.add(cat)
    if currencies:
        st.currency = currencies.most_common(1)[0][0]
    st.periods = _filled(periods, by)
    st.products = sorted(products.values(), key=lambda p: (-p.packs, -p.spent, p.name, p.sku))[:top]
    st.categories = sorted(categories.values(), key=lambda c: (-c.spent, -c.packs, c.category))[:top]
    return st


def _filled(periods: dict[date, Period], by: str) -> list[Period]:
    """The periods in order, with the empty ones between them (unless the span is absurdly long)."""
    if not periods:
        return []
    first, last = min(periods), max(periods)
    span = (last - first).days // (7 if by == "week" else 28)
    if span > MAX_FILLED:
        return [periods[k] for k in sorted(periods)]
    out = []
    d = first
    while d <= last:
        out.append(periods.get(d) or Period(d, by))
        d = next_period(d, by)
    return out
