"""Reading free-text shopping requests into structured items.

The pipeline: normalize (safe, regular text) -> segment (item phrases) -> amounts (quantity, unit,
pack size) -> match (catalog product) -> assemble (packs, choices, merging repeats).
``parse_request`` is the one entry point.
"""

from __future__ import annotations

import contextvars
import functools
import re
from dataclasses import dataclass, field
from decimal import Decimal

from ..catalog.load import Catalog, Product
from ..catalog.match import STOP as _STOP, Matcher as Index, Match, Want
from .patterns import lazy
from ..catalog.units import PARTS, aligned, canonical_unit, packs_for
from ..catalog.words import lang, tokens
from .amounts import Amount, read_amount
from .normalize import normalize
from .remarks import (ADDING_RE, correction, list_framing, negation_cut, taken_back, tells_a_story,
                      without_letter_words)
from .segment import protector_for, split_items

__all__ = ["parse_request", "ParsedItem", "ParseResult"]

MAX_REQUEST = 20_000


@dataclass(slots=True)
class ParsedItem:
    """One item of a request: what was said, and the product it names."""

    text: str
    quantity: float
    unit: str | None
    status: str                          # matched | ambiguous | unknown
    product: Product | None
    score: float
    packs: int
    alternatives: list[tuple[Product, float]] = field(default_factory=list)
    hint: list[str] = field(default_factory=list)
    problem: str | None = None           # an amount that cannot be ordered (zero, negative, absurd)
    words: str = ""                      # the product words that were matched
    choices: list[str] = field(default_factory=list)   # the products offered ("pepsi or coke")

    def to_dict(self) -> dict:
        d = {
            "text": self.text,
            "quantity": _number(self.quantity),
            "unit": self.unit,
            "status": self.status,
            "product": None if self.product is None else
            {"sku": self.product.sku, "name": self.product.name, "score": self.score},
            "packs": self.packs,
            "alternatives": [{"sku": p.sku, "name": p.name, "score": s} for p, s in self.alternatives],
        }
        if self.hint:
            d["did_you_mean"] = self.hint
        if self.problem:
            d["problem"] = self.problem
        return d


@dataclass(slots=True)
class ParseResult:
    request: str
    items: list[ParsedItem]
    unparsed: list[str]
    delivery: str | None = None          # a delivery or pickup clause said in the request
    # words read as something other than an item: corrections ("no wait"), things not wanted ("no
    # cheese this time"), take-backs, greetings and sign-offs, list titles, story sentences
    remarks: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        d = {"request": self.request, "items": [i.to_dict() for i in self.items], "unparsed": self.unparsed}
        if self.delivery:
            d["delivery"] = self.delivery
        if self.remarks:
            d["remarks"] = self.remarks
        return d


def _number(x: float) -> int | float:
    return int(x) if float(x).is_integer() and abs(x) < 2**53 else round(x, 4)


@functools.cache
def _filler_phrases() -> tuple[frozenset[tuple[str, ...]], int, frozenset[str], frozenset[str]]:
    """The filler phrases as word tuples (a set: no regex of hundreds of alternatives to compile at
    start-up), the longest one's length, and the words they start and end with."""
    phrases = frozenset(tuple(p.split()) for p in lang()["filler"]["phrases"])
    return (phrases, max(map(len, phrases)), frozenset(p[0] for p in phrases) | {"to"},
            frozenset(p[-1] for p in phrases))


# "for the party this weekend I need …": everything up to the wish is preamble
_PREAMBLE_RE = re.compile(
    r"^.{0,60}?\b(?:(?:i|we) (?:just |really |also |still |only |will |'ll |would )?(?:need|want)|i'd like|"
    r"i would like|(?:my \w+|the kids|he|she|they) (?:wants?|needs?)|(?:the |my |our )?[a-z']+(?: [a-z']+)? needs|"
    r"(?:can|could|would|will) (?:you|u|ya) (?:please |pls |plz )?(?:get|grab|pick up|buy|add|order|send)|"
    r"(?:can|could|may) (?:i|we) (?:please )?(?:get|have|order)|please (?:get|grab|buy|order|send))"
    r"(?:\s+(?:me|us))?\s+")


# a preamble ends with one of these words (a cheap test before the pattern)
_PREAMBLE_WORDS = frozenset("need want like wants needs get grab up buy add order send have".split())


@functools.lru_cache(maxsize=16384)
def _strip_filler(text: str) -> str:
    """The phrase without the filler around it: "could you please get me", "some", "thanks"."""
    phrases, longest, firsts, lasts = _filler_phrases()
    words = text.split()
    if not _PREAMBLE_WORDS.isdisjoint(words):
        words = _PREAMBLE_RE.sub("", text).split()
    if not words or (words[0] not in firsts and words[-1] not in lasts):
        return " ".join(words)
    start, end = 0, len(words)
    while start < end:                      # "to" only leads ("to my cart" is a phrase of its own)
        size = next((n for n in range(min(longest, end - start), 0, -1)
                     if tuple(words[start:start + n]) in phrases), 0)
        if not size:
            if words[start] != "to":
                break
            size = 1
        start += size
    while end > start + 1:                  # a trailing phrase never takes the last word left
        size = next((n for n in range(min(longest, end - start - 1), 0, -1)
                     if tuple(words[end - n:end]) in phrases), 0)
        if not size:
            break
        end -= size
    return " ".join(words[start:end])


_EACH_RE = lazy(r"^(?P<amount>.+?)\s+each\s+(?:of\s+)?(?P<list>.+)$")
_REPEAT_RE = lazy(r"^(?:x\s*)?(?P<n>\d+|[a-z]+)(?:\s*x)?\s+(?:of\s+)?(?:those|them|these|that|it)$|^x\s*(?P<m>\d+)$")


