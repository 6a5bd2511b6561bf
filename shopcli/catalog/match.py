"""The product index: exact, alias and plural look-ups first, then token scoring over a few candidates.

Fuzzy matching over every name costs milliseconds per item on a large catalog, so the index narrows
the search: each query word (after typo correction against the catalog's vocabulary) has a posting
list of products, and only products holding the most query words are scored.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .units import CONTAINERS, Size, aligned, dimension, to_base
from .words import key, tokens

if TYPE_CHECKING:   # annotations only: the catalog builds its index from this module
    from .load import Catalog, Product

__all__ = ["Index", "Matcher", "Match", "Want", "product_keys", "set_key"]

STOP = frozenset({"of", "the", "and", "with", "a", "an", "in", "for", "or", "to", "my", "one", "ones"})
MATCHED = 72.0      # at or above: a clear match (unless a rival from another shelf is as close)
WEAK = 58.0         # below: nothing fits well enough to name a product
RIVAL_GAP = 4.0     # rivals within this many points of the best make an item ambiguous
MAX_CANDIDATES = 120
TYPO_PENALTY = 0.93
HEAD_PENALTY = 36.0
CONTAINER_REACH = 15.0  # how far below the best a product sold in the container said may be
_LOOSE_CONTAINERS = frozenset({"pack", "case", "each", "box", "packet"})   # said of almost anything
MAX_BONUS = 8.0     # the most _bonus and an alias can add (6 + 1 + 0.5, rounded up)


@dataclass(frozen=True, slots=True)
class Want:
    """What the request says about the pack, used to pick among variants of a product."""

    quantity: float = 1.0
    unit: str | None = None          # canonical unit or container as said ("gal", "bag", "ct")
    pack_size: Size | None = None    # a size said for each pack ("a 5 lb bag", "2 x 500 g")


@dataclass(frozen=True, slots=True)
class Match:
    status: str                                  # "matched" | "ambiguous" | "unknown"
    product: Product | None
    score: float
    alternatives: tuple[tuple[Product, float], ...] = ()
    hint: tuple[str, ...] = field(default=())    # "did you mean" names for unknown items


@dataclass(frozen=True, slots=True)
class _Scored:
    """The products a phrase's words reach, with their scores (see Matcher._core_uncached)."""

    scored: dict[int, float]
    named: frozenset[int]     # the variants an alias said picks among their siblings
    typo: bool                # a word was corrected
    order: list[tuple[float, int, int]]   # (score after the typo penalty, -rank, id), best first


def product_keys(p: Product) -> tuple[str, list[str], frozenset[str]]:
    """A product's name key, every key it answers to (name, aliases, brand + name), and its
    "free" words (brand and tags), which a request may add without naming another product."""
    name = key(p.name)
    names = [name] + [key(a) for a in p.aliases]
    free: set[str] = set()
    if p.brand:
        brand = key(p.brand)
        if not name.startswith(brand):
            names.append(f"{brand} {name}")
        free.update(brand.split())
    shelf = _shelf_words().get(key(p.category)) if p.category else None
    if shelf:
        free.add(shelf)           # "frozen edamame", "deli turkey": the shelf said with the product
    for t in p.tags:
        if t.startswith("contains"):
            continue              # "contains-gluten" must not answer "gluten free"
        words = tokens(t)
        free.add("-".join(words))  # "gluten-free" answers the words "gluten free" together only
        if len(words) == 1:
            free.update(words)
    return name, [k for k in dict.fromkeys(names) if k], frozenset(free)


def set_key(k: str) -> frozenset[str]:
    return frozenset(t for t in k.split() if t not in STOP)


@functools.cache
def _shelf_words() -> dict[str, str]:
    """Category key -> the word a shopper says of its shelf ("frozen", "canned"), from the lang file."""
    from .words import lang

    out: dict[str, str] = {}
    for word, categories in lang().get("matching", {}).get("shelf_words", {}).items():
        for cat in categories:
            out[key(cat)] = key(word)
    return out


