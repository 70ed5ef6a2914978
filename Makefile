# The two commands of the README: `make run` starts the product, `make test` runs every test.
# Both create the virtual environment from the lock file when it is missing or stale.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint fmt lock token benchmark soak fuzz letter-sample clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python -m core.devstack

test: install
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m scripts.probe_layers

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# A development bearer token, e.g. make token ARGS="--user officer.jones --role officer --landlord X"
token: install
	$(BIN)/asb-token $(ARGS)

# Figures, not assertions: Temporal's floor vs the product, and worker memory (README).
benchmark: install
	$(BIN)/python -m scripts.benchmark $(ARGS)

# kill -9 the worker and the dev server while cases are in flight; exit 1 if anything is lost.
soak: install
	$(BIN)/python -m scripts.soak $(ARGS)

# schemathesis against the running product's OpenAPI description: no 5xx allowed.
fuzz: install
	$(BIN)/python -m scripts.hostile $(ARGS)

# Re-resolve the lock file after changing dependencies in pyproject.toml.
lock: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock

# The README's sample letter: a warning of a sample case, rendered by the product, as a PNG.
letter-sample: install
	$(BIN)/python -m scripts.letter_sample $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
