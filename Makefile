# make run: set up and serve the demo at http://127.0.0.1:5000 (SQLite).
# make test: set up and run the whole test suite (DATABASE_URL picks SQLite or PostgreSQL).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
FLASK := $(BIN)/flask --app pwa

.PHONY: install migrate demo run test test-browser lint clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(FLASK) upgrade-db

# Local development: debug mode makes and keeps a secret key in instance/ and allows plain http.
run: install
	FLASK_DEBUG=1 $(FLASK) upgrade-db
	FLASK_DEBUG=1 $(FLASK) demo
	FLASK_DEBUG=1 $(FLASK) vapid-keys
	FLASK_DEBUG=1 $(FLASK) run --debug --no-debugger --host 127.0.0.1 --port 5000

# Tests run on every CPU (pytest-xdist; each worker gets its own database). TEST_WORKERS=0: one process.
TEST_WORKERS ?= auto
test: install
	FLASK_DEBUG=1 $(FLASK) upgrade-db
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-browser: install
	$(BIN)/pytest -m browser $(PYTEST_ARGS)

# Performance goals are measured here, never in tests. BENCH_ARGS="--database-url postgresql://..." for PostgreSQL.
bench: install
	$(BIN)/python bench/diary_bench.py $(BENCH_ARGS)
	$(BIN)/python bench/digest_bench.py $(BENCH_ARGS)
	$(BIN)/python bench/worklist_bench.py $(BENCH_ARGS)
	$(BIN)/python bench/directory_bench.py $(BENCH_ARGS)
	$(BIN)/python bench/reports_bench.py $(BENCH_ARGS)
	$(BIN)/python bench/reminders_bench.py $(BENCH_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .pytest_cache
