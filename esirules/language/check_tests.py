"""Check the tests written in a ruleset: `test` declarations in, model tests out.

A test gives evidence (ratings, answers, target data, adjustments) and expects values the
ruleset computes: a criterion's score or grade, an item's rating, the value a set of bands gives
a figure, a section's or the overall's score or grade. This module checks that each name and
value exists and fits (R080, R030, R033); `check_test_needs` then finds expectations the
evidence given cannot compute (R081). A new kind of target (outcomes) is one more branch of
`_expectation` and of `check_test_needs.gaps_of`.
"""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction

from esirules.diagnostics import did_you_mean
from esirules.language import model as m
from esirules.language import syntax as s
from esirules.language.check_facts import BANDED, criterion_ladder, own_ladder, test_facts
from esirules.language.check_test_needs import Given, RulesetParts, gaps_of, report_gaps
from esirules.language.context import CheckContext
from esirules.language.limits import MAX_TEST_ANSWERS
from esirules.span import Span


def check_test(ctx: CheckContext, d: s.TestDecl, parts: RulesetParts) -> m.RulesetTest | None:
    criteria = {c.id: c for section in parts.sections for c in section.criteria}
    tested = None
    if d.criterion is not None:
        tested = criteria.get(d.criterion.text)
        if tested is None:
            ctx.unknown("criterion", d.criterion, criteria)
            # The rest is checked against the whole ruleset, so that its other mistakes are
            # found in the same run; what would need the criterion is left unsaid.
            _TestChecker(ctx, d, parts, criteria, None, target_unknown=True).check()
            return None
    checker = _TestChecker(ctx, d, parts, criteria, tested)
    return checker.check()


# `expect section B total 9`: the figures of a total or mean of grades (issue 11, point 1).
FIGURES = frozenset({"total", "mean", "rated"})

