"""docs/changing-a-ruleset.md shows what the commands print: a SNAPSHOT TEST of the guide.

Each ```sh block of the page that runs one `esirules` command is run in the repository folder,
and what it prints must be the ```text block after it, exactly; its exit code must be the one
the page's prose gives. The publishing step (jq and curl) is played against the service in
process with the same request, and its answer must be the page's ```json block. The example's
broken drafts (`docs/examples/changing/*.bad`) must each be the finished ruleset with one
mistake, and the ruleset shown on the page must be the finished one's text. After a change to
the output, rewrite the blocks by running this file: `.venv/bin/python tests/test_changing_guide.py`.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shlex
import sys
import tempfile
from typing import Any

import pytest
from conftest import REPO

PAGE = REPO / "docs" / "changing-a-ruleset.md"
FOLDER = REPO / "docs" / "examples" / "changing"
FINISHED = FOLDER / "esi-2005.esi"
EXAMPLE = re.compile(r"```sh\n(?P<command>esirules [^\n]*)\n```\n\n```text\n(?P<output>.*?)```", re.DOTALL)

# Each draft is the finished ruleset with one mistake: what the finished one says, and what the draft says instead.
DRAFTS = {
    "esi-2005-order.bad": [  # the changed row moved to the top of the block
        ("  satisfactory when performance at least 75%\n", ""),
        ("replace bands npd_rating on performance {\n",
         "replace bands npd_rating on performance {\n  satisfactory when performance at least 75%\n"),
    ],
    "esi-2005-typo.bad": [("  satisfactory when performance at least 75%\n", "  satisfactory when performance at least 57%\n")],
    "esi-2005-layout.bad": [  # one mistake of layout: two lines laid out by hand
        ("  satisfactory when performance at least 75%\n", "    satisfactory   when performance at least 75 %\n"),
        ("  given measure enforcement:", "given measure enforcement :"),
    ],
}

# The exit code of each command, as the page says it: a warning is not an error; a failed test,
# and a file `fmt --check` would change, exit with 1.
EXIT_CODES = {
    "esirules check docs/examples/changing/esi-2005-order.bad": 0,
    "esirules check docs/examples/changing/esi-2005.esi": 0,
    "esirules check --analysis docs/examples/changing/esi-2005.esi": 0,
    "esirules test docs/examples/changing/esi-2005-typo.bad": 1,
    "esirules test --coverage docs/examples/changing/esi-2005.esi": 0,
    "esirules diff rulesets/esi-2003.esi docs/examples/changing/esi-2005.esi "
    "--evidence examples/hertfordshire/original.yaml": 0,
    "esirules fmt --diff docs/examples/changing/esi-2005-layout.bad": 0,
    "esirules fmt --check docs/examples/changing/esi-2005-layout.bad docs/examples/changing/esi-2005.esi": 1,
}

# The publishing step exactly as the page shows it; `published` below sends the same request.
PUBLISH = """\
sed 's|"../../../rulesets/esi-2003.esi"|"esi-2003.esi"|' docs/examples/changing/esi-2005.esi > esi-2005.esi
jq -n --rawfile esi2003 rulesets/esi-2003.esi --rawfile esi2005 esi-2005.esi \\
   '{main: "esi-2005.esi", files: [{name: "esi-2003.esi", content: $esi2003},
                                   {name: "esi-2005.esi", content: $esi2005}]}' |
curl -s -X POST "$ESIRULES/v1/rulesets" -H "Authorization: Bearer $AUTHOR" \\
     -H "Content-Type: application/json" --data-binary @- |
