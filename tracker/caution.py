"""Verdicts that would rest on half the evidence: flag the match so the goal needs review.

Pure: a goal, the outcome its verdict rests on and the match -> the match with a caution
flag and the reason a person must judge, or the match unchanged. The matcher's own verdict
(met or missed on the half it could check) stays on the match; the goal's status becomes
``needs_review`` (see ``Judge.status``). The cue words are in ``lexicon/caution.yaml``.

- two conditions (农村居民收入增速高于全国平均水平、高于城镇居民收入增速): only one is checked;
- a comparability caveat in the result's sentence (增长1.7%（同口径增长2.5%以上）): the
  sentence gives the figure on two bases and which one answers the target is a judgement.
"""

from __future__ import annotations

from tracker.lexicon import Lexicon, lexicon
from tracker.models import Match, Statement

TWO_CONDITIONS = "two_conditions"
CAVEAT = "comparability_caveat"
CAUTION_FLAGS = (TWO_CONDITIONS, CAVEAT)

_VERDICT_ZH = {"met": "达成", "missed": "未达成", "partly": "部分达成", "not_comparable": "不可比"}
_VERDICT_EN = {"met": "met", "missed": "missed", "partly": "partly met", "not_comparable": "not comparable"}


def conditions(goal: Statement, lex: Lexicon | None = None) -> list[str]:
    """The condition words of a relational goal, in the order written (高于 … 高于 -> two)."""
    if goal.relation is None:
        return []
    words = (lex or lexicon()).caution.conditions
    found: list[tuple[int, str]] = []
    for w in words:
        start = 0
        while (i := goal.quote.find(w, start)) >= 0:
            found.append((i, w))
            start = i + len(w)
    return [w for _, w in sorted(found)]


def caveat(outs: list[Statement], lex: Lexicon | None = None) -> str | None:
    """The comparability cue (同口径) in the result's sentence or a sibling figure's, if any."""
    cues = (lex or lexicon()).caution.comparability
    return next((c for o in outs for c in cues if c in o.quote), None)


def check(
    goal: Statement,
    out: Statement | None,
    m: Match | None,
    lex: Lexicon | None = None,
    siblings: list[Statement] | None = None,
) -> Match | None:
    """``m`` with a caution flag and the reason when its verdict rests on half the evidence.

    ``siblings``: the other results of the same report for the same indicator and period
    (同口径增长2.5%以上 read as a figure of its own)."""
    if m is None or out is None or m.verdict == "not_comparable" or any(f in m.flags for f in CAUTION_FLAGS):
        return m
    zh_v, en_v = _VERDICT_ZH[m.verdict], _VERDICT_EN[m.verdict]
    if len(conditions(goal, lex)) >= 2:
        return m.model_copy(
            update={
                "flags": [*m.flags, TWO_CONDITIONS],
                "reason_zh": f"目标有两个条件，只核对了其中一个（该条件{zh_v}），另一个条件需人工核对：{m.reason_zh}",
                "reason_en": f"the target has two conditions and only one is checked (that one is {en_v}); "
                f"a person must check the other: {m.reason_en}",
            }
        )
    cue = caveat([out, *(siblings or [])], lex)
    if cue is not None:
        return m.model_copy(
            update={
                "flags": [*m.flags, CAVEAT],
                "reason_zh": f"结果原句另有“{cue}”的数字，按哪个口径核对需人工判断（按所引数字为{zh_v}）：{m.reason_zh}",
                "reason_en": f"the result's sentence also gives a figure on another basis ({cue}): which basis "
                f"answers the target is a person's call (on the figure quoted: {en_v}): {m.reason_en}",
            }
        )
    return m