class _TestChecker:
    def __init__(
        self,
        ctx: CheckContext,
        d: s.TestDecl,
        parts: RulesetParts,
        criteria: dict[str, m.Criterion],
        tested: m.Criterion | None,
        *,
        target_unknown: bool = False,
    ):
        self.ctx, self.d, self.parts, self.criteria, self.tested = ctx, d, parts, criteria, tested
        self.target_unknown = target_unknown  # (its `criterion` line names no criterion: reported)
        self.ok = not target_unknown
        self.items = {i.id: i for c in (tested,) if c for i in c.items} if tested else {
            i.id: i for c in criteria.values() for i in c.items
        }
        self.questions = {q.id: q for q in tested.answered()} if tested else {
            q.id: q for c in criteria.values() for q in c.answered()
        }
        self.scope = f" in criterion {tested.id}" if tested else ""

    def check(self) -> m.RulesetTest | None:
        ratings = self._ratings()
        answers = self._answers()
        measures = self._measures()
        adjustments = self._adjustments()
        facts = test_facts(self.ctx, self.d.facts)
        if len(facts) < len(self.d.facts):
            self.ok = False
        carried = self._carried(ratings, answers)
        if not self.d.expectations:
            self.ctx.error("R080", f"the test \"{self.d.name.text}\" expects nothing", self.d.span,
                           "add a line such as `expect grade \"Partly met\"` or `expect criterion B4 score 70%`")
            self.ok = False
        given = Given(
            frozenset(item for item, _ in ratings),
            frozenset(item for item, value in ratings if value != self._na(self._item_scale(self.items[item]))),
            frozenset(question for question, _, count in answers if count > 0),
            frozenset(
                question for question, value, count in answers
                if count > 0 and value != self._na(self.ctx.scales.get(self.questions[question].scale))
            ),
            frozenset(name for name, *_ in measures),
            frozenset(f"{c.level} {c.id}" for c in carried),
        )
        # What is missing is asked only of evidence that checked: after a misspelt name, the
        # evidence it meant to give would be reported missing too.
        evidence_ok = self.ok
        expectations = []
        for node in self.d.expectations:
            expectation = self._expectation(node)
            if expectation is None:
                self.ok = False
                continue
            gaps = gaps_of(expectation, self.parts, given) if evidence_ok else []
            if gaps:
                report_gaps(self.ctx, expectation, gaps, self.parts)
                self.ok = False
            expectations.append(expectation)
        if not self.ok:
            return None
        return m.RulesetTest(
            self.d.name.text, self.tested.id if self.tested else None, tuple(ratings), tuple(answers),
            tuple(measures), tuple(adjustments), tuple(expectations), tuple(carried), span=self.d.span, facts=facts,
        )

    # --- evidence given -------------------------------------------------------------------

    def _ratings(self) -> list[tuple[str, str]]:
        ratings: list[tuple[str, str]] = []
        for item, value in self.d.ratings:
            found = self.items.get(item.text)
            if found is None:
                self.ctx.unknown(f"item{self.scope}", item, self.items, declared_as="item")
                self.ok = False
                continue
            if found.measure is not None:
                self.ctx.error(
                    "R080", f"item {found.id} is rated from measure {found.measure}, not by hand", item.span,
                    f"give its target data: `given measure {found.measure}: actual ..., target ..., "
                    "national average ...`",
                )
                self.ok = False
                continue
            if any(known == found.id for known, _ in ratings):
                self.ctx.error("R080", f"the test rates item {found.id} twice", item.span, "keep one rating")
                self.ok = False
                continue
            scale = self._item_scale(found)
            if scale is not None and self.ctx.on_scale(value, scale, allow_na=True) is None:
                self.ok = False
            ratings.append((found.id, value.text))
        return ratings

    def _answers(self) -> list[tuple[str, str, int]]:
        answers = []
        for question, value, count in self.d.answers:
            found = self.questions.get(question.text)
            if found is None:
                self.ctx.unknown(f"question{self.scope}", question, self.questions, declared_as="question")
                self.ok = False
                continue
            scale = self.ctx.scales.get(found.scale)
            if scale is not None and self.ctx.on_scale(value, scale, allow_na=True) is None:
                self.ok = False
            if count > MAX_TEST_ANSWERS:
                self.ctx.error("R080", f"the test gives {count:,} answers `{value.text}` to question {question.text}; a "
                               f"test may give at most {MAX_TEST_ANSWERS:,} of one answer", value.span,
                               "give as many as make the figure the test checks, such as `yes x24, no x13`")
                self.ok = False
            answers.append((question.text, value.text, count))
        return answers

    def _measures(self) -> list[tuple[str, Fraction, Fraction, Fraction]]:
        measures: list[tuple[str, Fraction, Fraction, Fraction]] = []
        for name, actual, target, national in self.d.measures:
            if name.text not in self.ctx.measures:
                self.ctx.unknown("measure", name, self.ctx.measures)
                self.ok = False
                continue
            if any(known == name.text for known, *_ in measures):
                self.ctx.error("R080", f"the test gives target data for measure {name.text} twice", name.span,
                               "keep one `given measure` line for it")
                self.ok = False
                continue
            measures.append((name.text, actual.number or Fraction(0), target.number or Fraction(0),
                             national.number or Fraction(0)))
        return measures

    def _adjustments(self) -> list[m.TestAdjustment]:
        adjustments: list[m.TestAdjustment] = []
        for node in self.d.adjustments:
            criterion = self._criterion_named(node.criterion, node.span, "the adjustment")
            if criterion is None:
                self.ok = False
                continue
            ladder = criterion_ladder(self.ctx, criterion)
            if ladder is not None and self.ctx.on_scale(node.grade, ladder) is None:
                self.ok = False
            if not criterion.allows_adjustment:
                self.ctx.error("R080", f"criterion {criterion.id} does not allow adjustment", node.grade.span,
                               "add `allows adjustment` to the criterion, or remove the adjustment")
                self.ok = False
            elif any(a.criterion == criterion.id for a in adjustments):
                self.ctx.error("R080", f"the test adjusts criterion {criterion.id} twice", node.span,
                               "keep one adjustment")
                self.ok = False
            adjustments.append(
                m.TestAdjustment(criterion.id, node.grade.text, node.by.text, node.reason.text, span=node.span)
            )
        return adjustments

    def _carried(self, ratings: list[tuple[str, str]], answers: list[tuple[str, str, int]]) -> list[m.TestCarried]:
        """`given carried forward section safe "Good"` (issue 11, point 6): R144, R145, and R033 for a grade off its ladder."""
        carried: list[m.TestCarried] = []
        sections = {s.id: s for s in self.parts.sections}
        given = {item for item, _ in ratings} | {question for question, _, count in answers if count > 0}
        for node in self.d.carried:
            level: m.Criterion | m.Section | None = None
            if node.subject == "overall" or node.name is None:
                self.ctx.error("R144", "the overall cannot be carried forward", node.span,
                               "carry forward a criterion or section instead")
            elif node.subject == "criterion":
                level = self.criteria.get(node.name.text)
                if level is None:
                    self.ctx.unknown("criterion", node.name, self.criteria)
            else:
                level = sections.get(node.name.text)
                if level is None:
                    self.ctx.unknown("section", node.name, sections)
            if level is None or node.name is None:
                self.ok = False
                continue
            what = f"{node.subject} {level.id}"
            if level.carry_forward is None:
                self.ctx.error("R144", f"{what} may not carry forward an earlier grade", node.name.span,
                               f"add `may carry forward for ...` to {what}, or give evidence for it instead")
                self.ok = False
                continue
            ladder = criterion_ladder(self.ctx, level) if isinstance(level, m.Criterion) else (
                aggregate_ladder(self.ctx, level.grade, level.criteria) if level.grade is not None else None
            )
            if ladder is not None and self.ctx.on_scale(node.grade, ladder) is None:
                self.ok = False
                continue
            criteria = level.criteria if isinstance(level, m.Section) else (level,)
            inspected = [n for c in criteria for n in (*(i.id for i in c.items), *(q.id for q in c.questions)) if n in given]
            twice = any(c.level == node.subject and c.id == level.id for c in carried)
            if twice or inspected:
                words = f"the test carries {what} forward twice" if twice else (
                    f"the test carries {what} forward and also gives evidence for it (`{inspected[0]}`)"
                )
                self.ctx.error("R145", words, node.span, "a level carried forward is not inspected; keep one")
                self.ok = False
                continue
            source = "" if node.source is None else node.source.text
            carried.append(m.TestCarried(node.subject, level.id, node.grade.text, source, span=node.span))  # type: ignore[arg-type]
        return carried

    def _criterion_named(self, name: s.Name | None, span: Span, what: str) -> m.Criterion | None:
        """The criterion `name` says, or the test's own when there is no name."""
        if name is None:
            if self.tested is None and not self.target_unknown:
                self.ctx.error(
                    "R080", f"the test \"{self.d.name.text}\" does not say which criterion {what} is about",
                    span,
                    "add a line such as `criterion B4` to the test, or name the criterion here",
                )
            return self.tested
        found = self.criteria.get(name.text)
        if found is None:
            self.ctx.unknown("criterion", name, self.criteria)
        return found

    # --- expectations ---------------------------------------------------------------------

    def _expectation(self, e: s.Expect) -> m.Expectation | None:
        if e.subject in ("", "criterion"):
            return self._of_criterion(e)
        if e.subject == "item":
            return self._of_item(e)
        if e.subject == "bands":
            return self._of_bands(e)
        if e.subject == "judgement":
            return self._of_judgement(e)
        if e.subject == "outcome":
            return self._of_outcome(e)
        return self._of_aggregate(e)

    def _of_judgement(self, e: s.Expect) -> m.Expectation | None:
        """`expect judgement B1.x: sufficient x2, insufficient`: the cases it rates each value."""
        assert e.name is not None
        within = (self.tested,) if self.tested else tuple(self.criteria.values())
        judgements = {q.id: q for c in within if c for q in c.questions if q.judgement is not None}
        judgement = judgements.get(e.name.text)
        if judgement is None:
            self.ctx.unknown(f"judgement{self.scope}", e.name, judgements, declared_as="question")
            return None
        scale = self.ctx.scales.get(judgement.scale)
        if scale is None:
            return None
        counts: dict[str, int] = {}
        for value, times in e.counts:
            rating = self.ctx.on_scale(value, scale)
            if rating is None:
                return None
            if rating in counts:
                self.ctx.error("R158", f"`{rating}` is counted twice in what the judgement is expected to give",
                               value.span, f"give each rating once, with how many cases: `{rating} x3`")
                return None
            counts[rating] = times
        return m.Expectation("judgement", judgement.id, "value", e.value.text,
                             value=ratings_text({v: counts.get(v, 0) for v in scale.values}), span=e.span)

    def _of_outcome(self, e: s.Expect) -> m.Expectation | None:
        assert e.name is not None
        outcome = next((o for o in self.parts.outcomes if o.name == e.name.text), None)
        if outcome is None:
            self.ctx.unknown("outcome", e.name, [o.name for o in self.parts.outcomes])
            return None
        if e.value.text not in outcome.values:
            self.ctx.error(
                "R130", f"`{e.value.text}` is not a value of the outcome `{outcome.name}`", e.value.span,
                did_you_mean(e.value.text, outcome.values, listing=False)
                or "its values are " + ", ".join(f"`{v}`" for v in outcome.values),
            )
            return None
        return m.Expectation("outcome", outcome.name, "value", e.value.text, value=e.value.text, span=e.span)

    def _of_criterion(self, e: s.Expect) -> m.Expectation | None:
        criterion = self._criterion_named(e.name, e.span, f"`expect {e.what}`")
        if criterion is None:
            return None
        about = [("criterion", criterion.id)]
        if e.what in FIGURES:
            self.ctx.error("R116", f"a criterion has no {e.what} of its own, so a test cannot expect one", e.span,
                           f"expect its grade, or the {e.what} of a section or the overall graded by a total or mean")
            return None
        if e.what == "score":
            if criterion.kind != "numerical":
                self.ctx.error("R080", f"criterion {criterion.id} is graded, not scored, so a test cannot expect "
                               "its score", e.span, "expect its grade: `expect grade \"...\"`", about=about)
                return None
            return self._score(e, "criterion", criterion.id)
        if criterion.grading is None:
            # Only if its grading was not misspelt: then the advice to expect a score would be wrong.
            self.ctx.error("R080", f"criterion {criterion.id} is not graded, so a test cannot expect a grade",
                           e.value.span, "expect a score instead: `expect score 75%`", about=about)
            return None
        ladder = criterion_ladder(self.ctx, criterion)
        if ladder is None or self.ctx.on_scale(e.value, ladder) is None:
            return None
        return m.Expectation("criterion", criterion.id, "grade", e.value.text, value=e.value.text, span=e.span)

    def _of_item(self, e: s.Expect) -> m.Expectation | None:
        assert e.name is not None
        item = self.items.get(e.name.text)
        if item is None:
            self.ctx.unknown(f"item{self.scope}", e.name, self.items, declared_as="item")
            return None
        scale = self._item_scale(item)
        if scale is None or self.ctx.on_scale(e.value, scale, allow_na=True) is None:
            return None
        return m.Expectation("item", item.id, "rating", e.value.text, value=e.value.text, span=e.span)

    def _of_bands(self, e: s.Expect) -> m.Expectation | None:
        assert e.name is not None and e.figure is not None
        if e.name.text not in self.ctx.bands:
            self.ctx.unknown("set of bands", e.name, self.ctx.bands)
            return None
        bands = next((b for b in self.parts.bands if b.name == e.name.text), None)
        if bands is None:  # its own check failed, and was reported there
            return None
        figure = e.figure
        reads = sorted({t.figure for b in bands.bands for t in b.tests})
        gives = {"score": {"score"}, "total": {"total"}, "measure": {"performance", "actual"}}[figure.figure]
        wrong = [f for f in reads if f not in gives]
        if wrong:
            named = " and ".join(f"`{f}`" for f in reads)
            self.ctx.error(
                "R080", f"bands {bands.name} read {named}, which `for {figure.figure}` does not give", figure.span,
                "bands on target data are given a measure: `for measure NAME` (and `given measure NAME: ...`)"
                if "performance" in wrong or "actual" in wrong else f"write `for {wrong[0]} ...`",
            )
            return None
        if figure.figure == "measure":
            assert figure.measure is not None
            if figure.measure.text not in self.ctx.measures:
                self.ctx.unknown("measure", figure.measure, self.ctx.measures)
                return None
        scale = self.ctx.scales.get(bands.scale)
        if scale is None or self.ctx.on_scale(e.value, scale) is None:
            return None
        number = None if figure.number is None else figure.number.number
        if figure.figure != "measure" and number is None:
            return None
        return m.Expectation(
            "bands", bands.name, "value", e.value.text, value=e.value.text, figure=figure.figure,  # type: ignore[arg-type]
            number=number, measure=figure.measure.text if figure.measure else None, span=e.span,
        )

    def _of_aggregate(self, e: s.Expect) -> m.Expectation | None:
        if e.subject == "section":
            assert e.name is not None
            sections = {section.id: section for section in self.parts.sections}
            section = sections.get(e.name.text)
            if section is None:
                self.ctx.unknown("section", e.name, sections)
                return None
            owner, score, grade, target_id = f"section {section.id}", section.score, section.grade, section.id
        else:
            overall = self.parts.overall
            if overall is None:
                self.ctx.error("R080", "the ruleset has no overall, so a test cannot expect it", e.span,
                               "expect a section's or a criterion's figure, or add an `overall` block")
                return None
            owner, score, grade, target_id = "the overall", overall.score, overall.grade, "overall"
        target: m.TargetKind = "section" if e.subject == "section" else "overall"
        if e.what in FIGURES:
            if grade is None or grade.kind not in ("sum_banded", "mean_banded"):
                self.ctx.error("R116", f"{owner} is not graded by a total or mean of grades, so a test cannot "
                               f"expect its {e.what}", e.span,
                               "expect its grade, or grade it by one: `grade: sum of criteria banded by totals`")
                return None
            if e.value.number is None:
                return None
            return m.Expectation(target, target_id, e.what, e.value.text, score=e.value.number, span=e.span)  # type: ignore[arg-type]
        if e.what == "score":
            if score is None:
                self.ctx.error("R080", f"{owner} has no score, so a test cannot expect one", e.span,
                               "expect its grade" if grade is not None else "it needs a `score:` line first")
                return None
            return self._score(e, target, target_id)
        if grade is None:
            self.ctx.error("R080", f"{owner} has no grade, so a test cannot expect one", e.span,
                           "expect its score" if score is not None else "it needs a `grade:` line first")
            return None
        scale = aggregate_ladder(self.ctx, grade, self.criteria.values())
        if scale is not None and self.ctx.on_scale(e.value, scale) is None:
            return None
        return m.Expectation(target, target_id, "grade", e.value.text, value=e.value.text, span=e.span)

    def _score(self, e: s.Expect, target: m.TargetKind, target_id: str) -> m.Expectation | None:
        number = e.value.number
        if number is None:
            if "/" in e.value.text:
                self.ctx.error("R080", "the expected score divides by zero", e.value.span, None)
            return None
        if not 0 <= number <= 1:  # (a score is a share of what could be met: a typo, never passing)
            self.ctx.error("R080", f"a score lies between 0% and 100%, so no score is {e.value.text}", e.value.span,
                           "check the figure expected: `expect score 75%`, or a fraction such as `3/4`")
            return None
        places = None
        if e.value.text.endswith("%"):
            digits = e.value.text[:-1]
            places = len(digits.split(".")[1]) if "." in digits else 0
        return m.Expectation(target, target_id, "score", e.value.text, score=number, places=places, span=e.span)

    # --- scales -----------------------------------------------------------------------------

    def _item_scale(self, item: m.Item) -> m.Scale | None:
        grading = self.ctx.gradings.get(self.criteria[item.criterion].grading or "")
        return self.ctx.scales.get(grading.item_scale.text) if grading and grading.item_scale else None

    @staticmethod
    def _na(scale: m.Scale | None) -> str | None:
        return None if scale is None else scale.not_applicable


def ratings_text(counts: dict[str, int]) -> str:
    """How many cases each rating, as a test writes it, best first, leaving out ratings of no case:
    `sufficient x2, insufficient x1`; `no case rated` when there are none."""
    return ", ".join(f"{value} x{n}" for value, n in counts.items() if n) or "no case rated"


def aggregate_ladder(ctx: CheckContext, grade: m.Aggregate, criteria: Iterable[m.Criterion]) -> m.Scale | None:
    """The ladder an aggregate's grade is on (None when it cannot be told here)."""
    if grade.kind in BANDED or grade.kind == "graded_over":
        return own_ladder(ctx, grade)
    # `lowest of`: the grade of a member, on the members' ladder when the ruleset has one.
    ladders = {ladder.name: ladder for c in criteria if (ladder := criterion_ladder(ctx, c))}
    return next(iter(ladders.values())) if len(ladders) == 1 else None
