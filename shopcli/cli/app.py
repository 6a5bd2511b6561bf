"""The `shop` command's entry point: every command module registered on the root app, and `main`,
which turns every error into one line and an exit code."""

from __future__ import annotations

import gc
import os
import sys

import typer

from ..errors import ShopError
from ..render import Output
# the commands register themselves on the root app, in the order `shop --help` lists them
from . import requests, orders, suggest, chat, stats, config  # noqa: F401
from .root import GUIDE, app

try:  # typer >= 0.29 vendors click
    from typer._click import exceptions as click_exc
except ImportError:  # pragma: no cover
    from click import exceptions as click_exc

# typer's vendored click has no Exit/Abort of its own (typer's are used); plain click has both
_CLICK_EXIT = getattr(click_exc, "Exit", typer.Exit)
_CLICK_ABORT = getattr(click_exc, "Abort", typer.Abort)

__all__ = ["app", "main", "GUIDE"]


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
