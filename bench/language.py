"""Benchmark the language stages: parse + check of the bundled rulesets, formatting, and CLI cold start.

Each figure is reported with a baseline measured in the same run, so the ratio holds across
machines of different speed: Lark's bare parse of the same text for parse + check, `check_text`
of the same file for formatting, and a bare `python -c pass` for cold start.
"""

from __future__ import annotations

import glob
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RULESETS = sorted(glob.glob(os.path.join(ROOT, "esirules", "rulesets", "*.esi")))


def median_seconds(work: Callable[[], object], repeat: int, clock: Callable[[], float] = time.perf_counter) -> float:
    times = []
    for _ in range(repeat):
        start = clock()
        work()
        times.append(clock() - start)
    return statistics.median(times)


def parsing(path: str, repeat: int = 20) -> dict[str, float]:
    """Text to syntax tree, warm: the direct parse (what `check` runs on text that parses) against
    Lark's parse and ToSyntax's walk of its tree (the way for text with mistakes), alternated."""
    from pathlib import Path

    from esirules.language.parse import lark_parse_text, parse_text

    text = Path(path).read_text(encoding="utf-8")
    direct, by_lark = [], []
    for _ in range(repeat + 1):  # the first of each is a warm-up
        for times, parse in ((direct, parse_text), (by_lark, lark_parse_text)):
            start = time.perf_counter()
            parse(text, path)
            times.append(time.perf_counter() - start)
    direct_s, lark_s = statistics.median(direct[1:]), statistics.median(by_lark[1:])
    return {
        "lines": text.count("\n"),
        "direct_ms": direct_s * 1000,
        "lark_and_tosyntax_ms": lark_s * 1000,
        "ratio": direct_s / lark_s,
    }


def parse_and_check(repeat: int = 30) -> dict[str, float]:
    """Warm parse + check + resolve of every bundled ruleset (extends included)."""
    from pathlib import Path

    from esirules.language.check import check_file, check_files
    from esirules.language.parse import parser

    texts = [Path(p).read_text(encoding="utf-8") for p in RULESETS]
    lark_parser = parser()
    for path in RULESETS:  # warm: grammar built, files cached by the OS
        check_file(path)

    def full() -> None:
        for checked in check_files(RULESETS):
            assert checked.ruleset is not None, checked.diagnostics

    def baseline() -> None:
        for text in texts:
            lark_parser.parse(text)

    full_s = median_seconds(full, repeat)
    base_s = median_seconds(baseline, repeat)
    return {
        "rulesets": len(RULESETS),
        "parse_check_ms": full_s * 1000,
        "baseline_lark_parse_ms": base_s * 1000,
        "ratio_to_baseline": full_s / base_s,
    }


def formatting(repeat: int = 21) -> dict[str, float]:
    """Warm `esirules fmt` of esi-2003.esi: as it is (already formatted: the usual case, e.g.
    `--check` in CI), and with the indentation of every line taken away (all but the lines inside
    triple quotes move)."""
    import re
    from pathlib import Path

    from esirules.authoring.fmt import format_text
    from esirules.authoring.fmt_layout import parse_layout, place
    from esirules.language.check import check_text

    path = os.path.join(ROOT, "esirules", "rulesets", "esi-2003.esi")
    text = Path(path).read_text(encoding="utf-8")
    pieces, position = [], 0
    for token in place(parse_layout(text)):
        pieces += [re.sub(r"\n[ \t]+", "\n", text[position : token.start]), text[token.start : token.end]]
        position = token.end
    flat = "".join(pieces) + text[position:]
    assert format_text(flat, path).text == text  # warm, and the flat text formats back exactly

    def check() -> None:
        check_text(text.encode("utf-8"), path, {})

    format_s = median_seconds(lambda: format_text(text, path), repeat)
    flat_s = median_seconds(lambda: format_text(flat, path), repeat)
    check_s = median_seconds(check, repeat)
    # CPU time of this process too: on a shared machine it moves less with the load than the clock.
    format_cpu_s = median_seconds(lambda: format_text(text, path), repeat, time.process_time)
    check_cpu_s = median_seconds(check, repeat, time.process_time)
    return {
        "lines": text.count("\n"),
        "format_ms": format_s * 1000,
        "format_unindented_ms": flat_s * 1000,
        "baseline_check_text_ms": check_s * 1000,
        "ratio_to_check": format_s / check_s,
        "format_cpu_ms": format_cpu_s * 1000,
        "baseline_check_text_cpu_ms": check_cpu_s * 1000,
        "cpu_ratio_to_check": format_cpu_s / check_cpu_s,
    }


def cold_start(repeat: int = 7) -> dict[str, float]:
    """New processes: `esirules --help`, and `esirules check` and `esirules fmt --check` on the
    bundled rulesets."""
    python = sys.executable

    def run(args: list[str]) -> Callable[[], object]:
        return lambda: subprocess.run(args, cwd=ROOT, capture_output=True, check=False)

    bare = median_seconds(run([python, "-c", "pass"]), repeat)
    help_s = median_seconds(run([python, "-m", "esirules.cli.main", "--help"]), repeat)
    check_s = median_seconds(run([python, "-m", "esirules.cli.main", "check", *RULESETS]), repeat)
    fmt_s = median_seconds(run([python, "-m", "esirules.cli.main", "fmt", "--check", *RULESETS]), repeat)
    return {
        "python_bare_s": bare,
        "help_s": help_s,
        "check_s": check_s,
        "fmt_check_s": fmt_s,
        "check_ratio_to_bare_python": check_s / bare,
    }


if __name__ == "__main__":
    import json

    print(json.dumps({"parse_check": parse_and_check(), "format": formatting(), "cold_start": cold_start()}, indent=2))
