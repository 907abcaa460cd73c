# Thiqa: `make demo` starts the platform with demo data; `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/thiqa
DEMO_ENV := THIQA_PROFILE=demo THIQA_DATA_DIR=$(CURDIR)/var/demo \
	THIQA_SMTP_URL=smtp://127.0.0.1:2525 THIQA_INBOUND_DOMAINS=thiqa.example,127.0.0.1,localhost
PYTEST := $(BIN)/pytest -n 2 --dist loadfile

.PHONY: demo democode test test-sqlite test-postgres lint messages install install-test install-bench bench-load

$(VENV)/.installed: pyproject.toml
	scripts/system-deps.sh demo
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	scripts/system-deps.sh test
	$(BIN)/pip install -q -e '.[test]'
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[bench]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
install-bench: $(VENV)/.installed-bench

# Compiled translation catalogs (.mo) are build output, made from the .po files.
messages: install
	cd thiqa && THIQA_PROFILE=test THIQA_DATA_DIR=$(CURDIR)/var/build ../$(BIN)/thiqa compilemessages -v 0

demo: install messages
	$(DEMO_ENV) $(BIN)/thiqa demo

# The current second-factor code of a sample account: make democode EMAIL=focal.eg@thiqa.example
democode: install
	@$(DEMO_ENV) $(BIN)/thiqa democode $(EMAIL)

lint: install-test
	$(BIN)/ruff check thiqa tests bench conftest.py
	$(BIN)/ruff format --check thiqa tests bench conftest.py

test-sqlite: install-test messages
	THIQA_DATABASE_URL= $(PYTEST) -q

test-postgres: install-test messages
	THIQA_DATABASE_URL=$(PG_URL) $(PYTEST) -q

test: lint test-sqlite test-postgres

# Load: 50 users for 2 minutes against `thiqa serve` on PostgreSQL (docs/benchmarks.md); not in `make test`.
bench-load: install-bench messages
	THIQA_DATABASE_URL=$(PG_URL) $(BIN)/python bench/load/run.py
