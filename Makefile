# KubePrep: `make run` sets up and serves the app; `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
VPY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Find Python >= 3.12: python3.13, python3.12 or python3 on PATH, then pyenv's installs.
PYTHON ?= $(shell for c in python3.13 python3.12 python3; do \
	  p=$$(command -v $$c 2>/dev/null) && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit 0; }; done; \
	  if command -v pyenv >/dev/null 2>&1; then for v in $$(pyenv versions --bare 2>/dev/null | sort -rV); do \
	    p="$$(pyenv root)/versions/$$v/bin/python3"; [ -x "$$p" ] && "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo $$p; exit 0; }; done; fi)

.PHONY: help venv run serve test test-fast lint check-deploy messages bench bench-all loadtest clean browser-deps

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/\1\t\2/' | \
	  awk -F '\t' '{ printf "make %-13s %s\n", $$1, $$2 }' | sed 's/$$(HOST)/$(HOST)/; s/$$(PORT)/$(PORT)/'

$(VENV)/.installed: requirements.txt
	@if [ -z "$(PYTHON)" ]; then \
	  echo "KubePrep needs Python 3.12 or newer (python3.13, python3.12, or a python3 >= 3.12 on PATH, or installed with pyenv)."; \
	  echo "Install one, e.g. 'pyenv install 3.13' or your distribution's python3.13 package, then run make again."; exit 1; fi
	@[ -x $(VPY) ] || { echo "Creating $(VENV) with $(PYTHON)"; $(PYTHON) -m venv $(VENV); }
	$(VPY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

venv: $(VENV)/.installed ## create .venv and install requirements.txt

run: venv ## create .venv, install, migrate, load content, serve http://$(HOST):$(PORT) (debug)
	DJANGO_DEBUG=1 $(VPY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(VPY) manage.py compilemessages --ignore=.venv -v0 || true
	DJANGO_DEBUG=1 $(VPY) manage.py load_content
	DJANGO_DEBUG=1 $(VPY) manage.py ensure_admin
	DJANGO_DEBUG=1 $(VPY) manage.py runserver $(HOST):$(PORT)

serve: venv ## gunicorn with production settings (needs DJANGO_SECRET_KEY)
	@[ -n "$$DJANGO_SECRET_KEY" ] || { echo "make serve uses production settings: set DJANGO_SECRET_KEY (and DJANGO_ALLOWED_HOSTS)."; exit 1; }
	$(VPY) manage.py migrate --noinput
	$(VPY) manage.py load_content
	$(VPY) manage.py collectstatic --noinput -v0
	$(VENV)/bin/gunicorn config.wsgi:application --preload --bind $${BIND:-$(HOST):$(PORT)} --workers $${WEB_CONCURRENCY:-2} --access-logfile -

browser-deps: ## install Debian's chromium for the browser tests if it is missing
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || { echo "apt-get install chromium failed"; exit 1; }; \
	  else echo "The browser tests need Debian's chromium at /usr/bin/chromium: run 'sudo apt-get install chromium' and try again."; exit 1; fi; fi

test: venv browser-deps lint ## lint, then the whole test suite (browser tests included)
	KUBEPREP_TESTING=1 $(VPY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

test-fast: venv ## the test suite without the browser tests
	KUBEPREP_TESTING=1 $(VPY) -m pytest -n 2 -m "not browser" $(PYTEST_ARGS)

lint: venv ## ruff (configuration in ruff.toml)
	$(VENV)/bin/ruff check .

check-deploy: venv ## Django's deployment checks with production settings
	DJANGO_SECRET_KEY=$$(head -c 48 /dev/urandom | base64) DJANGO_ALLOWED_HOSTS=kubeprep.example $(VPY) manage.py check --deploy --fail-level WARNING

messages: venv ## regenerate and compile the Chinese catalogue (rewrites every location comment)
	DJANGO_DEBUG=1 $(VPY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=staticfiles --no-obsolete
	DJANGO_DEBUG=1 $(VPY) manage.py compilemessages --ignore=.venv

bench: venv ## one table: req/s, p50/p99 and ratio to /healthz for every page and API (needs wrk)
	$(VPY) bench/bench_table.py

bench-all: venv ## every benchmark script in bench/ (engines, editorial, quiz, review, pages, the table)
	@for f in bench/bench_*.py; do echo "== $$f"; $(VPY) $$f || exit 1; done

loadtest: venv ## gunicorn --preload behind nginx on 127.0.0.1 under mixed load, a killed worker and 50 slow clients
	$(VPY) loadtest/run.py

clean: ## remove .venv, collected static files and caches
	rm -rf $(VENV) staticfiles .pytest_cache