jq '{created, hash: .ruleset.hash, summary: .ruleset.summary, files: [.ruleset.files[].name], warnings}'
"""
PUBLISHED = re.compile(r"```sh\n" + re.escape(PUBLISH) + r"```\n\n```json\n(?P<output>.*?)```", re.DOTALL)


def run(command: str) -> tuple[int, str]:
    """What `command` prints (standard output and error together) run in the repository folder, and its exit code."""
    from esirules.cli.main import main

    out = io.StringIO()
    previous = os.getcwd()
    os.chdir(REPO)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = main(shlex.split(command)[1:])
    finally:
        os.chdir(previous)
    return code, out.getvalue()


def published(folder: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The page's request sent twice to the service over a new store in `folder`: the two answers, as jq shows them."""
    from service_helpers import Service

    child = FINISHED.read_text(encoding="utf-8").replace('"../../../rulesets/esi-2003.esi"', '"esi-2003.esi"')
    body = {
        "main": "esi-2005.esi",
        "files": [
            {"name": "esi-2003.esi", "content": (REPO / "rulesets" / "esi-2003.esi").read_text(encoding="utf-8")},
            {"name": "esi-2005.esi", "content": child},
        ],
    }
    service = Service.start(os.path.join(folder, "store.db"))
    try:
        answers = [service.post("/v1/rulesets", body, role="author") for _ in range(2)]
    finally:
        service.close()
    shown = []
    for answer in answers:
        assert answer.status_code in (200, 201), answer.text
        document = answer.json()
        ruleset = document["ruleset"]
        shown.append({"created": document["created"], "hash": ruleset["hash"], "summary": ruleset["summary"],
                      "files": [f["name"] for f in ruleset["files"]], "warnings": document["warnings"]})
    return shown[0], shown[1]


TEXT = PAGE.read_text(encoding="utf-8")
EXAMPLES = [(m["command"], m["output"]) for m in EXAMPLE.finditer(TEXT)]


def test_the_page_walks_through_every_step_of_the_loop():
    assert [command for command, _ in EXAMPLES] == list(EXIT_CODES)
    assert PUBLISHED.search(TEXT), "the publishing step is not the one this test plays"


@pytest.mark.parametrize(("command", "output"), EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_each_example_prints_what_the_page_shows(command, output):
    assert run(command) == (EXIT_CODES[command], output)


def test_publishing_answers_what_the_page_shows(tmp_path):
    first, again = published(str(tmp_path))
    match = PUBLISHED.search(TEXT)
    assert match is not None
    assert json.loads(match["output"]) == first
    assert first["created"] and first["warnings"] == []
    # "Publishing the same files again answers `"created": false` with the same address."
    assert again == {**first, "created": False}


def test_each_draft_is_the_finished_ruleset_with_one_mistake():
    finished = FINISHED.read_text(encoding="utf-8")
    assert sorted(p.name for p in FOLDER.glob("*.bad")) == sorted(DRAFTS)
    for name, replacements in DRAFTS.items():
        expected = finished
        for right, wrong in replacements:
            assert expected.count(right) == 1, (name, right)
            expected = expected.replace(right, wrong)
        assert (FOLDER / name).read_text(encoding="utf-8") == expected, name


def test_the_ruleset_shown_is_the_finished_one():
    shown = re.findall(r"```esi\n(.*?)```", TEXT, re.DOTALL)
    assert shown
    finished = FINISHED.read_text(encoding="utf-8")
    for block in shown:
        assert block in finished


def test_the_page_names_no_machine_path():
    assert str(REPO) not in TEXT
    assert not re.search(r"(?<![\w.])/(home|tmp|work|Users|var)/", TEXT)


if __name__ == "__main__":
    text = EXAMPLE.sub(lambda m: f"```sh\n{m['command']}\n```\n\n```text\n{run(m['command'])[1]}```", TEXT)
    with tempfile.TemporaryDirectory() as folder:
        answer = json.dumps(published(folder)[0], indent=2, ensure_ascii=False)
    text = PUBLISHED.sub(lambda m: f"```sh\n{PUBLISH}```\n\n```json\n{answer}\n```", text)
    PAGE.write_text(text, encoding="utf-8")
    sys.exit(0)
