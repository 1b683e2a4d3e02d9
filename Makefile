# The portal's commands. `make run` and `make test` work on a fresh machine with Python 3.11:
# they make .venv, install the pinned packages and do the rest.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install migrate demo run test bench lint deploy-check messages lock clean

$(STAMP): pyproject.toml constraints.txt package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@# axe-core for the browser journeys (tests/journeys); the suite says so if npm is missing.
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --loglevel=error; fi
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py sync_page_translation_fields --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

# Serves HTTP and WebSockets at http://$(HOST):$(PORT) with the embedded defaults, and runs the
# scheduler beside it as production does (scheduled pages and sightings, expired holds,
# retention; docs/deploy.md): it stops with the server.
run: demo
	@echo "Serving the portal at http://$(HOST):$(PORT)/ (Ctrl+C stops it)"
	@$(BIN)/python manage.py run_scheduler & \
	  trap "kill $$! 2>/dev/null" EXIT INT TERM; \
	  $(BIN)/uvicorn portal.asgi:application --host $(HOST) --port $(PORT) \
	    --ws-per-message-deflate false --ws-max-size 65536

# One test process per core (pytest-xdist); each test file runs whole in one process, so a
# file's shared server or demo site starts once. TEST_WORKERS=0 runs everything in this process.
TEST_WORKERS ?= auto
test: install
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile $(PYTEST_ARGS)

bench: install
	$(BIN)/python bench/run_all.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

# Validates deploy/: each systemd unit (systemd-analyze verify and security, on a copy whose
# /srv/leopard is this checkout), the user and directories, and `manage.py check --deploy`
# with deploy/leopard.env.example's values only (deploy/check.py).
deploy-check: install
	$(BIN)/python deploy/check.py

# Extracts template and code strings into the catalogues and compiles every catalogue (polib,
# no system gettext needed to compile; extraction needs GNU gettext).
messages: install
	$(BIN)/python manage.py makemessages --all --no-obsolete --ignore=.venv --ignore=tests --ignore=bench
	$(BIN)/python manage.py compile_catalogues

# Re-pins constraints.txt from what is installed (after changing pyproject.toml).
lock: install
	$(BIN)/python -m pip freeze --exclude-editable > constraints.txt

clean:
	rm -rf var db.sqlite3* .test-db.sqlite3* .pytest_cache
