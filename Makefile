# The README's commands. Each target creates .venv and installs pinned dependencies first:
# demo and serve what a user installs (requirements.lock), test and lint the tools on top
# (requirements-dev.lock).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: demo serve test lint browser bench clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.lock
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $(DEV_STAMP)

demo: $(STAMP)
	$(BIN)/counterpoint compare examples/

serve: $(STAMP)
	$(BIN)/counterpoint ingest examples/ --db demo.duckdb
	$(BIN)/counterpoint serve --db demo.duckdb

test: lint browser
	$(BIN)/python -m pytest -q

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/mypy

# The browser tests drive Debian's Chromium. Install it when it is missing and we are root;
# never fail here: without it those tests are skipped, saying why.
browser:
	@command -v chromium >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1 || \
	{ echo "installing chromium for the browser tests"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -qq chromium >/dev/null 2>&1 || \
	  { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1; } || \
	  echo "could not install chromium: the browser tests will be skipped"; }

bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/throughput.py --data ../shared/eval/ecbplus

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis
