# Convenience targets; the README gives the same steps as plain commands.
PYTHON ?= python3
VENV := .venv

.PHONY: demo test lint bench

$(VENV)/bin/chokegraph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q -e ".[test]"
	touch $@

demo: $(VENV)/bin/chokegraph
	$(VENV)/bin/chokegraph what-if china gallium germanium --to japan

test: $(VENV)/bin/chokegraph
	$(VENV)/bin/python -m pytest -q

lint: $(VENV)/bin/chokegraph
	$(VENV)/bin/ruff format --check . && $(VENV)/bin/ruff check .

bench: $(VENV)/bin/chokegraph
	$(VENV)/bin/python -m benchmarks.bench_engine
