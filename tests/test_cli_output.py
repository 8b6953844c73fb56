"""What every command prints: user text as plain text, control characters shown, a closed pipe quiet,
diagnostics counted once, capped per code and located on the command line as typed, and help for every option.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from esirules.cli.main import COMMANDS, build_parser, main
from esirules.diagnostics import Diagnostic
from esirules.render.diagnostics import LISTED_PER_CODE, render_json, render_text
from esirules.span import Span

EXAMPLE = REPO / "examples" / "hertfordshire"
ESC = "\x1b"


def run(*argv: str, cwd: Path = REPO, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        patch.setenv("COLUMNS", "200")
        for name, value in (env or {}).items():
            patch.setenv(name, value)
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the bundled example and rulesets, to edit."""
    shutil.copytree(EXAMPLE, tmp_path / "examples" / "hertfordshire")
    shutil.copytree(REPO / "rulesets", tmp_path / "rulesets")
    return tmp_path / "examples" / "hertfordshire"


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Rich markup in user text is printed as written (F07)


def test_markup_in_a_title_is_printed_as_written(example: Path) -> None:
    code, out, err = run("score", "followup.yaml", "--title", "[/x]", cwd=example)
    assert (code, err) == (0, "")
    assert out.lstrip().startswith("[/x]")
    link = "[bold red]RED[/] [link=http://evil]x[/link]"
    code, out, _ = run("score", "summary.yaml", "--title", link, cwd=example, env={"FORCE_COLOR": "1"})
    assert code == 0
    assert link in out  # on a colour terminal too: no style applied from it, and no live link
    assert f"{ESC}]8;" not in out


def test_markup_in_evidence_rulesets_and_sheet_labels_is_printed_as_written(example: Path) -> None:
    replace(example / "followup.yaml", "by: Lead inspector", 'by: "[/x]"')
    ruleset = example.parent.parent / "rulesets" / "esi-2003.esi"
    replace(ruleset, 'criterion B1 "Assessment of risk of harm"', 'criterion B1 "[/x] Assessment :smile:"')
    (example / "sheet.yaml").write_text(
        'columns:\n  - {label: "[/x]", evidence: followup.yaml, sample: february}\n', encoding="utf-8"
    )
    code, out, err = run("score", "sheet.yaml", cwd=example)
    assert (code, err) == (0, "")
    assert "B1: [/x] Assessment :smile:" in out  # no markup, no emoji codes
    assert "[1] [/x], A1: computed Not met; adjusted to Partly met by [/x]" in out
    code, out, _ = run("explain", "followup.yaml", "A1", "--sample", "february", cwd=example)
    assert code == 0 and "by [/x]" in out


# ---------------------------------------------------------------------------------------------
# Control characters are shown, not obeyed (F08)


@pytest.fixture
def escaped(example: Path) -> Path:
    """The follow-up inspection with ESC in a case id, in its title and in an adjustment's reason."""
    cases = example / "followup-cases.csv"
    cases.write_text(cases.read_text(encoding="utf-8").replace("F01,", f"{ESC}[2JF01,", 1), encoding="utf-8")
    replace(example / "followup.yaml", 'inspection: "', r'inspection: "\e[31mHACKED ')
    return example


@pytest.mark.parametrize(
    "argv",
    [
        ("score", "followup.yaml", "--sample", "february"),
        ("score", "followup.yaml", "--sample", "february", "--format", "markdown"),
        ("score", "followup.yaml", "--sample", "february", "--format", "csv"),
        ("score", "followup.yaml", "--sample", "february", "--format", "json"),
        ("explain", "followup.yaml", "B1", "--sample", "february"),
        ("explain", "followup.yaml", "B1", "--sample", "february", "--format", "markdown"),
        ("explain", "followup.yaml", "B1", "--sample", "february", "--format", "json"),
        ("explain", "followup.yaml", "A1", "--sample", "february", "--case", f"{ESC}[2JF01"),
    ],
)
def test_no_escape_sequence_from_the_evidence_reaches_the_terminal(escaped: Path, argv: tuple[str, ...]) -> None:
    """Evidence holding a control character is refused (E117), and the diagnostic that says so shows the
    character written out: the escape sequence is never obeyed, whichever command and format was asked for."""
    code, out, err = run(*argv, cwd=escaped)
    assert code == 1, err
    assert ESC not in out + err
    assert out == ""
    assert err.count("error[E117]") == 2
    assert "\\x1b[2JF01" in err  # the case id, written out
    assert "\\x1b[31mHACKED" in err  # the inspection's title, written out


