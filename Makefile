# The two commands: `make run` (embedded default, demo data) and `make test` (ruff and the whole suite).
# Both set everything up on a fresh clone. DATABASE_URL and REDIS_URL, when set, point at real services.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run setup test lint bench clean

run: setup
	@echo "Collections CRM on http://127.0.0.1:8000 (web and Celery worker with beat; Ctrl-C stops both)"
	$(BIN)/honcho --procfile Procfile.dev start

setup: $(VENV)/.installed node_modules/.installed
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) setup_periodic_tasks
	$(MANAGE) seed_demo

test: $(VENV)/.installed node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .

BENCH_SCALE ?= 1.0
BENCH_ONLY ?=
bench: $(VENV)/.installed
	$(BIN)/python -m bench --scale $(BENCH_SCALE) $(if $(BENCH_ONLY),--only $(BENCH_ONLY))

$(VENV)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock -e ".[dev]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

clean:
	rm -rf $(VENV) node_modules staticfiles data
