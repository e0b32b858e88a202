# The README's commands. `make run` and `make test` work on a fresh clone.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
HONCHO := PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho -e tracing.env,.env

.PHONY: install run migrate superuser test lint compose-test load bench perf-test screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt requirements-load.txt requirements-agent.txt | $(BIN)/python
	$(BIN)/pip install --disable-pip-version-check -q -r requirements-dev.txt
	$(PYTHON) -m venv $(VENV)/agent
	$(VENV)/agent/bin/pip install --disable-pip-version-check -q -r requirements-agent.txt
	ln -sf ../agent/bin/ddapm-test-agent $(BIN)/ddapm-test-agent
	touch $@

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
migrate: install .env
	$(HONCHO) run python manage.py migrate --noinput -v0

# In a terminal it asks; without one (a script) it takes DJANGO_SUPERUSER_* from .env, as docker compose does, or
# fails saying what to set.
superuser: migrate
	@if [ -t 0 ]; then $(HONCHO) run python manage.py createsuperuser; \
	else $(HONCHO) run python manage.py initdb --require-superuser -v0; fi

# The admin's static files (whitenoise serves them), collected once and again after an install: the project has
# none of its own, so nothing else changes them, and collecting them takes ten seconds of CPU.
staticfiles/.collected: $(VENV)/.installed | .env
	$(HONCHO) run python manage.py collectstatic --noinput -v0
	touch $@

run: migrate staticfiles/.collected
	@$(HONCHO) run python scripts/banner.py
	$(HONCHO) start

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

# What make bench measures beside ours (the Flask seed, the floors) still answers and traces as it should.
perf-test: install
	$(BIN)/pytest perf/tests

# The workshop pages' trace pictures (docs/images/), from the real running system in headless Chromium.
screenshots: install
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
