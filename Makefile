# Two commands on a fresh machine: `make run` (the dashboard) and `make test` (the whole suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= localhost
PORT ?= 8501

.PHONY: run serve test bench deps test-deps system-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.deps: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.test-deps: requirements-test.txt requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

deps: $(VENV)/.deps
test-deps: $(VENV)/.test-deps

# What the dashboard needs from Debian besides Python: Pango and the Noto fonts for the PDF
# brief (installed when missing and we are root; otherwise it says what to install, and the
# brief downloads as HTML until then).
system-deps:
	@bash .ci/install-pdf.sh

run: deps system-deps
	$(BIN)/python -m prevention db upgrade
	$(BIN)/python -m prevention seed
	$(BIN)/python -m streamlit run app.py --server.address $(HOST) --server.port $(PORT) \
		--browser.gatherUsageStats false

# Several app processes behind HAProxy with sticky sessions (issue 17, docs/deploy.md): all on
# the one database of DATABASE_URL (PostgreSQL for an institution; SQLite in WAL mode works on
# one machine). Fetches and digests are not run by it: they are their own timer.
WORKERS ?= 2
serve: deps system-deps
	@bash .ci/install-haproxy.sh
	$(BIN)/python -m prevention db upgrade
	$(BIN)/python -m prevention seed
	$(BIN)/python -m prevention.web.serve --workers $(WORKERS) --host $(HOST) --port $(PORT)

# System packages the suite needs (PostgreSQL, Chromium): each .ci/install-*.sh installs
# its own when missing and we are root; otherwise the tests that need it skip with a message.
test: test-deps
	@for f in .ci/install-*.sh; do [ -e "$$f" ] && bash "$$f"; done; true
	$(BIN)/python -m pytest -q -n auto --maxprocesses=4

bench: test-deps
	$(BIN)/python benchmarks/engine.py
