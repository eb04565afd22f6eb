# bubblewatch: every target creates and reuses .venv by itself.
# `make report` installs only what the report needs (the package and its runtime
# dependencies); `make test`, `lint` and `bench` add the dev, web, scale and online extras.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip --disable-pip-version-check
REPORT_STAMP := $(VENV)/.installed-report
DEV_STAMP := $(VENV)/.installed-dev
DATA ?= ../shared/data

.PHONY: report test test-fast bench lint format clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(REPORT_STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev,web,scale,online]'
	touch $(REPORT_STAMP) $@

report: $(REPORT_STAMP)
	$(VENV)/bin/bubblewatch report --out out/report.html

test: $(DEV_STAMP)
	$(PY) -m pytest -q

test-fast: $(DEV_STAMP)
	$(PY) -m pytest -q -m "not slow"

bench: $(DEV_STAMP)
	$(PY) benchmarks/run_all.py

lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check src tests benchmarks scripts
	$(VENV)/bin/ruff format --check src tests benchmarks scripts
	$(VENV)/bin/mypy src

format: $(DEV_STAMP)
	$(VENV)/bin/ruff check --fix src tests benchmarks scripts
	$(VENV)/bin/ruff format src tests benchmarks scripts

clean:
	rm -rf $(VENV) out build .pytest_cache .mypy_cache
