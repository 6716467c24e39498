# Two commands do all set-up on a fresh machine (Python 3.11+ and pip only):
#   make lab    -> JupyterLab on notebooks/ with the sample corpus
#   make test   -> the whole test suite (unit tests + headless run of every notebook)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8888
# Open a browser only where there is a display (or on macOS); JupyterLab prints the URL either way.
NO_BROWSER := $(if $(or $(DISPLAY),$(WAYLAND_DISPLAY),$(filter Darwin,$(shell uname -s))),,--no-browser)
ROOT_FLAG  := $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: lab test report dashboard venv install install-test bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files record what was installed; they are rebuilt when pyproject.toml changes.
$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

venv install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

lab: $(VENV)/.installed
	$(BIN)/jupyter lab --notebook-dir=notebooks --ip=127.0.0.1 --port=$(PORT) $(NO_BROWSER) $(ROOT_FLAG)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

# Run every notebook headless on a corpus and keep notebooks, HTML and figures in reports/:
#   make report [CORPUS=path] [SINCE=2021-01-01] [UNTIL=2021-12-31]
report: $(VENV)/.installed
	$(BIN)/python -m helpers report $(if $(CORPUS),--corpus $(CORPUS),) $(if $(SINCE),--since $(SINCE),) $(if $(UNTIL),--until $(UNTIL),)

# Every notebook as a Voila dashboard (code hidden, widgets live) on 127.0.0.1
DASH_PORT ?= 8866
dashboard: $(VENV)/.installed
	@echo "Dashboards: http://127.0.0.1:$(DASH_PORT)/ (pick a notebook; Ctrl-C to stop)"
	$(BIN)/voila notebooks --no-browser --Voila.ip=127.0.0.1 --port=$(DASH_PORT)

bench: $(VENV)/.installed
	$(BIN)/python benchmarks/bench_load.py

clean:
	rm -rf $(VENV) reports .cache .pytest_cache
