"""The thing a statement counts, and how alike two things are (pure, no database).

A goal and its result are often worded differently: 新建提升口袋公园80个 and 85个口袋公园等
建成开放 both count 口袋公园. ``thing`` takes the statement's indicator name (a lexicon
indicator's Chinese name, else the phrase the extractor read), makes the text one (Ⅰ/I,
〇/零, full/half width, 占比/比重/比例 …), drops qualifiers that do not change what is
counted, and strips actions, adverbs and tails from both ends; every word list is in
``tracker/lexicon/things.yaml``. ``similarity`` compares two things with character
bigrams (Dice), a thing wholly inside the other counting as close; ``refusal`` says why
two things must never be taken for one (a sub-category word on one side only, a place
named on one side only).
"""

from __future__ import annotations

import re
from functools import cached_property

from tracker.lexicon import Lexicon, lexicon
from tracker.normalize import normalize

_NOT_WORDING = re.compile(r"[\d.%,，、;；:：()（）“”\"'‘’《》\s+\-—–·/]+")
# a thing wholly inside the other (a longer name of the same thing: 参保 in 长护险参保) scores
# at least _CONTAINED + (1 - _CONTAINED) x (its share of the longer one's characters)
_CONTAINED = 0.4
_MIN_CONTAINED = 3  # characters (出口 inside 服务贸易出口 says little)
_MIN_THING = 2  # stripping never leaves fewer characters than this
_PLACE_SUFFIX = "省市区县州"


