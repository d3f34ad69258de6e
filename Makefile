# CNN Lab — the two set-up commands are `make run` and `make test` (see README.md).
# Both create or reuse .venv and install from requirements*.txt with pip.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PORT   ?= 8501
ADDRESS ?= 127.0.0.1

.PHONY: run test lint venv clean-venv serve

$(PY):
	$(PYTHON) -m venv $(VENV)

# Stamps: reinstall only when a requirements file changes.
$(VENV)/.run-installed: requirements.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	touch $@ $(VENV)/.run-installed

venv: $(VENV)/.run-installed

## Start the dashboard on http://127.0.0.1:8501 (offline default: digits + a small CNN).
run: $(VENV)/.run-installed
	$(PY) -m streamlit run dashboard/app.py --server.address $(ADDRESS) --server.port $(PORT)

## Serve a class: REPLICAS Streamlit processes behind nginx on PORT (see README, "Serving a class").
REPLICAS ?= 2
serve: $(VENV)/.run-installed
	$(PY) deploy/serve.py --replicas $(REPLICAS) --port $(PORT) --address $(ADDRESS)

## Run the whole test suite (core, AppTest pages, real-browser test).
test: $(VENV)/.dev-installed
	$(PY) -m pytest

## Lint with ruff (pyflakes, pycodestyle incl. line length, import order, bugbear).
lint: $(VENV)/.dev-installed
	$(PY) -m ruff check .

clean-venv:
	rm -rf $(VENV)