def parse_request(text: str, catalog: Catalog) -> ParseResult:
    """Parse one shopping request against a catalog; never raises on any text.

    >>> parse_request("two bags of rice and a dozen eggs", load_catalog()).items[1].quantity
    12.0
    """
    index = catalog.index
    request = text
    if len(text) > MAX_REQUEST:
        text = text[:MAX_REQUEST]
    clause = _delivery_clause(text)
    if clause is not None:
        text = text[:clause.start]
    items: list[ParsedItem] = []
    unparsed: list[str] = []
    remarks: list[str] = []
    protector = protector_for(index)
    token = _EXCLUDED.set([])
    caps = _CAPS.set(_price_caps(text) if "$" in text or "dollar" in text.lower() else [])
    if not text.islower() and not text.isupper():
        text = _capital_breaks(text, index)  # "Frozen broccoli Frozen mixed veg", "Lemons (2) Limes (2)"
    lines = without_letter_words(normalize(text), index, remarks).split("\n")
    for n, line in enumerate(lines):
        line = list_framing(line)           # "add eggs to my shopping list", "take the bread off my list"
        if line.endswith(":") and n + 1 < len(lines):
            continue                        # "Ingredients:" above a list, one item a line
        if n == 0 and len(lines) > 2 and _list_title(line, index):
            remarks.append(line)            # "baby stuff", "for the cat" above a list
            continue
        if ":" in line:
            line = _HEADER_RE.sub(lambda m: _heading(m[0], m.string[m.end():], index), line)
        if " -" in line:
            line = _dash_heading(line, index)
        parts = [[c for c in (_wanted(_strip_filler(p), index, remarks) for p in part) if c]
                 for part in split_items(line, protector)]
        parts = [p for p in _prepared_joined(parts) if p and not _preparation(p)]   # "3 cloves garlic, minced"
        if len(parts) > 2 and len(parts[0]) == 1 and _HEADING_WORDS_RE.search(parts[0][0]) \
                and not any(c.isdigit() for c in parts[0][0]):
            unparsed.append(parts.pop(0)[0])                          # "fajita night!! chicken, …"
        pending = False                     # a "no wait" still waiting for what it corrects to
        first = len(items)
        phrases = _group(_each_after(parts), index)
        in_list = _IN_LIST.set(len(phrases) > 1)   # "alexa add bananas milk and bread": a list
        for phrase in phrases:
            pending = _read(phrase, index, items, unparsed, remarks, pending)
        _IN_LIST.reset(in_list)
        found = items[first:]
        if len(lines) > 1 and found and all(it.status == "unknown" and not it.problem for it in found) \
                and tells_a_story(line):
            remarks.extend(it.text for it in items[first:])    # "my kid has a bake sale friday."
            del items[first:]
    _EXCLUDED.reset(token)
    _CAPS.reset(caps)
    return ParseResult(request, _merge(items), unparsed, clause.text if clause else None, remarks)


@functools.cache
def _PART_OF_RE() -> re.Pattern[str]:
    """ "juice of", "grated zest and juice of", "juice from" before an amount: the part named of the
    whole fruit, which is what is bought (en.toml [filler] part_of)."""
    parts = "|".join(re.escape(w) for w in sorted(lang()["filler"]["part_of"], key=len, reverse=True))
    return re.compile(rf"^(?:(?:finely |coarsely )?grated )?(?:{parts})(?:(?: and| &)? (?:{parts}))*"
                      rf"(?: (?:of|from))? (?=\d|(?:a|an|one|two|three|four|half) )")


_PART_OF_FIRST = ("juice", "zest", "rind", "peel", "grated", "finely", "coarsely")


# a capital letter after a lower-case word or a bracket, inside a line: where a pasted list may
# have lost its separator
_CAPITAL_BREAK_RE = re.compile(r"(?<=[a-z)])\s+(?=[A-Z][a-z])")


def _capital_breaks(text: str, index: Index) -> str:
    """Lists whose only separators are capital letters ("Frozen broccoli Frozen mixed veg") are
    split there, when every piece names a product and the whole line names none."""
    out = []
    for line in text.split("\n"):
        if "," not in line and ";" not in line and _CAPITAL_BREAK_RE.search(line):
            pieces = _CAPITAL_BREAK_RE.split(line.strip())
            low = [normalize(p) for p in pieces]
            if len(pieces) > 1 and all(index.match(_strip_filler(read_amount(p)[1]) or p).status == "matched"
                                       for p in low) \
                    and not index.is_name(normalize(line)) and index.match(normalize(line)).status != "matched":
                line = ", ".join(pieces)
        out.append(line)
    return "\n".join(out)


@functools.cache
def _preparation_words() -> frozenset[str]:
    return frozenset(w for phrase in lang()["filler"]["preparation"] for w in phrase.split())


def _preparation(part: list[str]) -> bool:
    """A comma part that says how to prepare what came before ("minced", "finely chopped")."""
    words = _preparation_words()
    return all(w in words for phrase in part for w in phrase.split())


def _prepared_joined(parts: list[list[str]]) -> list[list[str]]:
    """ "1/3 cup peeled and diced jicama", "2 cups diced, cooked turkey": an amount with only
    preparation words after it is not an item; it belongs to the phrase that follows."""
    out: list[list[str]] = []
    carry = ""
    for part in parts:
        kept = []
        for k, phrase in enumerate(part):
            if carry:
                phrase, carry = f"{carry} {phrase}", ""
            if _prepared_only(phrase) or (k + 1 < len(part) and _part_of_only(phrase)):
                carry = phrase              # "grated zest and juice of 4 limes" is one item too
                continue
            kept.append(phrase)
        out.append(kept)
    if carry:
        out.append([carry])
    return out


def _prepared_only(phrase: str) -> bool:
    if not phrase[:1].isdigit() and not phrase.startswith(("a ", "an ", "half ")):
        return False
    amt, rest = read_amount(phrase)
    if not amt.said or not rest:
        return False
    words = _preparation_words() | _describing()
    return all(w in words and w not in ("and", "or", "for") for w in rest.split())


def _part_of_only(phrase: str) -> bool:
    words = {w for p in lang()["filler"]["part_of"] for w in p.split()} | {"finely", "coarsely"}
    return all(w in words for w in phrase.split())


_EACH_AFTER_RE = re.compile(r"^(?P<amount>.+?)\s+(?:of\s+)?each$")


def _each_after(parts: list[list[str]]) -> list[list[str]]:
    """ "courgettes and aubergines, 2 each" is "2 each of courgettes and aubergines"."""
    out: list[list[str]] = []
    for part in parts:
        m = _EACH_AFTER_RE.match(part[0]) if len(part) == 1 else None
        if m and out and len(out[-1]) > 1 and not read_amount(m["amount"])[1]:
            out[-1] = [f"{m['amount']} each of {' and '.join(out[-1])}"]
            continue
        out.append(part)
    return out


def _delivery_clause(text: str):
    """A trailing "… and deliver it tomorrow" is not an item (shop order reads it as the delivery)."""
    low = text.lower()
    if not any(w in low for w in _DELIVERY_WORDS) or not _DELIVERY_HINT.search(text):
        return None
    from .delivery import find_clause

    return find_clause(text)


_DELIVERY_WORDS = ("deliver", "pick", "collect", "bring", "ship", "send", "by")
_DELIVERY_HINT = re.compile(r"deliver|pick|collect|bring|ship|send|\bby\b", re.IGNORECASE)
# "taco night: …", "need: …", "weekly shop -", "shopping list" — a heading, not an item
# ("taco night for 10: …": a number just before the colon only after "for", never "10:30")
_HEADER_RE = re.compile(r"^(?:[^:]{1,60}?\bfor \d{1,3}(?: [a-z]+)?|[^:]{1,60}?(?<!\d)):(?=\s|$)\s*")
# "french toast - half a dozen eggs, milk": a heading, a dash, then the list
_DASH_HEAD_RE = lazy(r"^(?P<head>[^,;:\d]{1,40}?(?:\bfor \d{1,3}(?: [a-z]+)?)?)\s+-\s+(?P<rest>.+)$")


