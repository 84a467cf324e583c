# The two set-up commands: `make demo` and `make test`. Everything else is a helper.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
LOCALE := src/doudi/locale
# The exact versions CI tests (pip constraints); `make lock` regenerates it.
LOCK := requirements/lock.txt

.PHONY: demo test test-slow test-postgres install lock messages translations lint browser clean

$(STAMP): pyproject.toml $(LOCK)
	@test -x $(PY) || $$(scripts/find-python) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c $(LOCK) -e ".[test]"
	@touch $(STAMP)

install: $(STAMP) messages

# Re-resolve the newest versions pyproject.toml's bounds allow into the lock file (installs
# nothing; `make install` then brings the venv to it). LOCK_ARGS go to pip, e.g. -c old-lock.txt.
lock:
	@test -x $(PY) || $$(scripts/find-python) -m venv $(VENV)
	$(PY) scripts/lock.py $(LOCK_ARGS)

# Compile translations (pure Python: Babel, no gettext needed).
messages: $(STAMP)
	$(VENV)/bin/pybabel compile --use-fuzzy -d $(LOCALE) -D django --statistics 2>&1 | tail -n 1

# Refresh the zh_Hans catalogue from the code and scripts/zh/*.py (needs GNU gettext's xgettext).
translations: $(STAMP)
	cd src/doudi && ../../$(VENV)/bin/doudi makemessages -l zh_Hans --no-location --no-obsolete
	$(PY) scripts/translations_zh.py
	$(MAKE) messages

demo: install
	$(VENV)/bin/doudi demo

# The tests run on every core (pytest-xdist), a test file per worker at a time
# (tests/conftest.py groups them); PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= auto
PYTEST := $(VENV)/bin/pytest -n $(PYTEST_WORKERS) --dist loadgroup

# Every test but the slow full-scale ones; end-to-end tests need Debian's chromium.
test: install browser
	$(PYTEST)

test-slow: install
	$(PYTEST) -m slow

# The tests that use the database (marked `database` by tests/conftest.py); the others are
# refused a database connection by pytest-django, so PostgreSQL cannot change their outcome.
test-postgres: install browser
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(PYTEST) -m 'database and not slow'

browser:
	@scripts/ensure-chromium

# ruff (lint and format), mypy --strict on the engine, the import contracts (pyproject.toml), the
# lock file against pyproject.toml, and no function over 100 lines (scripts/check_function_size.py)
lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) scripts/lock.py --check
	$(PY) scripts/check_function_size.py

clean:
	rm -rf $(VENV) var
