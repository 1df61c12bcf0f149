# The two commands a new user runs:  `make demo`  and  `make test`.
# Both create the virtual environment on first use from the pinned lock file.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# installs Debian's chromium for the report's browser test where it can (never fails)
ENSURE_CHROMIUM := scripts/ensure-chromium.sh

export OMP_NUM_THREADS ?= 1
export TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS :=
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: demo test lint venv clean

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	@touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/clearance demo --out demo-release --overwrite

lint: $(STAMP)
	$(BIN)/ruff check privacy synth audit reports clearance tests benchmarks
	$(BIN)/lint-imports

test: lint
	@sh $(ENSURE_CHROMIUM)
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) demo-release .pytest_cache
