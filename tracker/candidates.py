"""Candidate search: the evidence for a goal whose indicator key no outcome shares.

Pure, no database. Among a region's outcomes, those reported later, for the goal's
period, in the goal's unit family (项 and 个 count alike, ``things.yaml``) and a
compatible measure (``Judge.sign``, ``Judge.pick``), never of another lexicon indicator,
never across a sub-category word, a place or a list on one side only, never a thing that
is only a general word (项目); of these, the one counting the most alike thing
(``tracker/similar.py``). ``Judge.match_alike`` turns it into a verdict, or into
possible evidence below the match threshold.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.models import Statement

if TYPE_CHECKING:
    from tracker.match import Judge


@dataclass(frozen=True)
class Found:
    score: float  # similarity of the things counted, 0–1
    outcome: Statement
    sign: int  # +1, or -1 when a growth is read as a fall
    flags: list[str]  # from ``Judge.pick`` (end_of_period, per_year …)


class Candidates:
    def __init__(self, judge: Judge) -> None:
        self.judge = judge
        self.lex = judge.lex
        self.things = judge.things
        self._ind = {i.id: i for i in self.lex.indicators.indicators}
        self._cache: dict[tuple[str, str | None], list[str]] = {}
        self._unit_group: dict[str, set[str]] = defaultdict(set)
        for group in self.lex.things.unit_groups:
            for u in group:
                self._unit_group[u] |= set(group)

    def unit_family(self, goal: Statement, out: Statement) -> bool:
        """Same unit, or units that count the same kind of thing (项 and 个)."""
        if goal.unit == out.unit:
            return True
        return goal.unit is not None and out.unit in self._unit_group.get(goal.unit, set())

    def things_of(self, st: Statement) -> list[str]:
        """The things a statement counts: of its name, and of every alias of its lexicon indicator."""
        key = (st.indicator.name, st.indicator.id)
        hit = self._cache.get(key)
        if hit is None:
            things = [self.things.thing(st.indicator.name)]
            ind = self._ind.get(st.indicator.id or "")
            if ind is not None:  # the lexicon's names are names already: made one text, not stripped
                things += [self.things.text(n) for n in self.lex.indicators.aliases_of(ind)]
            hit = self._cache[key] = list(dict.fromkeys(things))
        return hit

    def best(self, goal: Statement, outs: list[Statement]) -> Found | None:
        """The outcome of ``outs`` (the goal's region) counting the thing most like the goal's, at or
        above the review threshold; None when there is none."""
        th = self.lex.things.threshold
        g_things = self.things_of(goal)
        if self.things.generic(g_things[0]):
            return None  # too general (项目, 企业) to say which thing
        found: list[tuple[float, int, Found]] = []
        one_year = goal.period.start == goal.period.end
        for o in outs:
            if o.value is None or o.indicator.key == goal.indicator.key or o.report_year <= goal.report_year:
                continue
            if (one_year and o.period.end != goal.period.end) or not self.unit_family(goal, o):
                continue  # every evidence of a one-year goal ends in its year (see ``Judge.pick``)
            if goal.indicator.id and o.indicator.id and goal.indicator.id != o.indicator.id:
                continue
            sign = self.judge.sign(goal, o)
            if sign is None:
                continue
            o_things = self.things_of(o)
            score = max(self.things.similarity(a, b) for a in g_things for b in o_things)
            if score < th.review or self.things.generic(o_things[0]):
                continue
            if self.things.refusal(goal.indicator.name, o.indicator.name, goal.region) is not None:
                continue
            picked = self.judge.pick(goal, [o])
            if picked is not None:
                found.append((score, -o.span.start, Found(score, o, sign, picked[1])))
        if not found:
            return None
        return max(found, key=lambda f: (f[0], f[1]))[2]
