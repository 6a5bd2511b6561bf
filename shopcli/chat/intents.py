"""Understanding one chat turn: which intent it expresses, and its slots.

Rules, not a model: the phrases live in ``shopcli/lang/intents.toml`` (see its header for the
pattern syntax). A turn is normalised, then matched against every intent's patterns in file order;
the first whole-turn match wins, provided its guard (a check of the captured slot against the cart
or the catalog) passes. A turn no pattern reads goes to the parser as an item request; when the
parser finds no product either, it is compared fuzzily with the patterns that have no slots, so
"chekout" still checks out. Anything else is ``unclear``.

Also here, because they are part of reading a turn: search filters ("vegan under $5 in snacks")
and preferences ("vegetarian", "no peanuts").
"""

from __future__ import annotations

import functools
import itertools
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from importlib import resources
from typing import Any, Callable

__all__ = ["Intent", "Context", "Filters", "Preference", "understand", "normalize_turn", "read_filters",
           "read_preference", "read_number", "intent_names", "data"]

FUZZY_MAX_WORDS = 6


@dataclass(frozen=True)
class Intent:
    """What a turn asks for: ``name`` (an intent of intents.toml, "add" or "unclear") and its slots."""

    name: str
    slots: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    parsed: Any = None           # the parser's ParseResult, for "add"
    fuzzy: bool = False          # recognised only by resemblance to a known phrase


@dataclass
class Context:
    """What guards may look at: the catalog, and whether a phrase names something in the cart."""

    catalog: Any = None
    in_cart: Callable[[str | None], bool] = lambda item: False


@dataclass(frozen=True)
class Filters:
    """A product search: tags every result carries, a price range, a shelf and name words."""

    tags: tuple[str, ...] = ()
    max_price: Decimal | None = None
    min_price: Decimal | None = None
    category: str | None = None
    words: tuple[str, ...] = ()

    def describe(self) -> str:
        """ "vegan snacks under 5.00" — the search said back in a few words."""
        what = " ".join(self.tags + self.words) + (" " if self.tags or self.words else "")
        what += self.category.lower() if self.category else "products"
        if self.min_price is not None and self.max_price is not None:
            what += f" from {self.min_price:.2f} to {self.max_price:.2f}"
        elif self.max_price is not None:
            what += f" under {self.max_price:.2f}"
        elif self.min_price is not None:
            what += f" over {self.min_price:.2f}"
        return what


@dataclass(frozen=True)
class Preference:
    """One preference: kind is "diet" (vegetarian), "prefer" (organic) or "avoid" (peanut)."""

    kind: str
    value: str


# -- data ----------------------------------------------------------------------------------------

@functools.cache
def data() -> dict[str, Any]:
    """The intent data (shopcli/lang/intents.toml), read once."""
    with resources.files("shopcli").joinpath("lang/intents.toml").open("rb") as f:
        return tomllib.load(f)


def intent_names() -> list[str]:
    return list(dict.fromkeys(i["name"] for i in data()["intent"]))


@functools.cache
def _number_words() -> dict[str, float]:
    from ..catalog.words import lang

    n = lang()["numbers"]
    words: dict[str, float] = {**n["ones"], **n["tens"]}
    for t, tv in n["tens"].items():
        for o, ov in n["ones"].items():
            if 0 < ov < 10:
                words[f"{t}-{o}"] = tv + ov
                words[f"{t} {o}"] = tv + ov
    words.update(data()["numbers"]["words"])
    return words


def read_number(text: str) -> float | None:
    """ "3", "2.5", "three", "twenty-four", "a dozen" -> the number; None if it is not one."""
    text = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    n = _number_words().get(text)
    return None if n is None else float(n)


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.cache
def _slot_res() -> dict[str, str]:
    from ..catalog.words import lang

    n = lang()["numbers"]
    units = _alternation(k for k, v in n["ones"].items() if 0 < v < 10)
    words = _alternation(list(n["ones"]) + list(data()["numbers"]["words"]))
    number = rf"(?:\d+(?:\.\d+)?|(?:{_alternation(n['tens'])})(?:[- ](?:{units}))?|{words})"
    prefs = data()["preferences"]
    diets = {s for name, d in prefs["diets"].items() for s in [name, *d["say"]]}
    return {
        "n": number,
        "amount": rf"{number}(?: [^ ].*?)?",
        "ordinal": rf"(?:#?\d+|{_alternation(data()['ordinals'])})",
        "id": r"(?:[a-z]+-\d+|#?\d+)",
        "diet": f"(?:{_alternation(diets)})",
        "prefer": f"(?:{_alternation(prefs['prefer'])})",
    }


