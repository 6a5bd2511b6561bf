"""The `shop` command: a thin Typer layer over the library. Commands parse options and call the core."""

from __future__ import annotations

import enum
import functools
import gc
import os
import sys
from pathlib import Path
from typing import Iterator, List, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from ..version import __version__
from ..errors import ShopError
from ..errors import UsageError as ShopUsageError
from ..render import Output
from ..render import clean as clean_text
from ..settings import Settings

try:  # typer >= 0.29 vendors click
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover
    from click import exceptions as click_exc

# typer's vendored click has no Exit/Abort of its own (typer's are used); plain click has both
_CLICK_EXIT = getattr(click_exc, "Exit", typer.Exit)
_CLICK_ABORT = getattr(click_exc, "Abort", typer.Abort)


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
    help="""A natural-language shopping assistant for the terminal.

Examples:

  shop parse "two bags of rice and a dozen eggs"

  shop order --yes "a gallon of milk and bread"

  shop orders list

  shop stats --by month
""",
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

GUIDE = """shop — order groceries in plain words.

  shop parse "two bags of rice and a dozen eggs"   see what shop understood
  shop order --yes "a gallon of milk and bread"      place an order
  shop orders list                                   your orders, newest first
  shop suggest spaghetti                             what goes with it, learned from orders
  shop chat                                          talk to the assistant, cart and all
  shop stats --by month                              spending at a glance
  shop config show                                   your defaults and where they come from
  shop COMMAND --help                                examples for each command

Data: --db PATH (SHOPCLI_DB), --catalog PATH (SHOPCLI_CATALOG), --now ISO8601 (SHOPCLI_NOW);
defaults in a config file (shop config path). Tab completion: shop --install-completion."""


# -- completion of values ------------------------------------------------------------------------
# Called by the shell (through _SHOP_COMPLETE) on every Tab: they import what they need, read only
# what they must, and never fail or print — any problem simply means no suggestions.

COMPLETION_LIMIT = 500


def _quietly(fn):
    @functools.wraps(fn)
    def wrapper(ctx: typer.Context, incomplete: str):
        try:
            return fn(ctx, incomplete or "")
        except Exception:
            return []
    return wrapper


def _completion_settings(ctx) -> Settings:
    """The settings of the command line being completed (its callbacks have not run)."""
    root = ctx.find_root()
    if isinstance(root.obj, Settings):
        return root.obj
    p = root.params
    return Settings(db=p.get("db"), catalog_path=p.get("catalog"), now_text=p.get("now"))


def _shell_word(value: str) -> str:
    """A value with spaces, as one word: bash inserts completions as they are."""
    if os.environ.get("_SHOP_COMPLETE", "").endswith("bash"):
        return value.replace(" ", "\\ ")
    return value


def _catalog_rows(settings: Settings) -> list[tuple[str, str]]:
    """(sku, name) of every product, straight from the catalog cache when there is one."""
    catalog = settings.catalog
    con = getattr(catalog, "_con", None)
    if con is not None:
        try:
            return con.execute("SELECT sku, name FROM product ORDER BY id").fetchall()
        except Exception:
            pass
    return [(p.sku, p.name) for p in catalog.products]


@_quietly
def complete_sku(ctx: typer.Context, incomplete: str):
    """SKUs that start with what was typed, each with its product name."""
    rows = _catalog_rows(_completion_settings(ctx))
    return sorted((sku, name) for sku, name in rows if sku.startswith(incomplete))[:COMPLETION_LIMIT]


@_quietly
def complete_product(ctx: typer.Context, incomplete: str):
    """Product names that start with the word being typed (in the case it was typed)."""
    if not incomplete or incomplete.startswith("-"):
        return []
    lower = incomplete == incomplete.lower()
    out = []
    for _, name in _catalog_rows(_completion_settings(ctx)):
        value = name.lower() if lower else name
        if value.startswith(incomplete):
            out.append(value)
    return sorted(dict.fromkeys(out))[:COMPLETION_LIMIT]


@_quietly
def complete_order_id(ctx: typer.Context, incomplete: str):
    """Order ids in the store, newest first; for cancel, only the orders that can still be cancelled."""
    from ..orders.lifecycle import order_status
    from ..store.db import Store

    settings = _completion_settings(ctx)
    path = settings.db_path
    if not path.is_file():
        return []
    now = settings.now
    out = []
    for o in reversed(Store(path).table("orders")):
        oid = o.get("id")
        if not isinstance(oid, str) or not oid.startswith(incomplete):
            continue
        status = order_status(o, now)
        if ctx.info_name == "cancel" and status not in ("placed", "scheduled"):
            continue
        request = " ".join(str(o.get("request") or "").split())[:40]
        out.append((oid, f"{status.replace('_', ' ')}, {o.get('total')} {o.get('currency')}: {request}"))
        if len(out) >= COMPLETION_LIMIT:
            break
    return out


