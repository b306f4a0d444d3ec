# Two commands: `make run` (serve the portal with a Celery worker and beat) and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
INSTALLED := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)

.PHONY: run test install sysdeps sysdeps-test lint messages clean bench bench-load screenshots

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(INSTALLED): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test,dev]'
	rm -f $(VENV)/.installed-* && touch $@

install: $(INSTALLED)

sysdeps:
	@bash scripts/sysdeps.sh run

sysdeps-test:
	@bash scripts/sysdeps.sh test

run: sysdeps install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_catalog
	$(PY) manage.py seed_demo
	PORT=$(PORT) bash scripts/run.sh

test: sysdeps-test install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

messages: install
	$(PY) manage.py makemessages -l ja -l en --no-obsolete --ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

# The README's two screenshots (docs/queue.png, docs/report.png), taken in the browser.
screenshots: sysdeps-test install
	SCREENSHOTS=1 $(PY) -m pytest tests/e2e/test_screenshots.py -q -p no:cacheprovider

# Benchmarks against their own PostgreSQL database (never the CI or test one): seeded once
# with 100,000 reports, then page timings and the clock's sweep, each checked against its
# budget (bench/RESULTS.md). `make bench-load` serves it with gunicorn under load.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench
BENCH_REPORTS ?= 100000

bench: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/seed.py $(BENCH_REPORTS) --if-empty
	export BENCH_DATABASE_URL=$(BENCH_DATABASE_URL); \
	$(PY) bench/pages.py; pages=$$?; $(PY) bench/sweep.py; sweep=$$?; \
	$(PY) bench/screening.py; screening=$$?; \
	exit $$(( pages || sweep || screening ))

bench-load: install
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/seed.py $(BENCH_REPORTS) --if-empty
	BENCH_DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/load.py

clean:
	rm -rf $(VENV) .run db.sqlite3
