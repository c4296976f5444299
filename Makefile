# naba: `make run` runs the pipeline on the embedded broker, `make test` runs every check.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SOURCES := pipeline agents naba tests $(wildcard benchmarks/*.py)

.PHONY: run test lint typecheck pytest quality bench install clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall when the dependency list changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/naba up

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check $(SOURCES)
	$(BIN)/ruff format --check $(SOURCES)

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP) chromium
	$(BIN)/python -m pytest -q

# The dashboard test drives a real headless browser (Debian chromium). Installed when missing and we are
# root with apt; otherwise that one test skips and says why.
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "chromium not installed: the dashboard browser test will skip"; }

# Scores statement extraction against tests/data/gold (table + benchmarks/results/quality.json).
quality: $(STAMP)
	$(BIN)/python -m pipeline.extract.quality
	$(BIN)/python -m pipeline.extract.topic_quality --out benchmarks/results/topic_quality.json

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .naba
