# investorbot — `make demo` answers a question offline; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
QUESTION ?= Why is Alibaba down?
export HF_HUB_OFFLINE := 1

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	# torch first and pinned: an unpinned torch pulls a multi-gigabyte CUDA build.
	$(BIN)/python -m pip install --quiet torch==2.13.0

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/investorbot ask "$(QUESTION)"

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/mypy

FINANCEBENCH ?= ../shared/financebench-dev

# benchmarks/model.py needs a model server (see its --help); it is not part of `make bench`.
bench: $(VENV)/.installed-dev
	$(BIN)/python benchmarks/seeds.py
	$(BIN)/python benchmarks/answers.py
	$(BIN)/python benchmarks/guard.py
	$(BIN)/python benchmarks/speed.py
	$(BIN)/python benchmarks/speed.py --sizes 100000 --chroma-server
	$(BIN)/python benchmarks/replicas.py
	@if [ -d "$(FINANCEBENCH)" ]; then $(BIN)/python benchmarks/financebench.py $(FINANCEBENCH) && \
	$(BIN)/python benchmarks/ingest.py $(FINANCEBENCH)/pdfs --limit 2; \
	else echo "FinanceBench folder $(FINANCEBENCH) not found: set FINANCEBENCH=PATH to run the retrieval benchmark"; fi

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
