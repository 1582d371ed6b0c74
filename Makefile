# The two commands of the README: `make run` and `make test`. Both make a virtual
# environment in .venv on first use and install the project into it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: run test test-sqlite test-postgres lint install bench

$(BIN)/journeybot: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/journeybot

install: $(BIN)/journeybot

run: install
	$(BIN)/journeybot run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test-sqlite: install
	$(BIN)/python -m pytest -q

test-postgres: install
	./scripts/ensure-postgres
	TEST_DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -q

test: lint test-sqlite test-postgres

bench: install
	$(BIN)/python bench/ack.py
