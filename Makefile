# The two commands of the README: `make run` starts the product, `make test` runs every test.
# Both create the virtual environment from the lock file when it is missing or stale.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install tools run test browser-under-load lint deploy-check fmt lock token benchmark soak fuzz letter-sample screenshots bench-pages whatif whatif-bench clean

$(STAMP): pyproject.toml requirements.lock package.json package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	# Browser assets the product serves itself (console, /docs): pinned by package-lock.json.
	npm ci --omit=peer --ignore-scripts --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

# Debian packages the tests use: docker-compose (config check), pg_dump/pg_restore (backups),
# chromium (browser tests).
tools:
	@scripts/install_tools.sh

run: install
	$(BIN)/python -m core.devstack

test: install tools
	$(BIN)/lint-imports
	$(BIN)/python -m pytest

# The browser tests once more with every core kept busy (scripts/load.py): a test that races the
# page it waits for fails here, where CI's small machines are (issue 22).
browser-under-load: install tools
	$(BIN)/python -m scripts.load -- $(BIN)/python -m pytest tests/browser -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m scripts.sandbox_imports
	$(BIN)/python -m scripts.probe_layers
	@$(MAKE) --no-print-directory deploy-check

# The deployment files: hadolint on the Dockerfile; the kustomize manifests rendered (kubectl
# from PyPI) and validated against the Kubernetes API schemas; checkov on all of them.
KUSTOMIZED := build/kubernetes.yaml
deploy-check: install
	$(BIN)/hadolint Dockerfile
	@mkdir -p build
	$(BIN)/kubectl kustomize deploy/kubernetes > $(KUSTOMIZED)
	$(BIN)/kubernetes-validate --quiet --strict -k 1.30.0 $(KUSTOMIZED)
	$(BIN)/kubernetes-validate --quiet --strict $(KUSTOMIZED)
	$(BIN)/checkov --quiet --compact --skip-download --framework dockerfile kubernetes secrets \
		-f Dockerfile -f docker-compose.yml -f $(KUSTOMIZED)

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# A development bearer token, e.g. make token ARGS="--user officer.jones --role officer --landlord X"
token: install
	$(BIN)/asb-token $(ARGS)

# Figures, not assertions: Temporal's floor vs the product, and worker memory (docs/performance.md).
benchmark: install
	$(BIN)/python -m scripts.benchmark $(ARGS)

# kill -9 the worker and the dev server while cases are in flight; exit 1 if anything is lost.
soak: install
	$(BIN)/python -m scripts.soak $(ARGS)

# schemathesis against the running product's OpenAPI description: no 5xx allowed.
fuzz: install
	$(BIN)/python -m scripts.hostile $(ARGS)

# README screenshots of the console (docs/screenshots/), made in Chromium on a fresh record.
screenshots: install
	$(BIN)/python -m scripts.screenshots $(ARGS)

# Console page times (My cases, the case page) with 10,000 cases in the read model.
bench-pages: install
	$(BIN)/python -m scripts.bench_pages $(ARGS)

# Policy what-if: a landlord's recorded cases replayed under a proposed policy file (docs/whatif.md).
# make whatif ARGS="--policy docs/whatif/C-2027-draft.toml --landlord C --from 2026-01-01 --to 2026-12-31"
whatif: install
	$(BIN)/python -m scripts.whatif $(ARGS)

# A year of 5,000 recorded cases (bulk rows) replayed under two policies: prints the seconds.
whatif-bench: install
	$(BIN)/python -m scripts.whatif_bench $(ARGS)

# Re-resolve the lock file after changing dependencies in pyproject.toml.
lock: install
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements.lock
	# The image's lock: the same versions, without the development tools.
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 -c requirements.lock \
		-o requirements.runtime.lock

# The sample letter (docs/architecture.md, Letters): a warning of a sample case, rendered by the product, as a PNG.
letter-sample: install
	$(BIN)/python -m scripts.letter_sample $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
