#!/usr/bin/env python3
"""Build the SYNTHETIC case-level evidence of the Hertfordshire example.

The real case files of HM Inspectorate of Probation's Effective Supervision Inspection of
Hertfordshire (original inspection November 2003, follow-up November 2004, report 2005) are not
public. What is public is the report's scoring summary sheet and the question-level percentages
quoted in its text. This script invents cases that reproduce all of them under the rulesets
`esi-2003.esi` and `esi-2004-followup.esi`, and writes:

    original.yaml, original-cases.csv    the original inspection (72 cases, 12 of them CPOs)
    followup.yaml, followup-cases.csv    the follow-up (30 February and 30 September cases)
    summary.yaml                         the four columns of the report's sheet

How it works:
1. Case attributes (risk of harm, order type, the yes/no flags the questions read) are laid
   out by hand below, so that each question's applicable set has a sensible size.
2. For each sample and criterion, a small search picks met/applicable counts per question:
   quoted questions must agree with the report's percentage (rounded half up), including the
   figures quoted for high risk of harm cases; unquoted questions take any plausible rate.
   The criterion value (pooled: all met over all applicable) must round to the published
   figure, and the criterion values together must make the section and overall figures,
   computed from the unrounded values and rounded once, round to the published ones too.
   Among the ways that do, the fewest n/a answers where a question fits most cases.
3. Answers are laid out case by case: n/a where a question does not fit a case, `yes` for the
   planned number of cases (the stronger cases first, with deterministic noise), and
   `partly` or `no` for the rest.
4. Every figure is recomputed from the written cases with exact fractions and compared with the
   published one. Any disagreement: exit status 1.

Deterministic: the only randomness is `random.Random(SEED)`.

Usage:  python build_evidence.py            (writes the files next to this script)
        python build_evidence.py --out DIR  (writes them to DIR instead)
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import random
import sys
from fractions import Fraction as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = HERE  # where the files are written (`--out DIR` to write them elsewhere)
SEED = 2005

# =============================================================================================
# The published figures (scoring summary sheet of the report; see the README)

PUBLISHED_CRITERIA = {  # criterion: (original, adjusted, feb, sep)
    "B1": (33, 30, 33, 79),
    "B2": (56, 56, 85, 99),
    "B3": (50, 46, 42, 79),
    "B4": (66, 60, 70, 100),
    "C1": (86, 84, 54, 89),
    "C2": (64, 63, 62, 81),
    "C3": (77, 75, 84, 92),
    "C4": (66, 66, 60, 100),
    "C5": (38, 38, 39, 73),
    "D1": (52, 49, 60, None),
    "D2": (58, 60, 58, None),
    "D4": (73, 69, 69, None),
}
PUBLISHED_SECTIONS = {  # section: (original, adjusted, feb, sep)
    "B": (49, 46, 56, 87),
    "C": (66, 65, 60, 86),
    "D": (62, 59, 63, None),
}
PUBLISHED_OVERALL = (60, 58, 60, None)
COLUMNS = ("original", "adjusted", "feb", "sep")

PUBLISHED_GRADES = {  # criterion: (original inspection, follow-up inspection)
    "A1": ("Poor", "Partly met"),
    "A2": ("Partly met", "Partly met"),
    "A3": ("Not met", "Partly met"),
    "A4": ("Not met", "Partly met"),
    "A5": ("Partly met", "Partly met"),
    "D3": ("Not met", "Satisfactorily met"),
}

CLASS_WEIGHT = {  # critical 2, important 1 (D3 is descriptive and takes no part)
    "B1": 2, "B2": 2, "B3": 2, "B4": 1,
    "C1": 2, "C2": 2, "C3": 2, "C4": 1, "C5": 2,
    "D1": 2, "D2": 1, "D4": 2,
}
SECTION_WEIGHT = {"B": F(3, 10), "C": F(4, 10), "D": F(3, 10)}
SECTIONS = {"B": ("B1", "B2", "B3", "B4"), "C": ("C1", "C2", "C3", "C4", "C5"), "D": ("D1", "D2", "D4")}


def pct(value: F) -> int:
    """Whole percent, halves up, applied once to the exact value."""
    scaled = value * 100
    return int(scaled + F(1, 2)) if scaled >= 0 else -int(-scaled + F(1, 2))


def interval(p: int) -> tuple[F, F]:
    """The exact values that display as p%: [p - 0.5, p + 0.5)."""
    return F(2 * p - 1, 200), F(2 * p + 1, 200)


# =============================================================================================
# The questions (as in esi-2003.esi): criterion, id, the case attributes that make it apply
# (None: every case), whether the offender interview is its source.

HR = lambda c: c["risk_of_harm"] in ("high", "very high")  # noqa: E731
QUESTIONS: list[tuple[str, str, object, bool]] = [
    ("B1", "B1.start", None, False),
    ("B1", "B1.review_16wk", None, False),
    ("B1", "B1.incident", lambda c: c["significant_incident"] == "yes", False),
    ("B1", "B1.plan_match", None, False),
    ("B1", "B1.rmp_5days", HR, False),
    ("B1", "B1.management", HR, False),
    ("B1", "B1.specialist", lambda c: c["sex_offender"] == "yes" or c["domestic_violence"] == "yes", False),
    ("B1", "B1.sources", None, False),
    ("B2", "B2.instrument", None, False),
    ("B2", "B2.criminogenic", None, False),
    ("B2", "B2.content", None, False),
    ("B3", "B3.plan_standards", None, False),
    ("B3", "B3.smart", None, False),
    ("B3", "B3.interventions", None, False),
    ("B3", "B3.diversity", None, False),
    ("B3", "B3.requirements", None, False),
    ("B3", "B3.plan_shared", None, False),
    ("B3", "B3.rmp_integrated", None, False),
    ("B3", "B3.liaison", None, False),
    ("B4", "B4.organised", None, False),
    ("B4", "B4.recording", None, False),
    ("B4", "B4.management_entries", None, False),
    ("C1", "C1.frequency", None, False),
    ("C1", "C1.home_visit", None, False),
    ("C1", "C1.seen_by_staff", None, False),
    ("C1", "C1.attendance", None, False),
    ("C1", "C1.absences", None, False),
    ("C1", "C1.enforcement", None, False),
    ("C1", "C1.cp_worked", lambda c: c["order_type"] == "cpo", False),
    ("C2", "C2.interventions", None, False),
    ("C2", "C2.review_16wk", None, False),
    ("C2", "C2.smart_review", None, False),
    ("C2", "C2.mappa_review", lambda c: c["mappa"] == "yes", False),
    ("C2", "C2.reintegration", None, False),
    ("C2", "C2.victim", None, False),
    ("C2", "C2.previous_work", None, False),
    ("C2", "C2.recorded", None, False),
    ("C2", "C2.offender_view", None, True),
    ("C3", "C3.literacy", None, False),
    ("C3", "C3.diversity", None, False),
    ("C3", "C3.support", None, False),
    ("C3", "C3.offender_view", None, True),
    ("C4", "C4.responsivity", None, False),
    ("C4", "C4.learning_style", None, False),
    ("C4", "C4.pre_release", lambda c: c["order_type"] == "licence", False),
    ("C4", "C4.offender_view", None, True),
    ("C5", "C5.match", None, False),
    ("C5", "C5.home_visits", HR, False),
    ("C5", "C5.changes", None, False),
    ("C5", "C5.child_protection", lambda c: c["child_protection"] == "yes", False),
    ("C5", "C5.interagency_plan", lambda c: HR(c) or c["mappa"] == "yes", False),
    ("C5", "C5.oversight", HR, False),
    ("C5", "C5.swift_action", HR, False),
    ("C5", "C5.mappa_actions", lambda c: c["mappa"] == "yes", False),
    ("D1", "D1.no_reconviction", None, False),
    ("D1", "D1.progress", None, False),
    ("D1", "D1.attitude", None, False),
    ("D1", "D1.risk_reduced", None, False),
    ("D1", "D1.risk_contained", HR, False),
    ("D1", "D1.community_ties", None, False),
    ("D1", "D1.learning_applied", None, False),
    ("D1", "D1.objectives", None, False),
    ("D2", "D2.reintegration", None, False),
    ("D2", "D2.mainstream", None, False),
    ("D2", "D2.sustained", None, False),
    ("D2", "D2.offender_view", None, True),
    ("D4", "D4.matched_risk", None, False),
    ("D4", "D4.matched_likelihood", None, False),
    ("D4", "D4.efficient", None, False),
    ("D4", "D4.staff_grade", None, False),
    ("D4", "D4.offender_view", None, True),
]
CRITERION_OF = {q: c for c, q, _, _ in QUESTIONS}
APPLIES = {q: a for _, q, a, _ in QUESTIONS}
OFFENDER_INTERVIEW = {q for _, q, _, oi in QUESTIONS if oi}
QUESTION_IDS = [q for _, q, _, _ in QUESTIONS]
ATTRIBUTES = ("risk_of_harm", "order_type", "child_protection", "sex_offender",
              "domestic_violence", "significant_incident", "mappa")
# Questions whose answer is a plain fact: a case that does not meet them gets `no`, not `partly`.
BINARY = {"C1.home_visit", "C1.seen_by_staff", "C5.home_visits", "D1.no_reconviction",
          "B1.rmp_5days", "C5.swift_action"}

# September: sections B and C only, and not the three review questions (esi-2004-followup.esi).
SEPTEMBER_NOT_ASKED = {"C2.review_16wk", "C2.smart_review", "C2.mappa_review"}


# =============================================================================================
# Case attributes

def _cases(prefix: str, rows: list[tuple]) -> list[dict]:
    """Cases from rows of (risk_of_harm, order_type, cp, sex, dv, incident, mappa), ids in a fixed
    shuffled order so that high risk of harm cases are not all at the top of the file."""
    order = list(range(len(rows)))
    random.Random(f"{SEED}-{prefix}").shuffle(order)
    cases = []
    for number, index in enumerate(order, start=1):
        values = rows[index]
        case = dict(zip(ATTRIBUTES, values[:7]))
        case["id"] = f"{prefix}{number:02d}"
        case["row"] = index
        case["interviewed"] = values[7] if len(values) > 7 else False
        cases.append(case)
    cases.sort(key=lambda c: c["id"])
    return cases


Y, N = "yes", "no"
# February 2004 starts: 10 high risk of harm (8 high, 2 very high), 12 medium, 8 low; 10 licences.
FEBRUARY_ROWS = [
    # risk,       order,     cp, sex, dv, incident, mappa
    ("high", "licence", N, Y, N, Y, Y),
    ("high", "licence", N, N, Y, Y, Y),
    ("very high", "licence", N, Y, N, N, Y),
    ("high", "licence", Y, N, Y, N, Y),
    ("high", "licence", N, N, N, Y, Y),
    ("high", "licence", N, N, N, N, Y),
    ("very high", "cro", Y, N, Y, Y, Y),
    ("high", "cro", N, N, N, N, Y),
    ("high", "cro", N, N, N, N, Y),
    ("high", "cpro", N, N, N, N, N),
    ("medium", "licence", N, Y, N, Y, Y),  # a registered sex offender: MAPPA level 1
    ("medium", "licence", N, N, N, N, N),
    ("medium", "licence", N, N, Y, Y, N),
    ("low", "licence", N, N, N, N, N),
    ("medium", "cro", Y, N, Y, Y, N),
    ("medium", "cro", N, N, N, Y, N),
    ("medium", "cro", N, N, N, N, N),
    ("medium", "cro", Y, N, N, N, N),
    ("low", "cro", N, N, N, Y, N),
    ("low", "cro", N, N, N, N, N),
    ("low", "cro", N, N, N, N, N),
    ("medium", "cro", N, N, N, N, N),
    ("medium", "cpro", N, N, Y, Y, N),
    ("medium", "cpro", N, N, N, N, N),
    ("low", "cpro", N, N, N, N, N),
    ("low", "cpro", N, N, N, N, N),
    ("medium", "dtto", N, N, N, N, N),
    ("medium", "dtto", N, N, N, N, N),
    ("low", "dtto", N, N, N, N, N),
    ("low", "dtto", N, N, N, N, N),
]
# September 2004 starts: 12 high risk of harm (10 high, 2 very high), 10 medium, 8 low; 8 licences.
SEPTEMBER_ROWS = [
    ("high", "licence", N, Y, N, Y, Y),
    ("very high", "licence", N, N, Y, N, Y),
    ("high", "licence", Y, N, Y, Y, Y),
    ("high", "licence", N, N, N, N, Y),
    ("high", "licence", N, N, N, N, Y),
    ("high", "licence", N, N, N, N, Y),
    ("very high", "cro", Y, N, Y, Y, Y),
    ("high", "cro", N, N, N, N, Y),
    ("high", "cro", N, N, N, N, Y),
    ("high", "cro", N, N, N, N, Y),
    ("high", "cpro", N, N, N, N, N),
    ("high", "cpro", N, N, N, N, N),
    ("medium", "licence", N, Y, N, N, Y),
    ("medium", "licence", N, N, Y, Y, Y),
    ("medium", "cro", Y, N, Y, Y, N),
    ("medium", "cro", N, N, Y, N, N),
    ("medium", "cro", Y, N, N, Y, N),
    ("medium", "cro", N, N, N, N, N),
    ("low", "cro", N, N, Y, N, N),
    ("low", "cro", N, N, N, Y, N),
    ("low", "cro", N, N, N, N, N),
    ("low", "cro", N, N, N, N, N),
    ("medium", "cpro", N, N, N, N, N),
    ("medium", "cpro", N, N, N, N, N),
    ("low", "cpro", N, N, N, N, N),
    ("low", "cpro", N, N, N, N, N),
    ("medium", "dtto", N, N, N, N, N),
    ("medium", "dtto", N, N, N, N, N),
    ("low", "dtto", N, N, N, N, N),
    ("low", "dtto", N, N, N, N, N),
]


def original_rows() -> list[tuple]:
    """The original inspection (November 2003): 72 cases, 12 of them community punishment
    orders; 14 high risk of harm cases (11 high, 3 very high); 41 offenders interviewed."""
    rows = []
    # 14 high risk of harm cases, none a CPO; 11 referred to the MAPPA.
    hr_orders = ["licence"] * 8 + ["cro"] * 4 + ["cpro"] * 2
    for i in range(14):
        risk = "very high" if i in (0, 5, 9) else "high"
        rows.append((risk, hr_orders[i], Y if i in (2, 6, 11) else N, Y if i in (0, 4, 8) else N,
                     Y if i in (1, 2, 6, 10) else N, Y if i in (0, 3, 6, 9, 12) else N,
                     Y if i < 11 else N, i % 2 == 0))
    # 46 other cases under supervision: 24 medium, 22 low risk of harm.
    orders = ["licence"] * 10 + ["cro"] * 20 + ["cpro"] * 8 + ["dtto"] * 8
    for i in range(46):
        risk = "medium" if i % 2 == 0 or i in (45,) else "low"
        rows.append((risk, orders[i], Y if i in (3, 14, 27, 40) else N, Y if i == 0 else N,
                     Y if i in (2, 9, 16, 23, 30, 37) else N, Y if i % 4 == 1 else N,
                     Y if i == 0 else N, i % 2 == 1 or i in (0, 10, 20, 30, 40)))
    # 12 community punishment orders: 5 medium, 7 low risk of harm.
    for i in range(12):
        rows.append(("medium" if i < 5 else "low", "cpo", N, N, Y if i == 3 else N,
                     Y if i in (2, 7) else N, N, i < 6))
    return rows


# =============================================================================================
# Planning: which answers each question gets, sample by sample

def opts_quoted(p: int, ds, hr=None, na_cost: float = 1.0, dmax: int | None = None):
    """(m, d, cost) for a question quoted at p% with d applicable answers, d in ds.
    hr = (m_h, d_h): the high risk of harm cases, all answered, of which m_h met."""
    ds = list(ds)
    top = dmax if dmax is not None else max(ds)
    out = []
    for d in ds:
        for m in range(d + 1):
            if pct(F(m, d)) != p:
                continue
            if hr is not None:
                mh, dh = hr
                if d < dh or m < mh or m - mh > d - dh:
                    continue
            out.append((m, d, na_cost * (top - d)))
    if not out:
        raise SystemExit(f"no way to quote {p}% with d in {ds}")
    return out


def opts_free(ds, lo: float, hi: float, na_cost: float = 1.0, dmax: int | None = None):
    """(m, d, cost) for an unquoted question: any rate from lo to hi."""
    ds = list(ds)
    top = dmax if dmax is not None else max(ds)
    out = []
    for d in ds:
        for m in range(d + 1):
            if lo <= m / d <= hi:
                out.append((m, d, na_cost * (top - d)))
    return out


def opts_fixed(m: int, d: int):
    return [(m, d, 0.0)]


def r(a, b):
    return range(a, b + 1)


# The plans for the follow-up samples. Each quoted figure is the report's, for the sample named
# (the comments of esi-2003.esi cite them); `hr=(m, d)` is the figure quoted for the high risk of
# harm cases of that sample. Ranges of d allow `n/a` answers where the report speaks of
# "applicable" cases, or where the question plausibly does not fit every case.
FEB_PLAN = {
    "B1.start": opts_quoted(30, [30], hr=(2, 10)),  # HR 20%
    "B1.review_16wk": opts_quoted(10, [30], hr=(1, 10)),  # HR 10%
    "B1.incident": opts_quoted(20, r(5, 10), hr=(0, 4)),  # HR: none
    "B1.plan_match": opts_quoted(63, [30]),
    "B1.rmp_5days": opts_quoted(20, [10], hr=(2, 10)),
    "B1.management": opts_quoted(0, [10], hr=(0, 10)),
    "B1.specialist": opts_free(r(7, 9), 0.2, 0.6, dmax=9),
    "B1.sources": opts_free([30], 0.3, 0.6),
    "B2.instrument": opts_free(r(28, 30), 0.85, 1.0),
    "B2.criminogenic": opts_free(r(28, 30), 0.8, 1.0),
    "B2.content": opts_quoted(70, r(27, 30)),
    "B3.plan_standards": opts_quoted(27, [30], hr=(2, 10)),  # HR 20%
    "B3.smart": opts_quoted(27, [30]),
    "B3.interventions": opts_quoted(57, [30], hr=(2, 10)),  # HR 20%
    "B3.diversity": opts_quoted(63, [30]),
    "B3.requirements": opts_quoted(63, [30]),
    "B3.plan_shared": opts_quoted(67, [30]),
    "B3.rmp_integrated": opts_quoted(10, r(10, 30), na_cost=0.2),
    "B3.liaison": opts_quoted(24, r(17, 30), na_cost=0.5),
    "B4.organised": opts_quoted(73, [30]),
    "B4.recording": opts_quoted(67, [30]),
    "B4.management_entries": opts_free(r(8, 16), 0.4, 0.9, na_cost=0.1),
    "C1.frequency": opts_quoted(30, [30], hr=(4, 10)),  # HR: did not match risk in 60%
    "C1.home_visit": opts_quoted(27, [30]),
    "C1.seen_by_staff": opts_quoted(97, [30]),
    "C1.attendance": opts_quoted(70, [30]),
    "C1.absences": opts_quoted(68, r(15, 28), na_cost=0.2),
    "C1.enforcement": opts_free(r(6, 14), 0.15, 0.9, na_cost=0.1),
    "C2.interventions": opts_quoted(57, r(28, 30), hr=(1, 10)),  # HR 10%
    "C2.review_16wk": opts_quoted(13, r(23, 30)),
    # "in just 27% of these": read as the cases that reached a review point at all
    "C2.smart_review": opts_quoted(27, r(11, 30), na_cost=0.1),
    "C2.mappa_review": opts_quoted(10, [10]),
    "C2.reintegration": opts_quoted(72, r(18, 30), na_cost=0.5),
    # n/a where the offence had no identifiable victim
    "C2.victim": opts_quoted(47, r(15, 30), hr=(2, 10), na_cost=0.3),  # HR 20%
    "C2.previous_work": opts_free([30], 0.6, 1.0),
    "C2.recorded": opts_free([30], 0.6, 1.0),
    "C3.literacy": opts_quoted(75, r(8, 16), na_cost=0.1),
    "C3.diversity": opts_quoted(80, [30]),
    "C3.support": opts_free(r(6, 14), 0.6, 1.0, na_cost=0.1),
    "C4.responsivity": opts_quoted(63, [30]),
    "C4.learning_style": opts_free([30], 0.4, 0.85),
    "C4.pre_release": opts_quoted(30, [10]),
    "C5.match": opts_quoted(63, [30]),
    "C5.home_visits": opts_quoted(33, r(6, 9), dmax=10),  # "a third" of the HR cases
    "C5.changes": opts_quoted(29, r(7, 21), na_cost=0.1),
    "C5.child_protection": opts_quoted(25, [4]),
    "C5.interagency_plan": opts_quoted(10, [10], dmax=11),  # the MAPPA level 1 case is n/a
    "C5.oversight": opts_quoted(0, [10], hr=(0, 10)),
    # "in 60% of the applicable high risk of harm February cases": 5 had a public protection concern
    "C5.swift_action": opts_quoted(40, [5], dmax=5),
    "C5.mappa_actions": opts_free(r(8, 10), 0.3, 0.8),
    "D1.no_reconviction": opts_quoted(93, [30], hr=(9, 10)),  # 7% reconvicted; HR 10%
    "D1.progress": opts_quoted(57, [30]),
    "D1.attitude": opts_quoted(43, [30]),
    # n/a where risk of harm was low throughout (the plan settles on the high risk of harm cases)
    "D1.risk_reduced": opts_quoted(20, r(10, 22), na_cost=0.3, dmax=22),
    "D1.risk_contained": opts_quoted(50, [10]),
    "D1.community_ties": opts_quoted(50, [30]),
    "D1.learning_applied": opts_quoted(46, r(13, 28), na_cost=0.3, dmax=30),
    "D1.objectives": opts_free([30], 0.5, 0.85),
    "D2.reintegration": opts_quoted(54, r(24, 30), na_cost=0.5),
    "D2.mainstream": opts_quoted(50, [30]),
    "D2.sustained": opts_free([30], 0.4, 0.8),
    "D4.matched_risk": opts_quoted(66, r(27, 30), hr=(2, 10)),  # HR 20%
    "D4.matched_likelihood": opts_quoted(75, r(24, 30), hr=(5, 10)),  # HR 50%
    "D4.efficient": opts_quoted(66, r(27, 30), hr=(5, 10)),  # HR 50%
    "D4.staff_grade": opts_free([30], 0.5, 0.85),
}

SEP_PLAN = {
    "B1.start": opts_quoted(80, [30], hr=(12, 12)),  # HR: all
    "B1.review_16wk": opts_fixed(0, 0),  # not yet due: n/a in every case
    "B1.incident": opts_quoted(71, [7], hr=(3, 3)),  # HR: all
    "B1.plan_match": opts_quoted(97, [30]),
    "B1.rmp_5days": opts_quoted(67, [12], hr=(8, 12)),
    "B1.management": opts_quoted(67, [12], hr=(8, 12)),
    "B1.specialist": opts_free(r(5, 9), 0.3, 0.9, dmax=9),
    # n/a where there was no earlier or other agency's assessment to draw on
    "B1.sources": opts_free(r(24, 30), 0.4, 0.9),
    "B2.instrument": opts_free([30], 0.9, 1.0),
    "B2.criminogenic": opts_free([30], 0.9, 1.0),
    "B2.content": opts_quoted(96, r(25, 30), na_cost=1.0),
    "B3.plan_standards": opts_quoted(83, [30], hr=(9, 12)),  # HR 75%
    "B3.smart": opts_quoted(50, [30]),
    "B3.interventions": opts_quoted(100, [30], hr=(12, 12)),  # HR 100%
    "B3.diversity": opts_quoted(96, r(25, 30), na_cost=1.0),
    "B3.requirements": opts_quoted(97, [30]),
    "B3.plan_shared": opts_quoted(97, [30]),
    "B3.rmp_integrated": opts_quoted(33, r(12, 30), na_cost=0.2),
    "B3.liaison": opts_quoted(76, r(17, 30), na_cost=0.5),
    "B4.organised": opts_quoted(100, [30]),
    "B4.recording": opts_quoted(100, [30]),
    "B4.management_entries": opts_free(r(6, 14), 1.0, 1.0, na_cost=0.1),
    "C1.frequency": opts_quoted(83, [30], hr=(9, 12)),  # HR: did not match risk in 25%
    "C1.home_visit": opts_quoted(71, r(14, 30), na_cost=0.2),
    "C1.seen_by_staff": opts_quoted(100, [30]),
    "C1.attendance": opts_quoted(90, [30]),
    "C1.absences": opts_quoted(91, r(11, 23), na_cost=0.1),
    "C1.enforcement": opts_free(r(4, 16), 0.8, 1.0, na_cost=0.1),
    "C2.interventions": opts_quoted(83, [30], hr=(9, 12)),  # HR 75%
    "C2.reintegration": opts_quoted(92, r(24, 30), na_cost=1.0),
    "C2.victim": opts_quoted(55, r(27, 30), hr=(9, 12)),  # HR 75%
    "C2.previous_work": opts_free([30], 0.6, 1.0),
    "C2.recorded": opts_free([30], 0.7, 1.0),
    "C3.literacy": opts_quoted(81, r(11, 21), na_cost=0.1),
    "C3.diversity": opts_quoted(100, [30]),
    "C3.support": opts_free(r(6, 14), 0.6, 1.0, na_cost=0.1),
    "C4.responsivity": opts_quoted(100, [30]),
    "C4.learning_style": opts_free([30], 1.0, 1.0),
    "C4.pre_release": opts_quoted(100, [8]),
    "C5.match": opts_quoted(97, [30]),
    "C5.home_visits": opts_quoted(67, [12], hr=(8, 12)),  # two-thirds
    "C5.changes": opts_quoted(56, r(9, 18), na_cost=0.1),
    "C5.child_protection": opts_quoted(75, [4]),
    "C5.interagency_plan": opts_quoted(50, r(12, 14), dmax=14),
    "C5.oversight": opts_quoted(67, [12], hr=(8, 12)),
    "C5.swift_action": opts_fixed(0, 0),  # no case needed such action
    "C5.mappa_actions": opts_free(r(10, 12), 0.3, 0.9),
}

def criterion_states(criterion: str, plan: dict) -> dict[F, tuple[float, tuple]]:
    """Every exact value the criterion can take under the plan, with the cheapest choice of
    (m, d) per question that gives it (cost: n/a answers where a question fits most cases)."""
    questions = [q for q in QUESTION_IDS if CRITERION_OF[q] == criterion and q in plan]
    # dynamic programme over (M, D): the cheapest way to reach each total
    states: dict[tuple[int, int], tuple[float, tuple]] = {(0, 0): (0.0, ())}
    for q in questions:
        nxt: dict[tuple[int, int], tuple[float, tuple]] = {}
        for (M, D), (cost, picks) in states.items():
            for m, d, c in plan[q]:
                key = (M + m, D + d)
                total = cost + c
                if key not in nxt or total < nxt[key][0] - 1e-9:
                    nxt[key] = (total, (*picks, (m, d)))
        states = nxt
    values: dict[F, tuple[float, tuple]] = {}
    for (M, D), (cost, picks) in states.items():
        if D:
            v = F(M, D)
            if v not in values or cost < values[v][0] - 1e-9:
                values[v] = (cost, dict(zip(questions, picks)))
    return values


def candidates(states: dict, p: int, bins: int = 6, best: int = 8) -> list[tuple[F, float, dict]]:
    """A short list of ways to make a criterion show p%: the cheapest few, and the cheapest in
    each part of the rounding interval (a section may need a value near one end)."""
    lo, hi = interval(p)
    inside = [(v, cost, picks) for v, (cost, picks) in states.items() if lo <= v < hi]
    if not inside:
        return []
    mid = F(p, 100)
    inside.sort(key=lambda x: (round(x[1], 6), abs(x[0] - mid)))
    chosen = inside[:best]
    for b in range(bins):
        a, z = lo + (hi - lo) * b / bins, lo + (hi - lo) * (b + 1) / bins
        part = [x for x in inside if a <= x[0] < z]
        if part:
            chosen.append(part[0])
            chosen.append(min(part, key=lambda x: x[0]) if b == 0 else part[0])
    unique = {}
    for x in chosen:
        unique.setdefault(x[0], x)
    return list(unique.values())


def plan_column(column: str, plan: dict) -> dict[str, tuple[int, int]]:
    """Met/applicable per question for one sample: every criterion, section and overall figure
    of the column rounds to the published one; among the ways that do, the fewest n/a answers,
    then the criterion values nearest the published figures."""
    i = COLUMNS.index(column)
    options = {}
    for crit, figures in PUBLISHED_CRITERIA.items():
        if figures[i] is None:
            continue
        options[crit] = candidates(criterion_states(crit, plan), figures[i])
        if not options[crit]:
            raise SystemExit(f"plan {column}: no answers make {crit} {figures[i]}%")
    section_options = {}
    for s, members in SECTIONS.items():
        if PUBLISHED_SECTIONS[s][i] is None:
            continue
        found = []
        for combo in itertools.product(*(options[c] for c in members)):
            value = sum(CLASS_WEIGHT[c] * x[0] for c, x in zip(members, combo)) / sum(
                CLASS_WEIGHT[c] for c in members)
            if pct(value) != PUBLISHED_SECTIONS[s][i]:
                continue
            cost = sum(x[1] for x in combo)
            distance = sum(abs(x[0] - F(PUBLISHED_CRITERIA[c][i], 100)) for c, x in zip(members, combo))
            found.append((round(cost, 6), distance, value, combo))
        if not found:
            raise SystemExit(f"plan {column}: no criterion values give section {s}")
        found.sort(key=lambda x: (x[0], x[1]))
        # keep the cheapest, and the cheapest in each part of the section's interval
        keep = found[:40]
        lo, hi = interval(PUBLISHED_SECTIONS[s][i])
        for b in range(8):
            a, z = lo + (hi - lo) * b / 8, lo + (hi - lo) * (b + 1) / 8
            part = [x for x in found if a <= x[2] < z]
            if part:
                keep.append(part[0])
        section_options[s] = keep
    if PUBLISHED_OVERALL[i] is not None:
        best = None
        for combo in itertools.product(*(section_options[s] for s in SECTIONS)):
            value = sum(SECTION_WEIGHT[s] * x[2] for s, x in zip(SECTIONS, combo))
            if pct(value) != PUBLISHED_OVERALL[i]:
                continue
            key = (sum(x[0] for x in combo), sum(x[1] for x in combo))
            if best is None or key < best[0]:
                best = (key, combo)
        if best is None:
            raise SystemExit(f"plan {column}: no section values give the overall figure")
        chosen = dict(zip(SECTIONS, best[1]))
    else:
        chosen = {s: section_options[s][0] for s in section_options}
    picks: dict[str, tuple[int, int]] = {}
    for _, _, _, combo in chosen.values():
        for x in combo:
            picks.update(x[2])
    return picks


# ---------------------------------------------------------------------------------------------
# The original inspection: no figure is quoted per question, so each criterion's met answers
# are chosen as totals (one total for the cases and questions that the adjusted score keeps,
# one for the community punishment orders and offender interviews it leaves out) and shared
# out over the questions by a profile of how hard each question was.

PROFILE = {  # typical share met, from the February 2004 findings ("similar problems")
    "B1.start": .35, "B1.review_16wk": .15, "B1.incident": .25, "B1.plan_match": .6,
    "B1.rmp_5days": .25, "B1.management": .1, "B1.specialist": .35, "B1.sources": .4,
    "B2.instrument": .6, "B2.criminogenic": .6, "B2.content": .5,
    "B3.plan_standards": .35, "B3.smart": .3, "B3.interventions": .6, "B3.diversity": .65,
    "B3.requirements": .65, "B3.plan_shared": .65, "B3.rmp_integrated": .15, "B3.liaison": .3,
    "B4.organised": .7, "B4.recording": .65, "B4.management_entries": .5,
    "C1.frequency": .75, "C1.home_visit": .6, "C1.seen_by_staff": .97, "C1.attendance": .85,
    "C1.absences": .85, "C1.enforcement": .8, "C1.cp_worked": .85,
    "C2.interventions": .6, "C2.review_16wk": .3, "C2.smart_review": .3, "C2.mappa_review": .2,
    "C2.reintegration": .7, "C2.victim": .45, "C2.previous_work": .7, "C2.recorded": .75,
    "C2.offender_view": .75,
    "C3.literacy": .7, "C3.diversity": .8, "C3.support": .75, "C3.offender_view": .8,
    "C4.responsivity": .65, "C4.learning_style": .6, "C4.pre_release": .4, "C4.offender_view": .7,
    "C5.match": .6, "C5.home_visits": .35, "C5.changes": .3, "C5.child_protection": .3,
    "C5.interagency_plan": .15, "C5.oversight": .1, "C5.swift_action": .4, "C5.mappa_actions": .4,
    "D1.no_reconviction": .8, "D1.progress": .5, "D1.attitude": .4, "D1.risk_reduced": .25,
    "D1.risk_contained": .5, "D1.community_ties": .5, "D1.learning_applied": .45,
    "D1.objectives": .6,
    "D2.reintegration": .55, "D2.mainstream": .5, "D2.sustained": .6, "D2.offender_view": .6,
    "D4.matched_risk": .7, "D4.matched_likelihood": .75, "D4.efficient": .7,
    "D4.staff_grade": .7, "D4.offender_view": .75,
}

# n/a answers in the original inspection: the share of applicable cases a question did not fit.
ORIGINAL_NA = {
    "B3.rmp_integrated": .4, "B3.liaison": .3, "B4.management_entries": .6, "C1.absences": .35,
    "C1.enforcement": .6, "C2.smart_review": .3, "C3.literacy": .6, "C3.support": .6,
    "C5.changes": .5, "C5.swift_action": .5, "C5.home_visits": .1, "D1.risk_reduced": .35,
    "D1.learning_applied": .2, "D2.reintegration": .1, "D4.matched_likelihood": .05,
}

ORIGINAL_WINDOWS = {  # exact-value windows for (original, adjusted); default the intervals
    ("D1", "original"): (F(522, 1000), F(525, 1000)),
    ("D4", "original"): (F(732, 1000), F(735, 1000)),
}


def share_out(total: int, questions: list[tuple[str, int]], profile: dict) -> dict[str, int]:
    """Split `total` met answers over questions with d applicable each, following the profile:
    rate = clamp(profile + shift), the shift found by bisection, then largest remainders."""
    if not questions:
        return {}
    capacity = sum(d for _, d in questions)
    assert 0 <= total <= capacity, (total, capacity)

    def rates(shift: float) -> dict[str, float]:
        return {q: min(1.0, max(0.0, profile[q] + shift)) for q, _ in questions}

    lo, hi = -1.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if sum(rates(mid)[q] * d for q, d in questions) < total:
            lo = mid
        else:
            hi = mid
    exact = {q: rates(hi)[q] * d for q, d in questions}
    counts = {q: min(d, int(exact[q])) for q, d in questions}
    rest = total - sum(counts.values())
    order = sorted(questions, key=lambda qd: (-(exact[qd[0]] - int(exact[qd[0]])), qd[0]))
    while rest > 0:
        for q, d in order:
            if rest and counts[q] < d:
                counts[q] += 1
                rest -= 1
    return counts


# =============================================================================================
# Laying out answers

class Layout:
    """Answers for one group of cases: {question: {case id: answer}}."""

    def __init__(self, cases: list[dict], salt: str):
        self.cases = cases
        self.rng = random.Random(f"{SEED}-{salt}")
        # a latent quality per case: stronger cases meet more questions
        self.quality = {c["id"]: self.rng.random() for c in cases}
        self.answers: dict[str, dict[str, str]] = {q: {} for q in QUESTION_IDS}

    def applicable(self, q: str, cases=None) -> list[dict]:
        applies = APPLIES[q]
        return [c for c in (cases if cases is not None else self.cases) if applies is None or applies(c)]

    def put(self, q: str, m: int, d: int, cases=None, hr: tuple[int, int] | None = None,
            no_share: float = 0.45, na_first=None, met_only=None, no_count: int | None = None) -> None:
        """Answer q for the applicable cases among `cases`: d answered (the others n/a), m yes."""
        pool = self.applicable(q, cases)
        assert d <= len(pool), (q, d, len(pool))
        noise = {c["id"]: self.quality[c["id"]] + 1.0 * self.rng.random() for c in pool}
        # n/a: the cases the question fits least (na_first gives a priority), never HR cases when
        # a figure is quoted for them
        def na_key(c):
            keep = 1 if (hr is not None and HR(c)) else 0
            prio = na_first(c) if na_first else 0
            return (keep, -prio, self.rng.random())
        ranked = sorted(pool, key=na_key)
        not_applicable = ranked[: len(pool) - d]
        answered = [c for c in pool if c not in not_applicable]
        if hr is not None:
            mh, dh = hr
            hr_cases = [c for c in answered if HR(c)]
            assert len(hr_cases) == dh, (q, len(hr_cases), dh)
            groups = [(hr_cases, mh), ([c for c in answered if not HR(c)], m - mh)]
        else:
            groups = [(answered, m)]
        met: list[dict] = []
        for group, k in groups:
            if met_only is not None:
                group = sorted(group, key=lambda c: (not met_only(c), -noise[c["id"]]))
            else:
                group = sorted(group, key=lambda c: -noise[c["id"]])
            assert 0 <= k <= len(group), (q, k, len(group))
            met += group[:k]
        not_met = sorted((c for c in answered if c not in met), key=lambda c: noise[c["id"]])
        if no_count is None:
            no_count = len(not_met) if q in BINARY else round(no_share * len(not_met))
        for c in not_applicable:
            self.answers[q][c["id"]] = "n/a"
        for c in met:
            self.answers[q][c["id"]] = "yes"
        for i, c in enumerate(not_met):
            self.answers[q][c["id"]] = "no" if i < no_count else "partly"


# Which cases a question fits least, when some of them must be n/a.
LOW_FIRST = {"low": 3, "medium": 2, "high": 1, "very high": 0}
NA_PRIORITY = {
    "B3.rmp_integrated": lambda c: LOW_FIRST[c["risk_of_harm"]],  # no risk management plan
    "D1.risk_reduced": lambda c: LOW_FIRST[c["risk_of_harm"]],  # low risk throughout
    "B4.management_entries": lambda c: LOW_FIRST[c["risk_of_harm"]],  # no management entry
    "C5.changes": lambda c: LOW_FIRST[c["risk_of_harm"]],  # risk of harm did not change
    "C5.interagency_plan": lambda c: 0 if HR(c) else 1,  # MAPPA level 1: no inter-agency plan
    "B3.liaison": lambda c: 1 if c["order_type"] in ("cro", "cpo") and not HR(c) else 0,
    "C3.support": lambda c: 0,
}


# =============================================================================================
# Scoring the written cases (own arithmetic, exact fractions): the check

def tally(cases: list[dict], answers: dict[str, dict[str, str]], questions) -> dict[str, tuple[int, int]]:
    out = {}
    for q in questions:
        met = applicable = 0
        for c in cases:
            a = answers[q].get(c["id"], "")
            if a in ("", "n/a"):
                continue
            applicable += 1
            met += a == "yes"
        out[q] = (met, applicable)
    return out


def score_column(cases, answers, questions):
    """Criteria, sections and overall (exact) for the given cases and questions."""
    t = tally(cases, answers, questions)
    criteria = {}
    for crit in CLASS_WEIGHT:
        qs = [q for q in questions if CRITERION_OF[q] == crit]
        M = sum(t[q][0] for q in qs)
        D = sum(t[q][1] for q in qs)
        criteria[crit] = F(M, D) if D else None
    sections = {}
    for s, members in SECTIONS.items():
        values = [criteria[c] for c in members]
        if any(v is None for v in values):
            sections[s] = None
            continue
        sections[s] = sum(CLASS_WEIGHT[c] * criteria[c] for c in members) / sum(CLASS_WEIGHT[c] for c in members)
    if any(v is None for v in sections.values()):
        overall = None
    else:
        overall = sum(SECTION_WEIGHT[s] * sections[s] for s in sections)
    return t, criteria, sections, overall


# ---------------------------------------------------------------------------------------------
# Descriptive criteria: the `management` grading and the `npd_rating` bands of esi-2003.esi

SCALE = ["weak", "satisfactory", "good", "strong", "very strong"]


def at_least(rating: str, level: str) -> bool:
    return SCALE.index(rating) >= SCALE.index(level)


def grade(items: list[tuple[str, int]]) -> str:
    """items: (rating, weight)."""
    total = sum(w for _, w in items)
    if all(at_least(x, "very strong") for x, _ in items):
        return "Very well met"
    if all(at_least(x, "strong") for x, _ in items):
        return "Well met"
    strong = sum(w for x, w in items if at_least(x, "strong"))
    if 2 * strong > total and all(at_least(x, "satisfactory") for x, _ in items if not at_least(x, "strong")):
        return "Satisfactorily met"
    if any(at_least(x, "good") for x, _ in items) and all(
        at_least(x, "satisfactory") for x, _ in items if not at_least(x, "good")
    ):
        return "Partly met"
    if any(at_least(x, "satisfactory") for x, _ in items):
        return "Not met"
    return "Poor"


def npd_rating(actual: F, target: F, average: F, lower_is_better: bool) -> str:
    performance = target / actual if lower_is_better else actual / target
    beats_average = actual <= average if lower_is_better else actual >= average
    if performance >= F(110, 100) and beats_average:
        return "very strong"
    if performance >= 1 and beats_average:
        return "strong"
    if performance >= 1:
        return "good"
    if performance >= F(90, 100):
        return "satisfactory"
    return "weak"


A1_MEASURES = ("dtto_starts", "enforcement", "programme_completions", "sickness_absence",
               "victim_contact", "psr_timeliness", "basic_skills_starts", "basic_skills_awards")
LOWER_IS_BETTER = {"sickness_absence"}

# The follow-up: the NPD figures for April to September 2004 printed in the report's A1 table.
FOLLOWUP_MEASURES = {
    "psr_timeliness": (71, 90, 78),
    "basic_skills_starts": (101, 100, 123),
    "basic_skills_awards": (46, 100, 114),
    "programme_completions": (153, 100, 91),
    "enforcement": (87, 90, 81),
    "dtto_starts": (87, 100, 80),
    "dtto_completions": (28, 35, 33),
    "sickness_absence": (F("10.7"), 9, F("11.5")),
    "ecp_completions": (216, 100, 150),
    "victim_contact": (93, 85, 93),
    "appointments_arranged": (80, 90, 86),
    "appointments_attended": (65, 65, 62),
}
# The original inspection: the report does not publish the figures the original inspection saw.
# These are INVENTED, plausible for 2002-03, and every one short of its target by more than a
# tenth, so that with the original item ratings A1 is graded Poor.
ORIGINAL_MEASURES = {
    "psr_timeliness": (62, 90, 74),
    "basic_skills_starts": (64, 100, 92),
    "basic_skills_awards": (38, 100, 71),
    "programme_completions": (71, 100, 86),
    "enforcement": (61, 90, 72),
    "dtto_starts": (68, 100, 88),
    "dtto_completions": (19, 30, 27),
    "sickness_absence": (F("13.4"), 9, F("12.1")),
    "ecp_completions": (74, 100, 96),
    "victim_contact": (66, 85, 79),
    "appointments_arranged": (72, 90, 81),
    "appointments_attended": (55, 65, 60),
}

# Item ratings. Follow-up: from the report's findings under each criterion (quoted in the
# ruleset beside each item). Original: INVENTED, consistent with the original grades and with
# what the follow-up report says the original inspection found.
FOLLOWUP_RATINGS = {
    "A1.visibility": "strong", "A1.high_risk": "satisfactory", "A1.domestic_violence": "good",
    "A1.shared_management": "satisfactory", "A1.policy_implementation": "strong",
    "A1.risk_register": "good", "A1.oasys": "strong", "A1.basic_skills": "good",
    "A2.yardstick": "strong", "A2.middle_managers": "satisfactory",
    "A2.resources_to_risk": "satisfactory", "A2.key_posts": "satisfactory",
    "A2.partnership_posts": "strong", "A2.pso_resource": "good",
    "A3.poor_performance": "strong", "A3.supervision": "good", "A3.training_plan": "satisfactory",
    "A3.risk_training": "satisfactory", "A3.middle_managers": "good", "A3.wellbeing": "satisfactory",
    "A3.communication": "good",
    "A4.contract_review": "strong", "A4.best_value": "good", "A4.quality": "satisfactory",
    "A4.termination": "satisfactory", "A4.accommodation": "satisfactory",
    "A4.minority_ethnic": "satisfactory", "A4.board_oversight": "strong",
    "A5.sentencer_views": "strong", "A5.proposals": "satisfactory", "A5.concordance": "satisfactory",
    "A5.court_procedures": "strong", "A5.report_allocation": "satisfactory",
    "D3.feedback": "strong", "D3.performance_reports": "strong", "D3.exit_data": "very strong",
    "D3.reconviction_data": "satisfactory",
}
ORIGINAL_RATINGS = {
    "A1.visibility": "weak", "A1.high_risk": "weak", "A1.domestic_violence": "weak",
    "A1.shared_management": "weak", "A1.policy_implementation": "weak",
    "A1.risk_register": "weak", "A1.oasys": "weak", "A1.basic_skills": "weak",
    "A2.yardstick": "good", "A2.middle_managers": "satisfactory",
    "A2.resources_to_risk": "satisfactory", "A2.key_posts": "satisfactory",
    "A2.partnership_posts": "good", "A2.pso_resource": "satisfactory",
    "A3.poor_performance": "weak", "A3.supervision": "weak", "A3.training_plan": "satisfactory",
    "A3.risk_training": "weak", "A3.middle_managers": "satisfactory", "A3.wellbeing": "weak",
    "A3.communication": "satisfactory",
    "A4.contract_review": "satisfactory", "A4.best_value": "weak", "A4.quality": "weak",
    "A4.termination": "weak", "A4.accommodation": "weak", "A4.minority_ethnic": "weak",
    "A4.board_oversight": "satisfactory",
    "A5.sentencer_views": "good", "A5.proposals": "satisfactory", "A5.concordance": "satisfactory",
    "A5.court_procedures": "satisfactory", "A5.report_allocation": "satisfactory",
    "D3.feedback": "weak", "D3.performance_reports": "satisfactory", "D3.exit_data": "satisfactory",
    "D3.reconviction_data": "weak",
}

A1_ADJUSTMENT = {
    "criterion": "A1",
    "grade": "Partly met",
    "by": "Lead inspector",
    "reason": (
        "Four targets fall short of the national target, but \"there had been a significant "
        "increase in the national targets\" for DTTO starts and completions, the area \"had "
        "performed well on accredited programme and ECP completions, and on victim contact\", "
        "and it had \"significantly improved its position on the NPD's weighted scorecard, "
        "moving from 39th at the time of the original ESI to its current position of 17th among "
        "the 42 probation areas\" (follow-up report, A1)."
    ),
}


def descriptive_grades(ratings: dict[str, str], measures: dict) -> dict[str, str]:
    grades = {}
    for crit in ("A1", "A2", "A3", "A4", "A5", "D3"):
        items = [(x, 1) for k, x in ratings.items() if k.startswith(crit + ".")]
        if crit == "A1":
            for m in A1_MEASURES:
                a, t, n = (F(v) for v in measures[m])
                items.append((npd_rating(a, t, n, m in LOWER_IS_BETTER), 2))
        grades[crit] = grade(items)
    return grades


# =============================================================================================
# Build

def build_followup():
    feb = _cases("F", FEBRUARY_ROWS)
    sep = _cases("S", SEPTEMBER_ROWS)
    plans = {}
    for name, plan in (("feb", FEB_PLAN), ("sep", SEP_PLAN)):
        plans[name] = plan_column(name, plan)

    answers: dict[str, dict[str, str]] = {q: {} for q in QUESTION_IDS}
    hr_quotes = {
        "feb": {"B1.start": (2, 10), "B1.review_16wk": (1, 10), "B1.incident": (0, 4),
                "B1.rmp_5days": (2, 10), "B1.management": (0, 10), "B3.plan_standards": (2, 10),
                "B3.interventions": (2, 10), "C1.frequency": (4, 10), "C2.interventions": (1, 10),
                "C2.victim": (2, 10), "C5.oversight": (0, 10), "D1.no_reconviction": (9, 10),
                "D4.matched_risk": (2, 10), "D4.matched_likelihood": (5, 10),
                "D4.efficient": (5, 10)},
        "sep": {"B1.start": (12, 12), "B1.incident": (3, 3), "B1.rmp_5days": (8, 12),
                "B1.management": (8, 12), "B3.plan_standards": (9, 12),
                "B3.interventions": (12, 12), "C1.frequency": (9, 12),
                "C2.interventions": (9, 12), "C2.victim": (9, 12), "C5.home_visits": (8, 12),
                "C5.oversight": (8, 12)},
    }
    # "with a further 27% being deemed poor" (B1.start, February); "with a third of them being
    # deemed poor" (B3.plan_standards, February): those are the `no` answers.
    no_counts = {("feb", "B1.start"): 8, ("feb", "B3.plan_standards"): 10}
    for name, cases in (("feb", feb), ("sep", sep)):
        layout = Layout(cases, name)
        for q, (m, d) in plans[name].items():
            applicable = layout.applicable(q)
            if d == 0:  # n/a for every case it could apply to
                for c in applicable:
                    layout.answers[q][c["id"]] = "n/a"
                continue
            layout.put(q, m, d, hr=hr_quotes[name].get(q), na_first=NA_PRIORITY.get(q),
                       no_count=no_counts.get((name, q)))
        for q in QUESTION_IDS:
            answers[q].update(layout.answers[q])
    return feb, sep, plans, answers, hr_quotes


def build_original():
    cases = _cases("O", original_rows())
    kept = [c for c in cases if c["order_type"] != "cpo"]
    cpo = [c for c in cases if c["order_type"] == "cpo"]
    interviewed = [c for c in cases if c["interviewed"]]
    layout = Layout(cases, "original")
    rng = random.Random(f"{SEED}-original-na")

    # which cases answer each question (n/a for a share of those it could apply to)
    answered: dict[str, dict[str, list[dict]]] = {}
    for q in QUESTION_IDS:
        groups = {}
        if q in OFFENDER_INTERVIEW:
            groups["x"] = interviewed
        else:
            groups["a"] = layout.applicable(q, kept)
            groups["x"] = layout.applicable(q, cpo)
        for g, pool in groups.items():
            share = ORIGINAL_NA.get(q, 0.0)
            k = round(share * len(pool))
            prio = NA_PRIORITY.get(q)
            ranked = sorted(pool, key=lambda c: (-(prio(c) if prio else 0), rng.random()))
            na = {c["id"] for c in ranked[:k]}
            for c in pool:
                if c["id"] in na:
                    layout.answers[q][c["id"]] = "n/a"
            groups[g] = [c for c in pool if c["id"] not in na]
        answered[q] = groups

    chosen: dict[str, tuple[int, int]] = {}  # criterion -> (M_a, M_x)
    for crit, (orig, adj, _, _) in PUBLISHED_CRITERIA.items():
        qs = [q for q in QUESTION_IDS if CRITERION_OF[q] == crit]
        Da = sum(len(answered[q].get("a", [])) for q in qs)
        Dx = sum(len(answered[q]["x"]) for q in qs)
        lo_a, hi_a = ORIGINAL_WINDOWS.get((crit, "adjusted"), interval(adj))
        lo_o, hi_o = ORIGINAL_WINDOWS.get((crit, "original"), interval(orig))
        best = None
        for Ma in range(Da + 1):
            va = F(Ma, Da)
            if not lo_a <= va < hi_a:
                continue
            for Mx in range(Dx + 1):
                vo = F(Ma + Mx, Da + Dx)
                if not lo_o <= vo < hi_o or not 0.15 <= Mx / Dx <= 0.97:
                    continue
                key = (abs(va - (lo_a + hi_a) / 2) + abs(vo - (lo_o + hi_o) / 2), Ma, Mx)
                if best is None or key < best[0]:
                    best = (key, Ma, Mx)
        if best is None:
            raise SystemExit(f"original: no totals for {crit}")
        _, Ma, Mx = best
        chosen[crit] = (Ma, Mx)
        for g, total in (("a", Ma), ("x", Mx)):
            counts = share_out(total, [(q, len(answered[q].get(g, []))) for q in qs if answered[q].get(g)],
                               PROFILE)
            for q, m in counts.items():
                group = answered[q][g]
                layout.put(q, m, len(group), cases=group)
    # offender interview questions for offenders not interviewed: blank (not answered)
    return cases, layout.answers, chosen


# =============================================================================================
# Writing

def write_csv(path: str, cases: list[dict], answers: dict, with_sample: bool, questions: list[str]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", *(["sample"] if with_sample else []), *ATTRIBUTES, *questions])
    for c in cases:
        row = [c["id"], *([c["sample"]] if with_sample else []), *(c[a] for a in ATTRIBUTES)]
        row += [answers[q].get(c["id"], "") for q in questions]
        writer.writerow(row)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(out.getvalue())


def _number(x) -> str:
    x = F(x)
    return str(x.numerator) if x.denominator == 1 else f"{float(x):g}"


def yaml_measures(measures: dict) -> str:
    lines = ["measures:"]
    for name, (a, t, n) in measures.items():
        lines.append(f"  {name}: {{actual: {_number(a)}, target: {_number(t)}, national_average: {_number(n)}}}")
    return "\n".join(lines)


def yaml_ratings(ratings: dict) -> str:
    lines = ["ratings:"]
    for item, rating in ratings.items():
        value = f'"{rating}"' if " " in rating else rating
        lines.append(f"  {item}: {value}")
    return "\n".join(lines)


def yaml_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_files(orig_cases, orig_answers, feb, sep, fu_answers) -> None:
    orig_questions = QUESTION_IDS
    write_csv(os.path.join(OUT, "original-cases.csv"), orig_cases, orig_answers, False, orig_questions)
    for c in feb:
        c["sample"] = "february"
    for c in sep:
        c["sample"] = "september"
    # the follow-up had no CPOs and no offender interviews: those columns are left out
    fu_questions = [q for q in QUESTION_IDS if q not in OFFENDER_INTERVIEW and q != "C1.cp_worked"]
    write_csv(os.path.join(OUT, "followup-cases.csv"), feb + sep, fu_answers, True, fu_questions)

    with open(os.path.join(OUT, "original.yaml"), "w", encoding="utf-8") as f:
        f.write(f"""\
