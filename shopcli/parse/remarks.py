"""Words in a request that are not items: self-corrections ("2 milks, no wait, 3"), things not
wanted ("no cheese this time", "bread (not wheat)"), take-backs ("actually skip the strawberries"),
and the greeting, sign-off and story of a letter. The parser decides what they apply to.
"""

from __future__ import annotations

import functools
import re

from ..catalog.words import lang
from .patterns import lazy

__all__ = ["correction", "negation_cut", "taken_back", "tells_a_story", "without_letter_words", "list_framing"]

# "no wait", "I mean", "scratch that", "make it": what follows replaces the item before
_STRONG = (r"(?:wait|hold on|i mean|i meant|scratch(?: that)?|strike(?: that)?|correction|rather|make that|make it|"
           r"change that to|change it to|not that|no no)")
# "no", "sorry", "actually" correct only an amount: "no, the 24", "sorry 4", "actually 2 dozen"
_WEAK = r"(?:no|nah|nope|sorry|oops|whoops|actually|oh)"
_MARKER_RE = lazy(rf"^(?:{_WEAK}\b[\s,.!-]*)*{_STRONG}\b[\s,.!:-]*(?:{_STRONG}\b[\s,.!:-]*)*")
_WEAK_AMOUNT_RE = lazy(
    rf"^(?:{_WEAK}\b[\s,.!-]*)+(?=(?:the |just |only )?(?:\d|a |an |half |one |two |three |four |five |six "
    r"|seven |eight |nine |ten |twelve |a dozen|dozen))")
# a marker that only pauses ("oh wait", "hold on"): what follows corrects no product
_ONLY_WAIT_RE = lazy(r"(?:(?:oh|oops|whoops|um|uh|wait|hold on|actually)\b[\s,.!:-]*)+")
# "… is fine", "… will do", "… instead": said after the corrected amount
_SETTLED_RE = lazy(r"\s+(?:is|are|will|would|should)\s+(?:fine|enough|plenty|do|be (?:fine|enough|plenty))$"
                   r"|\s+instead$|\s+(?:please|thanks)$")

_TAKE_BACK_RE = lazy(
    r"^(?:(?:actually|wait|sorry|oh|on second thought)[\s,]+)*"
    r"(?:skip|forget|drop|remove|delete|erase|cancel|scrap|leave out|take out|take off|cross off|cross out|"
    r"get rid of|scratch(?!\s+(?:that|this|it)\b)|never ?mind|no need for|don't need|dont need|do not need|"
    r"(?:i|we)\s+(?:don't|dont|do not|no longer)\s+need)"
    r"\s+(?:the\s+|my\s+|those\s+|that\s+)?(?P<what>.+?)(?:\s+after all|\s+any ?more|\s+anymore)?$"
    r"|^(?:actually[\s,]+)?no\s+(?P<what2>.+?)\s+after all$")

# "no cheese this time", "not the green ones", "without onions": a thing not wanted
_NOT_WANTED_RE = lazy(r"^(?:but\s+|and\s+)?(?:no|not|without|minus|except|excluding|nothing)\b")
# "bread (not wheat)", "coffee but not decaf", "crunchy not creamy", "bacon but no sausage"
_NEGATED_TAIL_RE = lazy(
    r"\s*\(\s*(?:no|not|without)\b[^()]*\)?"
    r"|\s+(?:but|and)\s+(?:no|not|without)\b.*$"
    r"|\s+not\s+(?:the\s+|a\s+|any\s+)?[\w%'-]+(?:\s+(?:ones?|kind|type|brand|one|version))?(?=\s*$|\s*,)"
    r"|\s+instead of\b.*$"
    # "the rye bread your father likes": who it is for is not what it is
    r"|\s+(?:that\s+|which\s+)?(?:your|my|his|her|our|their|the)\s+[a-z']+\s+(?:likes?|loves?|wants?|prefers?|"
    r"uses?|eats?|drinks?|usually gets?|always gets?)$")


# the words those can start with: most phrases are checked with one set look-up
_MARKER_FIRST = frozenset("no nah nope sorry oops whoops actually oh wait hold i scratch strike correction rather "
                          "make change not".split())
