# KUTY: the verbs people look for. `make help` lists them.
#
# Everything runs from the project's own virtual environment in .venv. The stamp files in .venv
# make pip run again only when a requirements file changes.

SHELL := /bin/bash

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
PYTEST_ARGS ?=

.DEFAULT_GOAL := help

.PHONY: help venv venv-dev messages run test lint worker beat demo migrate mutate bench

help:
	@echo "make run       install, migrate, load demo data, serve http://127.0.0.1:8000"
	@echo "make test      run the tests (DATABASE_URL=postgres://... for PostgreSQL)"
	@echo "make lint      ruff check and ruff format --check"
	@echo "make demo      migrate and load the demo data"
	@echo "make migrate   apply database migrations"
	@echo "make messages  compile translations (needs gettext)"
	@echo "make worker    Celery worker (needs CELERY_BROKER_URL)"
	@echo "make beat      Celery beat, the periodic task scheduler (needs CELERY_BROKER_URL)"
	@echo "make venv      .venv with the application's requirements"
	@echo "make venv-dev  .venv with the development requirements (tests, lint)"
	@echo "make mutate    mutation testing of the money and import code (slow, not in CI)"
	@echo "make bench     time pages and reports on 40,000 generated clients next to plain SQL,"
	@echo "               write bench/results.md (BENCH_DATABASE_URL, BENCH_CLIENTS, BENCH_YEARS)"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-app: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# requirements-dev.txt includes requirements.txt, so this stamp covers the application's too.
$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed-app

venv: $(VENV)/.installed-app

venv-dev: $(VENV)/.installed-dev

# Compiles every .po file outside .venv. Without any .po files there is nothing to do.
messages: venv
	@if [ -z "$$(find . -path ./$(VENV) -prune -o -path ./.git -prune -o -name '*.po' -print -quit)" ]; then \
		echo "messages: no .po files yet, nothing to compile"; \
	elif ! command -v msgfmt >/dev/null 2>&1; then \
		echo "messages: msgfmt not found. Install gettext: apt-get install gettext" >&2; \
		exit 1; \
	else \
		$(MANAGE) compilemessages --ignore=$(VENV); \
	fi

migrate: venv
	$(MANAGE) migrate

# Translations too: reports made from the demo data come out in Finnish, not English.
demo: migrate messages
	$(MANAGE) demo_data

run: venv messages demo
	$(MANAGE) runserver 127.0.0.1:8000

# The database comes from DATABASE_URL when it is set (PostgreSQL in CI), SQLite otherwise.
# pytest-xdist: one test process per core. Tests are handed out in pytest-django's order (the
# transactional tests, which empty the tables, last in each process); the browser, worker and
# chaos tests start servers of their own on free ports. TEST_PROCESSES=0: this one process.
TEST_PROCESSES ?= auto
test: venv-dev messages
	$(VENV)/bin/pytest -n $(TEST_PROCESSES) $(PYTEST_ARGS)

lint: venv-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

define need_broker
	@if [ -z "$$CELERY_BROKER_URL" ] && ! grep -qs '^CELERY_BROKER_URL=.' .env; then \
		echo "$@: set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) in the environment or .env" >&2; \
		exit 1; \
	fi
endef

worker: venv
	$(need_broker)
	$(VENV)/bin/celery -A kuty worker -l info -Q celery,reports

beat: venv
	$(need_broker)
	$(VENV)/bin/celery -A kuty beat -l info

# The benchmark (docs/scaling.md): a database of its own, created, migrated and filled with
# generated data on the first run (manage.py generate_scale_data), then every page and report
# timed next to a hand-written SQL query; the table goes to bench/results.md.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kuty_bench
bench: venv messages
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) scripts/bench.py

# Mutation testing (docs/testing.md): mutmut changes MUTATE_FILE one small fault at a time in a
# scratch copy of the tree and runs MUTATE_TESTS against each; a survivor is a fault no test saw.
# Not in CI. One file at a time: MUTATE_FILE=guidance/attendance_import.py MUTATE_TESTS=...
MUTATE_FILE ?= reporting/builders/state_compensation.py
MUTATE_TESTS ?= tests/reporting/test_builders_state_compensation.py
MUTATE_DIR ?= /tmp/kuty-mutate
MUTATE_COPY := accounts activation_plans audit clients guidance kuty organisations reporting \
	templates static locale manage.py
$(VENV)/.installed-mutate: requirements-mutate.txt $(VENV)/.installed-dev
	$(PY) -m pip install --quiet -r requirements-mutate.txt
	touch $@

mutate: $(VENV)/.installed-mutate messages
	rm -rf $(MUTATE_DIR) && mkdir -p $(MUTATE_DIR)
	rsync -a --exclude .venv --exclude .git --exclude media --exclude artifacts \
		--exclude db.sqlite3 --exclude __pycache__ --exclude mutants ./ $(MUTATE_DIR)/
	printf '%s\n' '[mutmut]' 'source_paths = $(MUTATE_FILE)' \
		'also_copy =' $(addprefix '    ',$(MUTATE_COPY)) \
		'pytest_add_cli_args_test_selection = $(MUTATE_TESTS)' \
		'pytest_add_cli_args = -p no:cacheprovider -q -x' > $(MUTATE_DIR)/setup.cfg
	cd $(MUTATE_DIR) && $(CURDIR)/$(VENV)/bin/mutmut run --max-children 2; \
		$(CURDIR)/$(VENV)/bin/mutmut results
