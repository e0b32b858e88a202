# The README's commands. `make run` and `make test` work on a fresh clone.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
HONCHO := PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -e tracing.env,.env
# uv installs the pinned requirements in a fraction of pip's time (25 s against 81 for make run's, 21 s against
# about 100 for the rest; perf/BENCHMARKS.md). It compiles the bytecode as pip does. It reads its index from its
# own settings (UV_INDEX_URL, uv.toml), not from pip's.
UV_VERSION := 0.13.8
UV_INSTALL = $(BIN)/uv pip install --quiet --compile-bytecode

.PHONY: install install-run run migrate superuser test lint compose-test load bench bench-loop perf-test screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(BIN)/uv: | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q uv==$(UV_VERSION)

# What make run needs, and no more: the services' packages, honcho, and Datadog's test agent in a virtualenv of its
# own (requirements-agent.txt says why).
$(VENV)/.installed-run: requirements.txt requirements-run.txt requirements-agent.txt | $(BIN)/uv
	$(UV_INSTALL) --python $(BIN)/python -r requirements-run.txt
	$(BIN)/uv venv --quiet --allow-existing --python $(PYTHON) $(VENV)/agent
	$(UV_INSTALL) --python $(VENV)/agent/bin/python -r requirements-agent.txt
	ln -sf ../agent/bin/ddapm-test-agent $(BIN)/ddapm-test-agent
	touch $@

# The test, lint, load and benchmark tools on top: installed the first time make test, lint, bench ... asks.
$(VENV)/.installed: $(VENV)/.installed-run requirements-dev.txt requirements-load.txt
	$(UV_INSTALL) --python $(BIN)/python -r requirements-dev.txt
	touch $@

install-run: $(VENV)/.installed-run
install: $(VENV)/.installed

# A fresh, git-ignored .env with random secrets; never overwrites one you have.
.env:
	sed -e "s/^DJANGO_SECRET_KEY=.*/DJANGO_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')/" \
	    -e "s/^POSTGRES_PASSWORD=.*/POSTGRES_PASSWORD=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(24))')/" \
	    .env.example > .env

# The same for Kubernetes (deploy/kubernetes, kubectl apply -k): one password for PostgreSQL and DATABASE_URL.
deploy/kubernetes/base/secrets.env:
	password=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(24))'); \
	sed -e "s/^DJANGO_SECRET_KEY=.*/DJANGO_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')/" \
	    -e "s/^POSTGRES_PASSWORD=.*/POSTGRES_PASSWORD=$$password/" \
	    -e "s/:POSTGRES_PASSWORD@/:$$password@/" \
	    $@.example > $@

# Quiet when there is nothing to apply, which is every start but the first: each `make run` checks.
migrate: install-run .env
	$(HONCHO) run python manage.py migrate --noinput -v0 --skip-checks

# In a terminal it asks; without one (a script) it takes DJANGO_SUPERUSER_* from .env, as docker compose does, or
# fails saying what to set.
superuser: migrate
	@if [ -t 0 ]; then $(HONCHO) run python manage.py createsuperuser; \
	else $(HONCHO) run python manage.py initdb --require-superuser -v0; fi

# The admin's static files (whitenoise serves them), collected once and again after an install: the project has
# none of its own, so nothing else changes them, and collecting them takes ten seconds of CPU.
staticfiles/.collected: $(VENV)/.installed-run | .env
	$(HONCHO) run python manage.py collectstatic --noinput -v0
	touch $@

# The banner names the step; what it prints is the Procfile lines this run does without (the worker before step 6,
# the redis line where a Redis answers), as honcho's --concurrency. It runs first: a value the services would refuse
# stops make run there, in one line, before migrate would print a traceback for it.
run: install-run .env
	@without=$$($(HONCHO) run python scripts/banner.py) && $(MAKE) -s --no-print-directory migrate staticfiles/.collected \
	    && $(HONCHO) start $$without

# The whole suite on SQLite, then what can differ between the engines (-m database) again on PostgreSQL when
# DATABASE_URL names one (CI sets it). TEST_PROCESSES test processes run side by side (pytest-xdist): the end-to-end
# tests mostly wait on the processes they boot; those that share a module's stack run in one process
# (tests/conftest.py). docs/testing.md has the figures.
TEST_PROCESSES ?= 3
PYTEST_PARALLEL = -n $(TEST_PROCESSES) --dist loadgroup
test: install
	env -u DATABASE_URL $(BIN)/pytest $(PYTEST_PARALLEL)
	@case "$$DATABASE_URL" in postgres*) echo "== What can differ, again on PostgreSQL ($$DATABASE_URL)"; \
	    $(BIN)/pytest $(PYTEST_PARALLEL) -m "database and not engine" ;; esac

# ruff's lint and format checks and mypy (pyproject.toml configures all three); `ruff format .` formats.
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# docker-compose.yml on a real Docker engine: starts dockerd if none answers, builds stand-ins for base
# images no registry gives (tests/deploy/standins/), builds the image, runs the stack and checks it.
compose-test: install
	$(BIN)/pytest -m engine -s tests/deploy/test_compose_engine.py

# Steady demo traffic against the API make run serves (load/locust.conf): a few requests a second, then a
# summary. LOAD_RATE (requests per second) and LOAD_DURATION (e.g. 2m) change it; .env's
# THINK_FAIL_SUBJECTS tells it which subjects fail.
LOAD_RATE ?= 2
LOAD_DURATION ?= 10m
load: install .env
	$(HONCHO) run locust --config load/locust.conf --rate $(LOAD_RATE) --run-time $(LOAD_DURATION)

# Bounded loads with wrk on loopback against the stack as docker compose runs it (see perf/BENCHMARKS.md).
BENCH_SECONDS ?= 10
bench: install
	@command -v wrk >/dev/null || { echo "make bench needs wrk (apt-get install wrk)"; exit 1; }
	$(BIN)/python -m perf.bench --seconds $(BENCH_SECONDS)

# The learner's loop, timed from a new clone of this one's HEAD (perf/learner_loop.py): clone to first joined trace,
# a step change, what make run holds at step 6. It runs make run on its usual ports: stop yours first.
bench-loop: install-run
	$(BIN)/python -m perf.learner_loop --fresh-clone

# What make bench measures beside ours (the Flask seed, the floors) still answers and traces as it should.
perf-test: install
	$(BIN)/pytest perf/tests

# The workshop pages' trace pictures (docs/images/), from the real running system in headless Chromium.
screenshots: install
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