_TAKE_BACK_FIRST = frozenset("actually wait sorry oh on skip forget drop remove delete erase cancel scrap leave take "
                             "never nevermind no don't dont do cross get scratch i we".split())


# every word the patterns below start from (a cheap test first)
_NEGATION_WORDS = frozenset("no not without minus except excluding nothing instead like likes love loves want wants "
                            "prefer prefers use uses eat eats drink drinks get gets".split())


def correction(phrase: str) -> tuple[str, bool] | None:
    """What a self-correction says instead, and whether it may replace a product (a strong marker
    such as "no wait", "scratch that") or only an amount ("sorry 4", "actually 2 dozen"):
    "no wait, 3" -> ("3", True), "sorry 4" -> ("4", False), "no wait" -> ("", True); None when
    the phrase corrects nothing."""
    if phrase.split(" ", 1)[0].rstrip(",.!-") not in _MARKER_FIRST:
        return None
    m = _MARKER_RE.match(phrase)
    # "scratch that", "I mean", "no wait" may replace the product; "oh wait", "hold on" and the weak
    # markers only an amount ("oh wait, bread" adds bread)
    strong = m is not None and not _ONLY_WAIT_RE.fullmatch(m.group(0))
    m = m or _WEAK_AMOUNT_RE.match(phrase)
    if m is None or not m.group(0).strip(" ,.!-"):
        return None
    rest = phrase[m.end():].strip(" ,.!:-")
    return _SETTLED_RE.sub("", rest).strip(), strong


# what follows "oh wait" that adds rather than corrects: "oh wait, also bread", "wait, i need eggs too"
ADDING_RE = lazy(r"^(?:also|and|plus|too|another|i (?:also )?need|we (?:also )?need|add|i forgot)\b")


def taken_back(phrase: str) -> str | None:
    """What a take-back names ("actually skip the strawberries" -> "strawberries"), or None."""
    if phrase.split(" ", 1)[0].rstrip(",.!-") not in _TAKE_BACK_FIRST:
        return None
    m = _TAKE_BACK_RE.match(phrase)
    if m is None:
        return None
    return (m["what"] or m["what2"] or "").strip(" ,.") or None


def negation_cut(phrase: str) -> str | None:
    """The phrase without what it says is not wanted: "" when all of it is ("no cheese this
    time"), the rest when only a tail is ("coffee but not decaf" -> "coffee"), None when nothing
    is negated. The caller keeps the phrase whole when it names a product ("no pulp orange juice")."""
    words = phrase.replace("(", " ").split()
    if _NEGATION_WORDS.isdisjoint(words):
        return None
    if _NOT_WANTED_RE.match(phrase):
        return ""
    cut = _NEGATED_TAIL_RE.sub("", phrase).strip(" ,-")
    return cut if cut != phrase else None


# "hello dear,", "hi aunt marge,", "sweetie," at the start of a message; "love, mom",
# "kind regards, mrs. eleanor whitfield", "thanks a bunch!" at its end
_GREETING_RE = lazy(r"^(?:(?:hi|hello|hey|hiya|dear|good (?:morning|afternoon|evening)|morning|yo)\b"
                          r"(?P<name>(?: [a-z'.]+){0,2})\s*[,!:-]\s*"
                          r"|(?:sweetie|sweetheart|honey|darling|babe|hun)\s*[,!]\s*)")
_SIGN_OFF_RE = lazy(r"(?:^|(?<=[\n,.!]))\s*(?:love|lots of love|all my love|thanks|thank you|thx|cheers|"
                          r"regards|kind regards|best regards|warm regards|best|best wishes|sincerely|yours|"
                          r"god bless|xoxo|xx|many thanks|ta)\b(?:[\s,]+[a-z'.]+){0,3}[\s.!]*$")


_GREETING_FIRST = frozenset("hi hello hey hiya dear good morning yo sweetie sweetheart honey darling babe hun".split())
_SIGN_OFF_FIRST = frozenset("love lots all thanks thank thx cheers regards kind best warm sincerely yours god xoxo xx "
                            "many ta".split())