def _heading(text: str, rest: str, index: Index) -> str:
    """ "taco night:" is a heading and goes, as does any heading of a list ("stir fry: chicken,
    veg"); "milk: 2 gallons" names the product and stays."""
    words = text.rstrip(": ")
    if _LIST_RE.search(rest):
        first = _FIRST_OF_LIST_RE.split(rest, maxsplit=1)[0].strip()
        amt, left = read_amount(first)
        # "milk: 2 gallons, eggs: a dozen": an amount alone after the colon is the heading's
        return f"{words} " if amt.said and not left and index.match(words).status == "matched" else ""
    return f"{words} " if index.match(words).status == "matched" else ""


_LIST_RE = lazy(r"[,;&]|\band\b|\bplus\b")
_FOR_PEOPLE_RE = lazy(r"\bfor \d{1,3}(?: [a-z]+)?$")      # "bbq for 12", "party for 15 ppl"
# the last word of a heading before a list without a colon
_HEADING_WORDS_RE = lazy(r"\b(?:night|dinner|lunch|breakfast|brunch|party|run|list|stuff|weekend|bbq|"
                               r"barbecue|picnic|recipe|ingredients|supplies|shopping|groceries|menu|cleaning|"
                               r"prep|visit|trip|things|essentials|basics|staples|haul)$")
_FIRST_OF_LIST_RE = lazy(r"[,;]|\band\b")
_EACH_SPLIT_RE = lazy(r"\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|&|or)\s+")
_OR_RE = lazy(r"\s+or\s+")


def _list_title(line: str, index: Index) -> bool:
    """The first line of a list that names the list, not an item: no amount, and it ends with a
    heading word ("smoothie stuff", "woolies list") or says who it is for ("for the cat")."""
    line = _WEEK_NO_RE.sub("", line)        # "meal prep wk 3"
    if any(c.isdigit() for c in line) or index.is_name(line):
        return False
    if _FOR_WHOM_RE.match(line):
        return True
    # "dish soap refill" names a product, "baby stuff" does not
    return bool(_HEADING_WORDS_RE.search(line)) and index.match(line).product is None


_FOR_WHOM_RE = lazy(r"^(?:(?:things|stuff|items|bits|odds and ends) )?(?:for|to) (?:the|my|our|your|a|[a-z]+'s) "
                    r"[a-z' ]+$")
_WEEK_NO_RE = lazy(r"\s+(?:wk|week|day|no\.?|#)\s*\d+$")


def _dash_heading(line: str, index: Index) -> str:
    """ "for the marinade - soy sauce, honey" loses its heading; "milk - 2 gallons, eggs" (an
    amount after the dash) and "milk - whole, eggs" (a product before it) keep theirs."""
    m = _DASH_HEAD_RE.match(line)
    if m is None or not _LIST_RE.search(m["rest"]):
        return line
    first = _FIRST_OF_LIST_RE.split(m["rest"], maxsplit=1)[0].strip()
    if not read_amount(first)[1]:
        return line
    head = m["head"]
    if not _FOR_PEOPLE_RE.search(head) and not head.startswith("for ") \
            and index.match(_strip_filler(head) or head).status == "matched":
        return line
    return m["rest"]


def _group(parts: list[list[str]], index: Index) -> list[str]:
    """Rejoin phrases that belong together.

    "rice, jasmine" is one item in reversed word order (only across a comma, and only when the
    words together name a product of the same shelf); in "red and green peppers" the lone
    modifier "red" borrows the noun of the next phrase ("red peppers").
    """
    out: list[str] = []
    for part in parts:
        p = part[0]
        if out and len(part) == 1 and not any(c.isdigit() for c in p) and len(p.split()) <= 2:
            _, prev_rest = read_amount(out[-1])
            if prev_rest and _reversed_order(prev_rest, p, index):
                out[-1] = f"{out[-1]} {p}"
                continue
        out.extend(part)
    for k in range(len(out) - 1):
        _, rest = read_amount(out[k])
        if len(rest.split()) == 1:
            _, nxt = read_amount(out[k + 1])
            tail = " ".join(nxt.split()[1:])
            if tail and _borrows(rest, tail, index):
                out[k] = f"{out[k]} {tail}"
    return out


def _reversed_order(head: str, modifier: str, index: Index) -> bool:
    """ "rice" + "jasmine" is "jasmine rice"; "coffee" + "coffee filters" or "rice" + "beans" is not."""
    from ..catalog.words import tokens

    if set(tokens(head)) & set(tokens(modifier)):
        return False
    merged = f"{head} {modifier}"
    if not index.exact_set(merged):
        return False
    together = index.match(merged).product
    alone = index.match(head).product
    return together is not None and (alone is None or together.category == alone.category)


def _wanted(phrase: str, index: Index, remarks: list[str]) -> str:
    """The phrase without what it says is not wanted ("coffee but not decaf" -> "coffee"); "" when
    it wants nothing ("no cheese this time"), which is kept among the remarks."""
    if not phrase or correction(phrase) is not None:
        return phrase
    cut = negation_cut(phrase)
    if cut is None or index.is_name(phrase):
        return phrase                       # "no pulp orange juice" is a product
    if not cut:
        remarks.append(phrase)
    else:                                   # "bread (not white)": white bread never answers it
        said_not = set(tokens(phrase)) - set(tokens(cut)) - _NOT_CONTENT
        excluded = _EXCLUDED.get(None)
        if said_not and excluded is not None:
            excluded.append((cut, frozenset(said_not)))
    return cut


# what the request said it does not want, by the phrase that remains ("bread" -> {"white"});
# set for each request by parse_request
_EXCLUDED: contextvars.ContextVar[list[tuple[str, frozenset[str]]]] = contextvars.ContextVar("excluded")
_NOT_CONTENT = frozenset({"no", "not", "without", "but", "and", "the", "a", "an", "any", "one", "ones", "kind", "type",
                          "brand", "version", "instead", "of", "too", "please", "thanks"})


# price limits said in the request ("coffee under $10"), by the words before them
_CAPS: contextvars.ContextVar[list[tuple[frozenset[str], Decimal]]] = contextvars.ContextVar("caps")
_CAP_RE = lazy(r"((?:[a-z'-]+\s+){0,3}?[a-z'-]+)\s*\(?\s*(?:under|below|less than|no more than|max(?:imum)?|at most|"
               r"up to|cheaper than)\s*\$\s*(\d+(?:\.\d{1,2})?)", re.IGNORECASE)
