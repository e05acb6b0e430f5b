# Every target creates .venv from the pinned dependencies in pyproject.toml on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: build test serve check bench mutate release release-check clean

build: $(STAMP)          ## validate every plan, then build site/ atomically
	$(BIN)/handbook build

test: $(STAMP)           ## the whole suite, browser tests included
	$(BIN)/pytest

serve: $(STAMP)          ## live preview; broken plans show their errors in the page
	$(BIN)/handbook serve

check: $(STAMP)          ## validate plans/ only
	$(BIN)/handbook check

bench: $(STAMP)          ## print speed figures (not a test)
	$(BIN)/python -m tests.bench

mutate: $(STAMP)         ## mutation score per area (tests/MUTANTS.md); AREAS="access diff"
	$(BIN)/python -m pip install --quiet -e '.[mutate]'
	$(BIN)/python -m tests.mutate $(AREAS)

release:                 ## tag v<version> at HEAD once README, CHANGELOG and pyproject agree
	$(PYTHON) -m tests.release tag

release-check:           ## fails while the tag the README pins (v<version>) does not exist
	$(PYTHON) -m tests.release check $(TAG)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,zensical,properdocs,mutate]'
	touch $(STAMP)

clean:
	rm -rf site .site-* $(VENV)
