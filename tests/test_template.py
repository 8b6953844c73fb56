"""`esirules template`: a ruleset's template workbook has the right columns, comments and drop-downs,
is written whole and never over a file without `--force`, and, filled in, scores as the same evidence in CSV."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import openpyxl
import pytest

from esirules.cli.main import main
from esirules.evidence.load import load_evidence
from esirules.language.check import load_ruleset

REPO = Path(__file__).resolve().parent.parent
RULESET = REPO / "rulesets" / "esi-2004-followup.esi"
EXAMPLE = REPO / "docs" / "examples" / "inspector"
RULES = load_ruleset(str(RULESET))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "anyshire.xlsx"
    assert main(["template", str(RULESET), "--output", str(path)]) == 0
    return path


def test_the_cases_sheet_has_a_column_per_question_with_its_text_and_answers(template: Path) -> None:
    book = openpyxl.load_workbook(template)
    assert book.sheetnames == ["cases", "ratings", "measures", "adjustments", "inspection"]
    cases = book["cases"]
    headings = [cell.value for cell in cases[1]]
    questions = [q.id for q in RULES.questions()]
    assert headings == ["id", "sample", *(a.name for a in RULES.attributes), *questions]
    column = {heading: cell for heading, cell in zip(headings, cases[1])}
    for q in RULES.questions():
        assert column[q.id].comment is not None and column[q.id].comment.text.startswith(q.text)
    # when a question is asked, as the inspector needs to know it filling the row
    assert column["B1.rmp_5days"].comment.text.endswith(
        "Asked of only cases where risk of harm is high or very high; blank for the others.")
    drop_downs = {str(v.sqref).split(":")[0]: v.formula1 for v in cases.data_validations.dataValidation}
    start = column["B1.start"].column_letter
    assert drop_downs[f"{start}2"] == '"yes,partly,no,n/a"'
    assert drop_downs[f"{column['sample'].column_letter}2"] == '"february,september"'
    assert drop_downs[f"{column['sex_offender'].column_letter}2"] == '"yes,no"'
    items = [row[0].value for row in book["ratings"].iter_rows(min_row=2)]
    # every item the inspector rates; not those rated from target data (E132 would refuse their ratings)
    assert items == [i.id for i in RULES.items() if i.measure is None] and "A1.dtto_starts" not in items
    assert any(i.measure is not None for i in RULES.items())
    assert [c.value for c in book["measures"][1]] == ["measure", "actual", "target", "national_average"]
    # the measures that rate items are listed, as the items are on `ratings`
    listed = [row[0].value for row in book["measures"].iter_rows(min_row=2) if row[0].value]
    assert sorted(listed) == sorted({i.measure for i in RULES.items() if i.measure is not None})
    assert [c.value for c in book["adjustments"][1]] == ["criterion", "section", "overall", "grade", "by", "reason"]
    grade = [v.formula1 for v in book["adjustments"].data_validations.dataValidation if str(v.sqref).startswith("D2")]
    assert grade and grade[0].startswith('"Very well met,Well met,')


def test_the_template_as_written_is_evidence_with_no_cases(template: Path) -> None:
    evidence = load_evidence(str(template), RULES)
    assert len(evidence.cases.ids) == 0 and evidence.ratings == {}


def test_a_filled_template_scores_as_the_same_evidence_in_csv_and_yaml(template: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(template)
    cases = book["cases"]
    headings = [cell.value for cell in cases[1]]
    with open(EXAMPLE / "cases.csv", encoding="utf-8", newline="") as handle:
        for r, record in enumerate(csv.DictReader(handle), start=2):
            for c, heading in enumerate(headings, start=1):
                cases.cell(r, c, record.get(heading) or None)
    yaml_evidence = load_evidence(str(EXAMPLE / "inspection.yaml"), RULES)
    ratings = book["ratings"]
    for row in ratings.iter_rows(min_row=2):
        row[1].value = yaml_evidence.ratings.get(row[0].value)
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    evidence = load_evidence(str(filled), RULES)
    assert evidence.cases.same_as(yaml_evidence.cases)
    assert evidence.ratings == yaml_evidence.ratings


def test_an_existing_file_is_kept_unless_forced(template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "mine.xlsx"
    target.write_bytes(b"my own work")
    assert main(["template", str(RULESET), "--output", str(target)]) == 2
    assert target.read_bytes() == b"my own work"
    assert f"`{target}` already exists; add `--force` to replace it" in capsys.readouterr().err
    assert main(["template", str(RULESET), "--output", str(target), "--force"]) == 0
    assert openpyxl.load_workbook(target).sheetnames == ["cases", "ratings", "measures", "adjustments", "inspection"]
    assert [p.name for p in tmp_path.iterdir()] == ["mine.xlsx"]  # no temporary file left


def test_a_ruleset_with_problems_writes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.esi"
    bad.write_text("ruleset bad\n  nonsense\n", encoding="utf-8")
    assert main(["template", str(bad), "--output", str(tmp_path / "t.xlsx")]) == 1
    assert not (tmp_path / "t.xlsx").exists()


def test_a_template_is_named_as_the_workbook_it_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--output cases.csv` would write a workbook that `esirules score` then takes for a CSV file."""
    for name in ("cases.csv", "inspection.yaml", "template"):
        assert main(["template", str(RULESET), "--output", str(tmp_path / name)]) == 2
        assert "a template is an Excel workbook, so its name ends in `.xlsx`" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    assert main(["template", str(RULESET), "--output", str(tmp_path / "Mine.XLSX")]) == 0
    mode = (tmp_path / "Mine.XLSX").stat().st_mode & 0o777
    assert mode == 0o666 & ~_umask()  # as any file the user makes, not the temporary file's 0600


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
