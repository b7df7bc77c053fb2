# Two commands for a newcomer: `make run` and `make test`. Everything else is a step they call.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: setup check build serve new run test clean

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

# Staff preview with drafts, reloading as YAML files are saved: http://127.0.0.1:8000/
serve: setup
	$(PY) build.py serve --drafts

# make new ID=wangjing-2027-summer DISTRICT=beijing-chaoyang
new: setup
	$(PY) build.py new $(ID) --district $(DISTRICT)

# The catalogue and the enrolment app on one port: http://127.0.0.1:8000/
# Phone verification is on and SMS go to the development sender: read them at /dev/messages.
# The outbox worker (flask notify) runs beside gunicorn and stops with it.
DEV_ENV := FORMS_APP_SMS_PROVIDER=dev FORMS_APP_DEV_MESSAGES=true FORMS_APP_VERIFY_PHONE=true FORMS_APP_PUBLIC_URL=http://127.0.0.1:8000
run: build
	$(DEV_ENV) sh -c '$(VENV)/bin/flask --app forms_app notify & worker=$$!; \
		$(VENV)/bin/gunicorn --workers 1 --threads 8 --bind 127.0.0.1:8000 "forms_app.devserver:site_and_app()" & server=$$!; \
		trap "kill $$worker $$server 2>/dev/null" INT TERM; wait $$server; kill $$worker 2>/dev/null; wait'

# PostgreSQL tests start or install a local server first (scripts/ensure-postgres); they skip loudly without one.
test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	-@scripts/ensure-postgres
	$(PY) -m pytest

clean:
	rm -rf site site_src/generated instance .pytest_cache
