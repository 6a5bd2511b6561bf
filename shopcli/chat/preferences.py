"""The shopper's preferences in the chat (diet, preferred variants, things to avoid): kept in the
store (one document), read once a turn into the dialogue state, checked against products, and the
intents that set, show and forget them. Also the variant of a product that says some words
("organic" Whole Milk), which preferences and "make it organic" both look for."""

from __future__ import annotations

import math

from ..errors import DataError
from .intents import Intent, Preference, avoid_tags, diet_rules, read_preference
from ..render import clean
from .replies import Reply, _join
from .session import Session
from .talk import on_unclear

PREFERENCES = "preferences"          # the store table holding the shopper's preferences (one document)
_KINDS = ("diet", "prefer", "avoid")  # the kinds of preference, as the stored document keys them


def prefs(s: Session) -> dict[str, list[str]]:
    """The shopper's preferences as this turn sees them (read from the store once a turn)."""
    if s.state.preferences is None:
        stored = s.from_store("prefs", lambda: _read_prefs(s))
        s.state.preferences = {k: list(v) for k, v in stored.items()}   # this turn's own copy
    return s.state.preferences


def _read_prefs(s: Session) -> dict[str, list[str]]:
    try:
        docs = s.store.table(PREFERENCES)
    except DataError:                    # reported where the store matters; the cart works without it
        s.state.data_error = True
        docs = []
    doc = docs[0] if docs else {}
    return {k: list(doc.get(k) or []) for k in _KINDS}


def _save_prefs(s: Session, new: dict[str, list[str]]) -> None:
    with s.store.transaction() as tx:
        table = tx.table(PREFERENCES)
        table.truncate()
        if any(new.values()):
            table.insert({k: v for k, v in new.items() if v})
    s.state.preferences = new


def conflict(product, prefs: dict[str, list[str]]) -> str | None:
    """Why a product goes against these preferences ("isn't vegetarian"), or None."""
    for diet in prefs["diet"]:
        rules = diet_rules(diet)
        if product.category in rules["exclude_categories"]:
            return f"isn't {diet}"
        need = rules["require_any_tag"]
        if need and product.tags and not set(need) & set(product.tags):
            return f"isn't {diet}"
    if prefs["avoid"]:
        from ..catalog.words import singular, tokens

        name = set(tokens(f"{product.name} {' '.join(product.aliases)}"))
        for said in prefs["avoid"]:
            word = " ".join(singular(w) for w in said.split())
            if set(tokens(word)) <= name:
                return f"has {said} in it"
            if set(avoid_tags(word)) & set(product.tags):
                tag = next(t for t in avoid_tags(word) if t in product.tags)
                return tag.replace("contains-", "contains ")
    return None


def preferred(s: Session, product):
    """The variant the shopper prefers (organic, say) when the catalog has one, else the product;
    with the preference that chose it (or None)."""
    for tag in prefs(s)["prefer"]:
        if tag not in product.tags:
            better = variant(s.catalog, product, tag)
            if better is not None:
                return better, tag
    return product, None


def variant(catalog, product, words: str):
    """Another product of the same kind (same shelf and head noun) that says ``words``:
    "organic" Whole Milk -> Organic Whole Milk; "oat milk" instead of Whole Milk -> Oat Milk."""
    from ..catalog.words import tokens

    want = set(tokens(words))
    name = tokens(product.name)
    if not want or not name:
        return None
    head, base = name[-1], set(name)
    index = catalog.index
    best, best_key = None, None
    for i in index.posting(head) or ():
        q = index.product(i)
        if q.sku == product.sku or q.category != product.category:
            continue
        q_words = set(tokens(q.name))
        if head not in q_words:
            continue
        has = q_words | set(tokens(q.brand or "")) | {w for t in q.tags for w in tokens(t)} | set(q.tags)
        if not want <= has or (want <= base and q.name == product.name):
            continue
        key = (len(base & q_words), q.size_text == product.size_text, -_size_gap(q, product), q.popularity,
               q.sku)
        if best_key is None or key > best_key:
            best, best_key = q, key
    return best


def says(product, words: str) -> bool:
    """Whether a product already says these words (in its name, brand or tags)."""
    from ..catalog.words import tokens

    have = set(tokens(f"{product.name} {product.brand or ''}")) | {w for t in product.tags for w in tokens(t)}
    return set(tokens(words)) <= have


def prefs_words(prefs: dict[str, list[str]]) -> list[str]:
    """The preferences in a few words each: "vegetarian", "prefer organic", "no peanuts"."""
    return ([clean(d, 40) for d in prefs["diet"]] + [f"prefer {clean(p, 40)}" for p in prefs["prefer"]] +
            [f"no {clean(a, 40)}" for a in prefs["avoid"]])


def _size_gap(a, b) -> float:
    if a.size is None or b.size is None or a.size.dimension != b.size.dimension:
        return 99.0
    return abs(math.log(a.size.base / b.size.base))


# -- intents ----------------------------------------------------------------------------------------

def on_prefs_set(s: Session, intent: Intent) -> Reply:
    slots = intent.slots
    pref: Preference | None = (read_preference("diet", slots["diet"]) if "diet" in slots else
                               read_preference("prefer", slots["prefer"]) if "prefer" in slots else
                               read_preference("avoid", slots["avoid"]))
    if pref is None:
        return on_unclear(s, intent)
    new = {k: list(v) for k, v in prefs(s).items()}
    value = pref.value if pref.kind != "avoid" else " ".join(slots["avoid"].split())
    if value not in new[pref.kind]:
        new[pref.kind].append(value)
        _save_prefs(s, new)
    if pref.kind == "diet":
        text = f"Got it: {pref.value}. I won't suggest anything that isn't {pref.value}."
    elif pref.kind == "prefer":
        text = f"Got it: you prefer {pref.value}. I'll pick {pref.value} versions when there are any."
    else:
        text = f"Got it: no {clean(value, 40)}. I won't suggest anything with {clean(value, 40)}."
    only_new: dict[str, list[str]] = {"diet": [], "prefer": [], "avoid": []}
    only_new[pref.kind] = [value]
    clash = [f"{clean(s.product(line.sku).name)} {why}" for line in s.state.cart
             if (why := conflict(s.product(line.sku), only_new))]
    if clash:
        text += f" Heads up: in your cart, {_join(clash)}."
    return Reply(text)


def on_prefs_show(s: Session, intent: Intent) -> Reply:
    parts = prefs_words(prefs(s))
    if not parts:
        return Reply("You haven't told me any preferences yet. Say e.g. \"I'm vegetarian\", "
                     "\"I prefer organic\" or \"no peanuts\".")
    return Reply(f"Your preferences: {'; '.join(parts)}.")


def on_prefs_forget(s: Session, intent: Intent) -> Reply:
    if not any(prefs(s).values()):
        return Reply("You have no preferences to forget.")
    _save_prefs(s, {"diet": [], "prefer": [], "avoid": []})
    return Reply("Done, I've forgotten your preferences.")
