"""``shop chat`` at a terminal (a prompt) or over standard input (one turn a line), optionally
recorded as a transcript."""

from __future__ import annotations

import sys

from ..render import Output
from .assistant import Assistant


def run_chat(settings, out: Output, record: str | None = None) -> int:
    """``shop chat``: prompt on a terminal, else one turn a line from standard input.

    Returns 0, or 3 when the store could not be read or written during the session.
    """
    from .transcript import Recorder   # only when recording

    bot = Assistant(settings)
    recorder = Recorder.open(record, settings) if record else None
    interactive = out.is_terminal and _stdin_is_terminal()
    try:
        if interactive:
            _show(out, "Hi! Tell me what you need, ask about a product, or say \"help\". \"bye\" ends the chat.",
                  interactive)
        for text in _turns(interactive):
            if not text.strip():
                continue
            reply = bot.turn(text)
            _show(out, reply.text, interactive)
            if recorder is not None:
                recorder.turn(text, reply.text, bot.state_lines())
            if reply.done:
                break
        else:
            if interactive:
                _show(out, "Bye!", interactive)
    finally:
        if recorder is not None:
            recorder.close()
    return 3 if bot.state.data_error else 0


def _stdin_is_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _turns(interactive: bool):
    if interactive:
        while True:
            try:
                yield input("> ")
            except (EOFError, KeyboardInterrupt):
                print()
                return
    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:
        for line in sys.stdin:
            yield line.rstrip("\r\n")
        return
    for raw in iter(stream.readline, b""):
        yield raw.decode("utf-8", errors="replace").rstrip("\r\n")


def _show(out: Output, text: str, interactive: bool) -> None:
    if interactive:
        from rich.text import Text

        out.console.print(Text(text))
    else:
        out.line(text)
        out.flush()
