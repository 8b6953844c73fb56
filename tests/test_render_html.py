"""`score --format html` and `explain --format html`: the report's figures in self-contained pages, and no HTML library for other formats.

Figures are checked against the report (tests/test_golden.py), never against esirules' own output.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

from test_golden import COLUMNS, CRITERIA, D3, OVERALL, SECTION_A, SECTIONS

from esirules.cli.main import main
from esirules.diagnostics import Diagnostic
from esirules.span import Span

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = "examples/hertfordshire/summary.yaml"


def run(*words: str) -> str:
    out = io.StringIO()
    with contextlib.chdir(ROOT), contextlib.redirect_stdout(out):
        assert main(list(words)) == 0
    return out.getvalue()


class Cells(HTMLParser):
    """The figure shown in each (row target, column) of a sheet, and every element's attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.target: str | None = None
        self.column: str | None = None
        self.reading = False
        self.cells: dict[tuple[str, str], str] = {}
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if tag == "tr":
            self.target = found.get("data-target")
        elif tag == "td":
            self.column = found.get("data-column")
        elif tag == "span" and found.get("class") == "shown":
            self.reading = True
            assert self.target is not None and self.column is not None
            self.cells[(self.target, self.column)] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "span":
            self.reading = False

    def handle_data(self, data: str) -> None:
        if self.reading and self.target is not None and self.column is not None:
            self.cells[(self.target, self.column)] += data


def parsed(html: str) -> Cells:
    cells = Cells()
    cells.feed(html)
    return cells


def self_contained(html: str) -> None:
    """Nothing to fetch: no script, no style sheet or image from elsewhere, no link leaving the page."""
    assert "<script" not in html and "<link" not in html and "<img" not in html and "@import" not in html
    for tag, found in parsed(html).tags:
        for name in ("src", "href"):
            value = found.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)


def test_score_writes_the_report_sheet_as_one_self_contained_page() -> None:
    html = run("score", SUMMARY, "--format", "html", "--quiet")
    self_contained(html)
    cells = parsed(html).cells
    for criterion, (original, follow_up) in SECTION_A.items():
        assert (cells[(criterion, "Original")], cells[(criterion, "Feb")]) == (original, follow_up)
    for rows in (CRITERIA, SECTIONS):
        for target, figures in rows.items():
            for column, figure in zip(COLUMNS, figures):
                assert cells[(target, column)] == (figure or "n/c"), (target, column)
    assert [cells[("overall", c)] for c in COLUMNS] == [f or "n/c" for f in OVERALL]
    assert (cells[("D3", "Original")], cells[("D3", "Feb")]) == D3
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 4  # a chart per section
    # each part's title a heading (in its table's caption), which a screen reader's heading keys reach
    assert html.count('<caption') == html.count('<h2 class="caption">') == html.count('<table class="sheet"') > 4
    assert "Feb, A1: computed Not met; adjusted to Partly met by Lead inspector" in html
    # `n/c` is said in words to a screen reader, which would read it out as "n slash c"
    assert html.count('n/c</span><span class="visually-hidden"> (not computable)</span>') == sum(
        1 for key, shown in cells.items() if shown == "n/c")
    assert "@media print" in html


def test_explain_writes_b1_with_question_counts_that_recompute_to_the_published_figure() -> None:
    html = run("explain", SUMMARY, "B1", "--column", "Feb", "--format", "html")
    self_contained(html)
    rows = re.findall(r'<tr data-question="(B1\.[a-z0-9_]+)">.*?<td class="figure met">(\d+)</td>'
                      r'<td class="figure applicable">(\d+)</td>', html, re.DOTALL)
    assert len(rows) == 8
    met = sum(int(m) for _, m, _ in rows)
    applicable = sum(int(a) for *_, a in rows)
    assert f"{int(Fraction(met, applicable) * 100 + Fraction(1, 2))}%" == CRITERIA["B1"][COLUMNS.index("Feb")]
    assert "rulesets/esi-2003.esi:" in html  # each rule cited by file and line (a file links nowhere)


def test_explain_writes_a1_with_the_adjustment_and_the_smallest_change() -> None:
    html = run("explain", SUMMARY, "A1", "--column", "Feb", "--format", "html")
    assert "Computed <strong>Not met</strong> → final <strong>Partly met</strong>" in html
    assert "by <strong class=\"adjusted-by\">Lead inspector</strong>" in html
    assert "significantly improved its position on the NPD" in html
    assert re.search(r'<ul class="tree smallest-change">\s*<li>Improve A1\.', html)


