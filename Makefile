# Two commands a new user needs (see README.md):
#   make report   validate, check the claims, render the charts, run the notebooks, write the site
#   make test     run the test suite, ruff and mypy
# Each installs what it needs into .venv on first use, from exact pins: requirements.lock (what the
# report needs) for every target, plus requirements-dev.lock (tests, linting, docs, JupyterLab) for
# test, lab, docs and bench. scripts/install-venv installs with uv when it can (bootstrapping it
# into .tools/ with pip if it is not on PATH) and with pip otherwise.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
export UV_VERSION := 0.13.9

.PHONY: report test validate check charts gallery lab docs bench lock clean

$(STAMP): requirements.lock pyproject.toml scripts/install-venv
	scripts/install-venv $(PYTHON) $(VENV) --project requirements.lock
	touch $(STAMP)

$(DEV_STAMP): $(STAMP) requirements-dev.lock
	scripts/install-venv $(PYTHON) $(VENV) requirements.lock requirements-dev.lock
	touch $(DEV_STAMP)

report: $(STAMP)
	$(BIN)/iwf-stats build

validate: $(STAMP)
	$(BIN)/iwf-stats validate

test: $(DEV_STAMP)
	$(BIN)/python -m pytest
	$(BIN)/ruff check .
	$(BIN)/mypy src

check: $(STAMP)
	$(BIN)/iwf-stats check

charts: $(STAMP)
	$(BIN)/iwf-stats charts

# Refresh the README's thumbnails from freshly rendered charts.
# The README's thumbnails: every chart at the web size, and one dark social card.
gallery: $(STAMP)
	rm -rf output/gallery
	$(BIN)/iwf-stats charts --out output/gallery --format png
	$(BIN)/iwf-stats charts --out output/gallery --format png --only hosting --size social --theme dark
	mkdir -p docs/charts && rm -f docs/charts/*.png
	for f in output/gallery/*.png; do case $$f in *@2x.png) ;; *) cp $$f docs/charts/;; esac; done

# Open the notebooks in JupyterLab, on the project's kernel ("Python (iwf-stats)").
lab: $(DEV_STAMP)
	$(BIN)/jupyter lab notebooks/

# The API reference, from the docstrings (pdoc), into output/docs/ (not committed).
docs: $(DEV_STAMP)
	$(BIN)/pdoc --output-directory output/docs --docformat markdown --no-show-source \
	  iwf_stats iwf_stats.dataset iwf_stats.loading iwf_stats.records iwf_stats.errors iwf_stats.resources \
	  iwf_stats.preference iwf_stats.claims iwf_stats.charts iwf_stats.report

bench: $(DEV_STAMP)
	$(BIN)/python -m compileall -q src
	$(BIN)/python benchmarks/run.py

# Refresh the pins (needs the package registry): installs the newest releases allowed by
# pyproject.toml into a scratch venv and records exactly what was installed: first the package
# alone (requirements.lock), then its dev extra on top of those pins (requirements-dev.lock).
lock:
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/pip install --quiet -e . setuptools
	(echo "# Exact pins for what \`make report\` needs: the package's runtime dependencies and the setuptools"; \
	 echo '# that installs it (make lock refreshes them; requirements-dev.lock adds the rest).'; \
	 .lockvenv/bin/pip freeze --exclude-editable --all | grep -v '^pip==') > requirements.lock
	.lockvenv/bin/pip install --quiet -e '.[dev]' -c requirements.lock
	(echo '# Exact pins that tests, linting, type checks, the API docs and JupyterLab add to requirements.lock'; \
	 echo '# (make test, make lab and make docs install both; make lock refreshes them).'; \
	 .lockvenv/bin/pip freeze --exclude-editable --all | grep -v '^pip==' | grep -vxF -f requirements.lock) \
	 > requirements-dev.lock
	rm -rf .lockvenv

clean:
	rm -rf $(VENV) .tools output build
