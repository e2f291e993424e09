# Two commands a new user needs (see README.md):
#   make report   validate, check the claims, render the charts, run the notebooks, write the site
#   make test     run the test suite, ruff and mypy
# Each installs what it needs into .venv on first use, from the pinned requirements.lock.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: report test validate check charts gallery lab bench lock clean

$(STAMP): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name iwf-stats --display-name "Python (iwf-stats)" >/dev/null
	$(BIN)/python -m compileall -q src  # bytecode up front: cold starts stay fast even where PYTHONDONTWRITEBYTECODE is set
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/iwf-stats build

validate: $(STAMP)
	$(BIN)/iwf-stats validate

test: $(STAMP)
	$(BIN)/python -m pytest
	$(BIN)/ruff check .
	$(BIN)/mypy src

check: $(STAMP)
	$(BIN)/iwf-stats check

charts: $(STAMP)
	$(BIN)/iwf-stats charts

# Refresh the README's thumbnails from freshly rendered charts.
gallery: charts
	mkdir -p docs/charts && for f in output/charts/*.png; do case $$f in *@2x.png) ;; *) cp $$f docs/charts/;; esac; done

# Open the notebooks in JupyterLab, on the project's kernel ("Python (iwf-stats)").
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/

bench: $(STAMP)
	$(BIN)/python -m compileall -q src
	$(BIN)/python benchmarks/run.py

# Refresh the pins (needs the package registry): installs the newest releases allowed by
# pyproject.toml into a scratch venv and records exactly what was installed.
lock:
	rm -rf .lockvenv && $(PYTHON) -m venv .lockvenv
	.lockvenv/bin/pip install --quiet -e '.[dev]' setuptools
	(echo '# Exact pins for every package the project, its tests and JupyterLab use (make lock refreshes them).'; \
	 .lockvenv/bin/pip freeze --exclude-editable --all | grep -v '^pip==') > requirements.lock
	rm -rf .lockvenv

clean:
	rm -rf $(VENV) output build