# "whatever is cheapest", "the cheapest one", "whichever is cheaper": the cheapest of the kind
_CHEAPEST_RE = lazy(r"\b(?:(?:whatever|whichever)(?:'s| is)?\s+)?(?:(?:is|'s)\s+)?(?:the\s+)?(?:cheapest|cheaper|cheap|least expensive)"
                    r"(?:\s+(?:one|ones|brand|kind|option))?\b")


def _kind_of(clean: str, prev: ParsedItem, index: Index) -> str | None:
    """A brand said after an item ("greek yogurt - fage if you have it") names that brand's product
    of the kind: the words together, when they name a product known by all of them."""
    said = _strip_filler(clean)
    words = [w for w in tokens(said) if w not in _STOP]
    if not words or len(words) > 2 or set(words) & set(tokens(prev.words)):
        return None
    alone = index.match(said)
    if alone.status != "matched" or alone.product is prev.product or not alone.product.brand \
            or not set(words) <= set(tokens(alone.product.brand)):
        return None                          # only a brand says which one ("coffee, creamer" is two)
    both = f"{said} {prev.words}"
    m = index.match(both)
    if m.status == "matched" and m.product is alone.product and set(tokens(both)) - _STOP <= _described(m.product):
        return both
    return None


def _amount_of(item: ParsedItem) -> Amount:
    said = item.quantity != 1 or item.unit is not None
    return Amount(item.quantity, item.unit, None, False, said)


_PACK_FILLER = frozenset({"the", "a", "an", "of", "them", "those", "these", "em", "'em", "one", "ones", "please", "x"})


def _pack_only(clean: str, prev: ParsedItem) -> str | None:
    """A phrase that says only a pack and an amount ("the big tub, 2 of them", "a large bag") is
    about the item before: the same words, read again with that pack ("2 big tub of greek yogurt")."""
    from .amounts import _SIZE_WORDS

    words = [w.strip(",") for w in clean.split()]
    words = [w for w in words if w and w not in _PACK_FILLER]
    if not words or len(words) > 5:
        return None
    numbers = [w for w in words if w.isdigit() or w in lang()["numbers"]["ones"]]
    sizes = [w for w in words if w in _SIZE_WORDS]
    packs = [w for w in words if canonical_unit(w) is not None and w not in numbers]
    if not packs or len(numbers) + len(sizes) + len(packs) != len(words) or len(numbers) > 1 or len(packs) > 1:
        return None
    amount = numbers[0] if numbers else f"{prev.quantity:g}" if prev.quantity != 1 else "1"
    return f"{amount} {' '.join(sizes)} {packs[0]} of {prev.words}".replace("  ", " ")


_CHEAPEST: contextvars.ContextVar[bool] = contextvars.ContextVar("cheapest")


def _cheapest_of(item: ParsedItem, said: str) -> ParsedItem:
    found = _by_price(Match(item.status, item.product, item.score, tuple(item.alternatives)), None, True)
    amount = Amount(item.quantity, item.unit, None, False, True)
    out = _item(f"{item.text} - {said}", amount, found)
    out.words = item.words
    return out


def _price_caps(text: str) -> list[tuple[frozenset[str], Decimal]]:
    return [(frozenset(tokens(m[1])) - _STOP, Decimal(m[2])) for m in _CAP_RE.finditer(text)]


def _cap_for(text: str) -> Decimal | None:
    said = set(tokens(text))
    caps = [cap for words, cap in _CAPS.get(()) if words and words <= said]
    return min(caps) if caps else None


def _by_price(found: Match, cap: Decimal | None, cheapest: bool) -> Match:
    """Among the products that fit about as well, those within the price said, cheapest first when
    the request asks for it; the match as it was when none is within the price."""
    kind = found.product.category
    pool = [(found.product, found.score)] + [(p, s) for p, s in found.alternatives
                                             if s >= found.score - 15 and p.category == kind]
    if cap is not None:
        pool = [(p, s) for p, s in pool if p.price <= cap]
        if not pool:
            return Match("ambiguous", found.product, found.score, found.alternatives)
    if cheapest:
        pool.sort(key=lambda ps: (ps[0].price, -ps[1]))
    best, score = pool[0]
    rest = tuple(ps for ps in [(found.product, found.score), *found.alternatives] if ps[0] is not best)
    return Match("matched", best, score, rest)


_SIZE_SAID_RE = re.compile(r"\bsize\s+(\d+|one|two|three|four|five|six|seven|eight)\b")
_SIZE_WORDS_N = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
                 "eight": "8"}


def _in_form_and_size(words: str, found: Match) -> Match:
    """A form said ("canned salmon", "frozen corn") or a size said ("diapers size 5") is kept: a
    product of another form or size never answers it; another that fits does, else nothing."""
    said = set(words.split())
    forms = [f for f in _form_words() if f in said and f != "fresh"]
    m = _SIZE_SAID_RE.search(words) if "size" in said else None
    if not forms and m is None:
        return found
    size = _SIZE_WORDS_N.get(m[1], m[1]) if m else None

    def fits(p: Product) -> bool:
        if forms and not all(_of_form(p, f) for f in forms):
            return False
        if size is not None:
            named = _SIZE_SAID_RE.search(p.name.lower())
            if named is not None and _SIZE_WORDS_N.get(named[1], named[1]) != size:
                return False
        return True

    if fits(found.product):
        return found
    left = [(p, s) for p, s in found.alternatives if fits(p)]
    if not left:
        return Match("unknown", None, 0.0, hint=tuple(p.name for p, _ in [(found.product, 0), *found.alternatives])[:3])
    status = "matched" if len(left) == 1 or left[0][1] > left[1][1] else "ambiguous"
    return Match(status, left[0][0], left[0][1], tuple(left[1:]))


def _of_form(product: Product, form: str) -> bool:
    shelves = lang()["matching"]["shelf_words"].get("canned" if form == "tinned" else form, [])
    return product.category in shelves or form in _described(product) or (
        form == "tinned" and "canned" in _described(product))


def _excluded_for(text: str) -> frozenset[str]:
    found = [words for cut, words in _EXCLUDED.get(()) if cut and (cut in text or text in cut)]
    return frozenset().union(*found) if found else frozenset()


def _without_excluded(found: Match, excluded: frozenset[str]) -> Match:
    """The match with the products the request said no to passed over: the best other one, a
    question when several are as good, unknown when none is left."""
    if found.product is None or not (set(tokens(found.product.name)) & excluded):
        return found
    left = [(p, s) for p, s in found.alternatives if not set(tokens(p.name)) & excluded]
    if not left:
        return Match("unknown", None, 0.0)
    status = "matched" if len(left) == 1 or left[0][1] > left[1][1] else "ambiguous"
    return Match(status, left[0][0], left[0][1], tuple(left[1:]))