# SYNTHETIC evidence: written by build_evidence.py (do not edit by hand; rerun the script).
# The original Effective Supervision Inspection of Hertfordshire (November 2003). The real case
# files are not public. These 72 invented cases (60 under supervision, 12 community punishment
# orders; 41 offenders interviewed) reproduce the report's "original" scores under esi-2003.esi
# and its "adjusted" scores under esi-2004-followup.esi. The item ratings and the target figures
# below are INVENTED too: the report publishes only the grades they led to.
inspection: "Hertfordshire Probation Area: Effective Supervision Inspection, November 2003 (synthetic cases)"
ruleset: ../../rulesets/esi-2003.esi
cases: original-cases.csv

# Invented, consistent with the original grades: A1 Poor, A2 Partly met, A3 Not met, A4 Not met,
# A5 Partly met, D3 Not met.
{yaml_ratings(ORIGINAL_RATINGS)}

# Invented figures against Home Office targets (not published in the report): every target
# missed by more than a tenth, i.e. rated weak by the bands `npd_rating`.
{yaml_measures(ORIGINAL_MEASURES)}
""")

    with open(os.path.join(OUT, "followup.yaml"), "w", encoding="utf-8") as f:
        f.write(f"""\
# SYNTHETIC evidence: written by build_evidence.py (do not edit by hand; rerun the script).
# The follow-up inspection of Hertfordshire (November 2004). The real case files are not public.
# These 60 invented cases (30 commencing February 2004, 30 commencing September 2004; no
# community punishment orders, no offender interviews) reproduce every figure of the report's
# scoring summary sheet for the two samples and the question-level percentages its text quotes.
inspection: "Hertfordshire Probation Area: ESI follow-up inspection, November 2004 (synthetic cases)"
ruleset: ../../rulesets/esi-2004-followup.esi
cases: followup-cases.csv

