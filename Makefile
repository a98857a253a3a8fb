# Every target installs what it needs: a fresh clone needs only `make demo` or `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EXTRAS ?= grader,scoring,reports,web,dev
# The development tools at the versions everyone uses (see the file).
CONSTRAINTS := constraints-dev.txt
# What `make test-fast` leaves out: tests that need bubblewrap, Chromium, PostgreSQL/Redis, the embedding model,
# or take long.
FAST_MARKERS := not slow and not sandbox and not browser and not services and not model
DEBIAN_PACKAGES := bubblewrap chromium libseccomp2

.PHONY: demo test test-fast lint typecheck pytest system-deps clean

$(STAMP): pyproject.toml $(CONSTRAINTS)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[$(EXTRAS)]' -c $(CONSTRAINTS)
	@touch $(STAMP)

# Debian packages the sandbox and the browser tests need; installed when we are root and they are missing.
system-deps:
	@missing=""; \
	command -v bwrap >/dev/null || missing="$$missing bubblewrap"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	ldconfig -p 2>/dev/null | grep -q libseccomp.so.2 || missing="$$missing libseccomp2"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "warning: missing Debian packages:$$missing (install them as root: apt-get install$$missing)"; \
	  fi; \
	fi

# The web app with a seeded demo organisation; HOST/PORT override where it listens.
HOST ?= 127.0.0.1
PORT ?= 8000
demo: $(STAMP) system-deps
	$(VENV)/bin/mlscreen serve --demo --host $(HOST) --port $(PORT)

lint: $(STAMP)
	$(VENV)/bin/ruff format --check src tests benchmarks
	$(VENV)/bin/ruff check src tests benchmarks

typecheck: $(STAMP)
	$(VENV)/bin/mypy

pytest: $(STAMP) system-deps
	$(VENV)/bin/pytest

test: lint typecheck pytest

# The quick loop while editing: no sandbox, browser, services, model or slow tests, on two processes.
test-fast: $(STAMP)
	$(VENV)/bin/pytest -q -n 2 -m "$(FAST_MARKERS)"

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache
