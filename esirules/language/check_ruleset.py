"""Check one ruleset's declarations (its parent's merged in): syntax tree in, resolved model out.

The order matters and is fixed here: a derived ruleset's statements (`replace`, `remove`,
`change`, `add to`) are applied first (check_derivation), then vocabularies (every later
declaration may use them, wherever they are written), then gradings, bands and points, sections, the overall, outcomes, samples,
exclusions, tests and the weights across sections; then the analysis of the model (`analysis`). Each concern has its own module; they
report through the checking context (`context.CheckContext`).
"""

from __future__ import annotations

import os

from esirules.language import model as m
from esirules.language import syntax as s
from esirules.language.analysis import analyse
from esirules.language.check_derivation import apply_derivations
from esirules.language.check_facts import check_fact, check_fact_names, unused_facts
from esirules.language.check_gradings import check_bands, check_grading, check_points
from esirules.language.check_outcomes import check_outcomes
from esirules.language.check_structure import (
    check_exclusions,
    check_overall,
    check_sample,
    check_section,
    check_weights,
)
from esirules.language.check_test_needs import RulesetParts
from esirules.language.check_tests import check_test
from esirules.language.check_vocabulary import check_rounding, check_vocabulary
from esirules.language.context import CheckContext
from esirules.language.facts import facts_missing
from esirules.span import Span

_HEADER_KINDS = (s.RulesetHeader, s.Title, s.Description, s.Extends)
_KEYWORDS = {s.Title: "title", s.Rounding: "rounding", s.AnswersDefault: "answers on"}


def merge(parent: tuple[s.Declaration, ...], child: tuple[s.Declaration, ...]) -> tuple[s.Declaration, ...]:
    """The parent's declarations (less its header) followed by the child's own."""
    inherited = tuple(d for d in parent if not isinstance(d, _HEADER_KINDS))
    return inherited + tuple(child)


def _twice_not_applying(ctx: CheckContext, own: tuple[s.Declaration, ...]) -> None:
    """R160: `answers to questions that do not apply` declared more than once in one file."""
    found = [d for d in own if isinstance(d, s.AnswersNotApplying)]
    for again in found[1:]:
        first = found[0]
        was, now = (m.AnswersNotApplying(d.choice).words() for d in (first, again))  # type: ignore[arg-type]
        ctx.error(
            "R160",
            f"`answers to questions that do not apply` is declared twice (`{was}` at line {first.span.line},"
            f" `{now}` here)",
            again.span,
            f"keep one of the two lines ({first.span.line} and {again.span.line}): the ruleset makes one choice",
        )