# Ratings of the evidence items, read from the report's findings under each criterion.
{yaml_ratings(FOLLOWUP_RATINGS)}

# The report's table under A1: NPD data for April to September 2004 (percentages; sickness
# absence in days).
{yaml_measures(FOLLOWUP_MEASURES)}

# Rated by the bands `npd_rating`, four of A1's eight targets are weak (DTTO starts, sickness
# absence, PSR timeliness, basic skills awards), so the grading gives "Not met". The report
# grades A1 "Partly met": the lead inspector's discretion, recorded here.
adjustments:
  - criterion: {A1_ADJUSTMENT['criterion']}
    grade: {A1_ADJUSTMENT['grade']}
    by: {A1_ADJUSTMENT['by']}
    reason: {yaml_quote(A1_ADJUSTMENT['reason'])}
""")

    with open(os.path.join(OUT, "summary.yaml"), "w", encoding="utf-8") as f:
        f.write("""\
# The report's scoring summary sheet, rebuilt from the synthetic evidence (see README.md).
title: "Scoring summary sheet: Hertfordshire follow-up (synthetic cases reproducing the published figures)"
columns:
  - {label: Original, evidence: original.yaml, ruleset: ../../rulesets/esi-2003.esi}
  - {label: Adjusted, evidence: original.yaml, ruleset: ../../rulesets/esi-2004-followup.esi}
  - {label: Feb, evidence: followup.yaml, sample: february}
  - {label: Sept, evidence: followup.yaml, sample: september}