def test_no_escape_sequence_reaches_the_terminal_from_diagnostics(example: Path) -> None:
    cases = example / "followup-cases.csv"
    cases.write_text(cases.read_text(encoding="utf-8").replace("february,high", f"february,{ESC}[2Jextreme", 1))
    code, out, err = run("score", "followup.yaml", cwd=example)
    assert code == 1 and out == ""
    assert ESC not in err and "\\x1b[2Jextreme" in err
    # The caret stays under the value as shown: ESC takes four characters, and so does its underline.
    lines = err.splitlines()
    at = next(i for i, line in enumerate(lines) if "\\x1b[2Jextreme" in line and "|" in line)
    assert lines[at + 1].index("^") == lines[at].index("\\x1b[2Jextreme")
    # Under ESC (one character, written as four) or, where the whole value is underlined, under all of it.
    assert lines[at + 1].count("^") in (len("\\x1b"), len("\\x1b[2Jextreme"))
    code, _, err = run("explain", str(EXAMPLE / "followup.yaml"), "B1", "--case", f"{ESC}]0;owned{ESC}\\")
    assert code == 1 and ESC not in err and "\\x1b]0;owned" in err  # the command line, quoted in the diagnostic


def test_a_ruleset_name_with_control_characters_is_shown_written_out(tmp_path: Path) -> None:
    ruleset = tmp_path / "r.esi"
    ruleset.write_text('ruleset "x\x1b[2J\x9b1m"\n', encoding="utf-8")
    code, out, err = run("check", str(ruleset))
    assert code == 0 and ESC not in out + err and "\x9b" not in out + err
    assert 'ok — x\\x1b[2J\\x9b1m' in out
    code, out, _ = run("check", str(ruleset), "--format", "json")
    assert code == 0 and "\x9b" not in out and ESC not in out
    assert json.loads(out)["rulesets"][0]["ruleset"] == "x\x1b[2J\x9b1m"  # the name itself, escaped only as JSON


# ---------------------------------------------------------------------------------------------
# A reader that stops early (M01)

CLOSED_PIPE_COMMANDS = [
    ["--help"],
    ["score", "--help"],
    ["check", "rulesets/esi-2003.esi"],
    ["check", "rulesets/esi-2003.esi", "--format", "json"],
    *(["score", "examples/hertfordshire/summary.yaml", "--format", f] for f in ("table", "json", "csv", "markdown")),
    *(["explain", "examples/hertfordshire/summary.yaml", "A1", "--column", "Feb", "--format", f]
      for f in ("text", "json", "markdown")),
    *(["diff", "rulesets/esi-2003.esi", "rulesets/esi-2004-followup.esi", "--format", f]
      for f in ("text", "json", "markdown")),
    *(["handbook", "rulesets/esi-2003.esi", "--format", f] for f in ("markdown", "html")),
]


def test_every_command_and_format_ends_quietly_with_0_when_the_reader_has_gone() -> None:
    """Standard output is a pipe whose reading end is closed before the command writes anything."""
    started = []
    for argv in CLOSED_PIPE_COMMANDS:
        read, write = os.pipe()
        os.close(read)
        process = subprocess.Popen(
            [sys.executable, "-m", "esirules.cli.main", *argv],
            cwd=REPO, stdout=write, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        )
        os.close(write)
        started.append((argv, process))
    for argv, process in started:
        _, err = process.communicate(timeout=120)
        assert (process.returncode, err.decode()) == (0, ""), argv