def without_letter_words(text: str, index, remarks: list[str]) -> str:
    """A message without its greeting and its sign-off, which go to ``remarks`` (never when
    they might name a product: "honey, milk", "milk, eggs, best foods mayo")."""
    m = _GREETING_RE.match(text) if text.split(" ", 1)[0].rstrip(",!:-") in _GREETING_FIRST else None
    if m:
        words = m[0].strip(" ,!:-")
        name = (m["name"] or "").strip()
        if not (index.is_name(name or "-") or index.is_name(words)):   # "hey milk, eggs" keeps its milk
            remarks.append(words)
            text = text[m.end():]
    for _ in range(2):                      # "thank you sweetheart, love mom"
        start = max(0, len(text) - 60)       # a sign-off is short: look at the end only
        if _SIGN_OFF_FIRST.isdisjoint(text[start:].replace(",", " ").split()):
            break
        m = _SIGN_OFF_RE.search(text, start)
        if m is None or m.start() == 0:
            break
        said = m[0].strip(" ,.!\n")
        after = said.split(None, 1)[1] if " " in said else ""
        if "and" in said.split() or any(_names_something(x, index) for x in (said, after) if x):
            break                           # "love the cheese", "thanks and also butter": an item
        remarks.append(said)
        text = text[:m.start()].rstrip(" ,")
    return text


def _names_something(words: str, index) -> bool:
    """Whether words the catalog knows (no typo guessing: "grandma" is not granola) name a product."""
    from ..catalog.words import tokens

    known = [t for t in tokens(words) if t not in ("love", "thank", "thanks", "you", "best", "cheers", "regards")]
    return bool(known) and all(index.df(t) for t in known) and index.match(words).status != "unknown"


def tells_a_story(line: str) -> bool:
    """A sentence of a longer message that tells a story rather than orders (the caller has found no
    product in it): no amount, a few words, and it talks about people ("uncle bob is bringing the turkey")."""
    return not any(c.isdigit() for c in line) and len(line.split()) >= 3 and bool(_PERSONAL_RE.search(line))


_PERSONAL_RE = lazy(r"\b(?:is|are|was|were|has|have|had|will|would|said|says|going|coming|bringing|can't|"
                          r"cant|doesn't|didn't|did|does|i|we|you|he|she|they|it|my|your|his|her|their|our|me|"
                          r"him|them)\b")


# -- voice assistants and list apps: "add eggs to my shopping list" ----------------------------

@functools.cache
def _framing() -> tuple[re.Pattern[str], re.Pattern[str], tuple[str, ...]]:
    f = lang()["framing"]

    def alt(words) -> str:
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    place = rf"(?:(?:{alt(f['whose'])})\s+)?(?:[a-z']+\s+){{0,2}}?(?:{alt(f['places'])})"
    # "… to my shopping list", "… off my list": group 1 says which way
    # (anything may follow: "put chicken broth on the list two cartons", "salmon on the list for friday")
    where = re.compile(rf"\s+(?:({alt(f['out_of'])})|(?:{alt(f['into'])}))\s+{place}"
                       rf"(?:\s+for\s+(?:today|tonight|tomorrow|the weekend|[a-z]+day))?(?![\w'-])")
    lead = re.compile(rf"^(?:(?:{alt(f['leading'])})\b[\s,]*)+")
    return where, lead, tuple(sorted(f["removing"], key=len, reverse=True))


def list_framing(line: str) -> str:
    """A request told to a voice assistant, without its framing: "add eggs to my shopping list" ->
    "add eggs"; "update my list with two gallons of milk" -> "two gallons of milk"; "take the bread
    off my list" -> "remove the bread" (a take-back). Other text comes back unchanged."""
    if " " not in line:
        return line
    where, lead, removing = _framing()
    m = where.search(line)
    if m is not None:
        led = lead.sub("", line) or line     # "hey google delete milk from my list"
        if led != line:
            return list_framing(led)
        verb = next((r for r in removing if line.startswith(r + " ")), None)
        # "take the bread off my list"; "get rid of the chips on my list" (any way but "take … on")
        if verb is not None and (m[1] or verb != "take"):
            rest = line[len(verb):m.start()].strip()
            rest = rest[4:] if rest.startswith("out ") or rest.startswith("off ") else rest
            return f"remove {rest}{line[m.end():]}"
        line = line[:m.start()] + line[m.end():]
    return lead.sub("", line) or line
