# Legal Aid Hub. `make help` lists the targets.
# The interpreter .venv is made with: the distribution's Python 3.11+ when it has venv
# (Debian builds it with profile-guided and link-time optimisation; the same Django pages
# render 10-20 % faster on it than on a default source build such as pyenv's, issue 15 and
# bench/README.md), else the first python3 on PATH. `make install PYTHON=...` chooses.
PYTHON ?= $(shell for candidate in /usr/bin/python3 python3; do \
	$$candidate -c 'import ensurepip, sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && { echo $$candidate; break; }; \
	done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
# Links in emails point at the served address unless SITE_URL is set.
SITE_URL ?= http://$(if $(filter 0.0.0.0 ::,$(HOST)),127.0.0.1,$(HOST)):$(PORT)
# One pytest worker per core (pytest-xdist), fed test by test in collection order: pytest-django
# puts transactional tests last, and each worker must keep that order (a worker given whole
# files would run a flushing test before others that need the migrations' data).
PYTEST_WORKERS ?= auto
PYTEST_ARGS ?= -n $(PYTEST_WORKERS) --dist load

.DEFAULT_GOAL := help
.PHONY: help install run demo test test-postgres lint format messages bench ci clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-14s %s\n", $$1, $$2}'

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install the pinned packages

run: install ## Migrate, load demo data, run periodic tasks and serve on http://127.0.0.1:8000 (SQLite, eager Celery, console email)
	SITE_URL=$(SITE_URL) $(BIN)/python manage.py migrate --noinput
	SITE_URL=$(SITE_URL) $(BIN)/python manage.py load_demo
	@echo "Serving on $(SITE_URL)/ with periodic tasks — stop both with Ctrl-C"
	@export SITE_URL=$(SITE_URL); \
	$(BIN)/python manage.py run_periodic & periodic=$$!; \
	trap 'kill $$periodic 2>/dev/null; wait $$periodic 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

demo: install ## Load the demo data only (idempotent)
	$(BIN)/python manage.py load_demo

# Two runs, so the browser tests (a few minutes each) are spread over the workers on their own.
test: install ## Install and run the whole test suite (browser tests need Debian's chromium)
	@scripts/install-system-deps.sh --if-possible
	$(BIN)/python -m pytest -q $(PYTEST_ARGS) -m "not browser"
	$(BIN)/python -m pytest -q $(PYTEST_ARGS) -m browser

# The browser tests check markup, scripts and journeys, which do not depend on the database;
# on PostgreSQL only those marked `postgres` run (CI's SQLite pass runs them all).
test-postgres: install ## Run the suite against the local PostgreSQL
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/legalaid} $(BIN)/python -m pytest -q $(PYTEST_ARGS) -m "not browser or postgres"

lint: install ## ruff lint + format check, the stack of apps (import-linter), migrations check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install ## Format and autofix with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

messages: install ## Extract and compile the Chinese catalogues of every app
	scripts/messages.sh

bench: install ## Public pages vs a static file (gunicorn, PostgreSQL+Redis, wrk); exit 1 on a miss. Others: bench/README.md
	$(BIN)/python bench/public_pages.py

ci: ## What CI runs (.ci/run)
	bash .ci/run

clean: ## Remove the virtualenv, the SQLite database and test artifacts
	rm -rf $(VENV) db.sqlite3 artifacts staticfiles