@_quietly
def complete_status(ctx: typer.Context, incomplete: str):
    from ..orders.lifecycle import STATUSES

    return [s for s in STATUSES if s.startswith(incomplete.lower())]


@_quietly
def complete_pickup(ctx: typer.Context, incomplete: str):
    """Pickup stores of the catalog (the preferred one first), matched on name or id in any case."""
    from ..catalog.load import default_catalog_path
    from ..parse.delivery import load_stores

    settings = _completion_settings(ctx)
    source = Path(settings.catalog_source) if settings.catalog_source else default_catalog_path()
    stores = load_stores((source if source.is_dir() else source.parent) / "stores.toml")
    preferred = (settings.default_pickup or "").lower()
    stores.sort(key=lambda st: st.name.lower() != preferred and st.id.lower() != preferred)
    low, out = incomplete.lower(), []
    for st in stores:
        for value in (st.name, st.id):
            if value.lower().startswith(low):
                out.append((_shell_word(incomplete + value[len(incomplete):]), f"{st.address}, {st.hours}"))
                break
    return out


@_quietly
def complete_config_key(ctx: typer.Context, incomplete: str):
    from ..config import KEYS

    return [(k, key.help) for k, key in KEYS.items() if k.startswith(incomplete)]


@_quietly
def complete_config_value(ctx: typer.Context, incomplete: str):
    from ..config import KEYS

    key = ctx.params.get("key")
    if key == "pickup":
        return complete_pickup(ctx, incomplete)
    if key in KEYS and not KEYS[key].is_path:
        example = KEYS[key].example
        return [example] if example.startswith(incomplete) else []
    return []


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
                                     help="Order store (TinyDB JSON file); wins over the config file.", show_envvar=True),
    catalog: Optional[str] = typer.Option(None, "--catalog", envvar="SHOPCLI_CATALOG", metavar="PATH",
                                          help="Product catalog: a .json/.csv file or a folder; wins over the config file.",
                                          show_envvar=True),
    now: Optional[str] = typer.Option(None, "--now", envvar="SHOPCLI_NOW", metavar="ISO8601",
                                      help="Pretend it is this time (for tests and transcripts).",
                                      show_envvar=True),
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Show the version and exit."),
) -> None:
    """A natural-language shopping assistant for the terminal."""
    sources = {}
    for key in ("db", "catalog", "now"):
        src = ctx.get_parameter_source(key)
        sources[key] = "environment" if src is not None and src.name == "ENVIRONMENT" else "option"
    ctx.obj = Settings(db=db, catalog_path=catalog, now_text=now, sources=sources)
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


def _money_output(settings: Settings) -> Output:
    """Output that shows amounts as the config's currency_format says."""
    return Output(money_format=settings.money_format)


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
    """
    from ..suggest.engine import run_suggest

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
    from ..chat.console import run_chat

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
    from ..chat.transcript import run_replay

    code = run_replay(_settings(ctx), Output(), files, update=update, compare=compare)
    if code:
        raise typer.Exit(code)


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


# -- shop config --------------------------------------------------------------------------------

config_app = typer.Typer(help="""Your defaults: store, catalog, money, delivery, pickup.

A TOML file (shop config path); options and environment variables win over it.

Examples:

  shop config show

  shop config set currency_format '${amount}'

  shop config path