def check_ruleset(
    ctx: CheckContext,
    tree: s.RulesetFile,
    inherited: tuple[s.Declaration, ...],
    parent: m.Ruleset | None,
    content_hash: str,
) -> m.Ruleset:
    own = tree.declarations
    extends = any(isinstance(d, s.Extends) for d in own)
    declarations = apply_derivations(ctx, merge(inherited, own), extends)
    ctx.resolved = declarations
    headers = [d for d in own if isinstance(d, s.RulesetHeader)]
    if not headers:
        ctx.error(
            "R001",
            "the file does not say which ruleset it is",
            Span(ctx.path, 1, 1, 1, 1),
            'start the file with a line such as `ruleset "esi-2003" version "2003"`',
        )
    for extra in headers[1:]:
        ctx.error("R002", "the `ruleset` line appears more than once", extra.span, "keep only the first")
    for kind, keyword in _KEYWORDS.items():
        for repeated in [d for d in own if isinstance(d, kind)][1:]:
            ctx.error("R002", f"`{keyword}` is given more than once", repeated.span, "keep only one")
    header = headers[0] if headers else None
    name = header.name.text if header else os.path.basename(ctx.path)
    version = header.version.text if header and header.version else ""
    titles = [d for d in own if isinstance(d, s.Title)]
    descriptions = [d for d in own if isinstance(d, s.Description)]
    title = titles[0].text.line if titles else (parent.title if parent else name)
    description = descriptions[0].text.text if descriptions else (parent.description if parent else "")

    _twice_not_applying(ctx, own)
    rounding = m.Rounding()
    not_applying = m.AnswersNotApplying()
    for declaration in declarations:
        check_vocabulary(ctx, declaration)
        if isinstance(declaration, s.FactDecl):
            check_fact(ctx, declaration)
        if isinstance(declaration, s.Rounding):
            rounding = check_rounding(ctx, declaration)
        if isinstance(declaration, s.AnswersNotApplying):  # (a child's, last, replaces its parent's)
            not_applying = m.AnswersNotApplying(declaration.choice, span=declaration.span)  # type: ignore[arg-type]
    check_fact_names(ctx)
    for declaration in declarations:
        if isinstance(declaration, s.AnswersDefault):
            ctx.default_scale = declaration.scale
            ctx.default_met = declaration.met
            ctx.scale_ref(declaration.scale)
    # Bands first: a grading's measures rated by bands that failed are not reported again.
    bands = tuple(b for b in (check_bands(ctx, d) for d in ctx.bands.values()) if b)
    gradings = tuple(g for g in (check_grading(ctx, d) for d in ctx.gradings.values()) if g)
    points = tuple(p for p in (check_points(ctx, d) for d in ctx.points.values()) if p)
    sections = tuple(
        section
        for section in (check_section(ctx, d) for d in declarations if isinstance(d, s.SectionDecl))
        if section is not None
    )
    overalls = [d for d in declarations if isinstance(d, s.OverallDecl)]
    for again in overalls[1:]:
        if again.span.file == overalls[0].span.file:
            ctx.error("R002", "`overall` is given more than once", again.span, "keep only one")
    overall = check_overall(ctx, overalls[-1], sections) if overalls else None
    outcomes = check_outcomes(ctx, declarations, sections, overall)
    samples = tuple(check_sample(ctx, d, sections) for d in declarations if isinstance(d, s.SampleDecl))
    exclusions = check_exclusions(ctx, declarations, sections)
    parts = RulesetParts(sections, overall, gradings, bands, exclusions, outcomes)
    tests = tuple(t for t in (check_test(ctx, d, parts) for d in own if isinstance(d, s.TestDecl)) if t)
    _titled_once(ctx, [d for d in own if isinstance(d, s.TestDecl)])
    check_weights(ctx, sections)
    ruleset = m.Ruleset(
        name=name,
        version=version,
        title=title,
        path=ctx.path,
        content_hash=content_hash,
        description=description,
        parent=parent,
        rounding=rounding,
        answers_not_applying=not_applying,
        scales=tuple(ctx.scales.values()),
        attributes=tuple(ctx.attributes.values()),
        facts=tuple(ctx.facts.values()),
        sources=tuple(ctx.sources.values()),
        measures=tuple(ctx.measures.values()),
        weight_classes=tuple(ctx.classes.items()),
        samples=samples,
        sections=sections,
        overall=overall,
        gradings=gradings,
        bands=bands,
        points=points,
        outcomes=outcomes,
        exclusions=exclusions,
        tests=tests,
        span=tree.span,
        derived=tuple(ctx.derived),
    )
    unused_facts(ctx, ruleset)
    _tests_give_the_facts_read(ctx, ruleset)
    ctx.analysis = analyse(ctx, ruleset)
    return ruleset


def _tests_give_the_facts_read(ctx: CheckContext, ruleset: m.Ruleset) -> None:
    """R081 for a test that does not give a fact the rules read and that has no default: its
    evidence cannot be scored (`esirules test` says so too), so it is found here, not when run."""
    for test in ruleset.tests:
        missing = facts_missing(ruleset, (name for name, _ in test.facts))
        if missing:
            ctx.error("R081", f"the test \"{test.name}\" does not give the fact `{missing[0]}`, which the rules read "
                      "and which has no default, so it cannot be run", test.span,
                      f"add `given facts {missing[0]} ...` to the test, or give the fact a default in the ruleset")


def _titled_once(ctx: CheckContext, tests: list[s.TestDecl]) -> None:
    """W013: a test whose title an earlier test has; `esirules test` names a test by its title."""
    first: dict[str, s.TestDecl] = {}
    for test in tests:
        earlier = first.setdefault(test.name.text, test)
        if earlier is not test:
            ctx.warn("W013", f"the test \"{test.name.text}\" has the title of the test at line {earlier.span.line}",
                     test.name.span, "give each test its own title, so that a failure says which one failed")
