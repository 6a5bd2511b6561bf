"""Stage 1: make request text safe and regular before it is split into items.

Removes control and formatting characters (terminal escapes, bidi overrides, zero-width marks),
folds Unicode digits and vulgar fractions to ASCII, reads decimal commas, drops price notes and
list bullets, and lower-cases.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import UsageError
from ..catalog.units import CAPITALISED
from ..render import ESCAPE
from .patterns import lazy

__all__ = ["normalize", "check_request", "MAX_REQUEST_CHARS"]

MAX_REQUEST_CHARS = 10_000

_VULGAR = {"½": "1/2", "⅓": "1/3", "⅔": "2/3", "¼": "1/4", "¾": "3/4", "⅕": "1/5", "⅖": "2/5",
           "⅗": "3/5", "⅘": "4/5", "⅙": "1/6", "⅚": "5/6", "⅛": "1/8", "⅜": "3/8", "⅝": "5/8",
           "⅞": "7/8"}
_VULGAR_RE = lazy(r"(?:(\d)\s*)?([" + "".join(_VULGAR) + r"])")
_ESCAPE_RE = lazy(ESCAPE)
_PRICE_RE = lazy(
    r"\((?:[^()]*\$[^()]*)\)"                                        # (under $5), ($3.99 each)
    r"|(?:\b(?:for|under|below|less than|no more than|max(?:imum)?|at most|around|about|"
    r"at|costing|priced at|up to)\s+)?\$\s*\d+(?:[.,]\d+)?(?:\s*(?:each|apiece|ea|per \w+|/\w+))?"
    r"|\b\d+(?:\.\d\d)?\s*(?:dollars?|bucks|usd)\b",
)
_THOUSANDS_RE = lazy(r"(?<![\d.,])(\d{1,3})((?:,\d{3})+)(?![\d,])")
_DECIMAL_COMMA_RE = lazy(r"(?<![\d,])(\d+),(\d{1,2})(?![\d,])")
_BULLET_RE = re.compile(r"^[ \t]*(?:[-*•·‣◦–—+>]\s+|[•·‣◦]|\d{1,3}[.)]\s+|\d{1,3}-\s+|\(\d{1,3}\)\s+|#\d{1,3}\s+|"
                        r"\[[ x]\]\s+)",
                        re.MULTILINE)


_BULLET_FIRST = frozenset("-*•·‣◦–—+>([#0123456789")   # what a bullet or a list number starts with
_INLINE_BULLET_RE = lazy(r"\s+[•·‣◦▪●]\s*")
_NUMBERED_START_RE = re.compile(r"^\s*1[.)]\s", re.MULTILINE)
_NUMBERED_NEXT_RE = lazy(r"\s(\d{1,2})[.)]\s")


def _split_numbered(line: str) -> str:
    """ "1. bananas 2. peanut butter 3. jam" on one line: a new line before each next number."""
    if not _NUMBERED_START_RE.match(line):
        return line
    out, start, expected = [], 0, 2
    for m in _NUMBERED_NEXT_RE.finditer(line):
        if int(m[1]) == expected:
            out.append(line[start:m.start()])
            start, expected = m.start() + 1, expected + 1
    out.append(line[start:])
    return "\n".join(out)


# a metric amount with its imperial twin (or the reverse) after a slash
_PAIR_UNIT = r"(?:fl\.?\s?oz|g|gr|grams?|kg|ml|l|litres?|liters?|oz|ounces?|lbs?|pounds?|cups?|pints?|pt|qt|tbsp|tsp)"
_PAIR_RE = lazy(rf"(\d+(?:\.\d+)?\s?{_PAIR_UNIT})\s?/\s?\d+(?:\.\d+)?(?:\s\d+/\d+)?\s?{_PAIR_UNIT}\b")
_CAPITALISED_RE = lazy(r"(?<=[\d½⅓⅔¼¾⅛⅜⅝⅞])(\s*)(" + "|".join(sorted(CAPITALISED, key=len, reverse=True))
                       + r")\.?(?=\s|$)")


def _capitalised_unit(m: re.Match) -> str:
    return f"{m[1] or ' '}{CAPITALISED[m[2]]}"


def normalize(text: str) -> str:
    """Lower-cased request text with one space between words and newlines kept as item breaks."""
    if "\x1b" in text or "\x9b" in text:
        text = _ESCAPE_RE.sub(" ", text)
    if ("T" in text or "C" in text) and _CAPITALISED_RE.search(text):
        text = _CAPITALISED_RE.sub(_capitalised_unit, text)     # "1 T butter" is a tablespoon, "1 t" a teaspoon
    if text.isascii():
        if not text.isprintable():
            text = _ASCII_CONTROL_RE.sub(" ", text).replace("\r", "\n")
        text = text.lower()
    else:
        text = _unicode_fold(text)
    if "$" in text or (("dollar" in text or "buck" in text or "usd" in text) and _MONEY_WORD_RE.search(text)):
        text = _PRICE_RE.sub(" ", text)
    if not text.isascii() and _INLINE_BULLET_RE.search(text):
        text = _INLINE_BULLET_RE.sub("\n", text)     # "• milk • bread" on one line
    if ("1." in text or "1)" in text) and _NUMBERED_START_RE.search(text):
        text = "\n".join(map(_split_numbered, text.split("\n")))
    if any(line.lstrip(" \t")[:1] in _BULLET_FIRST for line in text.split("\n")):
        text = _BULLET_RE.sub("", text)
    if "?" in text or "!" in text:
        text = _CLAUSE_END_RE.sub(", ", text).replace("?", " ").replace("!", " ")   # "fajita night!! chicken"
    text = _DISFLUENCY_RE.sub(" ", text)       # "um can i get uh a couple avocados"
    if "size " in text and _SIZE_WORD_RE.search(text):
        text = _SIZE_WORD_RE.sub(lambda m: f"size {_SIZE_NUMBERS[m[1]]}", text)   # "pampers size four"
    if _REPEATED_NUMBER_RE.search(text):
        text = _REPEATED_NUMBER_RE.sub(r"\1", text)   # "two uh two cans": the number said again is one
    if " the " in text or text.startswith("the "):
        text = _KIND_RE.sub(r"\1", text)        # "peanut butter the crunchy kind"
    if "semi" in text:
        text = _SEMI_RE.sub("2%", text)
    if ". " in text:
        text = _SENTENCE_RE.sub(_sentence_break, text)   # "… a loaf of rye. thank you, love mom"
    if "/" in text and _PAIR_RE.search(text):
        text = _PAIR_RE.sub(r"\1", text)        # "150g/5 1/4oz flour", "500ml/18fl oz": the first is read
    if "," in text:
        text = _THOUSANDS_RE.sub(lambda m: m[1] + m[2].replace(",", ""), text)
        text = _DECIMAL_COMMA_RE.sub(r"\1.\2", text)
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


_SENTENCE_RE = re.compile(r"\b([a-z']+)\.\s+(?=[a-z])")
# words a full stop follows without ending a sentence ("mrs. whitfield", "1 lb. ground beef")
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "jr", "sr", "vs", "etc", "approx", "no", "pkg", "pk",
                            "oz", "lb", "lbs", "fl", "tbsp", "tsp", "gal", "qt", "pt", "ct", "doz", "ea", "pkt",
                            "g", "kg", "ml", "l", "sm", "med", "lg", "xl", "e", "i", "a", "p", "m", "ave", "rd",
                            "c", "t", "tbs", "pc", "pcs", "pkgs", "btl", "bx", "org", "reg", "lrg", "oz"})


def _sentence_break(m: re.Match) -> str:
    from ..catalog.units import canonical_unit

    word = m[1]
    if word in _ABBREVIATIONS or canonical_unit(word) is not None or canonical_unit(word.rstrip("s")) is not None:
        return m[0]                         # "2 tbs. olive oil", "3 cans. tomatoes"
    return word + "\n"


_ASCII_CONTROL_RE = re.compile(r"[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]")
_CLAUSE_END_RE = lazy(r"[!?]+(?=\s+\S)")
_SIZE_NUMBERS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10}
_SIZE_WORD_RE = lazy(r"\bsize (" + "|".join(_SIZE_NUMBERS) + r")\b")
_REPEATED_NUMBER_RE = lazy(r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s+\1\b(?!\s*(?:x|×|-|/))")
_DISFLUENCY_RE = re.compile(r"(?<![\w'])(?:u+m+|u+h+m*|e+r+m*|h+m+|a+h+)(?![\w'])")
_KIND_RE = lazy(r"\bthe ((?:[\w%'-]+ ){0,2}?[\w%'-]+) (?:kind|one|ones|type|sort|variety|version)\b")
_SEMI_RE = lazy(r"\bsemi[ -]?skimm?ed\b")
_MONEY_WORD_RE = re.compile(r"dollar|buck|usd")


_EMOJI = "\x1e"     # stands for an emoji while the text is folded
_EMOJI_BREAK_RE = re.compile(r"[ \x1e]*\x1e[ \x1e]*")


def _is_emoji(c: str) -> bool:
    o = ord(c)
    return o >= 0x1F000 or 0x2600 <= o <= 0x27BF or 0x2B00 <= o <= 0x2BFF


def _emoji_break(m: re.Match) -> str:
    """An emoji between two words parts them like a comma; at an edge, or by a bracket or a
    comma, it is only a space."""
    before, after = m.string[m.start() - 1:m.start()], m.string[m.end():m.end() + 1]
    if not before or not after or before in "(\n,;" or after in "),;\n" or before.isdigit():
        return " "                          # "2 🍌 bananas": the amount stays with its item
    return ", "


def _unicode_fold(text: str) -> str:
    """Vulgar fractions, non-ASCII digits, control and format characters, compatibility forms."""
    text = _VULGAR_RE.sub(lambda m: (m[1] + " " if m[1] else " ") + _VULGAR[m[2]] + " ", text)
    chars = []
    for c in text:
        if c in "\n\r":
            chars.append("\n")
            continue
        if c in "\ufe0e\ufe0f\u20e3":
            continue                         # emoji presentation selectors: "❤️" is one emoji
        cat = unicodedata.category(c)
        if cat[0] == "C" or cat == "Zl" or cat == "Zp":
            chars.append(" " if cat in ("Cc", "Zl", "Zp") else "")
            continue
        if cat in ("So", "Sk") or c == "\ufffd":
            # emoji, symbols, undecodable bytes: never part of an amount or name; an emoji between
            # words parts items ("bread 🍞 eggs 🥚 bananas")
            chars.append(_EMOJI if cat == "So" and _is_emoji(c) else " ")
            continue
        if cat == "Nd" and not c.isascii():
            chars.append(str(unicodedata.decimal(c)))
            continue
        chars.append(c)
    text = unicodedata.normalize("NFKC", "".join(chars)).replace("⁄", "/").lower()
    if _EMOJI in text:
        text = _EMOJI_BREAK_RE.sub(_emoji_break, text)
    return (text.replace("×", " x ").replace("’", "'").replace("‘", "'").replace("–", "-")
            .replace("—", " - "))

def check_request(text: str) -> str:
    """A request fit to parse and store, or UsageError: not empty, not too long, no NUL; terminal
    escapes, control and format characters removed, broken encodings shown as U+FFFD."""
    if "\x00" in text:
        raise UsageError("the request contains a NUL character")
    if not text.strip():
        raise UsageError("the request is empty", hint='say what to buy, e.g. shop order "a dozen eggs"')
    if len(text) > MAX_REQUEST_CHARS:
        raise UsageError(f"the request is {len(text):,} characters long; the limit is {MAX_REQUEST_CHARS:,}")
    if text.isprintable():
        return text                         # the common case: nothing to remove
    text = _ESCAPE_RE.sub("", text).replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for c in text:
        cat = unicodedata.category(c)
        if c == "\n":
            out.append(c)                   # a list written one item a line stays one
        elif cat == "Cc":
            out.append(" ")
        elif cat in ("Cs", "Co", "Cn"):
            out.append("\ufffd")
        elif cat != "Cf":
            out.append(c)
    text = "".join(out)
    if not text.strip():
        raise UsageError("the request is empty once control characters are removed")
    return text
