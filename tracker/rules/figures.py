"""The figure rules: what one figure of a sentence states, read by small named rules in order.

Each rule takes the extractor (its lexicon cues and helpers), the sentence and the figure.
It reads or sets what the figure is (its clause, the words in front of it, its measure, the
thing it counts, its subject) and returns True when the figure is done: either left out
(not a statement) or drafted. ``FIGURE_RULES`` is the order they run in; find the rule for
a sentence by the example in its docstring.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from tracker.rules.common import (
    GLOSS_OPEN,
    HARD,
    LEAD_YEARS,
    LIST_SEP,
    LISTED,
    MAX_PHRASE,
    SHORT_NOUN,
    SPAN_OF_YEARS,
    YEAR_OF,
    Draft,
    Figure,
    Sentence,
    count_of,
    last_list_sep,
    same_or_next,
    strip_prefixes,
    strip_suffixes,
)

if TYPE_CHECKING:
    from tracker.extract import Extractor

Rule = Callable[["Extractor", Sentence, Figure], bool]


# ------------------------------------------------------------ where the figure stands
# 2334个过2000万元的工业新增长点: a thing after the bounds, at the end of the clause
BOUNDED_THING = re.compile(r"(?:以上|以下)?的([\u4e00-\u9fff]{2,12})$")
BOUND_IN_ITEM = re.compile(r"(?:过|超过|超)[\d.一二三四五六七八九十百千万亿]")


def gloss(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """增长1.7%（同口径增长2.5%以上）: a figure in brackets right after another one glosses it.
    The same figure on another basis is a second statement of the same indicator
    (figure.gloss: 2.5, growth, ≥); any other figure in such brackets is none."""
    if not (f.qi and GLOSS_OPEN.match(s.view[s.qs[f.qi - 1].end : f.q.before_start])):
        return False
    g = ex._gloss(s.view, s.qs[f.qi - 1], f.q, s.prev, s.end)
    if g is not None:
        s.out.append(g)
    return True


def clause(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """城镇新增就业70万人，城镇调查失业率5.5%左右: the clause of a figure runs between the hard
    punctuation (，；：。) around it; the figures after it in the same clause are noted."""
    view, q = s.view, f.q
    f.hard_start = s.start
    for i in range(q.before_start - 1, s.start - 1, -1):
        if view[i] in HARD:
            f.hard_start = i + 1
            break
    f.clause_end = s.end
    for i in range(q.end, s.end):
        if view[i] in HARD:
            f.clause_end = i
            break
    f.clause_end_hard = f.clause_end
    f.later = [q2 for q2 in s.qs if q2.start > q.end and q2.before_start < f.clause_end]
    return False


def threshold_in_subject(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """总投资10亿元以上项目102个: a bound followed by a short noun and another figure says which
    things are counted; nothing for 10亿元 (102个 is read on its own)."""
    later = f.later
    return bool(
        later and f.q.comparator in (">=", ">") and SHORT_NOUN.fullmatch(s.view[f.q.end : later[0].before_start])
    )


def count_in_subject(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """203个国考断面优良率和285个水功能区达标率均为100%: a count inside a later figure's subject;
    nothing for 203 and 285."""
    return f.q.unit_kind not in ("percent", "points", None) and any(
        ex._modifies(s.view[f.q.end : q2.before_start]) for q2 in f.later
    )


def list_item(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """新建50家…中心、80家…中心: a parallel item ends at the 、 before the next figure of the clause
    (a 和 after the last 、 joins the next item's own words: 273场、国际级和全国赛事370场)."""
    if f.later:
        seg = s.view[f.q.end : f.later[0].before_start]
        idx = last_list_sep(seg)
        if idx < 0:
            idx = max(seg.rfind("和"), seg.rfind("及"))
        if idx >= 0:
            f.clause_end = f.q.end + idx
    return False


def words_before(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """The words in front of the figure, from the clause start or from the figure before in the
    same clause. 从每人每月1536元提高到1567元: the second figure keeps the monthly unit;
    181项检验结果和300项检查结果: the first figure's thing is not the second one's subject."""
    view, prev = s.view, s.prev
    f.region_start = f.hard_start
    f.same_clause_prev = prev is not None and prev.q.end > f.hard_start
    if f.same_clause_prev and prev is not None:
        f.region_start = prev.q.end
    if f.region_start < s.cut <= f.q.before_start:
        f.region_start = s.cut
    f.raw = view[f.region_start : f.q.before_start]
    if (
        f.same_clause_prev
        and prev is not None
        and prev.q.unit in ex.per_units
        and f.q.unit == ex.per_units[prev.q.unit]
    ):
        f.q = replace(f.q, unit=prev.q.unit)
    f.of_thing = f.raw.rstrip().endswith("的")
    if f.same_clause_prev and prev is not None and prev.noun:
        lead_noun = f.raw.lstrip().removeprefix("的")
        cut_noun = next((n for n in (prev.noun, prev.noun_cut) if n and lead_noun.startswith(n)), None)
        if cut_noun:
            f.region_start += len(f.raw) - len(lead_noun) + len(cut_noun)
            f.raw = view[f.region_start : f.q.before_start]
    return False


def list_split(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """新建50家…中心、80家…中心: the words of a listed item start after the last 、 in front of it;
    the quote starts there too (总投资2万亿元的389个省重点项目: one quote for both figures)."""
    soft = last_list_sep(f.raw)
    f.soft_split = soft >= 0 and f.same_clause_prev
    if soft >= 0 and f.same_clause_prev:
        f.region_start = f.region_start + soft + 1
        f.raw = f.raw[soft + 1 :]
    elif soft >= 0:
        tail_has_subject = bool(f.raw[soft + 1 :].strip())
        figure_before = any(f.region_start <= q2.start < f.region_start + soft for q2 in s.qs)
        tail = f.raw[soft + 1 :].lstrip()
        opens = tail.startswith(ex.clause_openers) or tail.startswith(tuple(ex.total_heads))
        if not tail_has_subject or figure_before or opens:
            f.region_start = f.region_start + soft + 1
            f.raw = f.raw[soft + 1 :]
    listed_before = f.same_clause_prev or "、" in s.view[f.hard_start : f.region_start]
    f.clause_start = f.region_start if listed_before else f.hard_start
    if f.same_clause_prev and s.prev is not None and s.prev.rule == "figure.attribute":
        f.clause_start = s.prev.clause_start
    return False


# ------------------------------------------------------------ figures that complete the one before


def stretch(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """地区生产总值增长5%、力争6%: the second of two thresholds is the stretch of the first (gdp growth
    5, stretch 6)."""
    prev, q = s.prev, f.q
    if prev is None or prev.stretch is not None or q.unit != prev.q.unit:
        return False
    gap = s.view[prev.q.end : q.before_start]
    sep = gap[: len(gap) - len(gap.lstrip("、，, 　"))]
    words, cue_measure, _ = ex._measure(gap[len(sep) :])
    if sep and words.strip() in ex.stretch_cues and cue_measure in (prev.measure, "level"):
        prev.stretch = q.value
        prev.clause_end = max(prev.clause_end, q.end)
        return True
    return False


def from_to_next(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """分别从每人每月209元、280元提高到217元、290元: after the first to-figure (217元), each next one
    (290元) goes with the next subject and its from-figure (figure.from_to, baseline 280)."""
    prev = s.prev
    if s.pending and f.same_clause_prev and prev is not None and f.raw.strip() in LISTED:
        first = s.pending.pop(0)
        d = Draft(
            q=f.q,
            phrase=first.phrase,
            measure="level",
            clause_start=prev.clause_start,
            clause_end=f.clause_end,
            rule="figure.from_to",
            baseline=first.q.value,
        )
        return s.emit(d)
    s.pending = []
    return False


def _to_verb(ex: Extractor, f: Figure) -> str | None:
    between = YEAR_OF.sub("", f.raw.strip())
    return next((t for t in ex.to_verbs if between == t or between == t + "了"), None)


def from_to_each(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """分别从209元、280元提高到217元、290元: each subject from its figure to its figure; the first
    to-figure takes the first subject (baseline 209), the rest wait in ``pending``."""
    prev = s.prev
    if not (f.same_clause_prev and prev is not None):
        return False
    to = _to_verb(ex, f)
    froms = [o for o in s.out if prev.group is not None and o.group is prev.group and not o.skip]
    if not (to and len(froms) >= 2 and froms[-1] is prev and prev.rule == "figure.distribute_each"):
        return False
    for o in froms:
        o.skip = True
    s.pending = froms[1:]
    d = Draft(
        q=f.q,
        phrase=froms[0].phrase,
        measure="level",
        clause_start=prev.clause_start,
        clause_end=f.clause_end,
        rule="figure.from_to",
        baseline=froms[0].q.value,
    )
    return s.emit(d)


def from_to(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """研发投入强度从3.3%提高到3.8%: one statement of 3.8 with baseline 3.3 (figure.from_to); without
    words before 从 the subject of the figure before (figure.from_to.inherit); 占全国份额从14%提升到
    15.5%: the share of the thing before; 散居孤儿从1536元提高到1567元: the head of the twin before."""
    prev = s.prev
    if not (f.same_clause_prev and prev is not None):
        return False
    to = _to_verb(ex, f)
    pre = YEAR_OF.sub(lambda m: "\0" * len(m.group()), s.view[prev.clause_start : prev.q.before_start])
    fw = max((pre.rfind(w) for w in ex.lex.cues.from_words), default=-1)
    if not (to and fw >= 0):
        return False
    pre = s.view[prev.clause_start : prev.q.before_start]
    prev.skip = True
    d = Draft(
        q=f.q,
        phrase=strip_prefixes(pre[:fw].strip(), ex.strip_prefix),
        measure="level",
        clause_start=prev.clause_start,
        clause_end=f.clause_end,
        rule="figure.from_to",
        baseline=prev.q.value,
    )
    if not d.phrase.strip():
        d.phrase = prev.phrase
        d.rule = "figure.from_to.inherit"
    elif d.phrase.strip().startswith("占"):
        owner = next((o for o in reversed(s.out) if o is not prev and not o.skip), None)
        if owner is not None:
            d.phrase = (owner.noun or owner.phrase) + d.phrase.strip()
    elif (twin := next((o for o in reversed(s.out) if o is not prev and not o.skip), None)) and (
        twin.q.unit == f.q.unit and twin.rule.startswith("figure.from_to")
    ):
        d.phrase = ex._parallel_head(d.phrase, twin.phrase)
    return s.emit(d)


# ------------------------------------------------------------ figures that are no statement


def one_in_n(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """全国每出口4辆汽车就有1辆安徽造: a proportion (one in four); nothing for either figure."""
    prev = s.prev
    if prev is None or not f.same_clause_prev or not f.raw.rstrip().endswith(tuple(ex.lex.cues.one_in_then)):
        return False
    if "每" not in s.view[prev.clause_start : prev.q.before_start]:
        return False
    prev.skip = True
    return True


def ranking_list(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """2024中国民营企业500强和民营企业制造业500强、服务业100强、研发投入500家、发明专利500家等五张
    榜单: items of a list of rankings named by numbers (``ranking_lists``); nothing."""
    if ex.digit_names is None or not ex.digit_names.search(s.view[f.hard_start : f.q.before_start]):
        return False
    after = s.view[f.q.end : f.clause_end_hard]
    at = after.find("等")
    return at >= 0 and any(w in after[at : at + 8] for w in ex.lex.cues.ranking_lists)


def relative_gap(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """高于全国0.7个百分点: a gap to another region (``relative_regex``), not a level; nothing."""
    return any(r.search(f.raw) for r in ex.relative)


def part_year(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """实现三季度增长4.6%: a part of the year (``part_year_words``), not the year; nothing."""
    return any(w in f.raw for w in ex.lex.cues.part_year_words)


def policy_rate(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """企业所得税减按15%征收: the rate a policy applies (``policy_rate_before``/``_after``), no
    figure of an indicator; nothing."""
    if f.q.unit_kind != "percent":
        return False
    cues = ex.lex.cues
    after = s.view[f.q.end : f.clause_end_hard]
    return f.raw.rstrip().endswith(tuple(cues.policy_rate_before)) or after.startswith(tuple(cues.policy_rate_after))


def threshold_qualifier(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """A bound inside a subject says which things are meant: 关停10万千瓦及以下燃煤机组 (an upper
    bound and a noun); 年收益超10万元的村达到500个, 海拔1500米以上的学校 (a lower bound, 的 and a
    noun); 营收1亿元以上企业增长12% (a ``threshold_words`` word in front); 新开工10亿元以上制造业项目
    248个 (a noun the next figure counts). Nothing for the bound;
    a figure a task verb or cue stands in front of (新增300万千瓦以上…) is no bound of a subject."""
    q = f.q
    if q.comparator not in (">=", ">", "<=", "<") or q.unit_kind in ("count", "percent", "points", None):
        return False
    after = s.view[q.end : f.clause_end_hard]
    thing = after.removeprefix("的")
    if not thing[:1] or not re.match(r"[\u4e00-\u9fff]", thing) or thing.startswith(ex.noun_stops):
        return False
    if thing.startswith(ex.cue_texts) or thing.startswith(ex.task_verbs_t):
        return False
    raw = f.raw.rstrip()
    if q.comparator in ("<=", "<"):
        return True
    if f.later:
        # 新开工10亿元以上制造业项目248个: the noun after the bound is what the next figure counts
        between = s.view[q.end : f.later[0].before_start]
        if len(between) <= 12 and re.fullmatch(r"[\u4e00-\u9fff]+", between) and not between.endswith(ex.cue_texts):
            return True
    words, _, verb = ex._measure(raw)
    if verb is not None or words != raw:
        return False  # 新增300万千瓦以上的装机: the figure of a task
    # 预增产值过10亿元、2334个过2000万元的工业新增长点: a bound of a listed item, the thing at the end
    listed_bound = after.startswith("、") and BOUNDED_THING.search(after) is not None
    return after.startswith("的") or raw.endswith(tuple(ex.lex.cues.threshold_words)) or listed_bound


def bound_of_counted(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """191家工业企业营业收入超百亿元: the bound says which things were counted; nothing for 百亿元
    (82个项目开工过半 is a share of them and stays)."""
    prev, q = s.prev, f.q
    return bool(
        f.same_clause_prev
        and prev is not None
        and prev.noun
        and q.comparator in (">", ">=")
        and q.unit_kind not in ("percent", "points")
        and s.view[q.before_start : q.end] in prev.noun
    )


def attribute(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """总投资711亿元的古雷…项目开工建设 -> 古雷…项目总投资 711亿元 (figure.attribute): a figure that is
    an attribute (``attribute_words``) of the thing after 的."""
    phrase = "" if f.same_clause_prev else ex._attribute(s.view, f.raw, f.q, f.clause_end_hard, f.later)
    if not phrase:
        return False
    d = Draft(
        q=f.q,
        phrase=phrase,
        measure="level",
        clause_start=f.clause_start,
        clause_end=f.clause_end,
        rule="figure.attribute",
    )
    return s.emit(d)


# ------------------------------------------------------------ the measure and the subject


def measure_cue(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """地区生产总值增长5.4%: the cue in front of the figure gives the measure (增长 -> growth) and the
    words before it the subject; 营收保持20%以上增长: a cue after a percentage; 国家下达的90亿元…
    资金: words ending in 的 are a level; 优良天数比例改善2个百分点: an improvement is a rise."""
    raw, q = f.raw, f.q
    f.phrase, f.measure, f.verb = ex._measure(raw)
    f.had_cue = f.phrase.rstrip() != strip_suffixes(raw.rstrip(), ["了", "的"])[0]
    if f.measure == "level" and not f.had_cue and q.unit_kind == "percent":
        after = s.view[q.end : f.clause_end_hard]
        cue_after = next((c for c in ex.measure_after if after.startswith(c.text)), None)
        if cue_after is not None:
            f.measure = cue_after.measure
    f.list_verb = None
    things_before = not ex._noun_after(s.view, q, f.clause_end)
    if (
        f.measure == "increase"
        and f.verb in ex.lex.cues.quality_verbs
        and q.unit_kind in ("count", "area")
        and things_before
    ):
        # 农房风貌提升26.4万户; 林分优化提升200万亩: the things improved are counted, the verb is their name's
        f.phrase, f.verb = raw.rstrip(), None
    if f.of_thing:
        f.phrase, f.measure, f.verb = raw.rstrip()[:-1], "level", None
    if f.measure == "decline" and q.unit_kind == "points" and raw.rstrip().endswith("改善"):
        f.measure = "increase"
    return False


def word_measure(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """全国重点实验室数量翻番; 实现算力总规模翻番: a figure written as a word with a measure of its
    own (``word_figures``): a growth of 100% over the whole period (cumulative over years)."""
    m = ex.word_measures.get(f.q.text.strip())
    if m is not None and f.measure == "level":
        f.measure = m
        f.whole_period = True
    return False


def policy_package(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """出台支持民营经济发展36条政策措施; 相继出台43条、16条具体举措; 制定稳增长惠民生27条: the count
    names a policy package (``package_units``, ``package_things``, ``package_verbs``); nothing."""
    cues = ex.lex.cues
    q, view = f.q, s.view
    if q.unit not in cues.package_units:
        return False
    thing = f.noun
    if not thing and f.later and view[q.end : f.later[0].before_start].strip() in LISTED:
        thing = ex._noun_after(view, f.later[0], f.clause_end_hard)  # 43条、16条具体举措
    if thing:
        return any(w in thing[:16] for w in cues.package_things)
    ends = not view[q.end : f.clause_end_hard].strip()
    return ends and any(v in f.raw for v in cues.package_verbs)


def package_counted(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """12类45件民生实事全面完成; 今年继续实施10大类55项民生实事; 制定、废止省政府规章6件; 从创新、协调…
    6个维度设置了29项主要指标: the size of a yearly package or of a document's structure
    (``package_counted``), whatever its unit; nothing."""
    if f.q.unit_kind != "count":
        return False
    words = tuple(ex.lex.cues.package_counted)
    tail = f.raw.rstrip()[-10:]  # 审议地方性法规草案15件
    return any(w in f.noun[:12] or w in tail for w in words)


def existing_set(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """高质量建设15个承接产业转移主平台和7个大型产业集聚区; 做优做强5个国家先进制造业集群: a count
    after a verb of work on existing things (``set_verbs``) names that set; 提升39个欠发达县域托底性
    帮扶质效: a count inside the object of a quality verb (``quality_verbs`` … ``quality_nouns``)
    too. Nothing: no goal of making so many new things (改造提升300个… stays)."""
    if f.q.unit_kind != "count":
        return False
    cues = ex.lex.cues
    before = s.view[f.hard_start : f.q.before_start]
    at, verb = max(((before.rfind(v), v) for v in cues.set_verbs), default=(-1, ""))
    if at >= 0:
        tail = before[at + len(verb) :]
        start = f.hard_start + at + len(verb)
        if not tail.strip() or any(start <= q2.start < f.q.start for q2 in s.qs):
            return True
    after = s.view[f.q.end : f.clause_end_hard]
    if f.raw.rstrip().endswith(tuple(cues.quality_verbs)) and after.endswith(tuple(cues.quality_nouns)):
        return True
    return scoped_whole(ex, s, f, after)


def scoped_whole(ex: Extractor, s: Sentence, f: Figure, after: str) -> bool:
    """全省320家承包或委托经营的中小学食堂、40家学生集体用餐配送单位实现…监测全覆盖: counts opening a
    clause after a whole-area scope (``whole_scopes``) whose outcome is coverage (``coverage_marks``)
    name the whole existing set the task applies to, not a goal of so many: nothing."""
    cues = ex.lex.cues
    first = next((q2 for q2 in s.qs if q2.start >= f.hard_start), f.q)
    opening = s.view[f.hard_start : first.before_start].strip()
    return opening.endswith(tuple(cues.whole_scopes)) and any(w in after for w in cues.coverage_marks)


def ranked_things(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """油菜籽等14种农产品产量居全国第1位: a count followed in its item by a rank counts the things
    ranked (``rank_verbs`` + ``rank_scopes``); 经济总量连续跨过3个万亿元大关: a count of milestones
    (``milestone_heads``). Nothing for either (国家级制造业单项冠军235个、居全国首位 stays)."""
    if f.q.unit_kind != "count":
        return False
    after = s.view[f.q.end : f.clause_end_hard]
    if any(w in after[:10] for w in ex.lex.cues.milestone_heads):
        return True
    m = ex.rank_re.search(after) if ex.rank_re is not None else None
    return bool(m and m.start() > 0 and "、" not in after[: m.start()])


def batch_size(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """首批121个闽台融合发展重点项目完成投资超千亿元: the size of a batch (``batch_marks``) whose
    attribute (``dependent_words``/``attribute_words``) the clause gives next: nothing for 121;
    the next figure's words start after it (闽台融合发展重点项目完成投资 > 千亿元)."""
    if not f.later or f.q.unit_kind != "count" or not f.raw.rstrip().endswith(tuple(ex.lex.cues.batch_marks)):
        return False
    between = s.view[f.q.end : f.later[0].before_start]
    cues = ex.lex.cues
    if "、" in between or not between.endswith((*cues.dependent_words, *cues.attribute_words)):
        return False
    s.cut = f.q.end
    return True


def thing_after(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """新增7000张养老床位: the thing after a figure is what it counts (养老床位); 首批12项及第二批14项
    重点改革: both count the thing named after the second; 新增2家千亿级、24家百亿级工业企业:
    千亿级 takes the head of the next item's thing (千亿级工业企业)."""
    view, q, later = s.view, f.q, f.later
    noun = ex._noun_after(view, q, f.clause_end)
    if noun.startswith(ex.noun_stops):
        noun = ""
    between_next = view[q.end : later[0].before_start].strip() if later else ""
    if not noun and later and between_next[:1] in ("和", "及", "与") and len(between_next) <= 5:
        rest = ex._noun_after(view, later[0], f.clause_end_hard)
        if rest and q.unit == later[0].unit:
            noun = rest
    f.noun_cut = noun
    if noun and later and view[f.clause_end : f.clause_end + 1] in ("、", "和"):
        noun = ex._complete_noun(view, noun, later[0], f.clause_end_hard)
    f.noun = noun
    return False


def subject_words(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """The subject without the words around it (``phrase_strip_suffix``/``prefix``): 其中用于项目建设
    1542亿元 keeps 建设 in the subject; 经济增长目标设定为6%左右: the target of a growth is that
    growth (经济 growth 6)."""
    raw, q = f.raw, f.q
    phrase, measure, verb = f.phrase, f.measure, f.verb
    if verb and raw.rstrip().endswith(verb) and not f.noun and phrase.strip():
        if verb in ex.task_verb_only:
            phrase, measure, verb = raw.rstrip(), "level", None
    phrase, removed = strip_suffixes(phrase.strip(), ex.strip_suffix)
    phrase = phrase.strip()
    if measure == "level" and q.unit_kind == "percent" and "目标" in removed:
        cue = next((c for c in ex.growth_cues if phrase.endswith(c) and len(phrase) > len(c)), None)
        if cue:
            phrase, measure = phrase[: -len(cue)], "growth"
    f.phrase_clean = strip_prefixes(phrase, ex.strip_prefix)
    f.lead_words = phrase[: len(phrase) - len(f.phrase_clean)]  # the prefixes stripped
    f.phrase, f.measure, f.verb, f.removed = phrase, measure, verb, removed
    return False


def span_of_years(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """居民人均可支配收入五年增长30.8%: a change over 5 years (cumulative_growth, years 5); 近五年
    累计投入资金2562亿元: a total (cumulative) over 5 years."""
    m = SPAN_OF_YEARS.search(f.phrase_clean)
    f.years = None
    if m and f.measure in ("growth", "decline", "increase"):
        f.years = count_of(m.group()[:-1])
        f.phrase_clean = f.phrase_clean[: m.start()]
        f.measure = {"growth": "cumulative_growth", "decline": "cumulative_decline"}.get(f.measure, f.measure)
    if f.measure in ("level", "increase") and "累计" in f.lead_words:
        f.measure = "cumulative"  # 累计推动农房风貌提升26.4万户: a total, also of things improved
    if (m_years := LEAD_YEARS.search(f.lead_words)) and f.measure in ("cumulative", "increase"):
        f.years = count_of(m_years[1])
    return False


def new_things(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """新创建全国文明城市13个; 中关村科技园新增入驻企业132家; 城镇新增就业115.8万人: a count of new
    things (increase);
    城镇累计新增就业超700万人: a total (cumulative). 新改扩建投用产业项目亩均税收15万元: a rate of new
    things stays a level."""
    pc = f.phrase_clean
    rate = any(w in pc for w in ex.rate_marks) or pc.endswith(ex.rate_heads)
    if f.measure == "level" and not rate:
        if (
            pc.startswith(ex.adding_starts)
            or (pc.startswith("新") and pc[1:].startswith(ex.after_new))
            or "新增" in pc[2:]
        ):
            f.measure = "increase"
        if "累计" in pc:
            f.measure = "cumulative"
    return False


def listed(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """分别增长4.8%、6.2%: a figure right after another (、 和 及 与) shares its measure and bound
    (新增1700公里、突破7000公里: a bound of its own is a level)."""
    prev = s.prev
    f.listed = bool(f.same_clause_prev and prev is not None and f.raw.strip() in LISTED)
    if f.listed and prev is not None:
        f.phrase_clean = ""
        if f.measure == "level" and f.q.before_start == f.q.start:
            f.measure = prev.measure
        if f.q.comparator == "=" and prev.q.before_start < prev.q.start and prev.q.comparator != "=":
            f.q = replace(f.q, comparator=prev.q.comparator)
    return False


def each_subject(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """交通、能源、水利分别完成投资3252亿元、…: 分别 pairs the subjects (with the predicate) and the
    figures in order; 分别达6.9万元、3.4万元，增长4.2%、5.3%: the same subjects again."""
    cues = ex.lex.cues
    each = next((w for w in cues.distribute_each if w in f.phrase_clean[1:-1]), None)
    split_pred = ""
    if each and not f.listed:
        subj, pred = f.phrase_clean.split(each, 1)
        parts = ex.subjects(subj)
        if len(parts) > 1 and len(pred) <= 8:
            f.phrase_clean = subj
            f.removed = f.removed | {each}
            split_pred = "" if pred in cues.from_words else pred  # 分别从…: from-to
    if f.removed & set(cues.distribute_each):
        if f.phrase_clean:
            s.group = [p + split_pred for p in ex.subjects(f.phrase_clean)]
        s.group_i = 0  # 分别新增65家和30家，累计分别达到956家和561家: the same subjects again
    if s.group and not f.phrase_clean and not f.listed and s.group_i >= len(s.group):
        n_here = sum(1 for q2 in s.qs if f.q.start <= q2.start < f.clause_end_hard)
        if n_here == len(s.group):
            s.group_i = 0
            f.listed = True
    return False


def distribute(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """城镇、农村居民人均可支配收入分别增长4.8%、6.2%: the next subject of the 分别 group
    (figure.distribute_each); 本科高校、高职院校、技师学院均实现21个地级以上市全覆盖: 均/都 gives
    the figure to every subject (figure.distribute_all)."""
    cues = ex.lex.cues
    if s.group and (f.removed & set(cues.distribute_each) or (not f.phrase_clean and f.listed)):
        if s.group_i < len(s.group):
            f.phrase_clean = s.group[s.group_i]
            s.group_i += 1
            f.rule = "figure.distribute_each"
            if s.prev is not None and f.listed:
                f.clause_start = s.prev.clause_start
        elif not f.phrase_clean:
            s.group = None
    elif f.removed & set(cues.distribute_all) and f.phrase_clean:
        parts = ex.subjects(f.phrase_clean)
        if len(parts) > 1:
            f.distribute = parts
            f.rule = "figure.distribute_all"
            if "实现" in f.removed and f.noun and f.q.unit_kind == "count":
                f.distribute = [p + "实现" + f.noun for p in parts]
    return False


def figure_of_thing(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """用足用好国家下达的90亿元消费品以旧换新资金: the figure is the thing after it (…资金);
    投入4.3亿元实施职业技能提升工程: a bare verb and what the figure went to. Digits of a name are
    no count (进入中国企业500强)."""
    f.task_verb = f.verb if f.verb in ex.task_verb_set else None
    f.counted = (
        bool(f.noun) and f.q.unit_kind in ("count", "length", "area") and not re.search(r"\d", ex._no_names(f.noun))
    )
    if f.of_thing and f.noun and not f.counted and f.rule == "figure.subject":
        f.phrase_clean = f.noun
    elif (
        not f.counted
        and f.noun
        and 0 < len(f.phrase_clean) <= 2
        and f.rule == "figure.subject"
        and ex.v.resolve(f.phrase_clean).id is None
        and not re.search(r"\d", f.noun)
    ):
        f.phrase_clean = (f.phrase_clean + f.noun)[:MAX_PHRASE]
    return False


def counted(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """A count of the thing after it, with the subject in front: 为退役军人提供5万个就业岗位 (task:
    提供就业岗位, the group served kept when scoped); 职业院校现代产业学院实现16个市全覆盖;
    桑龙、城龙、醴娄等7条高速公路建成通车 (the listed names dropped); 优化242条公交线路 (a short
    verb and its thing); 自贸试验区累计15项改革成果在全国推广 (the subject's things); 新开、复航、加密
    44条…航线 (all the verbs; an increase only when every verb adds)."""
    if not (f.counted and f.phrase_clean and f.rule == "figure.subject" and ex.v.resolve(f.phrase_clean).id is None):
        return False
    cues = ex.lex.cues
    lead = strip_prefixes(f.phrase_clean, ex.strip_prefix)
    noun, task_verb = f.noun, f.task_verb
    if "实现" in f.removed and not task_verb:
        f.phrase_clean = f.phrase_clean + "实现" + noun
        f.rule = "figure.counted"
    elif task_verb:
        # 改造提升3000个行政村村道: two verbs together are one task (the things worked on, level)
        # (新开工建设4座中型水库: new ones when the last verb adds; 改造提升: level)
        measure = ex._task_measure(task_verb, f.raw)
        if lead in ex.task_verb_set and f.raw.rstrip().endswith(lead + task_verb):
            measure = measure if task_verb in cues.adding_verbs else "level"
            task_verb = lead + task_verb
            f.phrase_clean = lead = ""
        # 示范区完成600平方公里设施智能化部署: a size keeps the subject
        scoped = lead.startswith(ex.scope_openers) and len(lead) >= 3
        if f.q.unit_kind == "count" and not scoped:
            f.phrase_clean = task_verb + noun
        else:
            f.phrase_clean = (lead if scoped else f.phrase_clean) + task_verb + noun
        f.measure = measure
        f.rule = "figure.task"
    elif _verb_list(ex, lead):
        # 新开、复航、加密44条国际及地区客货运航线: every verb is kept; new ones only if all add
        f.phrase_clean = lead + noun
        f.measure = "increase" if all(v in ex.adding_verbs for v in LIST_SEP.split(lead)) else "level"
        f.rule = "figure.counted"
    elif "、" in lead and lead.rsplit("、", 1)[1] in ex.dependent:
        # 实施学前一年免费教育政策、惠及168万名儿童
        f.phrase_clean = (lead.replace("、", "") + noun)[-MAX_PHRASE:]
        f.rule = "figure.counted"
    elif (
        f.of_thing
        or "、" in lead
        or lead.endswith(tuple(cues.enumeration_end))
        or lead in cues.lead_verbs
        or lead in ex.v.region_words
    ):
        # 推动16个县…; 开工长深高速改扩建等2个项目
        starts = next((v for v in ex.task_verbs if lead.startswith(v) and lead != v), "")
        f.phrase_clean = starts + noun
        f.rule = "figure.counted"
    elif noun.startswith(tuple(cues.predicate_starts)):
        # 团洲垸蓄滞洪区2.1万余人进行迁建: the subject, then what the counted did
        f.phrase_clean = lead + noun
        f.rule = "figure.counted"
    elif len(lead) <= 4 and not lead.endswith(ex.noun_heads):
        # 成功应对22轮强降水
        f.phrase_clean = lead + noun
        f.rule = "figure.counted"
    else:
        # 先行示范区47项经验
        f.phrase_clean = (lead + noun)[:MAX_PHRASE]
        f.rule = "figure.counted"
        if "累计" in f.removed and f.measure == "level":
            f.measure = "cumulative"
    return False


def _verb_list(ex: Extractor, lead: str) -> bool:
    """新开、复航、加密: a list of short verbs (the first a task or adding verb) in front of a count."""
    items = LIST_SEP.split(lead)
    return len(items) > 1 and items[0] in ex.task_verb_set and all(1 < len(i) <= 3 for i in items)


def paired_lists(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """17个区、2个县（市）、124个镇获评全国百强区、百强县、千强镇: as many counts before a shared
    predicate (``shared_predicates``) as names after it pair by position (县（市）获评全国百强县 2)."""
    if f.rule != "figure.counted" or f.q.unit_kind != "count" or not f.noun:
        return False
    view = s.view
    tail_at = f.q.end
    hits = [(i, w) for w in ex.lex.cues.shared_predicates if (i := view.find(w, tail_at, f.clause_end_hard)) >= 0]
    if not hits:
        return False
    at, pred = min(hits)
    counts = [q2 for q2 in s.qs if f.hard_start <= q2.start and q2.end <= at]
    names = [n.strip() for n in LIST_SEP.split(view[at + len(pred) : f.clause_end_hard])]
    if len(counts) < 2 or len(names) != len(counts) or f.q not in counts or not all(names):
        return False
    if any(re.search(r"\d", n) or len(n) > 8 for n in names):
        return False
    i = counts.index(f.q)
    short = min(len(n) for n in names[1:])
    lead = names[0][: len(names[0]) - short] if len(names[0]) > short else ""  # 全国 of 全国百强区
    name = names[i] if i == 0 else lead + names[i]
    own = f.noun.split(pred, 1)[0] if pred in f.noun else f.noun
    f.phrase_clean = (own + pred + name)[:MAX_PHRASE]
    return False


def share_after(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """完成涉及4万户的村庄改造: the figure measures the thing after 的 (涉及…村庄改造); 90%以上村庄
    达到干净整洁村标准: a share of the things named after it (share, figure.share_of)."""
    view, q = s.view, f.q
    of_after = ex._share_of(view, q, f.clause_end) if q.unit_kind not in ("percent", "points") else ""
    if f.phrase_clean and of_after and f.rule == "figure.subject":
        f.phrase_clean = (f.phrase_clean + of_after)[:MAX_PHRASE]
    if not f.phrase_clean and q.unit_kind == "percent" and not f.listed and ex._share_of(view, q, f.clause_end, True):
        f.phrase_clean = ex._share_of(view, q, f.clause_end, True)
        f.measure = "share"
        f.rule = "figure.share_of"
    return False


def only_verbs(ex: Extractor, words: str) -> bool:
    """盯紧抓实: words made only of verbs of no task (``lead_verbs``, ``quality_verbs``); 培训, 新增
    (task verbs) name a task."""
    cues = ex.lex.cues
    verbs = sorted({*cues.lead_verbs, *cues.quality_verbs}, key=len, reverse=True)
    rest = words
    while rest:
        verb = next((v for v in verbs if rest.startswith(v)), None)
        if verb is None:
            return False
        rest = rest[len(verb) :]
    return bool(words) and words not in ex.task_verb_set


def counted_after_bounds(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """盯紧抓实64个预增产值过10亿元、2334个过2000万元的工业新增长点: counts whose own words are only
    verbs (or none, listed after such a count) count the thing that ends the clause right after
    their bounds (…的工业新增长点), level; the bounds are qualifiers (``threshold_qualifier``)."""
    if f.q.unit_kind != "count":
        return False
    prev = s.prev
    if f.phrase_clean:
        if not only_verbs(ex, f.phrase_clean):
            return False
    elif not (f.listed and prev is not None and prev.rule == "figure.counted" and f.same_clause_prev):
        return False
    tail = s.view[f.q.end : f.clause_end_hard]
    m = BOUNDED_THING.search(tail)
    item = tail[: m.start()].rsplit("、", 1)[-1] if m else ""  # 过2000万元: the last item's bound
    if m and (BOUND_IN_ITEM.search(item) or (m.group().startswith("以上") and re.search(r"\d", item))):
        if f.phrase_clean or (prev is not None and prev.phrase == m[1]):
            f.phrase_clean, f.measure, f.rule = m[1], "level", "figure.counted"
    return False


def no_subject(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """A figure without words of its own: 累计建设24个…、12个… (the verb of the one before and the
    thing after: figure.task); 60%的城市污水处理厂完成提标改造 (share of the thing: figure.share_of);
    181项检验结果实现互认共享 (figure.counted); 达到8.5万元、增长6.6% (the subject before:
    figure.inherit; 新增1个…合作区、累计达8个: the total of the same things). Nothing else: no
    statement, and the next figure has no figure before it to lean on."""
    if f.phrase_clean:
        return False
    prev = s.prev
    inherited = False
    if (
        f.verb is None
        and prev is not None
        and prev.verb
        and same_or_next(prev, f.hard_start)
        and f.raw.strip() in LISTED
    ):
        f.verb = prev.verb
        inherited = True
    if f.verb and f.noun:
        f.phrase_clean = f.verb + f.noun
        f.measure = prev.measure if inherited and prev is not None else ex._task_measure(f.verb, f.raw)
        f.rule = "figure.task"
    elif f.q.unit_kind == "percent" and ex._share_of(s.view, f.q, f.clause_end):
        f.phrase_clean = ex._share_of(s.view, f.q, f.clause_end)
        f.measure = "share"
        f.rule = "figure.share_of"
    elif f.counted and (not f.listed or (prev is not None and prev.rule == "figure.counted")):
        f.phrase_clean = f.noun
        f.rule = "figure.counted"
    elif prev is not None and not f.noun:
        f.phrase_clean = prev.phrase
        f.rule = "figure.inherit"
        if "累计" in f.removed or f.raw.strip().startswith("累计"):
            f.phrase_clean = strip_prefixes(f.phrase_clean, ex.increase_verbs + ex.task_verbs)
            f.measure = "cumulative" if f.measure == "level" else f.measure
        if f.measure == "level" and prev.measure == "level" and f.q.unit != prev.q.unit:
            f.measure = "level"
    else:
        s.prev = None
        return True
    return False


# ------------------------------------------------------------ subjects completed from the figure before


def total_in_clause(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """5A级景区新增周村古商城、总数达到16家 -> 5A级景区总数: a total (``total_heads``) after a 、 is
    the total of the subject the clause opened with, before its adding verb (or what it did:
    益阳电厂三期建成投产、总装机达386万千瓦 -> 益阳电厂三期总装机)."""
    if f.rule != "figure.subject" or f.phrase_clean not in ex.total_heads or f.same_clause_prev:
        return False
    before = s.view[f.hard_start : f.region_start].rstrip().removesuffix("、")
    verbs = (*ex.adding_starts, *ex.lex.cues.attribute_predicates)  # 益阳电厂三期建成投产、总装机…
    at = min((i for v in verbs if (i := before.find(v)) > 0), default=-1)
    subject = strip_prefixes(before[:at].strip(), ex.strip_prefix) if at > 0 else ""
    if len(subject) >= 2 and not re.search(r"\d{2}", subject):
        f.phrase_clean = subject + f.phrase_clean
        f.clause_start = f.hard_start  # the quote keeps the subject
    return False


def head_of_prev(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """粮食播种面积1.1亿亩、产量825亿斤以上: a bare head (产量) of the same thing as the figure before
    (粮食产量); 新结对国际友好城市4对、总数达110对: the total of the same things; 新增地铁运营里程43
    公里、总里程达到879公里 -> 地铁运营总里程; 北交所上市公司288家、总市值… -> 上市公司总市值."""
    prev = s.prev
    if not (
        prev is not None
        and f.rule == "figure.subject"
        and f.phrase_clean in ex.bare_heads
        and same_or_next(prev, f.hard_start)
    ):
        return False
    for k in (4, 3, 2):
        cand = prev.phrase[:k] + f.phrase_clean
        if ex.v.resolve(cand).id is not None:
            f.phrase_clean = cand
            break
    else:
        if f.phrase_clean in ex.total_heads and prev.phrase:
            owner = strip_prefixes(prev.phrase, ex.task_verbs)
            base = f.phrase_clean.removeprefix("总")
            if base != f.phrase_clean and owner.endswith(base) and len(owner) > len(base):
                owner = owner[: -len(base)]  # 新增地铁运营里程43公里、总里程… -> 地铁运营总里程
            f.phrase_clean = owner + f.phrase_clean
    return False


def stage_of_prev(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """老旧小区改造开工742个、完工548个 -> 老旧小区改造完工: a bare stage (``stage_predicates``) takes
    the subject of the item before when that one ends with a stage too; 累计开工238个、完成190个: a
    stage of its own is not the one before (完成, not 开工)."""
    prev = s.prev
    stages = tuple(ex.lex.cues.stage_predicates)
    own = strip_prefixes(f.raw.strip(), ex.strip_prefix)
    if f.rule == "figure.inherit" and own in stages:
        f.phrase_clean = own  # 累计开工238个、完成190个: 完成 is not 开工
    if not (prev is not None and f.rule in ("figure.subject", "figure.inherit") and f.phrase_clean in stages):
        return False
    if not same_or_next(prev, f.hard_start):
        return False
    done = next((p for p in stages if prev.phrase.endswith(p) and len(prev.phrase) > len(p) + 1), None)
    if done is not None:
        f.phrase_clean = prev.phrase[: -len(done)] + f.phrase_clean
    return False


def list_verb(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """新建国家现代农业产业园2个、产业集群1个: the verb of the first item holds for the whole list
    (新建产业集群, increase); 新增…1494家、专精特新“小巨人”企业81家: new ones, also when the lexicon
    names the thing (、总数突破1万家: a bound of its own is a level); 新增公园36座、绿地310公顷、
    绿道45公里: an adding verb holds for items of other units too (新增绿道, increase)."""
    prev = s.prev
    if not (
        prev is not None
        and f.rule == "figure.subject"
        and f.soft_split
        and f.measure == "level"
        and not f.had_cue
        and f.q.before_start == f.q.start
        and not f.phrase_clean.endswith(tuple(ex.total_heads))
        and f.q.unit_kind in ("count", "area", "length")
        and prev.q.unit_kind in ("count", "area", "length")
        and not f.phrase_clean.startswith(tuple(ex.task_verbs))
    ):
        return False
    lead_verb = prev.list_verb or next((v for v in ex.task_verbs if prev.phrase.startswith(v)), None)
    if f.q.unit_kind != prev.q.unit_kind and not (lead_verb or "").startswith(ex.adding_starts):
        return False  # 新增公园36座、绿地310公顷: only an adding verb spans things of other units
    if lead_verb:
        f.list_verb = lead_verb
        f.measure = prev.measure
        if ex.v.resolve(f.phrase_clean).id is None:
            f.phrase_clean = lead_verb + f.phrase_clean
    return False


def shared_qualifier(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """国家级绿色工厂达到268家、绿色矿山达到53家 -> 国家级绿色矿山; 建设省级市域产教联合体5个、行业产教
    融合共同体7个 -> 建设省级行业产教融合共同体: a later list item without a level qualifier
    (``shared_qualifiers``) takes the first one's when it names a parallel thing (a common word
    before the head); not 新增…国家级…“小巨人”企业81家、上云企业2万家, nor a level of its own."""
    prev = s.prev
    if not (prev is not None and f.soft_split and f.rule == "figure.subject" and f.phrase_clean):
        return False
    quals = ex.lex.cues.shared_qualifiers
    if prev.q.unit_kind != f.q.unit_kind or any(w in f.phrase_clean for w in ex.lex.cues.level_marks):
        return False
    verb = f.list_verb or ""
    head = f.phrase_clean[len(verb) :] if verb and f.phrase_clean.startswith(verb) else f.phrase_clean
    other = prev.phrase[len(verb) :] if verb and prev.phrase.startswith(verb) else prev.phrase
    qual = next((w for w in quals if other.startswith(w)), None)
    if qual is None or ex.v.resolve(head).id is not None:
        return False
    rest = other[len(qual) :]
    if any(rest[i : i + 2] in head[:-2] for i in range(len(rest) - 1)):  # (not the head: 企业, 中心)
        f.phrase_clean = f.phrase_clean[: len(f.phrase_clean) - len(head)] + qual + head
    return False


def scope_from_before(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """为退役军人提供5万个就业岗位，开展就业帮扶1万人 -> 为退役军人开展就业帮扶: a clause that opens with
    a task verb serves the group the clause before was for (``scope_openers``)."""
    prev = s.prev
    if prev is None or f.same_clause_prev or not same_or_next(prev, f.hard_start):
        return False
    if f.rule not in ("figure.subject", "figure.task") or not f.phrase_clean.startswith(ex.task_verbs_t):
        return False
    if not f.raw.lstrip().startswith(f.phrase_clean[:2]) or not prev.phrase.startswith(ex.scope_openers):
        return False
    at = min((i for v in ex.task_verbs if (i := prev.phrase.find(v)) > 0), default=-1)
    if at >= 3:
        f.phrase_clean = prev.phrase[:at] + f.phrase_clean
    return False


def head_from_sentence(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """推动新能源汽车产业提质扩量…，力争产量突破120万辆: a bare head (产量) completed from the lexicon
    alias whose front part the sentence names (新能源汽车产量)."""
    if not (f.rule == "figure.subject" and f.phrase_clean in ex.bare_heads):
        return False
    if ex.v.resolve(f.phrase_clean).id is not None:
        return False
    before = s.view[s.start : f.q.before_start]
    hits = {i for front, i in ex.head_index.get(f.phrase_clean, []) if front in before}
    if len(hits) == 1:
        ind = ex.lex.indicators.by_id(hits.pop())
        if ind is not None:
            f.phrase_clean = ind.zh
    return False


def part_of_prev(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """What the figure before did: 119家公共文化场馆延时错时开放，惠及5900万人次 (a dependent word);
    出口规模突破4万亿元，占全国份额… (the share of the same thing); 累计推出259项制度创新成果，其中
    56项为全国首创 (其中: part of that whole, 制度创新成果中…; 新登记147万户、其中企业57.3万家: new
    ones too). An indicator of the lexicon stands on its own (其中规模工业增加值增长6.2%)."""
    prev = s.prev
    if prev is None or f.rule not in ("figure.subject", "figure.counted") or f.listed:
        return False
    q = f.q
    base = prev.noun or prev.phrase
    if f.phrase_clean in ex.dependent and base and f.rule == "figure.subject":
        f.phrase_clean = (prev.phrase + f.phrase_clean)[-MAX_PHRASE:]
    elif f.phrase_clean.startswith("占") and base and f.rule == "figure.subject":
        f.phrase_clean = base + f.phrase_clean
    elif (
        f.raw.lstrip().startswith("其中")
        and base
        and (f.phrase_clean or f.noun)
        and prev.q.unit_kind == q.unit_kind
        and (f.rule == "figure.counted" or ex.v.resolve(f.phrase_clean).id is None)
    ):
        if f.rule == "figure.counted":
            f.phrase_clean = f.noun
        f.phrase_clean = base + "中" + (f.phrase_clean or f.noun)
        f.within = (base + "中", "")
        if f.measure == "level" and prev.measure in ("increase", "cumulative") and q.unit_kind == prev.q.unit_kind:
            f.measure = prev.measure
    return False


def within_task(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """为80万重点群体提供就业帮扶，其中…退役军人1万人: part of the task the clause before names
    (退役军人就业帮扶); …其中离校未就业高校毕业生6万人、退役军人1万人: each listed item of it."""
    if not (
        f.within is None
        and f.rule == "figure.subject"
        and f.phrase_clean
        and ex.v.resolve(f.phrase_clean).id is None
        and not re.search(r"\d", f.phrase_clean)
    ):
        return False
    prev = s.prev
    if f.raw.lstrip().startswith("其中") and (prev is None or prev.q.end < f.hard_start - 1):
        obj = ex._task_object(s.view[s.start : max(s.start, f.hard_start - 1)])
        if obj:
            f.within = ("", obj)
    elif (
        f.same_clause_prev
        and prev is not None
        and prev.within is not None
        and prev.q.unit_kind == f.q.unit_kind
        and "、" in s.view[prev.q.end : f.q.before_start]
    ):
        f.within = prev.within
    if f.within is not None:
        f.phrase_clean = f.within[0] + f.phrase_clean + f.within[1]
    return False


def twin_head(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """城镇居民人均可支配收入达到5.2万元，农村居民达到2.4万元: a subject without a head takes the
    head of the parallel figure before (农村居民人均可支配收入)."""
    if f.within is not None or f.rule != "figure.subject" or not f.phrase_clean or f.same_clause_prev:
        return False
    twin = next((o for o in reversed(s.out) if o.q.unit == f.q.unit and not o.skip), None)
    if (
        twin is not None
        and twin.measure == f.measure
        and twin.rule != "figure.counted"
        and twin.distribute is None
        and "、" not in twin.phrase
    ):
        f.phrase_clean = ex._parallel_head(f.phrase_clean, twin.phrase)
    return False


def joined_item(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """新增类博物馆…家和29家类博物馆; 和314项改革任务: an item joined by 和/及 right after the figure
    before starts after the joining word, its quote (29家类博物馆) and its name alike (a 和 that
    opens a clause or follows a 、 is a word's own: 和美乡村覆盖率达73%)."""
    at = f.clause_start
    if at <= s.start or s.view[at - 1] in HARD or s.view[at - 1] == "、":
        return False
    word = next((w for w in ex.lex.cues.list_joiners if s.view.startswith(w, at)), None)
    if word is None or at + len(word) > f.q.before_start:
        return False
    f.clause_start = at + len(word)
    if f.phrase_clean.startswith(word):
        f.phrase_clean = f.phrase_clean[len(word) :]
    return False


def draft(ex: Extractor, s: Sentence, f: Figure) -> bool:
    """The draft of the statement, as read (今后五年每年实施20项: each year's figure, per_year).
    A long subject keeps its last MAX_PHRASE characters, but not by cutting a list of groups:
    为全省在岗养老护理员、养老机构新入职人员、有意愿从事养老护理工作的社会人员开展职业技能培训 stays whole
    (up to twice as long)."""
    if len(f.phrase_clean) > MAX_PHRASE:
        cut = f.phrase_clean[: len(f.phrase_clean) - MAX_PHRASE]
        keep = 2 * MAX_PHRASE if "、" in cut and len(f.phrase_clean) <= 2 * MAX_PHRASE else MAX_PHRASE
        f.phrase_clean = f.phrase_clean[-keep:]
    d = Draft(
        q=f.q,
        phrase=f.phrase_clean,
        measure=f.measure,
        clause_start=f.clause_start,
        clause_end=f.clause_end,
        rule=f.rule,
        verb=f.verb,
        distribute=f.distribute,
        years=f.years,
    )
    d.within = f.within
    d.list_verb = f.list_verb
    d.whole_period = f.whole_period
    d.per_year = "每年" in s.view[f.clause_start : f.q.before_start] and not f.measure.startswith("avg_")
    if f.rule == "figure.distribute_each":
        d.group = s.group
    if f.rule in ("figure.counted", "figure.task"):
        d.noun = f.noun
        d.noun_cut = f.noun_cut
    elif f.rule == "figure.share_of":
        d.noun = f.phrase_clean
    if f.rule == "figure.inherit" and s.prev is not None:
        d.clause_start = s.prev.clause_start
        if f.listed and f.measure == "level" and f.q.before_start == f.q.start:
            d.measure = s.prev.measure
    return s.emit(d)


FIGURE_RULES: tuple[Rule, ...] = (
    gloss,
    clause,
    threshold_in_subject,
    count_in_subject,
    list_item,
    words_before,
    list_split,
    stretch,
    from_to_next,
    from_to_each,
    from_to,
    one_in_n,
    batch_size,
    ranking_list,
    relative_gap,
    part_year,
    policy_rate,
    threshold_qualifier,
    bound_of_counted,
    attribute,
    measure_cue,
    word_measure,
    thing_after,
    policy_package,
    package_counted,
    existing_set,
    ranked_things,
    subject_words,
    span_of_years,
    new_things,
    listed,
    each_subject,
    distribute,
    figure_of_thing,
    counted,
    share_after,
    counted_after_bounds,
    no_subject,
    paired_lists,
    total_in_clause,
    head_of_prev,
    stage_of_prev,
    list_verb,
    shared_qualifier,
    scope_from_before,
    head_from_sentence,
    part_of_prev,
    within_task,
    twin_head,
    joined_item,
    draft,
)


def read_sentence(ex: Extractor, s: Sentence) -> list[Draft]:
    """Every figure of the sentence through the rules, in order; then the drafts that stand."""
    for qi, q in enumerate(s.qs):
        f = Figure(qi=qi, q=q)
        for rule in FIGURE_RULES:
            if rule(ex, s, f):
                break
    for d in s.out:
        if d.rule == "figure.distribute_each" and d.group and sum(1 for d2 in s.out if d2.group is d.group) == 1:
            # 国家现代农业产业园、优势特色产业集群分别增加2个: each grew by 2
            d.distribute = d.group
    return [d for d in s.out if not d.skip]