class Things:
    def __init__(self, lex: Lexicon | None = None) -> None:
        self.lex = lex or lexicon()
        t = self.lex.things
        self._replace = [(r.text, r.as_) for r in (*t.same_text, *t.synonyms)]
        by_len = lambda words: sorted(set(words), key=lambda w: (-len(w), w))  # noqa: E731
        self._actions = by_len(t.actions)
        self._adverbs = by_len(t.adverbs)
        self._tails = by_len(t.tails)
        self._qualifiers = by_len(t.qualifiers)
        self._drop = [re.compile(rx) for rx in t.drop_regex]
        self._narrowing = by_len(t.narrowing)
        self._heads = by_len(t.measure_heads)
        self._cache: dict[str, str] = {}
        self._gram_cache: dict[str, frozenset[str]] = {}
        self._head_cache: dict[str, tuple[str, str]] = {}

    @cached_property
    def _places(self) -> list[str]:
        names = [n for r in self.lex.regions.regions for n in (r.name, *r.aliases) if len(n) >= 2]
        # 长沙 for 长沙市: the short name is how a report names a city inside its province
        names += [n[:-1] for n in names if n[-1] in _PLACE_SUFFIX and len(n) >= 3]
        return sorted(set(names), key=len, reverse=True)

    @cached_property
    def _figure(self) -> re.Pattern[str]:
        """A figure with its multiplier and unit (42个, 1.5万亿元): not part of what is counted."""
        units = sorted({u.text for u in self.lex.units.units}, key=len, reverse=True)
        mult = sorted({m.text for m in self.lex.units.multipliers}, key=len, reverse=True)
        return re.compile(
            r"\d[\d.,]*(?:" + "|".join(map(re.escape, mult)) + r")*(?:" + "|".join(map(re.escape, units)) + ")?"
        )

    def text(self, name: str) -> str:
        """The name made one text: normalised characters, synonyms, no figures or punctuation."""
        s = normalize(name)
        for a, b in self._replace:
            s = s.replace(a, b)
        return _NOT_WORDING.sub("", self._figure.sub("", s))

    def thing(self, name: str) -> str:
        """What ``name`` counts: its text without qualifiers, leading actions/adverbs, trailing actions/tails."""
        hit = self._cache.get(name)
        if hit is not None:
            return hit
        s = self.text(name)
        for m in self.lex.things.part_of:  # 经营主体数量中企业数 counts 企业
            if m in s and len(s.rsplit(m, 1)[1]) >= _MIN_THING:
                s = s.rsplit(m, 1)[1]
        for q in self._qualifiers:
            s = s.replace(q, "")
        for rx in self._drop:
            s = rx.sub("", s)
        # adverbs, then one action, from the front; tails, then one action, from the back
        s = self._strip_front(self._strip_front(s, self._adverbs, many=True), self._actions, many=False)
        s = self._strip_back(self._strip_back(s, self._tails, many=True), self._actions, many=False)
        s = self._strip_back(s, self._tails, many=True)
        self._cache[name] = s
        return s

    @staticmethod
    def _strip_front(s: str, words: list[str], *, many: bool) -> str:
        done = False
        while not done:
            done = True
            for w in words:
                if s.startswith(w) and len(s) - len(w) >= _MIN_THING:
                    s, done = s[len(w) :], not many
                    break
        return s

    @staticmethod
    def _strip_back(s: str, words: list[str], *, many: bool) -> str:
        done = False
        while not done:
            done = True
            for w in words:
                if s.endswith(w) and len(s) - len(w) >= _MIN_THING:
                    s, done = s[: -len(w)], not many
                    break
        return s

    def _grams(self, s: str) -> frozenset[str]:
        hit = self._gram_cache.get(s)
        if hit is None:
            hit = self._gram_cache[s] = frozenset({s} if len(s) == 1 else {s[i : i + 2] for i in range(len(s) - 1)})
        return hit

    def generic(self, thing: str) -> bool:
        """Whether ``thing`` is only a general word (项目, 企业): too vague to match on."""
        return thing in self.lex.things.generic

    def has_action(self, name: str) -> bool:
        """Whether ``name`` starts or ends with an action word (a count of things done, not a stock)."""
        s = self.text(name)
        for q in self._qualifiers:
            s = s.replace(q, "")
        s = self._strip_front(s, self._adverbs, many=True)
        return any(s.startswith(w) or s.endswith(w) for w in self._actions)

    def _head(self, thing: str) -> tuple[str, str]:
        """(what is measured, the measure word at its end): 服务业增加值 -> (服务业, 增加值)."""
        hit = self._head_cache.get(thing)
        if hit is None:
            hit = next(((thing[: -len(h)], h) for h in self._heads if thing.endswith(h) and len(thing) > len(h)), None)
            hit = self._head_cache[thing] = hit or (thing, "")
        return hit

    def names_action(self, name: str) -> bool:
        """Whether an action word is anywhere in ``name`` (城镇新增就业, 改造城中村)."""
        s = self.text(name)
        return any(w in s for w in self._actions)

    def similarity(self, a: str, b: str) -> float:
        """How alike two things are, 0–1: bigram Dice, a thing wholly inside the other scoring by its share
        of it. Two things ending in the same measure word (增加值, 投资) are compared without it: the
        measure word says nothing about which thing; ending in different ones, they are different."""
        if not a or not b:
            return 0.0
        if a == b:
            return 1.0
        (oa, ha), (ob, hb) = self._head(a), self._head(b)
        if ha and hb:
            if ha != hb:
                return 0.0
            a, b = oa, ob
            if a == b:
                return 1.0
        short, long_ = sorted((a, b), key=len)
        ga, gb = self._grams(a), self._grams(b)
        dice = 2 * len(ga & gb) / (len(ga) + len(gb)) if ga and gb else 0.0
        if len(short) >= _MIN_CONTAINED and short in long_:
            return max(dice, _CONTAINED + (1 - _CONTAINED) * len(short) / len(long_))
        return dice

    def own_level(self, region: str) -> str | None:
        """The level word a report uses for its own government (省级 in 山东省's report): implied when absent."""
        for suffix, word in self.lex.things.own_level.items():
            if region.endswith(suffix):
                return word
        return None

    def refusal(self, goal_name: str, out_name: str, region: str = "") -> str | None:
        """Why the two names cannot be one thing: a narrowing word or a place on one side only, or one
        thing of a list on the other side (水利完成投资 is not 交通、能源、水利完成投资)."""
        a, b = self.text(goal_name), self.text(out_name)
        own = self.own_level(region)
        for w in self._narrowing:
            if (w in a) != (w in b) and w != own:
                return f"sub-category: {w}"
        for w in self.lex.things.narrowing_starts:
            if a.startswith(w) != b.startswith(w):
                return f"sub-category: {w}…"
        for m in self.lex.things.list_marks:
            if (m in goal_name) != (m in out_name):
                single, listed = (out_name, goal_name) if m in goal_name else (goal_name, out_name)
                one = self.text(single)
                items = [self.text(i) for i in listed.split(m)]
                if any(len(i) >= _MIN_THING and one.startswith(i) for i in items):
                    return f"one of several things on the other side ({m})"
        for p in self._places:
            if (p in a) != (p in b):
                return f"place: {p}"
        return None
