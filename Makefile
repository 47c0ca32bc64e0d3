# Slate developer commands. `make run` for the demo, `make test` for the whole suite; `make help` lists the rest.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Rebuilt only when pyproject.toml changes; an existing .venv is reused, never deleted (except by distclean).
STAMP := $(VENV)/.installed
ARGS ?=
# A hung browser or worker test must not hang CI: pytest is interrupted (and prints its summary) after this.
PYTEST_TIMEOUT ?= 1200
# pytest-xdist processes (each with its own test database and Redis db); PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2

# The services `make test` uses. Override on the command line: make test DATABASE_URL=... REDIS_URL=...
# A DATABASE_URL/REDIS_URL in your shell is meant for `make run` and is deliberately not used by the tests.
TEST_DATABASE_URL := $(if $(filter command line,$(origin DATABASE_URL)),$(DATABASE_URL),postgres://postgres@127.0.0.1:5432/slate)
TEST_REDIS_URL := $(if $(filter command line,$(origin REDIS_URL)),$(REDIS_URL),redis://127.0.0.1:6379/15)
TEST_ENV := DATABASE_URL='$(TEST_DATABASE_URL)' REDIS_URL='$(TEST_REDIS_URL)'

.PHONY: help install run worker beat migrate demo services chromium migrations-check test lint fmt bench clean distclean

help: ## List the commands
	@echo "Slate — make <target>"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@if [ ! -x $(PY) ]; then \
		$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
			|| { echo "Slate needs Python 3.11 or newer as $(PYTHON) (try make PYTHON=python3.11 ...)." >&2; exit 1; }; \
		echo "Creating the virtualenv in $(VENV)"; \
		$(PYTHON) -m venv $(VENV); \
	fi
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

install: $(STAMP) ## Create .venv and install Slate with its dev tools (only when pyproject.toml changed)

# DATABASE_URL/REDIS_URL come from your environment when set (e.g. Postgres); unset means SQLite in var/ and
# Celery tasks run in-process.
run: export DJANGO_DEBUG := 1
run: $(STAMP) ## Migrate, load the demo data and serve it on http://127.0.0.1:8000 (SQLite unless DATABASE_URL is set)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo
	@echo "Slate is starting on http://127.0.0.1:8000/  (Ctrl-C stops it)"
	$(PY) manage.py runserver 127.0.0.1:8000

worker: export DJANGO_DEBUG := 1
worker: $(STAMP) ## Run a Celery worker (only needed when REDIS_URL is set)
	@test -n "$${REDIS_URL:-}" || { echo "REDIS_URL is not set: tasks already run in-process, no worker needed." >&2; exit 1; }
	$(VENV)/bin/celery -A studio worker -l info

beat: export DJANGO_DEBUG := 1
beat: $(STAMP) ## Run Celery beat (digests, sweeps, the nightly variance), only needed when REDIS_URL is set
	@test -n "$${REDIS_URL:-}" || { echo "REDIS_URL is not set: start Redis and set REDIS_URL to run scheduled work." >&2; exit 1; }
	@mkdir -p var
	$(VENV)/bin/celery -A studio beat -l info --schedule var/celerybeat-schedule

migrate: export DJANGO_DEBUG := 1
migrate: $(STAMP) ## Apply database migrations (SQLite unless DATABASE_URL is set)
	$(PY) manage.py migrate --noinput

demo: export DJANGO_DEBUG := 1
demo: migrate ## Load the demo shows, people and notes and print the demo logins
	$(PY) manage.py seed_demo

services: ## Make sure PostgreSQL and Redis answer on localhost (starts them where possible)
	@$(TEST_ENV) scripts/ensure-services.sh

chromium: ## Make sure Debian's chromium is installed for the browser tests
	@scripts/ensure-chromium.sh

MIGRATIONS_CHECK := env -u REDIS_URL DJANGO_DEBUG=1 DATABASE_URL='sqlite://:memory:' $(PY) manage.py makemigrations --check --dry-run

migrations-check: $(STAMP) ## Fail when a model change has no migration
	$(MIGRATIONS_CHECK)

# The migrations check and ruff do not stop the run: CI shows the test results too, and fails if anything failed.
test: $(STAMP) ## Run the whole suite on the local PostgreSQL and Redis (ARGS="-k foo" passes pytest options)
	@scripts/ensure-chromium.sh
	@$(TEST_ENV) scripts/ensure-services.sh
	@failed=""; \
	echo "makemigrations --check"; \
	$(MIGRATIONS_CHECK) || failed="$$failed makemigrations-check"; \
	echo "ruff check ."; \
	$(VENV)/bin/ruff check . || failed="$$failed ruff"; \
	echo "pytest with DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL)"; \
	status=0; \
	$(TEST_ENV) timeout --foreground --signal=INT --kill-after=30 $(PYTEST_TIMEOUT) $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(ARGS) || status=$$?; \
	if [ $$status -eq 124 ]; then echo "pytest was stopped after $(PYTEST_TIMEOUT) s"; fi; \
	if [ $$status -ne 0 ]; then failed="$$failed pytest(exit $$status)"; fi; \
	if [ -n "$$failed" ]; then echo "make test FAILED:$$failed"; exit 1; fi; \
	echo "make test passed"

lint: $(STAMP) ## ruff check and ruff format --check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(STAMP) ## Fix what ruff can and format the code
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP) ## Run every bench/bench_*.py and print the results
	$(PY) bench/run.py

clean: ## Remove var/ (the demo database), collected static files and caches; keeps .venv
	rm -rf var/ staticfiles/ bench/results/ .pytest_cache/ .ruff_cache/
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean ## clean, and remove .venv too
	rm -rf $(VENV)
