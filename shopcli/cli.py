"""The `shop` command: a thin Typer layer over the library. Commands parse options and call the core."""

from __future__ import annotations

import gc
import sys
from typing import Iterator, List, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from . import __version__
from .errors import ShopError
from .render import Output
from .settings import Settings

try:  # typer >= 0.29 vendors click
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover
    from click import exceptions as click_exc

class ShopGroup(TyperGroup):
    """The root group: our own errors become one line on stderr and the contract's exit code."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ShopError as e:
            Output().error(e.message, e.hint)
            raise typer.Exit(e.exit_code) from None


app = typer.Typer(
    name="shop",
    cls=ShopGroup,
    help="A natural-language shopping assistant for the terminal.",
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

GUIDE = """shop — order groceries in plain words.

  shop parse "two bags of rice and a dozen eggs"   see what shop understood
  shop order "a gallon of milk and bread" --yes      place an order
  shop orders list                                   your orders, newest first
  shop COMMAND --help                                examples for each command

Data: --db PATH (SHOPCLI_DB), --catalog PATH (SHOPCLI_CATALOG), --now ISO8601 (SHOPCLI_NOW)."""


class TextCommand(TyperCommand):
    """A command whose free-text arguments are never read as options.

    Everything from the first word that is not one of the command's own options is request text,
    so `shop order -- -h`, `shop order "-h"` and `shop order --json -h` all order "-h" rather than
    print help; `shop order --help` alone still prints help.
    """

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        if args in (["--help"], ["-h"]):
            return super().parse_args(ctx, args)
        takes_value: dict[str, bool] = {}
        for p in self.params:
            if isinstance(p, typer.core.TyperOption) or getattr(p, "param_type_name", "") == "option":
                for name in (*p.opts, *p.secondary_opts):
                    takes_value[name] = not p.is_flag
        out: list[str] = []
        i = 0
        while i < len(args):
            a = args[i]
            if a == "--":
                out.extend(args[i:])
                break
            name = a.split("=", 1)[0]
            if name in takes_value and name not in ("-h", "--help"):
                out.append(a)
                if takes_value[name] and "=" not in a and i + 1 < len(args):
                    out.append(args[i + 1])
                    i += 1
                i += 1
                continue
            out.append("--")
            out.extend(args[i:])
            break
        return super().parse_args(ctx, out)


def _settings(ctx: typer.Context) -> Settings:
    return ctx.find_root().obj


def _version(value: bool) -> None:
    if value:
        typer.echo(f"shop {__version__}")
        raise typer.Exit()


@app.callback(invoke_without_command=True)
def root(
    ctx: typer.Context,
    db: Optional[str] = typer.Option(None, "--db", envvar="SHOPCLI_DB", metavar="PATH",
                                     help="Order store (TinyDB JSON file).", show_envvar=True),
    catalog: Optional[str] = typer.Option(None, "--catalog", envvar="SHOPCLI_CATALOG", metavar="PATH",
                                          help="Product catalog: a .json/.csv file or a folder.",
                                          show_envvar=True),
    now: Optional[str] = typer.Option(None, "--now", envvar="SHOPCLI_NOW", metavar="ISO8601",
                                      help="Pretend it is this time (for tests and transcripts).",
                                      show_envvar=True),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """A natural-language shopping assistant for the terminal."""
    ctx.obj = Settings(db=db, catalog_path=catalog, now_text=now)
    if ctx.invoked_subcommand is None:
        typer.echo(GUIDE)


def requests_from(text: List[str] | None) -> Iterator[str]:
    """The requests of a command: its TEXT words joined, or one per non-empty line of standard input."""
    if text and text != ["-"]:
        yield " ".join(text)
        return
    for raw in sys.stdin.buffer:
        line = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        if line.strip():
            yield line


@app.command(cls=TextCommand)
def parse(
    ctx: typer.Context,
    text: Optional[List[str]] = typer.Argument(None, help="The request; omit (or '-') to read lines from stdin."),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per request, one per line."),
) -> None:
    """Show what a request means, item by item; writes nothing.

    Examples:

      shop parse "two bags of rice and a dozen eggs"

      shop parse --json "a 5 lb bag of flour, 2 x 500 g spaghetti"

      printf 'milk\\n6 eggs\\n' | shop parse --json
    """
    from .parse import parse_request
    from .parse.normalize import check_request

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
    text: Optional[List[str]] = typer.Argument(None, help="The request; omit (or '-') to read one order per line from stdin."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Place without asking."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Show the order, write nothing."),
    as_json: bool = typer.Option(False, "--json", help="Print the placed order as JSON (one line per order)."),
    deliver: Optional[str] = typer.Option(None, "--deliver", metavar="WHEN",
                                          help="Delivery time: 'tomorrow 9am', 'friday evening', '2026-12-01 14:00-16:00'."),
    pickup: Optional[str] = typer.Option(None, "--pickup", metavar="STORE", help="Pick up at this store instead."),
) -> None:
    """Order in plain words: parse, price, confirm and store the order.

    Examples:

      shop order "two bags of rice and a dozen eggs" --yes

      shop order "milk, bread and deliver it tomorrow morning" --yes --json

      shop order "6 eggs" --pickup Downtown --dry-run

      cut -f2 list.tsv | shop order --json     (one order per line, placed in groups)
    """
    from . import ordering

    settings = _settings(ctx)
    code = ordering.run_order(settings, Output(), list(requests_from(text)) if text and text != ["-"] else None,
                              yes=yes, dry_run=dry_run, as_json=as_json, deliver=deliver, pickup=pickup)
    if code:
        raise typer.Exit(code)


orders_app = typer.Typer(help="Your orders: list, show, status, cancel, export, import.", rich_markup_mode=None)
app.add_typer(orders_app, name="orders")


@orders_app.command("list")
def orders_list(
    ctx: typer.Context,
    status: Optional[str] = typer.Option(None, "--status", help="Only orders in this status (placed, scheduled, "
                                         "out_for_delivery, delivered, ready_for_pickup, picked_up, cancelled)."),
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

    ordering.run_list(_settings(ctx), Output(), status, since, until, as_json)


@orders_app.command("show")
def orders_show(ctx: typer.Context, order_id: str = typer.Argument(..., metavar="ID"),
                as_json: bool = typer.Option(False, "--json")) -> None:
    """Show one order with its lines and delivery.  Example: shop orders show ORD-000001"""
    from . import ordering

    ordering.run_show(_settings(ctx), Output(), order_id, as_json)


@orders_app.command("status")
def orders_status(ctx: typer.Context, order_id: str = typer.Argument(..., metavar="ID"),
                  as_json: bool = typer.Option(False, "--json")) -> None:
    """Where is my order?  Its status and delivery window now.  Example: shop orders status ORD-000001"""
    from . import ordering

    ordering.run_status(_settings(ctx), Output(), order_id, as_json)


@orders_app.command("cancel")
def orders_cancel(ctx: typer.Context, order_id: str = typer.Argument(..., metavar="ID"),
                  as_json: bool = typer.Option(False, "--json")) -> None:
    """Cancel a placed or scheduled order (before its window starts).  Example: shop orders cancel ORD-000001"""
    from . import ordering

    ordering.run_cancel(_settings(ctx), Output(), order_id, as_json)


@orders_app.command("export")
def orders_export(ctx: typer.Context) -> None:
    """Every order, one JSON object a line, to standard output.  Example: shop orders export > backup.jsonl"""
    from . import ordering

    ordering.run_export(_settings(ctx), Output())


@orders_app.command("import")
def orders_import(ctx: typer.Context, file: str = typer.Argument(..., metavar="FILE|-")) -> None:
    """Import orders in the export format, all or nothing.  Example: shop orders import backup.jsonl"""
    from . import ordering

    ordering.run_import(_settings(ctx), Output(), file)


@app.command(cls=TextCommand)
def suggest(
    ctx: typer.Context,
    text: Optional[List[str]] = typer.Argument(None, help="Products in plain words (as for shop parse)."),
    sku: Optional[List[str]] = typer.Option(None, "--sku", metavar="SKU", help="A product by SKU (repeatable)."),
    limit: int = typer.Option(5, "--limit", min=1, max=50, help="How many suggestions."),
    as_json: bool = typer.Option(False, "--json", help='{"basis": [...], "suggestions": [...]}'),
) -> None:
    """What goes with these products, learned from past orders and the catalog.

    Examples:

      shop suggest spaghetti

      shop suggest --sku EGG-L-12 --limit 3 --json

      shop suggest "tortilla chips and ground beef"
    """
    from .suggest import run_suggest

    run_suggest(_settings(ctx), Output(), " ".join(text) if text else "", list(sku or []), limit, as_json)


@app.command()
def chat(
    ctx: typer.Context,
    record: Optional[str] = typer.Option(None, "--record", metavar="FILE",
                                         help="Write the conversation as a transcript to FILE."),
) -> None:
    """Talk to the assistant: it keeps a cart across turns, answers questions and places orders.

    On a terminal it prompts; otherwise it reads one turn a line from standard input.

    Examples:

      shop chat

      shop chat --record session.txt

      printf 'two bags of rice\\nshow my cart\\ncheckout, deliver tomorrow evening\\n' | shop chat
    """
    from .assistant import run_chat

    code = run_chat(_settings(ctx), Output(), record)
    if code:
        raise typer.Exit(code)


@app.command()
def replay(
    ctx: typer.Context,
    files: List[str] = typer.Argument(..., metavar="FILE...", help="Transcripts to replay."),
    update: bool = typer.Option(False, "--update", help="Rewrite the expected answers with the new ones."),
    compare: str = typer.Option("answers", "--compare", metavar="WHAT",
                                help="answers (every answer must match) or carts (only carts and orders)."),
) -> None:
    """Replay recorded transcripts in fresh stores and report every answer that changed.

    Exit 0 only when every transcript matches.

    Examples:

      shop replay tests/transcripts/*.txt

      shop replay --compare carts session.txt

      shop replay --update session.txt
    """
    from .transcript import run_replay

    code = run_replay(_settings(ctx), Output(), files, update=update, compare=compare)
    if code:
        raise typer.Exit(code)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `shop` command: every error becomes one line and an exit code."""
    # A short-lived process: the cyclic collector only slows the building of large stores and
    # catalogs (reference counting still frees everything as usual).
    gc.disable()
    out = Output()
    command = typer.main.get_command(app)
    try:
        rv = command.main(args=argv, prog_name="shop", standalone_mode=False)
        code = rv if isinstance(rv, int) else 0
    except ShopError as e:
        out.error(e.message, e.hint)
        code = e.exit_code
    except click_exc.UsageError as e:
        out.error(e.format_message().replace("\n", " "), "see shop --help")
        code = 2
    except click_exc.Exit as e:
        code = e.exit_code
    except typer.Exit as e:
        code = e.exit_code
    except (click_exc.Abort, typer.Abort, KeyboardInterrupt):
        out.error("aborted")
        code = 130
    except BrokenPipeError:
        code = 0
        try:
            sys.stdout = None  # type: ignore[assignment]
        except Exception:  # pragma: no cover
            pass
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
