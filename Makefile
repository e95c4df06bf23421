VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: run test lint bench quality install install-dev clean

$(BIN)/kg: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(BIN)/kg
	$(BIN)/pip install --quiet -e ".[dev]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@

install: $(BIN)/kg

install-dev: $(VENV)/.dev

run: install
	$(BIN)/kg build seeds --out out

test: install-dev
	$(BIN)/python -m pytest -q

bench: install-dev
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/html_layout.py --nodes 5000 --edges 20000 | tee -a benchmarks/results.md

quality: install
	$(BIN)/python benchmarks/quality.py

lint: install-dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) out
