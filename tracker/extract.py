"""Extract: a document and its sections -> goals and outcomes (``Statement``).

For each figure the quantity grammar finds, the extractor reads, inside the figure's
clause: the measure cue directly in front of it (增长, 年均增长, 下降到 …), the
indicator phrase before the cue, or for tasks (新增7000张养老床位) the verb and the
thing after the figure. A clause without a subject takes the previous figure's
(达到8.5万元、增长6.6%); 都/均 give one statement per subject; 分别 pairs subjects and
figures; 从A提高到B keeps A as the baseline of B. The kind comes from the section's
role and the period, the period from the sentence, the paragraph or the section.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from typing import Any

import cn2an

from tracker.ingest import blank, lines_with_offsets
from tracker.lexicon import Lexicon, lexicon
from tracker.models import Comparator, Document, IndicatorRef, Kind, Period, Section, Span, Statement
from tracker.normalize import normalize
from tracker.quantity import Grammar, Quantity, find_quantities, grammar
from tracker.structure import period_of_text, section_at, strip_vocative, turn_period

_HARD = "，,；;：:。！？!?\n"
_SENT = re.compile(r"[^。！？!?；;\n]+[。！？!?；;]?")
_UNTIL = re.compile(r"(?:到|至|力争到|争取到|预计到)((?:19|20)\d{2})年")
_LEAD_YEAR = re.compile(r"^\s*((?:19|20)\d{2})年(?!以来|以前|之前|比|相比)")
_SPLIT_SUBJECTS = re.compile(r"和|与|以及|、")
_YEAR_OF = re.compile(r"(?:19|20)\d{2}年(?:底|末)?的?$")
_MAX_QUOTE = 200
_OPENING = 30  # characters of a paragraph read for its period
_MAY_HOLD_FIGURE = re.compile(
    r"\d|[破超过上][千百]?(?:万亿|亿|万)|[一二三四五六七八九十]个百分点|倍|翻[一两]?番|翻了一番|分之|一半|过半|半数"
)
_BASE_YEAR = re.compile(r"(?:从|由|比|较|相比|与)(?:19|20)\d{2}\s*年")
_YEAR_IN = re.compile(r"(?:19|20)\d{2}\s*年")
_RANKING = re.compile(r"(?:居|位居|位列|排名|跃居|稳居)(?:全国|全省|世界|全球)[^，。；]*$")
_SHORT_NOUN = re.compile(r"(?:(?![和与及或])[\u4e00-\u9fff]){1,4}")
_PAREN_AT_START = re.compile(r"^\s*[（(][^）)]{0,8}[）)]")
_LIST_SEP = re.compile(r"、(?![^（(]*[）)])")
_SPAN_OF_YEARS = re.compile(r"(?:^|(?<=[\u4e00-\u9fff]))(?:\d{1,2}|[一二三四五六七八九十]+)年$")
# an opened bracket right after a figure, not yet closed: the text glosses that figure
_GLOSS_OPEN = re.compile(r"^\s*[（(][^）)]*$")
_CJK = re.compile(r"[\u4e00-\u9fff“\"（(]")
_MAX_PHRASE = 30
# a span of years the subject opens with (近五年累计…, 五年来新增…)
_LEAD_YEARS = re.compile(r"(?:近|这|过去)?([一二三四五六七八九十两]|\d{1,2})年(?:来|间)?")
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


@dataclass
class _Draft:
    q: Quantity
    phrase: str
    measure: str
    clause_start: int
    clause_end: int
    rule: str
    verb: str | None = None
    baseline: Decimal | None = None
    distribute: list[str] | None = None
    group: list[str] | None = None
    stretch: Decimal | None = None
    noun: str | None = None  # the thing a counted figure counts
    noun_cut: str | None = None  # the same, as written before the next list item
    years: int | None = None  # 五年增长30.8%: the figure covers that many years
    within: tuple[str, str] | None = None  # 其中…: the words that make an item part of the whole
    list_verb: str | None = None  # 新增A 5家、B 3家: the verb the list opened with
    per_year: bool = False  # 每年实施20项: the figure is for each year of the period
    skip: bool = False


def _strip_suffixes(phrase: str, words: list[str]) -> tuple[str, set[str]]:
    removed: set[str] = set()
    changed = True
    while changed and phrase:
        changed = False
        for w in words:
            if phrase.endswith(w):
                phrase = phrase[: -len(w)]
                removed.add(w)
                changed = True
    return phrase, removed


def _strip_prefixes(phrase: str, words: list[str]) -> str:
    changed = True
    while changed and phrase:
        changed = False
        for w in words:
            if phrase.startswith(w) and len(phrase) > len(w):
                phrase = phrase[len(w) :]
                changed = True
    return phrase


# Sentences larger than this are not read, with a note: the longest of the development corpus has ~500
# characters and 25 numbers, and reading a sentence costs more than linear time in its figures.
MAX_SENTENCE_CHARS = 2000
MAX_SENTENCE_NUMBERS = 100
_NUMBER = re.compile(r"[0-9０-９]+(?:[.．][0-9０-９]+)?|[零〇一二两三四五六七八九十百千万亿]+")


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
        raw, _ = _strip_suffixes(raw, ["了", "的"])
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
        return part

    def _task_object(self, clause: str) -> str:
        """What the last task verb of a clause is done for: 为80万重点群体提供就业帮扶 -> 就业帮扶."""
        clause = re.split(f"[{_HARD}]", clause)[-1].strip()
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
        return thing[:_MAX_PHRASE] if len(thing) >= 2 and _CJK.match(thing) else ""

    def _complete_noun(self, view: str, noun: str, nxt: Quantity, end: int) -> str:
        """新增2家千亿级、24家百亿级工业企业 -> 千亿级工业企业: a modifier takes the head of the
        next item's thing."""
        if len(noun) > 6 or noun.endswith(self.noun_heads):
            return noun
        other = _LIST_SEP.split(view[nxt.end : end], maxsplit=1)[0].strip()
        j = other.find(noun[-1])
        if (other[:1] == noun[:1] or len(noun) <= 4) and 0 <= j < len(other) - 2:
            return noun + other[j + 1 :][:_MAX_PHRASE]
        # 19个地级以上市和2个县被命名为…: both take the predicate of the second
        k = min((i for i in (other.find(w) for w in self.lex.cues.shared_predicates) if i > 0), default=-1)
        if k > 0:
            return (noun + other[k:])[:_MAX_PHRASE]
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
        lead = _strip_prefixes(before[: -len(word)].strip(), self.strip_prefix)
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
                thing, _ = _strip_suffixes(thing, self.attribute_predicates)
        thing = thing.strip()
        if len(thing) < 2 or not _CJK.match(thing) or re.search(r"\d", thing) or thing.startswith(self.noun_stops):
            return ""
        return (thing + word)[-_MAX_PHRASE:]

    def _modifies(self, between: str) -> bool:
        """Is the text between a count and a later figure that figure's subject (…个学科达标率均为)?"""
        between = between.strip()
        if "、" in between or between.startswith(self.cue_texts):
            return False
        cue = next((c for c in self.cue_texts if between.endswith(c)), None)
        if cue is None:
            return False
        rest, _ = _strip_suffixes(between[: -len(cue)], self.strip_suffix)
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
        return tail[:_MAX_PHRASE]

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

    def _gloss(self, view: str, before: Quantity, q: Quantity, prev: _Draft | None, sent_end: int) -> _Draft | None:
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
        return _Draft(
            q=q, phrase=prev.phrase, measure=measure, clause_start=before.start, clause_end=close, rule="figure.gloss"
        )

    def drafts(self, view: str, sent_start: int, sent_end: int) -> list[_Draft]:
        sent = view[sent_start:sent_end]
        qs = [
            Quantity(
                **{
                    **q.__dict__,
                    "start": q.start + sent_start,
                    "end": q.end + sent_start,
                    "before_start": q.before_start + sent_start,
                }
            )
            for q in find_quantities(sent, self.g)
        ]
        out: list[_Draft] = []
        prev: _Draft | None = None
        group: list[str] | None = None  # subjects that 分别 distributes
        group_i = 0
        pending: list[_Draft] = []  # from-figures of 分别从…、…提高到…、… still waiting for their to-figure
        for qi, q in enumerate(qs):
            if qi and _GLOSS_OPEN.match(view[qs[qi - 1].end : q.before_start]):
                # 增长1.7%（同口径增长2.5%以上）: a gloss inside brackets right after a figure
                g = self._gloss(view, qs[qi - 1], q, prev, sent_end)
                if g is not None:
                    out.append(g)
                continue
            hard_start = sent_start
            for i in range(q.before_start - 1, sent_start - 1, -1):
                if view[i] in _HARD:
                    hard_start = i + 1
                    break
            clause_end = sent_end
            for i in range(q.end, sent_end):
                if view[i] in _HARD:
                    clause_end = i
                    break
            clause_end_hard = clause_end
            # parallel items end at the 、 before the next figure of the clause
            later = [q2 for q2 in qs if q2.start > q.end and q2.before_start < clause_end]
            if later and q.comparator in (">=", ">") and _SHORT_NOUN.fullmatch(view[q.end : later[0].before_start]):
                continue  # 总投资10亿元以上项目102个: a threshold inside the subject
            if q.unit_kind not in ("percent", "points", None) and any(
                self._modifies(view[q.end : q2.before_start]) for q2 in later
            ):
                # 203个国考断面优良率和285个水功能区达标率均为100%: a count inside a subject
                continue
            if later:
                # (a 和 after the last 、 joins the next item's own words: 273场、国际级和全国赛事370场)
                seg = view[q.end : later[0].before_start]
                idx = _last_list_sep(seg)
                if idx < 0:
                    idx = max(seg.rfind("和"), seg.rfind("及"))
                if idx >= 0:
                    clause_end = q.end + idx
            region_start = hard_start
            same_clause_prev = prev is not None and prev.q.end > hard_start
            if same_clause_prev and prev is not None:
                region_start = prev.q.end
            raw = view[region_start : q.before_start]
            if (
                same_clause_prev
                and prev is not None
                and prev.q.unit in self.per_units
                and q.unit == self.per_units[prev.q.unit]
            ):
                # 从每人每月1536元提高到1567元: the second figure is the same monthly rate
                q = replace(q, unit=prev.q.unit)
            of_thing = raw.rstrip().endswith("的")
            if same_clause_prev and prev is not None and prev.noun:
                # 181项检验结果和300项检查结果: the first figure's thing is not the second's subject
                lead_noun = raw.lstrip().removeprefix("的")
                cut_noun = next((n for n in (prev.noun, prev.noun_cut) if n and lead_noun.startswith(n)), None)
                if cut_noun:
                    region_start += len(raw) - len(lead_noun) + len(cut_noun)
                    raw = view[region_start : q.before_start]
            soft = _last_list_sep(raw)
            soft_split = soft >= 0 and same_clause_prev
            if soft >= 0 and same_clause_prev:
                region_start = region_start + soft + 1
                raw = raw[soft + 1 :]
            elif soft >= 0:
                # parallel items: 新建50家…中心、80家…中心
                tail_has_subject = bool(raw[soft + 1 :].strip())
                figure_before = any(region_start <= q2.start < region_start + soft for q2 in qs)
                opens = raw[soft + 1 :].lstrip().startswith(self.clause_openers)
                if not tail_has_subject or figure_before or opens:
                    region_start = region_start + soft + 1
                    raw = raw[soft + 1 :]
            clause_start = region_start if (same_clause_prev or "、" in view[hard_start:region_start]) else hard_start
            if same_clause_prev and prev is not None and prev.rule == "figure.attribute":
                clause_start = prev.clause_start  # 总投资2万亿元的389个省重点项目: one quote for both
            # two thresholds: 增长5%、力争6% (the second is the stretch of the first)
            if prev is not None and prev.stretch is None and q.unit == prev.q.unit:
                gap = view[prev.q.end : q.before_start]
                sep = gap[: len(gap) - len(gap.lstrip("、，, 　"))]
                words, cue_measure, _ = self._measure(gap[len(sep) :])
                if sep and words.strip() in self.stretch_cues and cue_measure in (prev.measure, "level"):
                    prev.stretch = q.value
                    prev.clause_end = max(prev.clause_end, q.end)
                    continue
            # from-to: 从3.3%提高到3.8%
            if pending and same_clause_prev and prev is not None and raw.strip() in ("", "、", "和", "及", "与"):
                # 分别从每人每月209元、280元提高到217元、290元: the next to-figure, the next subject
                first = pending.pop(0)
                d = _Draft(
                    q=q,
                    phrase=first.phrase,
                    measure="level",
                    clause_start=prev.clause_start,
                    clause_end=clause_end,
                    rule="figure.from_to",
                    baseline=first.q.value,
                )
                out.append(d)
                prev = d
                continue
            pending = []
            if same_clause_prev and prev is not None:
                between = _YEAR_OF.sub("", raw.strip())
                to = next((t for t in self.to_verbs if between == t or between == t + "了"), None)
                pre = _YEAR_OF.sub(lambda m: "\0" * len(m.group()), view[prev.clause_start : prev.q.before_start])
                fw = max((pre.rfind(w) for w in self.lex.cues.from_words), default=-1)
                pre = view[prev.clause_start : prev.q.before_start]
                froms = [o for o in out if prev.group is not None and o.group is prev.group and not o.skip]
                if to and len(froms) >= 2 and froms[-1] is prev and prev.rule == "figure.distribute_each":
                    # 分别从209元、280元提高到217元、290元: each subject from its figure to its figure
                    for o in froms:
                        o.skip = True
                    pending = froms[1:]
                    d = _Draft(
                        q=q,
                        phrase=froms[0].phrase,
                        measure="level",
                        clause_start=prev.clause_start,
                        clause_end=clause_end,
                        rule="figure.from_to",
                        baseline=froms[0].q.value,
                    )
                    out.append(d)
                    prev = d
                    continue
                if to and fw >= 0:
                    prev.skip = True
                    d = _Draft(
                        q=q,
                        phrase=_strip_prefixes(pre[:fw].strip(), self.strip_prefix),
                        measure="level",
                        clause_start=prev.clause_start,
                        clause_end=clause_end,
                        rule="figure.from_to",
                        baseline=prev.q.value,
                    )
                    if not d.phrase.strip():
                        d.phrase = prev.phrase
                        d.rule = "figure.from_to.inherit"
                    elif d.phrase.strip().startswith("占"):
                        # 出口规模突破4万亿元，占全国份额从14%提升到15.5%: the share of the same thing
                        owner = next((o for o in reversed(out) if o is not prev and not o.skip), None)
                        if owner is not None:
                            d.phrase = (owner.noun or owner.phrase) + d.phrase.strip()
                    elif (twin := next((o for o in reversed(out) if o is not prev and not o.skip), None)) and (
                        twin.q.unit == q.unit and twin.rule.startswith("figure.from_to")
                    ):
                        # …标准从2375元提高到2423元，散居孤儿从1536元提高到1567元: the same standard
                        d.phrase = self._parallel_head(d.phrase, twin.phrase)
                    out.append(d)
                    prev = d
                    continue
            if any(r.search(raw) for r in self.relative):
                # 高于全国0.7个百分点: a gap to another region, not a level
                continue
            if any(w in raw for w in self.lex.cues.part_year_words):
                continue  # 实现三季度增长4.6%: a part of the year, not the year
            if (
                same_clause_prev
                and prev is not None
                and prev.noun
                and q.comparator in (">", ">=")
                and q.unit_kind not in ("percent", "points")  # (82个项目开工过半: a share of them)
                and view[q.before_start : q.end] in prev.noun
            ):
                continue  # 191家工业企业营业收入超百亿元: the bound says which things were counted
            attribute = "" if same_clause_prev else self._attribute(view, raw, q, clause_end_hard, later)
            if attribute:
                d = _Draft(
                    q=q,
                    phrase=attribute,
                    measure="level",
                    clause_start=clause_start,
                    clause_end=clause_end,
                    rule="figure.attribute",
                )
                out.append(d)
                prev = d
                continue
            phrase, measure, verb = self._measure(raw)
            had_cue = phrase.rstrip() != _strip_suffixes(raw.rstrip(), ["了", "的"])[0]
            if measure == "level" and not had_cue and q.unit_kind == "percent":
                after = view[q.end : clause_end_hard]
                cue_after = next((c for c in self.measure_after if after.startswith(c.text)), None)
                if cue_after is not None:
                    measure = cue_after.measure  # 营收保持20%以上增长
            list_verb: str | None = None
            if of_thing:
                phrase, measure, verb = raw.rstrip()[:-1], "level", None  # 国家下达的90亿元…资金
            if measure == "decline" and q.unit_kind == "points" and raw.rstrip().endswith("改善"):
                measure = "increase"  # 优良天数比例改善2个百分点: an improvement in points is a rise
            noun = self._noun_after(view, q, clause_end)
            if noun.startswith(self.noun_stops):
                noun = ""
            between_next = view[q.end : later[0].before_start].strip() if later else ""
            if not noun and later and between_next[:1] in ("和", "及", "与") and len(between_next) <= 5:
                # 首批12项及第二批14项重点改革: both count the thing named after the second
                rest = self._noun_after(view, later[0], clause_end_hard)
                if rest and q.unit == later[0].unit:
                    noun = rest
            noun_cut = noun
            if noun and later and view[clause_end : clause_end + 1] in ("、", "和"):
                noun = self._complete_noun(view, noun, later[0], clause_end_hard)
            if verb and raw.rstrip().endswith(verb) and not noun and phrase.strip():
                if verb in self.task_verb_only:
                    # 其中用于项目建设1542亿元: 建设 belongs to the subject
                    phrase, measure, verb = raw.rstrip(), "level", None
            phrase, removed = _strip_suffixes(phrase.strip(), self.strip_suffix)
            phrase = phrase.strip()
            if measure == "level" and q.unit_kind == "percent" and "目标" in removed:
                # 经济增长目标设定为6%左右: the target of a growth is that growth
                cue = next((c for c in self.growth_cues if phrase.endswith(c) and len(phrase) > len(c)), None)
                if cue:
                    phrase, measure = phrase[: -len(cue)], "growth"
            phrase_clean = _strip_prefixes(phrase, self.strip_prefix)
            lead_words = phrase[: len(phrase) - len(phrase_clean)]  # the prefixes stripped
            span_of_years = _SPAN_OF_YEARS.search(phrase_clean)
            years: int | None = None
            if span_of_years and measure in ("growth", "decline", "increase"):
                # 累计完成3.7万亿元，5年增长18.7%; 居民人均可支配收入五年增长30.8%
                years = _count_of(span_of_years.group()[:-1])
                phrase_clean = phrase_clean[: span_of_years.start()]
                measure = {"growth": "cumulative_growth", "decline": "cumulative_decline"}.get(measure, measure)
            if measure == "level" and "累计" in lead_words:
                measure = "cumulative"  # 近五年累计投入资金2562亿元
            if (m_years := _LEAD_YEARS.search(lead_words)) and measure in ("cumulative", "increase"):
                years = _count_of(m_years[1])
            rate = any(w in phrase_clean for w in self.rate_marks) or phrase_clean.endswith(self.rate_heads)
            if measure == "level" and not rate:
                if (
                    phrase_clean.startswith(self.adding_starts)
                    or (phrase_clean.startswith("新") and phrase_clean[1:].startswith(self.after_new))
                    or ("新增" in phrase_clean[2:] and self.v.resolve(phrase_clean).id is None)
                ):
                    # 新增…, 新培育…, 新创建全国文明城市13个, 中关村科技园新增入驻企业132家
                    # (新改扩建投用产业项目亩均税收15万元: a rate of new things is a level)
                    measure = "increase"
                if "累计" in phrase_clean:
                    measure = "cumulative"  # 城镇累计新增就业超700万人
            rule = "figure.subject"
            within: tuple[str, str] | None = None
            distribute: list[str] | None = None
            listed = bool(same_clause_prev and prev is not None and raw.strip() in ("和", "、", "及", "与", ""))
            if listed and prev is not None:
                # 分别增长4.8%、6.2%: the second figure shares the first one's measure and bound
                phrase_clean = ""
                if measure == "level" and q.before_start == q.start:
                    measure = prev.measure  # (新增1700公里、突破7000公里: a bound of its own is a level)
                if q.comparator == "=" and prev.q.before_start < prev.q.start and prev.q.comparator != "=":
                    q = replace(q, comparator=prev.q.comparator)
            each = next((w for w in self.lex.cues.distribute_each if w in phrase_clean[1:-1]), None)
            if each and not listed:
                # 交通、能源、水利分别完成投资3252亿元、…: each subject with the predicate
                subj, pred = phrase_clean.split(each, 1)
                parts = self.subjects(subj)
                if len(parts) > 1 and len(pred) <= 8:
                    phrase_clean = subj
                    removed = removed | {each}
                    split_pred = "" if pred in self.lex.cues.from_words else pred  # 分别从…: from-to
                else:
                    split_pred = ""
            else:
                split_pred = ""
            if removed & set(self.lex.cues.distribute_each):
                if phrase_clean:
                    group = [p + split_pred for p in self.subjects(phrase_clean)]
                group_i = 0  # 分别新增65家和30家，累计分别达到956家和561家: the same subjects again
            if group and not phrase_clean and not listed and group_i >= len(group):
                # 分别达6.9万元、3.4万元，增长4.2%、5.3%: the same subjects again
                n_here = sum(1 for q2 in qs if q.start <= q2.start < clause_end_hard)
                if n_here == len(group):
                    group_i = 0
                    listed = True
            if group and (removed & set(self.lex.cues.distribute_each) or (not phrase_clean and listed)):
                if group_i < len(group):
                    phrase_clean = group[group_i]
                    group_i += 1
                    rule = "figure.distribute_each"
                    if prev is not None and listed:
                        clause_start = prev.clause_start
                elif not phrase_clean:
                    group = None
            elif removed & set(self.lex.cues.distribute_all) and phrase_clean:
                parts = self.subjects(phrase_clean)
                if len(parts) > 1:
                    distribute = parts
                    rule = "figure.distribute_all"
                    if "实现" in removed and noun and q.unit_kind == "count":
                        # 本科高校、高职院校、技师学院均实现21个地级以上市全覆盖
                        distribute = [p + "实现" + noun for p in parts]
            task_verb = verb if verb in self.task_verb_set else None
            # (digits of a name are no figure: 进入中国企业500强)
            counted = (
                bool(noun) and q.unit_kind in ("count", "length", "area") and not re.search(r"\d", self._no_names(noun))
            )
            if of_thing and noun and not counted and rule == "figure.subject":
                # 用足用好国家下达的90亿元消费品以旧换新资金: the figure is the thing after it
                phrase_clean = noun
            elif (
                not counted
                and noun
                and 0 < len(phrase_clean) <= 2
                and rule == "figure.subject"
                and self.v.resolve(phrase_clean).id is None
                and not re.search(r"\d", noun)
            ):
                # 投入4.3亿元实施职业技能提升工程: a bare verb and what the figure went to
                phrase_clean = (phrase_clean + noun)[:_MAX_PHRASE]
            if counted and phrase_clean and rule == "figure.subject" and self.v.resolve(phrase_clean).id is None:
                lead = _strip_prefixes(phrase_clean, self.strip_prefix)
                if "实现" in removed and not task_verb:
                    # 职业院校现代产业学院实现16个市全覆盖: the figure counts what is reached
                    phrase_clean = phrase_clean + "实现" + noun
                    rule = "figure.counted"
                elif task_verb:
                    # 为退役军人提供5万个就业岗位: the figure counts the thing after it; 示范区完成600
                    # 平方公里设施智能化部署: a size keeps the subject
                    scoped = lead.startswith(self.scope_openers) and len(lead) >= 3
                    if q.unit_kind == "count" and not scoped:
                        phrase_clean = task_verb + noun
                    else:
                        # 为退役军人提供5万个就业岗位: the group served stays in the indicator
                        phrase_clean = (lead if scoped else phrase_clean) + task_verb + noun
                    measure = self._task_measure(task_verb, raw)
                    rule = "figure.task"
                elif "、" in lead and lead.rsplit("、", 1)[1] in self.dependent:
                    # 实施学前一年免费教育政策、惠及168万名儿童
                    phrase_clean = (lead.replace("、", "") + noun)[-_MAX_PHRASE:]
                    rule = "figure.counted"
                elif (
                    of_thing
                    or "、" in lead
                    or lead.endswith(tuple(self.lex.cues.enumeration_end))
                    or lead in self.lex.cues.lead_verbs
                    or lead in self.v.region_words
                ):
                    # 桑龙、城龙、醴娄等7条高速公路建成通车; 推动16个县…; 开工长深高速改扩建等2个项目
                    starts = next((v for v in self.task_verbs if lead.startswith(v) and lead != v), "")
                    phrase_clean = starts + noun
                    rule = "figure.counted"
                elif noun.startswith(tuple(self.lex.cues.predicate_starts)):
                    # 团洲垸蓄滞洪区2.1万余人进行迁建: the subject, then what the counted did
                    phrase_clean = lead + noun
                    rule = "figure.counted"
                elif len(lead) <= 4 and not lead.endswith(self.noun_heads):
                    # 优化242条公交线路, 成功应对22轮强降水: a short verb and the thing it counts
                    phrase_clean = lead + noun
                    rule = "figure.counted"
                else:
                    # 自贸试验区累计15项改革成果在全国推广; 先行示范区47项经验: the subject's things
                    phrase_clean = (lead + noun)[:_MAX_PHRASE]
                    rule = "figure.counted"
                    if "累计" in removed and measure == "level":
                        measure = "cumulative"
            of_after = self._share_of(view, q, clause_end) if q.unit_kind not in ("percent", "points") else ""
            if phrase_clean and of_after and rule == "figure.subject":
                # 完成涉及4万户的村庄改造: the figure measures the thing after 的
                phrase_clean = (phrase_clean + of_after)[:_MAX_PHRASE]
            if (
                not phrase_clean
                and q.unit_kind == "percent"
                and not listed
                and self._share_of(view, q, clause_end, True)
            ):
                # 90%以上村庄达到干净整洁村标准: a share of the things named after it
                phrase_clean = self._share_of(view, q, clause_end, True)
                measure = "share"
                rule = "figure.share_of"
            if not phrase_clean:
                inherited = False
                if (
                    verb is None
                    and prev is not None
                    and prev.verb
                    and same_or_next(prev, hard_start)
                    and raw.strip() in ("", "和", "、", "及", "与")
                ):
                    verb = prev.verb
                    inherited = True
                if verb and noun:
                    phrase_clean = verb + noun
                    # 累计建设24个…、12个…: the second item shares the first one's measure
                    measure = prev.measure if inherited and prev is not None else self._task_measure(verb, raw)
                    rule = "figure.task"
                elif q.unit_kind == "percent" and self._share_of(view, q, clause_end):
                    # 60%的城市污水处理厂完成提标改造; 三分之二的公园实现无界融通
                    phrase_clean = self._share_of(view, q, clause_end)
                    measure = "share"
                    rule = "figure.share_of"
                elif counted and (not listed or (prev is not None and prev.rule == "figure.counted")):
                    # 181项检验结果实现互认共享
                    phrase_clean = noun
                    rule = "figure.counted"
                elif prev is not None and not noun:
                    phrase_clean = prev.phrase
                    rule = "figure.inherit"
                    if "累计" in removed or raw.strip().startswith("累计"):
                        # 新增1个省级境外经贸合作区、累计达8个: the total of the same things
                        phrase_clean = _strip_prefixes(phrase_clean, self.increase_verbs + self.task_verbs)
                        measure = "cumulative" if measure == "level" else measure
                    if measure == "level" and prev.measure == "level" and q.unit != prev.q.unit:
                        measure = "level"
                else:
                    prev = None
                    continue
            if (
                prev is not None
                and rule == "figure.subject"
                and phrase_clean in self.bare_heads
                and same_or_next(prev, hard_start)
            ):
                # 粮食播种面积1.1亿亩、产量825亿斤以上: 产量 of the same thing
                for k in (4, 3, 2):
                    cand = prev.phrase[:k] + phrase_clean
                    if self.v.resolve(cand).id is not None:
                        phrase_clean = cand
                        break
                else:
                    if phrase_clean in self.total_heads and prev.phrase:
                        # 新结对国际友好城市4对、总数达110对: the total of the same things
                        phrase_clean = _strip_prefixes(prev.phrase, self.task_verbs) + phrase_clean
            if (
                prev is not None
                and rule == "figure.subject"
                and soft_split
                and measure == "level"
                and not had_cue
                and q.before_start == q.start  # (、总数突破1万家: a bound of its own is a level)
                and not phrase_clean.endswith(tuple(self.total_heads))
                and q.unit_kind in ("count", "area", "length")
                and q.unit_kind == prev.q.unit_kind
                and not phrase_clean.startswith(tuple(self.task_verbs))
            ):
                # 新建国家现代农业产业园2个、产业集群1个: the verb holds for the whole list (新增…1494家、
                # 专精特新“小巨人”企业81家: new ones, also when the lexicon names the thing)
                lead_verb = prev.list_verb or next((v for v in self.task_verbs if prev.phrase.startswith(v)), None)
                if lead_verb:
                    list_verb = lead_verb
                    measure = prev.measure
                    if self.v.resolve(phrase_clean).id is None:
                        phrase_clean = lead_verb + phrase_clean
            if rule == "figure.subject" and phrase_clean in self.bare_heads and self.v.resolve(phrase_clean).id is None:
                # 推动新能源汽车产业提质扩量…，力争产量突破120万辆: the sentence names the thing
                before = view[sent_start : q.before_start]
                hits = {i for front, i in self.head_index.get(phrase_clean, []) if front in before}
                if len(hits) == 1:
                    ind = self.lex.indicators.by_id(hits.pop())
                    if ind is not None:
                        phrase_clean = ind.zh
            if prev is not None and rule in ("figure.subject", "figure.counted") and not listed:
                base = prev.noun or prev.phrase
                if phrase_clean in self.dependent and base and rule == "figure.subject":
                    # 119家公共文化场馆延时错时开放，惠及5900万人次: what the figure before did
                    phrase_clean = (prev.phrase + phrase_clean)[-_MAX_PHRASE:]
                elif phrase_clean.startswith("占") and base and rule == "figure.subject":
                    # 出口规模突破4万亿元，占全国份额…: the share of the same thing
                    phrase_clean = base + phrase_clean
                elif (
                    raw.lstrip().startswith("其中")
                    and base
                    and (phrase_clean or noun)
                    and prev.q.unit_kind == q.unit_kind
                    and (rule == "figure.counted" or self.v.resolve(phrase_clean).id is None)
                ):
                    # (其中规模工业增加值增长6.2%: an indicator of the lexicon stands on its own)
                    if rule == "figure.counted":
                        phrase_clean = noun
                    # 累计推出259项制度创新成果，其中56项为全国首创
                    phrase_clean = base + "中" + (phrase_clean or noun)
                    within = (base + "中", "")
                    if (
                        measure == "level"
                        and prev.measure in ("increase", "cumulative")
                        and q.unit_kind == prev.q.unit_kind
                    ):
                        measure = prev.measure  # 新登记147万户、其中企业57.3万家: new ones too
            if (
                within is None
                and rule == "figure.subject"
                and phrase_clean
                and self.v.resolve(phrase_clean).id is None
                and not re.search(r"\d", phrase_clean)
            ):
                if raw.lstrip().startswith("其中") and (prev is None or prev.q.end < hard_start - 1):
                    # 为80万重点群体提供就业帮扶，其中…退役军人1万人: the task the clause before names
                    obj = self._task_object(view[sent_start : max(sent_start, hard_start - 1)])
                    if obj:
                        within = ("", obj)
                elif (
                    same_clause_prev
                    and prev is not None
                    and prev.within is not None
                    and prev.q.unit_kind == q.unit_kind
                    and "、" in view[prev.q.end : q.before_start]
                ):
                    # …其中离校未就业高校毕业生6万人、退役军人1万人: each listed item of the same whole
                    within = prev.within
                if within is not None:
                    phrase_clean = within[0] + phrase_clean + within[1]
            if within is None and rule == "figure.subject" and phrase_clean and not same_clause_prev:
                # 城镇居民人均可支配收入达到5.2万元，农村居民达到2.4万元: the head of the one before
                twin = next((o for o in reversed(out) if o.q.unit == q.unit and not o.skip), None)
                if (
                    twin is not None
                    and twin.measure == measure
                    and twin.rule != "figure.counted"
                    and twin.distribute is None
                    and "、" not in twin.phrase
                ):
                    phrase_clean = self._parallel_head(phrase_clean, twin.phrase)
            if len(phrase_clean) > _MAX_PHRASE:
                phrase_clean = phrase_clean[-_MAX_PHRASE:]
            d = _Draft(
                q=q,
                phrase=phrase_clean,
                measure=measure,
                clause_start=clause_start,
                clause_end=clause_end,
                rule=rule,
                verb=verb,
                distribute=distribute,
                years=years,
            )
            d.within = within
            d.list_verb = list_verb
            d.per_year = "每年" in view[clause_start : q.before_start] and not measure.startswith("avg_")
            if rule == "figure.distribute_each":
                d.group = group
            if rule in ("figure.counted", "figure.task"):
                d.noun = noun
                d.noun_cut = noun_cut
            elif rule == "figure.share_of":
                d.noun = phrase_clean
            if rule == "figure.inherit" and prev is not None:
                d.clause_start = prev.clause_start
                if listed and measure == "level" and q.before_start == q.start:
                    d.measure = prev.measure
            out.append(d)
            prev = d
        for d in out:
            if d.rule == "figure.distribute_each" and d.group and sum(1 for d2 in out if d2.group is d.group) == 1:
                # 国家现代农业产业园、优势特色产业集群分别增加2个: each grew by 2
                d.distribute = d.group
        return [d for d in out if not d.skip]

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
                subj = self.v.resolve(_strip_prefixes(m["subject"], self.strip_prefix))
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
                    ind = self.v.resolve(_strip_prefixes(m["subject"], self.strip_prefix))
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
        d: _Draft,
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
        if kind == "outcome" and period.end > period.start and measure in ("growth", "decline"):
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


def _count_of(n: str) -> int:
    """A small count written in digits or Chinese numerals (5, 五, 两)."""
    return int(n) if n.isdigit() else int(cn2an.cn2an(n, "smart"))


def _last_list_sep(raw: str) -> int:
    """The last 、 of ``raw`` that is not inside brackets (县（市、区）), or -1."""
    depth = 0
    for i in range(len(raw) - 1, -1, -1):
        ch = raw[i]
        if ch in "）)":
            depth += 1
        elif ch in "（(":
            depth = max(0, depth - 1)
        elif ch == "、" and depth == 0:
            return i
    return -1


def same_or_next(prev: _Draft, hard_start: int) -> bool:
    """Is ``prev`` in the clause just before (or the same as) the one starting at ``hard_start``?"""
    return prev.clause_end + 1 >= hard_start - 1


def extract(
    doc: Document, sections: list[Section], lex: Lexicon | None = None, *, notes: list[str] | None = None
) -> list[Statement]:
    """Every goal and outcome of ``doc``; ``notes`` receives what could not be read (sentences too large)."""
    ex = Extractor(lex)
    out = ex.extract(doc, sections)
    if notes is not None:
        notes.extend(ex.notes)
    return out
