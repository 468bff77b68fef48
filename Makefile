# goldendome: the two set-up commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip --disable-pip-version-check -q
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# the globe's CesiumJS bundle, copied into the package (gitignored); its stamp goes with it
CESIUM   := src/goldendome/server/static/cesium
CHROMIUM := /usr/bin/chromium

.PHONY: demo test lint bench clean web serve docs

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# runtime install; re-run when the project's dependencies change
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[test]'
	touch $@

$(VENV)/.installed-docs: pyproject.toml $(VENV)/.installed
	$(PIP) install -e '.[docs]'
	touch $@

# CesiumJS from npm (pinned by web/package-lock.json), Node.js from the OS packages if missing
$(CESIUM)/.stamp: web/package.json web/package-lock.json
	command -v npm >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q nodejs npm; }
	cd web && npm ci --no-audit --no-fund
	rm -rf $(CESIUM)
	cp -r web/node_modules/cesium/Build/Cesium $(CESIUM)
	touch $@

web: $(CESIUM)/.stamp

# the browser of tests/test_browser.py (Debian's chromium; never `playwright install`)
$(CHROMIUM):
	$(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q chromium

demo: $(VENV)/.installed web
	$(BIN)/goldendome run --out results/demo
	@echo "the globe: $(BIN)/goldendome serve, then open http://127.0.0.1:8000"

serve: $(VENV)/.installed web
	$(BIN)/goldendome serve

test: $(VENV)/.installed-test $(VENV)/.installed-docs web $(CHROMIUM)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	GOLDENDOME_BROWSER_TEST=require GOLDENDOME_WHEEL_TEST=require GOLDENDOME_DOCS_TEST=require $(BIN)/python -m pytest

# the documentation site into site/ (open site/index.html, no network needed): every tutorial is executed and any
# warning, a failing command among them, fails the build (mkdocs.yml, docs/about.md); tests/test_docs.py builds it too
docs: $(VENV)/.installed-docs
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

bench: $(VENV)/.installed-test
	for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) results .pytest_cache .ruff_cache web/node_modules $(CESIUM) build dist src/goldendome.egg-info