# -- normalising a turn --------------------------------------------------------------------------

_PUNCT_RE = re.compile(r"[!?\"“”()\[\]{}¿¡…]+|(?<!\d)\.(?!\d)|\.(?=\s|$)")
_SEP_RE = re.compile(r"(?<!\d)([,;:])|([,;:])(?!\d)")


def normalize_turn(text: str) -> str:
    """Lower case, one space between words, punctuation other than , ; : dropped, contractions
    spelled out ("Where's my order?" -> "where is my order")."""
    t = text.lower().replace("’", "'").replace("‘", "'")
    t = _PUNCT_RE.sub(" ", t)
    if "," in t or ";" in t or ":" in t:
        t = _SEP_RE.sub(lambda m: f" {m[1] or m[2]} ", t)
    contractions = data()["normalize"]["contractions"]
    return " ".join(contractions.get(w, w) for w in t.split())


@functools.cache
def _courtesy_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    n = data()["normalize"]
    lead = re.compile(rf"^(?:(?:{_alternation(n['lead'])})(?: [,;:])? )+")
    trail = re.compile(rf"(?:(?: [,;:])? (?:{_alternation(n['trail'])}))+$")
    return lead, trail


def _without_courtesy(norm: str) -> str:
    """ "ok, please remove the eggs, thanks" -> "remove the eggs" (unless nothing would be left)."""
    lead, trail = _courtesy_res()
    out = trail.sub("", lead.sub("", norm + " ").strip()).strip(" ,;:")
    return out or norm


# -- patterns ------------------------------------------------------------------------------------

_SEP = r"(?:[,;:] )*"
_TOKEN_RE = re.compile(r"\[[^\]]*\]|\([^)]*\)|\{\w+\}|[^\s\[\](){}]+")


@dataclass(frozen=True)
class _Pattern:
    intent: str
    source: str
    guard: str | None

    @property
    def regex(self) -> re.Pattern[str]:
        """Compiled on first use: a turn tries only the patterns its first word allows."""
        return _compile(self.source)


def _words_re(phrase: str) -> str:
    return "".join(f"{re.escape(w)} {_SEP}" for w in phrase.split())


@functools.cache
def _compile(source: str) -> re.Pattern[str]:
    """A pattern of intents.toml as a regex over " word word " (each element eats its space)."""
    parts = []
    for tok in _TOKEN_RE.findall(source):
        if tok[0] in "[(":
            inner = tok[1:-1].strip()
            slot = re.fullmatch(r"\{(\w+)\}", inner)
            if slot:                                  # "[{rest}]": an optional slot
                parts.append(f"(?:{_slot_re(slot[1])})?")
                continue
            alts = []
            for a in (a.strip() for a in inner.split("|")):
                slot = re.fullmatch(r"\{(\w+)\}", a)
                # "({n}|another)": a slot among words
                alts.append(_slot_re(slot[1]) if slot else _words_re(a))
            parts.append(f"(?:{'|'.join(alts)})" + ("?" if tok[0] == "[" else ""))
        elif tok[0] == "{":
            parts.append(_slot_re(tok[1:-1]))
        else:
            parts.append(_words_re(tok))
    return re.compile("^ " + _SEP + "".join(parts) + "$")


def _slot_re(name: str) -> str:
    body = _slot_res().get(name, r"[^ ].*?")
    return f"(?P<{name}>{body}) {_SEP}"


@functools.cache
def _patterns() -> list[_Pattern]:
    out = []
    for entry in data()["intent"]:
        for source in entry["patterns"]:
            out.append(_Pattern(entry["name"], source, entry.get("when")))
    return out


