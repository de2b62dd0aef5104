# Set-up and everyday commands. Only python3 (>= 3.11) and make are needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP_RUN := $(VENV)/.stamp-run
STAMP_TEST := $(VENV)/.stamp-test
STAMP_BENCH := $(VENV)/.stamp-bench

.PHONY: demo test bench install wheel clean sample-data report-template readme-picture readme

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP_RUN): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(STAMP_RUN)

install: $(STAMP_RUN)

# The package to install for a user (pipx or a venv of its own, see the README): dist/gpscli-<version>-py3-none-any.whl
wheel: $(STAMP_TEST)
	$(BIN)/python -m pip wheel --quiet --no-deps --no-build-isolation --wheel-dir dist .
	@ls -1 dist/*.whl

demo: $(STAMP_RUN)
	$(BIN)/gps validate sample_data
	$(BIN)/gps aggregate sample_data --year 2016 --out output/2016年政府购买服务汇总表.xlsx --out output/2016年政府购买服务汇总.json
	$(BIN)/gps report --year 2016
	@echo "输出文件在 output/ 目录:"
	@ls -1 output

$(STAMP_BENCH): pyproject.toml $(STAMP_TEST)
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	touch $@

test: $(STAMP_TEST)
	$(BIN)/ruff check src tests benchmarks templates tools
	$(BIN)/mypy
	$(BIN)/python -m pytest

bench: $(STAMP_BENCH)
	$(BIN)/python benchmarks/bench.py

sample-data: $(STAMP_RUN)
	$(BIN)/python sample_data/make_sample_data.py

readme: $(STAMP_RUN)
	$(BIN)/python tools/sync_readme.py

report-template: $(STAMP_RUN)
	$(BIN)/python templates/build_templates.py

clean:
	rm -rf $(VENV) output build dist .pytest_cache