""")


# =============================================================================================
# Checking every figure

# Question-level figures quoted in the report's text: (sample, question) -> percent, and the
# figures quoted for the high risk of harm cases of a sample.
QUOTED = {
    "feb": {"B1.start": 30, "B1.review_16wk": 10, "B1.incident": 20, "B1.plan_match": 63,
            "B1.rmp_5days": 20, "B1.management": 0, "B2.content": 70, "B3.plan_standards": 27,
            "B3.smart": 27, "B3.interventions": 57, "B3.diversity": 63, "B3.requirements": 63,
            "B3.plan_shared": 67, "B3.rmp_integrated": 10, "B3.liaison": 24, "B4.organised": 73,
            "B4.recording": 67, "C1.frequency": 30, "C1.home_visit": 27, "C1.seen_by_staff": 97,
            "C1.attendance": 70, "C1.absences": 68, "C2.interventions": 57, "C2.review_16wk": 13,
            "C2.smart_review": 27, "C2.mappa_review": 10, "C2.reintegration": 72, "C2.victim": 47,
            "C3.literacy": 75, "C3.diversity": 80, "C4.responsivity": 63, "C4.pre_release": 30,
            "C5.match": 63, "C5.home_visits": 33, "C5.changes": 29, "C5.child_protection": 25,
            "C5.interagency_plan": 10, "C5.oversight": 0, "C5.swift_action": 40,
            "D1.no_reconviction": 93, "D1.progress": 57, "D1.attitude": 43, "D1.risk_reduced": 20,
            "D1.risk_contained": 50, "D1.community_ties": 50, "D1.learning_applied": 46,
            "D2.reintegration": 54, "D2.mainstream": 50, "D4.matched_risk": 66,
            "D4.matched_likelihood": 75, "D4.efficient": 66},
    "sep": {"B1.start": 80, "B1.incident": 71, "B1.plan_match": 97, "B1.rmp_5days": 67,
            "B1.management": 67, "B2.content": 96, "B3.plan_standards": 83, "B3.smart": 50,
            "B3.interventions": 100, "B3.diversity": 96, "B3.requirements": 97,
            "B3.plan_shared": 97, "B3.rmp_integrated": 33, "B3.liaison": 76, "B4.organised": 100,
            "B4.recording": 100, "C1.frequency": 83, "C1.home_visit": 71, "C1.seen_by_staff": 100,
            "C1.attendance": 90, "C1.absences": 91, "C2.interventions": 83, "C2.reintegration": 92,
            "C2.victim": 55, "C3.literacy": 81, "C3.diversity": 100, "C4.responsivity": 100,
            "C4.pre_release": 100, "C5.match": 97, "C5.home_visits": 67, "C5.changes": 56,
            "C5.child_protection": 75, "C5.interagency_plan": 50, "C5.oversight": 67},
}
QUOTED_HR = {
    "feb": {"B1.start": 20, "B1.review_16wk": 10, "B1.incident": 0, "B3.plan_standards": 20,
            "B3.interventions": 20, "C1.frequency": 40, "C2.interventions": 10, "C2.victim": 20,
            "D1.no_reconviction": 90, "D4.matched_risk": 20, "D4.matched_likelihood": 50,
            "D4.efficient": 50},
    "sep": {"B1.start": 100, "B1.incident": 100, "B3.plan_standards": 75, "B3.interventions": 100,
            "C1.frequency": 75, "C2.interventions": 75, "C2.victim": 75},
}


def check(orig_cases, orig_answers, feb, sep, fu_answers) -> int:
    failures = 0

    def line(what: str, planned, published, exact=None) -> None:
        nonlocal failures
        ok = planned == published
        failures += not ok
        extra = f"  (exact {exact})" if exact is not None else ""
        print(f"  {'ok ' if ok else 'BAD'} {what:<42} planned {planned!s:>18}  published {published}{extra}")

    def fmt(v):
        return f"{float(v) * 100:.4f}% = {v.numerator}/{v.denominator}" if v is not None else "n/c"

    all_q = QUESTION_IDS
    kept_q = [q for q in QUESTION_IDS if q not in OFFENDER_INTERVIEW]
    sep_q = [q for q in QUESTION_IDS if CRITERION_OF[q][0] in "BC" and q not in SEPTEMBER_NOT_ASKED
             and q not in OFFENDER_INTERVIEW]
    feb_q = kept_q
    columns = {
        "original": score_column(orig_cases, orig_answers, all_q),
        "adjusted": score_column([c for c in orig_cases if c["order_type"] != "cpo"], orig_answers, kept_q),
        "feb": score_column(feb, fu_answers, feb_q),
        "sep": score_column(sep, fu_answers, sep_q),
    }
    for i, col in enumerate(COLUMNS):
        _, criteria, sections, overall = columns[col]
        print(f"\n{col}:")
        for crit, figures in PUBLISHED_CRITERIA.items():
            value = criteria[crit] if (col != "sep" or crit[0] != "D") else None
            shown = pct(value) if value is not None else None
            line(f"{crit}", shown, figures[i], fmt(value))
        for s, figures in PUBLISHED_SECTIONS.items():
            value = sections[s] if (col != "sep" or s != "D") else None
            line(f"section {s}", pct(value) if value is not None else None, figures[i], fmt(value))
        value = overall if col != "sep" else None
        line("overall (sections B-D)", pct(value) if value is not None else None, PUBLISHED_OVERALL[i], fmt(value))

    print("\ndescriptive criteria:")
    original_grades = descriptive_grades(ORIGINAL_RATINGS, ORIGINAL_MEASURES)
    followup_grades = descriptive_grades(FOLLOWUP_RATINGS, FOLLOWUP_MEASURES)
    for crit, (orig, fu) in PUBLISHED_GRADES.items():
        line(f"{crit} original", original_grades[crit], orig)
        computed = followup_grades[crit]
        final = A1_ADJUSTMENT["grade"] if crit == A1_ADJUSTMENT["criterion"] else computed
        note = f" (computed {computed}, adjusted by the lead inspector)" if final != computed else ""
        line(f"{crit} follow-up{note}", final, fu)
    if followup_grades["A1"] == "Partly met":
        print("  BAD A1 adjustment is not needed: remove it")
        failures += 1

    print("\nquestion-level figures quoted in the report:")
    for col, cases in (("feb", feb), ("sep", sep)):
        t = tally(cases, fu_answers, QUESTION_IDS)
        hr_t = tally([c for c in cases if HR(c)], fu_answers, QUESTION_IDS)
        for q, p in QUOTED[col].items():
            m, d = t[q]
            line(f"{col} {q}", pct(F(m, d)) if d else None, p, f"{m}/{d}")
        for q, p in QUOTED_HR[col].items():
            m, d = hr_t[q]
            line(f"{col} {q} (high risk of harm)", pct(F(m, d)) if d else None, p, f"{m}/{d}")
    both = tally(feb + sep, fu_answers, ["B1.plan_match"])["B1.plan_match"]
    line("both samples B1.plan_match", pct(F(*both)), 80, f"{both[0]}/{both[1]}")
    # complements and counts the text gives
    t = tally(feb, fu_answers, QUESTION_IDS)
    poor = sum(fu_answers["B1.start"].get(c["id"]) == "no" for c in feb)
    line("feb B1.start deemed poor ('no')", pct(F(poor, t["B1.start"][1])), 27, f"{poor}/{t['B1.start'][1]}")
    poor = sum(fu_answers["B3.plan_standards"].get(c["id"]) == "no" for c in feb)
    line("feb B3.plan_standards poor ('no'): a third", F(poor, t["B3.plan_standards"][1]), F(1, 3))
    reconvicted = t["D1.no_reconviction"][1] - t["D1.no_reconviction"][0]
    line("feb reconvicted (7%)", pct(F(reconvicted, t["D1.no_reconviction"][1])), 7)
    for col, cases, q, p in (("feb", feb, "B3.liaison", 76), ("sep", sep, "B3.liaison", 24),
                             ("feb", feb, "C1.home_visit", 73), ("sep", sep, "C1.home_visit", 29),
                             ("feb", feb, "C5.swift_action", 60)):
        m, d = tally(cases, fu_answers, [q])[q]
        line(f"{col} {q} not met (complement)", pct(F(d - m, d)), p, f"{d - m}/{d}")
    m, d = tally([c for c in feb if HR(c)], fu_answers, ["C1.frequency"])["C1.frequency"]
    line("feb C1.frequency HR not matching risk", pct(F(d - m, d)), 60, f"{d - m}/{d}")
    m, d = tally([c for c in sep if HR(c)], fu_answers, ["C1.frequency"])["C1.frequency"]
    line("sep C1.frequency HR not matching risk", pct(F(d - m, d)), 25, f"{d - m}/{d}")

    print("\nconsistency of the evidence:")
    problems = consistency(orig_cases, orig_answers, feb, sep, fu_answers)
    for p in problems:
        print("  BAD", p)
    if not problems:
        print("  ok  no answer to a question that does not apply, none outside its sample")
    failures += len(problems)
    return failures


def consistency(orig_cases, orig_answers, feb, sep, fu_answers) -> list[str]:
    problems = []
    for cases, answers in ((orig_cases, orig_answers), (feb + sep, fu_answers)):
        for c in cases:
            for q in QUESTION_IDS:
                a = answers[q].get(c["id"], "")
                applies = APPLIES[q]
                if a and applies is not None and not applies(c):
                    problems.append(f"{c['id']} answers {q} ({a}), which does not apply to it")
    for c in feb + sep:
        for q in OFFENDER_INTERVIEW | {"C1.cp_worked"}:
            if fu_answers[q].get(c["id"], ""):
                problems.append(f"{c['id']}: follow-up answer to {q}")
    for c in sep:
        for q in QUESTION_IDS:
            if (q in SEPTEMBER_NOT_ASKED or CRITERION_OF[q][0] == "D") and fu_answers[q].get(c["id"], ""):
                problems.append(f"{c['id']}: September answer to {q}, not asked of that sample")
    for c in orig_cases:
        for q in OFFENDER_INTERVIEW:
            if orig_answers[q].get(c["id"], "") and not c["interviewed"]:
                problems.append(f"{c['id']}: offender interview answer, offender not interviewed")
    return problems


def main() -> int:
    global OUT
    args = sys.argv[1:]
    if args[:1] == ["--out"] and len(args) == 2:
        OUT = args[1]
        os.makedirs(OUT, exist_ok=True)
    elif args:
        print("usage: python build_evidence.py [--out DIR]", file=sys.stderr)
        return 2
    feb, sep, _, fu_answers, _ = build_followup()
    orig_cases, orig_answers, _ = build_original()
    write_files(orig_cases, orig_answers, feb, sep, fu_answers)
    failures = check(orig_cases, orig_answers, feb, sep, fu_answers)
    print()
    if failures:
        print(f"FAILED: {failures} figure(s) disagree with the report")
        return 1
    print("All figures agree with the report. Wrote original.yaml, original-cases.csv, followup.yaml, "
          "followup-cases.csv, summary.yaml")
    return 0


if __name__ == "__main__":
    sys.exit(main())