def test_output_that_cannot_be_written_is_one_line_exit_2_never_a_traceback(example: Path) -> None:
    """A full disk (/dev/full), an encoding without the sheet's characters, and a closed
    standard output where the command writes a file instead (it works)."""
    sheet = ["score", "examples/hertfordshire/summary.yaml"]
    cases = [
        (sheet, {}, "/dev/full", "cannot write standard output: no space left on device"),
        (["--version"], {}, "/dev/full", "cannot write standard output: no space left on device"),
        (["score", "--help"], {}, "/dev/full", "cannot write standard output: no space left on device"),
        (["score", "examples/hertfordshire/summary.yaml", "--format", "json"], {"PYTHONIOENCODING": "latin-1"}, None,
         "cannot write standard output: its encoding, iso8859-1, cannot show the character U+2013; use a UTF-8 locale"),
    ]
    for argv, environment, into, words in cases:
        with open(into or os.devnull, "wb") as target:
            stdout = target if into else subprocess.PIPE
            done = subprocess.run([sys.executable, "-m", "esirules.cli.main", *argv], cwd=REPO, stdout=stdout,
                                  stderr=subprocess.PIPE, env={**os.environ, **environment}, timeout=120)
        err = done.stderr.decode()
        assert done.returncode == 2 and err.startswith(f"esirules: error: {words}") and "Traceback" not in err, (argv, err)
    written = example / "sheet.txt"
    closed = subprocess.run(["sh", "-c", 'exec "$0" -m esirules.cli.main "$@" >&- <&-', sys.executable,
                             *sheet, "--output", str(written)], cwd=REPO, stderr=subprocess.PIPE, timeout=120)
    assert (closed.returncode, closed.stderr.decode()) == (0, "") and "Overall" in written.read_text()
    # ... but a sheet printed to a closed standard output is not a silent success
    printed = subprocess.run(["sh", "-c", 'exec "$0" -m esirules.cli.main "$@" >&-', sys.executable, *sheet],
                             cwd=REPO, stderr=subprocess.PIPE, timeout=120)
    assert (printed.returncode, printed.stderr.decode()) == (2, "esirules: error: cannot write standard output: it is closed\n")


def test_a_file_written_is_never_coloured_and_a_width_of_0_is_no_width(example: Path) -> None:
    sheet = example / "sheet.txt"
    argv = [sys.executable, "-m", "esirules.cli.main", "score", "examples/hertfordshire/summary.yaml"]
    coloured = subprocess.run([*argv, "--output", str(sheet)], cwd=REPO, env={**os.environ, "FORCE_COLOR": "1"},
                              capture_output=True, timeout=120)
    assert coloured.returncode == 0 and "\x1b" not in sheet.read_text() and "Overall" in sheet.read_text()
    for columns in ("0", "3"):  # (some environments set COLUMNS=0 where there is no terminal)
        printed = subprocess.run(argv, cwd=REPO, env={**os.environ, "COLUMNS": columns}, capture_output=True,
                                 text=True, timeout=120)
        assert printed.returncode == 0 and "Overall" in printed.stdout, columns
        assert max(len(line) for line in printed.stdout.splitlines()) == 80, columns


def test_the_language_server_ends_quietly_when_the_editor_has_gone() -> None:
    body = b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'
    end = b'{"jsonrpc":"2.0","method":"exit"}'
    messages = b"".join(b"Content-Length: %d\r\n\r\n%s" % (len(m), m) for m in (body, end))
    read, write = os.pipe()
    os.close(read)
    process = subprocess.Popen(
        [sys.executable, "-m", "esirules.cli.main", "lsp"], cwd=REPO, stdout=write, stderr=subprocess.PIPE,
        stdin=subprocess.PIPE,
    )
    os.close(write)
    _, err = process.communicate(messages, timeout=120)
    assert (process.returncode, err.decode()) == (0, "")


# ---------------------------------------------------------------------------------------------
# Diagnostics: linear, capped per code, counted once (F11, point 5)


class CountedText(str):
    """A source text that counts how often it is split into lines."""

    splits = 0

    def splitlines(self, keepends: bool = False) -> list[str]:  # type: ignore[override]
        CountedText.splits += 1
        return super().splitlines(keepends)


def test_many_diagnostics_split_each_source_once_and_list_twenty_of_each_code() -> None:
    source = CountedText("".join(f"C{n},february,maybe\n" for n in range(5000)))
    found = [Diagnostic("E121", f"case `C{n}`: `maybe` is not an answer", Span("cases.csv", n + 1, 13, n + 1, 18))
             for n in range(5000)]
    found.append(Diagnostic("E114", "a value", Span("cases.csv", 1, 1, 1, 3)))
    CountedText.splits = 0
    text = render_text(found, {"cases.csv": source})
    assert CountedText.splits == 1  # not once per diagnostic: the time grows with the file, not with their product
    assert text.count("error[E121]") == LISTED_PER_CODE == 20
    assert text.count("error[E114]") == 1
    assert "… and 4980 more E121 errors like these" in text
    assert text.rstrip().endswith("5001 errors found")  # the total is of all of them
    assert len(json.loads(render_json(found))["diagnostics"]) == 5001  # JSON lists every one


