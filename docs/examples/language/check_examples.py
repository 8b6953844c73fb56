"""Check the examples of docs/language.md: good rulesets check clean and pass their tests, each
mistake gives its code.

Run from the project root:  .venv/bin/python docs/examples/language/check_examples.py
"""

from __future__ import annotations

import pathlib
import re
import sys

from esirules.language.check import check_file

HERE = pathlib.Path(__file__).parent
DOC = HERE.parent.parent / "language.md"


def check(path: pathlib.Path) -> tuple[int, list[str]]:
    """The exit code `esirules check` gives the file (1 on any error) and the codes it reports;
    checked in this process, as `esirules check` checks it, rather than by starting it per file."""
    checked = check_file(str(path))
    codes = [d.code for d in checked.diagnostics]
    errors = checked.ruleset is None or any(d.severity == "error" for d in checked.diagnostics)
    return (1 if errors else 0), codes


def tests_pass(path: pathlib.Path) -> bool:
    """Whether every test the file holds passes, run in this process as `esirules test` runs them."""
    from esirules.authoring.testing import run_tests

    checked = check_file(str(path))
    assert checked.ruleset is not None  # INVARIANT: called only for a file that checked clean
    return not run_tests(checked.ruleset, checked.sources).failed


def fragments_found(examples: list[pathlib.Path]) -> list[str]:
    """Each ```esi block of the page must be a stretch of lines of one example file."""
    if not DOC.exists():
        return []
    texts = [[line.strip() for line in p.read_text().splitlines()] for p in examples]
    problems = []
    for number, block in enumerate(re.findall(r"```esi\n(.*?)```", DOC.read_text(), re.S), 1):
        lines = [line.strip() for line in block.splitlines()]
        if not any(_contains(text, lines) for text in texts):
            problems.append(f"language.md: esi block {number} is in no example file:\n{block}")
    return problems


def layouts_check() -> list[str]:
    """The layout example (```esi fmt-before / fmt-after) is a whole ruleset: each checks clean."""
    import tempfile

    problems = []
    for tag, block in re.findall(r"```esi (fmt-\w+)\n(.*?)```", DOC.read_text(), re.S):
        with tempfile.TemporaryDirectory() as folder:
            path = pathlib.Path(folder) / "layout.esi"
            path.write_text(block, encoding="utf-8")
            code, codes = check(path)
        if code != 0 or codes:
            problems.append(f"language.md: the {tag} example: exit {code}, diagnostics {codes}")
    return problems


def _contains(text: list[str], lines: list[str]) -> bool:
    wanted = [line for line in lines if line != "..."]
    parts = [[]]
    for line in lines:
        if line == "...":
            parts.append([])
        else:
            parts[-1].append(line)
    start = 0
    for part in parts:
        found = next((i for i in range(start, len(text) - len(part) + 1) if text[i : i + len(part)] == part), None)
        if found is None:
            return False
        start = found + len(part)
    return bool(wanted)


def main() -> int:
    failures = []
    root = HERE.parent.parent.parent
    examples = [*sorted(HERE.glob("*.esi")), *sorted(root.glob("esirules/rulesets/*.esi")),
                *sorted(root.glob("examples/frameworks/*/*.esi"))]
    for path in sorted(HERE.glob("*.esi")):
        code, codes = check(path)
        if code != 0 or codes:
            failures.append(f"{path.name}: exit {code}, diagnostics {codes}")
        elif not tests_pass(path):
            failures.append(f"{path.name}: a test fails (run `esirules test` on it)")
    for path in sorted((HERE / "mistakes").glob("*.bad")):
        expected = re.search(r"# expect: (\w+)", path.read_text(errors="replace")).group(1)  # type: ignore[union-attr]
        code, codes = check(path)
        wanted_exit = 0 if expected.startswith("W") else 1
        if set(codes) != {expected} or code != wanted_exit:
            failures.append(f"mistakes/{path.name}: expected {expected}, got exit {code}, diagnostics {codes}")
    failures += fragments_found(examples)
    failures += layouts_check()
    for failure in failures:
        print(failure)
    print(f"{'FAILED' if failures else 'ok'}: {len(failures)} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
