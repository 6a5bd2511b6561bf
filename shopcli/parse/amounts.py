"""Stage 3: read the amount, unit and pack size around a product phrase.

"two bags of rice" -> 2 bag; "a 5 lb bag of flour" -> 1 bag of 5 lb; "2 x 500 g spaghetti" -> 2 of
500 g; "half a dozen eggs" -> 6 single items; "milk x2" -> 2. Ranges ("2-3", "two or three") take
the upper bound, so the shopper gets enough.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

from ..catalog.units import CONTAINERS, MEASURES, Size, canonical_unit
from ..catalog.words import lang

__all__ = ["Amount", "read_amount", "tokenize", "MAX_QUANTITY"]

MAX_QUANTITY = 10_000.0

_TOKEN_RE = re.compile(
    r"\d+(?:\.\d+)?%|\d+/\d+|\d*\.\d+(?:e\d+)?|\d+(?:e\d+)?|fl\.?\s?oz\.?"
    r"|[^\W\d_](?:[^\W\d_]|['’])*(?:-[^\W\d_]+)*|\S"
)


@dataclass(slots=True)
class Amount:
    quantity: float = 1.0
    unit: str | None = None            # canonical unit or container as said; None for a bare count
    pack_size: Size | None = None      # the size of each pack, when said
    items: bool = False                # a count of single items ("a dozen", "6 eggs" read as eggs)
    said: bool = False                 # an amount was stated at all
    problem: str | None = None         # why the amount cannot be used (zero, negative, absurd)


@functools.cache
def _words() -> dict:
    n = lang()["numbers"]
    approx = sorted(lang()["filler"]["approx"], key=len, reverse=True)
    return {"ones": n["ones"], "tens": n["tens"], "scales": n["scales"], "amounts": n["amounts"],
            "fractions": n["fractions"], "approx": [a.split() for a in approx],
            "approx_first": {a.split()[0] for a in approx}}


def tokenize(text: str) -> list[str]:
    """Numbers, unit words and words; "100g" splits into "100" "g" but "7up" stays one word."""
    out: list[str] = []
    last_end = -1
    for m in _TOKEN_RE.finditer(text):
        tok = m[0].replace("’", "'")
        head, _, tail = tok.partition("-")
        if tail and head in ("half", "quarter") and canonical_unit(tail) is not None:
            out.extend((head, tail))
            last_end = m.end()
            continue
        if tail and canonical_unit(tail) is not None and (head in _words()["ones"] or head in _words()["tens"]):
            out.extend((str(_words()["ones"].get(head) or _words()["tens"][head]), "-", tail))   # "four-packs"
            last_end = m.end()
            continue
        if (m.start() == last_end and out and out[-1][-1:].isdigit() and tok[:1].isalpha()
                and canonical_unit(tok) is None and tok not in ("x", "dozen", "pack", "pk")
                and not tok.startswith("fl")):
            out[-1] += tok
        else:
            out.append(tok)
        last_end = m.end()
    return out


_FRACTION_RE = re.compile(r"^(\d{1,6})/(\d{1,6})$")
_NUMBER_RE = re.compile(r"^(?:\d+(?:\.\d*)?|\.\d+)(?:e\d+)?$")


def _num(tok: str) -> float | None:
    """The value of a numeric token ("2", "1.5", "1/2", "1e3"), else None."""
    first = tok[:1]
    if not (first.isdigit() or first == "."):
        return None                         # a word: most tokens
    if tok.isdigit() and tok.isascii():
        return float(tok)
    m = _FRACTION_RE.match(tok)
    if m:
        num, den = int(m[1]), int(m[2])
        if num >= den > 1:
            return None                     # "80/20 ground beef" is a blend, not an amount
        return num / den if den else None
    if _NUMBER_RE.match(tok):
        return float(tok)
    return None


def _word_number(toks: list[str], i: int) -> tuple[float | None, int]:
    """A number said in words from toks[i]: "twenty-four", "a hundred and two", "one"."""
    w = _words()
    total, current, j, seen = 0.0, 0.0, i, False
    while j < len(toks):
        t = toks[j]
        parts = t.split("-") if "-" in t else [t]
        if all(p in w["ones"] or p in w["tens"] for p in parts) and len(parts) <= 2:
            for p in parts:
                current += w["ones"].get(p, 0) + w["tens"].get(p, 0)
            seen, j = True, j + 1
            continue
        if t in w["scales"] and (seen or (j > i and toks[j - 1] in ("a", "an"))):
            current = max(current, 1.0) * w["scales"][t]
            if w["scales"][t] >= 1000:
                total, current = total + current, 0.0
            seen, j = True, j + 1
            continue
        if t in ("a", "an") and not seen and j + 1 < len(toks) and toks[j + 1] in w["scales"]:
            j += 1
            continue
        if t == "and" and seen and j + 1 < len(toks) and (toks[j + 1] in w["ones"] or toks[j + 1] in w["tens"]
                                                          or toks[j + 1].split("-")[0] in w["tens"]):
            j += 1
            continue
        break
    return (total + current if seen else None), j


def _fraction_tail(toks: list[str], j: int) -> tuple[float, int]:
    """ "and a half", "and 1/2", "1/2" after a whole number."""
    w = _words()
    if j < len(toks) and "/" in toks[j] and _num(toks[j]) is not None:
        return _num(toks[j]) or 0.0, j + 1
    if j + 2 < len(toks) + 0 and toks[j] == "and" and toks[j + 1] in ("a", "an", "one") \
            and j + 2 < len(toks) and toks[j + 2] in w["fractions"]:
        return w["fractions"][toks[j + 2]], j + 3
    if j + 1 < len(toks) and toks[j] == "and" and "/" in toks[j + 1] and _num(toks[j + 1]) is not None:
        return _num(toks[j + 1]) or 0.0, j + 2
    return 0.0, j


def _read_number(toks: list[str], i: int) -> tuple[float | None, int, bool]:
    """(value, next index, counts single items) for a number starting at toks[i]."""
    w = _words()
    if i >= len(toks):
        return None, i, False
    t = toks[i]
    nxt = toks[i + 1] if i + 1 < len(toks) else ""
    # half a dozen / half a gallon / a half / a quarter of / quarter of a
    if t in ("a", "an") and nxt in w["fractions"]:
        j = _skip(toks, i + 2, ("of",))
        if j > i + 2 and j < len(toks) and toks[j] in ("a", "an"):
            j += 1
        return w["fractions"][nxt], j, False
    if t in w["fractions"] and nxt in ("a", "an", "of"):
        j = i + 2
        if nxt == "of" and j < len(toks) and toks[j] in ("a", "an"):
            j += 1
        return w["fractions"][t], j, False
    if t in w["fractions"] and canonical_unit(nxt) in MEASURES:
        return w["fractions"][t], i + 1, False     # "half gallon of milk", "quarter pound"
    if t in ("half-dozen", "half dozen"):
        return 6.0, i + 1, True
    if t in ("a", "an", "another") and nxt in ("couple", "pair", "few", "dozen", "half-dozen", "single", "handful"):
        v = float(w["amounts"][nxt])
        j = i + 2
        if nxt == "dozen":                          # "a dozen and a half"
            frac, j = _fraction_tail(toks, j)
            v *= 1 + frac
        return v, _skip(toks, j, ("of",)), nxt in ("dozen", "half-dozen")
    if t in ("couple", "pair", "few", "several", "dozen", "handful"):
        v = float(w["amounts"][t])
        frac, j = _fraction_tail(toks, i + 1) if t == "dozen" else (0.0, i + 1)
        return v * (1 + frac), _skip(toks, j, ("of",)), t == "dozen"
    v = _num(t)
    j = i + 1
    if v is None:
        v, j = _word_number(toks, i)
        if v is None:
            if t in ("a", "an", "single", "another"):
                return 1.0, i + 1, False
            return None, i, False
    if j + 1 < len(toks) and toks[j] in _PARTS_OF and (toks[j + 1] in ("of", "a", "an")
                                                        or canonical_unit(toks[j + 1]) in MEASURES):
        v *= w["fractions"][toks[j]]                # "three quarters of a pound", "2 thirds cup"
        j = _skip(toks, j + 1, ("of",))
        return v, _skip(toks, j, ("a", "an")), False
    frac, j = _fraction_tail(toks, j)
    v += frac
    # a range "2-3", "2 to 3", "two or three": the upper bound
    if j + 1 < len(toks) and toks[j] in ("-", "to", "or"):
        hi, k, _ = _read_number(toks, j + 1)
        if hi is not None and hi > v and toks[j + 1] not in ("a", "an"):
            v, j = hi, k
    return v, j, False


_PARTS_OF = frozenset({"quarter", "quarters", "third", "thirds", "halves"})


def _half_sizes(toks: list[str]) -> list[str]:
    """ "4 half gallons" are four packs of half a gallon: read as "4 x 0.5 gallon"."""
    for k in range(1, len(toks) - 1):
        if toks[k] == "half" and canonical_unit(toks[k + 1]) in MEASURES and _num(toks[k - 1]) is not None:
            return toks[:k] + ["x", "0.5"] + toks[k + 1:]
    return toks


def _skip(toks: list[str], j: int, words: tuple[str, ...]) -> int:
    while j < len(toks) and toks[j] in words:
        j += 1
    return j


def _unit_at(toks: list[str], j: int) -> tuple[str | None, int]:
    """A unit or container word at toks[j] (joining "fl oz", skipping a joining hyphen)."""
    if j < len(toks) and toks[j] == "-":
        j += 1
    if j >= len(toks):
        return None, j
    t = toks[j]
    if t.startswith("fl") and "oz" in t:
        return "fl oz", j + 1
    if t in ("fl", "fluid") and j + 1 < len(toks) and canonical_unit(toks[j + 1]) == "oz":
        return "fl oz", j + 2
    u = canonical_unit(t)
    if u is None and t.endswith("-pack"):
        return None, j
    return u, (j + 1 if u else j)


def _approx(toks: list[str], i: int) -> int:
    if i >= len(toks) or toks[i] not in _words()["approx_first"]:
        return i
    for words in _words()["approx"]:
        if toks[i:i + len(words)] == words:
            return i + len(words)
    return i


def read_amount(text: str) -> tuple[Amount, str]:
    """The amount said around a product phrase, and the phrase that is left (the product words)."""
    a, rest = _read_amount(text)
    return Amount(a.quantity, a.unit, a.pack_size, a.items, a.said, a.problem), rest  # a copy: callers may change it


@functools.lru_cache(maxsize=4096)
def _read_amount(text: str) -> tuple[Amount, str]:
    toks = tokenize(text)
    if not toks:
        return Amount(), ""
    if "half" in toks:
        toks = _half_sizes(toks)
    amt = Amount()
    i = _approx(toks, 0)
    neg = False
    if i < len(toks) and toks[i] == "-" and i + 1 < len(toks) and _num(toks[i + 1]) is not None:
        neg, i = True, i + 1
    if i < len(toks) and toks[i] in ("nan", "inf", "infinity", "-inf"):
        amt.said, amt.problem = True, f"{toks[i]!r} is not an amount"
        return amt, " ".join(toks[i + 1:])
    q, j, items = _read_number(toks, i)
    if q is not None:
        amt.said, amt.items = True, items
        if neg:
            q = -q
        # "two dozen", "1.5 dozen"
        if j < len(toks) and toks[j] in ("dozen", "dozens"):
            q, j, amt.items = q * 12, _skip(toks, j + 1, ("of",)), True
        # multiplier: "2x", "2 x 500 g", "3 of those"
        if j < len(toks) and toks[j] in ("x", "×", "*"):
            j += 1
        # "2 more cans", "an extra bag"
        j = _skip(toks, j, ("more", "additional"))
        amt.quantity = q
        j = _read_unit(toks, j, amt)
    else:
        # "bag of rice", "gallon of milk", "family pack of ground beef": a unit with "of", no number
        if i + 1 < len(toks) and toks[i] in _SIZE_WORDS and canonical_unit(toks[i + 1]) in CONTAINERS:
            i += 1
        u, k = _unit_at(toks, i)
        if u is not None and k < len(toks) and toks[k] == "of":
            amt.said, amt.unit, j = True, u, k + 1
            if u == "dozen":
                amt.quantity, amt.unit, amt.items = 12.0, None, True
        else:
            j = i
    rest = toks[j:]
    rest = _read_tail(rest, amt)
    while rest and rest[0] in ("of", "the"):
        rest = rest[1:]
    _check(amt)
    return amt, " ".join(rest)


_SIZE_WORDS = frozenset({"large", "big", "small", "little", "medium", "huge", "giant", "jumbo", "mini",
                         "regular", "standard", "normal"})


def _read_unit(toks: list[str], j: int, amt: Amount) -> int:
    """Unit, container and pack size after a number; fills ``amt`` and returns the next index."""
    if j + 1 < len(toks) and toks[j] in _SIZE_WORDS and canonical_unit(toks[j + 1]) in CONTAINERS:
        j += 1                              # "a large bag of", "the big tub of": the container counts
    j = _paren_size(toks, j, amt)  # "1 (14.5 oz) can"
    # "12 pack of coke", "6-pack": a count then the singular "pack" names the pack size
    k = j + 1 if j < len(toks) and toks[j] == "-" else j
    if k < len(toks) and toks[k] in ("pack", "pk") and amt.quantity > 1 and amt.pack_size is None:
        amt.pack_size, amt.quantity, amt.unit = Size(1, amt.quantity, "ct"), 1.0, "pack"
        return _skip(toks, k + 1, ("of",))
    # "a 24 roll pack", "a 12 can case": a count of items, then the pack they come in
    if (j + 1 < len(toks) and canonical_unit(toks[j]) in CONTAINERS and toks[j + 1] in ("pack", "pk", "case")
            and amt.quantity > 1 and amt.pack_size is None):
        amt.pack_size, amt.quantity, amt.unit = Size(1, amt.quantity, "ct"), 1.0, canonical_unit(toks[j + 1])
        return _skip(toks, j + 2, ("of",))
    # a second number: "a 5 lb bag", "2 14-ounce cans", "2 x 500 g", "a 6-pack of"
    w = _words()
    starts = j < len(toks) and (_num(toks[j]) is not None or toks[j] in w["ones"] or toks[j] in w["tens"])
    q2, k, _ = _read_number(toks, j) if starts else (None, j, False)   # "a 6 pack", "a six pack"
    if q2 is not None:
        u, k2 = _unit_at(toks, k)
        if u in MEASURES and u != "dozen":
            amt.pack_size, j = Size(1, q2, u), k2
        elif u == "pack" or u == "case":
            amt.pack_size, amt.unit, j = Size(1, q2, "ct"), u, k2
        elif u in CONTAINERS and k2 < len(toks) and toks[k2] in ("pack", "pk", "case"):
            # "a 24 roll pack of", "a 12 can case of": the count of items in the pack said
            amt.pack_size, amt.unit, j = Size(1, q2, "ct"), canonical_unit(toks[k2]), _skip(toks, k2 + 1, ("of",))
            return j
    u, k = _unit_at(toks, j)
    if u == "dozen":
        amt.quantity, amt.items, j = amt.quantity * 12, True, _skip(toks, k, ("of",))
        return j
    if u is not None and not (u == "pack" and k < len(toks) and toks[k] not in ("of",) and amt.unit):
        u2, k2 = _unit_at(toks, k) if u in MEASURES and amt.pack_size is None else (None, k)
        if u2 is not None and u2 not in MEASURES:
            # "5 lb bag of flour": a measure followed by a container is the pack size
            amt.pack_size = Size(1, amt.quantity, u)
            amt.quantity, amt.unit, k = 1.0, u2, k2
        elif u in MEASURES or amt.unit is None:
            amt.unit = u
        j = k
        if u in MEASURES and u != "dozen":
            frac, j = _fraction_tail(toks, j)   # "a pound and a half of salmon"
            amt.quantity += frac
        if u == "each" and j < len(toks) and toks[j] == "of":
            amt.unit = None
    j = _skip(toks, _paren_size(toks, j, amt), ("of",))  # "2 bags (5 lb) of rice"
    if amt.pack_size is None and amt.unit not in MEASURES and j + 1 < len(toks) and _num(toks[j]) is not None:
        u, k = _unit_at(toks, j + 1)
        if u in MEASURES and u not in ("dozen", "ct"):
            amt.pack_size, j = Size(1, _num(toks[j]) or 0.0, u), k   # "2 bottles of 64 oz apple juice"
    if amt.unit is not None and amt.unit not in MEASURES and amt.pack_size is None and j + 1 < len(toks) \
            and len(toks[j]) <= 3 and toks[j].isdigit() and toks[j].isascii() and canonical_unit(toks[j + 1]) is None:
        amt.pack_size, j = Size(1, float(toks[j]), "ct"), j + 1
    return j


def _paren_size(toks: list[str], j: int, amt: Amount) -> int:
    """A pack size in parentheses at toks[j] ("(14.5 oz)"), taken when none was said yet."""
    if j < len(toks) and toks[j] == "(" and ")" in toks[j:] and amt.pack_size is None:
        k = toks.index(")", j)
        size = _size_phrase(toks[j + 1:k])
        if size is not None:
            amt.pack_size, j = size, k + 1
    return j


def _size_phrase(toks: list[str]) -> Size | None:
    """ "14.5 oz", "16-ounce", "6-pack", "6 ct" inside parentheses or after a count."""
    if not toks:
        return None
    q, j, _ = _read_number(toks, 0)
    if q is None or q <= 0:
        return None
    u, k = _unit_at(toks, j)
    if u in MEASURES and u != "dozen":
        return Size(1, q, u)
    if u in ("pack", "case"):
        return Size(1, q, "ct")
    return None


def _read_tail(rest: list[str], amt: Amount) -> list[str]:
    """Amounts said after the product: "milk x2", "eggs × 3", "rice (2 kg)", "eggs (2 dozen)",
    "milk 2", "rice 2 kg", "potatoes 10 lb bag", "charmin 12 pack", "whole milk half gallon",
    "tropicana 89 oz x2" (two 89 oz bottles), "5.3 oz greek yogurt x6"."""
    mult = None
    if len(rest) >= 3 and rest[-1] in _THEM and rest[-2] == "of":
        k = len(rest) - 2                   # "frozen pizzas like three of em"
        for start in range(max(1, k - 3), k):
            said = _whole_amount(rest[start:k])
            if said is not None and said.unit is None:
                mult, rest = said.quantity, rest[:start]
                if rest and rest[-1] in _words()["approx_first"]:
                    rest = rest[:-1]
                break
    if len(rest) >= 2 and rest[-2] in ("x", "×", "*") and _num(rest[-1]) is not None:
        mult, rest = _num(rest[-1]), rest[:-2]
    elif len(rest) >= 2 and rest[-1] in ("x", "×") and _num(rest[-2]) is not None:
        mult, rest = _num(rest[-2]), rest[:-2]
    said_after = None
    if rest and rest[-1] == ")" and "(" in rest:
        # "(14.5 oz)" / "(2 lb bag)": the size of each pack; "(2 cans)", "(2 dozen)": the amount
        k = len(rest) - 1 - rest[::-1].index("(")
        inner = rest[k + 1:-1]
        size = _size_phrase(inner)
        if size is not None and not amt.said and mult is None and size.unit != "ct" and inner[-1] != ")":
            # "grapes (2 lb)": the amount, said in brackets (packs come out the same either way)
            amt.quantity, amt.unit, amt.said = size.amount, size.unit, True
            rest = rest[:k]
        elif size is not None:
            if amt.pack_size is None:
                amt.pack_size = size
            rest = rest[:k]
        elif len(inner) == 1 and _num(inner[0]) is not None and not amt.said and mult is None:
            amt.quantity, amt.said = _num(inner[0]) or 0.0, True
            rest = rest[:k]
        else:
            said_after = _whole_amount(inner)
            if said_after is not None:
                rest = rest[:k]
    elif len(rest) >= 2:
        for start in range(max(1, len(rest) - 4), len(rest)):
            tail = rest[start:]
            if not _starts_amount(tail, rest[start - 1]):
                continue
            said_after = _whole_amount(tail)
            if said_after is not None:
                rest = rest[:start]
                break
    if said_after is not None:
        if not amt.said:
            amt.quantity, amt.unit, amt.pack_size = said_after.quantity, said_after.unit, said_after.pack_size
            amt.items, amt.said = said_after.items, True
        elif (amt.pack_size is None and said_after.unit in MEASURES and said_after.unit not in ("dozen", "ct")
              and said_after.pack_size is None and (amt.unit is None or amt.unit not in MEASURES)):
            amt.pack_size = Size(1, said_after.quantity, said_after.unit)   # "2 bags of rice 5 lb"
        elif amt.unit is None and amt.pack_size is None and said_after.pack_size is not None:
            amt.unit, amt.pack_size = said_after.unit, said_after.pack_size  # "a red bull 4 pack"
        # else the amount is said twice ("1 cup butter (2 sticks)"): the first one counts
    if mult is not None:
        if not amt.said:
            amt.quantity, amt.said = mult, True
        elif amt.unit in MEASURES and amt.unit not in ("dozen", "ct") and amt.pack_size is None:
            # "tropicana 89 oz x2": two packs of that size
            amt.pack_size, amt.unit, amt.quantity = Size(1, amt.quantity, amt.unit), None, mult
        else:
            amt.quantity *= mult
    return rest


_THEM = frozenset({"them", "em", "'em", "those", "these"})


def _starts_amount(tail: list[str], before: str) -> bool:
    """Whether an amount may start at tail[0] after the product word ``before``."""
    first = tail[0]
    if before in _NUMBERED or before[-1:].isdigit():
        return False
    if _num(first) is not None:
        return len(tail) > 1 or (len(first) <= 4 and first.isdigit() and first.isascii())
    words = _words()
    return first in words["fractions"] or first in words["ones"] or first in words["tens"]


def _whole_amount(toks: list[str]) -> Amount | None:
    """The amount that ``toks`` say, when they say nothing else ("10 lb bag", "2 dozen")."""
    amt, rest = _read_amount(" ".join(toks))
    return amt if amt.said and not rest and not amt.problem else None


_NUMBERED = frozenset({"size", "stage", "step", "no", "number", "#", "grade", "type", "sz", "spf", "level"})


def _check(amt: Amount) -> None:
    q = amt.quantity
    if amt.problem:
        return
    if not math.isfinite(q):
        amt.problem = "the amount is not a finite number"
    elif q <= 0:
        amt.problem = f"the amount must be more than zero (got {q:g})"
    elif q > MAX_QUANTITY:
        amt.problem = f"the amount {q:.0f} is more than {MAX_QUANTITY:.0f}"
    elif q < 0.01:
        amt.problem = f"the amount {q:g} is too small"

