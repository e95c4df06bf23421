VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin

.PHONY: run test lint bench quality install install-dev clean

# pip's and setuptools' chatter goes to $(VENV)/install.log, shown only when an install fails
QUIET = > $(VENV)/install.log 2>&1 || { cat $(VENV)/install.log; exit 1; }

$(BIN)/kg: pyproject.toml
	@echo "Installing china-industry-kg into $(VENV) (log: $(VENV)/install.log)"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade pip $(QUIET)
	@$(BIN)/pip install --quiet -e . $(QUIET)
	@touch $@

$(VENV)/.dev: $(BIN)/kg
	@echo "Installing the test tools into $(VENV)"
	@$(BIN)/pip install --quiet -e ".[dev]" $(QUIET)
	@$(BIN)/python -m ipykernel install --sys-prefix --name python3 $(QUIET)
	@touch $@

install: $(BIN)/kg

install-dev: $(VENV)/.dev

run: install
	@$(BIN)/kg build seeds --out out

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
