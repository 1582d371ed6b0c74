# The two commands of the README: `make run` and `make test`. Both make a virtual
# environment in .venv on first use and install the project into it, every dependency
# from the hashed lock file (requirements-dev.lock), so two builds get the same bytes.
# `make lock` regenerates the lock files after a change to pyproject.toml.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
# The lock tool is pinned too: another uv version may resolve or format differently.
UV_VERSION ?= 0.13.9
LOCK_FLAGS = --generate-hashes --python-version 3.11 --universal --quiet

.PHONY: run test test-sqlite test-postgres lint install bench lock

$(BIN)/journeybot: pyproject.toml requirements.lock requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(BIN)/journeybot

install: $(BIN)/journeybot

run: install
	$(BIN)/journeybot run

# The last step looks for committed secrets: 0 findings, no baseline (a test value is
# marked where it stands, `# pragma: allowlist secret`, so each exception is reviewed).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	git ls-files -z | xargs -0 $(BIN)/detect-secrets-hook

test-sqlite: install
	$(BIN)/python -m pytest -q

test-postgres: install
	./scripts/ensure-postgres
	TEST_DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -q

test: lint test-sqlite test-postgres

# Runtime lock first (what the Docker image installs), then the test lock constrained to it,
# so both agree on every shared version. Run after editing dependencies in pyproject.toml.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet "uv==$(UV_VERSION)"
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra test $(LOCK_FLAGS) \
		-c requirements.lock -o requirements-dev.lock

bench: install
	$(BIN)/python bench/ack.py
