"""Match and judge: goals x outcomes -> matches with verdicts, and a status per goal.

Pure functions: no database, no templates. Outcomes are blocked by (region,
indicator key), so the work grows with the number of statements, not its square.

Rules, in the order they apply:
- same region only (a district never evidences its city);
- same indicator key; a lexicon ``related`` indicator gives ``not_comparable``;
- compatible measure (level/share/cumulative; growth; avg_growth; decline; increase);
  five-year average growth against one year's growth is ``not_comparable``;
- evidence from the goal's period: an annual goal by that year's outcome; a multi-year
  goal by its end year's, else the latest inside (interim), else the first one after
  the deadline (``evidence_after_deadline``); never from before the goal was set.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from tracker.lexicon import Lexicon, Tolerances, lexicon
from tracker.models import GoalStatus, Match, Statement

_COMPATIBLE = [
    {"level", "share", "cumulative"},
    {"growth"},
    {"avg_growth"},
    {"decline"},
    {"avg_decline"},
    {"cumulative_decline"},
    {"cumulative_growth"},
    {"increase"},
]
_LOWER_IS_BETTER_MEASURES = {"decline", "avg_decline", "cumulative_decline"}


def compatible(a: str, b: str) -> bool:
    return any(a in grp and b in grp for grp in _COMPATIBLE)


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


def target_text(goal: Statement, lang: str = "zh") -> str:
    if goal.value is None:
        return "—"
    if goal.comparator == "range":
        return f"{fmt(goal.value, goal.unit)}–{fmt(goal.value_high, goal.unit)}"
    table = _CMP_ZH if lang == "zh" else _CMP_EN
    return f"{table.get(goal.comparator, '')}{fmt(goal.value, goal.unit)}"


class Judge:
    def __init__(self, lex: Lexicon | None = None, tolerances: Tolerances | None = None) -> None:
        self.lex = lex or lexicon()
        self.tol = tolerances or self.lex.tolerances

    def direction(self, goal: Statement) -> str:
        ind = self.lex.indicators.by_id(goal.indicator.id) if goal.indicator.id else None
        if ind is not None:
            better = ind.better
        elif goal.comparator in (">=", ">"):
            better = "higher"
        elif goal.comparator in ("<=", "<"):
            better = "lower"
        else:
            better = "higher" if goal.measure in ("increase", "level", "cumulative", "growth") else "band"
        if goal.measure in _LOWER_IS_BETTER_MEASURES and better != "band":
            # the value is the size of a fall: a bigger fall is better when lower is better
            better = "higher" if better == "lower" else "lower"
        return better

    def verdict(self, goal: Statement, out: Statement) -> tuple[str, Decimal | None, list[str]]:
        assert goal.value is not None and out.value is not None
        t, v = goal.value, out.value
        better = self.direction(goal)
        tol = self.tol.for_(goal.indicator.id, goal.unit).of(t)
        flags: list[str] = []
        c = goal.comparator
        if c == ">=":
            ok = v >= t
        elif c == ">":
            ok = v > t
        elif c == "<=":
            ok = v <= t
        elif c == "<":
            ok = v < t
        elif c == "range":
            hi = goal.value_high if goal.value_high is not None else t
            ok = v >= t if better == "higher" else v <= hi if better == "lower" else t <= v <= hi
        elif c == "~":
            flags.append("approximate")
            ok = v >= t - tol if better == "higher" else v <= t + tol if better == "lower" else abs(v - t) <= tol
        else:
            ok = v >= t if better == "higher" else v <= t if better == "lower" else abs(v - t) <= tol
        if out.comparator in ("~", ">", "<") and abs(v - t) <= tol and "approximate" not in flags:
            flags.append("approximate")
        result = "met" if ok else "missed"
        if ok and goal.stretch is not None:
            stretch_ok = v >= goal.stretch if better != "lower" else v <= goal.stretch
            if not stretch_ok:
                result = "partly"
        return result, v - t, flags

    # ------------------------------------------------------------------ reasons

    @staticmethod
    def reason(
        goal: Statement, out: Statement, verdict: str, flags: list[str], note: tuple[str, str] | None
    ) -> tuple[str, str]:
        o_zh = f"{out.period}年{fmt(out.value, out.unit)}"
        o_en = f"{fmt(out.value, out.unit)} in {out.period}"
        g_zh = f"{goal.period}年目标{target_text(goal, 'zh')}"
        g_en = f"{target_text(goal, 'en')} target for {goal.period}"
        if verdict == "not_comparable":
            assert note is not None
            return f"不可直接比较：{note[0]}（{o_zh}；{g_zh}）", f"not comparable: {note[1]} ({o_en}; {g_en})"
        word_zh = {"met": "达到", "missed": "未达到", "partly": "达到底线但未达到力争目标"}[verdict]
        word_en = {"met": "meets", "missed": "misses", "partly": "meets the floor but not the stretch of"}[verdict]
        zh = f"{o_zh}，{word_zh}{g_zh}"
        en = f"{o_en} {word_en} the {g_en}"
        if "evidence_after_deadline" in flags:
            zh += "（证据晚于目标期限）"
            en += " (evidence from after the deadline)"
        if "interim" in flags:
            zh += "（期中数据，目标期尚未结束）"
            en += " (interim figure: the period is not over)"
        if "approximate" in flags:
            zh += "（含约数）"
            en += " (approximate figures)"
        return zh, en

    # ------------------------------------------------------------------ matching

    def _related_note(self, goal: Statement, out: Statement) -> tuple[str, str] | None:
        if goal.indicator.id is None or out.indicator.id is None:
            return None
        for a, b in ((goal.indicator.id, out.indicator.id), (out.indicator.id, goal.indicator.id)):
            ind = self.lex.indicators.by_id(a)
            if ind is None:
                continue
            for rel in ind.related:
                if rel.id == b:
                    return rel.zh, rel.en
        return None

    def pick(self, goal: Statement, cands: list[Statement]) -> tuple[Statement, list[str]] | None:
        """The outcome that evidences ``goal``, with flags, or None."""
        gp = goal.period
        # evidence reported after the goal was set, about years from the goal's start on
        usable = [o for o in cands if o.period.start >= gp.start and o.report_year > goal.report_year]
        if not usable:
            return None
        flags: list[str] = []
        if gp.start == gp.end:
            exact = [o for o in usable if o.period.start == o.period.end == gp.start]
            chosen = exact
        else:
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
            else:
                chosen = []
        if not chosen:
            return None
        same_unit = [o for o in chosen if o.unit == goal.unit] or chosen
        if len({o.value for o in same_unit}) > 1:
            flags.append("several_outcomes")
        best = sorted(same_unit, key=lambda o: (o.report_year, o.span.start), reverse=True)[0]
        return best, flags

    def match_goal(
        self,
        goal: Statement,
        by_key: dict[tuple[str, str], list[Statement]],
        by_id: dict[tuple[str, str], list[Statement]],
    ) -> Match | None:
        if goal.value is None:
            return None
        cands = [o for o in by_key.get((goal.region, goal.indicator.key), []) if o.value is not None]
        same = [o for o in cands if compatible(goal.measure, o.measure) and (o.unit == goal.unit or o.unit is None)]
        picked = self.pick(goal, same)
        if picked is not None:
            out, flags = picked
            verdict, margin, vflags = self.verdict(goal, out)
            flags = flags + [f for f in vflags if f not in flags]
            zh, en = self.reason(goal, out, verdict, flags, None)
            return Match(
                goal=goal.key,
                outcome=out.key,
                verdict=verdict,  # type: ignore[arg-type]
                margin=margin,
                flags=flags,
                reason_zh=zh,
                reason_en=en,
            )
        # not comparable: average growth over years vs one year's growth
        if goal.measure == "avg_growth":
            one_year = [o for o in cands if o.measure == "growth"]
            picked = self.pick(goal, one_year)
            if picked is not None:
                out, flags = picked
                note = (
                    "目标是多年年均增长，证据是单一年度增长",
                    "the target is an average annual growth over several years, the evidence is one year's growth",
                )
                zh, en = self.reason(goal, out, "not_comparable", flags, note)
                return Match(
                    goal=goal.key,
                    outcome=out.key,
                    verdict="not_comparable",
                    margin=None,
                    flags=flags,
                    reason_zh=zh,
                    reason_en=en,
                )
        # not comparable: close but different indicators
        if goal.indicator.id is not None:
            for rel_id in self._related_ids(goal.indicator.id):
                rel = [
                    o
                    for o in by_id.get((goal.region, rel_id), [])
                    if compatible(goal.measure, o.measure) and o.value is not None
                ]
                picked = self.pick(goal, rel)
                if picked is not None:
                    out, flags = picked
                    rnote = self._related_note(goal, out)
                    assert rnote is not None
                    zh, en = self.reason(goal, out, "not_comparable", [*flags, "proxy_indicator"], rnote)
                    return Match(
                        goal=goal.key,
                        outcome=out.key,
                        verdict="not_comparable",
                        margin=None,
                        flags=[*flags, "proxy_indicator"],
                        reason_zh=zh,
                        reason_en=en,
                    )
        return None

    def _related_ids(self, ind_id: str) -> list[str]:
        out: list[str] = []
        ind = self.lex.indicators.by_id(ind_id)
        if ind:
            out.extend(r.id for r in ind.related)
        for other in self.lex.indicators.indicators:
            if any(r.id == ind_id for r in other.related):
                out.append(other.id)
        return out

    def run(self, statements: Iterable[Statement]) -> tuple[list[Match], list[GoalStatus]]:
        sts = list(statements)
        by_key: dict[tuple[str, str], list[Statement]] = defaultdict(list)
        by_id: dict[tuple[str, str], list[Statement]] = defaultdict(list)
        latest: dict[str, int] = {}
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
            if m is not None:
                matches.append(m)
            statuses.append(self.status(g, m, latest.get(g.region, g.report_year)))
        return matches, statuses

    @staticmethod
    def status(goal: Statement, m: Match | None, latest_year: int) -> GoalStatus:
        if goal.value is None:
            return GoalStatus(
                goal=goal.key,
                status="needs_review",
                reason_zh="无数值目标，需人工判断",
                reason_en="a target without a figure: a person must judge",
            )
        if m is not None:
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
