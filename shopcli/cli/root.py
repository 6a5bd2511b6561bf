"""The root of the `shop` command: the Typer app, its global options (--db, --catalog, --now),
our errors turned into one line and an exit code, and what every command shares (request text
that is never read as an option, the requests of a command, the settings)."""

from __future__ import annotations

import sys
from typing import Iterator, List, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from ..errors import ShopError
from ..render import Output
from ..settings import Settings
from ..version import __version__


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


def _money_output(settings: Settings) -> Output:
    """Output that shows amounts as the config's currency_format says."""
    return Output(money_format=settings.money_format)