@functools.cache
def _by_first_word() -> tuple[dict[str, list[int]], list[int]]:
    """Patterns indexed by the words they can start with (a slot or option first: always tried)."""
    index: dict[str, list[int]] = {}
    anywhere: list[int] = []
    for k, p in enumerate(_patterns()):
        firsts = _first_words(p.source)
        if firsts is None:
            anywhere.append(k)
        else:
            for w in firsts:
                index.setdefault(w, []).append(k)
    return index, anywhere


def _first_words(source: str) -> set[str] | None:
    """The words a turn matching this pattern can start with; None when a slot may come first."""
    return _edge_words(_TOKEN_RE.findall(source), 0)


def _last_words(source: str) -> set[str] | None:
    """The words a turn matching this pattern can end with; None when a slot may come last."""
    return _edge_words(list(reversed(_TOKEN_RE.findall(source))), -1)


def _edge_words(toks: list[str], end: int) -> set[str] | None:
    """The first (``end`` 0) or last (-1) words of the pattern tokens, read from that end."""
    words: set[str] = set()
    for tok in toks:
        if tok[0] == "{":
            return None
        if tok[0] not in "[(":
            return words | {tok}
        alts = [a.strip() for a in tok[1:-1].split("|")]
        if any(a.startswith("{") if end == 0 else a.endswith("}") for a in alts):
            return None
        words.update(a.split()[end] for a in alts if a)
        if tok[0] == "(":
            return words
    return words
    return words


@functools.cache
def _ends() -> list[set[str] | None]:
    return [_last_words(p.source) for p in _patterns()]


def _candidates(norm: str) -> list[_Pattern]:
    words = norm.rstrip(" ,;:").split(" ")
    return _candidates_for(words[0], words[-1])


@functools.lru_cache(maxsize=4096)
def _candidates_for(first: str, last: str) -> list[_Pattern]:
    """The patterns worth trying on a turn starting and ending with these words, in file order."""
    index, anywhere = _by_first_word()
    pats, ends = _patterns(), _ends()
    return [pats[k] for k in sorted(set(index.get(first, ())) | set(anywhere))
            if ends[k] is None or last in ends[k]]


def _match(norm: str, ctx: Context) -> Intent | None:
    text = f" {norm} "
    for p in _candidates(norm):
        m = p.regex.match(text)
        if m is None:
            continue
        raw = {k: v.strip(" ,;:") for k, v in m.groupdict().items() if v is not None}
        slots = _typed(raw)
        if slots is None or not _guard(p.guard, slots, ctx, norm):
            continue
        return Intent(p.intent, slots, norm)
    return None


_SPACED_SEP_RE = re.compile(r" ([,;:])")


def _typed(raw: dict[str, str]) -> dict[str, Any] | None:
    slots: dict[str, Any] = {}
    for k, v in raw.items():
        if " ," in v or " ;" in v or " :" in v:
            v = _SPACED_SEP_RE.sub(r"\1", v)
        if k == "n":
            slots[k] = read_number(v)
        elif k == "ordinal":
            slots[k] = _ordinal(v)
        elif k == "id":
            slots[k] = _order_id(v)
        elif k == "diet":
            slots[k] = _diet_name(v)
        elif k == "prefer":
            slots[k] = data()["preferences"]["prefer"][v]
        else:
            slots[k] = v
        if slots[k] is None:
            return None
    return slots


def _ordinal(text: str) -> int | None:
    text = text.lstrip("#")
    if text.isdigit():
        return int(text) or None
    return data()["ordinals"].get(text)


def _order_id(text: str) -> str:
    text = text.lstrip("#").upper()
    return f"ORD-{int(text):06d}" if text.isdigit() else text


def _diet_name(text: str) -> str | None:
    for name, d in data()["preferences"]["diets"].items():
        if text == name or text in d["say"]:
            return name
    return None


