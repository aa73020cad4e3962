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
  that year's outcome (or, for a rate such as a share, by the level a five-year review
  gives for the period ending that year, flagged ``end_of_period``); a multi-year goal
  by its end year's outcome, else the latest one inside the period (``interim``: on or
  off track, the goal stays pending), else the first one after the deadline
  (``evidence_after_deadline``). Never evidence about years before the goal was set;
- the verdict follows the comparator and the indicator's direction (``better`` in the
  lexicon; a fall flips it), with the tolerance table for 左右/约 targets, the stretch
  figure of a two-threshold target (floor met, stretch missed: ``partly``), and the two
  outcomes of the same year for a relational goal (居民收入增长与经济增长同步);
- a goal without a figure (qualitative) gets no verdict: ``needs_review``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from tracker import caution
from tracker.lexicon import Lexicon, Tolerances, lexicon
from tracker.models import GoalStatus, Match, Statement

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


class Judge:
    def __init__(self, lex: Lexicon | None = None, tolerances: Tolerances | None = None) -> None:
        self.lex = lex or lexicon()
        self.tol = tolerances or self.lex.tolerances
        self._ind = {i.id: i for i in self.lex.indicators.indicators}
        self._unit_kind = {u.canonical: u.kind for u in self.lex.units.units}
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
            if not chosen and self._is_rate(goal) and goal.measure in ("level", "share"):
                # a five-year review's level of a rate is the level of its last year
                chosen = [o for o in later if o.period.end == gp.start and o.measure in ("level", "share")]
                if chosen:
                    flags.append("end_of_period")
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
        if self._unit_kind.get(goal.unit or "", "") not in _RATE_KINDS:
            return False
        return goal.indicator.id is not None or goal.measure == "share"

    def _candidates(self, goal: Statement, outs: list[Statement]) -> list[tuple[Statement, int]]:
        res = []
        for o in outs:
            if o.value is None or not self._usable_unit(goal, o):
                continue
            if goal.indicator.id is None and alike(goal.quote, o.quote) < _KEY_ONLY_OVERLAP:
                continue
            sign = measure_sign(goal.measure, o.measure)
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
            if disagree:
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
        return None

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
        latest: dict[str, int] = {}
        outcome = {s.key: s for s in sts if s.kind == "outcome"}
        for s in sts:
            latest[s.region] = max(latest.get(s.region, 0), s.report_year)
            if s.kind == "outcome":
                by_key[(s.region, s.indicator.key)].append(s)
                if s.indicator.id:
                    by_id[(s.region, s.indicator.id)].append(s)
        matches: list[Match] = []
        statuses: list[GoalStatus] = []
        for g in sts:
            if g.kind != "goal":
                continue
            m = self.match_goal(g, by_key, by_id)
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
            if any(f in m.flags for f in caution.CAUTION_FLAGS) and m.verdict != "not_comparable":
                # half the evidence: the matcher's verdict is kept on the match, a person judges
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
