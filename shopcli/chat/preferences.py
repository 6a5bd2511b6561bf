"""The shopper's preferences in the chat (diet, preferred variants, things to avoid): stored in
the store, checked against products, and the intents that set, show and forget them. A mixin
of ``Assistant``."""

from __future__ import annotations

import math

from ..errors import DataError
from .intents import Intent, Preference, avoid_tags, diet_rules, read_preference
from ..render import clean
from .replies import Reply, _join

PREFERENCES = "preferences"          # the store table holding the shopper's preferences (one document)


class PreferencesMixin:
    """Reading, writing and applying the shopper's preferences."""

    # -- preferences --------------------------------------------------------------------------------

    def _prefs(self) -> dict:
        if self._prefs_cache is None:
            stored = self._from_store("prefs", self._read_prefs)
            self._prefs_cache = {k: list(v) for k, v in stored.items()}   # this turn's own copy
        return self._prefs_cache

    def _read_prefs(self) -> dict:
        try:
            docs = self.store.table(PREFERENCES)
        except DataError:                    # reported where the store matters; the cart works without it
            self.data_error = True
            docs = []
        doc = docs[0] if docs else {}
        return {k: list(doc.get(k) or []) for k in ("diet", "prefer", "avoid")}

    def _save_prefs(self, prefs: dict) -> None:
        with self.store.transaction() as tx:
            table = tx.table(PREFERENCES)
            table.truncate()
            if any(prefs.values()):
                table.insert({k: v for k, v in prefs.items() if v})
        self._prefs_cache = prefs

    def _conflict(self, product, prefs: dict | None = None) -> str | None:
        """Why a product goes against the shopper's preferences ("isn't vegetarian"), or None."""
        prefs = self._prefs() if prefs is None else prefs
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

    def _preferred(self, product):
        """The variant the shopper prefers (organic, say) when the catalog has one, else the product."""
        for tag in self._prefs()["prefer"]:
            if tag not in product.tags:
                better = self._variant(product, tag)
                if better is not None:
                    return better, tag
        return product, None

    def _variant(self, product, words: str):
        """Another product of the same kind (same shelf and head noun) that says ``words``:
        "organic" Whole Milk -> Organic Whole Milk; "oat milk" instead of Whole Milk -> Oat Milk."""
        from ..catalog.words import tokens

        want = set(tokens(words))
        name = tokens(product.name)
        if not want or not name:
            return None
        head, base = name[-1], set(name)
        index = self.catalog.index
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

    @staticmethod
    def _says(product, words: str) -> bool:
        from ..catalog.words import tokens

        have = set(tokens(f"{product.name} {product.brand or ''}")) | {w for t in product.tags for w in tokens(t)}
        return set(tokens(words)) <= have

    # -- intents: preferences ------------------------------------------------------------------------

    def _on_prefs_set(self, intent: Intent) -> Reply:
        s = intent.slots
        pref: Preference | None = (read_preference("diet", s["diet"]) if "diet" in s else
                                   read_preference("prefer", s["prefer"]) if "prefer" in s else
                                   read_preference("avoid", s["avoid"]))
        if pref is None:
            return self._on_unclear(intent)
        prefs = {k: list(v) for k, v in self._prefs().items()}
        value = pref.value if pref.kind != "avoid" else " ".join(s["avoid"].split())
        if value not in prefs[pref.kind]:
            prefs[pref.kind].append(value)
            self._save_prefs(prefs)
        if pref.kind == "diet":
            text = f"Got it: {pref.value}. I won't suggest anything that isn't {pref.value}."
        elif pref.kind == "prefer":
            text = f"Got it: you prefer {pref.value}. I'll pick {pref.value} versions when there are any."
        else:
            text = f"Got it: no {clean(value, 40)}. I won't suggest anything with {clean(value, 40)}."
        only_new = {"diet": [], "prefer": [], "avoid": []}
        only_new[pref.kind] = [value]
        clash = [f"{clean(self._product(line.sku).name)} {why}" for line in self.cart
                 if (why := self._conflict(self._product(line.sku), only_new))]
        if clash:
            text += f" Heads up: in your cart, {_join(clash)}."
        return Reply(text)

    def _on_prefs_show(self, intent: Intent) -> Reply:
        parts = _prefs_words(self._prefs())
        if not parts:
            return Reply("You haven't told me any preferences yet. Say e.g. \"I'm vegetarian\", "
                         "\"I prefer organic\" or \"no peanuts\".")
        return Reply(f"Your preferences: {'; '.join(parts)}.")

    def _on_prefs_forget(self, intent: Intent) -> Reply:
        if not any(self._prefs().values()):
            return Reply("You have no preferences to forget.")
        self._save_prefs({"diet": [], "prefer": [], "avoid": []})
        return Reply("Done, I've forgotten your preferences.")


def _size_gap(a, b) -> float:
    if a.size is None or b.size is None or a.size.dimension != b.size.dimension:
        return 99.0
    return abs(math.log(a.size.base / b.size.base))


def _prefs_words(prefs: dict) -> list[str]:
    return ([clean(d, 40) for d in prefs["diet"]] + [f"prefer {clean(p, 40)}" for p in prefs["prefer"]] +
            [f"no {clean(a, 40)}" for a in prefs["avoid"]])
