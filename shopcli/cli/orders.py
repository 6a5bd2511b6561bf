"""`shop orders`: list, show, status, cancel, export and import."""

from __future__ import annotations

from typing import Optional

import typer

from ..render import Output
from .complete import complete_order_id, complete_status
from .root import _money_output, _settings, app


orders_app = typer.Typer(help="""Your orders: list, show, status, cancel, export, import.

Examples:

  shop orders list --status scheduled

  shop orders status ORD-000001

  shop orders export > backup.jsonl
""", rich_markup_mode=None)
app.add_typer(orders_app, name="orders")


@orders_app.command("list")
def orders_list(
    ctx: typer.Context,
    status: Optional[str] = typer.Option(None, "--status", help="Only orders in this status (placed, scheduled, "
                                         "out_for_delivery, delivered, ready_for_pickup, picked_up, cancelled).",
                                         autocompletion=complete_status),
    since: Optional[str] = typer.Option(None, "--since", metavar="DATE", help="Created on or after this date."),
    until: Optional[str] = typer.Option(None, "--until", metavar="DATE", help="Created before this date."),
    as_json: bool = typer.Option(False, "--json", help="A JSON list."),
) -> None:
    """List orders, newest first.

    Examples:

      shop orders list

      shop orders list --status scheduled --json

      shop orders list --since 2026-11-01
    """
    from . import ordering

    settings = _settings(ctx)
    ordering.run_list(settings, _money_output(settings), status, since, until, as_json)


@orders_app.command("show")
def orders_show(ctx: typer.Context,
                order_id: str = typer.Argument(..., metavar="ID", help="The order id (shop orders list shows them).",
                                               autocompletion=complete_order_id),
                as_json: bool = typer.Option(False, "--json", help="The order as JSON.")) -> None:
    """Show one order with its lines, totals and delivery.

    Examples:

      shop orders show ORD-000001

      shop orders show ORD-000001 --json
    """
    from . import ordering

    settings = _settings(ctx)
    ordering.run_show(settings, _money_output(settings), order_id, as_json)


@orders_app.command("status")
def orders_status(ctx: typer.Context,
                  order_id: str = typer.Argument(..., metavar="ID", help="The order id.",
                                                 autocompletion=complete_order_id),
                  as_json: bool = typer.Option(False, "--json", help='{"id", "status", "delivery"} as JSON.')) -> None:
    """Where is my order? Its status and delivery window now.

    Examples:

      shop orders status ORD-000001

      shop orders status ORD-000001 --json
    """
    from . import ordering

    ordering.run_status(_settings(ctx), Output(), order_id, as_json)


@orders_app.command("cancel")
def orders_cancel(ctx: typer.Context,
                  order_id: str = typer.Argument(..., metavar="ID", help="The order id.",
                                                 autocompletion=complete_order_id),
                  as_json: bool = typer.Option(False, "--json", help="The cancelled order as JSON.")) -> None:
    """Cancel a placed or scheduled order (before its window starts).

    Examples:

      shop orders cancel ORD-000001

      shop orders cancel ORD-000001 --json
    """
    from . import ordering

    ordering.run_cancel(_settings(ctx), Output(), order_id, as_json)


@orders_app.command("export")
def orders_export(ctx: typer.Context,
                  as_json: bool = typer.Option(False, "--json",
                                               help="Accepted for symmetry: the output is always JSON lines.")) -> None:
    """Every order, one JSON object a line, to standard output.

    Examples:

      shop orders export > backup.jsonl

      shop orders export | jq -r .total
    """
    from . import ordering

    ordering.run_export(_settings(ctx), Output())


@orders_app.command("import")
def orders_import(ctx: typer.Context, file: str = typer.Argument(..., metavar="FILE|-",
                                                                  help="JSON lines as written by shop orders export."),
                  as_json: bool = typer.Option(False, "--json", help='{"imported": N} as JSON.')) -> None:
    """Import orders in the export format, all or nothing.

    Each line needs only "lines" with "sku" and "packs"; ids, times and prices are filled in.

    Examples:

      shop orders import backup.jsonl

      echo '{"lines": [{"sku": "EGG-L-12", "packs": 2}]}' | shop orders import -
    """
    from . import ordering

    ordering.run_import(_settings(ctx), Output(), file, as_json)
