# The two commands a newcomer needs: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PYBABEL := $(VENV)/bin/pybabel
CATALOGS := core/translations $(wildcard modules/*/translations)
# pytest-xdist workers (each with its own SQLite files, PostgreSQL database and Redis database).
WORKERS ?= 2
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test test-postgres test-all install translations i18n worker bench clean lint screenshots lock

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

translations: install
	@for dir in $(CATALOGS); do $(PYBABEL) -q compile --use-fuzzy -d $$dir -D messages >/dev/null || exit 1; done

# Extract and merge the catalogs of one part: make i18n PART=core (or PART=modules/pooling).
i18n: install
	$(PYBABEL) extract -F babel.cfg -k _l -k lazy_gettext -o $(PART)/translations/messages.pot $(PART) >/dev/null
	@for lang in fr en; do \
	  if [ -f $(PART)/translations/$$lang/LC_MESSAGES/messages.po ]; then \
	    $(PYBABEL) update -i $(PART)/translations/messages.pot -d $(PART)/translations -l $$lang --no-fuzzy-matching; \
	  else $(PYBABEL) init -i $(PART)/translations/messages.pot -d $(PART)/translations -l $$lang; fi; \
	done

run: translations
	$(FLASK) modules install --all --demo
	JOBS_INLINE_TICKER=1 $(FLASK) run --host $(HOST) --port $(PORT)

test: translations
	$(PY) -m pytest -q -n $(WORKERS)

test-postgres: translations
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} $(PY) -m pytest -q -n $(WORKERS) -m "not browser"

# ruff (lint and format) on the whole tree, mypy on core.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy core

# Refresh the README's pictures (the tests alone write them to a temporary folder).
screenshots: translations
	ERP_SCREENSHOTS=docs/screenshots $(PY) -m pytest -q -m browser

# Regenerate requirements.lock from pyproject.toml (the dependencies and the [test] extra).
lock: install
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --python-version 3.11 --quiet -o requirements.lock

worker: translations
	$(FLASK) jobs worker

# Small scale on a temporary SQLite end to end; other runs: make bench BENCH="load --database-url …"
# (see bench/README.md and docs/PERFORMANCE.md).
bench: translations
	$(PY) -m bench $(BENCH)

clean:
	rm -rf instance .pytest_cache
