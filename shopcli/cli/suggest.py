"""`shop suggest`: what goes with the products named."""

from __future__ import annotations

import sys
from typing import List, Optional

import typer

from ..render import Output
from .complete import complete_product, complete_sku
from .root import TextCommand, _settings, app, requests_from


@app.command(cls=TextCommand)
def suggest(
    ctx: typer.Context,
    text: Optional[List[str]] = typer.Argument(None, help="Products in plain words (as for shop parse).",
                                               autocompletion=complete_product),
    sku: Optional[List[str]] = typer.Option(None, "--sku", metavar="SKU", help="A product by SKU (repeatable).",
                                            autocompletion=complete_sku),
    limit: int = typer.Option(5, "--limit", min=1, max=50, help="How many suggestions."),
    as_json: bool = typer.Option(False, "--json", help='{"basis": [...], "suggestions": [...]}'),
) -> None:
    """What goes with these products, learned from past orders and the catalog.

    Examples:

      shop suggest spaghetti

      shop suggest --sku EGG-L-12 --limit 3 --json

      shop suggest "tortilla chips and ground beef"

      printf 'EGG-L-12 MILK-WHOLE-1GAL\\nspaghetti\\n' | shop suggest --json -    (one basket a line)
    """
    if (text == ["-"] or (not text and not sku and not sys.stdin.isatty())) and not sku:
        from ..suggest.engine import run_suggest_batch

        code = run_suggest_batch(_settings(ctx), Output(), requests_from(None), limit, as_json)
        if code:
            raise typer.Exit(code)
        return
    from ..suggest.engine import run_suggest

    run_suggest(_settings(ctx), Output(), " ".join(text) if text else "", list(sku or []), limit, as_json)
