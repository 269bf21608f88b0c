# Two commands matter (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.requirements-installed
PORT ?= 8501

.PHONY: demo test setup browser warehouse samples lint clean bench mutants

# Address (127.0.0.1), headless, no usage stats, the viewer's toolbar: .streamlit/config.toml
demo: warehouse  ## set up, load the sample exports, serve the dashboard
	$(PY) -m streamlit run dashboard/app.py --server.port $(PORT)

test: setup browser lint  ## set up, lint and run the whole test suite
	$(PY) -m pytest

setup: $(STAMP)

$(STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# The browser test drives the OS's Chromium (no browser downloads on this network).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

warehouse: setup  ## (re)load the sample exports into warehouse/
	$(PY) -m pipelines ingest
	$(PY) -m pipelines seed-reviews  # demo only: the sample review meeting, into an empty store

samples: setup  ## regenerate sample_data/exports from the seeded generator
	$(PY) -m pipelines generate-samples

bench: setup  ## full-scale benchmarks: results/latest.json and docs/PERFORMANCE.md
	$(PY) -m benchmarks

mutants: setup  ## change each metric definition in turn; the tests must fail for every one
	$(PY) tests/mutation/run.py

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

clean:
	rm -rf warehouse .pytest_cache