def _guard(guard: str | None, slots: dict[str, Any], ctx: Context, norm: str) -> bool:
    if guard is None:
        return True
    if guard == "in_cart":
        return ctx.in_cart(slots.get("item"))
    if guard in ("filters", "browse", "priced_filters"):
        if guard == "priced_filters" and not re.search(r"\d", slots.get("filters", "")):
            return False
        f = read_filters(slots.get("filters", ""), ctx.catalog)
        if f is None:
            return False
        priced = f.max_price is not None or f.min_price is not None
        if guard == "priced_filters":
            return priced and bool(f.tags or f.category)
        if guard == "browse" and f.category and not f.words:
            return True
        return bool(f.tags) or priced
    if guard == "avoid":
        return "avoid" not in slots or read_preference("avoid", slots["avoid"]) is not None
    if guard == "delivery":
        from ..parse.delivery import find_clause

        return find_clause(norm) is not None
    raise ValueError(f"intents.toml: unknown guard {guard!r}")


# -- fuzzy fallback ------------------------------------------------------------------------------

@functools.cache
def _fixed_phrases() -> tuple[list[str], list[str]]:
    """Every phrase a slotless pattern can say (optional slots left out), with its intent."""
    phrases: dict[str, str] = {}
    for p in _patterns():
        tokens = _TOKEN_RE.findall(p.source)
        if any(t.startswith("{") for t in tokens):
            continue
        choices = []
        for t in tokens:
            if t[0] in "[(":
                alts = [a.strip() for a in t[1:-1].split("|") if "{" not in a]
                choices.append(alts + ([""] if t[0] == "[" or "{" in t else []))
            else:
                choices.append([t])
        for combo in itertools.islice(itertools.product(*choices), 400):
            phrase = " ".join(w for w in combo if w)
            if len(phrase) >= 4:
                phrases.setdefault(phrase, p.intent)
    return list(phrases), list(phrases.values())


def _fuzzy(norm: str) -> str | None:
    """The intent of the known phrase within a typo or two of the turn ("chekout", "wher is my ordr")."""
    if len(norm) < 4 or len(norm.split()) > FUZZY_MAX_WORDS:
        return None
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    phrases, names = _fixed_phrases()
    allowed = 1 if len(norm) < 10 else 2
    hit = process.extractOne(norm, phrases, scorer=OSA.distance, score_cutoff=allowed)
    return names[hit[2]] if hit else None


# -- the entry point -----------------------------------------------------------------------------

def understand(text: str, ctx: Context) -> Intent:
    """The intent of one turn. Never raises on any text."""
    norm = normalize_turn(text)
    if not norm:
        return Intent("help" if "?" in text else "unclear", text="")
    short = _without_courtesy(norm)
    hit = _match(norm, ctx) or (_match(short, ctx) if short != norm else None)
    if hit is not None:
        return hit
    parsed = None
    if ctx.catalog is not None and not _is_question(short):
        from ..parse.pipeline import parse_request

        parsed = parse_request(text, ctx.catalog)
        if any(it.status != "unknown" or it.problem for it in parsed.items):
            return Intent("add", {}, norm, parsed)
    name = _fuzzy(short)
    if name is not None:
        return Intent(name, {}, norm, fuzzy=True)
    if parsed is not None and parsed.items and any(it.hint for it in parsed.items):
        return Intent("add", {}, norm, parsed)
    return Intent("unclear", {}, norm, parsed)


def _is_question(norm: str) -> bool:
    """ "what is the weather": a question no pattern reads is never an order for the parser."""
    return norm.split(" ", 1)[0] in data()["normalize"]["questions"]


# -- search filters ------------------------------------------------------------------------------

_MONEY = r"\$?\s?(\d+(?:\.\d{1,2})?)\s?(?:\$|dollars?|bucks?|usd)?"


@functools.cache
def _filter_tables(catalog) -> tuple[dict[str, str], dict[str, str]]:
    """Spoken tag and shelf words for this catalog: its own tags and categories, plus synonyms."""
    from ..catalog.words import key

    s = data()["search"]
    tags = {t: t for p in catalog for t in p.tags}
    tags.update({t.replace("-", " "): t for t in list(tags)})
    tags.update({k: v for k, v in s["tags"].items() if v in tags.values()})
    cats: dict[str, str] = {}
    for c in catalog.categories:
        cats[key(c)] = c
        for part in re.split(r"\s*(?:&|and|,)\s*", c):
            if part:
                cats.setdefault(key(part), c)
    for k, v in s["categories"].items():
        if v in catalog.categories:
            cats.setdefault(key(k), v)
    return tags, cats


