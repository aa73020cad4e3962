"""Match and judge: goals x outcomes -> matches with verdicts, and a status per goal.

Pure functions: no database, no templates. Outcomes are blocked by (region,
indicator key), so the work grows with the number of statements, not its square.

Rules, in the order they apply (templates/methods.html explains them to readers):

- same region only (a district never evidences its city, a province never the nation);
- same indicator key; an indicator listed as ``related`` in the lexicon (close but
  different: 高价值发明专利 vs 发明专利) gives ``not_comparable`` with the lexicon's reason;
- compatible measure: a level, one year's growth, an average growth over years, an
  increase are different things; a growth and a fall are the same thing with the sign
  turned (CPI 下降0.1% is a growth of -0.1%). A multi-year average growth against one
  year's growth is ``not_comparable``;
- same unit (a share in % is never judged against a change in 百分点);
- evidence from the goal's period, reported after the goal was set: an annual goal by
  that year's outcome (or, for a rate such as a share or a stock such as a number of
  enterprises, by the level a five-year review gives for the period ending that year,
  flagged ``end_of_period``; or by a five-year review's figure for each year, ``per_year``); a multi-year goal
  by its end year's outcome, else the latest one inside the period (``interim``: on or
  off track, the goal stays pending), else the first one after the deadline
  (``evidence_after_deadline``). Never evidence about years before the goal was set;
- when no outcome shares the goal's indicator key: the outcome counting the most alike
  thing (``tracker/candidates.py``, ``tracker/similar.py``, ``things.yaml``), same region, unit family, measure and
  period, never across a sub-category word, a place or a list on one side only; within a
  year a count of things done reads alike as a level or an increase; below the match
  threshold it is only possible evidence (``needs_review``). The same indicator with
  only another quantity for the year (a level for a growth target) is ``not_comparable``;
- the verdict follows the comparator and the indicator's direction (``better`` in the
  lexicon; a fall flips it), with the tolerance table for 左右/约 targets, the stretch
  figure of a two-threshold target (floor met, stretch missed: ``partly``), and the two
  outcomes of the same year for a relational goal (居民收入增长与经济增长同步); when other
  figures of the period point the other way (增长1.7%（同口径增长2.5%以上）) the goal needs review;
- a goal without a figure (qualitative) gets no verdict: ``needs_review``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from tracker import caution
from tracker.candidates import Candidates
from tracker.lexicon import Lexicon, Tolerances, lexicon
from tracker.models import GoalStatus, Match, Statement
from tracker.similar import Things

# measures that can be compared directly (same group, sign +1)
_GROUPS = [
    {"level", "share", "cumulative"},
    {"growth"},
    {"avg_growth"},
    {"cumulative_growth"},
    {"increase"},
]
# a rise of x and a fall of -x are the same figure (sign -1)
_OPPOSITE = {
    "decline": "growth",
    "avg_decline": "avg_growth",
    "cumulative_decline": "cumulative_growth",
}
_FALLS = set(_OPPOSITE)
# measures that add up over the years: an interim figure must start with the goal
_ACCUMULATING = {"increase", "cumulative", "cumulative_growth", "cumulative_decline"}
# a phrase outside the indicator lexicon is matched on its normalised key; the two
# sentences must then also read alike (share this part of their character pairs, figures
# and punctuation aside), so that a bare verb key (推动, 实施) never pairs unrelated tasks
_KEY_ONLY_OVERLAP = 0.6
_NOT_WORDING = re.compile(r"[\d.．%％,，、;；:：()（）“”\"'\s]+")
# unit kinds whose level at the end of a period is the level of its last year
_RATE_KINDS = {"percent", "concentration", "ratio"}
# within one year, a count of things done is one quantity however it is worded
# (建设高标准农田30万亩 is a level, 新建47.8万亩 an increase): not for rates and points
_DONE_IN_YEAR = {"level", "increase"}
_NOT_COUNTS = {*_RATE_KINDS, "points", "multiple"}
POSSIBLE = "possible_evidence"  # flag of a weaker candidate: shown for review, not judged
CONFLICTING = "conflicting"  # flag of evidence whose other figures for the period point the other way
INCONCLUSIVE = "inconclusive"  # flag of a per-year floor below the goal: the goal needs review
_REVIEW_FLAGS = {POSSIBLE, CONFLICTING, INCONCLUSIVE}


def _base(measure: str) -> tuple[str, int]:
    if measure in _OPPOSITE:
        return _OPPOSITE[measure], -1
    return measure, 1


def measure_sign(goal_measure: str, out_measure: str) -> int | None:
    """+1 when the outcome's figure reads directly in the goal's measure, -1 when the sign
    must be turned (growth vs decline), None when the measures are not comparable."""
    gb, gs = _base(goal_measure)
    ob, os_ = _base(out_measure)
    if gb == ob:
        return gs * os_
    if any(gb in grp and ob in grp for grp in _GROUPS):
        return gs * os_
    return None


def _pairs(quote: str) -> set[str]:
    parts = _NOT_WORDING.split(quote)
    return {p[i : i + 2] for p in parts for i in range(len(p) - 1)}


def alike(a: str, b: str) -> float:
    """Overlap of the character pairs of two sentences (figures and punctuation aside)."""
    pa, pb = _pairs(a), _pairs(b)
    if not pa or not pb:
        return 0.0
    return len(pa & pb) / min(len(pa), len(pb))


def compatible(a: str, b: str) -> bool:
    return measure_sign(a, b) is not None


def fmt(d: Decimal | None, unit: str | None) -> str:
    if d is None:
        return "—"
    if abs(d) >= 100000000:
        s = f"{(d / Decimal(100000000)).normalize():f}亿"
    elif abs(d) >= 10000 and d == d.to_integral_value():
        s = f"{(d / Decimal(10000)).normalize():f}万"
    else:
        s = f"{d.normalize():f}"
    u = unit or ""
    return f"{s}{u}"


_CMP_ZH = {">=": "不低于", ">": "超过", "<=": "不超过", "<": "低于", "~": "约", "=": "", "range": ""}
_CMP_EN = {">=": "≥ ", ">": "> ", "<=": "≤ ", "<": "< ", "~": "about ", "=": "", "range": ""}
_MEASURE_ZH = {
    "growth": "增长",
    "decline": "下降",
    "avg_growth": "年均增长",
    "avg_decline": "年均下降",
    "increase": "增加",
    "cumulative_growth": "累计增长",
    "cumulative_decline": "累计下降",
}
_MEASURE_EN = {
    "growth": "growth of ",
    "decline": "fall of ",
    "avg_growth": "average growth of ",
    "avg_decline": "average fall of ",
    "increase": "increase of ",
    "cumulative_growth": "cumulative growth of ",
    "cumulative_decline": "cumulative fall of ",
}


def target_text(goal: Statement, lang: str = "zh") -> str:
    if goal.value is None:
        return "—"
    if goal.comparator == "range":
        s = f"{fmt(goal.value, goal.unit)}–{fmt(goal.value_high, goal.unit)}"
    else:
        table = _CMP_ZH if lang == "zh" else _CMP_EN
        s = f"{table.get(goal.comparator, '')}{fmt(goal.value, goal.unit)}"
    if goal.stretch is not None:
        s += f"（力争{fmt(goal.stretch, goal.unit)}）" if lang == "zh" else f" (stretch {fmt(goal.stretch, goal.unit)})"
    return s


def _measured(value: Decimal | None, unit: str | None, measure: str, lang: str, comparator: str = "=") -> str:
    table = _MEASURE_ZH if lang == "zh" else _MEASURE_EN
    bound = (_CMP_ZH if lang == "zh" else _CMP_EN).get(comparator, "") if comparator in (">", ">=", "<", "<=") else ""
    return f"{table.get(measure, '')}{bound}{fmt(value, unit)}"


def _later(goal: Statement, by_region: dict[tuple[str, int | None], list[Statement]]) -> list[Statement]:
    """The outcomes a goal's thing may be looked for in: its region's, from later reports, and for a
    one-year goal only those ending in its year (the candidates' own rules, applied by index so that
    a region with many reports costs the goal only the outcomes that could be its evidence)."""
    one_year = goal.period.start == goal.period.end
    pool = by_region.get((goal.region, goal.period.end if one_year else None), [])
    return pool[bisect_right(pool, goal.report_year, key=lambda o: o.report_year) :]


class Judge:
    def __init__(self, lex: Lexicon | None = None, tolerances: Tolerances | None = None) -> None:
        self.lex = lex or lexicon()
        self.tol = tolerances or self.lex.tolerances
        self._ind = {i.id: i for i in self.lex.indicators.indicators}
        self._unit_kind = {u.canonical: u.kind for u in self.lex.units.units}
        self.things = Things(self.lex)
        self.candidates = Candidates(self)
        # related indicators, both ways: id -> [(other id, zh, en)]
        self._related: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for ind in self.lex.indicators.indicators:
            for rel in ind.related:
                self._related[ind.id].append((rel.id, rel.zh, rel.en))
                self._related[rel.id].append((ind.id, rel.zh, rel.en))

    # ------------------------------------------------------------------ verdicts

    def direction(self, goal: Statement) -> str:
        """Which way is better for the figure as written: higher, lower or band."""
        ind = self._ind.get(goal.indicator.id) if goal.indicator.id else None
        if ind is not None:
            better: str = ind.better
            if goal.measure in _FALLS and better != "band":
                # the figure is the size of a fall: a bigger fall is better when lower is better
                better = "higher" if better == "lower" else "lower"
            return better
        if goal.comparator in (">=", ">"):
            return "higher"
        if goal.comparator in ("<=", "<"):
            return "lower"
        if goal.measure in ("level", "share") and any(c in goal.quote for c in self.lex.cues.lower_to_cues):
            # 社会物流总费用与地区生产总值的比率降至13.5%: a ceiling to get under
            return "lower"
        # an unknown indicator with a plain or approximate figure (a count, a share, a
        # level): a floor to reach, more is better (for a fall, a fall at least that large)
        return "higher"

    def tolerance(self, goal: Statement) -> Decimal:
        assert goal.value is not None
        return self.tol.for_(goal.indicator.id, goal.unit).of(goal.value)

    def verdict(self, goal: Statement, out: Statement, sign: int = 1) -> tuple[str, Decimal | None, list[str]]:
        """Verdict, margin (outcome minus target, in the goal's unit) and flags."""
        assert goal.value is not None and out.value is not None
        t, v = goal.value, out.value * sign
        better = self.direction(goal)
        tol = self.tolerance(goal)
        flags: list[str] = []
        c = goal.comparator
        margin = v - t
        # the outcome's own comparator bounds the true figure: 超过6000亿元 is more than 6000亿
        oc: str = out.comparator
        if sign == -1:
            oc = {">": "<", ">=": "<=", "<": ">", "<=": ">="}.get(oc, oc)
        if c == ">=":
            ok = v >= t
        elif c == ">":
            ok = v > t or (oc == ">" and v >= t)
        elif c == "<=":
            ok = v <= t
        elif c == "<":
            ok = v < t or (oc == "<" and v <= t)
        elif c == "range":
            hi = goal.value_high if goal.value_high is not None else t
            if better == "higher":
                ok = v >= t
            elif better == "lower":
                ok, margin = v <= hi, v - hi
            else:
                ok = t <= v <= hi
                margin = Decimal(0) if ok else (v - t if v < t else v - hi)
        elif c == "~":
            flags.append("approximate")
            if better == "higher":
                ok = v >= t - tol
            elif better == "lower":
                ok = v <= t + tol
            else:
                ok = abs(v - t) <= tol
        else:  # a plain figure: a floor for what should rise, a ceiling for what should fall
            if better == "higher":
                ok = v >= t
            elif better == "lower":
                ok = v <= t
            else:
                ok = abs(v - t) <= tol
        # an approximate outcome (约, 超过, 不到) near the line cannot settle it exactly
        if out.comparator in ("~", ">", "<", ">=", "<=") and abs(v - t) <= tol and "approximate" not in flags:
            flags.append("approximate")
        result = "met" if ok else "missed"
        if ok and goal.stretch is not None:
            stretch_ok = v <= goal.stretch if better == "lower" else v >= goal.stretch
            if not stretch_ok:
                result = "partly"
        return result, margin, flags

    # ------------------------------------------------------------------ reasons

    def reason(
        self,
        goal: Statement,
        out: Statement,
        verdict: str,
        flags: list[str],
        note: tuple[str, str] | None,
        sign: int = 1,
    ) -> tuple[str, str]:
        shown = out.value * sign if out.value is not None and sign != 1 else out.value
        measure = goal.measure if sign != 1 else out.measure
        # the outcome's own bound (超过6000亿元) is part of what it says
        oc = out.comparator if sign == 1 else {">": "<", ">=": "<=", "<": ">", "<=": ">="}.get(out.comparator, "=")
        o_zh = f"{out.period}年{_measured(shown, out.unit, measure, 'zh', oc)}"
        o_en = f"{_measured(shown, out.unit, measure, 'en', oc)} in {out.period}"
        g_zh = f"{goal.period}年目标{_MEASURE_ZH.get(goal.measure, '')}{target_text(goal, 'zh')}"
        g_en = f"{_MEASURE_EN.get(goal.measure, '')}{target_text(goal, 'en')} target for {goal.period}"
        if verdict == "not_comparable":
            assert note is not None
            return f"不可直接比较：{note[0]}（{o_zh}；{g_zh}）", f"not comparable: {note[1]} ({o_en}; {g_en})"
        if "interim" in flags:
            word_zh = {"met": "进度符合", "missed": "进度落后于", "partly": "达到底线但未达到力争"}[verdict]
            word_en = {
                "met": "is on track for",
                "missed": "is off track for",
                "partly": "is on track for the floor of",
            }[verdict]
        else:
            word_zh = {"met": "达到", "missed": "未达到", "partly": "达到底线但未达到力争目标的"}[verdict]
            word_en = {"met": "meets", "missed": "misses", "partly": "meets the floor but not the stretch of"}[verdict]
        zh = f"{goal.indicator.name}：{o_zh}，{word_zh}{g_zh}"
        ind = self._ind.get(goal.indicator.id or "")
        en = f"{ind.en if ind else goal.indicator.name}: {o_en} {word_en} the {g_en}"
        if "interim" in flags:
            zh += "（期中数据，目标期尚未结束）"
            en += " (interim figure: the period is not over)"
        if "end_of_period" in flags:
            zh += "（取自多年回顾中截至该年的水平）"
            en += " (the level a multi-year review gives for the period ending that year)"
        if "per_year" in flags:
            zh += "（取自多年回顾中每年的数字）"
            en += " (a multi-year review's figure for each of its years)"
        if INCONCLUSIVE in flags:
            zh += "；该数字是每年的下限，低于目标，无法判断当年是否达到，请人工核对"
            en += "; it is a floor for each year, below the target: whether that year reached it is open, check by hand"
        if "evidence_after_deadline" in flags:
            zh += "（证据晚于目标期限）"
            en += " (evidence from after the deadline)"
        if "approximate" in flags:
            zh += "（含约数）"
            en += " (approximate figures)"
        if "several_outcomes" in flags:
            zh += "（同期另有不同数字）"
            en += " (another figure is given for the same period)"
        return zh, en

    # ------------------------------------------------------------------ evidence

    def _usable_unit(self, goal: Statement, out: Statement) -> bool:
        return goal.unit is None or out.unit == goal.unit

    def sign(self, goal: Statement, out: Statement) -> int | None:
        """``measure_sign``, with a count of things done in one year read alike as a level or an increase."""
        s = measure_sign(goal.measure, out.measure)
        if s is not None:
            return s
        one_year = goal.period.start == goal.period.end
        if one_year and {goal.measure, out.measure} <= _DONE_IN_YEAR and self._done_in_year(goal):
            return 1
        return None

    def _done_in_year(self, goal: Statement) -> bool:
        """A count of things done in the goal's year (建设高标准农田30万亩), not a rate or a stock (常住人口)."""
        if self._unit_kind.get(goal.unit or "", "") in _NOT_COUNTS or self._is_stock(goal):
            return False
        return goal.measure == "increase" or self.things.names_action(goal.indicator.name)

    def pick(self, goal: Statement, cands: list[Statement]) -> tuple[Statement, list[str], list[Statement]] | None:
        """The outcome that evidences ``goal``, its flags, and the other outcomes for the same period."""
        gp = goal.period
        later = [o for o in cands if o.report_year > goal.report_year and o.value is not None]
        if not later:
            return None
        flags: list[str] = []
        chosen: list[Statement] = []
        if gp.start == gp.end:
            chosen = [o for o in later if o.period.start == o.period.end == gp.start]
            if not chosen and (self._is_rate(goal) or self._is_stock(goal)) and goal.measure in ("level", "share"):
                # a five-year review's level of a rate is the level of its last year
                chosen = [o for o in later if o.period.end == gp.start and o.measure in ("level", "share")]
                if chosen:
                    flags.append("end_of_period")
            if not chosen:
                # a multi-year review's figure for each year (每年新增就业超过90万人) holds for its last year
                chosen = [o for o in later if o.period.start < o.period.end == gp.start and self._per_year(o)]
                if chosen:
                    flags.append("per_year")
                    if all(self._floor_short(goal, o) for o in chosen):
                        flags.append(INCONCLUSIVE)
        else:
            start_ok = (
                (lambda o: o.period.start == gp.start)
                if goal.measure in _ACCUMULATING
                else (lambda o: o.period.start >= gp.start)
            )
            usable = [o for o in later if start_ok(o)]
            final = [o for o in usable if o.period.end == gp.end]
            inside = [o for o in usable if o.period.end < gp.end]
            after = [o for o in usable if o.period.end > gp.end]
            if final:
                chosen = final
            elif inside:
                latest = max(o.period.end for o in inside)
                chosen = [o for o in inside if o.period.end == latest]
                flags.append("interim")
            elif after:
                first = min(o.period.end for o in after)
                chosen = [o for o in after if o.period.end == first]
                flags.append("evidence_after_deadline")
        if not chosen:
            return None
        # the latest report's figure; within it, an exact figure before an approximate one,
        # then the first stated (the headline comes before its parts)
        top = max(o.report_year for o in chosen)
        ranked = sorted(
            chosen,
            key=lambda o: (o.report_year != top, o.comparator not in ("=", ">="), o.span.start),
        )
        best = ranked[0]
        others = [o for o in ranked[1:] if o.value != best.value]
        if others:
            flags.append("several_outcomes")
        return best, flags, others

    def _is_rate(self, goal: Statement) -> bool:
        # a lexicon indicator in a rate unit, or a share of things outside the lexicon
        # (60%的城市污水处理厂完成提标改造): its level at the end of a period is a rate's level
        return self._unit_kind.get(goal.unit or "", "") in _RATE_KINDS

    def _is_stock(self, goal: Statement) -> bool:
        # a thing kept (企业, 算力, 通车里程) whose goal is a level, not things done in the year (no action word)
        name = goal.indicator.name
        kept = goal.unit in self.lex.things.stock_units or any(w in name for w in self.lex.things.stock_words)
        return kept and not self.things.has_action(name)

    def _per_year(self, out: Statement) -> bool:
        """A figure said of each year of a multi-year review (每年, 稳定在)."""
        return out.measure in ("level", "increase") and any(w in out.quote for w in self.lex.things.per_year_words)

    def _floor_short(self, goal: Statement, out: Statement) -> bool:
        """A floor (稳定在7100万亩以上) below a goal to reach (7140万亩): the true figure may be either side."""
        if out.comparator not in (">=", ">") or goal.value is None or out.value is None:
            return False
        return self.direction(goal) == "higher" and out.value < goal.value

    def _candidates(self, goal: Statement, outs: list[Statement]) -> list[tuple[Statement, int]]:
        res = []
        for o in outs:
            if o.value is None or not self._usable_unit(goal, o):
                continue
            if goal.indicator.id is None and alike(goal.quote, o.quote) < _KEY_ONLY_OVERLAP:
                continue
            sign = self.sign(goal, o)
            if sign is not None:
                res.append((o, sign))
        return res

    def _match(
        self,
        goal: Statement,
        out: Statement,
        verdict: str,
        margin: Decimal | None,
        flags: list[str],
        reason: tuple[str, str],
    ) -> Match:
        return Match(
            goal=goal.key,
            outcome=out.key,
            verdict=verdict,  # type: ignore[arg-type]
            margin=margin,
            flags=flags,
            reason_zh=reason[0],
            reason_en=reason[1],
        )

    def match_goal(
        self,
        goal: Statement,
        by_key: dict[tuple[str, str], list[Statement]],
        by_id: dict[tuple[str, str], list[Statement]],
        by_region: dict[tuple[str, int | None], list[Statement]] | None = None,
    ) -> Match | None:
        if goal.relation is not None:
            return self.match_relational(goal, by_key, by_id)
        if goal.value is None:
            return None
        own = by_key.get((goal.region, goal.indicator.key), [])
        cands = self._candidates(goal, own)
        signs = {o.key: s for o, s in cands}
        picked = self.pick(goal, [o for o, _ in cands])
        if picked is not None:
            out, flags, others = picked
            sign = signs[out.key]
            verdict, margin, vflags = self.verdict(goal, out, sign)
            flags = flags + [f for f in vflags if f not in flags]
            zh, en = self.reason(goal, out, verdict, flags, None, sign)
            disagree = {self.verdict(goal, o, signs[o.key])[0] for o in others} - {verdict}
            if disagree:  # 增长1.7%（同口径增长2.5%以上）: the goal needs review
                flags.append(CONFLICTING)
                zh += "；同期其他数字的结论不同，请人工核对"
                en += "; other figures for the same period point the other way: check by hand"
            return self._match(goal, out, verdict, margin, flags, (zh, en))
        # not comparable: an average growth over years vs one year's growth
        if goal.measure in ("avg_growth", "avg_decline"):
            one_year = [o for o in own if o.measure in ("growth", "decline") and self._usable_unit(goal, o)]
            picked = self.pick(goal, one_year)
            if picked is not None:
                out, flags, _ = picked
                note = (
                    "目标是多年年均增速，证据是单一年度增速",
                    "the target is an average annual growth over several years, the evidence is one year's growth",
                )
                return self._match(
                    goal, out, "not_comparable", None, flags, self.reason(goal, out, "not_comparable", flags, note)
                )
        # not comparable: the same indicator, but the year's only figure is another quantity
        other = self._other_quantity(goal, own)
        if other is not None:
            out, note = other
            return self._match(
                goal, out, "not_comparable", None, [], self.reason(goal, out, "not_comparable", [], note)
            )
        # not comparable: close but different indicators
        if goal.indicator.id is not None:
            for rel_id, rzh, ren in self._related.get(goal.indicator.id, []):
                rel = [o for o, _ in self._candidates(goal, by_id.get((goal.region, rel_id), []))]
                picked = self.pick(goal, rel)
                if picked is not None:
                    out, flags, _ = picked
                    flags = [*flags, "proxy_indicator"]
                    rname = self._ind[rel_id].zh
                    note = (f"证据是“{rname}”，{rzh}", f"the evidence is {self._ind[rel_id].en}: {ren}")
                    return self._match(
                        goal, out, "not_comparable", None, flags, self.reason(goal, out, "not_comparable", flags, note)
                    )
        if by_region is not None:
            return self.match_alike(goal, _later(goal, by_region))
        return None

    def _other_quantity(self, goal: Statement, own: list[Statement]) -> tuple[Statement, tuple[str, str]] | None:
        """For a one-year goal with no comparable result: a result of the same indicator for that year
        in another measure or unit (a level for a growth target, 63% for a rise of 0.9个百分点), or
        only an average growth over the years ending that year."""
        y = goal.period.start
        if goal.period.end != y or goal.indicator.id is None:  # a phrase key alone is not one indicator
            return None
        later = [o for o in own if o.report_year > goal.report_year and o.value is not None]
        same_year = [o for o in later if o.period.start == o.period.end == y]
        if same_year:
            return same_year[0], (
                "同一指标，但结果是另一种量（度量或单位不同）",
                "the same indicator, but the result is another quantity (measure or unit)",
            )
        if goal.measure in ("growth", "decline"):
            avg = [
                o for o in later if o.measure in ("avg_growth", "avg_decline") and o.period.start < o.period.end == y
            ]
            if avg:
                return avg[0], (
                    "目标是单一年度增速，证据只有多年年均增速",
                    "the target is one year's growth, the evidence only an average annual growth over several years",
                )
        return None

    def match_alike(self, goal: Statement, outs: list[Statement]) -> Match | None:
        """A goal whose indicator key no outcome shares: the outcome counting the most alike thing.
        Above the match threshold it is judged; above the review threshold it is possible evidence."""
        found = self.candidates.best(goal, outs)
        if found is None:
            return None
        score, out, sign, flags = found.score, found.outcome, found.sign, list(found.flags)
        verdict, margin, vflags = self.verdict(goal, out, sign)
        flags = flags + [f for f in vflags if f not in flags]
        zh, en = self.reason(goal, out, verdict, flags, None, sign)
        g_thing, o_thing = self.things.thing(goal.indicator.name), self.things.thing(out.indicator.name)
        basis_zh = f"按所计对象匹配：“{g_thing}”≈“{o_thing}”，相似度{score:.2f}"
        basis_en = f"matched on the thing counted: {g_thing} ~ {o_thing}, similarity {score:.2f}"
        if score < self.lex.things.threshold.match:
            flags.append(POSSIBLE)
            zh = f"可能的证据，需人工核对（{basis_zh}）：{zh}"
            en = f"possible evidence, to be checked by hand ({basis_en}): {en}"
        else:
            zh, en = f"{zh}（{basis_zh}）", f"{en} ({basis_en})"
        m = self._match(goal, out, verdict, margin, flags, (zh, en))
        return m.model_copy(update={"score": round(score, 3)})

    # ------------------------------------------------------------------ relational goals

    def match_relational(
        self,
        goal: Statement,
        by_key: dict[tuple[str, str], list[Statement]],
        by_id: dict[tuple[str, str], list[Statement]],
    ) -> Match | None:
        """居民收入增长与经济增长同步: the subject's growth against the reference's, same region and year."""
        assert goal.relation is not None

        def growth(key: str, pool: list[Statement]) -> tuple[Statement, list[str]] | None:
            probe = goal.model_copy(update={"unit": "%", "measure": "growth"})
            cands = [o for o in pool if o.unit == "%" and o.measure == "growth" and o.value is not None]
            picked = self.pick(probe, cands)
            return None if picked is None else (picked[0], picked[1])

        ref = growth(goal.relation, by_key.get((goal.region, goal.relation), []))
        if ref is None:
            return None
        r_out, r_flags = ref
        ref_name = self._ind[goal.relation].zh if goal.relation in self._ind else goal.relation
        ref_en = self._ind[goal.relation].en if goal.relation in self._ind else goal.relation
        subj = growth(goal.indicator.key, by_key.get((goal.region, goal.indicator.key), []))
        if subj is None:
            if goal.indicator.id is None:
                return None
            proxies = []
            for rel_id, rzh, ren in self._related.get(goal.indicator.id, []):
                proxy = growth(rel_id, by_id.get((goal.region, rel_id), []))
                if proxy is not None:
                    proxies.append((rel_id, rzh, ren, *proxy))
            if proxies:
                p_out = proxies[0][3]
                flags = sorted({*r_flags, "proxy_indicator", *(f for p in proxies for f in p[4])})
                names_zh = "、".join(f"{self._ind[p[0]].zh}增长{fmt(p[3].value, '%')}" for p in proxies)
                names_en = ", ".join(f"{self._ind[p[0]].en} {fmt(p[3].value, '%')}" for p in proxies)
                why_zh = "；".join(p[1] for p in proxies)
                why_en = "; ".join(p[2] for p in proxies)
                zh = (
                    f"不可直接比较：{why_zh}（{p_out.period}年{names_zh}，{ref_name}增长{fmt(r_out.value, '%')}；"
                    f"目标为{goal.indicator.name}增长与{ref_name}增长相比）"
                )
                en = (
                    f"not comparable: {why_en} ({p_out.period}: {names_en}; {ref_en} {fmt(r_out.value, '%')}; "
                    f"the target compares {self._ind[goal.indicator.id].en} growth with {ref_en} growth)"
                )
                return self._match(goal, p_out, "not_comparable", None, flags, (zh, en))
            return None
        s_out, s_flags = subj
        assert s_out.value is not None and r_out.value is not None
        margin = s_out.value - r_out.value
        tol = self.tol.relational.of(r_out.value)
        if goal.comparator == ">":
            ok, rule_zh, rule_en = margin > 0, "高于", "faster than"
        elif goal.comparator == ">=":
            ok, rule_zh, rule_en = margin >= 0, "不低于", "at least as fast as"
        else:
            ok, rule_zh, rule_en = margin >= -tol, "同步于", "in step with"
        flags = sorted({*s_flags, *r_flags})
        if goal.comparator not in (">", ">="):
            flags.append("approximate")
        verdict = "met" if ok else "missed"
        gap = f"{fmt(abs(margin), '个百分点')}"
        zh = (
            f"{s_out.period}年{goal.indicator.name}增长{fmt(s_out.value, '%')}，{ref_name}增长{fmt(r_out.value, '%')}，"
            f"{'快' if margin >= 0 else '慢'}{gap}，{'达到' if ok else '未达到'}增速{rule_zh}{ref_name}的目标"
        )
        subj_ind = self._ind.get(goal.indicator.id or "")
        en = (
            f"{subj_ind.en if subj_ind else goal.indicator.name} grew {fmt(s_out.value, '%')} in {s_out.period}, "
            f"{ref_en} {fmt(r_out.value, '%')} "
            f"({'+' if margin >= 0 else '-'}{fmt(abs(margin), ' points')}): "
            f"{'meets' if ok else 'misses'} the target of growth {rule_en} {ref_en}"
        )
        if goal.comparator not in (">", ">="):
            zh += f"（容差{fmt(tol, '个百分点')}）"
            en += f" (tolerance {fmt(tol, ' points')})"
        return self._match(goal, s_out, verdict, margin, flags, (zh, en))

    # ------------------------------------------------------------------ the run

    def run(self, statements: Iterable[Statement]) -> tuple[list[Match], list[GoalStatus]]:
        sts = list(statements)
        by_key: dict[tuple[str, str], list[Statement]] = defaultdict(list)
        by_id: dict[tuple[str, str], list[Statement]] = defaultdict(list)
        by_region: dict[tuple[str, int | None], list[Statement]] = defaultdict(list)
        latest: dict[str, int] = {}
        outcome = {s.key: s for s in sts if s.kind == "outcome"}
        for s in sts:
            latest[s.region] = max(latest.get(s.region, 0), s.report_year)
            if s.kind == "outcome":
                by_key[(s.region, s.indicator.key)].append(s)
                by_region[(s.region, None)].append(s)
                by_region[(s.region, s.period.end)].append(s)
                if s.indicator.id:
                    by_id[(s.region, s.indicator.id)].append(s)
        for pool in by_region.values():
            pool.sort(key=lambda o: o.report_year)  # stable: statement order within a report year
        matches: list[Match] = []
        statuses: list[GoalStatus] = []
        for g in sts:
            if g.kind != "goal":
                continue
            m = self.match_goal(g, by_key, by_id, by_region)
            out = outcome.get(m.outcome) if m else None
            if out is not None:
                sib = [
                    o
                    for o in by_key.get((out.region, out.indicator.key), [])
                    if o.report_year == out.report_year and o.period == out.period and o.key != out.key
                ]
                m = caution.check(g, out, m, self.lex, sib)
            if m is not None:
                matches.append(m)
            statuses.append(self.status(g, m, latest.get(g.region, g.report_year)))
        return matches, statuses

    @staticmethod
    def status(goal: Statement, m: Match | None, latest_year: int) -> GoalStatus:
        if goal.value is None and goal.relation is None:
            return GoalStatus(
                goal=goal.key,
                status="needs_review",
                reason_zh="无数值目标，需人工判断",
                reason_en="a target without a figure: a person must judge",
            )
        if m is not None:
            half = any(f in m.flags for f in caution.CAUTION_FLAGS) and m.verdict != "not_comparable"
            if half or _REVIEW_FLAGS & set(m.flags):
                # a possible candidate, conflicting figures, or half the evidence (two conditions, a
                # 同口径 figure): the matcher's verdict is kept on the match, a person judges
                return GoalStatus(
                    goal=goal.key, status="needs_review", match=m, reason_zh=m.reason_zh, reason_en=m.reason_en
                )
            if "interim" in m.flags:
                return GoalStatus(
                    goal=goal.key,
                    status="pending",
                    match=m,
                    reason_zh="目标期尚未结束；" + m.reason_zh,
                    reason_en="the period is not over; " + m.reason_en,
                )
            return GoalStatus(goal=goal.key, status=m.verdict, match=m, reason_zh=m.reason_zh, reason_en=m.reason_en)
        if latest_year <= goal.period.end:
            return GoalStatus(
                goal=goal.key,
                status="pending",
                reason_zh=f"尚无{goal.period.end}年之后的报告可供核对",
                reason_en=f"no report reviewing {goal.period.end} is on hand yet",
            )
        return GoalStatus(
            goal=goal.key,
            status="no_evidence",
            reason_zh="后续报告中未找到同一地区、同一指标、同一时期的结果",
            reason_en="no later report gives a result for the same region, indicator and period",
        )


def judge(
    statements: Iterable[Statement], lex: Lexicon | None = None, tolerances: Tolerances | None = None
) -> tuple[list[Match], list[GoalStatus]]:
    """Match every goal to its evidence and judge it."""
    return Judge(lex, tolerances).run(statements)