def _read(phrase: str, index: Index, items: list[ParsedItem], unparsed: list[str], remarks: list[str],
          pending: bool) -> bool:
    """Read one phrase into ``items``, applying a self-correction or take-back to the items before;
    True when the phrase is a correction still waiting for what it corrects to ("no wait")."""
    back = taken_back(phrase)
    if back is not None:
        remarks.append(phrase)               # "actually skip the strawberries", found or not
        if items:
            _take_back(back, index, items)
        return False
    if items:
        found = correction(phrase)
        if found is None and pending:
            found = (phrase, True)
        if found is not None:
            fix, strong = _strip_filler(found[0]), found[1]
            if ADDING_RE.search(fix):        # "oh wait, also bread": an addition, not a correction
                phrase = _strip_filler(ADDING_RE.sub("", fix)) or fix
            elif not fix or _CHATTER_RE.search(fix):
                remarks.append(phrase)       # "no wait", "wait we still have some"
                return bool(not fix and strong)
            elif _corrected(fix, phrase, index, items, strong):
                return False
            elif strong:
                phrase = fix                 # "no wait, 2 bags of jasmine": a new item instead
                items.pop()
            else:
                phrase = fix                 # "milk, actually a dozen eggs": only an amount is corrected
    _read_phrase(phrase, index, items, unparsed, remarks)
    return False


def _take_back(what: str, index: Index, items: list[ParsedItem]) -> bool:
    """Drop the newest item naming what ``what`` names (the same product, or the words said for
    it: "skip the milk" after "2% milk"); whether there was one."""
    from ..catalog.words import tokens

    target = index.match(what).product
    said = set(tokens(what))
    for k in range(len(items) - 1, -1, -1):
        p = items[k].product
        if p is not None and target is not None and (p.sku == target.sku or p.name == target.name) \
                or said and said <= set(tokens(items[k].words or items[k].text)):
            del items[k]
            return True
    return False


def _corrected(fix: str, said: str, index: Index, items: list[ParsedItem], strong: bool = True) -> bool:
    """Apply "3" or (after a strong marker) "mozzarella" to the item before; False when ``fix`` is
    a new item of its own."""
    amt, words = read_amount(fix)
    words = _strip_filler(words)
    prev = items[-1]
    text = f"{prev.text}, {said}"
    if amt.said and not words:
        if amt.problem:
            return False
        items.pop()                          # "2 milks, no wait, 3"
        if amt.unit is None and amt.pack_size is None and not amt.items and prev.unit:
            amt.unit = prev.unit             # "1 lb ground beef, no make that 2": 2 lb
        if prev.choices:
            _add_choice(text, prev.choices, amt, index, items)
        else:
            _add(text, prev.words or read_amount(prev.text)[1], amt, index, items)
        return True
    if amt.said or not words or not strong:
        return False
    # "2 bags of shredded cheddar, scratch that, mozzarella": the same amount of something else,
    # keeping what was said about it when that still names a product ("shredded mozzarella"),
    # never the product it replaces ("a dozen eggs, no wait, bread" is bread)
    old, _ = read_amount(prev.text)
    if old.items:
        old = Amount()                       # "2 dozen eggs, scratch that, milk" is not 24 gallons
    before = (prev.words or "").split()
    tries = ([" ".join(before[:-1] + [words])] if len(before) > 1 and " " not in words else []) + [words] + \
        ([f"{words} {prev.words}"] if prev.words and " " not in words else [])
    replaced = prev.product.sku if prev.product is not None else None
    best = words
    for t in tries:
        m = index.match(t, _want(old))
        if m.status == "matched" and m.product.sku != replaced:
            best = t
            break
    items.pop()
    _add(text, best, old, index, items)
    return True


