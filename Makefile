# ponapi: `make run` starts the demo, `make test` runs every check. Both set themselves up.
# Production: `make install-prod` (runtime only, no test tools) and deploy/ponapi.service.
PYTHON ?= python3
VENV   ?= .venv
PROD_VENV ?= venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 1

.PHONY: install install-prod run serve test test-real-acs lint typecheck pytest services bench bench-smoke wrk clean

# Development: editable, with the test tools. pip prints each package as it goes (the first
# install downloads about 80 packages: a minute or two).
$(STAMP): pyproject.toml
	@echo "==> [1/3] creating the virtualenv $(VENV)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> [2/3] upgrading pip"
	$(BIN)/python -m pip install --upgrade --progress-bar on pip
	@echo "==> [3/3] installing ponapi (editable) with its test tools"
	$(BIN)/python -m pip install --progress-bar on -e '.[dev]'
	touch $(STAMP)
	@echo "==> installed: $(BIN)/ponapi"

install: $(STAMP)

# Production: ponapi and its runtime dependencies only (no pytest, mypy, ruff, schemathesis,
# hypothesis), not editable, into PROD_VENV (default ./venv). Run it again after an update;
# the service itself never installs anything (deploy/ponapi.service runs PROD_VENV/bin/ponapi).
install-prod:
	@echo "==> [1/2] creating the virtualenv $(PROD_VENV)"
	$(PYTHON) -m venv $(PROD_VENV)
	$(PROD_VENV)/bin/python -m pip install --upgrade --progress-bar on pip
	@echo "==> [2/2] installing ponapi and its runtime dependencies"
	$(PROD_VENV)/bin/python -m pip install --progress-bar on .
	@echo "==> installed: $(PROD_VENV)/bin/ponapi (e.g. $(PROD_VENV)/bin/ponapi serve)"

run: install
	$(BIN)/ponapi demo --host $(HOST) --port $(PORT)

serve: install
	$(BIN)/ponapi serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

services:
	./scripts/ensure-test-services.sh

lint: install
	$(BIN)/ruff check ponapi tests bench
	$(BIN)/ruff format --check ponapi tests bench

typecheck: install
	$(BIN)/mypy ponapi

pytest: install services
	$(BIN)/pytest

test: lint typecheck pytest

# Only the suite against the real GenieACS (REAL_GENIEACS_DIR, default ../shared/real-genieacs).
test-real-acs: install
	REAL_GENIEACS_DIR=$${REAL_GENIEACS_DIR:-../shared/real-genieacs} $(BIN)/pytest -m real_acs tests/real_acs

wrk:
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)

# Every benchmark, then the real-ACS one when REAL_GENIEACS_DIR is set; rewrites
# docs/benchmarks.md and fails when a judged target is missed (after running everything).
bench: install wrk
	@status=0; $(BIN)/python -m bench.run || status=$$?; \
	if [ -n "$$REAL_GENIEACS_DIR" ]; then $(BIN)/python -m bench.real_acs || status=$$?; \
	else echo "real-ACS benchmark skipped: set REAL_GENIEACS_DIR (e.g. ../shared/real-genieacs)"; fi; \
	exit $$status

# Every benchmark for a few seconds: figures printed, no target judged, nothing written.
bench-smoke: install wrk
	$(BIN)/python -m bench.run --smoke

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
