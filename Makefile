.PHONY: run test test-fast bench lint eval
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Running needs the service's packages only; tests, lint and benchmarks add the test tools
# (pytest, Hypothesis, Playwright...). Each set is installed once, again when pyproject changes.
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test

$(RUN_STAMP): pyproject.toml
	@echo "==> making a Python environment in $(VENV)"
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	@echo "==> installing the service's Python packages (first run only: a minute or two)"
	@$(BIN)/python -m pip install --quiet --upgrade pip
	@$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(TEST_STAMP): $(RUN_STAMP)
	@echo "==> installing the test tools: pytest, Hypothesis, Playwright, ruff, mypy (first time only)"
	@$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

run: $(RUN_STAMP)
	$(BIN)/survey-app demo

test: $(TEST_STAMP)
	$(BIN)/python -m pytest

# The inner loop: no PostgreSQL, Redis or browser (tests/conftest.py says how they are picked).
test-fast: $(TEST_STAMP)
	$(BIN)/python -m pytest --fast -m "not services and not browser"

bench: $(TEST_STAMP)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/burst.py
	$(BIN)/python bench/journey.py
	$(BIN)/python bench/exports.py
	$(BIN)/python bench/screen.py
	$(BIN)/python bench/long_answers.py
	$(BIN)/python bench/disclosure.py
	$(BIN)/python bench/themes.py --sizes 10000 1000000
	$(BIN)/python bench/prepost_statistics.py

# Every labelled set in tests/data, side by side: the anonymiser's (pii-*: dev, the tuning sets,
# the older held-out sets, and the blind pii-heldout5 and pii-heldout8, which nobody tuning the
# anonymiser reads) and the risk screen's (risk-*); or name files: make eval EVAL_SETS="...".
EVAL_SETS ?= $(sort $(wildcard tests/data/pii-*.jsonl))
RISK_SETS ?= $(sort $(wildcard tests/data/risk-*.jsonl))
eval: $(RUN_STAMP)
	$(BIN)/python -m survey_app.privacy.evaluate $(EVAL_SETS)
	$(BIN)/python -m survey_app.safeguarding.evaluate $(RISK_SETS)
	$(BIN)/python -m survey_app.themes.evaluate tests/data/themes-coded.jsonl

lint: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