def test_every_kind_of_explanation_renders() -> None:
    for target in ("B", "overall", "B1.start", "A1.dtto_starts", "D3"):
        html = run("explain", SUMMARY, target, "--column", "Feb", "--format", "html")
        self_contained(html)
        assert html.count("<h1>") == 1
    where = run("explain", SUMMARY, "B1.start", "--column", "Feb", "--where", "risk_of_harm >= high", "--format", "html")
    assert "for the cases where <code>risk_of_harm &gt;= high</code>" in where
    case = run("explain", SUMMARY, "B1", "--column", "Feb", "--case", "F01", "--format", "html")
    assert '<h2 class="part" id="case-heading">Case F01 (sample february)</h2>' in case  # (right under the h1)


def test_the_plain_command_line_loads_no_html_library() -> None:
    program = """
import contextlib, io, json, sys
from esirules.cli.main import main
with contextlib.redirect_stdout(io.StringIO()):
    codes = [main(["check", "rulesets/esi-2003.esi"]),
             main(["score", "examples/hertfordshire/followup.yaml", "--format", "json", "--quiet"]),
             main(["explain", "examples/hertfordshire/followup.yaml", "B1", "--sample", "february"])]
before = sorted(m for m in sys.modules if m.split(".")[0] in ("jinja2", "markupsafe", "pygments"))
with contextlib.redirect_stdout(io.StringIO()):
    codes.append(main(["score", "examples/hertfordshire/followup.yaml", "--format", "html", "--quiet"]))
after = "jinja2" in sys.modules
print(json.dumps({"codes": codes, "before": before, "after": after}))
"""
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report == {"codes": [0, 0, 0, 0], "before": [], "after": True}


def test_a_diagnostic_is_shown_on_its_line_with_its_span_marked() -> None:
    from esirules.render.html.diagnostics import diagnostics_fragment

    text = "inspection: x\nratings:\n  A1.visibility: excellent\n"
    found = Diagnostic("E131", "item `A1.visibility`: `excellent` is not a rating", Span("f.yaml", 3, 18, 3, 27),
                       "ratings are `strong`, `weak`")
    html = str(diagnostics_fragment([found], {"f.yaml": text}))
    assert '<span class="ln">3 | </span>  A1.visibility: <mark>excellent</mark>' in html
    assert "at <code>f.yaml:3:18</code> (line 3, column 18)" in html
    assert "help: ratings are `strong`, `weak`" in html
    assert "1 error found" in html


def test_the_guides_screenshots_are_there_and_each_is_taken_by_a_browser_test() -> None:
    guide = (ROOT / "docs" / "inspectors-guide.md").read_text(encoding="utf-8")
    shown = set(re.findall(r"\(images/(web-[a-z0-9-]+)\.png\)", guide))
    taken = set(re.findall(r'shot\([a-z]+, site, "([a-z0-9-]+)"', (ROOT / "tests" / "test_web_pages.py").read_text()))
    assert shown == {f"web-{name}" for name in taken}
    for name in shown:
        assert (ROOT / "docs" / "images" / f"{name}.png").stat().st_size < 400_000


def test_a_charts_legend_wraps_so_every_column_is_named_inside_the_chart() -> None:
    from esirules.render.html.charts import WIDTH, Bar, Chart, Group, chart_svg

    labels = ("Original", "february", "september", "february (adjusted) (run c481f5)",
              "september (adjusted) (run c481f5)", "february (run 1a2b3c)")
    chart = Chart("A", "Quality of management", "percent", labels,
                  (Group("A1", "A1 Leadership", tuple(Bar(label, 0.5, "50%") for label in labels)),))
    svg = str(chart_svg(chart))
    height = int(re.search(r'viewBox="0 0 \d+ (\d+)"', svg)[1])  # type: ignore[index]
    named = re.findall(r'<text x="([\d.]+)" y="(\d+)" fill="#1a1a1a">([^<]+)</text>', svg)
    legend = [(float(x), int(y), text) for x, y, text in named if text in labels]
    assert [text for *_, text in legend] == list(labels)  # each column named once, in order
    assert all(x + 7.2 * len(text) <= WIDTH for x, _, text in legend)  # none past the right edge
    rows = sorted({y for _, y, _ in legend})
    assert len(rows) > 1
    assert height == 34 + 190 + 30 + 18 * (len(rows) - 1)  # the plot moved down by the rows added
