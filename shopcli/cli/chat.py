"""`shop chat` and `shop replay`: the assistant and its transcripts."""

from __future__ import annotations

from typing import List, Optional

import typer

from ..render import Output
from .root import _settings, app


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
