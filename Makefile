# One command index: the README and CI both use these targets.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export IMPACT_DATA_DIR ?= data
export IMPACT_WAREHOUSE ?= data/warehouse.duckdb
# the dashboard's and the Dagster UI's ports: make run PORT=8600 DAGSTER_PORT=3100
PORT ?= 8501
DAGSTER_PORT ?= 3000

.PHONY: help setup browser java run build serve dashboard test test-fast lint format bench soak clean

help:  ## list targets
	@grep -E '^[a-z-]+:.*## ' Makefile | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)  ## create .venv with the locked dependencies

browser:  ## install Debian's chromium (browser tests, PDF reports) and poppler-utils (the PDF tests) (needs root or sudo)
	@{ command -v chromium && command -v pdftotext; } >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium poppler-utils >/dev/null; }

java:  ## install Debian's Java 17 runtime for Spark (the --engine spark tests; needs root or sudo)
	@command -v java >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq openjdk-17-jre-headless >/dev/null; }

build: setup  ## the operator demo's orders (generated once per seed), then build and publish the warehouse
	$(BIN)/impact demo
	$(BIN)/impact run --record

run: build  ## build the warehouse, then serve the dashboard and Dagster (other ports: make run PORT=8600 DAGSTER_PORT=3100)
	$(BIN)/impact serve --port $(PORT) --dagster-port $(DAGSTER_PORT)

dashboard: setup  ## serve only the dashboard on the current warehouse (make dashboard PORT=8600)
	$(BIN)/impact dashboard --port $(PORT)

lint: setup  ## ruff check and format check, sqlfluff over sql/ (.sqlfluff: the house style)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint sql/ --disable-progress-bar

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: setup browser java  ## lint (ruff check + format check, sqlfluff), then the whole suite (unit, SQL, pipeline, dashboard, browser)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/sqlfluff lint sql/ --disable-progress-bar
	$(BIN)/python -m pytest -q

test-fast: setup  ## the suite without the browser tests
	$(BIN)/python -m pytest -q -m "not browser and not slow"

bench: setup  ## benchmarks: pipeline run vs plain DuckDB, dashboard queries
	$(BIN)/python benchmarks/run_all.py

soak: setup  ## 4000 random bad inputs (CI: 300), then 10 min of inbox drops, overlapping runs, hostile console queries (CI: 45 s)
	IMPACT_SOAK_EXAMPLES=4000 $(BIN)/python -m pytest -q -p no:cacheprovider tests/reliability/test_bad_input_properties.py
	IMPACT_SOAK_SECONDS=600 $(BIN)/python -m pytest -q -s -p no:cacheprovider tests/reliability/test_soak.py

clean:
	rm -rf $(VENV) data/warehouse.duckdb* .pytest_cache