def test_a_file_with_many_bad_answers_is_listed_with_the_count_of_the_rest(example: Path) -> None:
    with (example / "followup-cases.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("B1.start")
    for row in rows[1:]:
        row[column] = "maybe"  # not an answer on the scale: one E121 a case
    with (example / "bad.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    code, out, err = run("score", "bad.csv", "--ruleset", "../../rulesets/esi-2004-followup.esi", cwd=example)
    assert code == 1 and out == ""
    count = len(rows) - 1
    assert err.count("error[E121]") == 20
    assert f"… and {count - 20} more E121 errors like these" in err
    assert err.rstrip().endswith(f"{count} errors found")


def test_checking_several_files_counts_every_problem_once_at_the_end(tmp_path: Path) -> None:
    bad = 'ruleset "x"\nscale a: yes > no\nanswers on a, met when yes\nsection B "b" {\n  criterion B1 "c" weight -1 { question B1.1 "q" }\n}\n'
    for name in ("a.esi", "b.esi"):
        (tmp_path / name).write_text(bad, encoding="utf-8")
    code, out, err = run("check", "a.esi", "b.esi", str(REPO / "rulesets" / "esi-2003.esi"), cwd=tmp_path)
    assert code == 1
    assert re.findall(r"\d+ errors? found.*", err) == ["2 errors found in 2 of 3 files"]
    assert err.rstrip().endswith("2 errors found in 2 of 3 files")
    assert "esi-2003.esi: ok" in out


def test_a_summary_counts_in_words() -> None:
    code, out, _ = run("check", str(REPO / "docs" / "examples" / "language" / "gradings.esi"))
    assert code == 0
    assert not re.search(r"\b1 (sections|criteria|questions|items)\b", out)


# ---------------------------------------------------------------------------------------------
# The command line, as typed (point 3)


def test_a_bad_sample_is_underlined_in_the_command_line_as_typed() -> None:
    argv = ["score", "examples/hertfordshire/followup.yaml", "--ruleset", "rulesets/esi-2004-followup.esi",
            "--sample", "february", "--sample=autumn", "--title", "My sheet", "--format", "csv"]
    code, out, err = run(*argv)
    assert code == 1 and out == ""
    typed = "esirules " + shlex.join(argv)
    assert f" 1 | {typed}\n" in err  # every option, with `My sheet` quoted as a shell needs it
    line, carets = next((a, b) for a, b in zip(err.splitlines(), err.splitlines()[1:]) if "^" in b)
    assert line[carets.index("^"):].startswith("autumn") and carets.count("^") == len("autumn")


def test_explain_underlines_the_target_and_the_condition_where_they_were_typed() -> None:
    argv = ["explain", "examples/hertfordshire/summary.yaml", "B9", "--column", "Feb",
            "--where", "risk_of_harm >= hgh"]
    code, _, err = run(*argv)
    assert code == 1
    typed = "esirules " + shlex.join(argv)
    assert err.count(f" 1 | {typed}\n") == 2
    underlined = [line[carets.index("^"):carets.rindex("^") + 1]
                  for line, carets in zip(err.splitlines(), err.splitlines()[1:]) if carets.strip().startswith("|")
                  and "^" in carets]
    assert underlined == ["B9", "hgh"]


# ---------------------------------------------------------------------------------------------
# Help for every option of every command (point 12)


def parsers(parser: argparse.ArgumentParser, name: str) -> list[tuple[str, argparse.ArgumentParser]]:
    """A parser and every parser below it (commands, and actions of commands such as `db upgrade`)."""
    found = [(name, parser)]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helped = {choice.dest for choice in action._choices_actions if choice.help}
            assert helped == set(action.choices), f"{name}: a command without a description"
            for sub, subparser in action.choices.items():
                found += parsers(subparser, f"{name} {sub}")
    return found


def test_every_option_of_every_command_says_what_it_does() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(commands.choices) == set(COMMANDS)
    walked = parsers(parser, "esirules")
    assert {name for name, _ in walked} >= {f"esirules {c}" for c in COMMANDS}
    for name, command in walked:
        for action in command._actions:
            if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
                continue
            assert action.help and action.help.strip(), f"{name} {action.option_strings or action.dest}"
    code, out, _ = run("score", "--help")
    assert code == 0 and re.search(r"--format \{table,json,csv,markdown,html\}\s+how to print the sheet", out)


def test_a_progress_bar_shows_a_file_name_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    from esirules.cli import progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)
    with progress.TerminalProgress(stream).task(f"loading [/x]{ESC}[2J.csv") as task:
        task._show()  # as the timer would, after the delay
    assert "[/x]\\x1b[2J.csv" in stream.getvalue() and ESC + "[2J" not in stream.getvalue()


@pytest.mark.parametrize("width", [40, 80, 120])
def test_a_progress_bar_keeps_its_figures_whole_on_a_narrow_terminal(
    monkeypatch: pytest.MonkeyPatch, width: int
) -> None:
    """At 40 columns the figures were cut ("12345…"): the file's name is cut short instead."""
    from esirules.cli import progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    monkeypatch.setenv("COLUMNS", str(width))
    name = "loading examples/hertfordshire/cases-september.csv"
    with progress.TerminalProgress(stream).task(name, total=200_000) as task:
        task.advance(123_456)
        task._show()  # as the timer would, after the delay
        task._display.refresh()
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", stream.getvalue()).replace("\r", "\n")
    lines = [line for line in shown.splitlines() if "123456/200000" in line]
    assert lines and all(len(line.rstrip()) <= width for line in lines)
    assert ("loading examples/hertfordshire/cases-september.csv" in lines[-1]) == (width >= 100)
    assert re.search(r"\d:\d\d:\d\d$", lines[-1].rstrip())  # the time, whole


# ---------------------------------------------------------------------------------------------
# --output: the file is written whole, and only when the command succeeds


@pytest.mark.parametrize("command", [("score", "followup.yaml", "--format", "html"),
                                     ("explain", "followup.yaml", "B1", "--sample", "february", "--format", "markdown")])
def test_output_is_written_whole_and_a_mistake_leaves_the_last_good_file(example: Path, command: tuple[str, ...]) -> None:
    target = example / "kept.out"
    code, out, err = run(*command, "--output", str(target), cwd=example)
    assert (code, out) == (0, "") and err.count("error") == 0
    written = target.read_text(encoding="utf-8")
    assert written == run(*command, cwd=example)[1]  # what standard output would have had
    replace(example / "followup.yaml", "A1.visibility: strong", "A1.visibility: stronk")
    code, out, err = run(*command, "--output", str(target), cwd=example)
    assert (code, out) == (1, "") and "error[E131]" in err
    assert target.read_text(encoding="utf-8") == written  # (`> kept.out` would have emptied it)
    assert sorted(p.name for p in example.iterdir() if p.name.startswith(".")) == []  # no temporary file left


def test_output_never_overwrites_an_input(example: Path) -> None:
    before = (example / "followup.yaml").read_bytes()
    for command in (("score", "followup.yaml", "--output", "followup.yaml"),
                    ("explain", "followup.yaml", "B1", "--output", "./followup.yaml"),
                    ("handbook", "../../rulesets/esi-2003.esi", "--output", "../../rulesets/esi-2003.esi")):
        code, out, err = run(*command, cwd=example)
        assert (code, out) == (2, "") and "is an input of this command: name another file with `--output`" in err
    assert (example / "followup.yaml").read_bytes() == before


def test_output_never_overwrites_a_file_the_evidence_names(example: Path) -> None:
    """The cases file, the ruleset and its parent, and a summary sheet's evidence are read though
    not named on the command line: writing the sheet over one would lose it."""
    kept = {path: path.read_bytes() for path in (example / "followup-cases.csv", example / "followup.yaml",
                                                 example.parent.parent / "rulesets" / "esi-2003.esi")}
    for command in (("score", "followup.yaml", "--output", "followup-cases.csv"),
                    ("explain", "followup.yaml", "B1", "--sample", "february", "--output", "followup-cases.csv"),
                    ("score", "followup.yaml", "--output", "../../rulesets/esi-2003.esi"),
                    ("score", "summary.yaml", "--output", "followup.yaml")):
        code, out, err = run(*command, cwd=example)
        assert (code, out) == (2, "") and f"cannot write `{command[-1]}`: this command read it" in err, command
    assert all(path.read_bytes() == data for path, data in kept.items())


def test_output_into_a_folder_that_does_not_exist_says_so(example: Path) -> None:
    code, out, err = run("score", "followup.yaml", "--output", "nowhere/sheet.csv", cwd=example)
    assert (code, out) == (2, "")
    assert "cannot write `nowhere/sheet.csv`: there is no folder `nowhere` to write it in; make the folder first" in err
    assert not (example / "nowhere").exists()


def test_a_word_a_command_does_not_take_shows_its_own_usage_and_a_misspelt_command_the_one_meant(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from esirules.cli.main import main

    assert main(["score", "--bogus", "x.yaml"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: esirules score [-h]") and err.endswith("esirules: error: unrecognized arguments: --bogus\n")
    assert main(["scroe", "x.yaml"]) == 2
    assert capsys.readouterr().err.endswith("; did you mean `score`?\n")


@pytest.mark.parametrize("words", [["check", "-"], ["test", "-"], ["score", "-"], ["explain", "-", "B1"],
                                   ["score", "x.yaml", "--ruleset", "-"], ["diff", "-", "new.esi"],
                                   ["handbook", "-"], ["template", "-"]])
def test_standard_input_named_to_a_command_that_reads_files_is_said_to_be_read_only_by_fmt(
    capsys: pytest.CaptureFixture[str], words: list[str]
) -> None:
    """`check -` was told "cannot read the ruleset file `-`: no such file or directory"."""
    from esirules.cli.main import main

    assert main(words) == 2
    assert capsys.readouterr().err == (
        f"esirules: error: `-` (standard input) is read only by `esirules fmt`; give `esirules {words[0]}` "
        "the file's name (save what you would pipe in to a file first)\n")
