"""The walk-through of docs/api.md, run for real: every ```sh block in order, in one bash session, against a real server.

What each block prints must be the ```json or ```text block after it, exactly (a block with no
output block after it must print nothing). The session runs in a copy of `rulesets/` and
`examples/`, on a free port instead of 8080. Then its figures are checked against the command
line's: the sheet it printed is `esirules score examples/hertfordshire/summary.yaml --format csv`,
and the explanation of A1 it saved is `esirules explain ... A1 --column Feb --format json` (paths
aside). After a change to the output, rewrite the blocks by running this file:
`.venv/bin/python tests/test_service_walkthrough.py`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from service_helpers import free_port  # noqa: E402
from test_service_api import cli, same_but_paths  # noqa: E402

DOC = ROOT / "docs" / "api.md"
HEADING = "## Walk-through"
BLOCK = re.compile(r"```sh\n(?P<command>.*?)\n```(?:\n\n(?:[^`\n][^\n]*\n\n)?```(?P<kind>json|text)\n(?P<output>.*?)```)?",
                   re.DOTALL)
MARK = "@@@ block {} @@@"


def section(text: str) -> str:
    start = text.index(HEADING)
    end = text.find("\n## ", start + len(HEADING))
    return text[start: end if end >= 0 else len(text)]


def blocks(text: str) -> list[re.Match[str]]:
    return list(BLOCK.finditer(section(text)))


def run_session(folder: Path) -> tuple[list[str], Path]:
    """Run every sh block of the walk-through in one bash session in a copy of the repository's
    inputs; what each block printed, and the folder it ran in."""
    for name in ("rulesets", "examples"):
        shutil.copytree(ROOT / name, folder / name)
    port = str(free_port())
    script = ["set -e -o pipefail"]
    for number, match in enumerate(blocks(DOC.read_text(encoding="utf-8"))):
        script.append(f"echo '{MARK.format(number)}'")
        script.append(match["command"].replace("8080", port))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("ESIRULES_DB", None)
    process = subprocess.Popen(["bash", "-c", "\n".join(script)], cwd=folder, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = process.communicate(timeout=240)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)  # the server, if a block failed before stopping it
    assert process.returncode == 0, f"the walk-through failed:\n{out[-2000:]}\n{err[-3000:]}"
    printed = re.split(r"@@@ block \d+ @@@\n", out)[1:]
    return [p.rstrip("\n") for p in printed], folder


def test_the_walkthrough_prints_what_the_page_shows_and_agrees_with_the_command_line(tmp_path: Path) -> None:
    found = blocks(DOC.read_text(encoding="utf-8"))
    assert len(found) >= 10
    printed, folder = run_session(tmp_path)
    assert len(printed) == len(found)
    for match, output in zip(found, printed):
        expected = (match["output"] or "").rstrip("\n")
        assert output == expected, match["command"]
    sheet = next(p for m, p in zip(found, printed) if "/v1/sheet" in m["command"])
    hertfordshire = ROOT / "examples" / "hertfordshire"
    assert sheet + "\n" == cli("score", "summary.yaml", "--format", "csv", cwd=hertfordshire)
    explanation = json.loads((folder / "a1.json").read_text(encoding="utf-8"))
    expected_explanation = json.loads(cli("explain", "summary.yaml", "A1", "--column", "Feb", "--format", "json",
                                          cwd=hertfordshire))
    assert same_but_paths(explanation) == same_but_paths(expected_explanation)


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        outputs, _ = run_session(Path(scratch))
    text = DOC.read_text(encoding="utf-8")
    old = section(text)
    matches = blocks(text)
    new, last = [], 0
    for match, output in zip(matches, outputs):
        new.append(old[last: match.start()])
        block = match.group(0)
        if match["kind"]:
            head = block[: match.start("output") - match.start()]
            block = head + output + ("\n" if output else "") + "```"
        new.append(block)
        last = match.end()
    new.append(old[last:])
    DOC.write_text(text.replace(old, "".join(new)), encoding="utf-8")