@functools.cache
def _tag_words() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The diet and kind tags a shopper may ask for (lang [matching] stated_tags), with their words."""
    from .words import lang

    return tuple((t, tuple(key(t.replace("-", " ")).split())) for t in lang().get("matching", {}).get("stated_tags", []))


def _stated_tags(words: list[str]) -> list[tuple[str, frozenset[str], str]]:
    """The tags a phrase asks for, said as words in a row ("gluten free" -> gluten-free), each with
    its words and the index token that stands for it (see product_keys)."""
    out = []
    for tag, tw in _tag_words():
        if tw[0] in words:
            n = len(tw)
            if any(tuple(words[k:k + n]) == tw for k in range(len(words) - n + 1)):
                out.append((tag, frozenset(tw), "-".join(tw)))
    return out


@functools.cache
def _compounds() -> dict[str, list[frozenset[str]]]:
    """Names a shopper means only when saying all of them ("root beer" is not "beer"), by last word."""
    from .words import lang

    out: dict[str, list[frozenset[str]]] = {}
    for name in lang().get("matching", {}).get("not_alone", []):
        words = key(name).split()
        out.setdefault(words[-1], []).append(frozenset(words))
    return out


class Matcher:
    """Matching over look-up tables; subclasses say where the tables live (memory or a cache).

    Products are numbered 0..n-1 in catalog order; posting lists hold product numbers in
    popularity order (most popular first).
    """

    and_phrases: list[str]

    def __init__(self) -> None:
        self._match = functools.lru_cache(maxsize=8192)(self._match_uncached)
        self._correct = functools.lru_cache(maxsize=16384)(self._correct_uncached)
        self._core = functools.lru_cache(maxsize=8192)(self._core_uncached)
        self._sets_by_token: dict[str, frozenset[int]] = {}

    def clear_caches(self) -> None:
        """Forget every match and correction worked out so far (the look-up tables stay)."""
        for cache in (self._match, self._correct, self._core):
            cache.cache_clear()

    # the tables
    def exact_ids(self, k: str) -> list[int] | None: raise NotImplementedError
    def sibling_ids(self, namekey: str) -> list[int]: raise NotImplementedError
    def posting(self, word: str) -> list[int] | None: raise NotImplementedError
    def df(self, word: str) -> int: raise NotImplementedError
    def product(self, i: int) -> Product: raise NotImplementedError
    def rank(self, i: int) -> int: raise NotImplementedError
    def keysets(self, i: int) -> list[tuple[frozenset[str], str]]: raise NotImplementedError
    def free(self, i: int) -> frozenset[str]: raise NotImplementedError
    def has_set(self, words: frozenset[str]) -> bool: raise NotImplementedError
    @property
    def vocab(self) -> list[str]: raise NotImplementedError

    @property
    def names(self) -> list[str]: raise NotImplementedError
    @property
    def head_words(self) -> frozenset[str]: raise NotImplementedError

    # -- words -------------------------------------------------------------------------------
    def correct(self, word: str, context: list[str] = ()) -> str | None:
        """The catalog word a misspelt word most likely means, or None; among equally close
        words, the one found in products with the other words of the phrase ("toilet papper")."""
        if self.df(word):
            return word
        options = self._correct(word)
        if not options:
            return None
        known = [self._posting_set(c) for c in context if c != word and self.df(c)]
        if len(options) == 1 or not known:
            return options[0]
        return max(options, key=lambda o: sum(len(self._posting_set(o) & k) for k in known))

    def _correct_uncached(self, word: str) -> str | None:
        """Catalog words within a small number of edits (a swap of two letters is one edit);
        short words must also keep their first letter, so "caper" never becomes "capri"."""
        if len(word) < 4 or len(word) > 30 or not word.isalpha():
            return None
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        limit = 1 if len(word) <= 6 else 2 if len(word) <= 10 else 3
        short = len(word) <= 6
        near = [w for n in range(len(word) - limit, len(word) + limit + 1)
                for w in self._vocab_by_length.get((n, word[0] if short else ""), ())]
        found = process.extract(word, near, scorer=OSA.distance, score_cutoff=limit, limit=32)
        if not found:
            return None
        closest = min(f[1] for f in found)
        found.sort(key=lambda f: (f[1], f[0][0] != word[0], -self.df(f[0]), f[0]))   # the same in any index
        return tuple(f[0] for f in found if f[1] == closest)

    @functools.cached_property
    def _vocab_by_length(self) -> dict[tuple[int, str], list[str]]:
        """The vocabulary by (length, first letter) and by (length, ""): a word more than a few
        edits longer or shorter is never a correction, so only words of about its length are tried."""
        out: dict[tuple[int, str], list[str]] = {}
        for w in self.vocab:
            out.setdefault((len(w), ""), []).append(w)
            if w:
                out.setdefault((len(w), w[0]), []).append(w)
        return out

    def is_name(self, phrase: str) -> bool:
        """Whether a phrase is exactly some product's name or alias."""
        return bool(self.exact_ids(key(phrase)))

    def exact_set(self, phrase: str) -> bool:
        """Whether the words of a phrase, in any order, are exactly some product's name or alias."""
        return self.has_set(set_key(" ".join(tokens(phrase))))

    # -- matching ----------------------------------------------------------------------------
    def match(self, phrase: str, want: Want = Want()) -> Match:
        """The product a phrase names, with rivals; never raises."""
        return self._match(tuple(tokens(phrase)), want)

    def _core_uncached(self, words: tuple[str, ...]) -> _Scored | Match:
        """What the words alone decide, whatever amount was said: the products in reach with
        their scores (or the unknown Match when none is); cached apart from the amount, since the
        same product is asked for in many amounts."""
        content = [w for w in words if w not in STOP] or list(words)
        if not content:
            return Match("unknown", None, 0.0)
        typo = False
        fixed: list[str] = []
        if not self.exact_ids(" ".join(content)):
            content = self._joined(content)     # "red hot" -> "redhot", unless "k cup" is a name as said
        stated = _stated_tags(content)          # read before typos are fixed: "dairy" is not "daily"
        tag_words = frozenset().union(*(w for _, w, _ in stated)) if stated else frozenset()
        for w in content:
            if w in tag_words:
                fixed.append(w)
                continue
            c = self.correct(w, content)
            if c is None:
                fixed.extend(self._unglued(w) or (w,))
            else:
                typo |= c != w
                fixed.append(c)
        exact = self.exact_ids(" ".join(fixed))
        scored: dict[int, float] = {}
        named: frozenset[int] = frozenset()
        if exact:
            for i in exact:
                for j in self.sibling_ids(key(self.product(i).name)):
                    scored[j] = 100.0
            if len(scored) > len(exact):
                named = frozenset(exact)   # an alias only some variants answer to picks them ("party size lays")
        said = frozenset(fixed) | STOP
        pairs = [f"{a}-{b}" for a, b in zip(fixed, fixed[1:])]
        look = fixed
        if stated:                          # "gluten free flour": look among the gluten-free ones
            look = [w for w in fixed if w not in tag_words] + [joined for _, _, joined in stated]
        for i in self._candidates(look, 30 if exact else MAX_CANDIDATES):
            if i not in scored:
                scored[i] = self._score(i, fixed, said, pairs)
        if not scored:
            return Match("unknown", None, 0.0, hint=self._hint(" ".join(words)))
        if stated:
            # "gluten free flour": only products that are so may answer, never the ordinary one
            kept = {i: v for i, v in scored.items() if self._has_tags(i, stated)}
            if not kept:
                best = sorted(scored, key=lambda i: (-scored[i], self.rank(i)))[:3]
                return Match("unknown", None, 0.0, hint=tuple(dict.fromkeys(self.product(i).name for i in best)))
            scored = kept
        if not exact:
            # The variants of the best product answer to its words alike (their aliases differ):
            # what was said about the pack then picks one ("bounty paper towels 12 rolls").
            top = max(scored, key=lambda i: (scored[i], -self.rank(i)))
            lifted = scored[top] - 0.5          # the one whose own words were said still leads
            for j in self.sibling_ids(key(self.product(top).name)):
                if scored.get(j, 0.0) < lifted:
                    scored[j] = lifted
        factor = TYPO_PENALTY if typo else 1.0
        order = sorted(((s * factor, -self.rank(i), i) for i, s in scored.items()), reverse=True)
        return _Scored(scored, named, typo, order)

    def _match_uncached(self, words: tuple[str, ...], want: Want) -> Match:
        core = self._core(words)
        if isinstance(core, Match):
            return core
        scored, named, order = core.scored, core.named, core.order
        factor = TYPO_PENALTY if core.typo else 1.0
        # Only those within MAX_BONUS of the best can still come first: they get their bonus for
        # the pack said and are ranked again; the rest keep their order after them.
        reach = order[0][0] - MAX_BONUS
        cut = next((k for k, r in enumerate(order) if r[0] < reach), len(order))
        ranked = sorted(((s + self._bonus(i, want) + (0.5 if i in named else 0.0), r, i)
                         for s, r, i in order[:cut]), reverse=True) + order[cut:]
        lead = ranked[0]
        first = self.product(lead[2])
        if (want.unit in CONTAINERS and want.unit not in _LOOSE_CONTAINERS and want.pack_size is None
                and first.container != want.unit and (first.size is None or first.size.count <= 1)):
            # "a can of corn": a product sold in the container said, close enough, comes first
            name, floor = key(first.name), max(WEAK, scored[lead[2]] * factor - CONTAINER_REACH)
            lead = next((r for r in ranked[1:] if self.product(r[2]).container == want.unit
                         and scored[r[2]] * factor >= floor and key(self.product(r[2]).name) != name), lead)
        best_score, _, best = lead
        best_score = min(best_score, 100.0)
        product = self.product(best)
        base = scored[best] * factor
        alternatives = tuple((self.product(i), round(min(s, 100.0), 1)) for s, _, i in ranked[:4] if i != best)[:3]
        if best_score < WEAK:
            names = dict.fromkeys(p.name for p in (product, *(a for a, _ in alternatives)))
            return Match("unknown", None, round(best_score, 1), hint=tuple(names)[:3])
        # Rivals are judged on what the words say: the pack bonus picks a variant, not a product
        # ("2 sweet potatoes" is not made closer to a 2-pack of baby food); a container said that
        # only the best fits settles it ("a can of pumpkin").
        floor, rivals = base - RIVAL_GAP, []
        for s, _, i in order:                # best first: stop at the first one too far behind
            if s < floor:
                break
            if i != best and self.product(i).category != product.category:
                rivals.append(i)
        if rivals and want.unit in CONTAINERS and product.container == want.unit:
            rivals = [i for i in rivals if self.product(i).container == want.unit]
        status = "ambiguous" if rivals or best_score < MATCHED else "matched"
        return Match(status, product, round(best_score, 1), alternatives)

    def _has_tags(self, i: int, tags: list[tuple[str, frozenset[str], str]]) -> bool:
        """Whether product ``i`` carries every tag said (or says it in its name: "Sugar Free Jello")."""
        p = self.product(i)
        return all(t in p.tags or any(words <= ks for ks, _ in self.keysets(i)) for t, words, _ in tags)

    def _unglued(self, word: str) -> tuple[str, str] | None:
        """ "redbull" -> "red", "bull": a word the catalog does not know, made of two words that
        some product's name holds together."""
        if len(word) < 6 or not word.isalpha():
            return None
        from .words import singular

        for k in range(3, len(word) - 2):
            a, b = word[:k], singular(word[k:])
            if self.df(a) and self.df(b) and self._posting_set(a) & self._posting_set(b):
                return a, b
        return None

    def _joined(self, words: list[str]) -> list[str]:
        """ "red hot" -> "redhot" when the catalog writes it as one word."""
        out: list[str] = []
        for w in words:
            if out and (out[-1] + w).isalpha() and self.df(out[-1] + w):
                out[-1] += w
            else:
                out.append(w)
        return out

    def _candidates(self, words: list[str], limit: int = MAX_CANDIDATES) -> list[int]:
        """Products holding the rarest query word and as many of the others as possible, most
        popular first (posting lists are kept in popularity order)."""
        found = sorted({w for w in words if self.df(w)}, key=lambda w: (self.df(w), w))   # ties by word: the same on every run
        if not found:
            return []
        cand = self.posting(found[0]) or []
        for w in found[1:]:
            other = self._posting_set(w)
            narrowed = list(filter(other.__contains__, cand))
            if narrowed:
                cand = narrowed
        cand = cand[:limit]
        self.prefetch(cand)
        return cand

    def prefetch(self, ids: list[int]) -> None:
        """Make the products ``ids`` quick to reach (a cached catalog reads them in one query)."""

    def _posting_set(self, word: str) -> frozenset[int]:
        s = self._sets_by_token.get(word)
        if s is None:
            s = self._sets_by_token[word] = frozenset(self.posting(word) or ())
        return s

    def _score(self, i: int, words: list[str], said: frozenset[str], pairs: list[str]) -> float:
        """0-100: how much of the query the product covers, and how much of the product the query says.

        A name whose head noun (its last word) goes unsaid while the query's own last word sits
        before it names something else: "red wine" is not "red wine vinegar", "garlic" is not
        "garlic powder". Such a reading loses HEAD_PENALTY points.
        """
        free = self.free(i)
        n = len(words)
        total = n + 0.5                      # every word weighs 1, the last (the head noun) 1.5
        # words said that any name of the product may carry: its brand and tags ("gluten free")
        covered = [w in free for w in words]
        for j, pair in enumerate(pairs):
            if pair in free:
                covered[j] = covered[j + 1] = True
        last = words[-1]
        penalize = last.isalpha() and not any(w in free for w in words)   # "fage 0%", "pompeian red wine"
        compounds = _compounds()
        best = 0.0
        for ks, head in self.keysets(i):
            if head in compounds and any(c <= ks and not c <= said for c in compounds[head]):
                continue                     # "beer" alone is not "root beer" (lang: not_alone)
            got = 0.0
            for j, w in enumerate(words):
                if covered[j] or w in ks:
                    got += 1.5 if j == n - 1 else 1.0
            s = 100.0 * (0.75 * got / total + 0.25 * len(ks & said) / len(ks))
            if penalize and head not in said and last in ks and head not in free:
                s -= HEAD_PENALTY
            if s > best:
                best = s
        return best

    def _bonus(self, i: int, want: Want) -> float:
        """A few points for the variant whose pack fits what was said (a gallon, a 5 lb bag, 6 eggs)."""
        p = self.product(i)
        size = p.size
        bonus = 0.0
        if want.unit and p.container == want.unit:
            bonus += 1.0
        if size is None:
            return bonus
        if want.pack_size is not None:
            ps = want.pack_size
            ps = Size(ps.count, ps.amount, aligned(ps.unit, size))
            if ps.dimension == size.dimension and abs(ps.base - size.base) <= 0.03 * size.base:
                bonus += 6.0
            elif ps.unit == "ct" and ps.count == 1 and size.items == ps.amount:
                bonus += 6.0
            elif ps.count > 1 and size.count == ps.count:
                bonus += 4.0
            return bonus
        unit = aligned(want.unit, size)
        dim = dimension(unit)
        if dim is not None and dim == size.dimension:
            if abs(to_base(want.quantity, unit) - size.base) <= 0.03 * size.base:
                bonus += 5.0
        elif (want.unit is None or want.unit in CONTAINERS and want.unit != p.container) \
                and size.items > 1 and want.quantity == size.items:
            bonus += 5.0
        return bonus

    def _hint(self, phrase: str) -> tuple[str, ...]:
        phrase = phrase[:80]
        if sum(c.isalpha() for c in phrase) < 3:
            return ()
        from rapidfuzz import fuzz, process

        found = process.extract(phrase, self.names, scorer=fuzz.QRatio, limit=8, score_cutoff=72)
        return self.relevant(phrase, dict.fromkeys(n for n, _, _ in found))[:3]

    def relevant(self, phrase: str, names) -> tuple[str, ...]:
        """The names that share a content word with a phrase, or a typo's correction of one: a "did
        you mean" with only letters in common ("aa batteries" ~ "Original Spread") is no help."""
        said = [w for w in tokens(phrase) if w not in STOP and not w[:1].isdigit()]
        words = set(said) | {c for c in map(self._corrected_or_none, said) if c}
        return tuple(n for n in names if words & set(tokens(n)))

    def _corrected_or_none(self, word: str) -> str | None:
        try:
            return self.correct(word)
        except Exception:  # noqa: BLE001 - a hint never fails a request
            return None