def read_filters(text: str, catalog) -> Filters | None:
    """ "vegan under $5 in snacks" -> Filters(tags=("vegan",), max_price=5, category="Snacks");
    None when the text holds words that are neither filters nor product words."""
    if catalog is None or not text:
        return None
    from ..catalog.words import key, tokens

    s = data()["search"]
    t = f" {text.lower()} "
    max_price = min_price = None
    between, below, above = _price_res()
    m = between.search(t)
    if m:
        min_price, max_price = _money(m[1]), _money(m[2])
        t = t.replace(m[0], " ")
    for rx, is_max in ((below, True), (above, False)):
        m = rx.search(t)
        if m:
            if is_max:
                max_price = _money(m[1])
            else:
                min_price = _money(m[1])
            t = t.replace(m[0], " ")
    tags_table, cats = _filter_tables(catalog)
    tags: list[str] = []
    for phrase in sorted(tags_table, key=len, reverse=True):
        if f" {phrase} " in t:
            tags.append(tags_table[phrase])
            t = t.replace(f" {phrase} ", " ")
    rest = [w for w in re.findall(r"[\w'&%-]+", t) if w not in s["filler"]]
    category = None
    for n in (3, 2, 1):
        for k in range(len(rest) - n + 1):
            phrase = key(" ".join(rest[k:k + n]))
            if category is None and phrase in cats:
                category = cats[phrase]
                rest = rest[:k] + rest[k + n:]
                break
    words = tuple(w for w in rest if w)
    if words and not all(catalog.index.df(tok) for w in words for tok in tokens(w)):
        return None
    return Filters(tuple(dict.fromkeys(tags)), max_price, min_price, category, words)


@functools.cache
def _price_res() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    s = data()["search"]
    return (re.compile(rf" between {_MONEY} and {_MONEY} "),
            re.compile(rf" (?:{_alternation(s['price_below'])}) {_MONEY}(?= )"),
            re.compile(rf" (?:{_alternation(s['price_above'])}) {_MONEY}(?= )"))


def _money(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        return None


# -- preferences ---------------------------------------------------------------------------------

def read_preference(kind: str, text: str) -> Preference | None:
    """A preference said in words: ("diet", "vegetarian"), ("prefer", "organic"), ("avoid", "peanut").

    Avoiding meat is being vegetarian; "no problem" and "no thanks" are not preferences."""
    text = " ".join(text.lower().split()).strip(" ,;:")
    prefs = data()["preferences"]
    if kind == "diet":
        name = _diet_name(text)
        return Preference("diet", name) if name else None
    if kind == "prefer":
        tag = prefs["prefer"].get(text)
        return Preference("prefer", tag) if tag else None
    text = re.sub(r"^(?:any|the|all|eating|having|foods? with|anything with|products with)\s+", "", text)
    text = re.sub(r"\s+(?:please|at all|ever|in it|in them|anymore|any more)$", "", text)
    if not text or text in prefs["not_avoid"]["words"] or len(text.split()) > 3 or re.search(r"\d", text):
        return None
    if text in prefs["avoid_means_diet"]:
        return Preference("diet", prefs["avoid_means_diet"][text])
    from ..catalog.words import singular

    return Preference("avoid", " ".join(singular(w) for w in text.split()))


def avoid_tags(word: str) -> list[str]:
    """Tags a thing to avoid also rules out ("peanut" -> contains-nuts)."""
    return list(data()["preferences"]["avoid_tags"].get(word, ()))


def diet_rules(name: str) -> dict[str, Any]:
    """A diet's exclude_categories and require_any_tag."""
    return data()["preferences"]["diets"].get(name, {"exclude_categories": [], "require_any_tag": []})
