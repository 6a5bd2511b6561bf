"""Stage 2: split a normalised request into item phrases.

Items are separated by new lines, semicolons, commas and words such as "and", "&", "plus",
"as well as". An "and" inside a product the catalog knows ("mac and cheese", "half and half") or
inside a number ("a hundred and two", "one and a half") does not separate.
"""

from __future__ import annotations

import functools
import re
import weakref

from ..catalog.words import lang

__all__ = ["split_items", "Protector", "protector_for"]

_NUMBER_AND = re.compile(
    r"\b(hundred|thousand)\s+and\s+(?=[a-z0-9])"
    r"|\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|"
    r"pounds?|lbs?|kilos?|kgs?|gallons?|litres?|liters?|cups?|pints?|quarts?|ounces?)\s+and\s+"
    r"(?=(?:a|an|one)\s+(?:half|quarter|third)\b"
    r"|\d+/\d+)"
)

# "2 each of red and green peppers": the list after "each" is read as a whole, later
_EACH_LIST = re.compile(r"(\beach\s+(?:of\s+)?)([^;]+)")


@functools.cache
def _separator_re() -> re.Pattern[str]:
    words = sorted(lang()["separators"]["words"], key=len, reverse=True)
    alt = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?:^|\s)(?:{alt})(?=\s|$)")


class Protector:
    """Hides the separator words inside catalog phrases so that splitting leaves them whole.

    For every catalog name or alias with "and" inside ("mac and cheese", "salt and pepper kettle
    chips"), the words around the "and" are remembered with the words that may follow. An "and"
    in a request is kept when its neighbours end such a phrase ("mac and cheese") or are followed
    by a later word of it ("salt and pepper chips"), so a bare "salt and pepper" still splits.
    """

    def __init__(self, phrases: list[str]) -> None:
        self._cores: dict[tuple[str, str], set[str] | None] = {}
        for phrase in phrases:
            toks = phrase.split()
            for k in range(1, len(toks) - 1):
                if toks[k] != "and":
                    continue
                core = (toks[k - 1], toks[k + 1])
                rest = set(toks[k + 2:])
                if not rest or self._cores.get(core, set()) is None:
                    self._cores[core] = None          # the phrase ends here: always whole
                else:
                    self._cores.setdefault(core, set()).update(rest)

    def hide(self, text: str) -> str:
        if " and " in text:
            text = _NUMBER_AND.sub(lambda m: m[0].replace("and", "AND"), text)
        if "each" in text:
            text = _EACH_LIST.sub(lambda m: m[1] + _hide_words(m[2]), text)
        if "(" in text:                     # "greek yogurt (plain, big tub)": a remark is not a list
            text = _BRACKETS.sub(lambda m: _hide_words(m[0]), text)
        if not self._cores or not _CONNECTOR.search(text):
            return text
        words = text.split(" ")
        for j in range(1, len(words) - 1):
            if words[j] not in _CONNECTORS:
                continue
            core = (_word_key(words[j - 1]), _word_key(words[j + 1]))
            if core not in self._cores:
                continue
            follow = self._cores[core]
            if (follow is None or (j + 2 < len(words) and _word_key(words[j + 2]) in follow)
                    or any(_word_key(w) in follow for w in words[max(0, j - 4):j - 1])):
                # "salt and pepper chips", and "pringles sour cream & onion" said the other way round
                words[j] = _hide_words(words[j])
        return " ".join(words)


_BRACKETS = re.compile(r"\([^()]*\)")
_CONNECTORS = frozenset({"and", "&", "n", "'n'"})
_CONNECTOR = re.compile(r"(?:^|\s)(?:and|&|n|'n')(?=\s)")


def _word_key(word: str) -> str:
    from ..catalog.words import tokens

    found = tokens(word)
    return found[0] if found else ""


_JOINERS_RE = re.compile(r"\b(?:and|with|plus|then|also|or|n|'n')\b")
_PARTS_RE = re.compile(r"[;,]|\s-\s|\s/\s")


def _hide_words(phrase: str) -> str:
    """Separators made invisible to splitting: words upper-cased (requests are lower-cased by
    then), "," and "&" swapped for control characters; ``_unhide`` restores them."""
    phrase = _JOINERS_RE.sub(lambda m: m[0].upper(), phrase)
    return phrase.replace(",", "\x02").replace("&", "\x03")


def _unhide(text: str) -> str:
    return text.replace("\x02", ",").replace("\x03", "&").lower()


_PROTECTORS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def protector_for(index) -> Protector:
    """The protector of a catalog index's "and" phrases, built once per index."""
    got = _PROTECTORS.get(index)
    if got is None:
        got = _PROTECTORS[index] = Protector(index.and_phrases)
    return got


def split_items(line: str, protector: Protector) -> list[list[str]]:
    """Item phrases of one line, in order, without separators: one list per comma- or
    semicolon-separated part, holding the phrases that words such as "and" separate in it."""
    hidden = protector.hide(line)
    out: list[list[str]] = []
    for part in _PARTS_RE.split(hidden):
        pieces = []
        for piece in _separator_re().split(part):
            piece = _unhide(piece).strip(" .!?:")
            if piece:
                pieces.append(piece)
        if pieces:
            out.append(pieces)
    return out