def _read_phrase(clean: str, index: Index, items: list[ParsedItem], unparsed: list[str],
                 remarks: list[str] | None = None) -> None:
    if items and items[-1].words and items[-1].product is not None and not clean[:1].isdigit():
        kind = _kind_of(clean, items[-1], index)
        if kind is not None:                 # "greek yogurt - fage if you have it": that kind of it
            prev = items.pop()
            _add(f"{prev.text} - {clean}", kind, _amount_of(prev), index, items)
            return
    if items and items[-1].words and items[-1].product is not None:
        pack = _pack_only(clean, items[-1])
        if pack is not None:                 # "greek yogurt, the big tub, 2 of them"
            prev = items.pop()
            _read_phrase(pack, index, items, unparsed, remarks)
            if items:
                items[-1].text = f"{prev.text}, {clean}"   # what was said, as said
            return
    if "cheap" in clean or "least expensive" in clean:
        said = _CHEAPEST_RE.sub(" ", clean).replace("( )", " ").replace("()", " ")
        said = " ".join(_strip_filler(said).split())
        if said == clean:
            pass                             # "cheap" inside a name ("cheapskate")
        elif said:
            token = _CHEAPEST.set(True)      # "pasta sauce whatever is cheapest"
            try:
                return _read_phrase(said, index, items, unparsed, remarks)
            finally:
                _CHEAPEST.reset(token)
        elif items and items[-1].product is not None:
            items[-1] = _cheapest_of(items[-1], clean)   # "diapers size 3 - cheapest brand"
            return
    if ":" in clean:
        m = _NAME_COLON_RE.match(clean)
        if m:
            said, left = read_amount(m["amount"])
            if said.said and not left:
                clean = f"{m['amount']} {m['name']}"   # "eggs: a dozen"
    m = _REPEAT_RE.match(clean)
    if m and items:
        amt, _ = read_amount(m["n"] or m["m"])
        if amt.said and not amt.problem:
            prev = items[-1]
            items[-1] = _assemble(f"{prev.text}, {clean}", amt.quantity, prev, index)
            return
    m = _EACH_RE.match(clean)
    if m:
        amt, rest = read_amount(m["amount"])
        if amt.said and not rest and m["list"].strip(" ,&"):
            parts = [p for p in _EACH_SPLIT_RE.split(m["list"]) if p]
            for part in _share_noun(parts, index):
                _add(f"{m['amount']} {part}", part, amt, index, items)
            return
    if clean in _PRONOUNS:
        unparsed.append(clean)               # "… eggs and milk, can you add those"
        return
    if clean.startswith(_PART_OF_FIRST) and _PART_OF_RE().match(clean):
        clean = _PART_OF_RE().sub("", clean, count=1)    # "juice of 1 lime", "zest of 2 oranges": the fruit
    amt, rest = read_amount(_describing_dropped(clean, index, compare=False))
    rest = _strip_filler(rest)
    if not rest:
        if amt.said and not amt.problem and items and (items[-1].words or items[-1].choices):
            # "eggs - 2 dozen", "pepsi or coke, 2 liter": an amount on its own is the amount of
            # the item before
            prev = items.pop()
            if prev.choices:
                _add_choice(f"{prev.text} - {clean}", prev.choices, amt, index, items)
            else:
                _add(f"{prev.text} - {clean}", prev.words, amt, index, items)
            return
        unparsed.append(clean)
        return
    if "(" in rest and _EXAMPLES_RE.search(rest):
        shelf = _shelf_examples(rest, index)
        if shelf is not None:                # "veggies (carrots, peppers, etc)": which of them?
            if len(shelf) == 1:
                _add(clean, shelf[0], amt, index, items)
            else:
                _add_choice(clean, shelf, amt, index, items)
            return
    # "yellow or white onions" is a choice, unless the catalog sells it under that name
    choices = _OR_RE.split(rest) if " or " in rest and not index.is_name(rest) else [rest]
    if len(choices) > 1:
        choices = _share_noun(choices, index)
        _add_choice(clean, choices, amt, index, items)
        return
    if "(" in rest:
        rest = _remark_dropped(rest, index)
    rest = _describing_dropped(rest.replace(" ( ", " ").replace(" )", "").strip("( )"), index)
    rest, amt = _part_unit(rest, amt, index)
    if _CHATTER_RE.search(rest) and index.match(rest).score < 95:
        # "i'm making risotto", "we're going camping": a remark, which never sinks the order
        (remarks if remarks is not None else unparsed).append(clean)
        return
    whole = _ARTICLE_RE.sub("", clean) if amt.unit or amt.pack_size else rest
    if whole != rest and index.is_name(whole) and index.match(whole).product is not index.match(rest).product:
        # "a gallon of water" names a product of its own (a gallon jug, not bottled water)
        rest = whole
    words = _shop_dropped(_purpose_dropped(rest, index), index)
    if " w" in words and _WITH_RE.search(words):
        pair = _with_pair(words, index)
        if pair:                            # "bagels w/ cream cheese": two things, the amount the first's
            _add(clean, pair[0], amt, index, items)
            _add(pair[1], pair[1], Amount(), index, items)
            return
    if not amt.said and " " in words:
        run = _run_on(words, index)
        if run:                             # "bread milk eggs cheese": a list said without separators
            for name in run:
                _add(name, name, Amount(), index, items)
            return
    if (not amt.said or (amt.quantity == 1 and amt.unit is None and not clean[:1].isdigit())) and items \
            and remarks is not None and _only_modifiers(words, index):
        # "almond milk, unsweetened if possible", "spinach - fresh not frozen": words that only
        # describe are a remark on the item before, never an item of their own
        remarks.append(clean)
        return
    _add(clean, words, amt, index, items)


def _only_modifiers(words: str, index: Index) -> bool:
    """Words the catalog uses, but never as the last word of a product's name ("unsweetened",
    "fresh", "lean"): they describe a kind and name nothing on their own."""
    split = [w for w in tokens(words) if w not in _STOP]
    if not split or len(split) > 3 or index.is_name(words):
        return False
    heads = index.head_words
    return all(index.df(w) and w not in heads for w in split)


_NAME_COLON_RE = lazy(r"^(?P<name>[^:\d]+?):\s*(?P<amount>.+)$")
_WITH_RE = lazy(r"\s+(?:with\s+|w\s?/\s*)")


def _with_pair(words: str, index: Index) -> tuple[str, str] | None:
    """ "bagels with cream cheese" names two products when it names none as a whole and each side
    names one clearly ("orange juice with pulp" is one product; "chicken with skin" one item)."""
    if index.match(words).status == "matched":
        return None
    sides = _WITH_RE.split(words, maxsplit=1)
    if len(sides) != 2:
        return None
    left, right = sides
    if left and right and all(index.match(w).status == "matched" for w in (left, right)):
        return left, right
    return None


def _run_on(words: str, index: Index) -> list[str] | None:
    """The product names a phrase is made of, one after another, when it names no product as a
    whole ("bread milk eggs", "lettuce tomato onion"); None otherwise. Fewest names win."""
    split = words.split()
    if not (2 if _IN_LIST.get(False) else 3) <= len(split) <= 12:
        return None
    from ..catalog.words import tokens

    if not all(index.df(t) for t in tokens(words) if t not in _STOP):
        return None                         # a word no name holds: no names make up the phrase
    whole = index.match(words)
    if whole.status == "matched" and (whole.score >= 90 or len(split) > 3):
        return None
    best: list[list[str] | None] = [[]] + [None] * len(split)
    for end in range(1, len(split) + 1):
        for size in range(min(4, end), 0, -1):
            before = best[end - size]
            name = " ".join(split[end - size:end])
            if before is not None and index.is_name(name):
                if best[end] is None or len(before) + 1 < len(best[end]):
                    best[end] = before + [name]
    found = best[-1]
    # two names could be one thing the catalog does not carry ("pita chips"): three or more only,
    # or two among other items of a list said without commas ("bananas milk and bread")
    if found is None or len(found) < 2:
        return None
    if len(found) == 2:
        # a plural before another name is a list ("bananas milk"); a singular is a compound the
        # catalog may not carry ("pita chips")
        from ..catalog.words import singular

        last = found[0].split()[-1]
        if not _IN_LIST.get(False) or singular(last) == last:
            return None
    return found


_IN_LIST: contextvars.ContextVar[bool] = contextvars.ContextVar("in_list")


_ARTICLE_RE = re.compile(r"^(?:a|an|one|1)\s+")
_CHATTER_RE = lazy(r"^(?:i'm|im|i am|we're|we are|i'll|we'll|i've|we've|it's|its|i was|we were|hope|i hope|"
                         r"i tried|i can't|i cant|i cannot|i could|this is|your (?:father|mother|dad|mom|uncle|aunt|"
                         r"brother|sister|grandpa|grandma|grandmother|grandfather)|don't worry|dont worry|don't let|"
                         r"dont let|whom it may concern|"
                         r"you're|youre|ur|are you|r u|are u|u r|we still have|we have some|we've got|"
                         r"there's still|there is still|"
                         r"thanks|thank you|cheers|hi|hey|hello|sorry|here's|heres|here is|whatever's|"
                         r"whatever is|whichever|whatevers|doing|having|making|going|hosting|planning|cooking|"
                         r"baking)\b|\b(?:lol|haha|lmao)\b|\b(?:wondering if|hope this|finds you|did not work|"
                         r"didn't work|doctor says|place an order|get out with)\b")
