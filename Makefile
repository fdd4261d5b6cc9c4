# Two commands on a fresh machine: `make site` and `make test`. Each makes its own .venv.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
DATA ?= data
SITE_DIR ?= site
# python3.12 from PATH, else from pyenv's versions, else Debian's.
PYTHON ?= $(shell for p in python3.12 $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/local/bin/python3.12 /usr/bin/python3.12; do \
	$$p -c 'import sys; assert sys.version_info[:2] == (3, 12)' 2>/dev/null && { echo $$p; break; }; done)

.PHONY: site serve test lint validate fmt bench system-deps clean intake-serve

$(BIN)/.runtime: requirements.txt pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 not found (cần Python 3.12)"; exit 2; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $@

$(BIN)/.test: $(BIN)/.runtime requirements-test.txt
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-test.txt
	touch $@

# `cnscd build` validates first and refuses invalid data, so validation is not run twice.
site: $(BIN)/.runtime
	$(BIN)/cnscd build --data $(DATA) --site-dir $(SITE_DIR)

# A live preview on 127.0.0.1:8000: built once, then pages follow edits to data/ and docs/ (README «Xem trước»).
serve: $(BIN)/.runtime
	$(BIN)/cnscd serve --data $(DATA) --host 127.0.0.1 --port 8000

validate: $(BIN)/.runtime
	$(BIN)/cnscd validate --data $(DATA)
	$(BIN)/cnscd fmt --check --data $(DATA)

fmt: $(BIN)/.runtime
	$(BIN)/cnscd fmt --data $(DATA)

# Debian Chromium and fonts for the browser tests; never a downloaded browser.
system-deps:
# zbar-tools (zbarimg) and poppler-utils (pdftotext, pdftoppm) read printed posters back in the tests.
	@if ! command -v chromium >/dev/null || ! fc-list 2>/dev/null | grep -qi noto || ! command -v zbarimg >/dev/null \
		|| ! command -v pdftotext >/dev/null; then \
		if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core \
			zbar-tools poppler-utils >/dev/null; \
	fi

lint: $(BIN)/.test
	$(BIN)/ruff check scripts tests

# One pytest worker per core (pytest-xdist): the suite took 9 min on one, 6.5 min on two here.
test: $(BIN)/.test system-deps
	$(BIN)/ruff check scripts tests
	$(BIN)/cnscd fmt --check --data $(DATA)
	$(BIN)/python -m pytest -q -n 2

bench: $(BIN)/.runtime
	$(BIN)/cnscd bench

# The intake service against this checkout: valid submissions become branches submission/web-<receipt>;
# the journal is .cnscd/intake.sqlite3 (ignored by git). `make serve` is the site it accepts forms from.
intake-serve: $(BIN)/.runtime
	$(BIN)/cnscd intake-serve --local --data $(DATA) --host 127.0.0.1 --port 8787 \
		--allow-origin http://127.0.0.1:8000 --allow-origin http://localhost:8000

clean:
	rm -rf $(VENV) $(SITE_DIR) .pytest_cache
