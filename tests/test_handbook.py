"""The inspection handbook: what it says, that its Markdown and HTML are well formed, and the ESI
handbooks in docs/handbook/ are current.

`test_bundled_handbooks_are_current` is a SNAPSHOT TEST: it regenerates docs/handbook/*.md and
*.html and fails if they differ from the committed files. It guards against stale documents, not
against wrong ones; what the handbook says is checked by the other tests here. After a change to
the handbook, rewrite the files with `.venv/bin/python tests/test_handbook.py`.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import REPO

from esirules.authoring import plain
from esirules.authoring.document_html import document_html
from esirules.authoring.document_markdown import document_markdown
from esirules.authoring.handbook import criterion_shares, handbook_document, section_shares
from esirules.authoring.written import read_rulesets
from esirules.language import model as m

HANDBOOKS = {
    "esi-2003": "rulesets/esi-2003.esi",
    "esi-2004-followup": "rulesets/esi-2004-followup.esi",
}
FOLDER = REPO / "docs" / "handbook"


def generate(ruleset: str, form: str) -> str:
    """The handbook as `esirules handbook RULESET --format FORM` prints it, run in the repository."""
    from esirules.cli.main import main

    out = io.StringIO()
    previous = os.getcwd()
    os.chdir(REPO)
    try:
        with contextlib.redirect_stdout(out):
            assert main(["handbook", ruleset, "--format", form]) == 0
    finally:
        os.chdir(previous)
    return out.getvalue()


@pytest.fixture(scope="module")
def pages() -> dict[tuple[str, str], str]:
    return {(name, form): generate(path, form) for name, path in HANDBOOKS.items() for form in ("markdown", "html")}


@pytest.mark.parametrize("name", HANDBOOKS)
@pytest.mark.parametrize("form", ["markdown", "html"])
def test_bundled_handbooks_are_current(pages, name, form):
    """Snapshot: the committed handbook is what the command writes today."""
    suffix = "md" if form == "markdown" else "html"
    committed = (FOLDER / f"{name}.{suffix}").read_text(encoding="utf-8")
    assert pages[(name, form)] == committed, f"run `.venv/bin/python tests/test_handbook.py` to rewrite {name}.{suffix}"


# ---------------------------------------------------------------------------------------------
# What the handbook says


def test_questions_say_when_they_are_asked_in_plain_words(pages):
    page = pages[("esi-2003", "markdown")]
    assert (
        "| B1.rmp_5days | A satisfactory risk management plan was completed within five working days | Case file "
        "| “yes” | only cases where risk of harm is high or very high |" in page
    )
    assert "| B1.start | Risk of harm assessment at the start of supervision was satisfactory | Case file | “yes” | every case |" in page
    assert "applies when" not in page and ">=" not in page


def test_grading_rules_are_worded_as_the_report_words_them(pages):
    page = pages[("esi-2003", "markdown")]
    # "Satisfactorily met: strong performance on the majority of items and at least satisfactory
    # performance on the others" (the report's Scoring approach)
    assert "| 3 | Satisfactorily met | at least strong on the majority of items and at least satisfactory on the others |" in page
    assert "| 1 | Very well met | at least “very strong” on each item |" in page
    assert "| 6 | Poor | in every other case |" in page


def test_bands_are_a_table(pages):
    page = pages[("esi-2003", "markdown")]
    assert "| 4 | satisfactory | performance at least 90% |" in page
    assert "| 1 | very strong | performance at least 110% and actual at least national average |" in page


def test_weights_as_classes_and_shares(pages):
    page = pages[("esi-2003", "markdown")]
    # B1 is critical (2) of B1, B2, B3 critical and B4 important: 2/7 of section B, which is 30% of the overall
    assert "| B1 | Assessment of risk of harm | critical (2) | about 28.6% | about 8.6% |" in page
    assert "| D1 | Interventions are delivered with the desired outcomes | critical (2) | 40% | 12% |" in page
    assert "| D3 | Outcomes of interventions are assessed and reviewed using available data | — | — | — |" in page
    assert "section B 30%, section C 40%, section D 30%" in page


def test_adjustments_samples_and_exclusions(pages):
    followup = pages[("esi-2004-followup", "markdown")]
    assert "## What the lead inspector may adjust" in followup
    assert "- D3 Outcomes of interventions are assessed and reviewed using available data" in followup
    assert "| `september` | Cases commencing September 2004 | A, B, C | C2.review_16wk, C2.smart_review, C2.mappa_review |" in followup
    assert "- Cases where order or licence is cpo are left out of every score." in followup


def test_a_derived_ruleset_says_what_it_changes(pages):
    followup = pages[("esi-2004-followup", "markdown")]
    section = followup[followup.index("## What this ruleset changes from esi-2003"):]
    assert "- The exclusion of source `offender_interview` added" in section
    assert "  - at `rulesets/esi-2004-followup.esi:28`" in section
    assert "What this ruleset changes" not in pages[("esi-2003", "markdown")]


def test_shares_are_exact():
    (loaded,), _, _ = read_rulesets([str(REPO / "rulesets" / "esi-2003.esi")])
    ruleset = loaded.ruleset
    from fractions import Fraction

    assert criterion_shares(ruleset.section("B")) == {"B1": Fraction(2, 7), "B2": Fraction(2, 7),
                                                       "B3": Fraction(2, 7), "B4": Fraction(1, 7)}
    assert criterion_shares(ruleset.section("A")) == {}
    assert section_shares(ruleset) == {"B": Fraction(3, 10), "C": Fraction(2, 5), "D": Fraction(3, 10)}


RISK = m.Attribute("risk_of_harm", "Risk of harm", "ordered", ("low", "medium", "high", "very high"))
ORDER = m.Attribute("order_type", "Order or licence", "enumerated", ("cro", "cpo", "licence"))
SEX = m.Attribute("sex_offender", "A sex offender", "boolean")
MAPPA = m.Attribute("mappa", "MAPPA case", "boolean")
AGE = m.Attribute("age", "Age", "numeric")
RULESET = m.Ruleset("t", "1", "T", "t.esi", "", attributes=(RISK, ORDER, SEX, MAPPA, AGE))


@pytest.mark.parametrize(
    ("condition", "words"),
    [
        (m.Comparison("risk_of_harm", ">=", "high"), "risk of harm is high or very high"),
        (m.Comparison("risk_of_harm", "<", "high"), "risk of harm is low or medium"),
        (m.Comparison("risk_of_harm", ">", "low"), "risk of harm is medium, high or very high"),
        (m.Comparison("order_type", "=", "cpo"), "order or licence is cpo"),
        (m.Not(m.Comparison("order_type", "=", "cpo")), "order or licence is not cpo"),
        (m.Membership("order_type", ("cro", "licence")), "order or licence is cro or licence"),
        (m.Not(m.Membership("order_type", ("cro", "licence"))), "order or licence is neither cro nor licence"),
        (m.Flag("sex_offender"), "“A sex offender” is yes"),
        (m.Not(m.Flag("sex_offender")), "“A sex offender” is no"),
        (m.Comparison("age", "<", m.Fraction(21)), "age is under 21"),
        (m.AnyOf((m.Flag("sex_offender"), m.AllOf((m.Flag("mappa"), m.Comparison("age", ">=", m.Fraction(18)))))),
         "“A sex offender” is yes or (“MAPPA case” is yes and age is at least 18)"),
        (m.Comparison("mappa", "=", True), "MAPPA case is yes"),
    ],
)
def test_conditions_in_plain_words(condition, words):
    assert plain.condition_words(condition, RULESET) == words


# ---------------------------------------------------------------------------------------------
# Well-formed HTML and Markdown

VOID = {"meta", "br", "hr", "img", "link", "input"}


class Checker(HTMLParser):
    """Checks that tags nest and close, and records headings, tables and references."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.headings: list[int] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.tables = 0
        self.headed_tables = 0
        self.in_thead = False
        self.th_in_thead = 0
        self.external: list[str] = []
        self.style = ""
        self.in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if "src" in values:
            self.external.append(f"{tag} src")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if tag == "link":
            self.external.append("link")
        if tag == "script":
            self.external.append("script")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "table":
            self.tables += 1
            self.th_in_thead = 0
        if tag == "thead":
            self.in_thead = True
        if tag == "th" and self.in_thead:
            self.th_in_thead += 1
            if values.get("scope") != "col":
                self.problems.append("a column header without scope=col")
        if tag == "style":
            self.in_style = True
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "thead":
            self.in_thead = False
            if self.th_in_thead:
                self.headed_tables += 1
        if tag == "style":
            self.in_style = False
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> does not close <{self.stack[-1] if self.stack else '-'}>")
            return
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.style += data


