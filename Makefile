.PHONY: run test bench lint eval
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/survey-app demo

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/exports.py

# Every labelled set of the anonymiser in tests/data (dev, extra, and a held-out set once added
# as tests/data/pii-<name>.jsonl), side by side; or name files: make eval EVAL_SETS="FILE ...".
EVAL_SETS ?= $(sort $(wildcard tests/data/pii-*.jsonl))
eval: $(STAMP)
	$(BIN)/python -m survey_app.privacy.evaluate $(EVAL_SETS)

lint: $(STAMP)
	$(BIN)/ruff check .
