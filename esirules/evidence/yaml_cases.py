"""Cases written in an evidence file: the YAML nodes under `cases:` in, a case table out (as a CSV file's).

Each case is a set of fields (`id`, `sample`, attributes, and `answers:` by question); each cell
keeps the line and column it was written at, so the encoder reports problems there.
"""

from __future__ import annotations

from collections.abc import Callable

import yaml

from esirules.diagnostics import Diagnostic, did_you_mean
from esirules.evidence.document import Problems, at, expect, fields, node_kind, scalar_text
from esirules.evidence.table import CaseTable
from esirules.evidence.vocabulary import Vocabulary, shown, suggest
from esirules.span import Span


class InlineCases:
    """Reads the cases written in one evidence file, reporting what is not a case's field."""

    def __init__(self, path: str, vocab: Vocabulary, problems: Problems):
        self.path = path
        self.vocab = vocab
        self.ruleset = vocab.ruleset
        self.problems = problems

    def table(self, nodes: list[yaml.Node]) -> CaseTable:
        """The cases written in the evidence file, as a table like a CSV file's."""
        file, vocab = self.path, self.vocab
        for node in nodes:
            if not isinstance(node, yaml.MappingNode):
                message = f"a case must be a set of fields such as `id:`, not a {node_kind(node)}"
                self.problems.append(Diagnostic("E103", message, at(file, node)))
        cases = [node for node in nodes if isinstance(node, yaml.MappingNode)]
        columns: dict[str, list[str | None]] = {"id": [None] * len(cases)}
        positions: dict[tuple[str, int], Span] = {}
        reported: set[tuple[str, int]] = set()

        def put(field: str, index: int, node: yaml.Node, what: str) -> None:
            found = len(self.problems)
            value = scalar_text(file, node, what, self.problems)
            if len(self.problems) > found:  # not a single value, or not plain text: reported
                reported.add((field, index))
            columns.setdefault(field, [None] * len(cases))[index] = value
            positions[field, index] = at(file, node)

        for index, case in enumerate(cases):
            positions["id", index] = Span.point(file, case.start_mark.line + 1, case.start_mark.column + 1)
            for key, key_node, value in fields(file, case, self.problems):
                if key == "id":
                    put("id", index, value, "a case's `id`")
                elif key == "sample":
                    put("sample", index, value, "a case's `sample`")
                elif key == "answers":
                    self._answers(index, value, put)
                elif (attribute := vocab.resolve_attribute(key)) is not None:
                    put(f"attribute:{attribute}", index, value, f"attribute `{attribute}`")
                elif vocab.resolve_question(key) is not None:
                    self.problems.append(
                        Diagnostic(
                            "E112",
                            f"`{shown(key)}` is a question, not a case attribute",
                            at(file, key_node),
                            f"put answers under `answers:`, e.g. `answers: {{{key}: yes}}`",
                        )
                    )
                elif not vocab.is_ignored_question(key):
                    self.problems.append(self._unknown_attribute(key, key_node))
        table = CaseTable.from_cells(file, [case.start_mark.line + 1 for case in cases], columns)
        table.positions, table.reported = positions, reported
        return table

    def _answers(self, index: int, node: yaml.Node, put: Callable[[str, int, yaml.Node, str], None]) -> None:
        if not expect(self.path, node, yaml.MappingNode, "`answers`", self.problems):
            return
        for key, key_node, value in fields(self.path, node, self.problems):
            question = self.vocab.resolve_question(key)
            if question is not None:
                put(f"answer:{question}", index, value, f"the answer to `{question}`")
            elif not self.vocab.is_ignored_question(key):
                self.problems.append(
                    Diagnostic(
                        "E120",
                        f"`{shown(key)}` is not a question of ruleset `{self.ruleset.name}`",
                        at(self.path, key_node),
                        did_you_mean(key, self.vocab.questions),
                    )
                )

    def _unknown_attribute(self, key: str, key_node: yaml.Node) -> Diagnostic:
        help_ = suggest(key, self.vocab.attributes, "the attributes")
        close_question = did_you_mean(key, self.vocab.questions) if self.vocab.questions else None
        if (
            close_question
            and close_question.startswith("did you mean")
            and not (help_ or "").startswith("did you mean")
        ):
            help_ = f"{close_question} answers go under `answers:`"
        return Diagnostic(
            "E112",
            f"`{shown(key)}` is not a case attribute of ruleset `{self.ruleset.name}`",
            at(self.path, key_node),
            help_,
        )