_PRONOUNS = frozenset({"those", "these", "them", "it", "that", "this", "all of them", "all of those", "all that"})
_PURPOSE_RE = lazy(r"\s+for\s+.*$")


def _described(product: Product) -> set[str]:
    """The words a product is known by: its name, brand, aliases, category and tags."""
    text = " ".join([product.name, product.brand or "", product.category or "", *product.aliases, *product.tags])
    return set(tokens(text))


_KIND_WORDS_RE = lazy(r"^(?:the|a|an)\s+|\s+(?:kind|one|ones|type|sort|variety|version)$")
_PAREN_RE = lazy(r"\s*\([^()]*(?:\)|$)")


_EXAMPLES_RE = lazy(r"\(([^()]*(?:,|\bor\b|\betc\b|\bsimilar\b)[^()]*)\)")
_EXAMPLE_SPLIT_RE = lazy(r"\s*(?:,|;|/|&|\band\b|\bor\b)\s*")
_PREPOSITIONS = frozenset({"in", "with", "without", "for", "from", "at", "on", "of", "to", "no", "not"})
_NOT_EXAMPLES = frozenset({"etc", "etc.", "similar", "whatever", "anything", "any", "something", "such as", "e.g.",
                           "eg", "like", "the like", "whatever brand", "any brand", "whatever kind", "any kind"})


def _shelf_examples(rest: str, index: Index) -> list[str] | None:
    """ "canned veggies (corn, green beans, peas)", "deli meat (ham or salami)", "cereal (cheerios,
    corn flakes, etc)": a shelf with examples in brackets is a choice among the examples the catalog
    carries (said with the shelf's form word: canned corn); None when the brackets hold no list."""
    m = _EXAMPLES_RE.search(rest)
    head = " ".join((rest[:m.start()] + " " + rest[m.end():]).split())
    listed = " etc" in f" {m[1]}" or "whatever" in m[1] or " or " in f" {m[1]} "
    if m[1].strip().startswith("or ") or any(c.isdigit() for c in m[1]) or (index.is_name(head) and not listed):
        return None                          # "mustard (or 2 tsp dijon)", "herbs de provence (…)"
    said = [e.strip(" .!") for e in _EXAMPLE_SPLIT_RE.split(m[1])]
    said = [" ".join(w for w in e.split() if w not in ("etc", "etc.", "such", "as", "e.g."))
            for e in said if e and e not in _NOT_EXAMPLES]
    # "tuna (whatever brand, in water)": words after a preposition say how, they are no example
    said = [e for e in said if e and e not in _NOT_EXAMPLES and e.split()[0] not in _PREPOSITIONS]
    if not said:
        return None
    if " or " not in f" {m[1]} " and all(_only_modifiers(e, index) or canonical_unit(e.split()[-1]) for e in said):
        return None                          # "greek yogurt (plain, big tub)": one kind, described
    forms = [w for w in head.split() if w in _form_words()]
    noun = head.split()[-1] if head.split() else ""
    kind = index.match(head) if head else None
    out: list[str] = []
    for e in said:
        options = ([f"{' '.join(forms)} {e}"] if forms else []) + ([f"{e} {noun}"] if noun else [])
        for o in options + [e]:
            m = index.match(o)
            if m.status != "unknown":
                out.append(o)
                break
    if not out and kind is not None and kind.status == "matched":
        return None
    if not out and len(said) == 1 and not forms:
        return None                          # "apples (honeycrisp)": a kind of the head, read as usual
    return list(dict.fromkeys(out)) or [head]


@functools.cache
def _form_words() -> frozenset[str]:
    """Words that say the form a product is sold in ("canned", "frozen"): en.toml [matching] shelf_words."""
    return frozenset(lang()["matching"]["shelf_words"]) | {"tinned", "dried", "fresh"}


def _remark_dropped(words: str, index: Index) -> str:
    """ "saltines (sick kid)": words in brackets that only make the item unreadable are a remark;
    "eggs (large)" keeps them."""
    bare = " ".join(_PAREN_RE.sub(" ", words).split())
    flat = " ".join(words.replace("(", " ").replace(")", " ").split())
    inner = _PAREN_RE.search(words)
    if inner is not None and bare:
        # "corn (the canned kind not fresh)", "apples (honeycrisp if you have them)": the words in
        # brackets say which kind, when with the name before them they name a product
        said = inner[0].strip("() ")
        cut = negation_cut(said)
        kind = _KIND_WORDS_RE.sub("", _strip_filler(said if cut is None else cut)).strip()
        if kind and not any(c.isdigit() for c in kind):
            refined = index.match(f"{kind} {bare}")
            if refined.status == "matched" and refined.product is not index.match(bare).product \
                    and set(tokens(f"{kind} {bare}")) <= _described(refined.product) | _STOP:
                return f"{kind} {bare}"
    if bare and bare != flat and index.match(flat).status != "matched" and index.match(bare).status == "matched":
        return bare
    return words


def _part_unit(words: str, amt: Amount, index: Index) -> tuple[str, Amount]:
    """ "4 garlic cloves": a part said after the product names the unit, when the words before it
    name a product better than all of them do ("ground cloves" stays the spice)."""
    head, _, last = words.rpartition(" ")
    unit = canonical_unit(last) if head else None
    if unit not in PARTS or amt.unit is not None:
        return words, amt
    if index.match(head).score > index.match(words).score:
        amt.unit = unit
        return head, amt
    return words, amt


@functools.cache
def _describing() -> frozenset[str]:
    return frozenset(lang()["filler"]["describing"])


def _describing_dropped(words: str, index: Index, compare: bool = True) -> str:
    """ "1 lb ripe bananas", "melted butter": words that describe but name nothing the catalog
    carries go (a word some product uses stays: "fresh mozzarella")."""
    describing = _describing()
    split = words.split()
    if not any(w in describing for w in split):
        return words
    kept = [w for w in split if w not in describing or index.df(w)]
    if compare and any(w in describing for w in kept):
        # a describing word some product uses ("grated parmesan"): dropped when it reads better
        # ("finely chopped fresh tarragon"): the describing words go one at a time, first said
        # first, and the longest phrase that names a product wins ("fresh tarragon", not "tarragon")
        if index.match(" ".join(kept)).status != "matched":
            at = [k for k, w in enumerate(kept) if w in describing]
            for n in range(1, len(at) + 1):
                trial = [w for k, w in enumerate(kept) if k not in at[:n]]
                if trial and index.match(" ".join(trial)).status == "matched":
                    kept = trial
                    break
    return " ".join(kept) if kept else words