""", rich_markup_mode=None)
app.add_typer(config_app, name="config")


@config_app.command("show")
def config_show(ctx: typer.Context,
                as_json: bool = typer.Option(False, "--json", help="Settings, values and sources as JSON.")) -> None:
    """Every setting, its value and where it comes from.

    Sources: option, environment, config (the file), default. Precedence: option > environment > config file > default.

    Examples:

      shop config show

      SHOPCLI_DB=/tmp/test.json shop config show --json
    """
    from ..catalog.load import default_catalog_path
    from ..config import KEYS
    from ..parse.delivery import DEFAULT_WINDOW

    settings = _settings(ctx)
    config = settings.config
    defaults = {"db": str(settings.db_path) if settings.resolve("db")[1] == "default" else None,
                "catalog": str(default_catalog_path()), "currency_format": "{amount} {code}",
                "delivery_window": f"{DEFAULT_WINDOW[0]:%H:%M}-{DEFAULT_WINDOW[1]:%H:%M}", "pickup": None}
    rows = {}
    for key in KEYS:
        if key in ("db", "catalog"):
            value, source = settings.resolve(key)
            if value is not None and source != "config":
                value = str(Path(os.path.expanduser(value)))
        else:
            value = config.resolved(key)
            source = "config" if value is not None else "default"
        rows[key] = {"value": value if value is not None else defaults[key], "source": source}
    out = Output()
    if as_json:
        out.json({"file": str(config.path), "exists": config.exists, "settings": rows})
    else:
        out.config_table(str(config.path), config.exists, rows)


@config_app.command("set")
def config_set(ctx: typer.Context,
               key: str = typer.Argument(..., metavar="KEY", help="db, catalog, currency_format, delivery_window "
                                         "or pickup.", autocompletion=complete_config_key),
               value: str = typer.Argument(..., metavar="VALUE", help="The new value.",
                                           autocompletion=complete_config_value)) -> None:
    """Set one default in the config file.

    Only that line changes: other settings and comments are kept. Keys: db, catalog,
    currency_format ({amount}, {code}), delivery_window (HH:MM-HH:MM), pickup (a store of the catalog).

    Examples:

      shop config set db ~/groceries/orders.json

      shop config set currency_format '${amount}'

      shop config set delivery_window 17:00-19:00

      shop config set pickup Downtown
    """
    from ..config import check_key, set_value

    settings = _settings(ctx)
    check_key(key)
    if key in ("db", "catalog") and value.strip():
        value = os.path.abspath(os.path.expanduser(value))
        if key == "catalog" and not os.path.exists(value):
            raise ShopUsageError(f"no catalog at {value}", hint="give a .json/.csv file or a folder of them")
    if key == "pickup":
        value = _pickup_store_name(settings, value)
    path = settings.config_path
    stored = set_value(key, value, path)
    Output().line(f"{key} = {clean_text(stored)}  ({path})")


def _pickup_store_name(settings: Settings, value: str) -> str:
    """The pickup store named by ``value`` (id or name), as the catalog's stores.toml spells it."""
    from ..catalog.load import default_catalog_path
    from ..parse.delivery import find_store, load_stores

    source = Path(settings.catalog_source) if settings.catalog_source else default_catalog_path()
    stores = (source if source.is_dir() else source.parent) / "stores.toml"
    if not stores.is_file():
        raise ShopUsageError("this catalog lists no pickup stores", hint="put a stores.toml beside the catalog")
    return find_store(value, load_stores(stores)).name


@config_app.command("unset")
def config_unset(ctx: typer.Context,
                 key: str = typer.Argument(..., metavar="KEY", help="The setting to remove.",
                                           autocompletion=complete_config_key)) -> None:
    """Remove one setting from the config file.

    Its default (or the environment) applies again.

    Examples:

      shop config unset pickup
    """
    from ..config import unset_value

    settings = _settings(ctx)
    path = settings.config_path
    removed = unset_value(key, path)
    Output().line(f"{key} removed ({path})" if removed else f"{key} was not set ({path})")


@config_app.command("path")
def config_path_cmd(ctx: typer.Context,
                    as_json: bool = typer.Option(False, "--json", help='{"path", "exists"} as JSON.')) -> None:
    """Print where the config file is.

    SHOPCLI_CONFIG overrides the place; the path is printed whether or not the file exists yet.

    Examples:

      shop config path

      $EDITOR "$(shop config path)"
    """
    settings = _settings(ctx)
    path = settings.config_path
    if as_json:
        Output().json({"path": str(path), "exists": path.is_file()})
    else:
        Output().line(str(path))


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `shop` command: every error becomes one line and an exit code."""
    # A short-lived process: the cyclic collector only slows the building of large stores and
    # catalogs (reference counting still frees everything as usual).
    gc.disable()
    if argv is None:
        from .. import render

        render.FAST_EXIT = True
    out = Output()
    command = typer.main.get_command(app)
    try:
        rv = command.main(args=argv, prog_name="shop", standalone_mode=False)
        code = rv if isinstance(rv, int) else 0
    except ShopError as e:
        out.error(e.message, e.hint)
        code = e.exit_code
    except click_exc.UsageError as e:
        where = e.ctx.command_path if getattr(e, "ctx", None) is not None else "shop"
        out.error(e.format_message().replace("\n", " "), f"see {where} --help")
        code = 2
    except (_CLICK_EXIT, typer.Exit) as e:
        code = e.exit_code
    except (_CLICK_ABORT, typer.Abort, KeyboardInterrupt):
        out.error("aborted")
        code = 130
    except BrokenPipeError:
        code = 0
        try:
            sys.stdout = None  # type: ignore[assignment]
        except Exception:  # pragma: no cover
            pass
    if argv is not None:
        sys.exit(code)
    _exit(code)


def _exit(code: int) -> None:
    """End the `shop` process once its output is flushed, without freeing what it built: every
    file it wrote is closed and renamed by then, and freeing 100,000 parsed orders one by one only
    delays the exit by a quarter of a second (the operating system takes the memory back at once)."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except BrokenPipeError:
            pass
        except (OSError, ValueError) as exc:
            code = code or 1
            if stream is sys.stdout:
                try:
                    os.write(2, f"error: cannot write the output: {exc}\n".encode(errors="replace"))
                except OSError:
                    pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
