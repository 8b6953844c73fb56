# Set-up is part of every target: a fresh clone needs only python3 and make.
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: example test lint bench

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $(STAMP)

example: $(STAMP)
	$(VENV)/bin/esirules check rulesets/*.esi
	$(VENV)/bin/esirules score examples/hertfordshire/summary.yaml

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

test: lint
	$(VENV)/bin/esirules check rulesets/*.esi examples/frameworks/*/*.esi
	$(VENV)/bin/esirules fmt --check rulesets/*.esi docs/examples/*/*.esi examples/frameworks/*/*.esi
	$(VENV)/bin/esirules test rulesets/*.esi examples/frameworks/*/*.esi
	$(VENV)/bin/pytest -q

bench: $(STAMP)
	bench/run
