"""What the chat assistant says: a reply, and the small phrasing helpers every part of it shares
(lists joined with "and"/"or", numbered options, a shop error as a sentence)."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ShopError
from ..render import clean

LIST_LIMIT = 5


@dataclass(frozen=True)
class Reply:
    text: str
    done: bool = False


def _join(parts: list[str], last: str = "and") -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {last} {parts[-1]}"


def _options(products, label) -> str:
    items = [f"{k}) {label(p)} {p.price:.2f}" for k, p in enumerate(products, 1)]
    return _join(items, "or")


def _sentence(e: ShopError) -> str:
    """A shop error as a sentence: "Order ORD-000009 … ." with its hint."""
    text = clean(e.message, 200)
    text = text[:1].upper() + text[1:]
    if not text.endswith((".", "?", "!")):
        text += "."
    if e.hint:
        hint = clean(e.hint, 200)
        text += " " + hint[:1].upper() + hint[1:] + ("" if hint.endswith((".", "?", "!")) else ".")
    return text
