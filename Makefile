# enhance: two commands do everything on a fresh machine.
#   make run   set up, migrate, load demo data if empty, serve on 127.0.0.1:$(PORT)
#   make test  set up, then the whole suite (browser tests included)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
VENDOR := build/static/vendor
# make run is for development and demos; production sets DEBUG=false and a SECRET_KEY.
export DEBUG ?= true

.PHONY: run test lint format bench setup assets migrate demo worker clean

setup: $(VENV)/.installed assets

$(VENV)/.installed: requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# NHS.UK frontend, htmx and Chart.js, copied from npm into our static files. The stylesheet's absolute
# image paths are made relative and the remote font faces dropped (our CSP allows only 'self').
# Source-map comments are dropped: the maps are not shipped (the stylesheet no longer matches
# its map), and the production manifest storage refuses a reference to a missing file.
assets: $(VENDOR)/.built

$(VENDOR)/.built: node_modules/.installed Makefile
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/nhsuk $(VENDOR)/htmx $(VENDOR)/chartjs
	cp -R node_modules/nhsuk-frontend/dist/nhsuk/assets $(VENDOR)/nhsuk/assets
	sed -e 's#//\# sourceMappingURL=[^ ]*$$##' \
		node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.js > $(VENDOR)/nhsuk/nhsuk-frontend.min.js
	sed -e 's#url(/assets/#url(assets/#g' -e 's#@font-face{[^}]*}##g' -e 's#/\*\# sourceMappingURL=[^*]*\*/##g' \
		node_modules/nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css > $(VENDOR)/nhsuk/nhsuk-frontend.min.css
	sed -e 's#//\# sourceMappingURL=[^ ]*$$##' node_modules/htmx.org/dist/htmx.min.js > $(VENDOR)/htmx/htmx.min.js
	sed -e 's#//\# sourceMappingURL=[^ ]*$$##' node_modules/chart.js/dist/chart.umd.min.js > $(VENDOR)/chartjs/chart.umd.min.js
	touch $@

migrate: setup
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable

demo: migrate
	$(BIN)/python manage.py load_demo --if-empty

# The web server, the background worker and the daily scheduler, stopped together.
run: demo
	@echo "enhance is starting on http://127.0.0.1:$(PORT) (demo sign-ins: see README.md)"
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/python manage.py db_worker --interval 2 & \
	$(BIN)/python manage.py run_scheduler & \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT) --noreload

test: setup
	$(BIN)/python -m pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/djlint templates --lint --quiet

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) node_modules build staticfiles
