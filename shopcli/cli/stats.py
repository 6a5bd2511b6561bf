"""`shop stats`: spending at a glance."""

from __future__ import annotations

import enum
import functools
from typing import Optional

import typer

from ..errors import UsageError as ShopUsageError
from ..settings import Settings
from .root import _money_output, _settings, app


# -- shop stats ---------------------------------------------------------------------------------

class By(str, enum.Enum):
    week = "week"
    month = "month"


def _date_option(text: str | None, settings: Settings, name: str):
    """A --since/--until date (or ISO time); a date alone is midnight in the clock's time zone."""
    if text is None:
        return None
    from datetime import datetime

    try:
        t = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ShopUsageError(f"{name} is not a date: {text[:40]!r}", hint="use YYYY-MM-DD, e.g. 2026-11-01") from None
    return t if t.tzinfo else t.replace(tzinfo=settings.now.tzinfo)


@app.command()
def stats(
    ctx: typer.Context,
    by: By = typer.Option(By.week, "--by", case_sensitive=False, help="Group orders and spending by week or month."),
    since: Optional[str] = typer.Option(None, "--since", metavar="DATE", help="Only orders created on or after this date."),
    until: Optional[str] = typer.Option(None, "--until", metavar="DATE", help="Only orders created before this date."),
    top: int = typer.Option(5, "--top", min=1, max=100, help="How many top products and categories."),
    as_json: bool = typer.Option(False, "--json", help="All figures as one JSON object (money as strings)."),
) -> None:
    """Spending by week or month, top products, average basket.

    Top categories come from the catalog. Cancelled orders are not counted. On a terminal the spending is a bar chart.

    Examples:

      shop stats

      shop stats --by month --since 2026-01-01

      shop stats --json | jq .average_basket
    """
    from ..orders.spending import compute_stats

    settings = _settings(ctx)
    start, end = _date_option(since, settings, "--since"), _date_option(until, settings, "--until")
    orders = settings.store.table("orders")
    category_of = _categories(settings) if orders else (lambda sku: None)
    st = compute_stats(orders, by=by.value, since=start, until=end, category_of=category_of, top=top)
    out = _money_output(settings)
    if as_json:
        out.json(st.to_dict())
    else:
        out.stats(st)


def _categories(settings: Settings):
    """SKU -> catalog category, remembered (the catalog is only opened when an order needs it)."""
    @functools.lru_cache(maxsize=None)
    def category_of(sku: str):
        product = settings.catalog.get(sku)
        return product.category if product else None
    return category_of
