# ponapi: `make run` starts the service, `make test` runs every check. Both set themselves up.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp
HOST   ?= 127.0.0.1
PORT   ?= 8000
WORKERS ?= 1

.PHONY: install run serve test test-real-acs lint typecheck pytest services bench bench-smoke wrk clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

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
