"""Extract: a document and its sections -> goals and outcomes (``Statement``).

For each figure the quantity grammar finds, the extractor reads, inside the figure's
clause: the measure cue directly in front of it (增长, 年均增长, 下降到 …), the
indicator phrase before the cue, or for tasks (新增7000张养老床位) the verb and the
thing after the figure. A clause without a subject takes the previous figure's
(达到8.5万元、增长6.6%); 都/均 give one statement per subject; 分别 pairs subjects and
figures; 从A提高到B keeps A as the baseline of B. The kind comes from the section's
role and the period, the period from the sentence, the paragraph or the section.

How one figure is read is a table of small named rules, in order, in
``tracker.rules.figures`` (``FIGURE_RULES``): each has a docstring with a real example
sentence and what it yields, so the rule for a sentence is found by its example.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from tracker.ingest import blank, lines_with_offsets
from tracker.lexicon import Lexicon, lexicon
from tracker.models import Comparator, Document, IndicatorRef, Kind, Period, Section, Span, Statement
from tracker.normalize import normalize
from tracker.quantity import Grammar, Quantity, find_quantities, grammar
from tracker.rules.common import HARD, MAX_PHRASE, Draft, Sentence, strip_prefixes, strip_suffixes
from tracker.rules.figures import read_sentence
from tracker.structure import period_of_text, section_at, strip_vocative, turn_period

_SENT = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_UNTIL = re.compile(r"(?:到|至|力争到|争取到|预计到)((?:19|20)\d{2})年")
_LEAD_YEAR = re.compile(r"^\s*((?:19|20)\d{2})年(?!以来|以前|之前|比|相比)")
_SPLIT_SUBJECTS = re.compile(r"和|与|以及|、")
_MAX_QUOTE = 200
_OPENING = 30  # characters of a paragraph read for its period
_MAY_HOLD_FIGURE = re.compile(
    r"\d|[破超过上][千百]?(?:万亿|亿|万)|[一二三四五六七八九十]个百分点|倍|翻[一两]?番|翻了一番|分之|一半|过半|半数"
)
_BASE_YEAR = re.compile(r"(?:从|由|比|较|相比|与)(?:19|20)\d{2}\s*年")
_YEAR_IN = re.compile(r"(?:19|20)\d{2}\s*年")
_RANKING = re.compile(r"(?:居|位居|位列|排名|跃居|稳居)(?:全国|全省|世界|全球)[^，。；]*$")
_PAREN_AT_START = re.compile(r"^\s*[（(][^）)]{0,8}[）)]")
_LIST_SEP = re.compile(r"、(?![^（(]*[）)])")
_CJK = re.compile(r"[\u4e00-\u9fff“\"（(]")
# subjects written as quoted names side by side, sharing what follows (“保交楼”“保交房”交付率)
_QUOTED = re.compile(r"“[^“”]{1,12}”")
_QUOTED_PAIR = re.compile(r"^(?P<quoted>(?:“[^“”]{1,12}”){2,})(?P<tail>[^“”]+)$")


@dataclass
class Vocab:
    """Indicator lookup built once from the lexicon."""

    lex: Lexicon
    alias: dict[str, str] = field(default_factory=dict)  # normalised alias -> indicator id
    strip_regex: list[re.Pattern[str]] = field(default_factory=list)
    region_words: list[str] = field(default_factory=list)
    neutral: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, lex: Lexicon) -> Vocab:
        v = cls(lex=lex)
        v.strip_regex = [re.compile(r) for r in lex.cues.phrase_strip_regex]
        v.neutral = sorted(lex.indicators.neutral_prefixes, key=len, reverse=True)
        words = list(lex.cues.region_words)
        for r in lex.regions.regions:
            words.append(r.name)
            words.extend(r.aliases)
        v.region_words = sorted(set(words), key=len, reverse=True)
        for ind in lex.indicators.indicators:
            for a in lex.indicators.aliases_of(ind):
                v.alias.setdefault(v.key(a), ind.id)
        return v

    def key(self, phrase: str) -> str:
        """Normalised indicator key: no region words, neutral prefixes, particles or punctuation."""
        k = normalize(phrase)
        for r in self.strip_regex:
            k = r.sub("", k)
        k = re.sub(r"[\s“”\"'‘’《》「」（）()【】·\-—_]", "", k)
        for w in self.region_words:
            if w in k and k != w:
                k = k.replace(w, "")
        changed = True
        while changed and k:
            changed = False
            for p in self.neutral:
                if k.startswith(p) and len(k) > len(p) + 1:
                    k = k[len(p) :]
                    changed = True
        k = k.replace("的", "")
        return k

    def resolve(self, phrase: str) -> IndicatorRef:
        k = self.key(phrase)
        ind_id = self.alias.get(k)
        if ind_id:
            ind = self.lex.indicators.by_id(ind_id)
            assert ind is not None
            return IndicatorRef(id=ind.id, name=ind.zh, key=ind.id)
        return IndicatorRef(id=None, name=phrase, key=k)


@cache
def vocab() -> Vocab:
    return Vocab.build(lexicon())


# Sentences larger than this are not read, with a note: the longest of the development corpus has ~500
# characters and 25 numbers, and reading a sentence costs more than linear time in its figures.
MAX_SENTENCE_CHARS = 2000
MAX_SENTENCE_NUMBERS = 100
_NUMBER = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?|[零〇一二两三四五六七八九十百千万亿]+")


def _rank_pattern(verbs: list[str], scopes: list[str]) -> re.Pattern[str] | None:
    """居全国, 位居全省…: a rank verb then a scope (``rank_verbs``, ``rank_scopes``)."""
    if not verbs or not scopes:
        return None
    return re.compile(f"(?:{'|'.join(map(re.escape, verbs))})(?:{'|'.join(map(re.escape, scopes))})")


class Extractor:
    def __init__(self, lex: Lexicon | None = None) -> None:
        self.notes: list[str] = []  # what the last extract() could not read, one line each
        self.lex = lex or lexicon()
        self.g: Grammar = grammar() if lex is None else Grammar(self.lex)
        self.v: Vocab = vocab() if lex is None else Vocab.build(self.lex)
        cues = self.lex.cues
        self.measure_cues = sorted(cues.measure_before, key=lambda c: len(c.text), reverse=True)
        self.task_verbs = sorted(cues.task_verbs, key=len, reverse=True)
        self.strip_suffix = sorted(cues.phrase_strip_suffix, key=len, reverse=True)
        self.strip_prefix = sorted(cues.phrase_strip_prefix, key=len, reverse=True)
        self.to_verbs = sorted(cues.to_verbs, key=len, reverse=True)
        self.increase_verbs = [c.text for c in cues.measure_before if c.measure == "increase"]
        self.task_verb_set = set(cues.task_verbs) | set(self.increase_verbs)
        self.task_verb_only = set(cues.task_verbs) - set(self.increase_verbs)
        self.stretch_cues = set(cues.stretch_cues)
        self.bare_heads = set(cues.bare_heads) | set(cues.total_heads)
        self.total_heads = set(cues.total_heads)
        self.dependent = set(cues.dependent_words)
        self.tail_verbs = tuple(cues.tail_verbs)
        self.noun_heads = tuple(cues.shared_heads)
        # bare heads completed from a lexicon alias whose front part the sentence names
        self.head_index: dict[str, list[tuple[str, str]]] = {}
        for ind in self.lex.indicators.indicators:
            for a in self.lex.indicators.aliases_of(ind):
                for h in self.bare_heads:
                    if a.endswith(h) and len(a) > len(h):
                        self.head_index.setdefault(h, []).append((a[: -len(h)], ind.id))
        self.relative = [re.compile(r) for r in cues.relative_regex]
        on = cues.figureless_goals
        self.relational = [(re.compile(r.regex), r.measure, r.comparator) for r in cues.relational] if on else []
        self.qualitative = [re.compile(r) for r in cues.qualitative] if on else []
        self.zero = [re.compile(r) for r in cues.zero]
        hints = [r.pattern for r, _, _ in self.relational] + [r.pattern for r in self.qualitative + self.zero]
        hints = [re.sub(r"\(\?P<\w+>", "(", h) for h in hints]  # one pattern: no repeated group names
        self.figureless_hint = re.compile("|".join(f"(?:{h})" for h in hints) or "(?!)")
        self.cue_texts = tuple(
            sorted({c.text for c in cues.measure_before} | set(cues.to_verbs), key=len, reverse=True)
        )
        self.noun_stops = tuple(cues.noun_after_stops)
        self.growth_cues = tuple(c.text for c in cues.measure_before if c.measure == "growth" and len(c.text) == 2)
        self.gloss_bases = tuple(sorted(cues.gloss_bases, key=len, reverse=True))
        self.split_words = cues.distribute_split
        self.shared_heads = sorted(cues.shared_heads, key=len, reverse=True)
        self.per_units = {p.canonical: p.unit for p in self.lex.units.per_prefixes}
        self.adding_verbs = set(cues.adding_verbs) | set(self.increase_verbs)
        cmp = self.lex.comparators
        self.before_cmp = {c.text: c.comparator for c in cmp.before}
        of_ref = [w for w in cmp.of_reference if w in self.before_cmp]
        self.of_reference = (
            re.compile(
                "("
                + "|".join(sorted(map(re.escape, of_ref), key=len, reverse=True))
                + ")"
                + f"[^，。；、]{{1,{cmp.of_reference_span}}}的$"
            )
            if of_ref
            else None
        )
        # a subject opening with 新增 or a 新-verb (新培育…平台10家) counts things newly added
        self.adding_starts = tuple(self.increase_verbs) + tuple(v for v in cues.adding_verbs if v.startswith("新"))
        # place names as written in lists (厦门、福州机场…): regions, aliases, names without 市/省/县/区
        places = {w for r in self.lex.regions.regions if r.level != "national" for w in [r.name, *r.aliases]}
        places |= {n[:-1] for n in places if len(n) >= 3 and n[-1] in "市省县区"}
        self.places = sorted(places, key=len, reverse=True)
        self.attribute_words = sorted(cues.attribute_words, key=len, reverse=True)
        self.attribute_predicates = sorted(set(cues.attribute_predicates) | set(cues.task_verbs), key=len, reverse=True)
        self.clause_openers = tuple(cues.clause_openers)
        self.task_verbs_t = tuple(self.task_verbs)
        self.lead_verbs_t = tuple(cues.lead_verbs)
        self.scope_openers = tuple(cues.scope_openers)
        self.state_verbs = tuple(cues.state_verbs)
        self.rate_marks = tuple(cues.rate_marks)
        self.rate_heads = tuple(cues.rate_heads)
        # 新 in front of any of these makes a count one of new things (新创建, 新布局, 新登记)
        self.after_new = (*self.adding_verbs, *self.task_verbs_t)
        names = "|".join(map(re.escape, cues.digit_name_after))
        self.digit_names = re.compile(rf"\d+(?:{names})") if names else None
        self.word_measures = {w.text: w.measure for w in self.lex.units.word_figures if w.measure}
        self.rank_re = _rank_pattern(cues.rank_verbs, cues.rank_scopes)
        self.measure_after = sorted(cues.measure_after, key=lambda c: len(c.text), reverse=True)

    # ------------------------------------------------------------ periods and kinds

    def sentence_period(self, sent: str, base: Period | None, year: int) -> Period | None:
        m = _UNTIL.search(sent)
        if m:
            end = int(m.group(1))
            if year <= end <= year + 20:
                start = base.start if base and base.start >= year else year
                return Period(start=min(start, end), end=end)
        m = _LEAD_YEAR.match(sent)
        if m:
            y = int(m.group(1))
            if year - 10 <= y <= year + 1:
                return Period(start=y, end=y)
        return base

    def opening_period(self, opening: str, year: int) -> Period | None:
        """The period a paragraph opens with; 今年 wins over a plan name (今年是“十五五”开局之年);
        a look back over years right after (2025年是“十四五”收官之年。五年来，…) wins over the year."""
        cues = self.lex.sections.period_cues
        back = [c for c in [*cues, *self.lex.cues.opening_periods] if c.kind == "past_years" and c.text in opening]
        if back and any(w in opening for w in self.lex.sections.single_year_words):
            return None  # 本届政府依法履职的第一年: one year, the heading's (2023年工作回顾)
        ahead = [c for c in cues if c.kind == "next_years" and c.text in opening]
        if back and not ahead:
            n = back[0].years
            return Period(start=year - n, end=year - 1)
        text = opening[:14]
        if not _YEAR_IN.search(text) and _YEAR_IN.search(opening[:18]):
            text = opening[:18]  # 各位代表，刚刚过去的2025年，…
        if _BASE_YEAR.search(text):
            return None  # 从2020年的10.5万元…: a baseline year, not the paragraph's period
        if not _YEAR_IN.search(text):
            # a period cue the paragraph starts with wins over a plan name after it
            # (过去一年，是实现“十四五”规划目标任务的关键一年)
            for cue in cues:
                if text.lstrip().startswith(cue.text):
                    if cue.kind == "this_year":
                        return Period(start=year, end=year)
                    if cue.kind == "last_year":
                        return Period(start=year - 1, end=year - 1)
                    if cue.kind == "past_years":
                        return Period(start=year - cue.years, end=year - 1)
                    return Period(start=year, end=year + cue.years - 1)
        return period_of_text(text, year, self.lex)

    @staticmethod
    def kind_of(role: str, period: Period, year: int) -> Kind | None:
        if period.end < year:
            return "outcome"
        if period.start >= year:
            return "goal"
        if role == "review":
            return "outcome"
        if role in ("plan", "government"):
            return "goal"
        return None

    # ------------------------------------------------------------ drafting

    def _measure(self, raw: str) -> tuple[str, str, str | None]:
        """(phrase without the cue, measure, task verb) from the text in front of a figure."""
        raw = raw.rstrip()
        raw, _ = strip_suffixes(raw, ["了", "的"])
        for cue in self.measure_cues:
            if raw.endswith(cue.text):
                phrase = raw[: -len(cue.text)]
                verb = cue.text if cue.measure == "increase" else None
                return phrase, cue.measure, verb
        for v in self.task_verbs:
            if raw.endswith(v):
                return raw[: -len(v)], self._task_measure(v, raw), v
        return raw, "level", None

    def _task_measure(self, verb: str, raw: str) -> str:
        """The measure of a count after a task verb: 累计建设24个… is a total (cumulative),
        新建50个… an increase (``adding_verbs``), 推进39个县域… the things worked on (level)."""
        raw = raw.rstrip()
        lead = raw[: -len(verb)] if raw.endswith(verb) else raw
        if "累计" in lead and verb not in self.increase_verbs:
            return "cumulative"
        # 新实施20个…项目: 新 in front of any task verb makes the things new
        return "increase" if verb in self.adding_verbs or lead.endswith("新") else "level"

    def subjects(self, phrase: str) -> list[str]:
        """The subjects a 分别/都 clause lists, each with the head noun they share.

        城镇、农村居民人均可支配收入 -> 城镇居民人均可支配收入, 农村居民人均可支配收入;
        城乡居民人均可支配收入 -> the same two (``distribute_split``);
        对东盟、中东出口 -> 对东盟出口, 中东出口 (a ``shared_heads`` word).
        """
        parts = [p.strip() for p in _SPLIT_SUBJECTS.split(phrase) if p.strip()]
        if not parts:
            return []
        if len(parts) == 1 and (m := _QUOTED_PAIR.match(parts[0])):
            # “保交楼”“保交房”交付率 -> “保交楼”交付率, “保交房”交付率
            return [q + m["tail"] for q in _QUOTED.findall(m["quoted"])]
        if len(parts) == 1:
            for word, repl in self.split_words.items():
                i = parts[0].find(word)
                if i >= 0:
                    return [parts[0][:i] + r + parts[0][i + len(word) :] for r in repl]
            return parts
        last = parts[-1]
        long_heads = tuple(h for h in self.shared_heads if len(h) >= 2)
        head0 = next((h for h in long_heads if parts[0].endswith(h) and len(parts[0]) > len(h)), None)
        if len(parts) == 2 and len(last) <= 3 and head0 and last.endswith(long_heads):
            # 旅发大会带动游客人数和总花费: the second takes the first one's modifier
            return [parts[0], parts[0][: -len(head0)] + last]
        p0 = parts[0]
        head_last = next((h for h in long_heads if last.endswith(h) and len(last) > len(h)), None)
        core = last[: -len(head_last)] if head_last else ""
        if head_last and 2 <= len(core) <= 4 and len(p0) > len(core) + 1 and p0[-1] == core[-1]:
            if not p0.endswith(head_last):
                # 非化石能源发电量、用电量占比: the second takes the first one's modifier
                last = p0[: -len(core)] + last
                parts = [*parts[:-1], last]
        cut = min((i for i in (last.find(v) for v in self.tail_verbs) if i > 1), default=-1)
        if cut > 1:
            # 专项产业基金、新增能耗、新增工业用地支持民间投资项目比重: each with the shared tail
            return [p + last[cut:] for p in parts[:-1]] + [last]
        return [self._with_head(p, last) for p in parts[:-1]] + [last]

    def _with_head(self, part: str, last: str) -> str:
        if self.v.resolve(part).id is not None:
            return part
        # a lexicon indicator made of the part and the end of the last subject
        for i in range(1, len(last) - 1):
            if self.v.resolve(part + last[i:]).id is not None:
                return part + last[i:]
        # parallel place names: 厦门、福州机场旅客吞吐量 -> 厦门机场旅客吞吐量
        place = next((p for p in self.places if last.startswith(p) and len(last) > len(p) + 1), None)
        if place and (part in self.places or len(part) == len(place)) and not part.endswith(tuple(self.shared_heads)):
            return part + last[len(place) :]
        # the part's own last word found in the last subject: 城镇居民 / 农村居民人均可支配收入
        for k in range(min(len(part), 4), 1, -1):
            j = last.find(part[-k:])
            if 0 <= j and j + k < len(last):
                return part + last[j + k :]
        if part.endswith(tuple(self.shared_heads)):
            return part
        head = next((h for h in self.shared_heads if last.endswith(h) and len(h) < len(last)), None)
        rest = last[len(part) :]
        if len(part) <= 4 and len(rest) >= 2 and (part[-1] == last[len(part) - 1] or part[0] == last[0]):
            # parallel words of one length: 食品、药品抽检合格率
            return part + rest
        if head:
            return part + head
        if len(part) == 2 and len(rest) >= 3 and _CJK.match(part) and self.v.resolve(part).id is None:
            # two-character modifiers side by side: 刑事、治安案件立案数 -> 刑事案件立案数
            return part + rest
        return part

    def _task_object(self, clause: str) -> str:
        """What the last task verb of a clause is done for: 为80万重点群体提供就业帮扶 -> 就业帮扶."""
        clause = re.split(f"[{HARD}]", clause)[-1].strip()
        hits = sorted(
            ((clause.rfind(v), v) for v in self.task_verbs if clause.rfind(v) > 0), key=lambda h: -h[0] - len(h[1])
        )
        for i, v in hits:
            obj = clause[i + len(v) :]
            if 2 <= len(obj) <= 12 and not re.search(r"\d", obj) and all(_CJK.match(ch) for ch in obj):
                return obj
        return ""

    def _parallel_head(self, phrase: str, other: str) -> str:
        """A subject without a head completed from a parallel one before it: 散居孤儿（含…）
        after 集中供养孤儿基本生活保障省定最低标准 -> 散居孤儿基本生活保障省定最低标准."""
        core = re.sub(r"[（(][^）)]*[）)]$", "", phrase.strip())
        if (
            len(core) < 2
            or core.endswith(tuple(self.shared_heads))
            or not other.endswith(tuple(self.shared_heads))
            or self.v.resolve(phrase).id is not None
        ):
            return phrase
        for k in (3, 2):
            j = other.find(core[-k:])
            if 0 <= j and j + k < len(other) and other[j + k :] != core[-k:] and len(other) - j - k >= 2:
                return core + other[j + k :]
        return phrase

    def _share_of(self, view: str, q: Quantity, clause_end: int, bare: bool = False) -> str:
        """The things a percentage is a share of when it stands in front of them (60%的城市…);
        with ``bare``, also without 的 (90%以上村庄达到…)."""
        tail = view[q.end : clause_end]
        if not (tail.startswith("的") or (bare and tail[:1] and _CJK.match(tail))) or re.search(r"\d", tail):
            return ""
        thing = tail.removeprefix("的").strip()
        if thing.startswith(self.noun_stops) or thing.startswith(self.cue_texts):
            return ""
        return thing[:MAX_PHRASE] if len(thing) >= 2 and _CJK.match(thing) else ""

    def _complete_noun(self, view: str, noun: str, nxt: Quantity, end: int) -> str:
        """新增2家千亿级、24家百亿级工业企业 -> 千亿级工业企业: a modifier takes the head of the
        next item's thing."""
        if len(noun) > 6 or noun.endswith(self.noun_heads):
            return noun
        other = _LIST_SEP.split(view[nxt.end : end], maxsplit=1)[0].strip()
        j = other.find(noun[-1])
        if (other[:1] == noun[:1] or len(noun) <= 4) and 0 <= j < len(other) - 2:
            return noun + other[j + 1 :][:MAX_PHRASE]
        # 19个地级以上市和2个县被命名为…: both take the predicate of the second
        k = min((i for i in (other.find(w) for w in self.lex.cues.shared_predicates) if i > 0), default=-1)
        if k > 0:
            return (noun + other[k:])[:MAX_PHRASE]
        return noun

    def _attribute(self, view: str, raw: str, q: Quantity, end: int, later: list[Quantity]) -> str:
        """The indicator of a figure that is an attribute of the thing after it (总投资711亿元的
        古雷…项目开工建设 -> 古雷…项目总投资; 抓好总投资2万亿元的389个省重点项目 -> 省重点项目总投资),
        or "" when the figure is not followed by 的 and a thing, or no ``attribute_words`` word
        stands right in front of it."""
        tail = view[q.end : end]
        if not tail.startswith("的") or q.unit_kind in ("percent", "points"):
            return ""
        before = raw.rstrip()
        word = next((w for w in self.attribute_words if before.endswith(w)), None)
        if word is None:
            return ""
        lead = strip_prefixes(before[: -len(word)].strip(), self.strip_prefix)
        lead = lead.rsplit("、", 1)[-1].strip()
        if lead and lead not in self.task_verb_set and lead not in self.lex.cues.lead_verbs and len(lead) > 3:
            return ""
        nxt = next((q2 for q2 in later if q2.start > q.end and q2.before_start < end), None)
        if nxt is not None and not view[q.end + 1 : nxt.before_start].strip():
            thing = self._noun_after(view, nxt, end)  # 的389个省重点项目: the things counted next
        else:
            thing = view[q.end + 1 : nxt.before_start if nxt is not None else end]
            thing = _LIST_SEP.split(thing, maxsplit=1)[0].strip()
            if not lead:
                # the attribute opens the clause: what the thing then did is not part of it
                thing, _ = strip_suffixes(thing, self.attribute_predicates)
        thing = thing.strip()
        if len(thing) < 2 or not _CJK.match(thing) or re.search(r"\d", thing) or thing.startswith(self.noun_stops):
            return ""
        return (thing + word)[-MAX_PHRASE:]

    def _modifies(self, between: str) -> bool:
        """Is the text between a count and a later figure that figure's subject (…个学科达标率均为)?"""
        between = between.strip()
        if "、" in between or between.startswith(self.cue_texts):
            return False
        cue = next((c for c in self.cue_texts if between.endswith(c)), None)
        if cue is None:
            return False
        rest, _ = strip_suffixes(between[: -len(cue)], self.strip_suffix)
        return len(rest) >= 2 and bool(_CJK.match(rest))

    def _noun_after(self, view: str, q: Quantity, clause_end: int) -> str:
        tail = _PAREN_AT_START.sub("", view[q.end : clause_end])  # 15万套（间）
        if tail.lstrip().startswith(("（", "(")):
            return ""  # 增长1.7%（同口径增长2.5%以上）: a gloss on the figure, not the thing it counts
        first, *rest = _LIST_SEP.split(tail, maxsplit=1)
        if rest and self._joins(first, rest[0]):
            tail = first + "、" + rest[0]  # 100个以上行业级、场景级大模型和智能体: one thing
        else:
            tail = first
        tail = _RANKING.sub("", tail)
        if re.search(r"\d", tail):
            tail = re.split(r"[和及与]", tail, maxsplit=1)[0]
        tail = tail.strip()
        if not tail or tail.startswith(self.noun_stops) or not _CJK.match(tail):
            return ""
        return tail[:MAX_PHRASE]

    def _no_names(self, text: str) -> str:
        """``text`` without the digits of names (中国企业500强, 全国百佳)."""
        return self.digit_names.sub("", text) if self.digit_names else text

    def _joins(self, first: str, rest: str) -> bool:
        """Is the 、 after a counted thing's first words inside that thing (困境、留守儿童; 全国“首创”、
        “首批”金融政策) rather than between list items (50个A中心、80个B中心; …、改造…)?"""
        first, rest = first.strip(), rest.strip()
        return (
            0 < len(first) <= 6
            and 2 <= len(rest) <= 16
            and not re.search(r"\d", rest)
            and not _MAY_HOLD_FIGURE.search(rest)
            and not rest.startswith(self.task_verbs_t)
            and not rest.startswith(self.lead_verbs_t)
            and not rest.startswith(self.cue_texts)
            and not first.startswith(self.noun_stops)
        )

    def _gloss(self, view: str, before: Quantity, q: Quantity, prev: Draft | None, sent_end: int) -> Draft | None:
        """The same figure on another basis (增长1.7%（同口径增长2.5%以上）): a second statement of
        the figure before, quoted from that figure to the closing bracket; None for any other gloss."""
        if prev is None or prev.q.start != before.start or q.unit != before.unit or not prev.phrase:
            return None
        gloss = view[before.end : q.before_start].lstrip()[1:]
        if not gloss.startswith(self.gloss_bases):
            return None
        words, measure, _ = self._measure(gloss)
        if measure == "level":
            measure = prev.measure
        if measure != prev.measure or words.strip() not in self.gloss_bases:
            return None
        close = next((i + 1 for i in range(q.end, sent_end) if view[i] in "）)"), q.end)
        return Draft(
            q=q, phrase=prev.phrase, measure=measure, clause_start=before.start, clause_end=close, rule="figure.gloss"
        )

    def drafts(self, view: str, sent_start: int, sent_end: int) -> list[Draft]:
        """The drafts of the figures of one sentence, read by the rules of ``tracker.rules.figures``."""
        qs = [
            Quantity(
                **{
                    **q.__dict__,
                    "start": q.start + sent_start,
                    "end": q.end + sent_start,
                    "before_start": q.before_start + sent_start,
                }
            )
            for q in find_quantities(view[sent_start:sent_end], self.g)
        ]
        return read_sentence(self, Sentence(view=view, start=sent_start, end=sent_end, qs=qs))

    # ------------------------------------------------------------ the stage

    def extract(self, doc: Document, sections: list[Section]) -> list[Statement]:
        view = normalize(blank(doc.text, doc.ignored))
        out: list[Statement] = []
        seen: dict[str, int] = {}
        para_period: Period | None = None
        para_root: int | None = None
        heading_lines = {(s.start, s.heading) for s in sections}
        self.notes = []
        oversized: list[int] = []  # lines of the sentences too large to read
        for line_no, (p_start, _p_end, para) in enumerate(lines_with_offsets(view), 1):
            if not para.strip() or (p_start, para.strip()) in heading_lines:
                continue
            sec = section_at(sections, p_start)
            if sec is None or sec.role == "other":
                continue
            root = next((s.start for s in sections if s.level == 1 and s.start <= p_start < s.end), None)
            if root != para_root:
                para_root, para_period = root, None
            opening = self.opening_period(strip_vocative(para)[:_OPENING], doc.year)
            if opening is not None:
                para_period = opening
            base = para_period or sec.period or Period(start=doc.year, end=doc.year)
            for m in _SENT.finditer(para):
                s_start, s_end = p_start + m.start(), p_start + m.end()
                sent = view[s_start:s_end]
                if len(sent) > MAX_SENTENCE_CHARS or len(_NUMBER.findall(sent)) > MAX_SENTENCE_NUMBERS:
                    oversized.append(line_no)  # no report sentence is this large: not read (time stays linear)
                    continue
                if m.start() > 0 and (turn := turn_period(sent, doc.year, self.lex)) is not None:
                    base = para_period = turn  # 。五年来，… : the rest of the paragraph and what follows
                has_figure = bool(_MAY_HOLD_FIGURE.search(sent))
                if not has_figure and not self.figureless_hint.search(sent):
                    continue
                period = self.sentence_period(sent, base, doc.year) or base
                kind = self.kind_of(sec.role, period, doc.year)
                if kind is None:
                    continue
                if kind == "goal":
                    out.extend(self.figureless(doc, view, s_start, s_end, period, sec, seen))
                if not has_figure:
                    continue
                for d in self.drafts(view, s_start, s_end):
                    per = period
                    if d.years and 1 < d.years <= 10:
                        per = (
                            Period(start=period.end - d.years + 1, end=period.end)
                            if kind == "outcome"
                            else Period(start=period.start, end=period.start + d.years - 1)
                        )
                    for phrase in d.distribute or [d.phrase]:
                        if d.per_year and per.end > per.start and "每年" not in phrase:
                            # (城镇新增就业每年超过90万人: not the lexicon's one-year figure either)
                            # 今后五年每年实施20项: each year's figure, not the five years' total
                            phrase = "每年" + phrase
                        st = self._statement(doc, d, phrase, kind, per, sec, seen)
                        if st is not None:
                            out.append(st)
        if oversized:
            self.notes.append(
                f"{len(oversized)} sentence(s) over {MAX_SENTENCE_CHARS} characters or {MAX_SENTENCE_NUMBERS} numbers "
                f"not read (line {', '.join(map(str, sorted(set(oversized))[:5]))}); split them into sentences to read them"
            )
        return out

    def figureless(
        self, doc: Document, view: str, s_start: int, s_end: int, period: Period, sec: Section, seen: dict[str, int]
    ) -> list[Statement]:
        """Goals without a figure: relational (居民收入增长与经济增长同步), qualitative
        (劣V类水体全面消除) and zero targets (原生生活垃圾零填埋), from the cue patterns in cues.yaml."""
        sent = view[s_start:s_end]
        out: list[Statement] = []
        taken: list[tuple[int, int]] = []

        def free(a: int, b: int) -> bool:
            return all(b <= x or a >= y for x, y in taken)

        def add(m: re.Match[str], ind: IndicatorRef, **kw: Any) -> None:
            taken.append((m.start(), m.end()))
            out.append(self._bare(doc, s_start + m.start(), s_start + m.end(), ind, period, sec, seen, **kw))

        for rx, measure, cmp in self.relational:
            for m in rx.finditer(sent):
                subj = self.v.resolve(strip_prefixes(m["subject"], self.strip_prefix))
                ref = self.v.resolve(m["reference"])
                if subj.id is None or ref.id is None or subj.id == ref.id or not free(m.start(), m.end()):
                    continue
                add(m, subj, rule="relational", measure=measure, relation=ref.key, comparator=cmp)
        for rx in self.zero:
            for m in rx.finditer(sent):
                if free(m.start(), m.end()):
                    ind = self.v.resolve(m["subject"] + m["what"])
                    add(m, ind, rule="figure.zero", measure="level", value=Decimal(0))
        for rx in self.qualitative:
            for m in rx.finditer(sent):
                if free(m.start(), m.end()):
                    ind = self.v.resolve(strip_prefixes(m["subject"], self.strip_prefix))
                    add(m, ind, rule="qualitative", measure="level")
        return out

    def _bare(
        self,
        doc: Document,
        start: int,
        end: int,
        ind: IndicatorRef,
        period: Period,
        sec: Section,
        seen: dict[str, int],
        *,
        rule: str,
        measure: str,
        relation: str | None = None,
        value: Decimal | None = None,
        comparator: Comparator = "none",
    ) -> Statement:
        quote = doc.text[start:end]
        base = f"{doc.region.name}|{doc.year}|goal|{ind.key}|{measure}|{quote}|{value}"
        n = seen.get(base, 0)
        seen[base] = n + 1
        return Statement(
            key=hashlib.sha1(f"{base}|{n}".encode()).hexdigest()[:16],
            kind="goal",
            indicator=ind,
            quote=quote,
            span=Span(start=start, end=end),
            value=value,
            comparator=comparator if value is None else "=",
            measure=measure,
            period=period,
            relation=relation,
            rule=rule,
            section=sec.heading,
            region=doc.region.name,
            report_year=doc.year,
        )

    def _statement(
        self,
        doc: Document,
        d: Draft,
        phrase: str,
        kind: Kind,
        period: Period,
        sec: Section,
        seen: dict[str, int],
    ) -> Statement | None:
        q = d.q
        ind = self.v.resolve(phrase)
        if not ind.key or len(ind.key) < 2:
            return None
        if q.unit is None and ind.id is None:
            return None
        if q.unit_kind == "duration" and ind.id is None:
            return None
        if kind == "goal" and phrase.startswith(self.state_verbs):
            return None  # 拥有8个万亿元级产业集群: what there is, not what is planned
        measure = d.measure
        if q.unit == "百分点" and measure in ("level", "growth"):
            measure = "increase"
        if q.unit_kind == "percent" and measure == "increase" and d.rule != "figure.task":
            measure = "growth"  # 标准提高84%: a rate of growth
        if (kind == "outcome" or d.whole_period) and period.end > period.start and measure in ("growth", "decline"):
            # 这五年，…城乡低保标准分别提高48%: a change over the years, not a yearly rate
            measure = "cumulative_" + measure
        comparator = q.comparator
        if comparator == "=" and self.of_reference is not None:
            # 不低于当地最低生活保障标准的1.6倍: the bound stands before the reference
            m = self.of_reference.search(normalize(doc.text[d.clause_start : q.before_start]))
            if m:
                comparator = self.before_cmp[m.group(1)]
        start, end = d.clause_start, d.clause_end
        text = doc.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end - start > _MAX_QUOTE:
            start = max(start, q.before_start - 80)
            end = min(end, q.end + 40)
        quote = text[start:end]
        base = f"{doc.region.name}|{doc.year}|{kind}|{ind.key}|{measure}|{quote}|{q.value}"
        n = seen.get(base, 0)
        seen[base] = n + 1
        key = hashlib.sha1(f"{base}|{n}".encode()).hexdigest()[:16]
        return Statement(
            key=key,
            kind=kind,
            indicator=ind,
            quote=quote,
            span=Span(start=start, end=end),
            value=q.value,
            value_high=q.value_high,
            baseline=d.baseline,
            stretch=d.stretch,
            unit=q.unit,
            comparator=comparator,  # type: ignore[arg-type]
            measure=measure,
            period=period,
            rule=d.rule,
            section=sec.heading,
            region=doc.region.name,
            report_year=doc.year,
        )


def extract(
    doc: Document, sections: list[Section], lex: Lexicon | None = None, *, notes: list[str] | None = None
) -> list[Statement]:
    """Every goal and outcome of ``doc``; ``notes`` receives what could not be read (sentences too large)."""
    ex = Extractor(lex)
    out = ex.extract(doc, sections)
    if notes is not None:
        notes.extend(ex.notes)
    return out
