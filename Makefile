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
	$(BIN)/python bench/journey.py
	$(BIN)/python bench/exports.py

eval: $(STAMP)
	$(BIN)/python -m survey_app.privacy.evaluate tests/data/pii-dev.jsonl

lint: $(STAMP)
	$(BIN)/ruff check .