@pytest.mark.parametrize("name", HANDBOOKS)
def test_html_is_well_formed_self_contained_and_accessible(pages, name):
    page = pages[(name, "html")]
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.problems == []
    assert checker.stack == []
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    assert checker.external == []
    assert "url(" not in checker.style and "@import" not in checker.style
    assert all(link.startswith("#") and link[1:] in checker.ids for link in checker.links)
    assert checker.tables > 5 and checker.headed_tables == checker.tables
    # one h1, and no heading level is skipped on the way down
    assert checker.headings.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(checker.headings, checker.headings[1:]))
    # printable: each part starts a new page when printed
    assert "@media print" in checker.style and "section.part { break-before: page; }" in checker.style


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def test_text_colours_contrast_with_their_backgrounds():
    from esirules.authoring.document_html import _STYLE

    backgrounds = set(re.findall(r"background: (#[0-9a-f]{6})", _STYLE))
    colours = set(re.findall(r"[^-]color: (#[0-9a-f]{6})", _STYLE))
    assert colours and backgrounds
    for colour in colours:
        for background in backgrounds:
            light, dark = sorted((_luminance(colour), _luminance(background)), reverse=True)
            assert (light + 0.05) / (dark + 0.05) >= 7, (colour, background)


@pytest.mark.parametrize("name", HANDBOOKS)
def test_markdown_tables_have_headers_and_rows_of_their_width(pages, name):
    lines = pages[(name, "markdown")].splitlines()
    tables = 0
    for index, line in enumerate(lines):
        if line.startswith("|") and (index == 0 or not lines[index - 1].startswith("|")):
            tables += 1
            assert lines[index - 1] == "", "a table needs a blank line before it"
            separator = lines[index + 1]
            assert re.fullmatch(r"\|(---:?\|)+", separator), separator
            width = separator.count("|") - 1
            rows = [lines[index]]
            for row in lines[index + 2 :]:
                if not row.startswith("|"):
                    break
                rows.append(row)
            for row in rows:
                assert len(re.findall(r"(?<!\\)\|", row)) - 1 == width, row
    assert tables > 5
    assert lines[0].startswith("# ") and sum(1 for line in lines if line.startswith("# ")) == 1


