# PipelineOS developer commands. `make demo` and `make test` each do their own setup on a fresh Debian machine.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Debian packages: WeasyPrint's Pango, Chromium + fonts for the dashboard's browser test, Tesseract for scanned legends.
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 chromium fonts-noto-color-emoji fonts-dejavu-core tesseract-ocr
PYTEST_ARGS ?=

.PHONY: setup system-deps demo test lint up clean

$(BIN)/python:
	command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required (set PYTHON=...)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.synced: $(BIN)/python pyproject.toml uv.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check 'uv>=0.5'
	$(BIN)/uv sync --frozen --python $(BIN)/python
	@# strip notebook outputs on commit (git filter from notebooks/.gitattributes); skipped outside a git checkout
	if git rev-parse --git-dir >/dev/null 2>&1; then $(BIN)/nbstripout --install --attributes notebooks/.gitattributes; fi
	touch $@

setup: $(VENV)/.synced

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

demo: setup system-deps
	$(BIN)/pipelineos demo

up: setup system-deps
	$(BIN)/pipelineos up

test: setup system-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -q $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pipelineos-test .pytest_cache .ruff_cache .mypy_cache
