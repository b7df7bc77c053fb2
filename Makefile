# Two commands for a newcomer: `make run` and `make test`. Everything else is a step they call.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: setup check build run test clean

$(STAMP): pyproject.toml
	rm -f $(VENV)/.installed-*
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

setup: $(STAMP)

check: setup
	$(PY) build.py check

build: setup
	$(PY) build.py build

run: build
	$(PY) build.py check

test: setup
	$(PY) -m pytest

clean:
	rm -rf site site_src/generated instance .pytest_cache
