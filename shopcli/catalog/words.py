"""Word-level normalisation shared by the catalog index and the request parser.

Both sides go through the same functions, so a product name and a shopper's phrase meet in one
form: lower case, accents folded, plural made singular, spelling variants folded.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from importlib import resources
from typing import Any

__all__ = ["lang", "fold", "singular", "tokens", "key"]


@functools.cache
def lang() -> dict[str, Any]:
    """The English word data (shopcli/lang/en.toml), read once."""
    with resources.files("shopcli").joinpath("lang/en.toml").open("rb") as f:
        return tomllib.load(f)


_WORD_RE = re.compile(r"[a-z0-9%]+(?:['’][a-z]+)?(?:[-/][a-z0-9%]+)*/?|&")
_SPLIT = re.compile(r"[-/]")
_FRACTION = re.compile(r"\d+/\d+")


def fold(text: str) -> str:
    """Lower-case, fold accents ("jalapeño" -> "jalapeno") and compatibility forms."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


@functools.lru_cache(maxsize=65536)
def singular(word: str) -> str:
    """The singular of a plural noun; other words unchanged ("berries" -> "berry", "loaves" -> "loaf")."""
    irregular = _irregular()
    if word in irregular:
        return irregular[word]
    n = len(word)
    if n <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is", "'s")):
        return word
    if word.endswith("ies") and n > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "zes", "sses")):
        return word[:-2]
    if word.endswith("oes"):
        return word[:-2]
    return word[:-1]


@functools.cache
def _irregular() -> dict[str, str]:
    return {fold(k): fold(v) for k, v in lang()["plurals"].items()}


@functools.cache
def _synonyms() -> dict[str, tuple[str, ...]]:
    return {fold(k): tuple(fold(v).split()) for k, v in lang()["synonyms"].items()}


def tokens(text: str) -> list[str]:
    """Normalised word tokens of a product phrase: folded, singular, synonyms applied."""
    return list(_tokens(text))


@functools.lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    synonyms = _synonyms()
    out: list[str] = []
    for raw in _WORD_RE.findall(fold(text)):
        raw = raw.replace("’", "'")
        if raw.endswith("'s") and len(raw) > 3:
            raw = raw[:-2]
        if raw in synonyms:
            parts = [raw]
        elif "-" in raw or ("/" in raw and not _FRACTION.fullmatch(raw)):
            parts = [p for p in _SPLIT.split(raw) if p]     # "k-cups", "w/pulp"
        else:
            parts = [raw]
        for part in parts:
            said = synonyms.get(part)            # "toms" as said, then as a singular
            if said is None:
                part = singular(part)
                said = synonyms.get(part, (part,))
            out.extend(said)
    return tuple(out)


def key(text: str) -> str:
    """One string naming a phrase for exact look-ups ("Large Eggs" and "large egg" give the same)."""
    return " ".join(tokens(text))