def _shop_dropped(words: str, index: Index) -> str:
    """ "paper towels from target", "milk at costco": the shop said after an item is not part of it
    (kept when the words after "from" or "at" are ones the catalog uses and the match is better)."""
    m = _FROM_SHOP_RE().search(words)
    if m is None or m.start() == 0:
        return words
    short = words[:m.start()]
    if index.match(short).score >= index.match(words).score:
        return short
    return words


@functools.cache
def _FROM_SHOP_RE() -> re.Pattern[str]:
    said = "|".join(re.escape(w) for w in lang()["framing"]["from_shop"])
    return re.compile(rf"\s+(?:{said})\s+(?:the\s+)?[a-z'&.-]+(?:\s+[a-z'&.-]+){{0,2}}$")


def _purpose_dropped(words: str, index: Index) -> str:
    """ "a red onion for the guac": what follows "for" says why, not what (unless it is the name)."""
    if " for " not in f" {words} ":
        return words
    short = _strip_filler(_PURPOSE_RE.sub("", words))
    if short and index.match(short).score > index.match(words).score:
        return short
    return words


def _share_noun(parts: list[str], index: Index) -> list[str]:
    """ "red and green peppers" -> "red peppers", "green peppers": a lone modifier borrows the last noun."""
    last = parts[-1].split() if parts else []
    if len(last) < 2:
        return parts
    tail = " ".join(last[1:])
    tails = [" ".join(last[k:]) for k in range(1, len(last))]   # "old fashioned oats": "fashioned oats", "oats"

    def shared(p: str) -> str:
        if len(p.split()) == 1 and _borrows(p, tail, index):
            return f"{p} {tail}"
        if index.is_name(f"{p} {tail}"):
            return f"{p} {tail}"             # "strawberry or grape jam"
        if " " in p and index.is_name(p):
            return p                         # "hot dogs and hot dog buns": a product of its own
        # "steel cut or old fashioned oats": the shortest tail that makes a name
        return next((f"{p} {t}" for t in reversed(tails) if index.is_name(f"{p} {t}")), p)

    return [shared(p) for p in parts[:-1]] + [parts[-1]]


def _borrows(word: str, tail: str, index: Index) -> bool:
    """Whether a lone word reads better with the next item's noun ("red" + "peppers") than alone
    ("eggs", "brocoli" are products on their own)."""
    from ..catalog.words import tokens

    if index.is_name(word) or not all(index.df(t) for t in tokens(word)):
        return False
    return index.match(f"{word} {tail}").score > index.match(word).score


def _want(amt: Amount) -> Want:
    return Want(amt.quantity, "ct" if amt.items and amt.unit is None else amt.unit, amt.pack_size)


def _add(text: str, product_words: str, amt: Amount, index: Index, items: list[ParsedItem]) -> None:
    found = index.match(product_words, _want(amt))
    if found.product is not None and product_words in _shelves() and not index.is_name(product_words):
        # "some fruit", "snacks": a shelf, not a product; name a few of it instead of picking one
        names = dict.fromkeys(p.name for p in (found.product, *(a for a, _ in found.alternatives)))
        found = Match("unknown", None, 0.0, hint=tuple(names)[:3])
    excluded = _excluded_for(text) if _EXCLUDED.get(()) else frozenset()
    if excluded:
        found = _without_excluded(found, excluded)
    if found.product is not None:
        found = _in_form_and_size(product_words, found)
    cap = _cap_for(text) if _CAPS.get(()) else None
    cheapest = _CHEAPEST.get(False)
    if (cap is not None or cheapest) and found.product is not None:
        found = _by_price(found, cap, cheapest)
    item = _item(text, amt, found)
    if item.hint:
        item.hint = list(index.relevant(product_words, item.hint))   # "did you mean" only what shares a word
    item.words = product_words
    items.append(item)


@functools.cache
def _shelves() -> frozenset[str]:
    return frozenset(lang().get("matching", {}).get("shelf_only", ()))


def _add_choice(text: str, choices: list[str], amt: Amount, index: Index, items: list[ParsedItem]) -> None:
    """ "yellow or white onions": one item, several products -> ambiguous, best guess first."""
    want = _want(amt)
    found = [index.match(c, want) for c in choices]
    products = [(m.product, m.score) for m in found if m.product is not None]
    if len({p.sku for p, _ in products}) <= 1:
        best = max(found, key=lambda m: m.score)
        item = _item(text, amt, best)
        item.choices = choices
        items.append(item)
        return
    products.sort(key=lambda ps: (-ps[0].popularity, -ps[1]))
    seen: set[str] = set()
    ordered = [(p, s) for p, s in products if not (p.sku in seen or seen.add(p.sku))]
    best, score = ordered[0]
    extra = [a for m in found for a in m.alternatives if a[0].sku not in seen]
    m = Match("ambiguous", best, score, tuple(ordered[1:] + extra[: max(0, 3 - len(ordered) + 1)]))
    item = _item(text, amt, m)
    item.choices = choices
    items.append(item)


def _item(text: str, amt: Amount, match: Match) -> ParsedItem:
    product = match.product
    unit = None if amt.unit == "ct" or amt.items and amt.unit is None else amt.unit   # a count of items
    if unit == "oz" and product is not None:
        unit = aligned(unit, product.size)        # "89 oz" of juice is fluid ounces
    packs = 0
    if product is not None and not amt.problem:
        packs = packs_for(amt.quantity, "ct" if amt.items and unit is None else unit, product.size,
                          amt.pack_size, product.container)
    return ParsedItem(text=text, quantity=amt.quantity, unit=unit, status=match.status, product=product,
                      score=match.score, packs=packs, alternatives=list(match.alternatives),
                      hint=list(match.hint), problem=amt.problem)


def _assemble(text: str, times: float, prev: ParsedItem, index: Index) -> ParsedItem:
    """ "3 of those" after an item: that item, three times over."""
    return ParsedItem(text=text, quantity=prev.quantity * times, unit=prev.unit, status=prev.status,
                      product=prev.product, score=prev.score, packs=prev.packs * int(times) if times >= 1 else prev.packs,
                      alternatives=prev.alternatives, hint=prev.hint, problem=prev.problem, words=prev.words)


def _merge(items: list[ParsedItem]) -> list[ParsedItem]:
    """The same product said twice is one item with the amounts added."""
    out: list[ParsedItem] = []
    by_sku: dict[str, ParsedItem] = {}
    for it in items:
        key = it.product.sku if it.product is not None and it.status == "matched" and not it.problem else None
        if key and key in by_sku:
            first = by_sku[key]
            first.text = f"{first.text}, {it.text}"
            if first.unit == it.unit:
                first.quantity += it.quantity
            else:
                first.quantity, first.unit = float(first.packs + it.packs), None
            first.packs += it.packs
            continue
        if key:
            by_sku[key] = it
        out.append(it)
    return out
