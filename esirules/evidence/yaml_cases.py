"""Cases written in an evidence file: the YAML nodes under `cases:` in, a case table out (as a CSV file's).

Each case is a set of fields (`id`, `sample`, attributes, and `answers:` by question); each cell
keeps the line and column it was written at, so the encoder reports problems there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

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
        written: dict[tuple[str, int], yaml.Node] = {}
        reported: set[tuple[str, int]] = set()
        blank: list[str | None] = [None] * len(cases)

        def put(field: str, index: int, node: yaml.Node, what: str) -> None:
            found = len(self.problems)
            value = scalar_text(file, node, what, self.problems)
            if len(self.problems) > found:  # not a single value, or not plain text: reported
                reported.add((field, index))
            column = columns.get(field)
            if column is None:
                column = columns[field] = blank.copy()
            column[index] = value
            written[field, index] = node

        for index, case in enumerate(cases):
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
        table.positions, table.reported = _Positions(file, cases, written), reported
        return table

    def _answers(self, index: int, node: yaml.Node, put: Callable[[str, int, yaml.Node, str], None]) -> None:
        if not expect(self.path, node, yaml.MappingNode, "`answers`", self.problems):
            return
        for key, key_node, value in fields(self.path, node, self.problems):
            question = self.vocab.resolve_question(key)
            if question is not None:
                put(f"answer:{question}", index, value, f"the answer to `{question}`")
            elif (answered := self.vocab.judgement_answered(key, at(self.path, key_node))) is not None:
                self.problems.append(answered)
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


class _Positions(Mapping[tuple[str, int], Span]):
    """Where each value of a case is written (its case's start for the `id` of a case without
    one), made only for the few values a problem or warning is reported at."""

    def __init__(self, file: str, cases: list[yaml.MappingNode], nodes: dict[tuple[str, int], yaml.Node]):
        self.file, self.cases, self.nodes = file, cases, nodes

    def __getitem__(self, key: tuple[str, int]) -> Span:
        node = self.nodes.get(key)
        if node is not None:
            return at(self.file, node)
        field, index = key
        if field != "id" or not 0 <= index < len(self.cases):
            raise KeyError(key)
        mark = self.cases[index].start_mark
        return Span.point(self.file, mark.line + 1, mark.column + 1)

    def __contains__(self, key: object) -> bool:
        if key in self.nodes:
            return True
        return isinstance(key, tuple) and len(key) == 2 and key[0] == "id" and 0 <= key[1] < len(self.cases)

    def __iter__(self) -> Iterator[tuple[str, int]]:
        yield from self.nodes
        yield from (("id", i) for i in range(len(self.cases)) if ("id", i) not in self.nodes)

    def __len__(self) -> int:
        return len(self.nodes) + sum(("id", i) not in self.nodes for i in range(len(self.cases)))