class Index(Matcher):
    """The look-up tables of a catalog held in memory, built once per catalog."""

    def __init__(self, catalog: Catalog) -> None:
        super().__init__()
        self.catalog = catalog
        products = self.products = catalog.products
        self._exact: dict[str, list[int]] = {}
        self._keys: list[list[frozenset[str]]] = []
        self._free: list[frozenset[str]] = []
        self._siblings: dict[str, list[int]] = {}
        postings: dict[str, list[int]] = {}
        order = sorted(range(len(products)), key=lambda i: -products[i].popularity)
        self._rank = [0] * len(products)
        for r, i in enumerate(order):
            self._rank[i] = r
        for i, p in enumerate(products):
            name, names, free = product_keys(p)
            self._free.append(free)
            for k in names:
                self._exact.setdefault(k, []).append(i)
            self._keys.append([(frozenset(k.split()), k.split()[-1]) for k in names])
            self._siblings.setdefault(name, []).append(i)
        for i in order:
            for t in set().union(*(ks for ks, _ in self._keys[i]), self._free[i]):
                if t not in STOP:
                    postings.setdefault(t, []).append(i)
        self._postings = postings
        self._df = {t: len(p) for t, p in postings.items()}
        self._sets = {set_key(k) for k in self._exact}
        self.and_phrases = [k for k in self._exact if " and " in f" {k} "]

    def exact_ids(self, k: str) -> list[int] | None:
        return self._exact.get(k)

    def sibling_ids(self, namekey: str) -> list[int]:
        return self._siblings.get(namekey, [])

    def posting(self, word: str) -> list[int] | None:
        return self._postings.get(word)

    def df(self, word: str) -> int:
        return self._df.get(word, 0)

    def product(self, i: int) -> Product:
        return self.products[i]

    def rank(self, i: int) -> int:
        return self._rank[i]

    def keysets(self, i: int) -> list[tuple[frozenset[str], str]]:
        return self._keys[i]

    def free(self, i: int) -> frozenset[str]:
        return self._free[i]

    def has_set(self, words: frozenset[str]) -> bool:
        return words in self._sets

    @functools.cached_property
    def vocab(self) -> list[str]:
        return list(self._postings)

    @functools.cached_property
    def head_words(self) -> frozenset[str]:
        """The last word of every name and alias: the words that can name a product ("milk"), as
        against those that only describe one ("unsweetened", "fresh", "lean")."""
        return frozenset(k.split()[-1] for k in self._exact if k.split())

    @functools.cached_property
    def names(self) -> list[str]:
        """Every distinct product name, for "did you mean" hints."""
        return list(dict.fromkeys(p.name for p in self.products))
