# Two commands: `make run` serves the site, `make test` runs the tests. Both set themselves up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run worker beat test lint format migrate seed clean bench bench-related profile a11y lighthouse

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: $(BIN)/python requirements.txt
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

## run: install, migrate, seed demo data into an empty database, then serve on
##   http://127.0.0.1:8000 with the worker and beat beside it (Procfile); Ctrl-C stops all three
run: $(VENV)/.runtime
	$(FLASK) db upgrade
	$(FLASK) seed --if-empty
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start

## worker: the Celery worker alone (deployments run it and beat as their own services)
worker: $(VENV)/.runtime
	$(BIN)/celery --app wsgi:celery_app worker --loglevel INFO

## beat: the schedule alone; run exactly one per deployment
beat: $(VENV)/.runtime
	$(BIN)/celery --app wsgi:celery_app beat --loglevel INFO

## test: install what the tests need and run them (PostgreSQL too when TEST_DATABASE_URL is set)
test: $(VENV)/.dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: $(VENV)/.runtime
	$(FLASK) db upgrade

seed: $(VENV)/.runtime
	$(FLASK) seed

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

## bench: wrk against gunicorn on a fresh database; writes docs/benchmarks.md (see bench/run.py)
##   make bench BENCH_ARGS="--database-url postgresql://postgres@127.0.0.1/test --redis-url redis://127.0.0.1:6379/0"
##   add --scale 2,4,8 to the PostgreSQL + Redis line: a few rows at each gunicorn worker count
bench: $(VENV)/.dev
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } \
		|| { echo "make bench needs wrk: apt-get install wrk"; exit 1; }
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## bench-related: what related articles cost the worker (rebuild, memory, one update) at 100k
bench-related: $(VENV)/.dev
	$(BIN)/python -m bench.related $(BENCH_ARGS)

## profile: where the time of a signed-in article list goes (pyinstrument)
profile: $(VENV)/.dev
	$(BIN)/python -m bench.profile $(PROFILE_ARGS)

# The accessibility tools (package.json: axe-core, Lighthouse), only for the two targets below.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

## a11y: axe-core over every page state (both widths, JavaScript on and off), then Lighthouse's
##   accessibility, best-practices and SEO scores, which must be 100 (docs/accessibility.md)
a11y: $(VENV)/.dev node_modules/.installed
	status=0; $(BIN)/python -m pytest tests/a11y $(PYTEST_ARGS) || status=$$?; \
	$(BIN)/python -m bench.lighthouse || status=$$?; exit $$status

## lighthouse: Lighthouse's four scores for five pages, written into docs/accessibility.md
lighthouse: $(VENV)/.dev node_modules/.installed
	$(BIN)/python -m bench.lighthouse --write
