"""`shop parse` and `shop order`: the commands that read requests."""

from __future__ import annotations

from typing import List, Optional

import typer

from ..errors import ShopError
from ..render import Output
from .complete import complete_pickup, complete_product
from .root import TextCommand, _money_output, _settings, app, requests_from


@app.command(cls=TextCommand)
def parse(
    ctx: typer.Context,
    text: Optional[List[str]] = typer.Argument(None, help="The request; omit (or '-') to read lines from stdin.",
                                               autocompletion=complete_product),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per request, one per line."),
) -> None:
    """Show what a request means, item by item; writes nothing.

    Examples:

      shop parse "two bags of rice and a dozen eggs"

      shop parse --json "a 5 lb bag of flour, 2 x 500 g spaghetti"

      printf 'milk\\n6 eggs\\n' | shop parse --json
    """
    from ..parse.pipeline import parse_request
    from ..parse.normalize import check_request

    settings = _settings(ctx)
    out = Output()
    catalog = settings.catalog
    failed = False
    for request in requests_from(text):
        try:
            request = check_request(request)
        except ShopError as e:
            out.error(e.message, e.hint)
            failed = True
            continue
        result = parse_request(request, catalog)
        if as_json:
            out.json(result.to_dict())
        else:
            out.parse_result(result)
    if failed:
        raise typer.Exit(2)


@app.command(cls=TextCommand)
def order(
    ctx: typer.Context,
    text: Optional[List[str]] = typer.Argument(None, help="The request; omit (or '-') to read one order per line from stdin.",
                                               autocompletion=complete_product),
    yes: bool = typer.Option(False, "--yes", "-y", help="Place without asking."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the order, write nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print the placed order as JSON (one line per order)."),
    deliver: Optional[str] = typer.Option(None, "--deliver", metavar="WHEN",
                                          help="Delivery time: 'tomorrow 9am', 'friday evening', '2026-12-01 14:00-16:00'."),
    pickup: Optional[str] = typer.Option(None, "--pickup", metavar="STORE", help="Pick up at this store instead.",
                                         autocompletion=complete_pickup),
) -> None:
    """Order in plain words: parse, price, confirm and store the order.

    Examples:

      shop order --yes "two bags of rice and a dozen eggs"

      shop order --yes --json "milk, bread and deliver it tomorrow morning"

      shop order --pickup Downtown --dry-run "6 eggs"

      cut -f2 list.tsv | shop order --json     (one order per line, placed in groups)
    """
    from . import ordering

    settings = _settings(ctx)
    code = ordering.run_order(settings, _money_output(settings), list(requests_from(text)) if text and text != ["-"] else None,
                              yes=yes, dry_run=dry_run, as_json=as_json, deliver=deliver, pickup=pickup)
    if code:
        raise typer.Exit(code)
