"""Stage 2: split a normalised request into item phrases.

Items are separated by new lines, semicolons, commas and words such as "and", "&", "plus",
"as well as". An "and" inside a product the catalog knows ("mac and cheese", "half and half") or
inside a number ("a hundred and two", "one and a half") does not separate.
"""

from __future__ import annotations

import functools
import re

from ..words import lang

__all__ = ["split_items", "Protector"]

_MARK = "\x01"
_NUMBER_AND = re.compile(
    r"\b(hundred|thousand)\s+and\s+(?=[a-z0-9])"
    r"|\b(\d+|[a-z]+)\s+and\s+(?=(?:a|an|one)\s+(?:half|quarter|third)\b|\d+/\d+)"
)

# "2 each of red and green peppers": the list after "each" is read as a whole, later
_EACH_LIST = re.compile(r"(\beach\s+(?:of\s+)?)([^,;]+)")


@functools.cache
def _separator_re() -> re.Pattern[str]:
    words = sorted(lang()["separators"]["words"], key=len, reverse=True)
    alt = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?:^|\s)(?:{alt})(?=\s|$)")


def _token_pattern(tok: str) -> str:
    if tok == "and":
        return r"(?:and|&|n|'n')"
    if tok.endswith("y") and len(tok) > 3:
        return re.escape(tok[:-1]) + r"(?:y|ies)"
    return re.escape(tok) + r"(?:e?s)?"


class Protector:
    """Hides the separator words inside catalog phrases so that splitting leaves them whole.

    A catalog phrase is protected whole ("mac and cheese"), and so is its "A and B" core when a
    later word of the same phrase follows ("salt and pepper chips" for "Salt and Pepper Kettle
    Chips"), while a bare "salt and pepper" still splits into two items.
    """

    def __init__(self, phrases: list[str]) -> None:
        pats = []
        for phrase in phrases:
            toks = phrase.split()
            pats.append(r"\s+".join(_token_pattern(t) for t in toks))
            for k, t in enumerate(toks):
                if t == "and" and 0 < k < len(toks) - 2:
                    core = r"\s+".join(_token_pattern(x) for x in toks[k - 1:k + 2])
                    after = "|".join(_token_pattern(x) for x in toks[k + 2:])
                    pats.append(rf"{core}(?=\s+(?:{after})\b)")
        self._re = re.compile(r"\b(?:" + "|".join(pats) + r")\b") if pats else None

    def hide(self, text: str) -> str:
        text = _NUMBER_AND.sub(lambda m: m[0].replace("and", _MARK), text)
        text = _EACH_LIST.sub(lambda m: m[1] + _hide_words(m[2]), text)
        if self._re is None:
            return text
        return self._re.sub(lambda m: _hide_words(m[0]), text)


def _hide_words(phrase: str) -> str:
    return re.sub(r"\b(and|with|plus|then|also)\b|&", lambda m: _MARK + m[0] + _MARK, phrase)


def _unhide(text: str) -> str:
    text = re.sub(_MARK + r"([^" + _MARK + r"]*)" + _MARK, r"\1", text)
    return text.replace(_MARK, "and")


def split_items(line: str, protector: Protector) -> list[str]:
    """Item phrases of one line, in order, without separators."""
    hidden = protector.hide(line)
    out: list[str] = []
    for part in re.split(r"[;,]|\s-\s|\s/\s", hidden):
        for piece in _separator_re().split(part):
            piece = _unhide(piece).strip(" .!?:")
            if piece:
                out.append(piece)
    return out