def test_markdown_escapes_what_would_be_markup():
    from esirules.authoring.document import Document, Paragraph, Table, code, text

    page = document_markdown(Document("A | B", (
        Paragraph(text("5 * 3 <b> _x_ snake_case ", code("a|b"))),
        Table((text("h"),), ((text("x | y"),),)),
    )))
    assert "5 \\* 3 \\<b\\> \\_x\\_ snake_case `a|b`" in page
    assert "| x \\| y |" in page


def test_html_escapes_text():
    from esirules.authoring.document import Document, Paragraph, text

    page = document_html(Document("<T>", (Paragraph(text("a < b & \"c\"")),)))
    assert "<title>&lt;T&gt;</title>" in page and "a &lt; b &amp; &quot;c&quot;" in page


EXAMPLES = sorted((REPO / "docs" / "examples").glob("*/*.esi"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_example_ruleset_has_a_well_formed_handbook(path):
    (loaded,), _, _ = read_rulesets([str(path)])
    document = handbook_document(loaded)
    checker = Checker()
    checker.feed(document_html(document))
    checker.close()
    assert checker.problems == [] and checker.stack == []
    page = document_markdown(document)
    assert "\\`" not in page, "a name meant as code was written as text"
    assert page.count("\n## ") >= 3


# ---------------------------------------------------------------------------------------------
# The command


def test_output_file_and_bad_ruleset(tmp_path):
    from esirules.cli.main import main

    target = tmp_path / "handbook.html"
    assert main(["handbook", str(REPO / "rulesets" / "esi-2003.esi"), "--format", "html", "--output", str(target)]) == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    err = io.StringIO()
    missing = tmp_path / "never.md"
    with contextlib.redirect_stderr(err):
        code = main(["handbook", str(REPO / "docs/examples/language/mistakes/unknown-weight-class.bad"),
                     "--output", str(missing)])
    assert code == 1
    assert "error[R030]: there is no weight class called `critcal`" in err.getvalue()
    assert ":10:45" in err.getvalue()
    assert not missing.exists()


def test_a_ruleset_without_gradings_or_parent():
    (loaded,), _, _ = read_rulesets([str(REPO / "docs" / "examples" / "language" / "scores-and-samples.esi")])
    document = handbook_document(loaded)
    page = document_markdown(document)
    assert page.startswith("# ")
    assert "What this ruleset changes" not in page


if __name__ == "__main__":
    FOLDER.mkdir(parents=True, exist_ok=True)
    for handbook, ruleset in HANDBOOKS.items():
        for form, suffix in (("markdown", "md"), ("html", "html")):
            Path(FOLDER / f"{handbook}.{suffix}").write_text(generate(ruleset, form), encoding="utf-8")
    sys.exit(0)


def test_a_grading_over_members_says_members_not_items_and_which_level_uses_it() -> None:
    page = generate("examples/frameworks/cqc/cqc.esi", "markdown")
    assert "- Each member is graded on the scale Outstanding, Good, Requires improvement, Inadequate (best first)." in page
    assert "Members count by their weight" in page and "- Used by: section location." in page


def test_the_facts_about_the_inspection_are_listed_with_their_labels_and_defaults() -> None:
    page = generate("examples/frameworks/ofsted/ofsted.esi", "markdown")
    assert "**Facts about the inspection**" in page
    assert "| `safeguarding` | Safeguarding arrangements | effective, ineffective | must be recorded |" in page
    assert "| yes or no | taken as yes |" in page


def test_one_member_named_is_named_in_the_singular() -> None:
    from esirules.authoring.handbook import _aggregate_words

    assert _aggregate_words(m.Aggregate("lowest_of", ("KJ",), "sections")) == "the lowest grade of section KJ"
    assert _aggregate_words(m.Aggregate("lowest_of", ("A", "B"), "sections")) == "the lowest grade of sections A, B"


def test_a_changed_condition_of_a_question_is_said_in_the_handbooks_words() -> None:
    page = generate("docs/examples/language/new-year.esi", "markdown")
    assert "- Question B1.understood: applies when\n  - before: every case\n" in page
    assert "  - after: only cases where risk of harm is medium, high or very high\n" in page
